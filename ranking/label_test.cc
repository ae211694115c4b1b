#include "ranking/label.h"

#include "gtest/gtest.h"
#include "storage/test_util.h"

namespace reachrank::ranking {
namespace {

using storage::testing::MakeEvent;
using storage::testing::T0;

TEST(LabelConfigsTest, BuiltInDefault) {
  LabelConfigs configs;
  const LabelConfig& c = configs.For("douyin");
  EXPECT_EQ(c.counter, ReachCounter::kStrangerImpressions);
  EXPECT_EQ(c.threshold, 1000);
  EXPECT_EQ(c.horizon, absl::Hours(24 * 7));
}

TEST(LabelConfigsTest, PlatformOverridesInheritTheDefault) {
  auto configs = LabelConfigs::Parse(R"({
    "default": {"threshold": 2000},
    "platforms": {"youtube": {"counter": "stranger_views",
                              "horizon_days": 14}}})");
  ASSERT_TRUE(configs.ok()) << configs.status();
  EXPECT_EQ(configs->For("tiktok").threshold, 2000);
  const LabelConfig& yt = configs->For("youtube");
  EXPECT_EQ(yt.counter, ReachCounter::kStrangerViews);
  EXPECT_EQ(yt.threshold, 2000);
  EXPECT_EQ(yt.horizon, absl::Hours(24 * 14));
}

TEST(LabelConfigsTest, RejectsBadFields) {
  EXPECT_EQ(LabelConfigs::Parse(R"({"default": {"counter": "likes"}})")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto bad = LabelConfigs::Parse(R"({"platforms": {"x": {"threshold": 0}}})");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("platforms.x.threshold"),
            std::string::npos);
  // "Reach >= 1.5" cannot be kept in an integer threshold: refused, not
  // rounded down to 1.
  EXPECT_EQ(LabelConfigs::Parse(R"({"default": {"threshold": 1.5}})").status(),
            absl::InvalidArgumentError(
                "default.threshold: must be an integer in [1, 1e15]"));
  EXPECT_EQ(LabelConfigs::Parse(R"({"default": {"threshold": 2e3}})")
                ->For("x")
                .threshold,
            2000);
  EXPECT_FALSE(LabelConfigs::Parse("{nope").ok());
  EXPECT_EQ(LabelConfigs::Load("/nonexistent/labels.json").status().code(),
            absl::StatusCode::kNotFound);
}

// The label decides what "reached" means: a misspelt key or a platform no
// post can have would leave a built-in value in force unseen.
TEST(LabelConfigsTest, RejectsUnknownKeysAndPlatformIds) {
  EXPECT_EQ(LabelConfigs::Parse(R"({"default": {"treshold": 10}})").status(),
            absl::InvalidArgumentError(
                "default.treshold: unknown key (counter, threshold, "
                "horizon_days)"));
  EXPECT_EQ(
      LabelConfigs::Parse(R"({"platforms": {"x": {"horizon": 3}}})").status(),
      absl::InvalidArgumentError("platforms.x.horizon: unknown key (counter, "
                                 "threshold, horizon_days)"));
  EXPECT_EQ(LabelConfigs::Parse(R"({"platform": {}})").status(),
            absl::InvalidArgumentError(
                "platform: unknown key (default, platforms, label, "
                "definition)"));
  // Words for readers, as configs of earlier releases carry them.
  EXPECT_TRUE(LabelConfigs::Parse(R"({"label": "reached", "definition": )"
                                  R"("impressions >= 1000"})")
                  .ok());
  EXPECT_EQ(LabelConfigs::Parse(R"({"label": 3})").status(),
            absl::InvalidArgumentError(
                "label: must be a string (it is for readers only)"));
  EXPECT_EQ(
      LabelConfigs::Parse(R"({"platforms": {"YouTube": {"threshold": 5}}})")
          .status(),
      absl::InvalidArgumentError("platforms.YouTube: a platform id must match "
                                 "[a-z0-9_]{1,32}, as a post's"));
  EXPECT_TRUE(LabelConfigs::Parse(
                  R"({"platforms": {"wechat_channels": {"threshold": 5}}})")
                  .ok());
}

// The config the Kubernetes manifests mount is one the services accept.
TEST(LabelConfigsTest, TheShippedKubernetesConfigLoads) {
  absl::StatusOr<LabelConfigs> shipped =
      LabelConfigs::Load(REACHRANK_K8S_LABELS);
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(shipped->For("youtube").threshold, 1000);
  EXPECT_EQ(shipped->For("douyin").horizon, absl::Hours(24 * 7));
}

TEST(ComputeLabelTest, CountsOnlyTheHorizon) {
  storage::testing::ScopedTempDir dir;
  auto store = storage::Store::Open(storage::testing::OptionsFor(dir.path()));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(
      (*store)->PutPosts({storage::testing::MakePost("p", "a", T0())}).ok());
  ASSERT_TRUE((*store)
                  ->RecordEvents(
                      {MakeEvent("e1", "p", v1::EVENT_TYPE_IMPRESSION,
                                 T0() + absl::Hours(30), 600),
                       MakeEvent("e2", "p", v1::EVENT_TYPE_IMPRESSION,
                                 T0() + absl::Hours(24 * 6), 500),
                       MakeEvent("e3", "p", v1::EVENT_TYPE_IMPRESSION,
                                 T0() + absl::Hours(24 * 8), 5000),
                       MakeEvent("e4", "p", v1::EVENT_TYPE_LIKE,
                                 T0() + absl::Hours(5), 7)},
                      T0())
                  .ok());
  LabelConfig config;
  auto label = ComputeLabel(**store, "p", T0(), config);
  ASSERT_TRUE(label.ok());
  EXPECT_EQ(label->reach, 1100);
  EXPECT_TRUE(label->reached);
  config.counter = ReachCounter::kStrangerLikes;
  label = ComputeLabel(**store, "p", T0(), config);
  ASSERT_TRUE(label.ok());
  EXPECT_EQ(label->reach, 7);
  EXPECT_FALSE(label->reached);
}

// A post created at 10:40 has its label counting events until 11:00 seven
// days later (the hour in progress at the horizon counts whole): an event
// at 10:50 that day moves it, so it settles at 11:00, not 10:40.
TEST(ComputeLabelTest, SettlesAtTheEndOfTheHorizonsHour) {
  const absl::Time created = absl::FromCivil(
      absl::CivilMinute(2026, 1, 2, 10, 40), absl::UTCTimeZone());
  const absl::Duration week = absl::Hours(24 * 7);
  EXPECT_EQ(LabelSettledAt(created, week), created + week + absl::Minutes(20));
  const absl::Time on_the_hour = absl::FromCivil(
      absl::CivilMinute(2026, 1, 2, 10, 0), absl::UTCTimeZone());
  EXPECT_EQ(LabelSettledAt(on_the_hour, week), on_the_hour + week);

  storage::testing::ScopedTempDir dir;
  auto store = storage::Store::Open(storage::testing::OptionsFor(dir.path()));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(
      (*store)->PutPosts({storage::testing::MakePost("p", "a", created)}).ok());
  ASSERT_TRUE(
      (*store)
          ->RecordEvents({MakeEvent("late", "p", v1::EVENT_TYPE_IMPRESSION,
                                    created + week + absl::Minutes(10), 1000)},
                         created)
          .ok());
  auto label = ComputeLabel(**store, "p", created, LabelConfig());
  ASSERT_TRUE(label.ok());
  EXPECT_TRUE(label->reached);  // counted: before LabelSettledAt
}

}  // namespace
}  // namespace reachrank::ranking
