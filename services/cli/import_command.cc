// `reachrank import`: historical posts with aggregated outcomes (and
// optionally their authors) written straight into a database, or sent to
// running ingest services (--server); see services/batch/importer.h for the
// format. Idempotent on re-run (through the services: within their dedup
// window).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/shard.h"
#include "base/status_macros.h"
#include "services/batch/importer.h"
#include "services/batch/input_file.h"
#include "services/batch/progress.h"
#include "services/cli/command.h"
#include "services/cli/ingest_sink.h"
#include "services/common/flag_checks.h"
#include "services/common/serving_flags.h"
#include "services/topics/default_model.h"
#include "storage/store.h"
#include "topics/fasttext_classifier.h"

namespace reachrank::cli {
namespace {

constexpr int64_t kRejectionsShown = 20;
constexpr size_t kEventsPerCall = 50000;  // one RecordEvents stream each

struct ImportFlags {
  std::string input;
  std::string authors;
  std::string db = "reachrank-data";
  std::string topics_model = topics_service::DefaultTopicModelDir();
  bool no_classify = false;
  size_t batch_posts = 500;
  std::string shard;  // "I/N", empty: everything
  std::vector<std::string> servers;  // ingest services, shard i the i-th
  services::ClientTlsOptions security;  // of --server
  int deadline_s = 60;
  bool db_given = false;
};

// Sends each batch to the ingest services: posts (each to its author's
// shard), then their events. The services classify the posts.
class ServiceImportWriter final : public batch::ImportWriter {
 public:
  explicit ServiceImportWriter(ShardedIngest& ingest) : ingest_(ingest) {}
  // Events a service refuses are reported by line; the rest count.
  absl::Status WritePosts(const std::vector<batch::ImportRecord>& batch,
                          absl::Time, batch::ImportSummary& summary,
                          const batch::RejectFn& reject) override {
    std::vector<v1::Post> posts;
    std::vector<v1::EngagementEvent> events;
    for (const batch::ImportRecord& r : batch) {
      posts.push_back(r.post);
      events.insert(events.end(), r.events.begin(), r.events.end());
    }
    if (!posts.empty()) RR_RETURN_IF_ERROR(ingest_.sink().Posts(posts));
    summary.posts_sent += static_cast<int64_t>(posts.size());
    EventRefusals refused;
    ingest_.CollectRefusals(&refused);
    absl::Status sent = SendEvents(events, refused, summary);
    ingest_.CollectRefusals(nullptr);
    RR_RETURN_IF_ERROR(sent);
    ingest_.ForgetPosts();  // later batches name only their own posts
    batch::ReportRefusedEvents(batch, refused.named, refused.unnamed, summary,
                               reject);
    return absl::OkStatus();
  }
  absl::Status WriteAuthors(absl::Span<const v1::Author> authors) override {
    return ingest_.sink().Authors(authors);
  }

 private:
  // Sends `events` in calls of kEventsPerCall; counts the accepted and the
  // duplicates, the refused ones going to `refused`.
  absl::Status SendEvents(const std::vector<v1::EngagementEvent>& events,
                          EventRefusals& refused,
                          batch::ImportSummary& summary) {
    for (size_t i = 0; i < events.size(); i += kEventsPerCall) {
      const size_t n = std::min(kEventsPerCall, events.size() - i);
      const uint64_t duplicates_before = ingest_.duplicates();
      const int64_t refused_before = refused.total();
      RR_RETURN_IF_ERROR(
          ingest_.sink().Events(absl::MakeConstSpan(events).subspan(i, n)));
      const auto duplicates =
          static_cast<int64_t>(ingest_.duplicates() - duplicates_before);
      summary.events_duplicate += duplicates;
      summary.events_accepted += static_cast<int64_t>(n) - duplicates -
                                 (refused.total() - refused_before);
    }
    return absl::OkStatus();
  }

  ShardedIngest& ingest_;
};

batch::RejectFn Reporter(const std::string& file, int64_t* shown) {
  return [file, shown](int64_t line, const absl::Status& status) {
    if (++*shown <= kRejectionsShown) {
      std::cerr << "import: " << file << ":" << line << ": " << status.message()
                << "\n";
    }
  };
}

absl::Status ImportAuthorsFile(const ImportFlags& f, const ShardSlice& shard,
                               batch::ImportWriter& writer, int64_t* rejected) {
  if (f.authors.empty()) return absl::OkStatus();
  std::ifstream in(f.authors, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + f.authors);
  int64_t shown = 0;
  auto written = batch::ImportAuthors(in, writer, absl::Now(),
                                      Reporter(f.authors, &shown), shard);
  if (!written.ok()) return written.status();
  *rejected += shown;
  std::cerr << absl::StrFormat("import: %d authors written, %d rejected\n",
                               *written, shown);
  return absl::OkStatus();
}

// Reads the authors file, then the posts file, into `writer`; prints the
// summary. 0, or 3 when lines were rejected.
absl::StatusOr<int> ImportFiles(const ImportFlags& f,
                                const batch::ImportOptions& import,
                                batch::ImportWriter& writer) {
  const absl::Time started = absl::Now();
  int64_t rejected = 0;
  RR_RETURN_IF_ERROR(ImportAuthorsFile(f, import.shard, writer, &rejected));
  std::ifstream file;
  RR_ASSIGN_OR_RETURN(std::istream * input, batch::OpenInput(f.input, file));
  int64_t shown = 0;
  // A bar on a terminal, when the file's line count is known.
  batch::ImportOptions with_bar = import;
  batch::TerminalProgress bar("import");
  if (const std::optional<int64_t> total = batch::CountNewlines(f.input)) {
    with_bar.progress = [&bar, total](int64_t lines) {
      bar.Update(lines, *total);
    };
  }
  RR_ASSIGN_OR_RETURN(
      batch::ImportSummary s,
      batch::ImportPosts(*input, writer, with_bar, Reporter(f.input, &shown)));
  bar.Finish();
  const std::string posts =
      f.servers.empty()
          ? absl::StrFormat("%d posts new, %d updated", s.posts_created,
                            s.posts_updated)
          : absl::StrFormat("%d posts sent", s.posts_sent);
  std::cerr << absl::StrFormat(
      "import: %d lines: %s; events %d counted, %d duplicates; %d lines "
      "rejected%s%s; %.1f s\n",
      s.lines, posts, s.events_accepted, s.events_duplicate, s.rejected_lines,
      shown > kRejectionsShown
          ? absl::StrFormat(" (the first %d shown)", kRejectionsShown)
          : "",
      import.shard.count > 1
          ? absl::StrFormat("; %d lines of other shards skipped",
                            s.other_shards)
          : "",
      absl::ToDoubleSeconds(absl::Now() - started));
  return s.rejected_lines + rejected > 0 ? 3 : 0;
}

absl::StatusOr<int> ImportIntoDb(const ImportFlags& f,
                                 const batch::ImportOptions& import) {
  storage::StoreOptions options;
  options.path = f.db;
  options.dedup_window = batch::kImportDedupWindow;
  // A history moved between shards keeps every count it had, those
  // stored before the clock-skew rule included.
  options.event_clock_skew = absl::InfiniteDuration();
  absl::StatusOr<std::unique_ptr<storage::Store>> opened =
      OpenWritable(options, "reachrank import");
  if (HeldByAService(opened.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--db: ", f.db,
        " is open in another process: import through a running ingest "
        "service with --server, or wait for the other process to end (",
        opened.status().message(), ")"));
  }
  RR_ASSIGN_OR_RETURN(auto store, std::move(opened));
  std::unique_ptr<topics::FastTextClassifier> classifier;
  if (!f.no_classify) {
    RR_ASSIGN_OR_RETURN(classifier,
                        topics::FastTextClassifier::Load(f.topics_model));
  }
  batch::StoreImportWriter writer(*store, classifier.get());
  RR_ASSIGN_OR_RETURN(int code, ImportFiles(f, import, writer));
  RR_RETURN_IF_ERROR(store->Flush());
  return code;
}

absl::StatusOr<int> ImportThroughServices(const ImportFlags& f,
                                          const batch::ImportOptions& import) {
  RR_ASSIGN_OR_RETURN(
      auto ingest, ShardedIngest::Connect(f.servers, f.security,
                                          absl::Seconds(f.deadline_s)));
  ServiceImportWriter writer(*ingest);
  return ImportFiles(f, import, writer);
}

int RunImport(const ImportFlags& f) {
  batch::ImportOptions import;
  import.batch_posts = f.batch_posts;
  if (!f.shard.empty()) {
    auto shard = ParseShardSlice(f.shard);
    if (!shard.ok()) return UsageExitCode(shard.status());
    import.shard = *shard;
  }
  if (!f.servers.empty() && (f.db_given || !f.shard.empty())) {
    return UsageExitCode(absl::InvalidArgumentError(
        "--server excludes --db and --shard: the services write their own "
        "databases, and each author's lines go to the shard that owns it"));
  }
  // Before a database is created or a service called: a mistyped path
  // must not leave an empty database behind.
  for (const std::string& path : {f.input, f.authors}) {
    if (path.empty()) continue;
    std::error_code error;
    if (path != "-" && std::filesystem::is_directory(path, error)) {
      return ExitCode(absl::InvalidArgumentError(path + ": is a directory"));
    }
    std::ifstream probe;
    if (absl::StatusOr<std::istream*> input = batch::OpenInput(path, probe);
        !input.ok()) {
      return ExitCode(input.status());
    }
  }
  absl::StatusOr<int> code = f.servers.empty()
                                 ? ImportIntoDb(f, import)
                                 : ImportThroughServices(f, import);
  if (!code.ok()) return ExitCode(code.status());
  return *code;
}

}  // namespace

void AddImportCommand(CLI::App& app, CommandSet& commands) {
  auto f = std::make_shared<ImportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "import", "import historical posts with aggregated outcomes (JSONL)");
  cmd->add_option("input", f->input, "posts with counts, JSONL; - = stdin")
      ->required();
  CLI::Option* db =
      cmd->add_option("--db", f->db, "database directory (created if missing)")
          ->capture_default_str();
  cmd->add_option("--authors", f->authors, "authors JSONL (v1.Author per line)");
  cmd->add_option("--topics-model", f->topics_model, "topic model directory")
      ->capture_default_str();
  cmd->add_flag("--no-classify", f->no_classify,
                "store posts unclassified (the ingest service classifies them)");
  cmd->add_option("--batch-size", f->batch_posts, "posts per write")
      ->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_option("--shard", f->shard,
                  "I/N: import only what shard I of N owns (authors, and "
                  "posts by their author; docs/operations.md \"Routing\"), "
                  "skipping the rest");
  cmd->add_option("--server", f->servers,
                  "send to the running ingest service at host:port instead "
                  "of writing a database (it classifies the posts); several "
                  "(comma-separated or repeated) are shards 0, 1, ... and "
                  "each author's lines go to its shard")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(services::ServerAddress());
  services::AddClientSecurityFlags(*cmd, f->security, "",
                                   "the --server ingest service");
  cmd->add_option("--deadline-s", f->deadline_s,
                  "per-call deadline with --server")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  commands.Add(cmd, [f, db] {
    f->db_given = db->count() > 0;
    return RunImport(*f);
  });
}

}  // namespace reachrank::cli
