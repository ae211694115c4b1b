#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/shard.h"
#include "gtest/gtest.h"
#include "sim/sharded_sink.h"
#include "sim/jsonl_sink.h"
#include "sim/rng.h"
#include "sim/simulator.h"

namespace reachrank::sim {
namespace {

const Corpus& TestCorpus() {
  static const Corpus* corpus = [] {
    auto c = Corpus::Load(std::string(REACHRANK_DATA_DIR) + "/sib200");
    EXPECT_TRUE(c.ok()) << c.status();
    return new Corpus(c.ok() ? *std::move(c) : Corpus());
  }();
  return *corpus;
}

// Keeps everything the simulator emits.
class CaptureSink : public SimSink {
 public:
  absl::Status Authors(absl::Span<const v1::Author> a) override {
    authors.insert(authors.end(), a.begin(), a.end());
    return absl::OkStatus();
  }
  absl::Status Posts(absl::Span<const v1::Post> p) override {
    posts.insert(posts.end(), p.begin(), p.end());
    return absl::OkStatus();
  }
  absl::Status Events(absl::Span<const v1::EngagementEvent> e) override {
    events.insert(events.end(), e.begin(), e.end());
    return absl::OkStatus();
  }
  absl::Status Truth(const PostTruth& t) override {
    truth.push_back(t);
    return absl::OkStatus();
  }
  std::vector<v1::Author> authors;
  std::vector<v1::Post> posts;
  std::vector<v1::EngagementEvent> events;
  std::vector<PostTruth> truth;
};

SimOptions Small(uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.people = 60;
  o.days = 30;
  return o;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string SimulateToDir(const SimOptions& options, const std::string& dir) {
  auto sink = JsonlSink::Open(dir, /*with_truth=*/true);
  EXPECT_TRUE(sink.ok()) << sink.status();
  EXPECT_TRUE(Simulate(options, TestCorpus(), **sink).ok());
  EXPECT_TRUE((*sink)->Close().ok());
  return ReadFile(dir + "/authors.jsonl") + ReadFile(dir + "/posts.jsonl") +
         ReadFile(dir + "/events.jsonl") + ReadFile(dir + "/truth.jsonl");
}

TEST(RngTest, SameSeedSameStreamAndForksDiffer) {
  Rng a(7), b(7);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.Next(), b.Next());
  EXPECT_NE(Rng(7).Fork(1).Next(), Rng(7).Fork(2).Next());
  EXPECT_EQ(Rng(7).Fork(1).Next(), Rng(7).Fork(1).Next());
}

TEST(RngTest, BinomialHasTheRightMean) {
  Rng rng(3);
  double small = 0, large = 0;
  for (int i = 0; i < 4000; ++i) {
    small += rng.Binomial(20, 0.25);
    large += rng.Binomial(10000, 0.1);
  }
  EXPECT_NEAR(small / 4000, 5.0, 0.1);
  EXPECT_NEAR(large / 4000, 1000.0, 2.0);
  EXPECT_EQ(rng.Binomial(0, 0.5), 0);
  EXPECT_EQ(rng.Binomial(50, 1.0), 50);
}

TEST(SimulatorTest, SameSeedGivesByteIdenticalOutput) {
  const std::string base = testing::TempDir() + "/sim_det";
  const std::string a = SimulateToDir(Small(11), base + "_a");
  const std::string b = SimulateToDir(Small(11), base + "_b");
  const std::string c = SimulateToDir(Small(12), base + "_c");
  ASSERT_GT(a.size(), 10000u);
  // EXPECT_TRUE, not EXPECT_EQ: a diff of megabytes would be useless.
  EXPECT_TRUE(a == b) << "same seed, different output";
  EXPECT_TRUE(a != c) << "different seeds, same output";
  for (const char* s : {"_a", "_b", "_c"}) {
    std::filesystem::remove_all(base + s);
  }
}

// Three shards get every author, post and event of a simulation exactly
// once, each on the shard that owns its author, in the simulator's order.
TEST(ShardedSinkTest, EveryRecordLandsOnceOnItsAuthorsShard) {
  CaptureSink all;
  ASSERT_TRUE(Simulate(Small(3), TestCorpus(), all).ok());
  std::vector<CaptureSink> shards(3);
  ShardedSink sharded({&shards[0], &shards[1], &shards[2]});
  ASSERT_TRUE(Simulate(Small(3), TestCorpus(), sharded).ok());

  std::map<std::string, int32_t> post_shard;
  size_t authors = 0, posts = 0, events = 0;
  for (int32_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(shards[i].posts.empty()) << "shard " << i;
    for (const v1::Author& a : shards[i].authors) {
      EXPECT_EQ(ShardOf(a.platform(), a.author_id(), 3), i) << a.author_id();
    }
    for (const v1::Post& p : shards[i].posts) {
      EXPECT_EQ(ShardOf(p.platform(), p.author_id(), 3), i) << p.post_id();
      post_shard[p.post_id()] = i;
    }
    authors += shards[i].authors.size();
    posts += shards[i].posts.size();
    events += shards[i].events.size();
  }
  EXPECT_EQ(authors, all.authors.size());
  EXPECT_EQ(posts, all.posts.size());
  EXPECT_EQ(post_shard.size(), all.posts.size());
  ASSERT_EQ(events, all.events.size());
  // Each shard's events are the simulator's events of its posts, in order.
  std::vector<size_t> next(3, 0);
  for (const v1::EngagementEvent& e : all.events) {
    const int32_t shard = post_shard.at(e.post_id());
    ASSERT_LT(next[shard], shards[shard].events.size());
    EXPECT_EQ(shards[shard].events[next[shard]++].event_id(), e.event_id());
  }
}

TEST(ShardedSinkTest, AnEventBeforeItsPostIsRefused) {
  CaptureSink a, b;
  ShardedSink sharded({&a, &b});
  v1::EngagementEvent e;
  e.set_event_id("e1");
  e.set_post_id("p-unknown");
  const absl::Status s = sharded.Events({e});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("event e1: its post p-unknown was not sent"),
            std::string::npos)
      << s;
  EXPECT_TRUE(a.events.empty() && b.events.empty());

  // A post sent, then forgotten: its events are refused again.
  v1::Post p;
  p.set_post_id("p1");
  p.set_platform("tiktok");
  p.set_author_id("acct-000001");
  e.set_post_id("p1");
  ASSERT_TRUE(sharded.Posts({p}).ok());
  EXPECT_TRUE(sharded.Events({e}).ok());
  sharded.ForgetPosts();
  EXPECT_EQ(sharded.Events({e}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(a.events.size() + b.events.size(), 1u);
  ShardedSink none({});
  EXPECT_EQ(none.Authors({v1::Author()}).code(),
            absl::StatusCode::kFailedPrecondition);
}

class DynamicsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    sink_ = new CaptureSink();
    SimOptions o;
    o.seed = 5;
    o.people = 500;
    o.days = 75;
    auto summary = Simulate(o, TestCorpus(), *sink_);
    ASSERT_TRUE(summary.ok()) << summary.status();
    summary_ = *summary;
  }
  static void TearDownTestSuite() { delete sink_; }
  static CaptureSink* sink_;
  static SimSummary summary_;
};
CaptureSink* DynamicsTest::sink_ = nullptr;
SimSummary DynamicsTest::summary_;

TEST_F(DynamicsTest, EventsFollowTheirPostsAndIdsAreUnique) {
  std::map<std::string, int64_t> created;
  for (const v1::Post& p : sink_->posts) {
    created[p.post_id()] = p.created_at().seconds();
  }
  std::set<std::string> ids;
  for (const v1::EngagementEvent& e : sink_->events) {
    ASSERT_EQ(created.count(e.post_id()), 1u) << e.post_id();
    EXPECT_GT(e.at().seconds(), created[e.post_id()]);
    EXPECT_GE(e.count(), 1u);
    EXPECT_TRUE(ids.insert(e.event_id()).second) << e.event_id();
  }
  EXPECT_EQ(summary_.event_records, static_cast<int64_t>(sink_->events.size()));
  EXPECT_EQ(summary_.posts, static_cast<int64_t>(sink_->posts.size()));
}

// Rates per impression by relation, over the whole simulation.
std::map<v1::Relation, double> LikeRate(const std::vector<v1::EngagementEvent>& ev) {
  std::map<v1::Relation, double> imp, likes, rate;
  for (const auto& e : ev) {
    if (e.type() == v1::EVENT_TYPE_IMPRESSION) imp[e.relation()] += e.count();
    if (e.type() == v1::EVENT_TYPE_LIKE) likes[e.relation()] += e.count();
  }
  for (auto& [r, n] : imp) rate[r] = likes[r] / n;
  return rate;
}

TEST_F(DynamicsTest, FollowersFlatterPostsStrangersJudgeThem) {
  auto rate = LikeRate(sink_->events);
  EXPECT_GT(rate[v1::RELATION_FOLLOWER], 2 * rate[v1::RELATION_STRANGER]);
  EXPECT_GT(rate[v1::RELATION_FRIEND], rate[v1::RELATION_FOLLOWER]);
}

TEST_F(DynamicsTest, ReachIsNeitherRareNorUniversal) {
  const double share = double(summary_.reached) / summary_.posts;
  EXPECT_GT(share, 0.10);
  EXPECT_LT(share, 0.60);
}

TEST_F(DynamicsTest, QualityDrivesStrangerReach) {
  double hi = 0, hi_n = 0, lo = 0, lo_n = 0;
  for (const PostTruth& t : sink_->truth) {
    (t.quality > 0.5 ? hi : lo) += t.stranger_impressions_7d >= 1000;
    (t.quality > 0.5 ? hi_n : lo_n) += 1;
  }
  EXPECT_GT(hi / hi_n, 2 * (lo / lo_n));
}

TEST_F(DynamicsTest, CrowdedTopicsReachLessThanUndersuppliedOnes) {
  std::map<std::string, std::string> topic_of;  // by hashtag-free text: use truth
  std::map<std::string, double> reached, total;
  for (size_t i = 0; i < sink_->posts.size(); ++i) {
    const std::string tag = sink_->posts[i].hashtags_size() > 0
                                ? sink_->posts[i].hashtags(0) : "";
    if (tag.empty() || tag == "howto") continue;
    reached[tag] += sink_->truth[i].stranger_impressions_7d >= 1000;
    total[tag] += 1;
  }
  ASSERT_GT(total["entertainment"], 50);
  ASSERT_GT(total["geography"], 20);
  EXPECT_LT(reached["entertainment"] / total["entertainment"],
            reached["geography"] / total["geography"]);
}

TEST_F(DynamicsTest, EvergreenTopicsKeepALongTail) {
  std::map<std::string, std::string> tag_of;
  for (const v1::Post& p : sink_->posts) {
    if (p.hashtags_size() > 0) tag_of[p.post_id()] = p.hashtags(0);
  }
  std::map<std::string, double> late, early;
  for (const auto& e : sink_->events) {
    if (e.type() != v1::EVENT_TYPE_IMPRESSION ||
        e.relation() != v1::RELATION_STRANGER) continue;
    const std::string& tag = tag_of[e.post_id()];
    const bool is_late = e.event_id().find("-h") != std::string::npos &&
                         std::stoi(e.event_id().substr(
                             e.event_id().rfind("-h") + 2)) >= 24 * 7;
    (is_late ? late : early)[tag] += e.count();
  }
  EXPECT_GT(late["health"] / early["health"],
            3 * late["entertainment"] / early["entertainment"]);
}

TEST_F(DynamicsTest, AccountsOnSeveralPlatformsKnowTheirOtherAudiences) {
  int linked = 0;
  for (const v1::Author& a : sink_->authors) {
    for (const auto& [platform, n] : a.followers_elsewhere()) {
      EXPECT_NE(platform, a.platform());
      EXPECT_GE(n, 0);
      ++linked;
    }
  }
  EXPECT_GT(linked, 50);
}

}  // namespace
}  // namespace reachrank::sim
