#include "ranking/scorer.h"

#include <algorithm>
#include <future>
#include <numeric>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "base/dir_publish.h"
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

// `ids` with each repeated id left out after its first place; `ids` itself
// (no copy) when none repeats, else a copy kept in *kept.
absl::Span<const std::string> FirstOfEach(absl::Span<const std::string> ids,
                                          std::vector<std::string>* kept) {
  absl::flat_hash_set<absl::string_view> seen;
  seen.reserve(ids.size());
  for (const std::string& id : ids) seen.insert(id);
  if (seen.size() == ids.size()) return ids;
  kept->reserve(seen.size());
  seen.clear();
  for (const std::string& id : ids) {
    if (seen.insert(id).second) kept->push_back(id);
  }
  return *kept;
}

// Appends the `n` rows of `batch` narrowed to their first `width` columns
// to *rows, contiguous.
void AppendNarrow(const FeatureBatch& batch, size_t n, size_t width,
                  std::vector<float>* rows) {
  if (width == kNumLiveFeatures) {
    rows->insert(rows->end(), batch.rows.begin(), batch.rows.end());
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    rows->insert(rows->end(), batch.row(i), batch.row(i) + width);
  }
}

// One request per post, all as of `as_of`.
std::vector<FeatureRequest> RequestsAt(absl::Span<const PostInput> posts,
                                       absl::Time as_of, bool latest) {
  std::vector<FeatureRequest> requests;
  requests.reserve(posts.size());
  for (const PostInput& p : posts) requests.push_back({&p, as_of, latest});
  return requests;
}

// The indices of the `keep` highest values of `p`, highest first; ties in
// index order.
std::vector<size_t> Best(const std::vector<float>& p, size_t keep) {
  std::vector<size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&p](size_t a, size_t b) { return p[a] > p[b]; });
  order.resize(std::min(order.size(), keep));
  return order;
}

std::vector<size_t> InOrder(size_t n) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  return order;
}

}  // namespace

// Row i of `rows` (the model's width) and p[i] belong to posts[i], and so
// does the account context authors[i].
struct Scorer::Predictions {
  std::vector<PostInput> posts;
  std::vector<std::shared_ptr<const AuthorContext>> authors;
  std::vector<float> rows;
  std::vector<float> p;
};

absl::StatusOr<ModelSet> LoadModelSet(const std::string& given) {
  // Both models come from the directory as it was opened: a set published
  // into `given` meanwhile (train's PublishDirectory) is not paired with it.
  absl::StatusOr<PinnedDirectory> pinned = PinnedDirectory::Open(given);
  const std::string dir = pinned.ok() ? pinned->path() : given;
  auto named = [&](const absl::Status& s) {
    return pinned.ok() ? pinned->Named(s) : s;
  };
  // The two models load side by side (most of it is JSON parsing); the
  // draft model's error is reported first, as when they loaded in turn.
  std::future<absl::StatusOr<std::shared_ptr<const Model>>> draft =
      std::async(std::launch::async, [&dir] {
        return LoadOne(dir + "/draft", FeatureSet::kDraft);
      });
  absl::StatusOr<std::shared_ptr<const Model>> live =
      LoadOne(dir + "/live", FeatureSet::kLive);
  ModelSet set;
  absl::StatusOr<std::shared_ptr<const Model>> draft_model = draft.get();
  if (!draft_model.ok()) return named(draft_model.status());
  if (!live.ok()) return named(live.status());
  set.draft = *std::move(draft_model);
  set.live = *std::move(live);
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

absl::Status Scorer::Predict(absl::Span<const FeatureRequest> requests,
                             const Model& model, Predictions* out) {
  RR_ASSIGN_OR_RETURN(FeatureBatch batch, extractor_.Extract(requests));
  const size_t n = requests.size(), width = model.num_features();
  const size_t first = out->p.size();
  AppendNarrow(batch, n, width, &out->rows);
  out->p.resize(first + n);
  RR_RETURN_IF_ERROR(model.PredictProbability(out->rows.data() + first * width,
                                              n, width, out->p.data() + first));
  out->authors.insert(out->authors.end(),
                      std::make_move_iterator(batch.authors.begin()),
                      std::make_move_iterator(batch.authors.end()));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ScoreResult>> Scorer::Results(
    const Predictions& scored, absl::Span<const size_t> order,
    const Model& model, bool explain, absl::string_view language) const {
  const size_t width = model.num_features();
  std::vector<float> contributions(width + 1);
  std::vector<ScoreResult> out;
  out.reserve(order.size());
  for (size_t i : order) {
    const PostInput& post = scored.posts[i];
    ScoreResult r;
    r.id = post.id;
    r.p_reach = scored.p[i];
    r.topics = post.topics;
    r.model_version = model.version();
    const float* row = scored.rows.data() + i * width;
    SurfaceMix mix = ComputeSurfaceMix(
        *scored.authors[i], r.p_reach, options_.labels.For(post.platform),
        width == kNumLiveFeatures ? ImpressionsFromLiveRow(row)
                                  : ImpressionsSoFar{});
    r.expected_stranger_impressions = mix.expected_stranger_impressions;
    r.surface_mix = std::move(mix.shares);
    if (explain) {
      RR_RETURN_IF_ERROR(
          model.PredictContributions(row, 1, width, contributions.data()));
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
  const std::shared_ptr<const ModelSet> set = models();
  Predictions scored;
  scored.posts.push_back(PostInputFromRecord(std::move(record)));
  if (as_of.has_value() && *as_of < scored.posts[0].created_at) {
    return absl::InvalidArgumentError(absl::StrCat(
        "as_of: ",
        absl::FormatTime(absl::RFC3339_sec, *as_of, absl::UTCTimeZone()),
        " is before the post was created (",
        absl::FormatTime(absl::RFC3339_sec, scored.posts[0].created_at,
                         absl::UTCTimeZone()),
        ")"));
  }
  RR_RETURN_IF_ERROR(Predict(
      RequestsAt(scored.posts, as_of.value_or(absl::Now()), !as_of.has_value()),
      *set->live, &scored));
  RR_ASSIGN_OR_RETURN(
      std::vector<ScoreResult> results,
      Results(scored, InOrder(1), *set->live, explain, language));
  return std::move(results[0]);
}

absl::StatusOr<std::vector<absl::StatusOr<ScoreResult>>> Scorer::ScoreDrafts(
    absl::Span<const v1::Draft> drafts, bool explain,
    absl::string_view language, ShouldStop should_stop) {
  if (classifier_ == nullptr) {
    return absl::FailedPreconditionError(
        "no topic classifier: drafts cannot be scored");
  }
  // One model set for the whole call, even if a reload swaps it midway.
  const std::shared_ptr<const ModelSet> set = models();
  std::vector<absl::StatusOr<ScoreResult>> out(drafts.size());
  for (size_t start = 0; start < drafts.size(); start += kDraftBatch) {
    if (should_stop()) return StoppedError(start, drafts.size(), "drafts");
    RR_RETURN_IF_ERROR(
        ScoreDraftBatch(drafts, start, *set->draft, explain, language, &out));
  }
  return out;
}

absl::Status Scorer::ScoreDraftBatch(
    absl::Span<const v1::Draft> drafts, size_t start, const Model& model,
    bool explain, absl::string_view language,
    std::vector<absl::StatusOr<ScoreResult>>* out) {
  static_assert(kDraftBatch <= topics::kMaxBatchItems,
                "a batch of drafts is one Classify call");
  const absl::Span<const v1::Draft> batch = drafts.subspan(start, kDraftBatch);
  std::vector<size_t> valid;  // indices into `drafts`
  std::vector<topics::TextItem> items;
  for (size_t i = start; i < start + batch.size(); ++i) {
    const v1::Draft& d = drafts[i];
    if (d.platform().empty()) {
      (*out)[i] = absl::InvalidArgumentError(
          absl::StrCat("drafts[", i, "]: platform must be non-empty"));
      continue;
    }
    valid.push_back(i);
    items.push_back({d.draft_id(),
                     d.text(),
                     d.language(),
                     {d.hashtags().begin(), d.hashtags().end()}});
  }
  if (items.empty()) return absl::OkStatus();
  RR_ASSIGN_OR_RETURN(std::vector<topics::Classification> classes,
                      classifier_->Classify(items, /*top_k=*/3));
  const absl::Time now = absl::Now();
  Predictions scored;
  scored.posts.reserve(valid.size());
  for (size_t j = 0; j < valid.size(); ++j) {
    scored.posts.push_back(
        PostInputFromDraft(drafts[valid[j]], classes[j], now));
  }
  // Each draft is scored as of its planned publication (created_at).
  std::vector<FeatureRequest> requests;
  requests.reserve(scored.posts.size());
  for (const PostInput& p : scored.posts) {
    requests.push_back({&p, p.created_at});
  }
  RR_RETURN_IF_ERROR(Predict(requests, model, &scored));
  RR_ASSIGN_OR_RETURN(
      std::vector<ScoreResult> results,
      Results(scored, InOrder(valid.size()), model, explain, language));
  for (size_t j = 0; j < valid.size(); ++j) {
    (*out)[valid[j]] = std::move(results[j]);
  }
  return absl::OkStatus();
}

absl::StatusOr<RankResult> Scorer::Rank(absl::Span<const std::string> given,
                                        size_t limit,
                                        std::optional<absl::Time> as_of,
                                        bool explain,
                                        absl::string_view language,
                                        ShouldStop should_stop) {
  if (given.size() > options_.max_candidates) {
    return absl::ResourceExhaustedError(
        absl::StrCat("post_ids: at most ", options_.max_candidates,
                     " candidates per request, got ", given.size()));
  }
  std::vector<std::string> kept;
  const absl::Span<const std::string> post_ids = FirstOfEach(given, &kept);
  // One model set and one moment for every batch.
  const std::shared_ptr<const ModelSet> set = models();
  const absl::Time at = as_of.value_or(absl::Now());
  RankResult result;
  Predictions scored;
  scored.posts.reserve(post_ids.size());
  for (size_t start = 0; start < post_ids.size(); start += kRankBatch) {
    if (should_stop()) return StoppedError(start, post_ids.size(), "candidates");
    RR_RETURN_IF_ERROR(PredictCandidates(post_ids.subspan(start, kRankBatch),
                                         at, !as_of.has_value(), *set->live,
                                         &scored, &result.unknown_ids));
  }
  result.scored = scored.posts.size();
  if (scored.posts.empty()) return result;
  RR_ASSIGN_OR_RETURN(
      result.top,
      Results(scored, Best(scored.p, limit == 0 ? scored.p.size() : limit),
              *set->live, explain, language));
  return result;
}

absl::Status Scorer::PredictCandidates(absl::Span<const std::string> ids,
                                       absl::Time as_of, bool latest,
                                       const Model& model, Predictions* scored,
                                       std::vector<std::string>* unknown_ids) {
  RR_ASSIGN_OR_RETURN(std::vector<std::optional<storage::PostRecord>> records,
                      store_.MultiGetPosts(ids));
  const size_t first = scored->posts.size();
  for (size_t i = 0; i < records.size(); ++i) {
    if (!records[i].has_value()) {
      unknown_ids->push_back(ids[i]);
      continue;
    }
    PostInput post = PostInputFromRecord(*std::move(records[i]));
    if (!latest && as_of < post.created_at) {  // did not exist yet
      unknown_ids->push_back(ids[i]);
      continue;
    }
    scored->posts.push_back(std::move(post));
  }
  if (scored->posts.size() == first) return absl::OkStatus();
  return Predict(RequestsAt(absl::MakeConstSpan(scored->posts).subspan(first),
                            as_of, latest),
                 model, scored);
}

}  // namespace reachrank::ranking
