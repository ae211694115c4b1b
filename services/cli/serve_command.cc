// `reachrank serve`: every service in one process over one embedded
// database (services/serve/all_in_one.h). Serves until SIGTERM/SIGINT;
// SIGHUP reloads the models and the tokens file.
#include <csignal>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/cli/command.h"
#include "services/common/flag_checks.h"
#include "services/common/log.h"
#include "services/common/server_runner.h"
#include "services/common/service_process.h"
#include "services/common/serving_flags.h"
#include "services/serve/all_in_one.h"
#include "services/topics/default_model.h"

namespace reachrank::cli {
namespace {

struct ServeFlags {
  serve::AllInOneOptions options;
  // Loopback unless told otherwise.
  services::ServingFlags serving{"127.0.0.1:50051", "127.0.0.1:9100"};
  int block_cache_mb = 256;
  int reclassify_interval_ms = 5000;
};

void AddServeFlags(CLI::App& cmd, ServeFlags& f) {
  f.options.topics_model = topics_service::DefaultTopicModelDir();
  services::AddServingFlags(cmd, f.serving);
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
  services::AddShardFlag(cmd, f.options.shard,
                         "posts, authors and drafts");
  cmd.add_option("--block-cache-mb", f.block_cache_mb,
                 "RocksDB block cache size, MiB")
      ->capture_default_str()
      ->check(services::Positive());
  cmd.add_option("--reclassify-interval-ms", f.reclassify_interval_ms,
                 "Pause between background passes over pending posts")
      ->capture_default_str()
      ->check(services::Positive());
}

// Copies the serving flags into the options; the transport check's error
// when neither TLS nor --insecure was chosen.
absl::Status ApplyServingFlags(ServeFlags& f) {
  RR_ASSIGN_OR_RETURN(services::ServerOptions server,
                      services::ServerOptionsFrom(f.serving));
  f.options.listen = server.listen;
  f.options.metrics_listen = f.serving.metrics_listen;
  f.options.shutdown_grace = server.shutdown_grace;
  f.options.tls = server.tls;
  f.options.auth = server.auth;
  f.options.max_concurrent_streams = server.max_concurrent_streams;
  f.options.limits = services::CallLimitsFrom(f.serving);
  return absl::OkStatus();
}

void Log(const std::string& line) { services::LogLine(line); }

int RunServe(ServeFlags& f) {
  services::SetLogProgram("reachrank serve");
  // Before any thread exists, so that only this thread sees them.
  services::BlockShutdownAndReloadSignals();
  f.options.block_cache_bytes = static_cast<size_t>(f.block_cache_mb) << 20;
  f.options.reclassify_interval = absl::Milliseconds(f.reclassify_interval_ms);
  f.options.upgrade_progress = services::UpgradeProgressLog(Log);
  if (absl::Status s = ApplyServingFlags(f); !s.ok()) return ExitCode(s);
  auto node = serve::AllInOne::Start(f.options);
  if (!node.ok()) return ExitCode(node.status());
  if (!(*node)->StoreOpenNote().empty()) Log((*node)->StoreOpenNote());
  Log("serving on port " + std::to_string((*node)->port()) +
      ", metrics on port " + std::to_string((*node)->metrics_port()) +
      ", data " + f.options.data + ", models: " + (*node)->ModelVersions());
  int sig;
  while ((sig = services::WaitForShutdownOrReloadSignal()) == SIGHUP) {
    absl::Status reloaded = (*node)->ReloadModels();
    Log(reloaded.ok() ? "SIGHUP: now serving " + (*node)->ModelVersions()
                      : "SIGHUP: " + reloaded.ToString());
    if (f.options.auth != nullptr) {
      Log("SIGHUP: " + services::ReloadTokensForLog(*f.options.auth));
    }
  }
  Log(absl::StrCat("signal ", sig, ", shutting down"));
  return ExitCode((*node)->Shutdown());
}

}  // namespace

void AddServeCommand(CLI::App& app, CommandSet& commands) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "run every service in one process on one embedded database: ingest, "
      "topics and ranking on one gRPC port, one /metrics endpoint");
  AddServeFlags(*cmd, *flags);
  commands.Add(cmd, [flags] { return RunServe(*flags); });
}

}  // namespace reachrank::cli
