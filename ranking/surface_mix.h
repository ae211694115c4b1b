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

SurfaceMix ComputeSurfaceMix(const AuthorContext& author, double p_reach,
                             const LabelConfig& label);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_SURFACE_MIX_H_
