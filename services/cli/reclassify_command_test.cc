// Runs the real `reachrank admin reclassify` on a small simulated database
// (its posts classified at ingest by the same default model) and checks
// what it changes.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

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

// What `reachrank admin check --db` prints.
std::string Check(const std::string& db) {
  return RunShell(absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY),
                               " admin check --db ", ShellQuote(db)))
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

  // Another model (3 epochs): a dry run lists the top-topic moves it would
  // make and stores nothing.
  const auto trained = RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " topics train --data ",
      ShellQuote(REACHRANK_SIB200_DIR "/eng_Latn/train.tsv"), " ",
      ShellQuote(REACHRANK_SIB200_DIR "/deu_Latn/train.tsv"), " ",
      ShellQuote(REACHRANK_SIB200_DIR "/zho_Hans/train.tsv"), " --taxonomy ",
      ShellQuote(REACHRANK_SIB200_DIR "/taxonomy.tsv"),
      " --epoch 3 --name tiny --out ", ShellQuote(dir + "/tiny")));
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const std::string dry =
      Reclassify(db, "--top-k 2 --dry-run --show-moves 3 --topics-model " +
                         ShellQuote(dir + "/tiny"));
  EXPECT_THAT(dry, HasSubstr(": 83 posts with tiny-ft-"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      dry, m, std::regex(R"(: (\d+) would change \((\d+) with another top)")))
      << dry;
  EXPECT_GT(std::stoi(m[2]), 0) << dry;
  const std::vector<std::string> lines = testing::Lines(dry);
  const int moves = static_cast<int>(
      std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
        return std::regex_match(
            l, std::regex(R"(  top topic \S+ -> \S+: \d+ posts)"));
      }));
  EXPECT_EQ(moves, std::min(3, std::stoi(m[2]))) << dry;
  EXPECT_THAT(Reclassify(db, "--top-k 2"), HasSubstr(": 0 changed"));

  // Posts moved to other top topics, and back, take their engagement with
  // them: every topic row still equals what its posts make.
  const std::string tiny =
      Reclassify(db, "--top-k 2 --topics-model " + ShellQuote(dir + "/tiny"));
  EXPECT_THAT(tiny, HasSubstr(absl::StrCat(": ", m[1].str(), " changed (",
                                           m[2].str(), " with another top")));
  EXPECT_THAT(Check(db), HasSubstr(": 83 posts, "));
  EXPECT_THAT(Check(db), HasSubstr(" topic rows: consistent\n"));
  EXPECT_THAT(Reclassify(db, "--top-k 2"),
              HasSubstr(absl::StrCat(" changed (", m[2].str(), " with")));
  const auto back = RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " admin check --db ", ShellQuote(db)));
  EXPECT_EQ(back.exit_code, 0) << back.output;
  EXPECT_THAT(back.output, HasSubstr(" topic rows: consistent\n"));

  const auto missing = RunShell(absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY),
                                             " admin reclassify --db ",
                                             ShellQuote(dir + "/none")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr("--db: no database at"));
}

}  // namespace
}  // namespace reachrank::cli
