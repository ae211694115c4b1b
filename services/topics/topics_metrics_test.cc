#include "services/topics/topics_metrics.h"

#include <gtest/gtest.h>

#include <sstream>

#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "services/common/test_support.h"

namespace reachrank::topics_service {
namespace {

using ::reachrank::testing::MetricValue;

std::string Scrape(prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

TEST(LanguageLabelTest, KnownPrimaryTagsElseOther) {
  EXPECT_EQ(LanguageLabel("en"), "en");
  EXPECT_EQ(LanguageLabel("EN-gb"), "en");
  EXPECT_EQ(LanguageLabel("zh-Hans"), "zh");
  EXPECT_EQ(LanguageLabel("de"), "de");
  EXPECT_EQ(LanguageLabel("und"), "und");
  EXPECT_EQ(LanguageLabel("fr"), "other");
  EXPECT_EQ(LanguageLabel("other"), "other");
  EXPECT_EQ(LanguageLabel(""), "other");
}

TEST(TopicsMetricsTest, ModelInfoShowsOnlyTheServingVersion) {
  prometheus::Registry registry;
  TopicsMetrics metrics(registry);
  metrics.ModelServing("", "a-ft-1");
  metrics.ModelServing("a-ft-1", "b-ft-2");
  std::string body = Scrape(registry);
  EXPECT_EQ(*MetricValue(
                body, "reachrank_topics_model_info{model_version=\"b-ft-2\"}"),
            1);
  EXPECT_FALSE(
      MetricValue(body, "reachrank_topics_model_info{model_version=\"a-ft-1\"}")
          .ok());
  metrics.ModelServing("b-ft-2", "b-ft-2");  // reload of the same model
  EXPECT_EQ(
      *MetricValue(Scrape(registry),
                   "reachrank_topics_model_info{model_version=\"b-ft-2\"}"),
      1);
}

TEST(TopicsMetricsTest, ClassifiedCountsByTopTopicAndLanguage) {
  prometheus::Registry registry;
  TopicsMetrics metrics(registry);
  std::vector<topics::Classification> results = {
      {"1", {{"travel", 0.8f}, {"sports", 0.1f}}, "de"},
      {"2", {{"travel", 0.6f}}, "de-AT"},
      {"3", {}, "und"}};
  metrics.Classified(results);
  metrics.Reloaded(false);
  std::string body = Scrape(registry);
  EXPECT_EQ(*MetricValue(body,
                         "reachrank_topics_classified_total{language="
                         "\"de\",topic=\"travel\"}"),
            2);
  EXPECT_EQ(*MetricValue(body,
                         "reachrank_topics_classified_total{language="
                         "\"und\",topic=\"none\"}"),
            1);
  EXPECT_EQ(
      *MetricValue(body, "reachrank_topics_reloads_total{result=\"refused\"}"),
      1);
}

}  // namespace
}  // namespace reachrank::topics_service
