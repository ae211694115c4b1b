#include "services/cli/in_process_ingest.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "grpcpp/create_channel.h"
#include "services/serve/all_in_one.h"
#include "services/topics/default_model.h"

namespace reachrank::cli {

absl::Status WithInProcessIngest(
    const std::string& data,
    absl::FunctionRef<absl::Status(IngestSink&)> body) {
  serve::AllInOneOptions options;
  options.listen = "127.0.0.1:0";
  options.metrics_listen = "127.0.0.1:0";
  options.data = data;
  options.topics_model = topics_service::DefaultTopicModelDir();
  options.shutdown_grace = absl::Seconds(2);
  RR_ASSIGN_OR_RETURN(std::unique_ptr<serve::AllInOne> node,
                      serve::AllInOne::Start(options));
  IngestSink sink(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", node->port()),
                          grpc::InsecureChannelCredentials()),
      absl::Seconds(60));
  const absl::Status status = body(sink);
  const absl::Status shutdown = node->Shutdown();
  return status.ok() ? shutdown : status;
}

}  // namespace reachrank::cli
