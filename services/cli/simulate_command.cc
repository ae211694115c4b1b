// `reachrank simulate`: write a simulated platform's history as JSONL,
// stream it into a running ingest service, or ingest it into a database
// directory through an in-process ingest service.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "services/cli/command.h"
#include "services/cli/in_process_ingest.h"
#include "services/cli/ingest_sink.h"
#include "services/common/flag_checks.h"
#include "services/common/serving_flags.h"
#include "services/ingest/validation.h"
#include "sim/jsonl_sink.h"
#include "sim/simulator.h"

namespace reachrank::cli {
namespace {

struct SimulateFlags {
  sim::SimOptions options;
  std::string start = "2026-01-01";
  std::string out = "sim-data";
  std::vector<std::string> servers;  // one per shard, in shard order
  services::ClientTlsOptions security;  // of --server
  std::string data;
  std::string sib200 = DefaultSib200Dir();
  bool truth = false;
  int deadline_s = 60;
};

void PrintProgress(int64_t done, int64_t total) {
  if (!isatty(STDERR_FILENO)) return;
  std::cerr << absl::StrFormat("\rsimulate: %d/%d posts (%.0f%%)", done, total,
                               100.0 * done / std::max<int64_t>(total, 1))
            << std::flush;
  if (done == total) std::cerr << "\n";
}

absl::StatusOr<sim::SimSummary> RunInto(const SimulateFlags& flags,
                                        const sim::Corpus& corpus,
                                        sim::SimOptions options) {
  if (!flags.servers.empty()) {
    RR_ASSIGN_OR_RETURN(
        auto ingest, ShardedIngest::Connect(flags.servers, flags.security,
                                            absl::Seconds(flags.deadline_s)));
    return sim::Simulate(options, corpus, ingest->sink(), PrintProgress);
  }
  if (!flags.data.empty()) {
    sim::SimSummary summary;
    RR_RETURN_IF_ERROR(
        WithInProcessIngest(flags.data, [&](IngestSink& sink) -> absl::Status {
          RR_ASSIGN_OR_RETURN(
              summary, sim::Simulate(options, corpus, sink, PrintProgress));
          return absl::OkStatus();
        }));
    return summary;
  }
  RR_ASSIGN_OR_RETURN(auto sink, sim::JsonlSink::Open(flags.out, flags.truth));
  RR_ASSIGN_OR_RETURN(sim::SimSummary summary,
                      sim::Simulate(options, corpus, *sink, PrintProgress));
  RR_RETURN_IF_ERROR(sink->Close());
  return summary;
}

// The ingest service takes posts and events from 2000-01-01 to now + 1
// day (ingest::EarliestTimestamp, LatestTimestamp): a period outside that
// would be refused part-way, after writing what came before.
absl::Status CheckPeriodIngestible(const sim::SimOptions& options) {
  if (options.start < ingest::EarliestTimestamp()) {
    return absl::InvalidArgumentError(
        "--start: before 2000-01-01, which the ingest service refuses");
  }
  const absl::Time end = options.start + absl::Hours(24 * options.days);
  if (end > ingest::LatestTimestamp(absl::Now())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--start, --days: the period ends ",
        absl::FormatTime("%Y-%m-%d", end, absl::UTCTimeZone()),
        ", later than the ingest service accepts (now + 1 day); choose an "
        "earlier --start or fewer --days"));
  }
  return absl::OkStatus();
}

absl::Status RunSimulate(const SimulateFlags& flags) {
  if (!flags.servers.empty() && !flags.data.empty()) {
    return absl::InvalidArgumentError(
        "--server and --data exclude each other: stream into a running "
        "service or into a database directory, not both");
  }
  sim::SimOptions options = flags.options;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d", flags.start, &options.start, &error)) {
    return absl::InvalidArgumentError("--start: expected YYYY-MM-DD, " + error);
  }
  if (!flags.servers.empty() || !flags.data.empty()) {
    RR_RETURN_IF_ERROR(CheckPeriodIngestible(options));
  }
  RR_ASSIGN_OR_RETURN(sim::Corpus corpus, sim::Corpus::Load(flags.sib200));
  const absl::Time began = absl::Now();
  RR_ASSIGN_OR_RETURN(sim::SimSummary s, RunInto(flags, corpus, options));
  std::cerr << absl::StrFormat(
      "simulate: %d authors, %d posts, %d event records (%d events), "
      "%.1f%% of posts reached 1,000 strangers in 7 days; %.1f s -> %s\n",
      s.authors, s.posts, s.event_records, s.events,
      100.0 * s.reached / std::max<int64_t>(s.posts, 1),
      absl::ToDoubleSeconds(absl::Now() - began),
      !flags.servers.empty() ? absl::StrJoin(flags.servers, ",")
      : !flags.data.empty() ? flags.data
                            : flags.out);
  return absl::OkStatus();
}

}  // namespace

void AddSimulateCommand(CLI::App& app, CommandSet& commands) {
  auto f = std::make_shared<SimulateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "simulate a platform's authors, posts and engagement");
  cmd->add_option("--out", f->out, "directory for authors/posts/events.jsonl")
      ->capture_default_str();
  cmd->add_option("--server", f->servers,
                  "stream into the ingest service at host:port instead; "
                  "several (comma-separated or repeated) are shards 0, 1, "
                  "... and each author's data goes to the shard that owns "
                  "the author")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(services::ServerAddress());
  services::AddClientSecurityFlags(*cmd, f->security, "",
                                   "the --server ingest service");
  cmd->add_option("--data", f->data,
                  "ingest into this database directory instead, through an "
                  "in-process ingest service (no other process may have it "
                  "open)");
  cmd->add_option("--seed", f->options.seed)->capture_default_str();
  cmd->add_option("--people", f->options.people,
                  "people simulated (each holds 1-3 platform accounts)")
      ->capture_default_str()->check(CLI::Range(1, 10000000));
  cmd->add_option("--days", f->options.days, "length of the period")
      ->capture_default_str()->check(CLI::Range(1, 3650));
  cmd->add_option("--start", f->start, "first day, YYYY-MM-DD (UTC)")
      ->capture_default_str();
  cmd->add_option("--sib200", f->sib200, "SIB-200 data directory")
      ->capture_default_str();
  cmd->add_flag("--truth", f->truth,
                "also write truth.jsonl (hidden quality, reach outcome)");
  cmd->add_option("--deadline-s", f->deadline_s,
                  "per-call deadline with --server")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  commands.Add(cmd, [f] { return ExitCode(RunSimulate(*f)); });
}

}  // namespace reachrank::cli
