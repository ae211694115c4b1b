// validation: the ranking API's input rules as pure functions on the v1
// request messages. A broken rule is INVALID_ARGUMENT "<field path>: <rule>"
// (e.g. "drafts[2].platform: must match [a-z0-9_]{1,32}"), except a batch
// over its limit, which is RESOURCE_EXHAUSTED. Rules:
//   Score        exactly one of post_id / draft; as_of only with post_id
//   language     "", "en", "de" or "zh" (the reasons' language)
//   as_of        optional; 2000-01-01T00:00:00Z .. now + 1 day
//   post ids     1-128 printable ASCII bytes (0x21-0x7E)
//   drafts       draft_id and platform required; author_id optional; text
//                valid UTF-8 of at most 16 KiB; media_kind specified;
//                duration 0..86,400 s; at most 64 hashtags
//   ScoreDrafts  1..1,000 drafts per message
//   Rank         at least 1 post id (more than the scorer's
//                max_candidates, at most 10,000, is refused by the scorer
//                with RESOURCE_EXHAUSTED)
#ifndef REACHRANK_SERVICES_RANK_VALIDATION_H_
#define REACHRANK_SERVICES_RANK_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "reachrank/v1/ranking.pb.h"

namespace reachrank::rank {

inline constexpr size_t kMaxDraftsPerMessage = 1000;
inline constexpr size_t kMaxCandidates = 10'000;

// The language of reasons: "", "en", "de" or "zh".
absl::Status ValidateReasonLanguage(absl::string_view language,
                                    absl::string_view field = "language");

// One draft; `path` prefixes field names ("draft", "drafts[3]").
absl::Status ValidateDraft(const v1::Draft& draft, absl::Time now,
                           absl::string_view path);

// A whole Score request (the draft included).
absl::Status ValidateScoreRequest(const v1::ScoreRequest& request,
                                  absl::Time now);

// The message-level rules of one ScoreDrafts message (count, language);
// each draft is checked on its own with ValidateDraft.
absl::Status ValidateScoreDraftsRequest(const v1::ScoreDraftsRequest& request);

// A Rank request's ids, language and as_of; the candidate count is the
// scorer's to check.
absl::Status ValidateRankRequest(const v1::RankRequest& request,
                                 absl::Time now);

}  // namespace reachrank::rank

#endif  // REACHRANK_SERVICES_RANK_VALIDATION_H_
