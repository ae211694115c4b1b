// `reachrank serve`: every service in one process over one embedded
// database (services/serve/all_in_one.h). Serves until SIGTERM/SIGINT;
// SIGHUP reloads the models.
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "services/cli/command.h"
#include "services/common/server_runner.h"
#include "services/serve/all_in_one.h"
#include "services/topics/default_model.h"

namespace reachrank::cli {
namespace {

struct ServeFlags {
  serve::AllInOneOptions options;
  int block_cache_mb = 256;
  int reclassify_interval_ms = 5000;
  int shutdown_grace_ms = 10000;
};

void AddServeFlags(CLI::App& cmd, ServeFlags& f) {
  f.options.topics_model = topics_service::DefaultTopicModelDir();
  cmd.add_option("--listen", f.options.listen,
                 "gRPC address of every service, host:port")
      ->capture_default_str();
  cmd.add_option("--metrics-listen", f.options.metrics_listen,
                 "Prometheus /metrics address, host:port")
      ->capture_default_str();
  cmd.add_option("--data", f.options.data,
                 "Database directory (created if missing)")
      ->capture_default_str();
  cmd.add_option("--topics-model", f.options.topics_model,
                 "Topic model directory; SIGHUP reloads it")
      ->capture_default_str();
  cmd.add_option("--rank-model", f.options.rank_model,
                 "Ranking model set directory (draft/ and live/); empty "
                 "serves the priors. SIGHUP reloads it");
  cmd.add_flag("--sync", f.options.sync,
               "fsync the write-ahead log on every write");
  cmd.add_option("--block-cache-mb", f.block_cache_mb,
                 "RocksDB block cache size, MiB")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--reclassify-interval-ms", f.reclassify_interval_ms,
                 "Pause between background passes over pending posts")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--shutdown-grace-ms", f.shutdown_grace_ms,
                 "On SIGTERM/SIGINT, how long calls in flight may finish")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
}

void Log(const std::string& line) {
  std::cerr << "reachrank serve: " << line << std::endl;
}

int RunServe(ServeFlags& f) {
  // Before any thread exists, so that only this thread sees them.
  services::BlockShutdownAndReloadSignals();
  f.options.block_cache_bytes = static_cast<size_t>(f.block_cache_mb) << 20;
  f.options.reclassify_interval = absl::Milliseconds(f.reclassify_interval_ms);
  f.options.shutdown_grace = absl::Milliseconds(f.shutdown_grace_ms);
  auto node = serve::AllInOne::Start(f.options);
  if (!node.ok()) return ExitCode(node.status());
  Log("serving on port " + std::to_string((*node)->port()) +
      ", metrics on port " + std::to_string((*node)->metrics_port()) +
      ", data " + f.options.data + ", models: " + (*node)->ModelVersions());
  for (int sig; (sig = services::WaitForShutdownOrReloadSignal()) == SIGHUP;) {
    absl::Status reloaded = (*node)->ReloadModels();
    Log(reloaded.ok() ? "SIGHUP: serving " + (*node)->ModelVersions()
                      : "SIGHUP: " + reloaded.ToString());
  }
  Log("shutting down");
  return ExitCode((*node)->Shutdown());
}

}  // namespace

void AddServeCommand(CLI::App& app, CommandSet& commands) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run every service in one process on one embedded database: ingest, "
      "topics and ranking on one gRPC port, one /metrics endpoint");
  AddServeFlags(*cmd, *flags);
  commands.Add(cmd, [flags] { return RunServe(*flags); });
}

}  // namespace reachrank::cli
