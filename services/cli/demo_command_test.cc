// Runs the real `reachrank demo` with its smallest sensible settings and
// checks the table it prints: a p_reach and reasons for every sample draft.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "services/cli/cli_testing.h"

namespace reachrank::cli {
namespace {

using testing::Lines;
using testing::RunShell;
using testing::ShellQuote;

// The drafts demo_command.cc scores.
const char* const kSampleDrafts[] = {"en-howto", "de-howto", "zh-howto",
                                     "en-daily", "de-daily", "zh-daily"};

// A draft's row: its p_reach (third column) and the reason lines below it.
struct DraftRow {
  double p_reach = -1.0;
  bool new_account = false;
  std::vector<std::string> reasons;
};

DraftRow FindRow(const std::vector<std::string>& lines, const std::string& id) {
  DraftRow row;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::vector<std::string> cells =
        absl::StrSplit(lines[i], ' ', absl::SkipEmpty());
    if (cells.size() < 4 || cells[0] != id) continue;
    if (!absl::SimpleAtod(cells[2], &row.p_reach)) row.p_reach = -1.0;
    row.new_account = absl::StrContains(lines[i], "(new account)");
    for (size_t j = i + 1; j < lines.size(); ++j) {
      const std::string prefix = absl::StrCat(row.reasons.size() + 1, ". ");
      const size_t at = lines[j].find_first_not_of(' ');
      if (at == std::string::npos || lines[j].compare(at, prefix.size(),
                                                      prefix) != 0) {
        break;
      }
      row.reasons.push_back(lines[j].substr(at + prefix.size()));
    }
    break;
  }
  return row;
}

TEST(DemoCommandTest, PrintsPReachAndReasonsForEverySampleDraft) {
  const std::string dir = ::testing::TempDir() + "/demo_command_test";
  std::filesystem::remove_all(dir);
  const testing::CommandResult r = RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " demo --data ",
      ShellQuote(dir + "/data"), " --people 60 --days 30 --seed 7"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> lines = Lines(r.output);
  int new_accounts = 0;
  for (const char* id : kSampleDrafts) {
    const DraftRow row = FindRow(lines, id);
    EXPECT_GE(row.p_reach, 0.0) << id << "\n" << r.output;
    EXPECT_LE(row.p_reach, 1.0) << id;
    EXPECT_EQ(row.reasons.size(), 2u) << id << "\n" << r.output;
    for (const std::string& reason : row.reasons) {
      EXPECT_GT(reason.size(), 10u) << id;
      // A new account has no history the reasons could speak of.
      if (row.new_account) {
        EXPECT_FALSE(absl::StrContains(reason, "recent posts")) << reason;
        EXPECT_FALSE(absl::StrContains(reason, "letzten Beiträge")) << reason;
        EXPECT_FALSE(absl::StrContains(reason, "最近的帖子")) << reason;
      }
    }
    new_accounts += row.new_account ? 1 : 0;
  }
  EXPECT_EQ(new_accounts, 5) << "one draft is by a simulated author";
  EXPECT_TRUE(absl::StrContains(r.output, "where to look next:"));
  // Every server refuses to start without a transport security choice.
  EXPECT_TRUE(absl::StrContains(
      r.output,
      absl::StrCat("  reachrank serve --data ", dir, "/data --rank-model ", dir,
                   "/data/models --insecure\n")))
      << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/data/models/draft/model.json"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/data/models/live/model.json"));
}

TEST(DemoCommandTest, RefusesANonEmptyDataDirectory) {
  const std::string dir = ::testing::TempDir() + "/demo_command_test_busy";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/data/something");
  const testing::CommandResult r =
      RunShell(absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY), " demo --data ",
                            ShellQuote(dir + "/data")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(r.output, "is not empty")) << r.output;
}

}  // namespace
}  // namespace reachrank::cli
