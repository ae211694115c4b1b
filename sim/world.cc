#include "sim/world.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/rng.h"

namespace reachrank::sim {
namespace {

// Language mix of people and which platforms each language favours
// (weights over SimOptions::platforms, by position; missing = 1).
const char* const kLanguages[] = {"en", "de", "zh"};
constexpr double kLanguageWeights[] = {0.45, 0.25, 0.30};

int Pick(Rng& rng, const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double x = rng.Uniform() * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if ((x -= weights[i]) < 0) return static_cast<int>(i);
  }
  return static_cast<int>(weights.size()) - 1;
}

double PlatformWeight(const std::string& language,
                      const std::string& platform) {
  const bool chinese_platform =
      platform == "douyin" || platform == "wechat_channels";
  if (language == "zh") return chinese_platform ? 4.0 : 0.5;
  return chinese_platform ? 0.3 : 2.0;
}

Person MakePerson(Rng& rng, const SimOptions& options) {
  Person p;
  p.language = kLanguages[Pick(rng, {std::begin(kLanguageWeights),
                                     std::end(kLanguageWeights)})];
  p.skill = rng.Normal(0, 1);
  std::vector<double> supply;
  for (const TopicProfile& t : Topics()) supply.push_back(t.supply_weight);
  p.niche_topic = Pick(rng, supply);
  p.focus = rng.Uniform(0.3, 0.95);
  p.posts_per_week = std::clamp(
      rng.LogNormal(std::log(options.posts_per_week_median), 0.7), 0.3, 20.0);
  p.regularity = rng.Uniform(0.1, 1.0);
  return p;
}

Account MakeAccount(Rng& rng, const SimOptions& options, int person,
                    double fame, const std::string& platform, int id) {
  Account a;
  a.person = person;
  a.platform = platform;
  char buf[32];
  std::snprintf(buf, sizeof buf, "acct-%06d", id);
  a.author_id = buf;
  // Fame is shared across a person's platforms only weakly: audiences do
  // not transfer, so most of the spread is per platform.
  const double log_followers =
      std::log(options.followers_median) +
      options.followers_log_sd * (0.3 * fame + 0.95 * rng.Normal());
  a.followers = std::llround(std::min(std::exp(log_followers), 5e7));
  a.friends = std::llround(rng.LogNormal(std::log(60), 0.8));
  a.joined_at = options.start - absl::Hours(24 * rng.Uniform(3, 1500));
  a.platform_fit = rng.Normal(0, 0.35);
  return a;
}

void AddAccounts(Rng& rng, const SimOptions& options, int person_index,
                 World& world) {
  Person& person = world.people[person_index];
  const double fame = rng.Normal();
  std::vector<double> weights;
  for (const std::string& pl : options.platforms) {
    weights.push_back(PlatformWeight(person.language, pl));
  }
  const int wanted = 1 + Pick(rng, {0.55, 0.3, 0.15});
  for (int k = 0; k < wanted; ++k) {
    const int choice = Pick(rng, weights);
    if (weights[choice] == 0) continue;  // already on it
    weights[choice] = 0;
    person.accounts.push_back(static_cast<int>(world.accounts.size()));
    world.accounts.push_back(MakeAccount(rng, options, person_index, fame,
                                         options.platforms[choice],
                                         world.accounts.size()));
  }
}

int PickTopic(Rng& rng, const Person& person) {
  if (rng.Bernoulli(person.focus)) return person.niche_topic;
  std::vector<double> supply;
  for (const TopicProfile& t : Topics()) supply.push_back(t.supply_weight);
  return Pick(rng, supply);
}

void PlanPosts(Rng& rng, const SimOptions& options, const World& world,
               int account_index, std::vector<PlannedPost>& out) {
  const Account& account = world.accounts[account_index];
  const Person& person = world.people[account.person];
  const double mean_gap_h = 7 * 24 / person.posts_per_week;
  const absl::Time end = options.start + absl::Hours(24 * options.days);
  absl::Time t = options.start + absl::Hours(rng.Uniform(0, mean_gap_h));
  while (t < end) {
    PlannedPost post;
    post.account = account_index;
    post.created_at = t;
    post.topic = PickTopic(rng, person);
    post.utility = rng.Bernoulli(Topics()[post.topic].utility_share);
    post.quality = person.skill + account.platform_fit +
                   (post.utility ? 0.4 : 0.0) + rng.Normal(0, 0.8);
    out.push_back(post);
    // Irregular posters alternate bursts and pauses.
    const double jitter = 1.2 * (1 - person.regularity);
    t += absl::Hours(mean_gap_h * std::exp(rng.Normal(-jitter * jitter / 2,
                                                      jitter)));
  }
}

}  // namespace

const std::vector<TopicProfile>& Topics() {
  // Supply and demand shares differ on purpose: entertainment and travel
  // attract more authors than strangers want, geography fewer.
  static const auto* topics = new std::vector<TopicProfile>{
      {"science/technology", 0.13, 0.17, 0.60, 0.50, 0.00},
      {"travel", 0.20, 0.14, 0.30, 0.30, 0.15},
      {"politics", 0.11, 0.13, 0.05, 0.05, 0.30},
      {"sports", 0.14, 0.15, 0.10, 0.20, 0.45},
      {"health", 0.11, 0.15, 0.70, 0.50, 0.60},
      {"entertainment", 0.25, 0.14, 0.05, 0.05, 0.75},
      {"geography", 0.06, 0.12, 0.50, 0.30, 0.90},
  };
  return *topics;
}

double DemandShare(int topic, int day) {
  double total = 0;
  double mine = 0;
  for (size_t i = 0; i < Topics().size(); ++i) {
    const TopicProfile& t = Topics()[i];
    const double w =
        t.demand_weight *
        (1 + 0.35 * std::sin(2 * M_PI * (day / 45.0 + t.trend_phase)));
    total += w;
    if (static_cast<int>(i) == topic) mine = w;
  }
  return mine / total;
}

World BuildWorld(const SimOptions& options) {
  World world;
  Rng rng(options.seed);
  Rng people_rng = rng.Fork(1);
  for (int i = 0; i < options.people; ++i) {
    world.people.push_back(MakePerson(people_rng, options));
    AddAccounts(people_rng, options, i, world);
  }
  Rng post_rng = rng.Fork(2);
  for (size_t a = 0; a < world.accounts.size(); ++a) {
    PlanPosts(post_rng, options, world, static_cast<int>(a), world.posts);
  }
  std::stable_sort(world.posts.begin(), world.posts.end(),
                   [](const PlannedPost& x, const PlannedPost& y) {
                     return x.created_at < y.created_at;
                   });
  return world;
}

}  // namespace reachrank::sim
