// reachrank-topics: the topic classification service (stateless).
// Flags, build the parts, load the model, serve until SIGTERM/SIGINT;
// SIGHUP reloads the model from --model.
#include <CLI/CLI.hpp>
#include <string>

#include "base/std_descriptors.h"
#include "services/common/build_info.h"
#include "services/common/server_runner.h"
#include "services/common/service_process.h"
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

int Run(const Flags& f) {
  services::ServiceProcess process("reachrank-topics");
  auto options = services::ServerOptionsFrom(f.serving);
  if (!options.ok()) return process.Fail("flags", options.status());
  // Clients (ingest, ranking) balance over the replicas round-robin; a
  // periodic reconnect lets them find replicas the autoscaler added.
  options->max_connection_age = absl::Minutes(5);
  TopicsMetrics topics_metrics(process.registry());
  if (absl::Status s = process.metrics().Serve(f.serving.metrics_listen);
      !s.ok()) {
    return process.Fail("metrics", s);
  }
  TopicsCore core(f.model, topics_metrics);
  services::InFlightLimit limit(services::CallLimitsFrom(f.serving),
                                v1::TopicService::service_full_name(),
                                &process.registry());
  TopicServiceImpl service(core, &limit);
  auto server = process.StartServer(
      *options, {v1::TopicService::service_full_name(), &service, &limit});
  if (!server.ok()) return process.Fail("listen", server.status());
  // Health stays NOT_SERVING until the model is in memory.
  absl::StatusOr<ReloadOutcome> loaded = core.Reload();
  if (!loaded.ok()) return process.Fail("model", loaded.status());
  (*server)->SetServing(true);
  process.Log("serving " + loaded->model_version + " on port " +
              std::to_string((*server)->port()) + ", metrics on port " +
              std::to_string(process.metrics().port()));
  process.ReloadUntilShutdown(core);
  (*server)->Shutdown();
  return 0;
}

}  // namespace
}  // namespace reachrank::topics_service

int main(int argc, char** argv) {
  // Before any file is opened: none may take the number of a closed stdout.
  reachrank::ReserveStandardDescriptors();
  // Before any thread exists, so that only the main thread sees them.
  reachrank::services::BlockShutdownAndReloadSignals();
  CLI::App app{
      "reachrank-topics: classifies texts into topics and serves "
      "reachrank.v1.TopicService."};
  reachrank::topics_service::Flags flags;
  reachrank::topics_service::AddFlags(app, flags);
  app.set_version_flag("--version",
                       reachrank::services::VersionLine("reachrank-topics"));
  CLI11_PARSE(app, argc, argv);
  return reachrank::topics_service::Run(flags);
}
