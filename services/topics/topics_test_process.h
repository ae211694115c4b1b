// Test-only: the real reachrank-topics binary on loopback.
#ifndef REACHRANK_SERVICES_TOPICS_TOPICS_TEST_PROCESS_H_
#define REACHRANK_SERVICES_TOPICS_TOPICS_TEST_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "reachrank/v1/topics.grpc.pb.h"
#include "services/common/test_support.h"

namespace reachrank::testing {

// A reachrank-topics process. Not thread-safe, except stub(), which may be
// used from any thread.
class TopicsProcess {
 public:
  // Starts the binary with `model_dir`, logging to `log_path`, and waits
  // until health says SERVING. `listen` empty picks free ports (retrying if
  // one was taken); otherwise the process listens there.
  static absl::StatusOr<std::unique_ptr<TopicsProcess>> Start(
      const std::string& model_dir, const std::string& log_path,
      const std::string& listen = "");

  const std::string& address() const { return address_; }
  int metrics_port() const { return metrics_port_; }
  v1::TopicService::Stub& stub() { return *stub_; }
  ChildProcess& process() { return *process_; }

  // SIGTERM, then waits up to `timeout` for exit status 0.
  absl::Status Terminate(absl::Duration timeout);

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string address_;
  int metrics_port_ = 0;
  std::unique_ptr<v1::TopicService::Stub> stub_;
};

}  // namespace reachrank::testing

#endif  // REACHRANK_SERVICES_TOPICS_TOPICS_TEST_PROCESS_H_
