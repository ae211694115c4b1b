// `reachrank admin reclassify`: every post of a stopped database classified
// again with a topic model (the default one unless --topics-model), for
// posts classified by an earlier model or before hashtags counted toward
// topics. Changed posts move between their topics' supply counters.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "services/batch/progress.h"
#include "services/cli/command.h"
#include "services/ingest/reclassify.h"
#include "services/topics/default_model.h"
#include "storage/store.h"
#include "topics/fasttext_classifier.h"

namespace reachrank::cli {
namespace {

struct ReclassifyFlags {
  std::string db;
  std::string topics_model = topics_service::DefaultTopicModelDir();
  int top_k = 3;
};

// The stopped database at `db`, opened for writing.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenStopped(
    const std::string& db) {
  if (!std::filesystem::exists(db)) {
    return absl::NotFoundError(absl::StrCat("--db: no database at ", db));
  }
  storage::StoreOptions options;
  options.path = db;
  auto store = storage::Store::Open(options);
  if (HeldByAService(store.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--db: ", db, " is open in a running service: stop it first (",
        store.status().message(), ")"));
  }
  return store;
}

absl::Status RunReclassify(const ReclassifyFlags& f) {
  if (f.top_k < 1) {
    return absl::InvalidArgumentError("--top-k: must be at least 1");
  }
  RR_ASSIGN_OR_RETURN(auto classifier,
                      topics::FastTextClassifier::Load(f.topics_model));
  RR_ASSIGN_OR_RETURN(auto store, OpenStopped(f.db));
  std::optional<batch::ProgressBar> bar;
  if (isatty(fileno(stderr))) bar.emplace(std::cerr, "posts", std::nullopt, 0);
  ingest::ReclassifyOptions options;
  options.top_k = f.top_k;
  options.progress = [&bar](int64_t posts) {
    if (bar.has_value()) bar->Update(posts);
  };
  RR_ASSIGN_OR_RETURN(ingest::ReclassifySummary summary,
                      ingest::ReclassifyAll(*store, *classifier, options));
  if (bar.has_value()) bar->Finish(summary.posts);
  RR_RETURN_IF_ERROR(store->Flush());
  std::cerr << absl::StrFormat(
      "reachrank admin reclassify: %d posts with %s: %d changed (%d with "
      "another top topic), %d refused by the classifier, %d skipped "
      "(deleted or edited meanwhile)\n",
      summary.posts, classifier->ModelVersion(), summary.changed, summary.moved,
      summary.refused, summary.skipped);
  return absl::OkStatus();
}

}  // namespace

void AddReclassifyCommand(CLI::App& admin, CommandSet& commands) {
  auto flags = std::make_shared<ReclassifyFlags>();
  CLI::App* cmd = admin.add_subcommand(
      "reclassify",
      "Classify every post of a stopped database again (after a topic model "
      "change, or for posts classified before hashtags counted); posts whose "
      "topics or language change move between their topics' counters");
  cmd->add_option("--db", flags->db, "Stopped database directory")->required();
  cmd->add_option("--topics-model", flags->topics_model,
                  "topic model directory")
      ->capture_default_str();
  cmd->add_option("--top-k", flags->top_k, "topics stored per post")
      ->capture_default_str();
  commands.Add(cmd, [flags] { return UsageExitCode(RunReclassify(*flags)); });
}

}  // namespace reachrank::cli
