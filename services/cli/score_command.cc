// `reachrank score`: batch scoring of draft files, in-process over a
// database (local) or through a rank service (--server). The work is done
// by services/batch; this file holds the flags and the summary.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "grpcpp/create_channel.h"
#include "services/batch/local_scorer.h"
#include "services/batch/remote_scorer.h"
#include "services/batch/score_job.h"
#include "services/batch/sharded_scorer.h"
#include "services/cli/command.h"
#include "services/common/flag_checks.h"
#include "services/common/serving_flags.h"
#include "services/topics/default_model.h"

namespace reachrank::cli {
namespace {

struct ScoreFlags {
  batch::ScoreJobOptions job;
  std::string input_format = "auto";
  std::string format = "jsonl";
  batch::LocalEngineOptions local;
  std::vector<std::string> servers;  // one per shard, in shard order
  services::ClientTlsOptions security;  // of --server
  int deadline_s = 60;
  int attempts = 5;
};

void AddScoreFlags(CLI::App& cmd, ScoreFlags& f) {
  f.local.db = "reachrank-data";
  f.local.topics_model = topics_service::DefaultTopicModelDir();
  f.job.pipeline.threads =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cmd.add_option("input", f.job.input, "drafts: JSONL or CSV file, - = stdin")
      ->required();
  cmd.add_option("-o,--output", f.job.output, "output file, - = stdout")
      ->capture_default_str();
  cmd.add_option("--format", f.format, "output format")
      ->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  cmd.add_option("--input-format", f.input_format,
                 "auto: CSV for a .csv file, else JSONL")
      ->check(CLI::IsMember({"auto", "jsonl", "csv"}))->capture_default_str();
  cmd.add_flag("--explain", f.job.pipeline.explain, "add reasons");
  cmd.add_option("--language", f.job.pipeline.language,
                 "language of the reasons (default en)")
      ->check(CLI::IsMember({"en", "de", "zh"}));
  cmd.add_flag("--resume", f.job.resume,
               "continue an interrupted run after its last complete line");
  cmd.add_option("--threads", f.job.pipeline.threads, "worker threads")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  cmd.add_option("--batch-size", f.job.pipeline.batch_size, "drafts per batch")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  auto* db = cmd.add_option("--db", f.local.db, "database directory (local)")
                 ->capture_default_str();
  auto* model = cmd.add_option("--model", f.local.model_dir,
                               "model set directory (local; default priors)");
  cmd.add_option("--topics-model", f.local.topics_model,
                 "topic model directory (local)")->capture_default_str();
  cmd.add_option("--labels", f.local.labels, "label config JSON (local)");
  cmd.add_option("--server", f.servers,
                 "rank service host:port (remote); several (comma-separated "
                 "or repeated) are shards 0, 1, ... and each draft goes to "
                 "the shard that owns its author")
      ->delimiter(',')
      ->allow_extra_args(false)  // one address per --server
      ->excludes(db)
      ->excludes(model)
      ->check(services::ServerAddress());
  services::AddClientSecurityFlags(cmd, f.security, "",
                                   "the --server rank service");
  cmd.add_option("--deadline-s", f.deadline_s, "per-batch deadline (remote)")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  cmd.add_option("--attempts", f.attempts,
                 "tries per batch while the server answers UNAVAILABLE or "
                 "RESOURCE_EXHAUSTED (remote)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
}

void PrintSummary(const batch::ScoreJobSummary& s, const std::string& model) {
  std::cerr << absl::StrFormat(
      "score: %d scored, %d failed%s, %.1f s, %.0f drafts/s%s\n", s.scored,
      s.failed,
      s.resumed_after > 0
          ? absl::StrFormat(" (resumed after %d, %d of them failed)",
                            s.resumed_after, s.failed_before)
          : "",
      s.seconds,
      static_cast<double>(s.scored + s.failed) / std::max(s.seconds, 1e-3),
      model.empty() ? "" : ", model " + model);
}

// The rank service of --server, or with several the shards behind them.
absl::StatusOr<std::unique_ptr<batch::DraftScorer>> MakeRemoteScorer(
    const ScoreFlags& f) {
  batch::RemoteOptions options;
  options.deadline = absl::Seconds(f.deadline_s);
  options.max_attempts = f.attempts;
  RR_ASSIGN_OR_RETURN(auto credentials,
                      services::MakeChannelCredentials(f.security));
  RR_RETURN_IF_ERROR(CheckShardList("--server", f.servers));
  std::vector<batch::Shard> shards;
  for (const std::string& server : f.servers) {
    shards.push_back({server, std::make_unique<batch::RemoteDraftScorer>(
                                  grpc::CreateChannel(server, credentials),
                                  options)});
  }
  if (shards.size() == 1) return std::move(shards[0].scorer);
  return std::make_unique<batch::ShardedDraftScorer>(std::move(shards));
}

int RunScore(ScoreFlags& f) {
  if (f.job.resume && f.job.output == "-") {
    std::cerr << "reachrank score: --resume needs an output file (-o FILE)\n";
    return 2;
  }
  if (f.input_format != "auto") {
    f.job.input_format = f.input_format == "csv" ? batch::InputFormat::kCsv
                                                 : batch::InputFormat::kJsonl;
  }
  f.job.pipeline.format =
      f.format == "csv" ? batch::OutputFormat::kCsv : batch::OutputFormat::kJsonl;
  std::unique_ptr<batch::LocalEngine> engine;
  std::unique_ptr<batch::DraftScorer> remote;
  if (f.servers.empty()) {
    if (absl::Status s = CheckNotInDatabase("-o", f.job.output, {f.local.db});
        !s.ok()) {
      return UsageExitCode(s);
    }
    auto opened = batch::LocalEngine::Open(f.local);
    if (!opened.ok()) return ExitCode(opened.status());
    engine = *std::move(opened);
  } else {
    auto made = MakeRemoteScorer(f);
    if (!made.ok()) return UsageExitCode(made.status());
    remote = *std::move(made);
  }
  batch::DraftScorer& scorer = engine ? engine->scorer() : *remote;
  std::ios::sync_with_stdio(false);
  auto summary = batch::RunScoreJob(f.job, scorer,
                                    isatty(STDERR_FILENO) ? &std::cerr : nullptr);
  if (!summary.ok()) return UsageExitCode(summary.status());
  PrintSummary(*summary, engine ? engine->model_version() : "");
  // Error records written before a resume count too: the output is one.
  return summary->failed + summary->failed_before > 0 ? 3 : 0;
}

}  // namespace

void AddScoreCommand(CLI::App& app, CommandSet& commands) {
  auto f = std::make_shared<ScoreFlags>();
  CLI::App* cmd = app.add_subcommand(
      "score", "score a file of drafts (JSONL or CSV), locally or remotely");
  AddScoreFlags(*cmd, *f);
  commands.Add(cmd, [f] { return RunScore(*f); });
}

}  // namespace reachrank::cli
