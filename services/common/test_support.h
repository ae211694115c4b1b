// test_support: helpers for tests that run real service binaries on
// loopback. Test-only (library reachrank_test_support); never linked into a
// service. Every helper is bounded in time and reports failure as a status.
#ifndef REACHRANK_SERVICES_COMMON_TEST_SUPPORT_H_
#define REACHRANK_SERVICES_COMMON_TEST_SUPPORT_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace reachrank::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
// released) and that this process has not handed out before. Another
// process may take it before the caller does. Thread-safe.
absl::StatusOr<int> PickFreePort();
// "127.0.0.1:<port>".
std::string Loopback(int port);

// A fresh empty directory under the system temp directory. The
// directories a test process made are removed when it exits, unless one of
// its tests failed: then they are kept for their logs and named on stderr.
absl::StatusOr<std::string> MakeTempDir(const std::string& prefix);
// Removes every directory MakeTempDir made in this process so far.
void RemoveTempDirs();

// A child process started with fork/exec. Not thread-safe.
class ChildProcess {
 public:
  // Starts `path` with `args` (argv[1..]); stdout and stderr are appended
  // to `log_path` when non-empty.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(
      const std::string& path, const std::vector<std::string>& args,
      const std::string& log_path);
  ~ChildProcess();  // SIGKILLs and reaps the process if it still runs.

  pid_t pid() const { return pid_; }
  // Sends `sig` to the process. FAILED_PRECONDITION once it was reaped.
  absl::Status Signal(int sig);
  // Waits up to `timeout` for the process to exit and returns its raw wait
  // status (see WIFEXITED). DEADLINE_EXCEEDED when it still runs.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  // SIGKILL, then reap. Safe to call twice.
  void Kill();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool reaped_ = false;
};

// Calls unary `method` ("/package.Service/Method") at plaintext `address`
// with `request` as the message's bytes; the response's bytes, or the
// call's status. Waits at most 5 s.
absl::StatusOr<std::string> CallRaw(const std::string& address,
                                    const std::string& method,
                                    const std::string& request);

// The grpc.health.v1 status of `service` ("" for the server) at `address`:
// "SERVING", "NOT_SERVING", "UNKNOWN" or "SERVICE_UNKNOWN"; an error when
// the call fails.
absl::StatusOr<std::string> HealthStatus(const std::string& address,
                                         const std::string& service);
// Polls HealthStatus until SERVING or `timeout` (DEADLINE_EXCEEDED).
absl::Status WaitForServing(const std::string& address, absl::Duration timeout,
                            const std::string& service = "");
// The services listed by grpc.reflection.v1alpha at `address`.
absl::StatusOr<std::vector<std::string>> ReflectionServices(
    const std::string& address);
// The body of GET http://127.0.0.1:<port>/metrics (UNAVAILABLE when the
// connection fails, INTERNAL when the answer is not HTTP 200).
absl::StatusOr<std::string> ScrapeMetrics(int port);
// The value of the sample line `series` (e.g. `name{a="b"}`) in a /metrics
// body; NOT_FOUND when absent.
absl::StatusOr<double> MetricValue(const std::string& body,
                                   const std::string& series);

}  // namespace reachrank::testing

#endif  // REACHRANK_SERVICES_COMMON_TEST_SUPPORT_H_
