// The ranking engine's entry point: scores a stored post, drafts, or a
// candidate list with p_reach, expected stranger impressions, the surface
// mix, reasons and the version of the model that answered. It holds the
// store, a topic classifier (for drafts), the label configs and a model set
// that can be swapped while serving.
//
// A model set is a directory with two model directories:
//   <dir>/draft/  a model over DraftFeatureNames() (drafts)
//   <dir>/live/   a model over LiveFeatureNames() (published posts)
// Without one the priors (prior-v1) serve.
#ifndef REACHRANK_RANKING_SCORER_H_
#define REACHRANK_RANKING_SCORER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/should_stop.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ranking/explain.h"
#include "ranking/features.h"
#include "ranking/label.h"
#include "ranking/model/model.h"
#include "reachrank/v1/common.pb.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::ranking {

struct ScoreResult {
  std::string id;
  double p_reach = 0;
  double expected_stranger_impressions = 0;
  // Surface enum name ("SURFACE_RECOMMENDED"...) -> share; sums to 1.
  std::map<std::string, double> surface_mix;
  std::vector<Reason> reasons;  // empty unless explain was asked
  std::vector<topics::TopicProbability> topics;
  std::string model_version;
};

struct RankResult {
  std::vector<ScoreResult> top;          // by p_reach, highest first
  std::vector<std::string> unknown_ids;  // in input order, each once
  size_t scored = 0;                     // distinct candidates found
};

// The two models that serve together. Immutable.
struct ModelSet {
  std::shared_ptr<const Model> draft;
  std::shared_ptr<const Model> live;
};

// Loads <dir>/draft and <dir>/live, refusing models whose feature lists
// differ from the extractor's (INVALID_ARGUMENT) or missing files
// (NOT_FOUND); the message names the sub-directory. Both come from `dir`
// as it was opened, never one from a set published into it meanwhile.
absl::StatusOr<ModelSet> LoadModelSet(const std::string& dir);
// The prior-v1 models.
absl::StatusOr<ModelSet> PriorModelSet();

// The context reuse of serving processes (FeatureOptions::context_ttl):
// contexts read only complete days, so within a day they change only
// through late events and author record updates, which a score may pick
// up this much later.
inline constexpr absl::Duration kServingContextTtl = absl::Minutes(5);

// Rank fetches and scores its candidates this many at a time; ScoreDrafts
// classifies and scores its drafts this many at a time.
inline constexpr size_t kRankBatch = 1000;
inline constexpr size_t kDraftBatch = 256;

struct ScorerOptions {
  LabelConfigs labels;
  FeatureOptions features;
  size_t max_reasons = 5;
  size_t max_candidates = 10000;  // Rank refuses more
};

// Thread-safe: every method may be called concurrently, and Reload swaps
// the model set atomically while other calls finish on the old one.
class Scorer {
 public:
  // `store` must outlive the scorer; `classifier` too, and may be null (then
  // ScoreDrafts fails with FAILED_PRECONDITION). `model_dir` empty: priors.
  static absl::StatusOr<std::unique_ptr<Scorer>> Create(
      storage::Store& store, topics::TopicClassifier* classifier,
      ScorerOptions options, const std::string& model_dir = "");
  // The same with a model set loaded by the caller (LoadModelSet), e.g.
  // while it loads the classifier.
  static std::unique_ptr<Scorer> Create(storage::Store& store,
                                        topics::TopicClassifier* classifier,
                                        ScorerOptions options, ModelSet models);

  // Loads a model set beside the serving one and swaps it in. On any error
  // the old set keeps serving and the error is returned. An empty `dir`
  // goes back to the priors.
  absl::Status Reload(const std::string& dir);
  // "<draft version>" if both models share one, else "<draft>,<live>".
  std::string model_version() const;

  // Scores a stored post as of `as_of` (nullopt: now, with its latest
  // counters). NOT_FOUND for an unknown post; INVALID_ARGUMENT naming
  // as_of when it is before the post was created.
  absl::StatusOr<ScoreResult> ScorePost(const std::string& post_id,
                                        std::optional<absl::Time> as_of,
                                        bool explain,
                                        absl::string_view language);
  // Scores drafts with the draft model, each as of its planned_at (now
  // when unset); one result per draft. A draft without author_id, or by an
  // author the store does not know, is scored as a new account. An item
  // without platform gets its own INVALID_ARGUMENT. The call fails only
  // when classification fails, or with CANCELLED when `should_stop` says
  // so before a batch of kDraftBatch drafts.
  absl::StatusOr<std::vector<absl::StatusOr<ScoreResult>>> ScoreDrafts(
      absl::Span<const v1::Draft> drafts, bool explain,
      absl::string_view language, ShouldStop should_stop = NeverStop);
  // Scores the candidates found and returns the top `limit` (0: all), best
  // first; unknown ids are listed, and so are, with an `as_of`, the posts
  // created after it (they did not exist yet). An id given more than once
  // counts once (a feed merging several candidate sources should not show a
  // post twice). Candidates are fetched and scored kRankBatch distinct ids at a
  // time (one MultiGet for posts, one for counters when as_of is nullopt);
  // `should_stop` is asked before each batch (CANCELLED).
  // RESOURCE_EXHAUSTED for more than max_candidates ids, repeats included.
  absl::StatusOr<RankResult> Rank(absl::Span<const std::string> post_ids,
                                  size_t limit, std::optional<absl::Time> as_of,
                                  bool explain, absl::string_view language,
                                  ShouldStop should_stop = NeverStop);

 private:
  Scorer(storage::Store& store, topics::TopicClassifier* classifier,
         ScorerOptions options, ModelSet models);
  // Posts with their rows and p_reach under one model (scorer.cc).
  struct Predictions;

  std::shared_ptr<const ModelSet> models() const;
  // Computes the rows and p_reach of `requests` (posts of out->posts)
  // under `model` and appends them to *out.
  absl::Status Predict(absl::Span<const FeatureRequest> requests,
                       const Model& model, Predictions* out);
  // The results of scored.posts[i] for each i of `order`, in that order.
  absl::StatusOr<std::vector<ScoreResult>> Results(
      const Predictions& scored, absl::Span<const size_t> order,
      const Model& model, bool explain, absl::string_view language) const;
  // Fetches `ids` as of `as_of` and predicts the ones found into *scored;
  // the others are appended to *unknown_ids.
  absl::Status PredictCandidates(absl::Span<const std::string> ids,
                                 absl::Time as_of, bool latest,
                                 const Model& model, Predictions* scored,
                                 std::vector<std::string>* unknown_ids);
  // Scores drafts[start, start + kDraftBatch) into (*out)[start...].
  absl::Status ScoreDraftBatch(absl::Span<const v1::Draft> drafts, size_t start,
                               const Model& model, bool explain,
                               absl::string_view language,
                               std::vector<absl::StatusOr<ScoreResult>>* out);

  // Constant after construction.
  storage::Store& store_;
  topics::TopicClassifier* const classifier_;
  const ScorerOptions options_;
  FeatureExtractor extractor_;
  // Guarded.
  mutable absl::Mutex mu_;
  std::shared_ptr<const ModelSet> models_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_SCORER_H_
