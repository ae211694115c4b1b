#include "services/cli/comparison_report.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::cli {
namespace {

using ::testing::HasSubstr;

ranking::HoldoutFigures Figures(const std::string& name,
                                const std::string& version, double auc) {
  ranking::HoldoutFigures f;
  f.name = name;
  f.model_version = version;
  f.metrics.rows = 100;
  f.metrics.positive_rate = 0.4;
  f.metrics.auc = auc;
  f.metrics.log_loss = 0.5;
  f.metrics.expected_calibration_error = 0.05;
  f.calibration.resize(10);
  for (size_t b = 0; b < 10; ++b) {
    f.calibration[b].low = 0.1 * b;
    f.calibration[b].high = 0.1 * (b + 1);
  }
  return f;
}

// The line of `text` that starts with `prefix`.
std::string LineStarting(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

TEST(ComparisonReportTest, ALongVersionWidensTheColumnAndKeepsItAligned) {
  std::vector<ranking::HoldoutFigures> figures = {
      Figures("draft", "prior-v1-calibrated-20261129-144533", 0.8481),
      Figures("prior draft", "prior-v1", 0.7123)};
  figures[0].baseline = "prior draft";
  figures[0].versus_baseline = ranking::AucDifference{0.1358, 0.01};
  std::ostringstream out;
  PrintComparison(figures, std::nullopt, out);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("same holdout for every model: 100 posts, "
                              "positive rate 0.400\n"));
  const std::string header = LineStarting(text, "model ");
  const std::string draft = LineStarting(text, "draft ");
  const std::string prior = LineStarting(text, "prior draft ");
  ASSERT_FALSE(header.empty() || draft.empty() || prior.empty()) << text;
  // The AUC column ends at the same place on every row.
  const size_t end = header.find("AUC") + 3;
  EXPECT_EQ(draft.find("0.8481") + 6, end) << text;
  EXPECT_EQ(prior.find("0.7123") + 6, end) << text;
  EXPECT_THAT(text, HasSubstr("draft - prior draft: +0.1358 (95% CI"));
}

}  // namespace
}  // namespace reachrank::cli
