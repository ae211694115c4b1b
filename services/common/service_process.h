// service_process: what a service binary (reachrank-ingest, reachrank-topics,
// reachrank-rank) runs around the one service it builds: the /metrics
// endpoint with the gRPC server metrics, the gRPC server behind their
// interceptor, lines on stderr prefixed with the program name, and the
// signal loop — SIGTERM/SIGINT end it, SIGHUP reloads the model of a binary
// that serves one. A main.cc parses its flags, builds its parts on this and
// runs.
#ifndef REACHRANK_SERVICES_COMMON_SERVICE_PROCESS_H_
#define REACHRANK_SERVICES_COMMON_SERVICE_PROCESS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/common/grpc_server_metrics.h"
#include "services/common/metrics.h"
#include "services/common/server_runner.h"

namespace reachrank::services {

// Not thread-safe: built and used by the main thread, for the whole run.
// It must outlive the server it starts (declare it first).
class ServiceProcess {
 public:
  // `program` prefixes every line written, e.g. "reachrank-rank"
  // (SetLogProgram: also the lines of the service's own threads).
  explicit ServiceProcess(std::string program);

  // Writes "<program>: <what>: <status>" on stderr; returns 1, the exit
  // code of a failed start-up.
  int Fail(absl::string_view what, const absl::Status& status) const;
  // Writes "<program>: <line>" on stderr.
  void Log(absl::string_view line) const;

  // The registry every part of the binary records its metrics in; the
  // gRPC server metrics are registered at construction.
  prometheus::Registry& registry() { return metrics_.registry(); }
  Metrics& metrics() { return metrics_; }

  // Starts the server of `options` hosting `service` behind the gRPC
  // server metrics' interceptor, health NOT_SERVING; GrpcServer::Start's
  // errors. `service` is borrowed and must outlive the server. Its tokens
  // (options.auth) are reloaded on each SIGHUP the loops below see.
  absl::StatusOr<std::unique_ptr<GrpcServer>> StartServer(
      const ServerOptions& options, HostedService service);

  // Blocks until SIGTERM or SIGINT, then logs "signal <n>, shutting down".
  // main() must call BlockShutdownSignals() before any thread starts.
  void WaitForShutdown() const;
  // The same for a binary without a model: each SIGHUP before it (an
  // operator's reload sent to every reachrank process) is logged "SIGHUP:
  // no model to reload; still serving" and reloads the tokens, instead of
  // ending the process. main() must call
  // BlockShutdownAndReloadSignals() before any thread starts.
  void IgnoreReloadsUntilShutdown() const;
  // The same, and each SIGHUP before it calls `core.Reload()` (its
  // configured model) and logs "SIGHUP: now serving <model_version>" or
  // "SIGHUP: <error>" (the old model keeps serving), then reloads the
  // tokens, logging ReloadTokensForLog's line. main() must call
  // BlockShutdownAndReloadSignals() before any thread starts. `Core` is a
  // core with a model (TopicsCore, RankCore).
  template <typename Core>
  void ReloadUntilShutdown(Core& core) const {
    ReloadUntilShutdown([&core]() -> absl::StatusOr<std::string> {
      auto reloaded = core.Reload();
      if (!reloaded.ok()) return reloaded.status();
      return reloaded->model_version;
    });
  }

 private:
  // `reload` gives the version now serving, or why the model was refused.
  void ReloadUntilShutdown(
      absl::FunctionRef<absl::StatusOr<std::string>()> reload) const;
  void LogShutdown(int signal) const;
  // On SIGHUP: the tokens of the server started, if it has any.
  void ReloadTokens() const;

  Metrics metrics_;
  GrpcServerMetrics grpc_metrics_{metrics_.registry()};
  // reachrank_serving: 1 while the server's health says SERVING, 0 while
  // the process starts (opens its database, loads its model) or stops.
  prometheus::Gauge* serving_;
  std::shared_ptr<TokenAuthProcessor> tokens_;  // of StartServer; may be null
};

// A storage::StoreOptions::upgrade_progress for a server's start-up: writes
// "upgrading the database's schema: <n> posts read" through `log` at most
// once every `every`, the first after `every` (so a quick upgrade writes
// nothing but its open note).
std::function<void(int64_t posts)> UpgradeProgressLog(
    std::function<void(const std::string& line)> log,
    absl::Duration every = absl::Seconds(10));

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_SERVICE_PROCESS_H_
