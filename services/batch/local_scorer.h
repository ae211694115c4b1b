// local_scorer: batch scoring in-process — the ranking engine over a
// read-only secondary of a database and the topic model from disk.
#ifndef REACHRANK_SERVICES_BATCH_LOCAL_SCORER_H_
#define REACHRANK_SERVICES_BATCH_LOCAL_SCORER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/scratch_dir.h"
#include "ranking/scorer.h"
#include "services/batch/draft_scorer.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::batch {

// The engine's result as the API message (the same mapping the rank
// service answers with).
v1::ReachScore ToReachScore(const ranking::ScoreResult& result);

// A DraftScorer over a borrowed ranking::Scorer, which must outlive it.
// Thread-safe (the Scorer is).
class LocalDraftScorer final : public DraftScorer {
 public:
  explicit LocalDraftScorer(ranking::Scorer& scorer) : scorer_(scorer) {}
  absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> Score(
      absl::Span<const v1::Draft> drafts, bool explain,
      absl::string_view language) override;

 private:
  ranking::Scorer& scorer_;
};

struct LocalEngineOptions {
  std::string db;            // database directory (must exist)
  std::string model_dir;     // model set; empty: the priors
  std::string topics_model;  // topic model directory
  std::string labels;        // label config JSON; empty: built-in defaults
};

// Owns what local scoring needs: the store opened read-only as a secondary
// (its log directory a ScratchDirectory, removed on destruction or, after
// a kill, by the next scorer's), the topic classifier and the scorer. The data
// is what the database held at open. Thread-safe for scoring.
class LocalEngine {
 public:
  // NOT_FOUND when `db` holds no database; errors of the model loaders.
  static absl::StatusOr<std::unique_ptr<LocalEngine>> Open(
      const LocalEngineOptions& options);
  ~LocalEngine();

  DraftScorer& scorer() { return *draft_scorer_; }
  std::string model_version() const { return scorer_->model_version(); }

 private:
  LocalEngine() = default;

  // Declared first, so destroyed last: the store closes before its
  // secondary's directory goes.
  std::unique_ptr<ScratchDirectory> secondary_dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<topics::TopicClassifier> classifier_;
  std::unique_ptr<ranking::Scorer> scorer_;
  std::unique_ptr<LocalDraftScorer> draft_scorer_;
};

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_LOCAL_SCORER_H_
