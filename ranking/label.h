// The label a model predicts: whether a post reached strangers. Per
// platform: which counter defines reach, the threshold and the horizon
// (docs/model.md). Configured by a JSON file:
//
//   {"default":   {"counter": "stranger_impressions", "threshold": 1000,
//                  "horizon_days": 7},
//    "platforms": {"youtube": {"counter": "stranger_views",
//                              "threshold": 500}}}
//
// A platform entry may omit fields; they come from "default", which in turn
// defaults to the built-in values above.
#ifndef REACHRANK_RANKING_LABEL_H_
#define REACHRANK_RANKING_LABEL_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/counters.h"
#include "storage/store.h"

namespace reachrank::ranking {

// The counters that can define reach: events of STRANGER viewers over every
// surface.
enum class ReachCounter { kStrangerImpressions, kStrangerViews, kStrangerLikes };

// "stranger_impressions", "stranger_views", "stranger_likes".
absl::string_view ReachCounterName(ReachCounter c);
// INVALID_ARGUMENT for any other name.
absl::StatusOr<ReachCounter> ParseReachCounter(absl::string_view name);

// A plain value type.
struct LabelConfig {
  ReachCounter counter = ReachCounter::kStrangerImpressions;
  int64_t threshold = 1000;
  absl::Duration horizon = absl::Hours(24 * 7);
};

// The label configs of every platform. A value type; const methods are safe
// for concurrent readers.
class LabelConfigs {
 public:
  // Built-in defaults for every platform.
  LabelConfigs() = default;
  // Parses the JSON format above. INVALID_ARGUMENT naming the field for an
  // unknown counter, a threshold < 1, horizon_days outside [1, 365], an
  // unknown key, a platform id other than [a-z0-9_]{1,32}, or malformed
  // JSON. Never throws.
  static absl::StatusOr<LabelConfigs> Parse(absl::string_view json);
  // Reads and parses `path`; NOT_FOUND if it cannot be read.
  static absl::StatusOr<LabelConfigs> Load(const std::string& path);

  // The config of `platform` (the default if it has none).
  const LabelConfig& For(absl::string_view platform) const;
  const LabelConfig& default_config() const { return default_; }
  // The shortest horizon of the default and every platform's config.
  absl::Duration ShortestHorizon() const;
  // The longest one.
  absl::Duration LongestHorizon() const;

 private:
  LabelConfig default_;
  std::map<std::string, LabelConfig, std::less<>> platforms_;
};

// The reach counter's value in `counters`.
int64_t ReachValue(const storage::Counters& counters, ReachCounter counter);

struct LabelValue {
  int64_t reach = 0;     // the counter within the horizon
  bool reached = false;  // reach >= threshold
};

// When the label of a post created at `created_at` is settled: the end of
// the hour holding created_at + horizon, as ComputeLabel counts that
// hour whole. No event at or after it counts.
absl::Time LabelSettledAt(absl::Time created_at, absl::Duration horizon);

// The label of a post created at `created_at`, from its hourly counters as
// of created_at + horizon, the hour in progress then included (events in
// later hours are ignored). The caller decides whether the label has
// settled (LabelSettledAt). Errors come from the store.
absl::StatusOr<LabelValue> ComputeLabel(storage::Store& store,
                                        absl::string_view post_id,
                                        absl::Time created_at,
                                        const LabelConfig& config);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_LABEL_H_
