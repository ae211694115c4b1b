// Runs the real `reachrank admin reclassify` on a small simulated database
// (its posts classified at ingest by the same default model) and checks
// what it changes.
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/cli/cli_testing.h"

namespace reachrank::cli {
namespace {

using ::testing::HasSubstr;
using testing::RunShell;
using testing::ShellQuote;

std::string Reclassify(const std::string& db, const std::string& flags) {
  return RunShell(absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY),
                               " admin reclassify --db ", ShellQuote(db), " ",
                               flags))
      .output;
}

TEST(ReclassifyCommandTest, ChangesOnlyWhatAnotherClassificationChanges) {
  const std::string dir = ::testing::TempDir() + "/reclassify_command_test";
  std::filesystem::remove_all(dir);
  const std::string db = dir + "/db";
  const auto simulated = RunShell(
      absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY), " simulate --data ",
                   ShellQuote(db), " --people 20 --days 5 --seed 1"));
  ASSERT_EQ(simulated.exit_code, 0) << simulated.output;
  ASSERT_THAT(simulated.output, HasSubstr(" 83 posts"));

  // Classified at ingest by the same model: nothing to change.
  EXPECT_THAT(Reclassify(db, ""), HasSubstr(": 83 posts with sib200-ft-"));
  EXPECT_THAT(Reclassify(db, ""),
              HasSubstr(": 0 changed (0 with another top topic), 0 refused"));
  // Two topics per post instead of three: every post changes, none moves.
  EXPECT_THAT(Reclassify(db, "--top-k 2"),
              HasSubstr(": 83 changed (0 with another top topic)"));
  EXPECT_THAT(Reclassify(db, "--top-k 2"), HasSubstr(": 0 changed"));

  const auto missing = RunShell(absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY),
                                             " admin reclassify --db ",
                                             ShellQuote(dir + "/none")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr("--db: no database at"));
}

}  // namespace
}  // namespace reachrank::cli
