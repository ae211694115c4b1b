#include "ranking/explain.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "ranking/feature_names.h"
#include "ranking/model/model.h"
#include "ranking/model/segmented_logistic_model.h"
#include "ranking/prior.h"

namespace reachrank::ranking {
namespace {


constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A live row: crowded travel (6x), flattering followers, a focused account.
std::vector<float> Row() {
  std::vector<float> row(kNumFeatures, kNaN);
  row[kTopicTravel] = 0.9f;
  row[kTopicSaturationLog2] = std::log2(6.0f);
  row[kTopicStrangerEngagementRate] = 0.12f;
  row[kCueUtility] = 0;
  row[kCueDailyLife] = 1;
  row[kAcctNicheFocus] = 0.8f;
  row[kAcctCadenceRegularity] = 0.7f;
  row[kEarlyStrangerCompletionRate] = 0.2f;
  row[kEarlyFollowerCompletionRate] = 0.8f;
  row[kEarlyStrangerLikeRate] = 0.02f;
  return row;
}

TEST(ExplainTest, SentencesInThreeLanguages) {
  const std::vector<float> row = Row();
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "en"),
            "The topic 'Travel' had 6× more new posts than stranger demand "
            "this week");
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "de"),
            "Das Thema „Reisen“ hatte diese Woche 6× mehr neue Beiträge als "
            "Nachfrage von Fremden");
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "zh"),
            "本周「旅行」话题的新帖数量是陌生人需求的6倍");
  EXPECT_EQ(FactorMessage("follower_flattery", false, row, "travel", "en"),
            "Followers liked it; strangers left before the end (80% vs 20% "
            "finished)");
  EXPECT_EQ(FactorMessage("stranger_reaction", false, row, "travel", "de"),
            "Fremde sind vor dem Ende gegangen: 20 % bis zum Schluss, 2 % "
            "Likes");
  EXPECT_EQ(FactorMessage("niche_focus", true, row, "travel", "zh"),
            "你在这个平台上持续专注一个领域（专注度80%）");
  // Unknown languages answer in English.
  EXPECT_EQ(FactorMessage("cadence", true, row, "", "fr"),
            "You post on a regular schedule");
}

TEST(ExplainTest, GermanWritesADecimalComma) {
  std::vector<float> row = Row();
  row[kTopicSaturationLog2] = std::log2(6.5f);
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "de"),
            "Das Thema „Reisen“ hatte diese Woche 6,5× mehr neue Beiträge "
            "als Nachfrage von Fremden");
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "en"),
            "The topic 'Travel' had 6.5× more new posts than stranger demand "
            "this week");
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "zh"),
            "本周「旅行」话题的新帖数量是陌生人需求的6.5倍");
}

TEST(ExplainTest, LargeNumbersAreGroupedPerLanguage) {
  std::vector<float> row = Row();
  row[kAcctStrangerReachLog] = std::log1p(12000.0f);
  EXPECT_EQ(FactorMessage("account_history", true, row, "travel", "en"),
            "Your recent posts reached strangers: about 12,000 stranger "
            "impressions per post");
  EXPECT_EQ(FactorMessage("account_history", true, row, "travel", "de"),
            "Deine letzten Beiträge erreichten Fremde: etwa 12.000 "
            "Impressionen von Fremden pro Beitrag");
  EXPECT_EQ(FactorMessage("account_history", true, row, "travel", "zh"),
            "你最近的帖子触达了陌生人：平均每帖约12,000次陌生人曝光");
  row[kAcctStrangerReachLog] = std::log1p(1500.0f);  // de: 4 digits ungrouped
  EXPECT_EQ(FactorMessage("account_history", true, row, "travel", "de"),
            "Deine letzten Beiträge erreichten Fremde: etwa 1500 "
            "Impressionen von Fremden pro Beitrag");
  // From a million up, 3 significant digits (the float log's last ones
  // are noise: 2e9 came back as 1,999,998,671).
  row[kAcctStrangerReachLog] = std::log1p(1234567.0f);
  EXPECT_EQ(FactorMessage("account_history", true, row, "travel", "en"),
            "Your recent posts reached strangers: about 1,230,000 stranger "
            "impressions per post");
  row[kAcctFollowersLog] = std::log1p(2e9f);
  EXPECT_EQ(FactorMessage("audience_on_platform", true, row, "travel", "de"),
            "Dein Publikum auf dieser Plattform (2.000.000.000 Follower) gibt "
            "dem Beitrag Anschub");
}

TEST(ExplainTest, MissingFiguresAreWordedNotPrinted) {
  const std::vector<float> empty(kNumFeatures, kNaN);
  for (const char* language : {"en", "de", "zh"}) {
    for (const char* factor : kFactors) {
      for (bool positive : {true, false}) {
        for (const char* topic : {"travel", ""}) {
          const std::string m =
              FactorMessage(factor, positive, empty, topic, language);
          EXPECT_EQ(m.find('?'), std::string::npos) << factor << " " << m;
          EXPECT_EQ(m.find("nan"), std::string::npos) << factor << " " << m;
          EXPECT_EQ(m.find('{'), std::string::npos) << factor << " " << m;
          EXPECT_NE(m, factor) << language;
        }
      }
    }
  }
  EXPECT_EQ(FactorMessage("audience_on_platform", false, empty, "", "en"),
            "You are new on this platform: no followers yet");
  EXPECT_EQ(FactorMessage("audience_on_platform", false, empty, "", "zh"),
            "你是这个平台的新账号：还没有粉丝");
  // A new account's 0 followers are a figure, not a missing one.
  std::vector<float> row = empty;
  row[kAcctFollowersLog] = 0;
  EXPECT_EQ(FactorMessage("audience_on_platform", false, row, "", "de"),
            "Dein Publikum auf dieser Plattform ist noch klein (0 Follower)");
}

// A new account's row as the feature extractor fills it (docs/features.md):
// no posts, so its reach figure is the prior's 200, not a history.
std::vector<float> NewAccountRow() {
  std::vector<float> row = Row();
  row[kAcctFollowersLog] = 0;
  row[kAcctAgeDaysLog] = 0;
  row[kAcctPosts90dLog] = 0;
  row[kAcctStrangerReachLog] = std::log1p(200.0f);
  return row;
}

TEST(ExplainTest, NewAccountClaimsNoHistory) {
  const std::vector<float> row = NewAccountRow();
  for (bool positive : {true, false}) {
    EXPECT_EQ(FactorMessage("account_history", positive, row, "travel", "en"),
              "This account is new on this platform: no history yet for "
              "strangers to go on");
  }
  EXPECT_EQ(FactorMessage("account_history", false, row, "travel", "de"),
            "Dieses Konto ist neu auf dieser Plattform: noch kein Verlauf, an "
            "dem sich Fremde orientieren können");
  EXPECT_EQ(FactorMessage("account_history", false, row, "travel", "zh"),
            "这是该平台上的新账号：还没有可供陌生人参考的历史");
  // An unknown join date with no posts is new too.
  std::vector<float> unknown_age = row;
  unknown_age[kAcctAgeDaysLog] = kNaN;
  EXPECT_EQ(FactorMessage("account_history", false, unknown_age, "", "en"),
            "This account is new on this platform: no history yet for "
            "strangers to go on");
}

TEST(ExplainTest, DormantAccountClaimsNoRecentHistory) {
  std::vector<float> row = NewAccountRow();
  row[kAcctAgeDaysLog] = std::log1p(400.0f);
  EXPECT_EQ(FactorMessage("account_history", false, row, "", "en"),
            "This account has not posted on this platform in the last 90 "
            "days: no recent history for strangers to go on");
  EXPECT_EQ(FactorMessage("account_history", false, row, "", "zh"),
            "该账号近90天未在这个平台发帖：没有可供陌生人参考的近期历史");
}

TEST(ExplainTest, AccountWithPostsKeepsItsFigure) {
  std::vector<float> row = NewAccountRow();
  row[kAcctPosts90dLog] = std::log1p(4.0f);
  row[kAcctStrangerReachLog] = std::log1p(150.0f);
  EXPECT_EQ(FactorMessage("account_history", false, row, "", "en"),
            "Your recent posts rarely reached strangers: about 150 stranger "
            "impressions per post");
}

TEST(ExplainTest, SaturationNearOneIsBalanced) {
  std::vector<float> row = Row();
  for (float ratio : {1.0f, 1.04f, 0.9f, 1.2f}) {
    row[kTopicSaturationLog2] = std::log2(ratio);
    for (bool positive : {true, false}) {
      EXPECT_EQ(FactorMessage("topic_saturation", positive, row, "travel",
                              "en"),
                "New posts in 'Travel' and stranger demand were balanced "
                "this week")
          << ratio;
    }
  }
  row[kTopicSaturationLog2] = 0;
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "de"),
            "Beim Thema „Reisen“ hielten sich neue Beiträge und Nachfrage von "
            "Fremden diese Woche die Waage");
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "zh"),
            "本周「旅行」话题的新帖供给与陌生人需求大致平衡");
  // A post without a topic has no topic market to speak of.
  for (const char* factor :
       {"topic_saturation", "topic_demand", "evergreen_topic"}) {
    EXPECT_EQ(FactorMessage(factor, false, row, "", "en"),
              "Its topic is not known (none could be told from its words, or "
              "it is not classified yet), so nothing is known of its topic's "
              "supply and demand");
  }
  // No posts in the topic this week: the ratio is the smoothing's 1.
  row[kTopicSupply7dLog] = 0;
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "en"),
            "Too few posts this week to compare its topic's new posts with "
            "stranger demand");
  row[kTopicSupply7dLog] = std::log1p(30.0f);
  // Outside the band the figures are said again.
  row[kTopicSaturationLog2] = std::log2(1.5f);
  EXPECT_EQ(FactorMessage("topic_saturation", false, row, "travel", "en"),
            "The topic 'Travel' had 1.5× more new posts than stranger demand "
            "this week");
  row[kTopicSaturationLog2] = std::log2(0.5f);
  EXPECT_EQ(FactorMessage("topic_saturation", true, row, "travel", "en"),
            "Strangers want more 'Travel' than is posted: new posts were only "
            "0.5× of stranger demand this week");
}

// A message case: the features that differ from Row(), the factor, the
// sign of its contribution, the post's topic, the language, the sentence.
struct MessageCase {
  std::vector<std::pair<int, float>> features;
  const char* factor;
  bool positive;
  const char* topic;
  const char* language;
  const char* expected;
};

void ExpectMessages(const std::vector<MessageCase>& cases) {
  for (const MessageCase& c : cases) {
    std::vector<float> row = Row();
    for (const auto& [feature, value] : c.features) row[feature] = value;
    EXPECT_EQ(FactorMessage(c.factor, c.positive, row, c.topic, c.language),
              c.expected)
        << c.factor << (c.positive ? " +" : " -") << " " << c.language;
  }
}

// A variant's judgement ("still small", "rarely reached strangers") is said
// only when the figure bears it out; otherwise the figure is stated plainly
// with the direction of the contribution (a tree model weighs a figure
// against the typical post, and a factor sums several features).
TEST(ExplainTest, AccountJudgementsNeverContradictTheirFigures) {
  const float posts = std::log1p(20.0f);
  // One case per block, its scalars on one line.
  // clang-format off
  ExpectMessages({
      {{{kAcctPosts90dLog, posts},
        {kAcctStrangerReachLog, std::log1p(76722.0f)}},
       "account_history", false, "", "en",
       "Your recent posts had about 76,722 stranger impressions each; "
       "compared with a typical post, that lowers its chances"},
      {{{kAcctPosts90dLog, posts},
        {kAcctStrangerReachLog, std::log1p(76722.0f)}},
       "account_history", true, "", "en",
       "Your recent posts reached strangers: about 76,722 stranger "
       "impressions per post"},
      {{{kAcctPosts90dLog, posts}, {kAcctStrangerReachLog, std::log1p(300.0f)}},
       "account_history", true, "", "de",
       "Deine letzten Beiträge hatten je etwa 300 Impressionen von Fremden; "
       "verglichen mit einem typischen Beitrag erhöht das die Chancen"},
      {{{kAcctFollowersLog, std::log1p(49695.0f)}},
       "audience_on_platform", false, "", "zh",
       "你在这个平台有49,695位粉丝；与典型帖子相比，这降低了它的机会"},
      {{{kAcctFollowersLog, std::log1p(6.0f)}},
       "audience_on_platform", true, "", "en",
       "You have 6 followers on this platform; compared with a typical post, "
       "that raises its chances"},
      {{{kAcctFollowersLog, std::log1p(1.0f)}},
       "audience_on_platform", false, "", "en",
       "Your audience on this platform is still small (1 follower)"},
      {{{kAcctNicheFocus, 1.0f}},
       "niche_focus", false, "", "en",
       "Your posts on this platform have 100% niche focus; compared with a "
       "typical post, that lowers its chances"},
      {{{kAcctCadenceRegularity, 0.3f}},
       "cadence", true, "", "en",
       "Your posting rhythm on this platform is 30% regular; compared with a "
       "typical post, that raises its chances"},
      {{{kAcctCadenceRegularity, 0.3f}},
       "cadence", false, "", "en",
       "Your posting is irregular"},
      // Under 3 posts: no rhythm to judge, either way.
      {{{kAcctCadenceRegularity, kNaN}},
       "cadence", true, "", "en",
       "Too few posts on this platform yet to judge your posting rhythm"},
      {{{kAcctCadenceRegularity, kNaN}},
       "cadence", false, "", "en",
       "Too few posts on this platform yet to judge your posting rhythm"},
  });
  // clang-format on
}

// The same for the topic's market. The engagement rate has no level that
// is good everywhere: always plain, per 100 impressions (completions make
// most of it), with a decimal below 10.
TEST(ExplainTest, TopicJudgementsNeverContradictTheirFigures) {
  // One case per block, its scalars on one line.
  // clang-format off
  ExpectMessages({
      {{{kTopicEvergreenRatio, 0.2f}},
       "evergreen_topic", true, "travel", "en",
       "Posts in 'Travel' earn 0.2× their first week's stranger impressions "
       "in the weeks after; compared with a typical post, that raises its chances"},
      {{{kTopicEvergreenRatio, 0.2f}},
       "evergreen_topic", false, "travel", "en",
       "'Travel' fades fast: posts earn little after their first week"},
      {{{kTopicSaturationLog2, std::log2(113.0f)}},
       "topic_saturation", true, "travel", "en",
       "New posts in 'Travel' were 113× stranger demand this week; compared "
       "with a typical post, that raises its chances"},
      {{{kTopicStrangerEngagementRate, 0.56f}},
       "topic_demand", false, "politics", "en",
       "Strangers made 56 engagements (completions included) per 100 "
       "impressions of 'Politics' this week; compared with a typical post, "
       "that lowers its chances"},
      {{{kTopicStrangerEngagementRate, 0.003f}},
       "topic_demand", true, "politics", "de",
       "Fremde kamen diese Woche auf 0,3 Interaktionen (vollständige "
       "Wiedergaben eingeschlossen) pro 100 Impressionen von „Politik“; "
       "verglichen mit einem typischen Beitrag erhöht das die Chancen"},
      {{{kTopicStrangerEngagementRate, 0.56f}},
       "topic_demand", true, "politics", "zh",
       "本周陌生人对「政治」每100次曝光产生56次互动（含完播）；与典型帖子相比，"
       "这提高了它的机会"},
  });
  // clang-format on
}

// The same for a live post's first hours; counts of 1 in the singular (11
// is not 1). Strangers left, followers stayed: never "reacted alike", and
// no praise of likes that round to 0 %.
TEST(ExplainTest, EarlyJudgementsNeverContradictTheirFigures) {
  const float two_hours = 2;
  // One case per block, its scalars on one line.
  // clang-format off
  ExpectMessages({
      {{{kEarlyStrangerCompletionRate, 0.7f}},
       "stranger_reaction", false, "", "en",
       "70% of strangers finished it and 2% liked it; compared with a "
       "typical post, that lowers its chances"},
      {{{kEarlyPostAgeHours, two_hours},
        {kEarlyImprStrangerLog, std::log1p(5000.0f)}},
       "early_reach", false, "", "en",
       "5,000 strangers saw it in its first 2 hours; compared with a typical "
       "post, that lowers its chances"},
      {{{kEarlyPostAgeHours, two_hours},
        {kEarlyImprStrangerLog, std::log1p(5000.0f)}},
       "early_reach", true, "", "en",
       "It already reached 5,000 strangers in 2 hours"},
      {{{kEarlyPostAgeHours, two_hours},
        {kEarlyImprStrangerLog, std::log1p(40.0f)}},
       "early_reach", false, "", "en",
       "Only 40 strangers saw it in its first 2 hours"},
      {{{kEarlyPostAgeHours, 1}, {kEarlyImprStrangerLog, std::log1p(1.0f)}},
       "early_reach", false, "", "en",
       "Only 1 stranger saw it in its first hour"},
      {{{kEarlyPostAgeHours, 1}, {kEarlyImprStrangerLog, std::log1p(1.0f)}},
       "early_reach", false, "", "de",
       "In der ersten Stunde sah ihn nur ein Fremder"},
      {{{kEarlyPostAgeHours, 11}, {kEarlyImprStrangerLog, std::log1p(11.0f)}},
       "early_reach", false, "", "en",
       "Only 11 strangers saw it in its first 11 hours"},
      {{{kEarlyPostAgeHours, 0}, {kEarlyImprStrangerLog, std::log1p(3.0f)}},
       "early_reach", false, "", "en",
       "Only 3 strangers saw it in its first hour"},
      {{{kEarlyPostAgeHours, 0}, {kEarlyImprStrangerLog, std::log1p(3.0f)}},
       "early_reach", false, "", "de",
       "In der ersten Stunde sahen ihn nur 3 Fremde"},
      {{{kEarlyPostAgeHours, 0}, {kEarlyImprStrangerLog, std::log1p(3.0f)}},
       "early_reach", false, "", "zh",
       "发布后第一个小时内只有3位陌生人看到"},
      {{{kEarlyPostAgeHours, 10}, {kEarlyImprStrangerLog, std::log1p(3.0f)}},
       "early_reach", false, "", "en",
       "Only 3 strangers saw it in its first 10 hours"},
      {{{kEarlyFollowerCompletionRate, 0.2f},
        {kEarlyStrangerCompletionRate, 0.7f}},
       "follower_flattery", true, "", "en",
       "20% of followers and 70% of strangers finished it; compared with a "
       "typical post, that raises its chances"},
      {{{kEarlyFollowerCompletionRate, 0.75f},
        {kEarlyStrangerCompletionRate, 0.7f}},
       "follower_flattery", true, "", "en",
       "Followers and strangers reacted alike (75% vs 70% finished)"},
      {{{kEarlyStrangerCompletionRate, 0.7f}, {kEarlyStrangerLikeRate, 0.004f}},
       "stranger_reaction", true, "", "en",
       "70% of strangers finished it and 0% liked it; compared with a "
       "typical post, that raises its chances"},
      {{{kEarlyStrangerCompletionRate, 0.7f}, {kEarlyStrangerLikeRate, 0.03f}},
       "stranger_reaction", true, "", "en",
       "Strangers watched to the end (70%) and liked it (3%)"},
  });
  // clang-format on
}

TEST(ExplainTest, GroupsSortsAndKeepsSigns) {
  const std::vector<float> row = Row();
  std::vector<float> contributions(kNumFeatures + 1, 0.0f);
  contributions[kTopicSaturationLog2] = -0.9f;
  contributions[kTopicSupply7dLog] = -0.1f;  // same factor
  contributions[kAcctNicheFocus] = 0.4f;
  contributions[kEarlyFollowerCompletionRate] = -0.2f;
  contributions[kEarlyStrangerCompletionRate] = -0.6f;
  contributions[kNumFeatures] = 3.0f;  // bias: not a factor
  const std::vector<Reason> reasons =
      Explain(row, contributions, "travel", "en", 3);
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_EQ(reasons[0].factor, "topic_saturation");
  EXPECT_FLOAT_EQ(reasons[0].contribution, -1.0f);
  EXPECT_NEAR(reasons[0].value, 6.0, 1e-5);
  EXPECT_EQ(reasons[1].factor, "stranger_reaction");
  EXPECT_FLOAT_EQ(reasons[1].contribution, -0.6f);
  EXPECT_EQ(reasons[2].factor, "niche_focus");
  EXPECT_GT(reasons[2].contribution, 0);
  EXPECT_EQ(reasons[2].message,
            "You post consistently in one niche on this platform (80% focus)");
}

TEST(ExplainTest, EveryFeatureHasAFactorWithSentences) {
  for (size_t f = 0; f < kNumFeatures; ++f) {
    const absl::string_view factor = FactorOf(static_cast<int>(f));
    EXPECT_NE(FactorMessage(factor, true, Row(), "travel", "en"), factor)
        << LiveFeatureNames()[f];
  }
}

TEST(PriorTest, ContributionsSumToTheMargin) {
  for (FeatureSet set : {FeatureSet::kDraft, FeatureSet::kLive}) {
    auto model = MakePriorModel(set);
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ((*model)->version(), "prior-v1");
    std::vector<float> row = Row();
    row.resize(NumFeatures(set));
    const size_t n = row.size();
    float margin = 0;
    std::vector<float> c(n + 1);
    ASSERT_TRUE((*model)->PredictMargin(row.data(), 1, n, &margin).ok());
    ASSERT_TRUE((*model)->PredictContributions(row.data(), 1, n, c.data()).ok());
    double sum = 0;
    for (float x : c) sum += x;
    EXPECT_NEAR(sum, margin, 1e-5);
  }
}

TEST(PriorTest, CenteredRowHasTheCenterMargin) {
  auto model = MakePriorModel(FeatureSet::kDraft);
  ASSERT_TRUE(model.ok());
  std::vector<float> row(kNumDraftFeatures, 0.0f);
  for (const PriorTerm& t : PriorTerms(FeatureSet::kDraft)) {
    for (size_t i = 0; i < kNumDraftFeatures; ++i) {
      if (DraftFeatureNames()[i] == t.feature) {
        row[i] = static_cast<float>(t.center);
      }
    }
  }
  float margin = 0;
  ASSERT_TRUE(
      (*model)->PredictMargin(row.data(), 1, kNumDraftFeatures, &margin).ok());
  EXPECT_NEAR(margin, PriorCenterMargin(FeatureSet::kDraft), 1e-4);
}

// Unknown is neutral: a missing feature takes its center, so a row with
// every feature missing scores the center margin, every contribution is 0,
// and the prior written to a directory scores it the same when loaded.
TEST(PriorTest, MissingFeaturesMoveNothing) {
  for (FeatureSet set : {FeatureSet::kDraft, FeatureSet::kLive}) {
    auto model = MakePriorModel(set);
    ASSERT_TRUE(model.ok()) << model.status();
    const size_t n = NumFeatures(set);
    const std::vector<float> row(n, std::numeric_limits<float>::quiet_NaN());
    float margin = 0;
    ASSERT_TRUE((*model)->PredictMargin(row.data(), 1, n, &margin).ok());
    EXPECT_NEAR(margin, PriorCenterMargin(set), 1e-4);
    std::vector<float> c(n + 1);
    ASSERT_TRUE((*model)->PredictContributions(row.data(), 1, n, c.data()).ok());
    for (size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(c[i], 0.0f, 1e-6) << FeatureNames(set)[i];
    }
    EXPECT_NEAR(c[n], margin, 1e-4);

    const std::string dir =
        ::testing::TempDir() + "prior_missing_" + std::to_string(n);
    ASSERT_TRUE(WritePriorModelDir(set, dir).ok());
    auto loaded = Model::Load(dir, FeatureNames(set));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    float loaded_margin = 0;
    ASSERT_TRUE((*loaded)->PredictMargin(row.data(), 1, n, &loaded_margin).ok());
    EXPECT_NEAR(loaded_margin, margin, 1e-4);
  }
}

// A live row with every prior feature off its center and the age `age`.
std::vector<float> OffCenterLiveRow(float age) {
  const std::vector<std::string>& names = FeatureNames(FeatureSet::kLive);
  std::vector<float> row(names.size(), 0.5f);
  for (const PriorTerm& t : PriorTerms(FeatureSet::kLive)) {
    const size_t f = std::find(names.begin(), names.end(), t.feature) -
                     names.begin();
    row[f] = static_cast<float>(t.center + 0.3);
  }
  row[kEarlyPostAgeHours] = age;
  return row;
}

// The two parts add up to the margin; a scaled prior written as JSON
// gives scaling.Margin(parts), with contributions summing to it.
TEST(PriorTest, ScaledPartsAreWhatTheWrittenModelScores) {
  const FeatureSet set = FeatureSet::kLive;
  const std::vector<float> row = OffCenterLiveRow(4.0f);
  const size_t n = row.size();
  auto prior = MakePriorModel(set);
  ASSERT_TRUE(prior.ok());
  float margin = 0;
  ASSERT_TRUE((*prior)->PredictMargin(row.data(), 1, n, &margin).ok());
  const PriorParts parts = PriorPartsOf(set, row.data());
  EXPECT_NEAR(kPriorCenterMargin + parts.draft + parts.early, margin, 1e-4);
  double early = 0;  // the early terms by hand: each 0.3 off, the age 2
  for (size_t t = PriorTerms(FeatureSet::kDraft).size();
       t < PriorTerms(set).size(); ++t) {
    const PriorTerm& term = PriorTerms(set)[t];
    const bool age = std::string(term.feature) == "early_post_age_hours";
    early += term.weight * (age ? 4.0 - term.center : 0.3);
  }
  EXPECT_NEAR(parts.early, early, 1e-5);

  const PriorScaling scaling{0.5, 3.0, -2.0};
  absl::StatusOr<SegmentedLogisticModel> scaled =
      SegmentedLogisticModel::ParseJson(PriorModelJson(set, scaling),
                                        FeatureNames(set));
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  float scaled_margin = 0;
  ASSERT_TRUE(scaled->PredictMargin(row.data(), 1, n, &scaled_margin).ok());
  EXPECT_NEAR(scaled_margin, scaling.Margin(parts), 1e-4);
  std::vector<float> c(n + 1);
  ASSERT_TRUE(scaled->PredictContributions(row.data(), 1, n, c.data()).ok());
  double sum = 0;
  for (float v : c) sum += v;
  EXPECT_NEAR(sum, scaled_margin, 1e-4);
  // The bias is the offset: every term is measured from its center.
  EXPECT_NEAR(c[n], -2.0, 1e-4);
}

// Past the label's horizon (7 days) a post's age weighs as at the horizon:
// a year-old post is not scored ever lower for its age (its margin went
// to -80 at 8,000 hours) — in the built-in prior, the one written to a
// directory, a scaled one, and its parts.
TEST(PriorTest, AgePastTheHorizonCountsAsTheHorizon) {
  const FeatureSet set = FeatureSet::kLive;
  const std::vector<float> at_horizon = OffCenterLiveRow(168.0f);
  const std::vector<float> year_old = OffCenterLiveRow(8000.0f);
  const std::vector<float> day_old = OffCenterLiveRow(24.0f);
  const size_t n = at_horizon.size();
  auto prior = MakePriorModel(set);
  ASSERT_TRUE(prior.ok());
  const std::string dir = ::testing::TempDir() + "prior_horizon";
  ASSERT_TRUE(WritePriorModelDir(set, dir).ok());
  auto loaded = Model::Load(dir, FeatureNames(set));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  for (const Model* model : {prior->get(), loaded->get()}) {
    float horizon = 0, year = 0, day = 0;
    ASSERT_TRUE(model->PredictMargin(at_horizon.data(), 1, n, &horizon).ok());
    ASSERT_TRUE(model->PredictMargin(year_old.data(), 1, n, &year).ok());
    ASSERT_TRUE(model->PredictMargin(day_old.data(), 1, n, &day).ok());
    EXPECT_FLOAT_EQ(year, horizon);
    EXPECT_NEAR(day - horizon, 0.01 * (168 - 24), 1e-4);
  }
  EXPECT_DOUBLE_EQ(PriorPartsOf(set, year_old.data()).early,
                   PriorPartsOf(set, at_horizon.data()).early);
  absl::StatusOr<SegmentedLogisticModel> scaled =
      SegmentedLogisticModel::ParseJson(PriorModelJson(set, {0.5, 3.0, -2.0}),
                                        FeatureNames(set));
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  float horizon = 0, year = 0;
  ASSERT_TRUE(scaled->PredictMargin(at_horizon.data(), 1, n, &horizon).ok());
  ASSERT_TRUE(scaled->PredictMargin(year_old.data(), 1, n, &year).ok());
  EXPECT_FLOAT_EQ(year, horizon);
}

TEST(PriorTest, SegmentedJsonPicksTheScalingByAge) {
  const FeatureSet set = FeatureSet::kLive;
  const std::vector<PriorSegment> segments = {
      {2.0, {1.0, 0.0, -1.0}},
      {24.0, {0.5, 2.0, -3.0}},
      {0.0, {0.1, 5.0, 0.5}}};
  absl::StatusOr<SegmentedLogisticModel> model =
      SegmentedLogisticModel::ParseJson(SegmentedPriorModelJson(set, segments),
                                        FeatureNames(set));
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ(model->num_segments(), 3u);
  for (auto [age, s] : {std::pair{1.0f, 0}, std::pair{2.0f, 0},
                        std::pair{6.0f, 1}, std::pair{72.0f, 2}}) {
    const std::vector<float> row = OffCenterLiveRow(age);
    float margin = 0;
    ASSERT_TRUE(model->PredictMargin(row.data(), 1, row.size(), &margin).ok());
    const PriorParts parts = PriorPartsOf(set, row.data());
    EXPECT_NEAR(margin, segments[s].scaling.Margin(parts), 1e-4)
        << age;
  }
  // One segment is the plain form.
  EXPECT_EQ(SegmentedPriorModelJson(set, {segments[0]}),
            PriorModelJson(set, segments[0].scaling));
}

}  // namespace
}  // namespace reachrank::ranking
