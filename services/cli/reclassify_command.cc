// `reachrank admin reclassify`: every post of a database classified again,
// for posts classified by an earlier topic model or before hashtags counted
// toward topics: of a stopped database with a model directory (--db,
// --topics-model), or of a running ingest service's with its topic service
// (--server, ReclassifyPosts). Changed posts move between their topics'
// counters with their engagement.
#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "reachrank/v1/ingest.grpc.pb.h"
#include "services/cli/command.h"
#include "services/common/flag_checks.h"
#include "services/common/grpc_status.h"
#include "services/common/serving_flags.h"
#include "services/common/tls_options.h"
#include "services/ingest/reclassify.h"
#include "services/topics/default_model.h"
#include "storage/store.h"
#include "topics/fasttext_classifier.h"

namespace reachrank::cli {
namespace {

struct ReclassifyFlags {
  std::string db;
  std::vector<std::string> servers;     // one per shard
  services::ClientTlsOptions security;  // of --server
  std::string topics_model = topics_service::DefaultTopicModelDir();
  bool topics_model_given = false;
  int top_k = 3;
  bool dry_run = false;
  int show_moves = 10;
  int parallel = 1;  // shards of --server reclassified at once
};

// The posts read so far by several shards' runs, drawn as one total.
// Thread-safe.
class ShardsProgress {
 public:
  explicit ShardsProgress(size_t shards) : posts_(shards, 0) {}
  void Update(size_t shard, int64_t posts) {
    absl::MutexLock lock(&mu_);
    posts_[shard] = posts;
    bar_.Update(Total());
  }
  void Finish() {
    absl::MutexLock lock(&mu_);
    bar_.Finish(Total());
  }

 private:
  int64_t Total() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return std::accumulate(posts_.begin(), posts_.end(), int64_t{0});
  }

  absl::Mutex mu_;
  std::vector<int64_t> posts_ ABSL_GUARDED_BY(mu_);
  PostsProgress bar_ ABSL_GUARDED_BY(mu_){"reachrank admin reclassify"};
};

// A line per database (`where` names it: the --db or --server given),
// then its largest top-topic moves, one per line.
void PrintSummary(const ReclassifyFlags& f, const std::string& where,
                  const ingest::ReclassifySummary& summary,
                  const std::string& model_version) {
  std::cerr << absl::StrFormat(
      "reachrank admin reclassify: %s: %d posts with %s: %d %s (%d with "
      "another top topic), %d refused by the classifier, %d skipped "
      "(deleted or edited meanwhile)\n",
      where, summary.posts, model_version, summary.changed,
      f.dry_run ? "would change" : "changed", summary.moved, summary.refused,
      summary.skipped);
  for (const auto& [move, posts] :
       ingest::LargestMoves(summary.moves, static_cast<size_t>(f.show_moves))) {
    std::cerr << absl::StrFormat("  top topic %s -> %s: %d posts\n",
                                 move.from.empty() ? "(none)" : move.from,
                                 move.to.empty() ? "(none)" : move.to, posts);
  }
}

// Classifies the stopped database --db with --topics-model.
absl::Status ReclassifyStopped(const ReclassifyFlags& f) {
  RR_ASSIGN_OR_RETURN(auto classifier,
                      topics::FastTextClassifier::Load(f.topics_model));
  RR_ASSIGN_OR_RETURN(auto store, OpenStoppedDatabase(f.db, "stop it first"));
  PostsProgress bar("reachrank admin reclassify");
  ingest::ReclassifyOptions options;
  options.top_k = f.top_k;
  options.dry_run = f.dry_run;
  options.progress = [&bar](const ingest::ReclassifySummary& so_far) {
    bar.Update(so_far.posts);
  };
  RR_ASSIGN_OR_RETURN(ingest::ReclassifySummary summary,
                      ingest::ReclassifyAll(*store, *classifier, options));
  bar.Finish(summary.posts);
  RR_RETURN_IF_ERROR(store->Flush());
  PrintSummary(f, f.db, summary, classifier->ModelVersion());
  return absl::OkStatus();
}

ingest::ReclassifySummary FromProgress(const v1::ReclassifyPostsResponse& p) {
  ingest::ReclassifySummary s;
  s.posts = static_cast<int64_t>(p.posts());
  s.changed = static_cast<int64_t>(p.changed());
  s.moved = static_cast<int64_t>(p.moved());
  s.refused = static_cast<int64_t>(p.refused());
  s.skipped = static_cast<int64_t>(p.skipped());
  for (const v1::TopicMove& m : p.moves()) {
    s.moves[{m.from_topic(), m.to_topic()}] = static_cast<int64_t>(m.posts());
  }
  return s;
}

// What one shard's run came to.
struct ShardRun {
  bool ran = false;  // not started after an earlier shard's error
  absl::Status status;
  ingest::ReclassifySummary summary;
  std::string model_version;
};

// Has the ingest service at `server` classify its database, following the
// ReclassifyPosts stream; `progress` gets the posts read so far.
ShardRun ReclassifyLive(const ReclassifyFlags& f, const std::string& server,
                        std::shared_ptr<grpc::ChannelCredentials> credentials,
                        absl::FunctionRef<void(int64_t posts)> progress) {
  auto stub =
      v1::IngestService::NewStub(grpc::CreateChannel(server, credentials));
  v1::ReclassifyPostsRequest request;
  request.set_top_k(static_cast<uint32_t>(f.top_k));
  request.set_dry_run(f.dry_run);
  grpc::ClientContext context;
  auto reader = stub->ReclassifyPosts(&context, request);
  v1::ReclassifyPostsResponse message, last;
  while (reader->Read(&message)) {
    last = message;
    progress(static_cast<int64_t>(last.posts()));
  }
  ShardRun run;
  run.ran = true;
  run.status = services::ToAbslStatus(reader->Finish());
  if (!run.status.ok()) {
    run.status =
        absl::Status(run.status.code(),
                     absl::StrCat("--server ", server,
                                  ": ReclassifyPosts: ", run.status.message()));
  } else if (!last.done()) {
    run.status = absl::UnavailableError(absl::StrCat(
        "--server ", server, ": ReclassifyPosts ended before its totals"));
  }
  run.summary = FromProgress(last);
  run.model_version = last.model_version();
  return run;
}

// The shards' ingest services, --parallel at a time, in the order given;
// after an error no further shard starts (those done stay done: running
// again only reads their posts). Prints a summary per shard done, in the
// order given, and returns the first error.
absl::Status ReclassifyShards(const ReclassifyFlags& f) {
  RR_RETURN_IF_ERROR(CheckShardList("--server", f.servers));
  RR_ASSIGN_OR_RETURN(auto credentials,
                      services::MakeChannelCredentials(f.security));
  std::vector<ShardRun> runs(f.servers.size());
  ShardsProgress progress(f.servers.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (size_t i; !failed.load() && (i = next.fetch_add(1)) < runs.size();) {
      runs[i] = ReclassifyLive(
          f, f.servers[i], credentials,
          [&progress, i](int64_t posts) { progress.Update(i, posts); });
      if (!runs[i].status.ok()) failed.store(true);
    }
  };
  std::vector<std::thread> workers;
  const size_t threads =
      std::min(static_cast<size_t>(f.parallel), f.servers.size());
  for (size_t t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  progress.Finish();
  absl::Status first_error;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].ran) continue;
    if (runs[i].status.ok()) {
      PrintSummary(f, f.servers[i], runs[i].summary, runs[i].model_version);
    } else if (first_error.ok()) {
      first_error = runs[i].status;
    }
  }
  return first_error;
}

absl::Status RunReclassify(const ReclassifyFlags& f) {
  if (f.db.empty() == f.servers.empty()) {
    return absl::InvalidArgumentError(
        "--server or --db: give exactly one (the running ingest service, or "
        "a stopped database)");
  }
  if (!f.servers.empty() && f.topics_model_given) {
    return absl::InvalidArgumentError(
        "--topics-model: only with --db (with --server the ingest service's "
        "topic service classifies)");
  }
  if (f.top_k < 1 || f.top_k > ingest::kMaxReclassifyTopK) {
    return absl::InvalidArgumentError(
        absl::StrCat("--top-k: must be 1-", ingest::kMaxReclassifyTopK));
  }
  if (f.db.empty()) return ReclassifyShards(f);
  return ReclassifyStopped(f);
}

}  // namespace

void AddReclassifyCommand(CLI::App& admin, CommandSet& commands) {
  auto flags = std::make_shared<ReclassifyFlags>();
  CLI::App* cmd = admin.add_subcommand(
      "reclassify",
      "Classify every post again (after a topic model change, or for posts "
      "classified before hashtags counted): through the running ingest "
      "service and its topic service (--server; ReclassifyPosts, admin "
      "scope) or in a stopped database (--db); posts whose topics or "
      "language change move between their topics' counters");
  cmd->add_option("--server", flags->servers,
                  "Ingest service host:port; several (comma-separated or "
                  "repeated), the shards' services, are done --parallel at a "
                  "time")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(services::ServerAddress());
  services::AddClientSecurityFlags(*cmd, flags->security, "",
                                   "the --server ingest service");
  cmd->add_option("--db", flags->db, "Stopped database directory");
  cmd->add_option("--topics-model", flags->topics_model,
                  "topic model directory, with --db")
      ->capture_default_str()
      ->each([flags](const std::string&) { flags->topics_model_given = true; });
  cmd->add_option("--top-k", flags->top_k, "topics stored per post")
      ->capture_default_str();
  cmd->add_flag("--dry-run", flags->dry_run,
                "classify and count what would change, store nothing (how a "
                "new topic model would move the stored posts)");
  cmd->add_option("--parallel", flags->parallel,
                  "shards of --server reclassified at once (each on its own "
                  "ingest service, all through their topic services)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--show-moves", flags->show_moves,
                  "top-topic moves listed per database, largest first")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  commands.Add(cmd, [flags] { return UsageExitCode(RunReclassify(*flags)); });
}

}  // namespace reachrank::cli
