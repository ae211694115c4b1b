#include "services/batch/progress.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::batch {
namespace {

using ::testing::EndsWith;
using ::testing::StartsWith;

TEST(FormatProgressTest, BarCountsPercentRateAndEta) {
  EXPECT_EQ(FormatProgress(45, 100, absl::Seconds(9), 0, "drafts"),
            "[#############.................] 45/100  45%  5/s  ETA 0:11");
  EXPECT_EQ(FormatProgress(45, std::nullopt, absl::Seconds(9), 0, "drafts"),
            "45 drafts  5/s");
  EXPECT_EQ(FormatProgress(45, std::nullopt, absl::Seconds(9), 0, "posts"),
            "45 posts  5/s");
}

TEST(ProgressBarTest, DrawsItsLabelAndEndsTheLine) {
  std::ostringstream out;
  ProgressBar bar(out, "train: posts", "posts", 10, 0);
  bar.Finish(10);
  EXPECT_THAT(out.str(),
              StartsWith("\rtrain: posts: [" + std::string(30, '#') +
                         "] 10/10 100%"));
  EXPECT_THAT(out.str(), EndsWith("\n"));
}

}  // namespace
}  // namespace reachrank::batch
