// reachrank-ingest: the ingest service (the only writer of its database).
// Flags, build the parts, serve until SIGTERM/SIGINT, shut down cleanly.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "base/std_descriptors.h"
#include "services/common/build_info.h"
#include "services/common/flag_checks.h"
#include "services/common/metrics.h"
#include "services/common/server_runner.h"
#include "services/common/service_process.h"
#include "services/common/serving_flags.h"
#include "services/common/store_metrics.h"
#include "services/common/topics_client.h"
#include "services/ingest/ingest_core.h"
#include "services/ingest/ingest_metrics.h"
#include "services/ingest/ingest_service.h"
#include "storage/store.h"

namespace reachrank::ingest {
namespace {

struct Flags {
  services::ServingFlags serving{"127.0.0.1:50051", "127.0.0.1:9101"};
  std::string db = "./reachrank-data";
  std::string topics;
  services::ClientTlsOptions topics_security;
  bool sync = false;
  int dedup_window_hours = 24 * 7;
  int64_t event_clock_skew_s = 3600;  // -1: no rule
  int block_cache_mb = 256;
  int reclassify_interval_ms = 5000;
  int topics_deadline_ms = 2000;
  int topics_attempts = 3;
  ShardSlice shard;
};

void AddFlags(CLI::App& app, Flags& f) {
  services::AddServingFlags(app, f.serving);
  app.add_option("--db", f.db, "Database directory (created if missing)")
      ->capture_default_str();
  services::AddShardFlag(app, f.shard, "posts and authors");
  app.add_option("--topics", f.topics,
                 "Topic service address, host:port; without it new posts "
                 "stay unclassified (pending)")
      ->check(services::ServerAddress());
  app.add_flag("--sync", f.sync,
               "fsync the write-ahead log on every write (survives power "
               "loss, slower)");
  app.add_option("--dedup-window-hours", f.dedup_window_hours,
                 "A replayed event_id within this window counts once")
      ->capture_default_str()
      ->check(services::Positive());
  app.add_option("--event-clock-skew-s", f.event_clock_skew_s,
                 "Seconds an event's time may precede its post's created_at "
                 "(the clocks of the systems reporting them differ); an "
                 "event earlier still is rejected (INVALID_ARGUMENT). -1: "
                 "no such rule")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{-1}, int64_t{10} * 366 * 86400));
  app.add_option("--block-cache-mb", f.block_cache_mb,
                 "RocksDB block cache size, MiB")
      ->capture_default_str()
      ->check(services::Positive());
  app.add_option("--reclassify-interval-ms", f.reclassify_interval_ms,
                 "Pause between background passes over pending posts")
      ->capture_default_str()
      ->check(services::Positive());
  services::AddClientSecurityFlags(app, f.topics_security, "topics-",
                                   "the topic service");
  app.add_option("--topics-deadline-ms", f.topics_deadline_ms,
                 "Deadline of one call to the topic service")
      ->capture_default_str()
      ->check(services::Positive());
  app.add_option("--topics-attempts", f.topics_attempts,
                 "Attempts per classification call (transient errors only)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));
}

absl::StatusOr<std::unique_ptr<topics::TopicClassifier>> MakeClassifier(
    const Flags& f) {
  services::TopicsClientOptions options;
  options.address = f.topics;
  options.deadline = absl::Milliseconds(f.topics_deadline_ms);
  options.max_attempts = f.topics_attempts;
  // A long-lived client: its certificate files are watched as the
  // server's are (--tls-refresh-interval).
  services::ClientTlsOptions security = f.topics_security;
  security.refresh_interval_s = f.serving.tls.refresh_interval_s;
  return services::NewTopicClassifier(options, security);
}

storage::StoreOptions StoreOptionsFrom(const Flags& f) {
  storage::StoreOptions options;
  options.path = f.db;
  options.sync = f.sync;
  options.dedup_window = absl::Hours(f.dedup_window_hours);
  options.event_clock_skew = f.event_clock_skew_s < 0
                                 ? absl::InfiniteDuration()
                                 : absl::Seconds(f.event_clock_skew_s);
  options.block_cache_bytes = static_cast<size_t>(f.block_cache_mb) << 20;
  return options;
}

// Serves until SIGTERM/SIGINT, then shuts the server down (calls in flight
// finish first) and stops the background classification.
int ServeUntilSignal(const Flags& f, const services::ServerOptions& options,
                     IngestCore& core, services::ServiceProcess& process) {
  services::InFlightLimit limit(services::CallLimitsFrom(f.serving),
                                v1::IngestService::service_full_name(),
                                &process.registry());
  IngestServiceImpl service(core, &limit);
  auto server = process.StartServer(
      options, {v1::IngestService::service_full_name(), &service, &limit});
  if (!server.ok()) return process.Fail("listen", server.status());
  core.classifier().Start();
  (*server)->SetServing(true);
  process.Log("serving on port " + std::to_string((*server)->port()) +
              ", metrics on port " + std::to_string(process.metrics().port()) +
              ", db " + f.db);
  process.IgnoreReloadsUntilShutdown();
  (*server)->Shutdown();
  core.classifier().Stop();
  return 0;
}

int Run(const Flags& f) {
  services::ServiceProcess process("reachrank-ingest");
  auto server_options = services::ServerOptionsFrom(f.serving);
  if (!server_options.ok()) {
    return process.Fail("flags", server_options.status());
  }
  services::Metrics& metrics = process.metrics();
  IngestMetrics ingest_metrics(metrics.registry());
  if (absl::Status s = metrics.Serve(f.serving.metrics_listen); !s.ok()) {
    return process.Fail("metrics", s);
  }
  storage::StoreOptions store_options = StoreOptionsFrom(f);
  store_options.upgrade_progress = services::UpgradeProgressLog(
      [&process](const std::string& line) { process.Log(line); });
  auto store = storage::Store::Open(store_options);
  if (!store.ok()) return process.Fail("open " + f.db, store.status());
  if (!(*store)->open_note().empty()) process.Log((*store)->open_note());
  auto classifier = MakeClassifier(f);
  if (!classifier.ok()) return process.Fail("topics", classifier.status());
  // From here on every path removes the collector before the store closes.
  auto collector = std::make_shared<services::StoreStatsCollector>(**store);
  metrics.AddCollectable(collector);
  IngestCoreOptions core_options;
  core_options.classification.interval =
      absl::Milliseconds(f.reclassify_interval_ms);
  core_options.shard = f.shard;
  int rc;
  {
    IngestCore core(**store, classifier->get(), ingest_metrics, core_options);
    rc = ServeUntilSignal(f, *server_options, core, process);
  }
  // Nothing may read the store once it closes: not even a scrape.
  metrics.RemoveCollectable(collector);
  metrics.Stop();
  absl::Status flushed = (*store)->Flush();
  store->reset();
  if (!flushed.ok()) return process.Fail("flush", flushed);
  return rc;
}

}  // namespace
}  // namespace reachrank::ingest

int main(int argc, char** argv) {
  // Before any file is opened: none may take the number of a closed stdout.
  reachrank::ReserveStandardDescriptors();
  // Before any thread exists, so that only the main thread sees them.
  // SIGHUP too: a reload sent to every reachrank process must not end it.
  reachrank::services::BlockShutdownAndReloadSignals();
  CLI::App app{
      "reachrank-ingest: ingests posts, authors and engagement events into "
      "the reachrank database and serves reachrank.v1.IngestService."};
  reachrank::ingest::Flags flags;
  reachrank::ingest::AddFlags(app, flags);
  app.set_version_flag("--version",
                       reachrank::services::VersionLine("reachrank-ingest"));
  CLI11_PARSE(app, argc, argv);
  return reachrank::ingest::Run(flags);
}
