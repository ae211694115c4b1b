// reachrank-topics: the topic classification service (stateless).
// Flags, build the parts, load the model, serve until SIGTERM/SIGINT;
// SIGHUP reloads the model from --model.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "services/common/grpc_server_metrics.h"
#include "services/common/metrics.h"
#include "services/common/server_runner.h"
#include "services/common/serving_flags.h"
#include "services/topics/default_model.h"
#include "services/topics/topics_core.h"
#include "services/topics/topics_metrics.h"
#include "services/topics/topics_service.h"

namespace reachrank::topics_service {
namespace {

struct Flags {
  services::ServingFlags serving{"127.0.0.1:50052", "127.0.0.1:9102"};
  std::string model = DefaultTopicModelDir();
};

void AddFlags(CLI::App& app, Flags& f) {
  services::AddServingFlags(app, f.serving);
  app.add_option("--model", f.model,
                 "Topic model directory; SIGHUP and an empty ReloadModel "
                 "reload it")
      ->capture_default_str();
}

int Fail(const std::string& what, const absl::Status& status) {
  return services::FailStartup("reachrank-topics", what, status);
}

void Log(const std::string& line) {
  std::cerr << "reachrank-topics: " << line << std::endl;
}

// Reloads on SIGHUP until SIGTERM/SIGINT; a refused model is logged and
// the old one keeps serving.
void HandleSignals(TopicsCore& core) {
  for (;;) {
    int sig = services::WaitForShutdownOrReloadSignal();
    if (sig != SIGHUP) {
      Log("signal " + std::to_string(sig) + ", shutting down");
      return;
    }
    absl::StatusOr<ReloadOutcome> reloaded = core.Reload();
    Log(reloaded.ok() ? "SIGHUP: now serving " + reloaded->model_version
                      : "SIGHUP: " + reloaded.status().ToString());
  }
}

int Run(const Flags& f) {
  auto options = services::ServerOptionsFrom(f.serving);
  if (!options.ok()) return Fail("flags", options.status());
  services::Metrics metrics;
  services::GrpcServerMetrics grpc_metrics(metrics.registry());
  TopicsMetrics topics_metrics(metrics.registry());
  if (absl::Status s = metrics.Serve(f.serving.metrics_listen); !s.ok()) {
    return Fail("metrics", s);
  }
  TopicsCore core(f.model, topics_metrics);
  services::InFlightLimit limit(f.serving.max_in_flight,
                                v1::TopicService::service_full_name(),
                                &metrics.registry());
  TopicServiceImpl service(core, &limit);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(grpc_metrics.NewInterceptorFactory());
  auto server = services::GrpcServer::Start(
      *options, {{v1::TopicService::service_full_name(), &service}},
      std::move(interceptors));
  if (!server.ok()) return Fail("listen", server.status());
  // Health stays NOT_SERVING until the model is in memory.
  absl::StatusOr<ReloadOutcome> loaded = core.Reload();
  if (!loaded.ok()) return Fail("model", loaded.status());
  (*server)->SetServing(true);
  Log("serving " + loaded->model_version + " on port " +
      std::to_string((*server)->port()) + ", metrics on port " +
      std::to_string(metrics.port()));
  HandleSignals(core);
  (*server)->Shutdown();
  return 0;
}

}  // namespace
}  // namespace reachrank::topics_service

int main(int argc, char** argv) {
  // Before any thread exists, so that only the main thread sees them.
  reachrank::services::BlockShutdownAndReloadSignals();
  CLI::App app{
      "reachrank-topics: classifies texts into topics and serves "
      "reachrank.v1.TopicService."};
  reachrank::topics_service::Flags flags;
  reachrank::topics_service::AddFlags(app, flags);
  CLI11_PARSE(app, argc, argv);
  return reachrank::topics_service::Run(flags);
}
