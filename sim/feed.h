// Feed mechanics: what happens to one post after it is published.
//
// Followers and friends see a post first and engage generously whatever its
// quality. Strangers are reached in escalating traffic pools (a few hundred,
// then thousands, then tens of thousands) only while their engagement clears
// each pool's bar; a crowded topic raises the bar. Shares carry the post to
// the sharers' friends; useful (evergreen) topics keep a long tail of search
// and recommended views for weeks; some strangers follow.
#ifndef REACHRANK_SIM_FEED_H_
#define REACHRANK_SIM_FEED_H_

#include <cstdint>
#include <vector>

#include "reachrank/v1/common.pb.h"
#include "sim/rng.h"
#include "sim/world.h"

namespace reachrank::sim {

// One aggregated cell: `count` events of one type in one hour after
// publication, on one surface, from one relation.
struct EventCell {
  int hour = 0;
  v1::Surface surface = v1::SURFACE_UNSPECIFIED;
  v1::Relation relation = v1::RELATION_UNSPECIFIED;
  v1::EventType type = v1::EVENT_TYPE_UNSPECIFIED;
  int64_t count = 0;
  int64_t watch_ms = 0;
};

// What an account has shown the platform so far; updated after each post.
struct AccountState {
  double reach_history = 0.2;  // EWMA of "reached strangers" per post
  int posts = 0;
  int64_t followers = 0;
  int64_t friends = 0;
};

// The market a post enters: its topic's bar multiplier.
struct MarketContext {
  double crowding = 1;   // >1: more supply than stranger demand
  double evergreen = 0;  // topic's long-tail strength
  bool niche = false;    // the post is in its author's niche
  double focus = 0;      // the author's niche focus
  double tenure_days = 0;
  double media_seconds = 30;  // watch time of a full view
};

struct PostOutcome {
  std::vector<EventCell> cells;
  int64_t stranger_impressions_7d = 0;
  int64_t new_followers = 0;
  int pools_passed = 0;
};

// Simulates `post` for at most `max_hours` after publication. Updates
// `state` (history, followers).
PostOutcome SimulatePost(const PlannedPost& post, const MarketContext& market,
                         int max_hours, AccountState& state, Rng& rng);

}  // namespace reachrank::sim

#endif  // REACHRANK_SIM_FEED_H_
