// Runs the real `reachrank import` and `reachrank score` and checks their
// exit codes and files.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/batch/batch_testing.h"
#include "services/common/test_support.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;

class BatchCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = reachrank::testing::MakeTempDir("batch-cli");
    ASSERT_TRUE(dir.ok());
    dir_ = new std::string(*dir);
    sim::SimOptions options;
    options.seed = 9;
    options.people = 40;
    options.days = 30;
    auto data = testing::Simulate(options);
    ASSERT_TRUE(data.ok()) << data.status();
    Write("history.jsonl",
          absl::StrJoin(testing::ImportLines(*data), "\n") + "\n");
    Write("drafts.jsonl", testing::DraftsJsonl(testing::DraftsFromPosts(
                              data->posts, 300)));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string Path(const std::string& name) {
    return *dir_ + "/" + name;
  }
  static void Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary) << text;
  }
  static std::string Read(const std::string& name) {
    std::ifstream in(Path(name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // Runs the CLI to completion; its exit code, or -1.
  static int Run(const std::vector<std::string>& args) {
    auto child = reachrank::testing::ChildProcess::Spawn(
        REACHRANK_CLI_BINARY, args, Path("cli.log"));
    if (!child.ok()) return -1;
    auto status = (*child)->Wait(absl::Minutes(3));
    if (!status.ok() || !WIFEXITED(*status)) return -1;
    return WEXITSTATUS(*status);
  }
  static std::string* dir_;
};

std::string* BatchCliTest::dir_ = nullptr;

TEST_F(BatchCliTest, ImportThenScoreWithExitCodes) {
  const std::string db = Path("db");
  ASSERT_EQ(Run({"import", Path("history.jsonl"), "--db", db}), 0);
  // Idempotent: a second import counts nothing new.
  ASSERT_EQ(Run({"import", Path("history.jsonl"), "--db", db}), 0);
  EXPECT_THAT(Read("cli.log"), HasSubstr("events 0 counted"));

  ASSERT_EQ(Run({"score", Path("drafts.jsonl"), "--db", db, "-o",
                 Path("scores.jsonl"), "--threads", "2"}),
            0);
  std::vector<std::string> lines =
      absl::StrSplit(Read("scores.jsonl"), '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 300u);
  EXPECT_THAT(Read("cli.log"), HasSubstr("score: 300 scored, 0 failed"));

  // A bad line: reported, the rest scored, exit 3.
  std::string drafts = Read("drafts.jsonl");
  drafts.insert(drafts.find('\n') + 1, "{\"draft_id\": \"broken\"\n");
  Write("bad.jsonl", drafts);
  ASSERT_EQ(Run({"score", Path("bad.jsonl"), "--db", db, "-o",
                 Path("bad.out"), "--format", "csv"}),
            3);
  const std::vector<std::string> rows =
      absl::StrSplit(Read("bad.out"), '\n', absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 302u);  // the header and 301 records
  // A score with every surface share, then the bad line's error record.
  EXPECT_THAT(rows[1], ::testing::ContainsRegex(
                           "^1,[^,]+,[0-9.e-]+,[0-9.e-]+(,[0-9.e-]+){6},"));
  EXPECT_THAT(rows[2],
              ::testing::StartsWith("2,,,,,,,,,,,,,,\"INVALID_ARGUMENT: not a "
                                    "Draft in JSON"));
  EXPECT_THAT(Read("cli.log"), HasSubstr("score: 300 scored, 1 failed"));
}

TEST_F(BatchCliTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--no-such-flag"}), 2);
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--format", "xml"}), 2);
  EXPECT_EQ(Run({"score"}), 2);
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--db", Path("db"),
                 "--resume", "-o", "-"}),
            2);
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--server", "127.0.0.1:1",
                 "--db", Path("db")}),
            2);
}

}  // namespace
}  // namespace reachrank::batch
