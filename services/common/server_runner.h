// server_runner: starts a gRPC server the way every reachrank service runs
// one: health (grpc.health.v1, NOT_SERVING until the service says it is
// ready), server reflection (v1alpha), 8 MiB message limit, interceptors,
// and a graceful shutdown that stops accepting and lets calls in flight
// finish until a deadline.
#ifndef REACHRANK_SERVICES_COMMON_SERVER_RUNNER_H_
#define REACHRANK_SERVICES_COMMON_SERVER_RUNNER_H_

#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/server.h>
#include <grpcpp/support/server_interceptor.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/in_flight_limit.h"
#include "services/common/tls_options.h"

namespace reachrank::services {

inline constexpr int kMaxMessageBytes = 8 << 20;

// A service to host, borrowed: it must outlive the server.
struct HostedService {
  std::string name;  // full name for health, e.g. "reachrank.v1.IngestService"
  grpc::Service* service;
  // The service's caps (nullptr: none), borrowed likewise: Shutdown()
  // drains its streams (InFlightLimit::DrainStreams) first.
  InFlightLimit* limit = nullptr;
};

struct ServerOptions {
  // "host:port"; port 0 picks a free one (see GrpcServer::port()). Empty:
  // no port at all, calls only through GrpcServer::InProcessChannel() (a
  // tool's private server that no other local user can reach).
  std::string listen;
  int max_message_bytes = kMaxMessageBytes;
  // HTTP/2 streams (calls) one client connection may have open at once;
  // further calls wait on the client side for a free stream.
  int max_concurrent_streams = 100;
  // A client connection older than this is asked to reconnect (GOAWAY;
  // calls in flight finish), so that clients balancing over a headless
  // Service's DNS records see replicas added since. Zero: never.
  absl::Duration max_connection_age = absl::ZeroDuration();
  // TLS certificates; empty cert_file serves plaintext (the binaries only
  // allow that with --insecure, see ValidateServerTransport).
  ServerTlsOptions tls{};
  // Checks every call's credentials before its handler runs (auth.h);
  // nullptr: no authorisation. Needs TLS: tokens never travel in plaintext.
  std::shared_ptr<TokenAuthProcessor> auth{};
  // How long Shutdown() lets calls in flight run before cancelling them.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Called by SetServing with the state it sets (e.g. to export it as a
  // metric); may be empty.
  std::function<void(bool serving)> on_serving{};
};

// A running gRPC server. Thread-safe.
class GrpcServer {
 public:
  // Builds and starts the server. Health starts NOT_SERVING for "" and each
  // service name. UNAVAILABLE when `options.listen` cannot be bound (the
  // port is never shared: SO_REUSEPORT is off) or the TLS certificate is
  // unusable; NOT_FOUND when a certificate file cannot be read;
  // FAILED_PRECONDITION for `auth` without TLS.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, std::vector<HostedService> services,
      std::vector<std::unique_ptr<
          grpc::experimental::ServerInterceptorFactoryInterface>>
          interceptors);

  ~GrpcServer();  // Shutdown(), then waits for the server to stop.

  // The bound port; 0 without one (ServerOptions::listen empty).
  int port() const { return port_; }
  // A channel to this server inside the process, with no network in
  // between (no TLS, no token check: the caller is this process).
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Sets the health status of "" and every hosted service.
  void SetServing(bool serving);
  // Marks NOT_SERVING, drains the hosted services' streams (a stream whose
  // client sends nothing ends after the drain idle timeout), stops
  // accepting calls, waits up to the grace period for calls in flight, then
  // cancels the rest. Idempotent; blocks until the server has stopped.
  void Shutdown();

 private:
  GrpcServer(std::unique_ptr<grpc::Server> server, int port,
             std::vector<HostedService> services, absl::Duration grace,
             std::function<void(bool)> on_serving);

  // Constant after construction.
  const std::unique_ptr<grpc::Server> server_;
  const int port_;
  const std::vector<HostedService> services_;
  const absl::Duration grace_;
  const std::function<void(bool)> on_serving_;

  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread created
// after it. Call first thing in main(), before any thread starts, then
// WaitForShutdownSignal() from the main thread.
void BlockShutdownSignals();
// Waits until SIGTERM or SIGINT arrives; returns the signal number.
int WaitForShutdownSignal();

// Like BlockShutdownSignals, and blocks SIGHUP too (a request to reload
// the models and the tokens file); then use WaitForShutdownOrReloadSignal().
void BlockShutdownAndReloadSignals();
// Waits until SIGTERM, SIGINT or SIGHUP arrives; returns the signal number.
int WaitForShutdownOrReloadSignal();
// Waits up to `timeout` for SIGTERM or SIGINT (blocked as above); returns
// the signal number, or 0 when none came. For a wait before serving (a
// stop must not have to outlast it).
int ShutdownSignalWithin(absl::Duration timeout);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_SERVER_RUNNER_H_
