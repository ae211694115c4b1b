#include "ranking/training_rows.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>

#include "base/status_macros.h"
#include "ranking/feature_names.h"
#include "ranking/features.h"

namespace reachrank::ranking {
namespace {

constexpr size_t kChunk = 512;

struct Labeled {
  PostInput post;
  float label = 0;
};

// The posts of `ids` whose horizon passed by the cutoff, with labels.
absl::StatusOr<std::vector<Labeled>> LoadLabeled(
    storage::Store& store, absl::Span<const std::string> ids,
    const TrainingRowsOptions& options) {
  RR_ASSIGN_OR_RETURN(auto records, store.MultiGetPosts(ids));
  std::vector<Labeled> out;
  for (const auto& record : records) {
    if (!record.has_value()) continue;
    Labeled l;
    l.post = PostInputFromRecord(*record);
    const LabelConfig& config = options.labels.For(l.post.platform);
    if (l.post.created_at + config.horizon > options.cutoff) continue;
    RR_ASSIGN_OR_RETURN(LabelValue label,
                        ComputeLabel(store, l.post.id, l.post.created_at,
                                     config));
    l.label = label.reached ? 1.0f : 0.0f;
    out.push_back(std::move(l));
  }
  return out;
}

void Append(const FeatureBatch& batch, size_t i, size_t width, float label,
            absl::Time time, TrainingSet* set) {
  set->AddRow(absl::MakeConstSpan(batch.row(i), width), label, time);
}

absl::Status AddChunk(FeatureExtractor& extractor,
                      std::vector<Labeled>& posts,
                      const TrainingRowsOptions& options, TrainingRows* out) {
  std::vector<PostInput> drafts;
  for (const Labeled& l : posts) {
    drafts.push_back(l.post);
    drafts.back().published = false;
  }
  std::vector<FeatureRequest> draft_req, live_req;
  for (size_t i = 0; i < posts.size(); ++i) {
    draft_req.push_back({&drafts[i], posts[i].post.created_at, false});
    live_req.push_back(
        {&posts[i].post, posts[i].post.created_at + options.live_age, false});
  }
  RR_ASSIGN_OR_RETURN(FeatureBatch d, extractor.Extract(draft_req));
  RR_ASSIGN_OR_RETURN(FeatureBatch l, extractor.Extract(live_req));
  for (size_t i = 0; i < posts.size(); ++i) {
    const absl::Time t = posts[i].post.created_at;
    Append(d, i, kNumDraftFeatures, posts[i].label, t, &out->draft);
    Append(l, i, kNumLiveFeatures, posts[i].label, t, &out->live);
    out->post_ids.push_back(posts[i].post.id);
  }
  return absl::OkStatus();
}

// Reorders every row of `rows` by created_at (stable).
void SortByTime(TrainingRows* rows) {
  const size_t n = rows->post_ids.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [rows](size_t a, size_t b) {
    return rows->draft.times[a] < rows->draft.times[b];
  });
  TrainingRows sorted;
  sorted.draft.feature_names = rows->draft.feature_names;
  sorted.live.feature_names = rows->live.feature_names;
  for (size_t i : order) {
    sorted.draft.AddRow(absl::MakeConstSpan(rows->draft.row(i),
                                            kNumDraftFeatures),
                        rows->draft.labels[i], rows->draft.times[i]);
    sorted.live.AddRow(absl::MakeConstSpan(rows->live.row(i),
                                           kNumLiveFeatures),
                       rows->live.labels[i], rows->live.times[i]);
    sorted.post_ids.push_back(rows->post_ids[i]);
  }
  *rows = std::move(sorted);
}

}  // namespace

absl::StatusOr<TrainingRows> BuildTrainingRows(
    storage::Store& store, absl::Span<const std::string> post_ids,
    const TrainingRowsOptions& options) {
  TrainingRows out;
  out.draft.feature_names = DraftFeatureNames();
  out.live.feature_names = LiveFeatureNames();
  // Contexts are keyed by day; caching them for the run spares re-reading
  // an account's rows for each of its posts of one day.
  FeatureExtractor extractor(store, {absl::Hours(1)});
  for (size_t start = 0; start < post_ids.size(); start += kChunk) {
    const size_t len = std::min(kChunk, post_ids.size() - start);
    RR_ASSIGN_OR_RETURN(std::vector<Labeled> posts,
                        LoadLabeled(store, post_ids.subspan(start, len),
                                    options));
    RR_RETURN_IF_ERROR(AddChunk(extractor, posts, options, &out));
  }
  SortByTime(&out);
  return out;
}

absl::StatusOr<std::vector<AuthorRef>> ListAllAuthors(storage::Store& store) {
  constexpr size_t kPage = 1000;
  std::vector<AuthorRef> out;
  std::optional<storage::AuthorId> after;
  for (;;) {
    RR_ASSIGN_OR_RETURN(std::vector<v1::Author> page,
                        store.ListAuthors(kPage, after));
    for (v1::Author& a : page) {
      out.push_back({std::move(*a.mutable_platform()),
                     std::move(*a.mutable_author_id())});
    }
    if (page.size() < kPage) return out;
    after = storage::AuthorId{out.back().platform, out.back().author_id};
  }
}

absl::StatusOr<TrainingRows> BuildTrainingRowsForAuthors(
    storage::Store& store, absl::Span<const AuthorRef> authors,
    const TrainingRowsOptions& options) {
  std::vector<std::string> ids;
  for (const AuthorRef& a : authors) {
    const LabelConfig& config = options.labels.For(a.platform);
    RR_ASSIGN_OR_RETURN(std::vector<storage::AuthorPostEntry> posts,
                        store.AuthorPosts(a.platform, a.author_id,
                                          options.cutoff - config.horizon,
                                          options.max_posts_per_author));
    for (auto& p : posts) ids.push_back(std::move(p.post_id));
  }
  return BuildTrainingRows(store, ids, options);
}

}  // namespace reachrank::ranking
