#include "ranking/features.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "ranking/text_cues.h"

namespace reachrank::ranking {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

float Log1p(double x) { return static_cast<float>(std::log1p(std::max(0.0, x))); }

// num / den, NaN when den is 0.
float Rate(double num, double den) {
  return den > 0 ? static_cast<float>(num / den) : kNaN;
}

std::string ContextKey(absl::string_view platform, absl::string_view owner,
                       int32_t day) {
  return absl::StrCat(platform, "\x1f", owner, "\x1f", day);
}

// The index of `topic` in FeatureTopics(), or -1.
int TopicIndex(absl::string_view topic) {
  const auto& topics = FeatureTopics();
  for (size_t i = 0; i < topics.size(); ++i) {
    if (topics[i] == topic) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

PostInput PostInputFromRecord(const storage::PostRecord& record) {
  return PostInputFromRecord(storage::PostRecord(record));
}

PostInput PostInputFromRecord(storage::PostRecord&& record) {
  v1::Post& p = *record.mutable_post();
  PostInput in;
  in.id = std::move(*p.mutable_post_id());
  in.platform = std::move(*p.mutable_platform());
  in.author_id = std::move(*p.mutable_author_id());
  in.created_at = FromTimestamp(p.created_at());
  in.text = std::move(*p.mutable_text());
  in.language = record.language().empty()
                    ? std::move(*p.mutable_language())
                    : std::move(*record.mutable_language());
  in.media_kind = p.media_kind();
  in.duration_seconds = p.duration_seconds();
  in.hashtags.reserve(p.hashtags_size());
  for (std::string& tag : *p.mutable_hashtags()) {
    in.hashtags.push_back(std::move(tag));
  }
  in.topics.reserve(record.topics_size());
  for (const v1::TopicScore& t : record.topics()) {
    in.topics.push_back({t.topic_id(), t.probability()});
  }
  in.published = true;
  return in;
}

PostInput PostInputFromDraft(const v1::Draft& draft,
                             const topics::Classification& classification,
                             absl::Time now) {
  PostInput in;
  in.id = draft.draft_id();
  in.platform = draft.platform();
  in.author_id = draft.author_id();
  in.created_at =
      draft.has_planned_at() ? FromTimestamp(draft.planned_at()) : now;
  in.text = draft.text();
  in.language =
      draft.language().empty() ? classification.language : draft.language();
  in.media_kind = draft.media_kind();
  in.duration_seconds = draft.duration_seconds();
  in.hashtags.assign(draft.hashtags().begin(), draft.hashtags().end());
  in.topics = classification.topics;
  in.published = false;
  return in;
}

void FillContentFeatures(const PostInput& post, float* row) {
  FillContentFeatures(post,
                      TextFigures{DetectCues(post.text, post.hashtags),
                                  CountCodePoints(post.text)},
                      row);
}

void FillContentFeatures(const PostInput& post, const TextFigures& text,
                         float* row) {
  for (int i = kTopicScienceTechnology; i <= kTopicGeography; ++i) row[i] = 0;
  for (const topics::TopicProbability& t : post.topics) {
    const int index = TopicIndex(t.topic_id);
    if (index >= 0) row[kTopicScienceTechnology + index] += t.probability;
  }
  const TextCues& cues = text.cues;
  row[kCueUtility] = static_cast<float>(cues.utility);
  row[kCueSteps] = static_cast<float>(cues.steps);
  row[kCueQuantities] = static_cast<float>(cues.quantities);
  row[kCueDailyLife] = static_cast<float>(cues.daily_life);
  row[kTextLengthLog] = Log1p(static_cast<double>(text.code_points));
  const std::string lang = post.language.substr(0, 2);
  row[kLangEn] = lang == "en" ? 1.0f : 0.0f;
  row[kLangDe] = lang == "de" ? 1.0f : 0.0f;
  row[kLangZh] = lang == "zh" ? 1.0f : 0.0f;
  row[kMediaVideo] = post.media_kind == v1::MEDIA_KIND_VIDEO ? 1.0f : 0.0f;
  row[kMediaArticle] = post.media_kind == v1::MEDIA_KIND_ARTICLE ? 1.0f : 0.0f;
  row[kMediaImage] = post.media_kind == v1::MEDIA_KIND_IMAGE ? 1.0f : 0.0f;
  row[kMediaText] = post.media_kind == v1::MEDIA_KIND_TEXT ? 1.0f : 0.0f;
  row[kDurationLog] = post.duration_seconds > 0
                          ? Log1p(post.duration_seconds)
                          : kNaN;
  row[kHashtags] = static_cast<float>(post.hashtags.size());
}

namespace {

// A post's event counts folded in one pass over its cells: by (relation,
// type) over every surface, and impressions by surface.
struct EarlyCounts {
  std::array<std::array<double, storage::kEventTypes>, storage::kRelations>
      by{};
  std::array<double, storage::kSurfaces> impressions{};
};

EarlyCounts FoldEarlyCounts(const storage::Counters& c) {
  EarlyCounts e;
  constexpr uint32_t kPerSurface = storage::kRelations * storage::kEventTypes;
  for (const auto& [cell, n] : c.cells()) {
    if (cell >= storage::kWatchBase) break;  // cells are sorted
    const uint32_t surface = cell / kPerSurface;
    const uint32_t relation = cell % kPerSurface / storage::kEventTypes;
    const uint32_t type = cell % storage::kEventTypes;
    e.by[relation][type] += static_cast<double>(n);
    if (type == v1::EVENT_TYPE_IMPRESSION) {
      e.impressions[surface] += static_cast<double>(n);
    }
  }
  return e;
}

}  // namespace

void FillEarlyFeatures(const storage::Counters& c, absl::Time created,
                       absl::Time covered_until, float* row) {
  const EarlyCounts e = FoldEarlyCounts(c);
  auto surface_impr = [&e](v1::Surface s) { return e.impressions[s]; };
  auto by = [&e](v1::Relation r, v1::EventType t) { return e.by[r][t]; };
  auto known = [&by](v1::EventType t) {
    return by(v1::RELATION_FOLLOWER, t) + by(v1::RELATION_FRIEND, t);
  };
  auto all = [&e](v1::EventType t) {
    double n = 0;
    for (const auto& relation : e.by) n += relation[t];
    return n;
  };
  using v1::RELATION_STRANGER;
  row[kEarlyPostAgeHours] = static_cast<float>(
      std::max(0.0, absl::ToDoubleHours(covered_until - created)));
  row[kEarlyImprFollowingLog] = Log1p(surface_impr(v1::SURFACE_FOLLOWING));
  row[kEarlyImprFriendsLog] = Log1p(surface_impr(v1::SURFACE_FRIENDS));
  row[kEarlyImprRecommendedLog] = Log1p(surface_impr(v1::SURFACE_RECOMMENDED));
  row[kEarlyImprOtherLog] = Log1p(surface_impr(v1::SURFACE_SEARCH) +
                                  surface_impr(v1::SURFACE_PROFILE) +
                                  surface_impr(v1::SURFACE_SHARE_LINK));
  row[kEarlyImprFollowerLog] = Log1p(known(v1::EVENT_TYPE_IMPRESSION));
  const double s_impr = by(RELATION_STRANGER, v1::EVENT_TYPE_IMPRESSION);
  const double s_views = by(RELATION_STRANGER, v1::EVENT_TYPE_VIEW);
  const double k_views = known(v1::EVENT_TYPE_VIEW);
  row[kEarlyImprStrangerLog] = Log1p(s_impr);
  row[kEarlyStrangerCompletionRate] =
      Rate(by(RELATION_STRANGER, v1::EVENT_TYPE_COMPLETE), s_views);
  row[kEarlyFollowerCompletionRate] =
      Rate(known(v1::EVENT_TYPE_COMPLETE), k_views);
  row[kEarlyStrangerLikeRate] =
      Rate(by(RELATION_STRANGER, v1::EVENT_TYPE_LIKE), s_views);
  row[kEarlyFollowerLikeRate] = Rate(known(v1::EVENT_TYPE_LIKE), k_views);
  row[kEarlyStrangerShareRate] =
      Rate(by(RELATION_STRANGER, v1::EVENT_TYPE_SHARE), s_views);
  row[kEarlyStrangerNotInterestedRate] =
      Rate(by(RELATION_STRANGER, v1::EVENT_TYPE_NOT_INTERESTED), s_impr);
  row[kEarlySharesLog] = Log1p(all(v1::EVENT_TYPE_SHARE));
  row[kEarlyStrangerFollows] =
      static_cast<float>(by(RELATION_STRANGER, v1::EVENT_TYPE_FOLLOW));
}

FeatureExtractor::FeatureExtractor(storage::Store& store,
                                   FeatureOptions options)
    : store_(store),
      authors_(options.context_ttl),
      markets_(options.context_ttl) {}

absl::StatusOr<std::shared_ptr<const AuthorContext>> FeatureExtractor::Author(
    const PostInput& post, int32_t day, absl::Time now) {
  const std::string key = ContextKey(post.platform, post.author_id, day);
  if (auto cached = authors_.Find(key, now)) return cached;
  RR_ASSIGN_OR_RETURN(
      AuthorContext ctx,
      ComputeAuthorContext(store_, post.platform, post.author_id, day));
  auto value = std::make_shared<const AuthorContext>(std::move(ctx));
  authors_.Store(key, value, now);
  return value;
}

absl::StatusOr<std::shared_ptr<const PlatformMarket>> FeatureExtractor::Market(
    const std::string& platform, int32_t day, absl::Time now) {
  const std::string key = ContextKey(platform, "", day);
  if (auto cached = markets_.Find(key, now)) return cached;
  RR_ASSIGN_OR_RETURN(PlatformMarket market,
                      ComputePlatformMarket(store_, platform, day));
  auto value = std::make_shared<const PlatformMarket>(std::move(market));
  markets_.Store(key, value, now);
  return value;
}

absl::Status FeatureExtractor::FillEarlySignals(
    absl::Span<const FeatureRequest> requests, absl::Time now,
    FeatureBatch* batch) {
  std::vector<std::string> latest_ids;
  std::vector<size_t> latest_rows;
  for (size_t i = 0; i < requests.size(); ++i) {
    const PostInput& post = *requests[i].post;
    if (!post.published) continue;
    if (requests[i].latest_counters) {
      latest_ids.push_back(post.id);
      latest_rows.push_back(i);
      continue;
    }
    // Only hours that ended by as_of (and by now: an as_of in the future
    // must not read the hour in progress). The counters then cover the
    // post's life up to that hour's start, which is the age its features
    // describe.
    const absl::Time last_hour =
        absl::Floor(std::min(requests[i].as_of, now) - absl::UnixEpoch(),
                    absl::Hours(1)) +
        absl::UnixEpoch();
    RR_ASSIGN_OR_RETURN(storage::Counters counters,
                        store_.PostCountersAsOf(post.id, last_hour));
    FillEarlyFeatures(counters, post.created_at, last_hour, batch->row(i));
  }
  if (latest_ids.empty()) return absl::OkStatus();
  RR_ASSIGN_OR_RETURN(std::vector<storage::Counters> totals,
                      store_.MultiGetPostCounters(latest_ids));
  for (size_t j = 0; j < latest_rows.size(); ++j) {
    const FeatureRequest& r = requests[latest_rows[j]];
    FillEarlyFeatures(totals[j], r.post->created_at, r.as_of,
                      batch->row(latest_rows[j]));
  }
  return absl::OkStatus();
}

absl::StatusOr<FeatureBatch> FeatureExtractor::Extract(
    absl::Span<const FeatureRequest> requests) {
  const absl::Time now = absl::Now();
  FeatureBatch batch;
  batch.rows.assign(requests.size() * kNumLiveFeatures, kNaN);
  batch.authors.resize(requests.size());
  // Contexts shared by the requests of this batch.
  absl::flat_hash_map<std::string, std::shared_ptr<const AuthorContext>>
      authors;
  absl::flat_hash_map<std::string, std::shared_ptr<const PlatformMarket>>
      markets;
  for (size_t i = 0; i < requests.size(); ++i) {
    const PostInput& post = *requests[i].post;
    // A context of a day after today would read today's incomplete rows.
    const int32_t day = storage::DayOf(std::min(requests[i].as_of, now));
    float* row = batch.row(i);
    FillContentFeatures(post, texts_.Get(post.text, post.hashtags), row);

    auto& author = authors[ContextKey(post.platform, post.author_id, day)];
    if (author == nullptr) {
      RR_ASSIGN_OR_RETURN(author, Author(post, day, now));
    }
    batch.authors[i] = author;
    std::copy(author->features.begin(), author->features.end(),
              row + kAcctFollowersLog);

    auto& market = markets[ContextKey(post.platform, "", day)];
    if (market == nullptr) {
      RR_ASSIGN_OR_RETURN(market, Market(post.platform, day, now));
    }
    const int topic =
        post.topics.empty() ? -1 : TopicIndex(post.topics[0].topic_id);
    if (topic >= 0) {
      const auto& f = market->topics[static_cast<size_t>(topic)].features;
      std::copy(f.begin(), f.end(), row + kTopicSupply7dLog);
    }
  }
  RR_RETURN_IF_ERROR(FillEarlySignals(requests, now, &batch));
  return batch;
}

}  // namespace reachrank::ranking
