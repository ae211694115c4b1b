#include "services/topics/topics_core.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "services/common/test_support.h"
#include "services/topics/topics_test_models.h"

namespace reachrank::topics_service {
namespace {

using ::reachrank::testing::DefaultTopicModel;
using ::reachrank::testing::MetricValue;
using ::testing::HasSubstr;
using topics::TextItem;

class TopicsCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = core_.Reload();
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    version_ = loaded->model_version;
  }

  std::string Scrape() {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_.Collect());
    return out.str();
  }

  prometheus::Registry registry_;
  TopicsMetrics metrics_{registry_};
  TopicsCore core_{DefaultTopicModel(), metrics_};
  std::string version_;
};

TEST(TopicsCoreNoModelTest, UnavailableUntilAModelIsLoaded) {
  prometheus::Registry registry;
  TopicsMetrics metrics(registry);
  TopicsCore core(DefaultTopicModel(), metrics);
  EXPECT_FALSE(core.loaded());
  EXPECT_EQ(core.ModelVersion(), "");
  std::vector<TextItem> items = {{"a", "hello", ""}};
  EXPECT_EQ(core.ClassifyBatch(items, 3).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(core.ListTopics().status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(TopicsCoreTest, ClassifiesOnTheServingModelAndNamesIt) {
  std::vector<TextItem> items = {
      {"en", "The football team won the championship final.", ""},
      {"given", "Der Arzt untersucht den Patienten im Krankenhaus.", "de"}};
  auto outcome = core_.ClassifyBatch(items, 2);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->model_version, version_);
  EXPECT_THAT(version_, HasSubstr("-ft-"));
  ASSERT_EQ(outcome->results.size(), 2u);
  EXPECT_EQ(outcome->results[0].id, "en");
  EXPECT_EQ(outcome->results[0].language, "en");
  ASSERT_EQ(outcome->results[0].topics.size(), 2u);
  EXPECT_EQ(outcome->results[0].topics[0].topic_id, "sports");
  EXPECT_GE(outcome->results[0].topics[0].probability,
            outcome->results[0].topics[1].probability);
  EXPECT_EQ(outcome->results[1].language, "de");  // given, not detected
}

// A caption says little about its topic; its hashtags say more, in
// another language than the caption's. (Caption and hashtags read as one
// text, "Was für ein Abend! football match ...", would be detected as
// English.)
TEST_F(TopicsCoreTest, HashtagsMoveTheTopicsButNotTheLanguage) {
  const std::string caption = "Was für ein Abend!";
  const std::vector<std::string> tags = {"FootballMatch", "ChampionsLeague",
                                         "goal"};
  std::vector<TextItem> items = {{"caption", caption, ""},
                                 {"both", caption, "", tags},
                                 {"tags", "", "", tags}};
  auto outcome = core_.ClassifyBatch(items, 7);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  const auto& results = outcome->results;
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].language, "de");
  EXPECT_NE(results[0].topics[0].topic_id, "sports");
  EXPECT_EQ(results[1].language, "de");  // from the caption alone
  EXPECT_EQ(results[1].topics[0].topic_id, "sports");
  EXPECT_EQ(results[2].language, "en");  // no caption: from the hashtags
  EXPECT_EQ(results[2].topics[0].topic_id, "sports");
}

// The same hashtags written into the caption, as most captions carry them.
TEST_F(TopicsCoreTest, InlineHashtagsMoveTheTopicsButNotTheLanguage) {
  std::vector<TextItem> items = {
      {"inline", "Was für ein Abend! #FootballMatch #ChampionsLeague #goal",
       ""},
      {"only", "#FootballMatch #ChampionsLeague #goal", ""}};
  auto outcome = core_.ClassifyBatch(items, 2);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  const auto& results = outcome->results;
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].language, "de");
  EXPECT_EQ(results[0].topics[0].topic_id, "sports");
  EXPECT_EQ(results[1].language, "en");
  EXPECT_EQ(results[1].topics[0].topic_id, "sports");
}

TEST_F(TopicsCoreTest, BlankTextHasNoTopicsAndLanguageUnd) {
  std::vector<TextItem> items = {{"blank", " \t\n ", ""}, {"empty", "", ""}};
  auto outcome = core_.ClassifyBatch(items, 3);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  for (const topics::Classification& c : outcome->results) {
    EXPECT_TRUE(c.topics.empty()) << c.id;
    EXPECT_EQ(c.language, "und") << c.id;
  }
}

TEST_F(TopicsCoreTest, BadInputIsRefusedNamingTheItem) {
  std::vector<TextItem> bad_utf8 = {{"ok", "fine", ""}, {"x7", "caf\xc3", ""}};
  absl::Status s = core_.ClassifyBatch(bad_utf8, 3).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("items[1]"));
  EXPECT_THAT(s.message(), HasSubstr("x7"));
  EXPECT_THAT(s.message(), HasSubstr("UTF-8"));

  std::vector<TextItem> long_text = {
      {"long", std::string(topics::kMaxTextBytes + 1, 'a'), ""}};
  s = core_.ClassifyBatch(long_text, 3).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("items[0]"));

  std::vector<TextItem> long_id = {{std::string(129, 'i'), "text", ""}};
  s = core_.ClassifyBatch(long_id, 3).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("items[0].id"));

  // A language tag as ingest and rank take it: BCP 47's letters, digits
  // and hyphens.
  for (const std::string& language :
       {std::string("bad lang!"), std::string("中文"), std::string(36, 'a')}) {
    std::vector<TextItem> bad_language = {{"ok", "fine", "en"},
                                          {"l", "text", language}};
    EXPECT_EQ(core_.ClassifyBatch(bad_language, 3).status(),
              absl::InvalidArgumentError(
                  "items[1].language: must be at most 35 bytes of "
                  "[A-Za-z0-9-]"))
        << language;
  }
  std::vector<TextItem> tagged = {{"t", "text", "zh-Hant-TW"}};
  EXPECT_TRUE(core_.ClassifyBatch(tagged, 3).ok());

  EXPECT_EQ(core_.ClassifyBatch({}, 3).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<TextItem> too_many(topics::kMaxBatchItems + 1,
                                 TextItem{"i", "text", ""});
  EXPECT_EQ(core_.ClassifyBatch(too_many, 3).status().code(),
            absl::StatusCode::kResourceExhausted);
  too_many[5].language = "en_US!!";  // the size is judged first
  EXPECT_EQ(
      core_.ClassifyBatch(too_many, 3).status(),
      absl::ResourceExhaustedError("items: 1001 items, at most 1000 per call"));
  std::vector<TextItem> most(topics::kMaxBatchItems, TextItem{"i", "text", ""});
  EXPECT_TRUE(core_.ClassifyBatch(most, 1).ok());
}

TEST_F(TopicsCoreTest, ListTopicsGivesTheTaxonomyWithNames) {
  auto list = core_.ListTopics();
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->model_version, version_);
  ASSERT_EQ(list->topics.size(), 7u);
  for (const topics::Topic& t : list->topics) {
    for (const char* language : {"en", "de", "zh"}) {
      EXPECT_FALSE(t.display_names.at(language).empty()) << t.id;
    }
  }
  EXPECT_EQ(list->topics[1].id, "travel");
  EXPECT_EQ(list->topics[1].display_names.at("de"), "Reisen");
  EXPECT_EQ(list->topics[1].display_names.at("zh"), "旅行");
}

TEST_F(TopicsCoreTest, ReloadSwapsToTheNewVersion) {
  auto other = testing::MakeRenamedTopicModel("other");
  ASSERT_TRUE(other.ok()) << other.status();
  auto swapped = core_.Reload(*other);
  ASSERT_TRUE(swapped.ok()) << swapped.status();
  EXPECT_EQ(swapped->previous_model_version, version_);
  EXPECT_THAT(swapped->model_version, ::testing::StartsWith("other-ft-"));
  EXPECT_EQ(core_.ModelVersion(), swapped->model_version);
  // An empty directory reloads the configured one.
  auto back = core_.Reload();
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->model_version, version_);
  EXPECT_EQ(back->previous_model_version, swapped->model_version);
}

TEST_F(TopicsCoreTest, StopsBetweenChunksAndAnswersNothing) {
  std::vector<TextItem> items(
      1000, {"a", "The football team won the championship final.", "en"});
  int asked = 0;
  auto outcome =
      core_.ClassifyBatch(items, 1, [&asked] { return ++asked == 3; });
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(outcome.status().message(),
              HasSubstr("stopped after " + std::to_string(2 * topics::kClassifyChunk) +
                        " of 1000 items"));
  EXPECT_EQ(asked, 3);
  EXPECT_FALSE(MetricValue(Scrape(),
                           "reachrank_topics_classified_total{language="
                           "\"en\",topic=\"sports\"}")
                   .ok());
}

TEST_F(TopicsCoreTest, AsksBeforeEveryChunkOfACompleteCall) {
  std::vector<TextItem> items(
      topics::kClassifyChunk + 1, {"a", "Der Zug nach Berlin fährt ab.", "de"});
  int asked = 0;
  auto outcome = core_.ClassifyBatch(items, 1, [&asked] {
    ++asked;
    return false;
  });
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->results.size(), topics::kClassifyChunk + 1);
  EXPECT_EQ(asked, 2);
}

TEST_F(TopicsCoreTest, BrokenModelIsRefusedAndTheOldOneServes) {
  auto broken = testing::MakeBrokenTopicModel();
  ASSERT_TRUE(broken.ok()) << broken.status();
  absl::Status s = core_.Reload(*broken).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr(*broken));
  EXPECT_THAT(s.message(), HasSubstr("still serving " + version_));
  s = core_.Reload("/nonexistent/model").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(core_.ModelVersion(), version_);
  std::vector<TextItem> items = {{"a", "Der Zug nach Berlin fährt ab.", ""}};
  EXPECT_TRUE(core_.ClassifyBatch(items, 1).ok());
}

TEST_F(TopicsCoreTest, MetricsCountTextsAndShowTheServingModel) {
  std::vector<TextItem> items = {
      {"a", "The football team won the championship final.", "en"},
      {"b", "The football team won the championship final.", "en-GB"},
      {"c", "  ", ""}};
  ASSERT_TRUE(core_.ClassifyBatch(items, 1).ok());
  std::string body = Scrape();
  EXPECT_EQ(*MetricValue(body,
                         "reachrank_topics_classified_total{language="
                         "\"en\",topic=\"sports\"}"),
            2);
  EXPECT_EQ(*MetricValue(body,
                         "reachrank_topics_classified_total{language="
                         "\"und\",topic=\"none\"}"),
            1);
  EXPECT_EQ(*MetricValue(body, "reachrank_topics_model_info{model_version=\"" +
                                   version_ + "\"}"),
            1);
  EXPECT_EQ(*MetricValue(body, "reachrank_topics_reloads_total{result=\"ok\"}"),
            1);
}

}  // namespace
}  // namespace reachrank::topics_service
