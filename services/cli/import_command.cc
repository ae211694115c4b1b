// `reachrank import`: historical posts with aggregated outcomes (and
// optionally their authors) written straight into a database; see
// services/batch/importer.h for the format. Idempotent on re-run.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/shard.h"
#include "services/batch/importer.h"
#include "services/cli/command.h"
#include "services/topics/default_model.h"
#include "storage/store.h"
#include "topics/fasttext_classifier.h"

namespace reachrank::cli {
namespace {

constexpr int64_t kRejectionsShown = 20;

struct ImportFlags {
  std::string input;
  std::string authors;
  std::string db = "reachrank-data";
  std::string topics_model = topics_service::DefaultTopicModelDir();
  bool no_classify = false;
  size_t batch_posts = 500;
  std::string shard;  // "I/N", empty: everything
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
                               storage::Store& store, int64_t* rejected) {
  if (f.authors.empty()) return absl::OkStatus();
  std::ifstream in(f.authors, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + f.authors);
  int64_t shown = 0;
  auto written = batch::ImportAuthors(in, store, absl::Now(),
                                      Reporter(f.authors, &shown), shard);
  if (!written.ok()) return written.status();
  *rejected += shown;
  std::cerr << absl::StrFormat("import: %d authors written, %d rejected\n",
                               *written, shown);
  return absl::OkStatus();
}

int RunImport(const ImportFlags& f) {
  const absl::Time started = absl::Now();
  batch::ImportOptions import;
  import.batch_posts = f.batch_posts;
  if (!f.shard.empty()) {
    auto shard = ParseShardSlice(f.shard);
    if (!shard.ok()) return UsageExitCode(shard.status());
    import.shard = *shard;
  }
  storage::StoreOptions options;
  options.path = f.db;
  options.dedup_window = batch::kImportDedupWindow;
  auto store = storage::Store::Open(options);
  if (!store.ok()) return ExitCode(store.status());
  std::unique_ptr<topics::FastTextClassifier> classifier;
  if (!f.no_classify) {
    auto loaded = topics::FastTextClassifier::Load(f.topics_model);
    if (!loaded.ok()) return ExitCode(loaded.status());
    classifier = *std::move(loaded);
  }
  int64_t rejected = 0;
  if (absl::Status s = ImportAuthorsFile(f, import.shard, **store, &rejected);
      !s.ok()) {
    return ExitCode(s);
  }
  std::ifstream file;
  if (f.input != "-") {
    file.open(f.input, std::ios::binary);
    if (!file) return ExitCode(absl::NotFoundError("cannot read " + f.input));
  }
  int64_t shown = 0;
  auto s = batch::ImportPosts(f.input == "-" ? std::cin : file, **store,
                              classifier.get(), import,
                              Reporter(f.input, &shown));
  if (!s.ok()) return ExitCode(s.status());
  if (absl::Status flushed = (*store)->Flush(); !flushed.ok()) {
    return ExitCode(flushed);
  }
  std::cerr << absl::StrFormat(
      "import: %d lines: %d posts new, %d updated; events %d counted, %d "
      "duplicates; %d lines rejected%s; %.1f s\n",
      s->lines, s->posts_created, s->posts_updated, s->events_accepted,
      s->events_duplicate, s->rejected_lines,
      import.shard.count > 1
          ? absl::StrFormat("; %d lines of other shards skipped",
                            s->other_shards)
          : "",
      absl::ToDoubleSeconds(absl::Now() - started));
  return s->rejected_lines + rejected > 0 ? 3 : 0;
}

}  // namespace

void AddImportCommand(CLI::App& app, CommandSet& commands) {
  auto f = std::make_shared<ImportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "import", "import historical posts with aggregated outcomes (JSONL)");
  cmd->add_option("input", f->input, "posts with counts, JSONL; - = stdin")
      ->required();
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
  commands.Add(cmd, [f] { return RunImport(*f); });
}

}  // namespace reachrank::cli
