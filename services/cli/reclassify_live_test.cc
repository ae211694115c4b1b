// Runs the real reachrank-topics and reachrank-ingest on free loopback
// ports, fills the database with `reachrank simulate --server`, and has
// `reachrank admin reclassify --server` classify its posts again through
// the running service (ReclassifyPosts) while it keeps serving.
#include <grpcpp/client_context.h>

#include <memory>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/cli/cli_testing.h"
#include "services/common/test_support.h"
#include "services/ingest/ingest_test_client.h"
#include "services/topics/topics_test_models.h"
#include "services/topics/topics_test_process.h"

namespace reachrank::cli {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::RunShell;
using testing::ShellQuote;

CommandResult Reclassify(const std::string& flags) {
  return RunShell(absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY),
                               " admin reclassify ", flags));
}

// The number N of "... N posts" in simulate's summary, or -1.
int SimulatedPosts(const std::string& output) {
  std::smatch m;
  return std::regex_search(output, m, std::regex(" (\\d+) posts"))
             ? std::stoi(m[1])
             : -1;
}

int TopicsOf(v1::IngestService::Stub& ingest, const std::string& post_id) {
  v1::GetPostStatsRequest request;
  request.set_post_id(post_id);
  v1::GetPostStatsResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  grpc::Status status = ingest.GetPostStats(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.topics_size();
}

TEST(ReclassifyLiveTest, ClassifiesAgainThroughTheRunningIngestService) {
  auto dir = reachrank::testing::MakeTempDir("reclassify_live");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto topics = reachrank::testing::TopicsProcess::Start(
      reachrank::testing::DefaultTopicModel(), *dir + "/topics.log");
  ASSERT_TRUE(topics.ok()) << topics.status();
  auto ingest = reachrank::testing::IngestProcess::Start(
      *dir + "/db", *dir + "/ingest.log", {"--topics", (*topics)->address()});
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  const std::string server = (*ingest)->address();
  const std::string start = absl::FormatTime(
      "%Y-%m-%d", absl::Now() - absl::Hours(24 * 8), absl::UTCTimeZone());
  const CommandResult simulated = RunShell(
      absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY), " simulate --server ",
                   server, " --people 20 --days 5 --seed 1 --start ", start));
  ASSERT_EQ(simulated.exit_code, 0) << simulated.output;
  const int posts = SimulatedPosts(simulated.output);
  ASSERT_GT(posts, 0) << simulated.output;

  // Classified at ingest by the same model and top_k: nothing changes.
  CommandResult same = Reclassify("--server " + server);
  ASSERT_EQ(same.exit_code, 0) << same.output;
  EXPECT_THAT(same.output,
              HasSubstr(absl::StrCat(": ", posts, " posts with sib200-ft-")));
  EXPECT_THAT(same.output,
              HasSubstr(": 0 changed (0 with another top topic), 0 refused "
                        "by the classifier, 0 skipped"));
  ASSERT_EQ(TopicsOf((*ingest)->stub(), "post-00000000"), 3);

  // Two topics per post instead of three: every post is stored again.
  CommandResult two = Reclassify("--server " + server + " --top-k 2");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_THAT(two.output, HasSubstr(absl::StrCat(
                              ": ", posts, " changed (0 with another top")));
  EXPECT_EQ(TopicsOf((*ingest)->stub(), "post-00000000"), 2);
  EXPECT_THAT(Reclassify("--server " + server + " --top-k 2").output,
              HasSubstr(": 0 changed"));

  // The service went on serving and stops cleanly.
  EXPECT_TRUE((*ingest)->Terminate(absl::Seconds(30)).ok());
}

TEST(ReclassifyLiveTest, AServiceWithoutATopicServiceRefusesIt) {
  auto dir = reachrank::testing::MakeTempDir("reclassify_live");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto ingest = reachrank::testing::IngestProcess::Start(*dir + "/db",
                                                         *dir + "/ingest.log");
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  CommandResult refused = Reclassify("--server " + (*ingest)->address());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(
      refused.output,
      HasSubstr("FAILED_PRECONDITION: --server " + (*ingest)->address() +
                ": ReclassifyPosts: no topic service to classify "
                "with: the ingest service runs without --topics"));
}

TEST(ReclassifyLiveTest, FlagsNameWhatIsWrong) {
  CommandResult both = Reclassify("--server 127.0.0.1:1 --db somewhere");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.output, HasSubstr("--server or --db: give exactly one"));
  CommandResult model =
      Reclassify("--server 127.0.0.1:1 --topics-model somewhere");
  EXPECT_EQ(model.exit_code, 2);
  EXPECT_THAT(model.output, HasSubstr("--topics-model: only with --db"));
  CommandResult top_k = Reclassify("--server 127.0.0.1:1 --top-k 33");
  EXPECT_EQ(top_k.exit_code, 2);
  EXPECT_THAT(top_k.output, HasSubstr("--top-k: must be 1-32"));
}

}  // namespace
}  // namespace reachrank::cli
