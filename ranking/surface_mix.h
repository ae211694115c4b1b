// Where a post's views are expected to come from, and how many strangers it
// is expected to reach: the author's history on this platform (impressions
// by surface in their day rows) blended with p_reach. Formula in
// docs/model.md. Pure functions; thread-safe.
#ifndef REACHRANK_RANKING_SURFACE_MIX_H_
#define REACHRANK_RANKING_SURFACE_MIX_H_

#include <map>
#include <string>

#include "ranking/feature_context.h"
#include "ranking/label.h"

namespace reachrank::ranking {

struct SurfaceMix {
  double expected_stranger_impressions = 0;
  // Surface enum name ("SURFACE_FOLLOWING", "SURFACE_RECOMMENDED"...), as
  // the API's ReachScore.surface_mix keys them -> expected share of the
  // post's impressions (sums to 1).
  std::map<std::string, double> shares;
};

// Smoothing priors (per post): a new account's stranger and known
// impressions per post, each worth kMixPriorPosts posts.
inline constexpr double kMixPriorStranger = 200;
inline constexpr double kMixPriorKnown = 50;
inline constexpr double kMixPriorPosts = 2;

// What a published post has gathered so far; all 0 for a draft.
struct ImpressionsSoFar {
  // By surface; other = search + profile + share link.
  double following = 0, friends = 0, recommended = 0, other = 0;
  double known = 0;     // by followers and friends
  double stranger = 0;  // by strangers
};

// The counts of a live feature row (its kEarlyImpr* features).
ImpressionsSoFar ImpressionsFromLiveRow(const float* row);

// The expectations never fall below what `so_far` already holds, and the
// shares add what the post has by surface to the history's split of what
// is still expected (docs/model.md).
SurfaceMix ComputeSurfaceMix(const AuthorContext& author, double p_reach,
                             const LabelConfig& label,
                             const ImpressionsSoFar& so_far = {});

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_SURFACE_MIX_H_
