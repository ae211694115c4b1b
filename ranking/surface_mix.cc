#include "ranking/surface_mix.h"

#include <algorithm>

namespace reachrank::ranking {
namespace {

double Surface(const AuthorContext& a, v1::Surface s) {
  return a.impressions_by_surface[static_cast<size_t>(s)];
}

}  // namespace

SurfaceMix ComputeSurfaceMix(const AuthorContext& author, double p_reach,
                             const LabelConfig& label) {
  const double posts = author.posts + kMixPriorPosts;
  const double m = (author.stranger_impressions +
                    kMixPriorPosts * kMixPriorStranger) / posts;
  const double known = (author.known_impressions +
                        kMixPriorPosts * kMixPriorKnown) / posts;
  const double t = static_cast<double>(label.threshold);
  const double p = std::clamp(p_reach, 0.0, 1.0);
  SurfaceMix mix;
  // A post that reaches strangers gets at least twice the threshold (the
  // mean above the threshold of a Pareto tail with alpha 2) or the
  // author's usual reach; one that does not stays below the threshold.
  mix.expected_stranger_impressions =
      p * std::max(2 * t, m) + (1 - p) * std::min(m, t);

  // Known audiences split like the author's history (prior 4:1).
  const double fol = Surface(author, v1::SURFACE_FOLLOWING) + 4;
  const double fri = Surface(author, v1::SURFACE_FRIENDS) + 1;
  // Stranger impressions split like the history (prior: Recommended).
  const double rec = Surface(author, v1::SURFACE_RECOMMENDED) + 1;
  const double sea = Surface(author, v1::SURFACE_SEARCH);
  const double pro = Surface(author, v1::SURFACE_PROFILE);
  const double sha = Surface(author, v1::SURFACE_SHARE_LINK);
  const double strangers = rec + sea + pro + sha;
  const double e = mix.expected_stranger_impressions;
  const double total = known + e;
  auto share = [&mix](v1::Surface s) -> double& {
    return mix.shares[v1::Surface_Name(s)];
  };
  share(v1::SURFACE_FOLLOWING) = known * fol / (fol + fri) / total;
  share(v1::SURFACE_FRIENDS) = known * fri / (fol + fri) / total;
  share(v1::SURFACE_RECOMMENDED) = e * rec / strangers / total;
  share(v1::SURFACE_SEARCH) = e * sea / strangers / total;
  share(v1::SURFACE_PROFILE) = e * pro / strangers / total;
  share(v1::SURFACE_SHARE_LINK) = e * sha / strangers / total;
  return mix;
}

}  // namespace reachrank::ranking
