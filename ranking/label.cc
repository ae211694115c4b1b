#include "ranking/label.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/json_depth.h"
#include "base/platform_id.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "ranking/model/file_util.h"

namespace reachrank::ranking {
namespace {

using Json = nlohmann::json;

absl::Status Bad(absl::string_view where, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", rule));
}

// INVALID_ARGUMENT naming the first key of `obj` (at path `where`) that is
// not one of `known`: a misspelt key must not leave a built-in value in
// force unseen.
absl::Status CheckKeys(const Json& obj, absl::string_view where,
                       std::initializer_list<absl::string_view> known) {
  for (const auto& [key, ignored] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Bad(
          absl::StrCat(where, where.empty() ? "" : ".", key),
          absl::StrCat("unknown key (", absl::StrJoin(known, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

// Applies the fields present in `obj` (at path `where`) to `config`.
absl::Status ApplyFields(const Json& obj, const std::string& where,
                         LabelConfig* config) {
  if (!obj.is_object()) return Bad(where, "must be an object");
  RR_RETURN_IF_ERROR(
      CheckKeys(obj, where, {"counter", "threshold", "horizon_days"}));
  if (auto it = obj.find("counter"); it != obj.end()) {
    if (!it->is_string()) return Bad(where + ".counter", "must be a string");
    absl::StatusOr<ReachCounter> c =
        ParseReachCounter(it->get<std::string>());
    if (!c.ok()) return Bad(where + ".counter", c.status().message());
    config->counter = *c;
  }
  if (auto it = obj.find("threshold"); it != obj.end()) {
    if (!it->is_number() || !(it->get<double>() >= 1) ||
        it->get<double>() > 1e15 ||
        it->get<double>() != std::floor(it->get<double>())) {
      return Bad(where + ".threshold", "must be an integer in [1, 1e15]");
    }
    config->threshold = static_cast<int64_t>(it->get<double>());
  }
  if (auto it = obj.find("horizon_days"); it != obj.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
        it->get<int64_t>() > 365) {
      return Bad(where + ".horizon_days", "must be an integer in [1, 365]");
    }
    config->horizon = absl::Hours(24 * it->get<int64_t>());
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view ReachCounterName(ReachCounter c) {
  switch (c) {
    case ReachCounter::kStrangerViews:
      return "stranger_views";
    case ReachCounter::kStrangerLikes:
      return "stranger_likes";
    case ReachCounter::kStrangerImpressions:
      break;
  }
  return "stranger_impressions";
}

absl::StatusOr<ReachCounter> ParseReachCounter(absl::string_view name) {
  for (ReachCounter c :
       {ReachCounter::kStrangerImpressions, ReachCounter::kStrangerViews,
        ReachCounter::kStrangerLikes}) {
    if (name == ReachCounterName(c)) return c;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown reach counter '", name,
      "' (stranger_impressions, stranger_views or stranger_likes)"));
}

absl::StatusOr<LabelConfigs> LabelConfigs::Parse(absl::string_view json) {
  bool too_deep = false;
  Json doc = ParseJsonWithDepth(json, &too_deep);
  if (too_deep) {
    return Bad("label config", absl::StrCat("is nested deeper than ",
                                            kMaxJsonDepth, " levels"));
  }
  if (doc.is_discarded() || !doc.is_object()) {
    return Bad("label config", "is not a JSON object");
  }
  // "label" and "definition": words for readers, which configs written
  // before unknown keys were refused carry (the shipped one did).
  RR_RETURN_IF_ERROR(
      CheckKeys(doc, "", {"default", "platforms", "label", "definition"}));
  for (const char* note : {"label", "definition"}) {
    if (auto it = doc.find(note); it != doc.end() && !it->is_string()) {
      return Bad(note, "must be a string (it is for readers only)");
    }
  }
  LabelConfigs out;
  if (auto it = doc.find("default"); it != doc.end()) {
    RR_RETURN_IF_ERROR(ApplyFields(*it, "default", &out.default_));
  }
  if (auto it = doc.find("platforms"); it != doc.end()) {
    if (!it->is_object()) return Bad("platforms", "must be an object");
    for (const auto& [platform, fields] : it->items()) {
      // An entry no post could match (e.g. "YouTube") is refused.
      if (!IsPlatformId(platform)) {
        return Bad(
            absl::StrCat("platforms.", platform),
            absl::StrCat("a platform id ", kPlatformIdRule, ", as a post's"));
      }
      LabelConfig config = out.default_;
      RR_RETURN_IF_ERROR(
          ApplyFields(fields, absl::StrCat("platforms.", platform), &config));
      out.platforms_.emplace(platform, config);
    }
  }
  return out;
}

absl::StatusOr<LabelConfigs> LabelConfigs::Load(const std::string& path) {
  RR_ASSIGN_OR_RETURN(std::string text, ReadModelFile(path));
  absl::StatusOr<LabelConfigs> configs = Parse(text);
  if (!configs.ok()) {
    return absl::Status(configs.status().code(),
                        absl::StrCat(path, ": ", configs.status().message()));
  }
  return configs;
}

const LabelConfig& LabelConfigs::For(absl::string_view platform) const {
  auto it = platforms_.find(platform);
  return it == platforms_.end() ? default_ : it->second;
}

absl::Duration LabelConfigs::ShortestHorizon() const {
  absl::Duration shortest = default_.horizon;
  for (const auto& [platform, config] : platforms_) {
    shortest = std::min(shortest, config.horizon);
  }
  return shortest;
}

absl::Duration LabelConfigs::LongestHorizon() const {
  absl::Duration longest = default_.horizon;
  for (const auto& [platform, config] : platforms_) {
    longest = std::max(longest, config.horizon);
  }
  return longest;
}

int64_t ReachValue(const storage::Counters& counters, ReachCounter counter) {
  v1::EventType type = v1::EVENT_TYPE_IMPRESSION;
  if (counter == ReachCounter::kStrangerViews) type = v1::EVENT_TYPE_VIEW;
  if (counter == ReachCounter::kStrangerLikes) type = v1::EVENT_TYPE_LIKE;
  return counters.ByRelationType(v1::RELATION_STRANGER, type);
}

absl::Time LabelSettledAt(absl::Time created_at, absl::Duration horizon) {
  const absl::Time at = created_at + horizon;
  const absl::Time hour =
      absl::UnixEpoch() + absl::Floor(at - absl::UnixEpoch(), absl::Hours(1));
  return hour == at ? at : hour + absl::Hours(1);
}

absl::StatusOr<LabelValue> ComputeLabel(storage::Store& store,
                                        absl::string_view post_id,
                                        absl::Time created_at,
                                        const LabelConfig& config) {
  RR_ASSIGN_OR_RETURN(
      storage::Counters counters,
      store.PostCountersAsOf(post_id, created_at + config.horizon));
  LabelValue label;
  label.reach = ReachValue(counters, config.counter);
  label.reached = label.reach >= config.threshold;
  return label;
}

}  // namespace reachrank::ranking
