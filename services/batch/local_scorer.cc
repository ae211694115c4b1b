#include "services/batch/local_scorer.h"

#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "topics/fasttext_classifier.h"

namespace reachrank::batch {
namespace {

// Contexts only read complete days and the secondary never catches up, so
// reusing them within a run changes no score.
constexpr absl::Duration kContextTtl = absl::Hours(1);

}  // namespace

v1::ReachScore ToReachScore(const ranking::ScoreResult& r) {
  v1::ReachScore out;
  out.set_id(r.id);
  out.set_p_reach(r.p_reach);
  out.set_expected_stranger_impressions(r.expected_stranger_impressions);
  out.mutable_surface_mix()->insert(r.surface_mix.begin(), r.surface_mix.end());
  for (const ranking::Reason& reason : r.reasons) {
    v1::Reason* proto = out.add_reasons();
    proto->set_factor(reason.factor);
    proto->set_value(reason.value);
    proto->set_contribution(reason.contribution);
    proto->set_message(reason.message);
  }
  for (const topics::TopicProbability& t : r.topics) {
    v1::TopicScore* topic = out.add_topics();
    topic->set_topic_id(t.topic_id);
    topic->set_probability(t.probability);
  }
  out.set_model_version(r.model_version);
  return out;
}

absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>>
LocalDraftScorer::Score(absl::Span<const v1::Draft> drafts, bool explain,
                        absl::string_view language) {
  RR_ASSIGN_OR_RETURN(auto results,
                      scorer_.ScoreDrafts(drafts, explain, language));
  std::vector<absl::StatusOr<v1::ReachScore>> out;
  out.reserve(results.size());
  for (absl::StatusOr<ranking::ScoreResult>& r : results) {
    if (r.ok()) {
      out.push_back(ToReachScore(*r));
    } else {
      out.push_back(r.status());
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<LocalEngine>> LocalEngine::Open(
    const LocalEngineOptions& options) {
  // Start-up is mostly model parsing: the classifier loads on its own
  // thread while this one opens the store and loads the ranking models
  // (themselves two at a time). Errors are reported in the order of the
  // steps: store, topic model, labels, ranking models.
  std::future<absl::StatusOr<std::unique_ptr<topics::FastTextClassifier>>>
      classifier = std::async(std::launch::async, [&options] {
        return topics::FastTextClassifier::Load(options.topics_model);
      });
  std::unique_ptr<LocalEngine> engine(new LocalEngine());
  absl::StatusOr<ranking::ModelSet> models =
      options.model_dir.empty() ? ranking::PriorModelSet()
                                : ranking::LoadModelSet(options.model_dir);
  RR_ASSIGN_OR_RETURN(engine->secondary_dir_,
                      ScratchDirectory::Create("score"));
  storage::StoreOptions store_options;
  store_options.path = options.db;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::Store::OpenSecondary(store_options,
                                    engine->secondary_dir_->path());
  if (absl::IsNotFound(store.status())) {  // as every command names it
    return absl::NotFoundError(
        absl::StrCat("--db: ", store.status().message()));
  }
  RR_ASSIGN_OR_RETURN(engine->store_, std::move(store));
  RR_ASSIGN_OR_RETURN(engine->classifier_, classifier.get());
  ranking::ScorerOptions scorer_options;
  scorer_options.features.context_ttl = kContextTtl;
  if (!options.labels.empty()) {
    RR_ASSIGN_OR_RETURN(scorer_options.labels,
                        ranking::LabelConfigs::Load(options.labels));
  }
  RR_RETURN_IF_ERROR(models.status());
  engine->scorer_ = ranking::Scorer::Create(
      *engine->store_, engine->classifier_.get(), std::move(scorer_options),
      *std::move(models));
  engine->draft_scorer_ = std::make_unique<LocalDraftScorer>(*engine->scorer_);
  return engine;
}

LocalEngine::~LocalEngine() = default;

}  // namespace reachrank::batch
