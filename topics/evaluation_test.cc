#include "topics/evaluation.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::topics {
namespace {

using ::testing::HasSubstr;

// Answers with the topic its text names ("travel" -> travel, p 1), nothing
// for an empty text, and "zh" as the language of every text it is not told
// the language of. Evaluation's own arithmetic is what is under test.
class TopicInTheText : public TopicClassifier {
 public:
  absl::StatusOr<std::vector<Classification>> Classify(
      absl::Span<const TextItem> items, int top_k) override {
    EXPECT_EQ(top_k, 1);
    std::vector<Classification> out;
    for (const TextItem& item : items) {
      Classification c;
      c.id = item.id;
      c.language = item.language.empty() ? "zh" : item.language;
      if (!item.text.empty()) c.topics.push_back({item.text, 1.0f});
      out.push_back(std::move(c));
    }
    return out;
  }
  std::string ModelVersion() const override { return "topic-in-the-text"; }
};

TEST(EvaluateTest, TalliesConfusionLanguagesAndMacroF1) {
  const std::vector<Example> examples = {
      {"travel", "travel", "en"},  {"travel", "travel", "en"},
      {"sports", "travel", "en"},  {"sports", "sports", "de"},
      {"", "sports", "de"},        {"health", "health", ""},
  };
  TopicInTheText classifier;
  absl::StatusOr<EvalReport> report =
      Evaluate(classifier, examples, {"sports", "travel"});
  ASSERT_TRUE(report.ok()) << report.status();
  // "health" is appended after the given order.
  EXPECT_EQ(report->topics,
            (std::vector<std::string>{"sports", "travel", "health"}));
  // Rows: truth; columns: predicted, then "no topic".
  EXPECT_EQ(report->confusion, (std::vector<std::vector<int>>{
                                   {1, 0, 0, 1}, {1, 2, 0, 0}, {0, 0, 1, 0}}));
  EXPECT_EQ(report->overall.correct, 4);
  EXPECT_EQ(report->overall.total, 6);
  EXPECT_EQ(report->by_language.at("en").correct, 2);
  EXPECT_EQ(report->by_language.at("en").total, 3);
  EXPECT_EQ(report->by_language.at("de").correct, 1);
  // No language given: the classifier's answer counts.
  EXPECT_EQ(report->by_language.at("zh").total, 1);
  // F1: sports 2*1/(2+2), travel 2*2/(3+2), health 2*1/(1+1).
  EXPECT_NEAR(report->macro_f1, (0.5 + 0.8 + 1.0) / 3, 1e-12);
}

// Answers "travel" for every text.
class AlwaysTravel : public TopicClassifier {
 public:
  absl::StatusOr<std::vector<Classification>> Classify(
      absl::Span<const TextItem> items, int) override {
    std::vector<Classification> out;
    for (const TextItem& item : items) {
      out.push_back({item.id, {{"travel", 1.0f}}, "de"});
    }
    return out;
  }
  std::string ModelVersion() const override { return "always-travel"; }
};

TEST(ComparePairedTest, CountsWhereOnlyOneIsRight) {
  const std::vector<Example> examples = {
      {"travel", "travel", "en"},  // both right
      {"sports", "travel", "en"},  // only b
      {"sports", "sports", "de"},  // only a
      {"", "sports", "de"},        // neither
      {"health", "health", ""},    // only a; a detects "zh"
  };
  TopicInTheText a;
  AlwaysTravel b;
  absl::StatusOr<PairedReport> report = ComparePaired(a, b, examples);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->overall.total, 5);
  EXPECT_EQ(report->overall.only_a, 2);
  EXPECT_EQ(report->overall.only_b, 1);
  EXPECT_DOUBLE_EQ(report->overall.difference(), 0.2);
  // se = sqrt(2 + 1 - 1 / 5) / 5
  const double half = 1.959963984540054 * std::sqrt(2.8) / 5;
  const auto [low, high] = report->overall.Interval95();
  EXPECT_NEAR(low, 0.2 - half, 1e-12);
  EXPECT_NEAR(high, std::min(1.0, 0.2 + half), 1e-12);
  EXPECT_EQ(report->by_language.at("en").only_b, 1);
  EXPECT_EQ(report->by_language.at("de").only_a, 1);
  EXPECT_EQ(report->by_language.at("de").total, 2);
  EXPECT_EQ(report->by_language.at("zh").only_a, 1);
  EXPECT_THAT(FormatPaired(*report),
              HasSubstr("en    -50.00 points  95% CI "));
  EXPECT_THAT(FormatPaired(*report),
              HasSubstr("(only a right: 2, only b right: 1, of 5)\n"));
  EXPECT_EQ(PairedTally{}.Interval95(), std::make_pair(0.0, 0.0));
}

TEST(TallyTest, WilsonInterval) {
  auto [low, high] = Tally{150, 204}.Interval95();
  EXPECT_NEAR(low, 0.670809480, 1e-8);
  EXPECT_NEAR(high, 0.791081042, 1e-8);
  std::tie(low, high) = Tally{3, 4}.Interval95();
  EXPECT_NEAR(low, 0.300641843, 1e-8);
  EXPECT_NEAR(high, 0.954412739, 1e-8);
  // At the edges it stays inside [0, 1] and is not empty.
  std::tie(low, high) = Tally{0, 5}.Interval95();
  EXPECT_DOUBLE_EQ(low, 0.0);
  EXPECT_NEAR(high, 0.434482465, 1e-8);
  std::tie(low, high) = Tally{5, 5}.Interval95();
  EXPECT_NEAR(low, 0.565517535, 1e-8);
  EXPECT_DOUBLE_EQ(high, 1.0);
  EXPECT_EQ(Tally{}.Interval95(), std::make_pair(0.0, 1.0));
}

TEST(FormatReportTest, AccuracyLinesCarryTheirInterval) {
  EvalReport report;
  report.topics = {"travel"};
  report.confusion = {{150, 54}};
  report.overall = {150, 204};
  report.by_language["zh"] = {150, 204};
  report.macro_f1 = 0.5;
  const std::string text = FormatReport(report);
  EXPECT_THAT(text, HasSubstr("accuracy zh     73.53 %  (150/204)  "
                              "95% CI 67.08-79.11 %\n"));
  EXPECT_THAT(text, HasSubstr("accuracy all    73.53 %  (150/204)"));
  EXPECT_THAT(text, HasSubstr("macro-F1        50.00 %\n"));
}

}  // namespace
}  // namespace reachrank::topics
