#include "ranking/training_rows.h"

#include <algorithm>
#include <numeric>
#include <iterator>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
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

// A live row must be taken after creation and before the label's horizon
// ends (later, its counters would hold the label itself), and once per
// age (a repeated age would count its rows twice).
absl::Status CheckLiveAges(absl::Span<const absl::Duration> ages,
                           const LabelConfig& config, const PostInput& post) {
  if (ages.empty()) return absl::InvalidArgumentError("live_ages: none given");
  for (size_t i = 0; i < ages.size(); ++i) {
    const absl::Duration age = ages[i];
    if (std::find(ages.begin(), ages.begin() + i, age) != ages.begin() + i) {
      return absl::InvalidArgumentError(absl::StrCat(
          "live_ages: ", absl::FormatDuration(age), " is given twice"));
    }
    if (age <= absl::ZeroDuration() || age >= config.horizon) {
      return absl::InvalidArgumentError(absl::StrCat(
          "live_ages: ", absl::FormatDuration(age),
          " must be positive and shorter than the label horizon of platform '",
          post.platform, "' (", absl::FormatDuration(config.horizon), ")"));
    }
  }
  return absl::OkStatus();
}

// The posts of `ids` created since options.since whose label settled by
// the cutoff (LabelSettledAt), with labels.
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
    if (l.post.created_at < options.since ||
        LabelSettledAt(l.post.created_at, config.horizon) > options.cutoff) {
      continue;
    }
    RR_RETURN_IF_ERROR(CheckLiveAges(options.live_ages, config, l.post));
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
    const absl::Time created = posts[i].post.created_at;
    draft_req.push_back({&drafts[i], created, false});
    for (absl::Duration age : options.live_ages) {
      live_req.push_back({&posts[i].post, created + age, false});
    }
  }
  RR_ASSIGN_OR_RETURN(FeatureBatch d, extractor.Extract(draft_req));
  RR_ASSIGN_OR_RETURN(FeatureBatch l, extractor.Extract(live_req));
  const size_t k = options.live_ages.size();
  for (size_t i = 0; i < posts.size(); ++i) {
    const absl::Time t = posts[i].post.created_at;
    Append(d, i, kNumDraftFeatures, posts[i].label, t, &out->draft);
    for (size_t a = 0; a < k; ++a) {
      Append(l, i * k + a, kNumLiveFeatures, posts[i].label, t, &out->live);
    }
    out->post_ids.push_back(posts[i].post.id);
  }
  return absl::OkStatus();
}

// The rows of the posts `ids` (one chunk), in the chunk's order.
absl::StatusOr<TrainingRows> ChunkRows(storage::Store& store,
                                       FeatureExtractor& extractor,
                                       absl::Span<const std::string> ids,
                                       const TrainingRowsOptions& options) {
  RR_ASSIGN_OR_RETURN(std::vector<Labeled> posts,
                      LoadLabeled(store, ids, options));
  TrainingRows part;
  RR_RETURN_IF_ERROR(AddChunk(extractor, posts, options, &part));
  return part;
}

// Appends the rows, labels and times of `part` to `out`.
void AppendSet(const TrainingSet& part, TrainingSet& out) {
  out.rows.insert(out.rows.end(), part.rows.begin(), part.rows.end());
  out.labels.insert(out.labels.end(), part.labels.begin(), part.labels.end());
  out.times.insert(out.times.end(), part.times.begin(), part.times.end());
}

// Appends both sets of `part` to `out` and moves its post ids over.
void AppendRows(TrainingRows& part, TrainingRows* out) {
  AppendSet(part.draft, out->draft);
  AppendSet(part.live, out->live);
  std::move(part.post_ids.begin(), part.post_ids.end(),
            std::back_inserter(out->post_ids));
}

// Reads the chunks [first, first + n) of `post_ids` concurrently, one
// thread each, and appends their rows to `out` in chunk order, so the
// result does not depend on the number of threads.
absl::Status ReadChunks(storage::Store& store, FeatureExtractor& extractor,
                        absl::Span<const std::string> post_ids, size_t first,
                        size_t n, const TrainingRowsOptions& options,
                        TrainingRows* out) {
  auto ids = [&](size_t chunk) {
    return post_ids.subspan(chunk * kChunk, kChunk);
  };
  std::vector<absl::StatusOr<TrainingRows>> parts(
      n, absl::UnknownError("not read"));
  auto read = [&](size_t j) {
    parts[j] = ChunkRows(store, extractor, ids(first + j), options);
  };
  std::vector<std::thread> workers;
  for (size_t j = 1; j < n; ++j) workers.emplace_back(read, j);
  read(0);
  for (std::thread& w : workers) w.join();
  for (absl::StatusOr<TrainingRows>& part : parts) {
    RR_RETURN_IF_ERROR(part.status());
    AppendRows(*part, out);
  }
  return absl::OkStatus();
}

// Moves block order[j] of `v` (blocks of `width` elements) to position j,
// for every j, in place: each cycle of the permutation is walked once with
// one block held aside, so no second copy of `v` is made.
template <typename T>
void PermuteBlocks(const std::vector<size_t>& order, size_t width,
                   std::vector<T>& v) {
  std::vector<bool> placed(order.size(), false);
  std::vector<T> held(width);
  auto block = [&v, width](size_t i) { return v.begin() + i * width; };
  for (size_t start = 0; start < order.size(); ++start) {
    if (placed[start]) continue;
    std::move(block(start), block(start) + width, held.begin());
    size_t j = start;
    while (order[j] != start) {
      std::move(block(order[j]), block(order[j]) + width, block(j));
      placed[j] = true;
      j = order[j];
    }
    std::move(held.begin(), held.end(), block(j));
    placed[j] = true;
  }
}

// Reorders the posts of `rows` by created_at (stable), each post's live
// rows staying together and in age order. In place: the live rows are
// most of a training run's memory.
void SortByTime(TrainingRows* rows) {
  const size_t n = rows->post_ids.size();
  const size_t k = rows->live_ages.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [rows](size_t a, size_t b) {
    return rows->draft.times[a] < rows->draft.times[b];
  });
  TrainingSet& draft = rows->draft;
  TrainingSet& live = rows->live;
  PermuteBlocks(order, kNumDraftFeatures, draft.rows);
  PermuteBlocks(order, 1, draft.labels);
  PermuteBlocks(order, 1, draft.times);
  PermuteBlocks(order, k * kNumLiveFeatures, live.rows);
  PermuteBlocks(order, k, live.labels);
  PermuteBlocks(order, k, live.times);
  PermuteBlocks(order, 1, rows->post_ids);
}

// Room for the rows of `posts` posts, so that the sets do not grow by
// doubling (which holds up to three times their size at once).
void Reserve(size_t posts, TrainingRows* rows) {
  const size_t k = rows->live_ages.size();
  rows->draft.rows.reserve(posts * kNumDraftFeatures);
  rows->draft.labels.reserve(posts);
  rows->draft.times.reserve(posts);
  rows->live.rows.reserve(posts * k * kNumLiveFeatures);
  rows->live.labels.reserve(posts * k);
  rows->live.times.reserve(posts * k);
  rows->post_ids.reserve(posts);
}

}  // namespace

std::vector<absl::Duration> DefaultLiveAges(const LabelConfigs& labels) {
  std::vector<absl::Duration> ages;
  for (int hours : {1, 2, 6, 24, 72}) {
    if (absl::Hours(hours) < labels.ShortestHorizon()) {
      ages.push_back(absl::Hours(hours));
    }
  }
  return ages;
}

absl::StatusOr<TrainingRows> BuildTrainingRows(
    storage::Store& store, absl::Span<const std::string> post_ids,
    const TrainingRowsOptions& given) {
  TrainingRowsOptions options = given;
  if (options.live_ages.empty()) {
    options.live_ages = DefaultLiveAges(options.labels);
  }
  TrainingRows out;
  out.draft.feature_names = DraftFeatureNames();
  out.live.feature_names = LiveFeatureNames();
  out.live_ages = options.live_ages;
  out.label_horizon = options.labels.LongestHorizon();
  Reserve(post_ids.size(), &out);  // at most one row set per post
  // Contexts are keyed by day; caching them for the run spares re-reading
  // an account's rows for each of its posts of one day.
  FeatureExtractor extractor(store, {absl::Hours(1)});
  const size_t chunks = (post_ids.size() + kChunk - 1) / kChunk;
  const size_t threads =
      options.threads > 0
          ? options.threads
          : std::max<size_t>(1, std::thread::hardware_concurrency());
  for (size_t first = 0; first < chunks; first += threads) {
    const size_t n = std::min(threads, chunks - first);
    RR_RETURN_IF_ERROR(
        ReadChunks(store, extractor, post_ids, first, n, options, &out));
    if (options.progress) {
      options.progress(std::min((first + n) * kChunk, post_ids.size()),
                       post_ids.size());
    }
  }
  SortByTime(&out);
  return out;
}

namespace {

// Moves `from`'s rows to the end of `to` (same features) and frees them.
void AppendSet(TrainingSet& from, TrainingSet& to) {
  auto append = [](auto& src, auto& dst) {
    dst.insert(dst.end(), std::make_move_iterator(src.begin()),
               std::make_move_iterator(src.end()));
    std::decay_t<decltype(src)>().swap(src);
  };
  append(from.rows, to.rows);
  append(from.labels, to.labels);
  append(from.times, to.times);
  append(from.targets, to.targets);
}

}  // namespace

absl::StatusOr<TrainingRows> MergeTrainingRows(std::vector<TrainingRows> parts) {
  if (parts.empty()) return absl::InvalidArgumentError("no rows to merge");
  TrainingRows out = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    TrainingRows& part = parts[i];
    if (part.live_ages != out.live_ages ||
        part.draft.feature_names != out.draft.feature_names ||
        part.live.feature_names != out.live.feature_names) {
      return absl::InvalidArgumentError(absl::StrCat(
          "rows of part ", i, " have other features or live ages than part 0"));
    }
    out.label_horizon = std::max(out.label_horizon, part.label_horizon);
    AppendSet(part.draft, out.draft);
    AppendSet(part.live, out.live);
    out.post_ids.insert(out.post_ids.end(),
                        std::make_move_iterator(part.post_ids.begin()),
                        std::make_move_iterator(part.post_ids.end()));
    std::vector<std::string>().swap(part.post_ids);
  }
  absl::flat_hash_set<absl::string_view> seen;
  seen.reserve(out.post_ids.size());
  for (const std::string& id : out.post_ids) {
    if (!seen.insert(id).second) {
      return absl::FailedPreconditionError(absl::StrCat(
          "post ", id,
          " is in two of the databases (one database per shard; after "
          "authors moved to a new shard, `reachrank admin prune` removes "
          "them from their old one)"));
    }
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
  // An author listed twice (two lists joined) would give its posts twice:
  // each would count twice in the fit and the holdout.
  absl::flat_hash_set<std::pair<std::string, std::string>> seen;
  for (const AuthorRef& a : authors) {
    if (!seen.emplace(a.platform, a.author_id).second) continue;
    const LabelConfig& config = options.labels.For(a.platform);
    RR_ASSIGN_OR_RETURN(std::vector<storage::AuthorPostEntry> posts,
                        store.AuthorPosts(a.platform, a.author_id,
                                          options.cutoff - config.horizon,
                                          options.max_posts_per_author));
    for (auto& p : posts) {
      // Newest first, so the rest is older still. created_ms is rounded
      // down; a post within that millisecond is left to LoadLabeled.
      if (absl::FromUnixMillis(p.created_ms + 1) <= options.since) break;
      ids.push_back(std::move(p.post_id));
    }
  }
  return BuildTrainingRows(store, ids, options);
}

}  // namespace reachrank::ranking
