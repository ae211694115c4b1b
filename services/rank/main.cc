// reachrank-rank: the ranking service. Reads the ingest service's database
// as a RocksDB secondary that catches up every --catch-up-interval ms,
// classifies drafts through the topic service, and serves
// reachrank.v1.RankingService until SIGTERM/SIGINT; SIGHUP reloads --model.
// Exits 1 (drained first) when another database replaces the one at --db,
// which a secondary cannot follow; a restart opens the new one.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/dir_publish.h"
#include "base/std_descriptors.h"
#include "ranking/scorer.h"
#include "services/common/build_info.h"
#include "services/common/flag_checks.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/server_runner.h"
#include "services/common/service_process.h"
#include "services/common/serving_flags.h"
#include "services/common/store_metrics.h"
#include "services/common/topics_client.h"
#include "services/rank/catch_up.h"
#include "services/rank/rank_metrics.h"
#include "services/rank/rank_service.h"
#include "storage/store.h"

namespace reachrank::rank {
namespace {

struct Flags {
  services::ServingFlags serving{"127.0.0.1:50053", "127.0.0.1:9103"};
  std::string db = "./reachrank-data";
  std::string secondary_dir;  // default: <db>.rank-secondary
  int catch_up_interval_ms = 200;
  std::string topics;
  services::ClientTlsOptions topics_security;
  std::string model;
  std::string labels;
  int max_candidates = static_cast<int>(kMaxCandidates);
  int context_ttl_s =
      static_cast<int>(absl::ToInt64Seconds(ranking::kServingContextTtl));
  int block_cache_mb = 256;
  int topics_deadline_ms = 2000;
  int wait_for_db_s = 60;
  ShardSlice shard;
};

void AddFlags(CLI::App& app, Flags& f) {
  services::AddServingFlags(app, f.serving);
  services::AddShardFlag(app, f.shard, "drafts");
  app.add_option("--db", f.db,
                 "The ingest service's database directory (opened read-only "
                 "as a RocksDB secondary; it must exist)")
      ->capture_default_str();
  app.add_option("--wait-for-db", f.wait_for_db_s,
                 "Seconds to wait for the ingest service to create --db when "
                 "it does not exist yet (both start together on a new "
                 "volume); 0: fail at once")
      ->capture_default_str()
      ->check(services::NonNegative());
  app.add_option("--secondary-dir", f.secondary_dir,
                 "Directory for the secondary's own files (info log); one per "
                 "process. Default: <db>.rank-secondary");
  app.add_option("--catch-up-interval,--catch-up-ms", f.catch_up_interval_ms,
                 "Milliseconds between catch-ups with the writer")
      ->capture_default_str()
      ->check(services::Positive());
  app.add_option("--topics", f.topics,
                 "Topic service address, host:port; without it drafts "
                 "cannot be scored (FAILED_PRECONDITION)")
      ->check(services::ServerAddress());
  app.add_option("--model", f.model,
                 "Model set directory (draft/ and live/); empty serves the "
                 "priors. SIGHUP and an empty ReloadModel reload it");
  app.add_option("--labels", f.labels, "Label config JSON (docs/model.md)");
  app.add_option("--max-candidates", f.max_candidates,
                 "Most candidate ids one Rank call accepts")
      ->capture_default_str()
      ->check(CLI::Range(1, static_cast<int>(kMaxCandidates)));
  app.add_option("--context-ttl-s", f.context_ttl_s,
                 "Seconds an account or topic-market context is reused "
                 "(0: read for every call)")
      ->capture_default_str()
      ->check(services::NonNegative());
  app.add_option("--block-cache-mb", f.block_cache_mb,
                 "RocksDB block cache size, MiB")
      ->capture_default_str()
      ->check(services::Positive());
  services::AddClientSecurityFlags(app, f.topics_security, "topics-",
                                   "the topic service");
  app.add_option("--topics-deadline-ms", f.topics_deadline_ms,
                 "Deadline of one call to the topic service")
      ->capture_default_str()
      ->check(services::Positive());
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenSecondary(const Flags& f) {
  storage::StoreOptions options;
  options.path = f.db;
  options.block_cache_bytes = static_cast<size_t>(f.block_cache_mb) << 20;
  std::string secondary = f.secondary_dir;
  if (secondary.empty()) {
    // A sibling of the database directory, never inside it ("data/").
    secondary = WithoutTrailingSlashes(f.db) + ".rank-secondary";
  }
  return storage::Store::OpenSecondary(options, secondary);
}

// How long a database that exists but cannot be opened yet is retried:
// the primary creates CURRENT before its column families and schema
// version, so one being created fails other ways than NOT_FOUND at first.
constexpr absl::Duration kCreationGrace = absl::Seconds(3);

// OpenSecondary, waiting up to --wait-for-db for a database that is not
// there yet (NOT_FOUND), checking once a second, and up to kCreationGrace
// for one found but not readable; CANCELLED when SIGTERM or SIGINT comes
// meanwhile. While it waits, any error is retried.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenWhenCreated(
    const Flags& f, const services::ServiceProcess& process) {
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenSecondary(f);
  if (store.ok() || f.wait_for_db_s == 0) return store;
  absl::Time give_up = absl::Now() + absl::Seconds(f.wait_for_db_s);
  if (absl::IsNotFound(store.status())) {
    process.Log("waiting up to " + std::to_string(f.wait_for_db_s) +
                " s for the ingest service to create " + f.db);
  } else {
    give_up = std::min(give_up, absl::Now() + kCreationGrace);
    process.Log(absl::StrCat("database ", f.db, " not readable (",
                             store.status().ToString(), "); retrying for ",
                             absl::FormatDuration(kCreationGrace),
                             " in case it is being created"));
  }
  while (!store.ok() && absl::Now() < give_up) {
    if (services::ShutdownSignalWithin(absl::Seconds(1)) != 0) {
      return absl::CancelledError("stopped while waiting for the database");
    }
    store = OpenSecondary(f);
  }
  return store;
}

absl::StatusOr<std::unique_ptr<topics::TopicClassifier>> MakeClassifier(
    const Flags& f) {
  services::TopicsClientOptions options;
  options.address = f.topics;
  options.deadline = absl::Milliseconds(f.topics_deadline_ms);
  // A long-lived client: its certificate files are watched as the
  // server's are (--tls-refresh-interval).
  services::ClientTlsOptions security = f.topics_security;
  security.refresh_interval_s = f.serving.tls.refresh_interval_s;
  return services::NewTopicClassifier(options, security);
}

absl::StatusOr<ranking::ScorerOptions> ScorerOptionsFrom(const Flags& f) {
  ranking::ScorerOptions options;
  options.max_candidates = static_cast<size_t>(f.max_candidates);
  options.features.context_ttl = absl::Seconds(f.context_ttl_s);
  if (!f.labels.empty()) {
    auto labels = ranking::LabelConfigs::Load(f.labels);
    if (!labels.ok()) return labels.status();
    options.labels = *std::move(labels);
  }
  return options;
}

// Serves `scorer` until SIGTERM/SIGINT (SIGHUP reloads --model); calls in
// flight finish first.
int Serve(const Flags& f, const services::ServerOptions& options,
          ranking::Scorer& scorer, services::ServiceProcess& process) {
  RankMetrics rank_metrics(process.registry());
  RankCoreOptions core_options;
  core_options.model_dir = f.model;
  core_options.shard = f.shard;
  services::InFlightLimit limit(services::CallLimitsFrom(f.serving),
                                v1::RankingService::service_full_name(),
                                &process.registry());
  RankingServiceImpl service(scorer, rank_metrics, core_options, &limit);
  auto server = process.StartServer(
      options, {v1::RankingService::service_full_name(), &service, &limit});
  if (!server.ok()) return process.Fail("listen", server.status());
  (*server)->SetServing(true);
  process.Log("serving " + scorer.model_version() + " on port " +
              std::to_string((*server)->port()) + ", metrics on port " +
              std::to_string(process.metrics().port()) + ", db " + f.db);
  process.ReloadUntilShutdown(service.core());
  (*server)->Shutdown();
  return 0;
}

// One catch-up of `db`. When another database has replaced the one at
// --db (FAILED_PRECONDITION: this process opened a secondary, so it is no
// other case), which this secondary can never follow, sets `replaced` and
// ends the process as SIGTERM does (drained), so that its supervisor
// starts it again on the new one.
absl::Status CatchUpOrStop(storage::Store& db, std::atomic<bool>& replaced) {
  absl::Status status = db.TryCatchUpWithPrimary();
  if (absl::IsFailedPrecondition(status) && !replaced.exchange(true)) {
    services::LogLine(
        "the database at --db was replaced: draining to exit (this process "
        "sends itself the SIGTERM logged next)");
    ::kill(::getpid(), SIGTERM);
  }
  return status;
}

int Run(const Flags& f) {
  services::ServiceProcess process("reachrank-rank");
  auto server_options = services::ServerOptionsFrom(f.serving);
  if (!server_options.ok()) {
    return process.Fail("flags", server_options.status());
  }
  services::Metrics& metrics = process.metrics();
  if (absl::Status s = metrics.Serve(f.serving.metrics_listen); !s.ok()) {
    return process.Fail("metrics", s);
  }
  auto store = OpenWhenCreated(f, process);
  if (absl::IsCancelled(store.status())) {  // SIGTERM/SIGINT: not a failure
    process.Log(std::string(store.status().message()));
    return 0;
  }
  if (!store.ok()) return process.Fail("open " + f.db, store.status());
  auto classifier = MakeClassifier(f);
  if (!classifier.ok()) return process.Fail("topics", classifier.status());
  auto scorer_options = ScorerOptionsFrom(f);
  if (!scorer_options.ok()) {
    return process.Fail("labels", scorer_options.status());
  }
  auto scorer = ranking::Scorer::Create(**store, classifier->get(),
                                        *std::move(scorer_options), f.model);
  if (!scorer.ok()) return process.Fail("model", scorer.status());
  storage::Store& db = **store;
  std::atomic<bool> replaced{false};
  CatchUpLoop catch_up([&db, &replaced] { return CatchUpOrStop(db, replaced); },
                       absl::Milliseconds(f.catch_up_interval_ms));
  auto store_collector = std::make_shared<services::StoreStatsCollector>(db);
  auto lag_collector = NewCatchUpCollector(catch_up);
  metrics.AddCollectable(store_collector);
  metrics.AddCollectable(lag_collector);
  catch_up.Start();
  const int rc = Serve(f, *server_options, **scorer, process);
  catch_up.Stop();
  // Nothing may read the store or the loop once they go: not even a scrape.
  metrics.RemoveCollectable(lag_collector);
  metrics.RemoveCollectable(store_collector);
  metrics.Stop();
  if (replaced) {
    process.Log("exiting with status 1: the database at " + f.db +
                " was replaced; a restart opens the new one");
    return 1;
  }
  return rc;
}

}  // namespace
}  // namespace reachrank::rank

int main(int argc, char** argv) {
  // Before any file is opened: none may take the number of a closed stdout.
  reachrank::ReserveStandardDescriptors();
  // Before any thread exists, so that only the main thread sees them.
  reachrank::services::BlockShutdownAndReloadSignals();
  CLI::App app{
      "reachrank-rank: scores posts, drafts and candidate lists against the "
      "ingest service's database and serves reachrank.v1.RankingService."};
  reachrank::rank::Flags flags;
  reachrank::rank::AddFlags(app, flags);
  app.set_version_flag("--version",
                       reachrank::services::VersionLine("reachrank-rank"));
  CLI11_PARSE(app, argc, argv);
  return reachrank::rank::Run(flags);
}
