#include "sim/feed.h"

#include <algorithm>
#include <cmath>

namespace reachrank::sim {
namespace {

// Per-impression probabilities of each reaction.
struct Rates {
  double view, complete, like, comment, share, save, follow, not_interested;
};

// Followers and friends flatter a post: high rates, weakly tied to quality.
Rates FollowerRates(double s) {
  return {0.85, 0.45 + 0.1 * s, 0.13 + 0.04 * s, 0.03, 0.01, 0.012, 0, 0.004};
}
Rates FriendRates(double s) {
  return {0.9, 0.5 + 0.1 * s, 0.22 + 0.05 * s, 0.05, 0.02, 0.01, 0, 0.003};
}
// Strangers judge: every rate follows s = sigmoid(effective quality).
Rates StrangerRates(double s, bool utility, double focus) {
  return {0.55 + 0.25 * s,
          (0.15 + 0.55 * s) * (0.55 + 0.25 * s),
          0.01 + 0.07 * s,
          0.002 + 0.01 * s,
          0.001 + 0.012 * s,
          (0.002 + 0.01 * s) * (utility ? 3 : 1),
          (0.001 + 0.006 * s) * (0.5 + focus),
          0.08 * (1 - s)};
}

struct Reactions {
  int64_t impressions = 0, views = 0, completes = 0, likes = 0, shares = 0,
          follows = 0;
};

class CellWriter {
 public:
  CellWriter(int max_hours, std::vector<EventCell>& out)
      : max_hours_(max_hours), out_(out) {}

  // Draws the reactions of `n` impressions and records non-empty cells.
  Reactions Engage(Rng& rng, int64_t n, const Rates& r, int hour,
                   v1::Surface s, v1::Relation rel, double media_seconds) {
    Reactions x;
    if (n <= 0 || hour >= max_hours_) return x;
    x.impressions = n;
    x.views = rng.Binomial(n, r.view);
    x.completes = rng.Binomial(x.views, r.complete / r.view);
    x.likes = rng.Binomial(n, r.like);
    x.shares = rng.Binomial(n, r.share);
    x.follows = rng.Binomial(n, r.follow);
    const double partial = (x.views - x.completes) * 0.35;
    const int64_t watch_ms =
        std::llround((x.completes + partial) * media_seconds * 1000);
    Add(hour, s, rel, v1::EVENT_TYPE_IMPRESSION, n, 0);
    Add(hour, s, rel, v1::EVENT_TYPE_VIEW, x.views, watch_ms);
    Add(hour, s, rel, v1::EVENT_TYPE_COMPLETE, x.completes, 0);
    Add(hour, s, rel, v1::EVENT_TYPE_LIKE, x.likes, 0);
    Add(hour, s, rel, v1::EVENT_TYPE_COMMENT, rng.Binomial(n, r.comment), 0);
    Add(hour, s, rel, v1::EVENT_TYPE_SHARE, x.shares, 0);
    Add(hour, s, rel, v1::EVENT_TYPE_SAVE, rng.Binomial(n, r.save), 0);
    Add(hour, s, rel, v1::EVENT_TYPE_FOLLOW, x.follows, 0);
    Add(hour, s, rel, v1::EVENT_TYPE_NOT_INTERESTED,
        rng.Binomial(n, r.not_interested), 0);
    return x;
  }

 private:
  void Add(int hour, v1::Surface s, v1::Relation r, v1::EventType t,
           int64_t count, int64_t watch_ms) {
    if (count > 0) out_.push_back({hour, s, r, t, count, watch_ms});
  }
  int max_hours_;
  std::vector<EventCell>& out_;
};

// Stranger score a pool is judged on: completion, likes and shares per
// impression, weighted as a recommender would.
double PoolScore(const Reactions& x) {
  if (x.impressions == 0) return 0;
  const double n = static_cast<double>(x.impressions);
  return x.completes / n + 3 * x.likes / n + 8 * x.shares / n;
}

constexpr double kPoolBars[] = {0.54, 0.58, 0.64};
constexpr int kPoolHours[] = {1, 4, 12, 30};

int64_t FirstPoolSize(const AccountState& state, const MarketContext& m,
                      Rng& rng) {
  const double tenure = std::min(1.0, m.tenure_days / 365);
  return std::llround((150 + 600 * state.reach_history) *
                      (0.6 + 0.4 * tenure) * rng.Uniform(0.8, 1.2));
}

}  // namespace

PostOutcome SimulatePost(const PlannedPost& post, const MarketContext& m,
                         int max_hours, AccountState& state, Rng& rng) {
  PostOutcome out;
  CellWriter w(max_hours, out.cells);
  const double q = post.quality + (m.niche ? 0.6 * (m.focus - 0.5) : -0.2);
  const double s = Sigmoid(q);
  const double media = m.media_seconds;
  using v1::RELATION_FOLLOWER, v1::RELATION_FRIEND, v1::RELATION_STRANGER;

  // Followers and friends first.
  const int64_t fol = rng.Binomial(state.followers, rng.Uniform(0.06, 0.18));
  int64_t shares = 0;
  const double fol_split[] = {0.7, 0.3};
  const int fol_hours[] = {0, 6};
  for (int k = 0; k < 2; ++k) {
    shares += w.Engage(rng, std::llround(fol * fol_split[k]), FollowerRates(s),
                       fol_hours[k], v1::SURFACE_FOLLOWING, RELATION_FOLLOWER,
                       media).shares;
  }
  const int64_t fr = rng.Binomial(state.friends, 0.35);
  shares += w.Engage(rng, fr, FriendRates(s), 0, v1::SURFACE_FRIENDS,
                     RELATION_FRIEND, media).shares;

  // Strangers: escalating pools while the bar is cleared.
  const Rates sr = StrangerRates(s, post.utility, m.focus);
  int64_t stranger_7d = 0;
  int64_t pool = FirstPoolSize(state, m, rng);
  for (int k = 0; k < 4; ++k) {
    const Reactions x = w.Engage(rng, pool, sr, kPoolHours[k],
                                 v1::SURFACE_RECOMMENDED, RELATION_STRANGER,
                                 media);
    stranger_7d += x.impressions;
    out.new_followers += x.follows;
    shares += x.shares;
    if (k == 3 || PoolScore(x) < kPoolBars[std::min(k, 2)] * m.crowding) break;
    ++out.pools_passed;
    pool = std::llround(2500 * std::pow(10, k) * rng.Uniform(0.7, 1.3));
  }

  // Shares carry the post to the sharers' friends (strangers to the author).
  const Reactions via_share = w.Engage(rng, shares * 3, sr, 6,
                                       v1::SURFACE_FRIENDS, RELATION_STRANGER,
                                       media);
  stranger_7d += via_share.impressions;
  out.new_followers += via_share.follows;

  // The long tail: useful topics keep earning search and recommended views,
  // drawn at widening intervals (each bucket stands for the days since the
  // previous one).
  const double tail_per_day =
      25 * m.evergreen * (post.utility ? 3 : 1) * s * (1 + out.pools_passed);
  int previous_day = 0;
  for (int day : {2, 5, 10, 20, 40}) {
    const double n = tail_per_day * std::exp(-day / 30.0) * (day - previous_day);
    previous_day = day;
    const int hour = 24 * day + 12;
    const Reactions a = w.Engage(rng, rng.Binomial(std::llround(n), 0.6), sr,
                                 hour, v1::SURFACE_SEARCH, RELATION_STRANGER,
                                 media);
    const Reactions b = w.Engage(rng, rng.Binomial(std::llround(n), 0.4), sr,
                                 hour, v1::SURFACE_RECOMMENDED,
                                 RELATION_STRANGER, media);
    if (hour < 24 * 7) stranger_7d += a.impressions + b.impressions;
    out.new_followers += a.follows + b.follows;
  }

  out.stranger_impressions_7d = stranger_7d;
  const bool reached = stranger_7d >= 1000;
  state.reach_history = 0.8 * state.reach_history + 0.2 * (reached ? 1 : 0);
  state.posts += 1;
  state.followers += out.new_followers;
  return out;
}

}  // namespace reachrank::sim
