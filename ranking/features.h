// The feature extractor: ONE implementation used by serving (Score, Rank,
// drafts), export and training. It computes the four families of
// docs/features.md for a post or a draft *as of* a time:
//   - content from the post itself;
//   - topic market and account features from complete UTC days before
//     as_of's day (day-bucketed rows), so no counter of a later moment leaks;
//   - early signals (published posts) from the post's hourly counters of the
//     hours that ended by as_of, or from its totals when the caller scores
//     "now" (FeatureRequest::latest_counters).
#ifndef REACHRANK_RANKING_FEATURES_H_
#define REACHRANK_RANKING_FEATURES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ranking/feature_context.h"
#include "ranking/feature_names.h"
#include "ranking/text_cues.h"
#include "reachrank/v1/common.pb.h"
#include "storage/records.pb.h"
#include "storage/store.h"
#include "topics/classifier.h"

namespace reachrank::ranking {

// A post or a draft, as the extractor sees it. A plain value type.
struct PostInput {
  std::string id;
  std::string platform;
  std::string author_id;
  absl::Time created_at;  // drafts: planned_at, else the moment scored
  std::string text;
  std::string language;
  v1::MediaKind media_kind = v1::MEDIA_KIND_UNSPECIFIED;
  double duration_seconds = 0;
  std::vector<std::string> hashtags;
  std::vector<topics::TopicProbability> topics;  // most probable first
  bool published = false;  // false: a draft, early signals are NaN
};

// A stored post (published). The rvalue overload moves the strings out of
// `record`.
PostInput PostInputFromRecord(const storage::PostRecord& record);
PostInput PostInputFromRecord(storage::PostRecord&& record);
// A draft with its classification; created_at is its planned_at, or `now`
// when unset.
PostInput PostInputFromDraft(const v1::Draft& draft,
                             const topics::Classification& classification,
                             absl::Time now);

// One row to compute. `post` is borrowed for the call.
struct FeatureRequest {
  const PostInput* post = nullptr;
  absl::Time as_of;
  // true: early signals from the post's totals (what is known now; one
  // MultiGet for the batch). false: from its hourly buckets that ended by
  // as_of (one range read per post).
  bool latest_counters = false;
};

// The rows of a batch, kNumLiveFeatures floats per request (draft requests
// have NaN early signals), and the account context of each request.
struct FeatureBatch {
  std::vector<float> rows;
  std::vector<std::shared_ptr<const AuthorContext>> authors;
  float* row(size_t i) { return rows.data() + i * kNumLiveFeatures; }
  const float* row(size_t i) const {
    return rows.data() + i * kNumLiveFeatures;
  }
};

struct FeatureOptions {
  // How long an account or market context (keyed by platform, owner and
  // UTC day) is reused; 0 recomputes it for every batch. Contexts only read
  // complete days, so within a day they change only through late events or
  // author record updates.
  absl::Duration context_ttl = absl::ZeroDuration();
};

// Thread-safe: Extract may be called concurrently. `store` is borrowed and
// must outlive the extractor.
class FeatureExtractor {
 public:
  FeatureExtractor(storage::Store& store, FeatureOptions options);

  // Computes one row per request. Each distinct (platform, author, day) and
  // (platform, day) context is read once per batch; an as_of after the
  // call's clock reads the contexts of the clock's day, so only complete
  // days are read. Errors come from the store; nothing is returned then.
  absl::StatusOr<FeatureBatch> Extract(
      absl::Span<const FeatureRequest> requests);

 private:
  absl::StatusOr<std::shared_ptr<const AuthorContext>> Author(
      const PostInput& post, int32_t day, absl::Time now);
  absl::StatusOr<std::shared_ptr<const PlatformMarket>> Market(
      const std::string& platform, int32_t day, absl::Time now);
  // The early-signal features of the published posts of `requests`, from
  // the hours that ended by their as_of and by `now`.
  absl::Status FillEarlySignals(absl::Span<const FeatureRequest> requests,
                                absl::Time now, FeatureBatch* batch);

  storage::Store& store_;
  TextFiguresCache texts_;
  ContextCache<AuthorContext> authors_;
  ContextCache<PlatformMarket> markets_;
};

// Content features of `post` into row[0, kTopicSupply7dLog); `text` holds
// the figures of post.text and post.hashtags.
void FillContentFeatures(const PostInput& post, const TextFigures& text,
                         float* row);
// The same, computing the text figures.
void FillContentFeatures(const PostInput& post, float* row);
// Early signals from `counters`, which hold the post's events up to
// `covered_until`, into row[kEarlyPostAgeHours..); the post's age is the
// time from `created` to `covered_until` (0 if before).
void FillEarlyFeatures(const storage::Counters& counters, absl::Time created,
                       absl::Time covered_until, float* row);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_FEATURES_H_
