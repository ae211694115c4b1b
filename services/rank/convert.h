// convert: between the ranking engine's plain types and the v1 messages.
// Pure functions; thread-safe.
#ifndef REACHRANK_SERVICES_RANK_CONVERT_H_
#define REACHRANK_SERVICES_RANK_CONVERT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "ranking/scorer.h"
#include "reachrank/v1/common.pb.h"

namespace reachrank::rank {

// Fills `out` from `score`; the surface mix keys are already the API's
// Surface enum names.
void ToReachScore(const ranking::ScoreResult& score, v1::ReachScore* out);

// The engine's as-of time: nullopt ("now, with the latest counters") when
// the request leaves the field unset.
std::optional<absl::Time> ToAsOf(bool has_as_of,
                                 const google::protobuf::Timestamp& as_of);

// The reasons' language: "en" for "".
std::string ReasonLanguage(absl::string_view language);

// The ItemStatus of the draft at `index` (id `id`) refused with `status`:
// the field and rule split out of "<field>: <rule>".
v1::ItemStatus ToItemStatus(uint32_t index, absl::string_view id,
                            const absl::Status& status);

}  // namespace reachrank::rank

#endif  // REACHRANK_SERVICES_RANK_CONVERT_H_
