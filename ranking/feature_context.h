// What the feature extractor knows about an account and a topic market as of
// the start of a UTC day, computed from complete day-bucketed counter rows
// only (so a context never contains an event of the day being scored), plus
// a small cache of contexts keyed by (platform, owner, day).
#ifndef REACHRANK_RANKING_FEATURE_CONTEXT_H_
#define REACHRANK_RANKING_FEATURE_CONTEXT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ranking/feature_names.h"
#include "storage/store.h"

namespace reachrank::ranking {

// Windows, in complete days before the scored day.
inline constexpr int kAccountWindowDays = 90;
inline constexpr int kTopicWindowDays = 7;
inline constexpr int kEvergreenWeeks = 6;    // fitted weekly windows
inline constexpr int kEvergreenTailWeeks = 3;  // a post's weeks 2..4
// Most recent posts read for cadence and niche focus.
inline constexpr size_t kAccountPostsRead = 60;

// An account on one platform as of the start of `day`. A value type.
struct AuthorContext {
  bool known = false;  // an author record exists
  // Account features, in column order kAcctFollowersLog..
  // kAcctFollowersElsewhereLog (NaN = missing).
  std::array<float, kEarlyPostAgeHours - kAcctFollowersLog> features{};
  // Raw history for the surface mix and the explanations (window sums).
  double posts = 0;  // published in the window
  std::array<double, storage::kSurfaces> impressions_by_surface{};
  double stranger_impressions = 0;
  double known_impressions = 0;  // followers + friends + self
};

// One topic's market on one platform as of the start of a day.
struct TopicMarket {
  // Features in column order kTopicSupply7dLog..kTopicEvergreenRatio.
  std::array<float, kAcctFollowersLog - kTopicSupply7dLog> features{};
  double supply_share = 0;  // of the platform's new posts, last 7 days
  double demand_share = 0;  // of the platform's stranger engagement
};

// Every feature topic's market on one platform, in FeatureTopics() order.
struct PlatformMarket {
  std::array<TopicMarket, kTopicGeography - kTopicScienceTechnology + 1>
      topics{};
};

// Reads the account's day rows, post index and author record for the
// complete days before `day`. An author without a record gets the record
// features of a new account (0 followers here and elsewhere, age 0 days);
// an empty `author_id` is a new account with no history and reads nothing.
// Errors come from the store.
absl::StatusOr<AuthorContext> ComputeAuthorContext(storage::Store& store,
                                                   absl::string_view platform,
                                                   absl::string_view author_id,
                                                   int32_t day);

// Reads the day rows of every feature topic of `platform` before `day`.
absl::StatusOr<PlatformMarket> ComputePlatformMarket(
    storage::Store& store, absl::string_view platform, int32_t day);

// 1 - normalised Shannon entropy of `counts` (topic -> posts), normalised by
// ln(max(num_topics, distinct topics)); 1 for a single topic, NaN when
// empty.
float NicheFocus(const absl::flat_hash_map<std::string, int>& counts,
                 size_t num_topics);

// Saturation: the topic's new posts over the posts its share of the
// platform's stranger engagement would earn, (p + 1) / (e/E · P + 1), one
// post added to each side (with no engagement on the platform, demand is
// P / num_topics). Both sides are counted in posts, so a topic with few
// posts and little engagement reads near 1 (no evidence): smoothing the
// engagement share with +1 engagement, as before, made a topic with no new
// posts and a few engagements on a busy platform read ~200x crowded.
double Saturation(double topic_posts, double all_posts, double topic_engaged,
                  double all_engaged, size_t num_topics);

// Caches contexts by key for `ttl` (0 disables caching). Thread-safe.
template <typename T>
class ContextCache {
 public:
  // Holds at most `max_entries`; Store empties the cache when it is full
  // (simple, and entries live `ttl` at most anyway).
  explicit ContextCache(absl::Duration ttl, size_t max_entries = 100000)
      : ttl_(ttl), max_entries_(max_entries) {}

  // The cached value of `key` if fresh at `now`, else nullptr.
  std::shared_ptr<const T> Find(const std::string& key, absl::Time now) {
    if (ttl_ <= absl::ZeroDuration()) return nullptr;
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || now - it->second.stored > ttl_) return nullptr;
    return it->second.value;
  }
  // Caches `value` for `key` as of `now`, replacing what was there.
  void Store(const std::string& key, std::shared_ptr<const T> value,
             absl::Time now) {
    if (ttl_ <= absl::ZeroDuration()) return;
    absl::MutexLock lock(&mu_);
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_[key] = Entry{std::move(value), now};
  }

 private:
  struct Entry {
    std::shared_ptr<const T> value;
    absl::Time stored;
  };
  const absl::Duration ttl_;
  const size_t max_entries_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_FEATURE_CONTEXT_H_
