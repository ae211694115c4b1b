#include "services/topics/topics_test_process.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"

#ifndef REACHRANK_TOPICS_BINARY
#error "REACHRANK_TOPICS_BINARY must name the reachrank-topics binary"
#endif

namespace reachrank::testing {

absl::StatusOr<std::unique_ptr<TopicsProcess>> TopicsProcess::Start(
    const std::string& model_dir, const std::string& log_path,
    const std::string& listen) {
  absl::Status last;
  // A fixed address gets one attempt: nothing else to choose.
  const int attempts = listen.empty() ? 3 : 1;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    std::string address = listen;
    if (address.empty()) {
      absl::StatusOr<int> port = PickFreePort();
      if (!port.ok()) return port.status();
      address = Loopback(*port);
    }
    absl::StatusOr<int> metrics_port = PickFreePort();
    if (!metrics_port.ok()) return metrics_port.status();
    auto child =
        ChildProcess::Spawn(REACHRANK_TOPICS_BINARY,
                            {"--listen", address, "--metrics-listen",
                             Loopback(*metrics_port), "--model", model_dir,
                             "--insecure"},
                            log_path);
    if (!child.ok()) return child.status();
    last = WaitForServing(address, absl::Seconds(60));
    if (!last.ok()) continue;  // ~ChildProcess kills it
    auto p = std::unique_ptr<TopicsProcess>(new TopicsProcess);
    p->process_ = std::move(*child);
    p->address_ = address;
    p->metrics_port_ = *metrics_port;
    p->stub_ = v1::TopicService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    return p;
  }
  return last;
}

absl::Status TopicsProcess::Terminate(absl::Duration timeout) {
  if (absl::Status s = process_->Signal(SIGTERM); !s.ok()) return s;
  absl::StatusOr<int> status = process_->Wait(timeout);
  if (!status.ok()) return status.status();
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return absl::InternalError(absl::StrCat("exit status ", *status));
  }
  return absl::OkStatus();
}

}  // namespace reachrank::testing
