// The simulated world: topics with their market dynamics, people with
// accounts on several platforms, and the posts they plan. Everything is
// derived from SimOptions::seed; see docs/simulator.md for the meaning of
// each parameter.
#ifndef REACHRANK_SIM_WORLD_H_
#define REACHRANK_SIM_WORLD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace reachrank::sim {

struct SimOptions {
  uint64_t seed = 42;
  int people = 1000;          // each holds 1-3 platform accounts
  int days = 90;              // length of the simulated period
  absl::Time start = absl::FromUnixSeconds(1767225600);  // 2026-01-01 UTC
  std::vector<std::string> platforms = {"douyin", "tiktok", "wechat_channels",
                                        "youtube"};
  double posts_per_week_median = 2.5;  // cadence of a median account
  double followers_median = 600;       // per account, log-normal
  double followers_log_sd = 1.8;       // heavy tail: a few huge accounts
  double crowding_strength = 0.6;      // how much saturation raises the bar
};

// A topic's market. Supply comes from the authors who post in it; demand is
// how much stranger attention the platform gives it.
struct TopicProfile {
  std::string id;          // SIB-200 category
  double supply_weight;    // share of authors whose niche it is
  double demand_weight;    // share of stranger attention
  double evergreen;        // 0..1: long-tail views for weeks (how-tos)
  double utility_share;    // share of posts with how-to phrasing
  double trend_phase;      // phase of the 45-day demand cycle, in turns
};

// The seven SIB-200 topics with their market parameters.
const std::vector<TopicProfile>& Topics();

struct Account {
  int person = 0;
  std::string platform;
  std::string author_id;
  int64_t followers = 0;      // at the start of the period
  int64_t friends = 0;
  absl::Time joined_at;
  double platform_fit = 0;    // how well this person's style fits here
};

struct Person {
  std::string language;       // "en", "de" or "zh"
  double skill = 0;           // mean hidden quality of their posts
  int niche_topic = 0;        // index into Topics()
  double focus = 0;           // share of posts in the niche
  double posts_per_week = 0;
  double regularity = 0;      // 1: metronome, 0: bursts
  std::vector<int> accounts;  // indices into World::accounts
};

struct PlannedPost {
  int account = 0;
  absl::Time created_at;
  int topic = 0;
  bool utility = false;       // how-to phrasing
  double quality = 0;         // hidden; drives stranger reactions
};

struct World {
  std::vector<Person> people;
  std::vector<Account> accounts;
  std::vector<PlannedPost> posts;  // sorted by created_at, then account
};

// Builds people, accounts and their planned posts.
World BuildWorld(const SimOptions& options);

// Stranger demand share of `topic` on day `day` of the period (sums to 1
// over topics each day).
double DemandShare(int topic, int day);

}  // namespace reachrank::sim

#endif  // REACHRANK_SIM_WORLD_H_
