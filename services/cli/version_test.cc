// Every binary answers --version with its name, the project version and the
// revision it was built from, and exits 0 without starting anything.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "reachrank_revision.h"  // generated: REACHRANK_BUILD_REVISION
#include "services/cli/cli_testing.h"

namespace reachrank::cli {
namespace {

using testing::RunShell;
using testing::ShellQuote;

struct Binary {
  const char* name;
  const char* path;
};

class VersionTest : public ::testing::TestWithParam<Binary> {};

TEST_P(VersionTest, PrintsNameVersionAndRevision) {
  const testing::CommandResult run =
      RunShell(ShellQuote(GetParam().path) + " --version", false);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output,
            absl::StrCat(GetParam().name, " ", REACHRANK_EXPECTED_VERSION,
                         " (revision ", REACHRANK_BUILD_REVISION, ")\n"));
}

INSTANTIATE_TEST_SUITE_P(
    Binaries, VersionTest,
    ::testing::Values(Binary{"reachrank", REACHRANK_CLI_BINARY},
                      Binary{"reachrank-ingest", REACHRANK_INGEST_BINARY},
                      Binary{"reachrank-topics", REACHRANK_TOPICS_BINARY},
                      Binary{"reachrank-rank", REACHRANK_RANK_BINARY}),
    [](const ::testing::TestParamInfo<Binary>& info) {
      std::string name = info.param.name;
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace reachrank::cli
