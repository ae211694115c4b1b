#include "ranking/scorer.h"

#include <algorithm>
#include <future>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "ranking/feature_names.h"
#include "ranking/prior.h"
#include "ranking/surface_mix.h"

namespace reachrank::ranking {
namespace {

absl::StatusOr<std::shared_ptr<const Model>> LoadOne(const std::string& dir,
                                                     FeatureSet set) {
  absl::StatusOr<std::unique_ptr<Model>> model =
      Model::Load(dir, FeatureNames(set));
  if (!model.ok()) {
    return absl::Status(model.status().code(),
                        absl::StrCat(dir, ": ", model.status().message()));
  }
  return std::shared_ptr<const Model>(*std::move(model));
}

// Rows of `batch` narrowed to the first `width` columns, contiguous.
std::vector<float> Narrow(const FeatureBatch& batch, size_t n, size_t width) {
  if (width == kNumLiveFeatures) return batch.rows;
  std::vector<float> out(n * width);
  for (size_t i = 0; i < n; ++i) {
    std::copy(batch.row(i), batch.row(i) + width, out.data() + i * width);
  }
  return out;
}

// One request per post, all as of `as_of`.
std::vector<FeatureRequest> RequestsAt(const std::vector<PostInput>& posts,
                                       absl::Time as_of, bool latest) {
  std::vector<FeatureRequest> requests;
  requests.reserve(posts.size());
  for (const PostInput& p : posts) requests.push_back({&p, as_of, latest});
  return requests;
}

}  // namespace

absl::StatusOr<ModelSet> LoadModelSet(const std::string& dir) {
  // The two models load side by side (most of it is JSON parsing); the
  // draft model's error is reported first, as when they loaded in turn.
  std::future<absl::StatusOr<std::shared_ptr<const Model>>> draft =
      std::async(std::launch::async, [&dir] {
        return LoadOne(dir + "/draft", FeatureSet::kDraft);
      });
  absl::StatusOr<std::shared_ptr<const Model>> live =
      LoadOne(dir + "/live", FeatureSet::kLive);
  ModelSet set;
  RR_ASSIGN_OR_RETURN(set.draft, draft.get());
  RR_ASSIGN_OR_RETURN(set.live, std::move(live));
  return set;
}

absl::StatusOr<ModelSet> PriorModelSet() {
  ModelSet set;
  RR_ASSIGN_OR_RETURN(set.draft, MakePriorModel(FeatureSet::kDraft));
  RR_ASSIGN_OR_RETURN(set.live, MakePriorModel(FeatureSet::kLive));
  return set;
}

Scorer::Scorer(storage::Store& store, topics::TopicClassifier* classifier,
               ScorerOptions options, ModelSet models)
    : store_(store),
      classifier_(classifier),
      options_(std::move(options)),
      extractor_(store, options_.features),
      models_(std::make_shared<const ModelSet>(std::move(models))) {}

absl::StatusOr<std::unique_ptr<Scorer>> Scorer::Create(
    storage::Store& store, topics::TopicClassifier* classifier,
    ScorerOptions options, const std::string& model_dir) {
  absl::StatusOr<ModelSet> models =
      model_dir.empty() ? PriorModelSet() : LoadModelSet(model_dir);
  if (!models.ok()) return models.status();
  return Create(store, classifier, std::move(options), *std::move(models));
}

std::unique_ptr<Scorer> Scorer::Create(storage::Store& store,
                                       topics::TopicClassifier* classifier,
                                       ScorerOptions options,
                                       ModelSet models) {
  return std::unique_ptr<Scorer>(
      new Scorer(store, classifier, std::move(options), std::move(models)));
}

absl::Status Scorer::Reload(const std::string& dir) {
  absl::StatusOr<ModelSet> next =
      dir.empty() ? PriorModelSet() : LoadModelSet(dir);
  if (!next.ok()) return next.status();
  auto ptr = std::make_shared<const ModelSet>(*std::move(next));
  absl::MutexLock lock(&mu_);
  models_ = std::move(ptr);
  return absl::OkStatus();
}

std::shared_ptr<const ModelSet> Scorer::models() const {
  absl::MutexLock lock(&mu_);
  return models_;
}

std::string Scorer::model_version() const {
  std::shared_ptr<const ModelSet> m = models();
  if (m->draft->version() == m->live->version()) return m->draft->version();
  return absl::StrCat(m->draft->version(), ",", m->live->version());
}

absl::StatusOr<std::vector<ScoreResult>> Scorer::ScoreInputs(
    absl::Span<const FeatureRequest> requests, bool explain,
    absl::string_view language, std::optional<size_t> keep) {
  RR_ASSIGN_OR_RETURN(FeatureBatch batch, extractor_.Extract(requests));

  const std::shared_ptr<const ModelSet> set = models();
  const bool draft = !requests.empty() && !requests[0].post->published;
  const Model& model = draft ? *set->draft : *set->live;
  const size_t n = requests.size(), width = model.num_features();
  const std::vector<float> rows = Narrow(batch, n, width);
  std::vector<float> p(n);
  RR_RETURN_IF_ERROR(model.PredictProbability(rows.data(), n, width, p.data()));

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (keep.has_value()) {
    std::stable_sort(order.begin(), order.end(),
                     [&p](size_t a, size_t b) { return p[a] > p[b]; });
    order.resize(std::min(n, *keep));
  }
  std::vector<float> contributions(width + 1);
  std::vector<ScoreResult> out;
  out.reserve(order.size());
  for (size_t i : order) {
    const PostInput& post = *requests[i].post;
    ScoreResult r;
    r.id = post.id;
    r.p_reach = p[i];
    r.topics = post.topics;
    r.model_version = model.version();
    SurfaceMix mix = ComputeSurfaceMix(*batch.authors[i], r.p_reach,
                                       options_.labels.For(post.platform));
    r.expected_stranger_impressions = mix.expected_stranger_impressions;
    r.surface_mix = std::move(mix.shares);
    if (explain) {
      const float* row = rows.data() + i * width;
      RR_RETURN_IF_ERROR(model.PredictContributions(row, 1, width,
                                                    contributions.data()));
      r.reasons = Explain(absl::MakeConstSpan(row, width), contributions,
                          post.topics.empty() ? "" : post.topics[0].topic_id,
                          language, options_.max_reasons);
    }
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<ScoreResult> Scorer::ScorePost(const std::string& post_id,
                                              std::optional<absl::Time> as_of,
                                              bool explain,
                                              absl::string_view language) {
  RR_ASSIGN_OR_RETURN(storage::PostRecord record, store_.GetPost(post_id));
  std::vector<PostInput> posts = {PostInputFromRecord(record)};
  RR_ASSIGN_OR_RETURN(std::vector<ScoreResult> results,
                      ScoreInputs(RequestsAt(posts, as_of.value_or(absl::Now()),
                                             !as_of.has_value()),
                                  explain, language));
  return std::move(results[0]);
}

absl::StatusOr<std::vector<absl::StatusOr<ScoreResult>>> Scorer::ScoreDrafts(
    absl::Span<const v1::Draft> drafts, bool explain,
    absl::string_view language) {
  if (classifier_ == nullptr) {
    return absl::FailedPreconditionError(
        "no topic classifier: drafts cannot be scored");
  }
  std::vector<absl::StatusOr<ScoreResult>> out(drafts.size());
  std::vector<size_t> valid;
  std::vector<topics::TextItem> items;
  for (size_t i = 0; i < drafts.size(); ++i) {
    const v1::Draft& d = drafts[i];
    if (d.platform().empty()) {
      out[i] = absl::InvalidArgumentError(
          absl::StrCat("drafts[", i, "]: platform must be non-empty"));
      continue;
    }
    valid.push_back(i);
    items.push_back({d.draft_id(), d.text(), d.language()});
  }
  std::vector<topics::Classification> classes;
  for (size_t start = 0; start < items.size();
       start += topics::kMaxBatchItems) {
    const size_t len = std::min(topics::kMaxBatchItems, items.size() - start);
    RR_ASSIGN_OR_RETURN(
        std::vector<topics::Classification> part,
        classifier_->Classify(absl::MakeConstSpan(items).subspan(start, len),
                              /*top_k=*/3));
    classes.insert(classes.end(), part.begin(), part.end());
  }
  const absl::Time now = absl::Now();
  std::vector<PostInput> inputs;
  inputs.reserve(valid.size());
  for (size_t j = 0; j < valid.size(); ++j) {
    inputs.push_back(PostInputFromDraft(drafts[valid[j]], classes[j], now));
  }
  if (inputs.empty()) return out;
  // Each draft is scored as of its planned publication (created_at).
  std::vector<FeatureRequest> requests;
  requests.reserve(inputs.size());
  for (const PostInput& p : inputs) requests.push_back({&p, p.created_at});
  RR_ASSIGN_OR_RETURN(std::vector<ScoreResult> scored,
                      ScoreInputs(requests, explain, language));
  for (size_t j = 0; j < valid.size(); ++j) {
    out[valid[j]] = std::move(scored[j]);
  }
  return out;
}

absl::StatusOr<RankResult> Scorer::Rank(absl::Span<const std::string> post_ids,
                                        size_t limit,
                                        std::optional<absl::Time> as_of,
                                        bool explain,
                                        absl::string_view language) {
  if (post_ids.size() > options_.max_candidates) {
    return absl::ResourceExhaustedError(
        absl::StrCat("post_ids: at most ", options_.max_candidates,
                     " candidates per request, got ", post_ids.size()));
  }
  RR_ASSIGN_OR_RETURN(std::vector<std::optional<storage::PostRecord>> records,
                      store_.MultiGetPosts(post_ids));
  RankResult result;
  std::vector<PostInput> inputs;
  inputs.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (!records[i].has_value()) {
      result.unknown_ids.push_back(post_ids[i]);
      continue;
    }
    inputs.push_back(PostInputFromRecord(*std::move(records[i])));
  }
  result.scored = inputs.size();
  if (inputs.empty()) return result;
  RR_ASSIGN_OR_RETURN(
      result.top,
      ScoreInputs(
          RequestsAt(inputs, as_of.value_or(absl::Now()), !as_of.has_value()),
          explain, language, limit == 0 ? inputs.size() : limit));
  return result;
}

}  // namespace reachrank::ranking
