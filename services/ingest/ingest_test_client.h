// Test helpers: runs the real reachrank-ingest binary on loopback and builds
// v1 messages. Test-only.
#ifndef REACHRANK_SERVICES_INGEST_INGEST_TEST_CLIENT_H_
#define REACHRANK_SERVICES_INGEST_INGEST_TEST_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "reachrank/v1/ingest.grpc.pb.h"
#include "services/common/test_support.h"

namespace reachrank::testing {

// A reachrank-ingest process on free loopback ports. Not thread-safe,
// except stub(), which may be used from any thread.
class IngestProcess {
 public:
  // Starts the binary over `db`, logging to `log_path`, and waits until
  // health says SERVING (retrying with new ports if one was taken).
  static absl::StatusOr<std::unique_ptr<IngestProcess>> Start(
      const std::string& db, const std::string& log_path,
      const std::vector<std::string>& extra_args = {});

  const std::string& address() const { return address_; }
  int metrics_port() const { return metrics_port_; }
  v1::IngestService::Stub& stub() { return *stub_; }
  ChildProcess& process() { return *process_; }

  // SIGTERM, then waits up to `timeout` for exit status 0.
  absl::Status Terminate(absl::Duration timeout);

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string address_;
  int metrics_port_ = 0;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

// Messages valid at the current time.
v1::Post MakePost(const std::string& post_id, const std::string& text);
v1::Author MakeAuthor(const std::string& author_id);
v1::EngagementEvent MakeEvent(const std::string& event_id,
                              const std::string& post_id, v1::EventType type,
                              v1::Surface surface, v1::Relation relation,
                              uint32_t count = 0);

// Sends `batches` as one RecordEvents stream with `deadline`.
grpc::Status SendEvents(v1::IngestService::Stub& stub,
                        const std::vector<v1::RecordEventsRequest>& batches,
                        v1::RecordEventsResponse* response,
                        absl::Duration deadline = absl::Seconds(10));

}  // namespace reachrank::testing

#endif  // REACHRANK_SERVICES_INGEST_INGEST_TEST_CLIENT_H_
