#include "services/rank/convert.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace reachrank::rank {
namespace {

TEST(ToReachScore, CopiesEveryField) {
  ranking::ScoreResult s;
  s.id = "post-1";
  s.p_reach = 0.25;
  s.expected_stranger_impressions = 640;
  s.surface_mix = {{"SURFACE_FOLLOWING", 0.5},
                   {"SURFACE_RECOMMENDED", 0.3},
                   {"SURFACE_SEARCH", 0.2}};
  s.reasons = {{"topic_saturation", 6, -0.4, "crowded"}};
  s.topics = {{"travel", 0.75f}};
  s.model_version = "prior-v1";
  v1::ReachScore out;
  ToReachScore(s, &out);
  EXPECT_EQ(out.id(), "post-1");
  EXPECT_EQ(out.p_reach(), 0.25);
  EXPECT_EQ(out.expected_stranger_impressions(), 640);
  ASSERT_EQ(out.surface_mix_size(), 3);
  EXPECT_EQ(out.surface_mix().at("SURFACE_FOLLOWING"), 0.5);
  EXPECT_EQ(out.surface_mix().at("SURFACE_RECOMMENDED"), 0.3);
  EXPECT_EQ(out.surface_mix().at("SURFACE_SEARCH"), 0.2);
  for (const auto& [name, share] : out.surface_mix()) {
    v1::Surface surface;
    EXPECT_TRUE(v1::Surface_Parse(name, &surface)) << name;
  }
  ASSERT_EQ(out.reasons_size(), 1);
  EXPECT_EQ(out.reasons(0).factor(), "topic_saturation");
  EXPECT_EQ(out.reasons(0).value(), 6);
  EXPECT_EQ(out.reasons(0).contribution(), -0.4);
  EXPECT_EQ(out.reasons(0).message(), "crowded");
  ASSERT_EQ(out.topics_size(), 1);
  EXPECT_EQ(out.topics(0).topic_id(), "travel");
  EXPECT_EQ(out.topics(0).probability(), 0.75f);
  EXPECT_EQ(out.model_version(), "prior-v1");
}

TEST(ToAsOf, UnsetMeansNow) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(1'700'000'000);
  ts.set_nanos(500'000'000);
  EXPECT_EQ(ToAsOf(false, ts), std::nullopt);
  EXPECT_EQ(ToAsOf(true, ts),
            absl::FromUnixSeconds(1'700'000'000) + absl::Milliseconds(500));
}

TEST(ReasonLanguage, DefaultsToEnglish) {
  EXPECT_EQ(ReasonLanguage(""), "en");
  EXPECT_EQ(ReasonLanguage("zh"), "zh");
}

TEST(ToItemStatus, SplitsFieldAndRule) {
  v1::ItemStatus item = ToItemStatus(
      7, "d7", absl::InvalidArgumentError("platform: must match [a-z]"));
  EXPECT_EQ(item.index(), 7u);
  EXPECT_EQ(item.id(), "d7");
  EXPECT_EQ(item.code(), 3);
  EXPECT_EQ(item.field(), "platform");
  EXPECT_EQ(item.message(), "must match [a-z]");
  item = ToItemStatus(0, "d0", absl::InvalidArgumentError("no field here"));
  EXPECT_EQ(item.field(), "");
  EXPECT_EQ(item.message(), "no field here");
}

}  // namespace
}  // namespace reachrank::rank
