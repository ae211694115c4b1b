#include "services/common/service_process.h"

#include <csignal>
#include <functional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/certificate_metrics.h"
#include "services/common/log.h"

namespace reachrank::services {

ServiceProcess::ServiceProcess(std::string program)
    : serving_(&prometheus::BuildGauge()
                    .Name("reachrank_serving")
                    .Help("1 while the service answers calls (health "
                          "SERVING); 0 while it starts (opens its database, "
                          "loads its model) or shuts down")
                    .Register(metrics_.registry())
                    .Add({})) {
  SetLogProgram(std::move(program));
}

int ServiceProcess::Fail(absl::string_view what,
                         const absl::Status& status) const {
  LogLine(absl::StrCat(what, ": ", status.ToString()));
  return 1;
}

void ServiceProcess::Log(absl::string_view line) const { LogLine(line); }

absl::StatusOr<std::unique_ptr<GrpcServer>> ServiceProcess::StartServer(
    const ServerOptions& options, HostedService service) {
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(grpc_metrics_.NewInterceptorFactory());
  tokens_ = options.auth;
  if (!options.tls.cert_file.empty()) {
    metrics_.AddCollectable(std::make_shared<CertificateExpiryCollector>(
        options.tls.cert_file, options.tls.refresh_interval_s > 0));
  }
  ServerOptions with_gauge = options;
  with_gauge.on_serving = [gauge = serving_](bool serving) {
    gauge->Set(serving ? 1 : 0);
  };
  return GrpcServer::Start(with_gauge, {std::move(service)},
                           std::move(interceptors));
}

void ServiceProcess::WaitForShutdown() const {
  LogShutdown(WaitForShutdownSignal());
}

void ServiceProcess::IgnoreReloadsUntilShutdown() const {
  int sig;
  while ((sig = WaitForShutdownOrReloadSignal()) == SIGHUP) {
    Log("SIGHUP: no model to reload; still serving");
    ReloadTokens();
  }
  LogShutdown(sig);
}

void ServiceProcess::ReloadUntilShutdown(
    absl::FunctionRef<absl::StatusOr<std::string>()> reload) const {
  int sig;
  while ((sig = WaitForShutdownOrReloadSignal()) == SIGHUP) {
    absl::StatusOr<std::string> serving = reload();
    Log(serving.ok() ? "SIGHUP: now serving " + *serving
                     : "SIGHUP: " + serving.status().ToString());
    ReloadTokens();
  }
  LogShutdown(sig);
}

void ServiceProcess::ReloadTokens() const {
  if (tokens_ != nullptr) Log("SIGHUP: " + ReloadTokensForLog(*tokens_));
}

void ServiceProcess::LogShutdown(int signal) const {
  Log("signal " + std::to_string(signal) + ", shutting down");
}

std::function<void(int64_t posts)> UpgradeProgressLog(
    std::function<void(const std::string& line)> log, absl::Duration every) {
  return [log = std::move(log), every,
          next = absl::Now() + every](int64_t posts) mutable {
    const absl::Time now = absl::Now();
    if (now < next) return;
    next = now + every;
    log(absl::StrCat("upgrading the database's schema: ", posts,
                     " posts read"));
  };
}

}  // namespace reachrank::services
