#include "services/common/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <utility>

namespace reachrank::services {

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ServerOptions& options, std::vector<HostedService> services,
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  if (options.auth != nullptr && options.tls.cert_file.empty()) {
    return absl::FailedPreconditionError(
        "--tokens: needs TLS (--tls-cert, --tls-key); bearer tokens are "
        "never accepted in plaintext");
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();
  if (options.auth != nullptr) {
    (*credentials)->SetAuthMetadataProcessor(options.auth);
  }
  grpc::ServerBuilder builder;
  int port = 0;
  if (!options.listen.empty()) {
    builder.AddListeningPort(options.listen, *credentials, &port);
  }
  // Without this a second server could silently share the port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  if (options.max_connection_age > absl::ZeroDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               static_cast<int>(absl::ToInt64Milliseconds(
                                   options.max_connection_age)));
  }
  for (const HostedService& s : services) builder.RegisterService(s.service);
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || (!options.listen.empty() && port == 0)) {
    return absl::UnavailableError(
        "cannot listen on " + options.listen +
        (options.tls.cert_file.empty() ? ""
                                       : " (or the TLS certificate and key "
                                         "are unusable)"));
  }
  std::unique_ptr<GrpcServer> result(
      new GrpcServer(std::move(server), port, std::move(services),
                     options.shutdown_grace, options.on_serving));
  result->SetServing(false);
  return result;
}

GrpcServer::GrpcServer(std::unique_ptr<grpc::Server> server, int port,
                       std::vector<HostedService> services,
                       absl::Duration grace,
                       std::function<void(bool)> on_serving)
    : server_(std::move(server)),
      port_(port),
      services_(std::move(services)),
      grace_(grace),
      on_serving_(std::move(on_serving)) {}

GrpcServer::~GrpcServer() { Shutdown(); }

std::shared_ptr<grpc::Channel> GrpcServer::InProcessChannel() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  return server_->InProcessChannel(args);
}

void GrpcServer::SetServing(bool serving) {
  if (on_serving_) on_serving_(serving);
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  for (const HostedService& s : services_) {
    health->SetServingStatus(s.name, serving);
  }
}

void GrpcServer::Shutdown() {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  shut_down_ = true;
  SetServing(false);
  for (const HostedService& s : services_) {
    if (s.limit != nullptr) s.limit->DrainStreams();
  }
  // Stops accepting at once; calls in flight get until the deadline.
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace_));
  server_->Wait();
}

namespace {

sigset_t SignalSet(bool with_reload) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (with_reload) sigaddset(&set, SIGHUP);
  return set;
}

int WaitFor(const sigset_t& set) {
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = SignalSet(false);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() { return WaitFor(SignalSet(false)); }

void BlockShutdownAndReloadSignals() {
  sigset_t set = SignalSet(true);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownOrReloadSignal() { return WaitFor(SignalSet(true)); }

int ShutdownSignalWithin(absl::Duration timeout) {
  const sigset_t set = SignalSet(false);
  const absl::Time until = absl::Now() + timeout;
  for (absl::Duration left = timeout; left > absl::ZeroDuration();
       left = until - absl::Now()) {
    const timespec wait = absl::ToTimespec(left);
    const int sig = sigtimedwait(&set, nullptr, &wait);
    if (sig > 0) return sig;
    if (errno != EINTR) return 0;  // EAGAIN: the time passed
  }
  return 0;
}

}  // namespace reachrank::services
