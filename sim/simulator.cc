#include "sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "sim/feed.h"
#include "sim/post_text.h"
#include "sim/rng.h"

namespace reachrank::sim {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kEventBatch = 5000;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
}

std::string PostId(size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "post-%08zu", index);
  return buf;
}

std::vector<v1::Author> MakeAuthors(const World& world) {
  std::vector<v1::Author> out;
  for (const Account& a : world.accounts) {
    v1::Author author;
    author.set_platform(a.platform);
    author.set_author_id(a.author_id);
    author.set_followers(a.followers);
    author.set_friends(a.friends);
    *author.mutable_joined_at() = ToProto(a.joined_at);
    for (int other : world.people[a.person].accounts) {
      const Account& o = world.accounts[other];
      if (o.platform != a.platform) {
        (*author.mutable_followers_elsewhere())[o.platform] = o.followers;
      }
    }
    out.push_back(std::move(author));
  }
  return out;
}

// Stranger supply of a topic: its share of a platform's posts over the 7
// days before `day`, against the topic's share of stranger demand.
class MarketBook {
 public:
  explicit MarketBook(const World& world, const SimOptions& options) {
    for (const PlannedPost& p : world.posts) {
      const int day = DayIndex(options, p.created_at);
      counts_[{world.accounts[p.account].platform, day}].resize(
          Topics().size());
      counts_[{world.accounts[p.account].platform, day}][p.topic] += 1;
    }
  }
  double Crowding(const std::string& platform, int topic, int day,
                  double strength) const {
    double mine = 0, all = 0;
    for (int d = day - 7; d < day; ++d) {
      auto it = counts_.find({platform, d});
      if (it == counts_.end()) continue;
      for (size_t t = 0; t < it->second.size(); ++t) {
        all += it->second[t];
        if (static_cast<int>(t) == topic) mine += it->second[t];
      }
    }
    if (all < 20) return 1.0;  // too little history to judge
    const double saturation = (mine / all) / DemandShare(topic, day);
    return std::clamp(std::pow(saturation, strength), 0.75, 2.0);
  }
  static int DayIndex(const SimOptions& o, absl::Time t) {
    return static_cast<int>(absl::ToInt64Hours(t - o.start) / 24);
  }

 private:
  std::map<std::pair<std::string, int>, std::vector<int>> counts_;
};

void AppendEvents(const std::string& post_id, absl::Time created,
                  const std::vector<EventCell>& cells,
                  std::vector<v1::EngagementEvent>& out) {
  for (const EventCell& c : cells) {
    v1::EngagementEvent e;
    e.set_event_id(absl::StrCat(post_id, "-h", c.hour, "-", c.surface, ".",
                                c.relation, ".", c.type));
    e.set_post_id(post_id);
    e.set_type(c.type);
    e.set_surface(c.surface);
    e.set_relation(c.relation);
    *e.mutable_at() = ToProto(created + absl::Hours(c.hour) + absl::Minutes(30));
    e.set_watch_ms(c.watch_ms);
    e.set_count(static_cast<uint32_t>(std::min<int64_t>(c.count, 1000000)));
    out.push_back(std::move(e));
  }
}

}  // namespace

absl::StatusOr<SimSummary> Simulate(
    const SimOptions& options, const Corpus& corpus, SimSink& sink,
    const std::function<void(int64_t, int64_t)>& progress) {
  const World world = BuildWorld(options);
  SimSummary summary;
  const std::vector<v1::Author> authors = MakeAuthors(world);
  RR_RETURN_IF_ERROR(sink.Authors(authors));
  summary.authors = authors.size();

  Rng text_rng = Rng(options.seed).Fork(3);
  std::vector<v1::Post> posts;
  for (size_t i = 0; i < world.posts.size(); ++i) {
    posts.push_back(MakePost(world, world.posts[i], PostId(i), corpus,
                             text_rng));
  }
  RR_RETURN_IF_ERROR(sink.Posts(posts));
  summary.posts = posts.size();

  std::vector<AccountState> states(world.accounts.size());
  for (size_t a = 0; a < world.accounts.size(); ++a) {
    states[a].followers = world.accounts[a].followers;
    states[a].friends = world.accounts[a].friends;
  }
  const MarketBook market(world, options);
  const absl::Time end = options.start + absl::Hours(24 * options.days);
  Rng feed_rng = Rng(options.seed).Fork(4);
  std::vector<v1::EngagementEvent> batch;
  for (size_t i = 0; i < world.posts.size(); ++i) {
    const PlannedPost& p = world.posts[i];
    const Account& account = world.accounts[p.account];
    const Person& person = world.people[account.person];
    MarketContext m;
    m.crowding = market.Crowding(account.platform, p.topic,
                                 MarketBook::DayIndex(options, p.created_at),
                                 options.crowding_strength);
    m.evergreen = Topics()[p.topic].evergreen;
    m.niche = p.topic == person.niche_topic;
    m.focus = person.focus;
    m.tenure_days = absl::ToDoubleHours(p.created_at - account.joined_at) / 24;
    m.media_seconds = std::max(20.0, posts[i].duration_seconds());
    const int max_hours = static_cast<int>(absl::ToInt64Hours(end - p.created_at));
    Rng rng = feed_rng.Fork(i);
    const PostOutcome o = SimulatePost(p, m, max_hours, states[p.account], rng);
    AppendEvents(posts[i].post_id(), p.created_at, o.cells, batch);
    for (const EventCell& c : o.cells) summary.events += c.count;
    summary.event_records += o.cells.size();
    summary.reached += o.stranger_impressions_7d >= 1000;
    RR_RETURN_IF_ERROR(sink.Truth({posts[i].post_id(), p.quality, p.utility,
                                   o.pools_passed, o.stranger_impressions_7d}));
    if (batch.size() >= kEventBatch) {
      RR_RETURN_IF_ERROR(sink.Events(batch));
      batch.clear();
    }
    if (progress && (i % 1000 == 0 || i + 1 == world.posts.size())) {
      progress(i + 1, world.posts.size());
    }
  }
  if (!batch.empty()) RR_RETURN_IF_ERROR(sink.Events(batch));
  return summary;
}

}  // namespace reachrank::sim
