#include "services/cli/in_process_ingest.h"

#include <memory>

#include "base/status_macros.h"
#include "services/serve/all_in_one.h"
#include "services/topics/default_model.h"

namespace reachrank::cli {

absl::Status WithInProcessIngest(
    const std::string& data,
    absl::FunctionRef<absl::Status(IngestSink&)> body) {
  serve::AllInOneOptions options;
  // No port: another local user cannot reach the services (and their
  // DeleteAuthors) while the tool runs.
  options.listen = "";
  options.metrics_listen = "";
  options.data = data;
  options.topics_model = topics_service::DefaultTopicModelDir();
  options.shutdown_grace = absl::Seconds(2);
  RR_ASSIGN_OR_RETURN(std::unique_ptr<serve::AllInOne> node,
                      serve::AllInOne::Start(options));
  IngestSink sink(node->InProcessChannel(), absl::Seconds(60));
  const absl::Status status = body(sink);
  const absl::Status shutdown = node->Shutdown();
  return status.ok() ? shutdown : status;
}

}  // namespace reachrank::cli
