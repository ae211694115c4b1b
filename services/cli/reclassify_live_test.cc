// Runs the real reachrank-topics and reachrank-ingest on free loopback
// ports, fills the database with `reachrank simulate --server`, and has
// `reachrank admin reclassify --server` classify its posts again through
// the running service (ReclassifyPosts) while it keeps serving.
#include <grpcpp/client_context.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

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

// The number of topics stored for `post_id` by whichever of `shards` has
// it, or -1.
int TopicsOf(const std::vector<
                 std::unique_ptr<reachrank::testing::IngestProcess>>& shards,
             const std::string& post_id) {
  for (const auto& shard : shards) {
    v1::GetPostStatsRequest request;
    request.set_post_id(post_id);
    v1::GetPostStatsResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    if (shard->stub().GetPostStats(&context, request, &response).ok()) {
      return response.topics_size();
    }
  }
  return -1;
}

// The posts counts of the summary lines, one per line, in order.
std::vector<int> SummaryPosts(const std::string& output) {
  std::vector<int> out;
  const std::regex line("reachrank admin reclassify: [^ ]+: (\\d+) posts with");
  for (auto it = std::sregex_iterator(output.begin(), output.end(), line);
       it != std::sregex_iterator(); ++it) {
    out.push_back(std::stoi((*it)[1]));
  }
  return out;
}

// How often `needle` occurs in `text`.
int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(ReclassifyLiveTest, ClassifiesAgainThroughEachShardsIngestService) {
  auto dir = reachrank::testing::MakeTempDir("reclassify_live");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto topics = reachrank::testing::TopicsProcess::Start(
      reachrank::testing::DefaultTopicModel(), *dir + "/topics.log");
  ASSERT_TRUE(topics.ok()) << topics.status();
  std::vector<std::unique_ptr<reachrank::testing::IngestProcess>> shards;
  for (int i = 0; i < 2; ++i) {
    auto ingest = reachrank::testing::IngestProcess::Start(
        absl::StrCat(*dir, "/db", i), absl::StrCat(*dir, "/ingest", i, ".log"),
        {"--topics", (*topics)->address(), "--shard", absl::StrCat(i, "/2")});
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    shards.push_back(std::move(*ingest));
  }
  const std::string servers =
      absl::StrCat(shards[0]->address(), ",", shards[1]->address());
  const std::string start = absl::FormatTime(
      "%Y-%m-%d", absl::Now() - absl::Hours(24 * 8), absl::UTCTimeZone());
  const CommandResult simulated = RunShell(
      absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY), " simulate --server ",
                   servers, " --people 20 --days 5 --seed 1 --start ", start));
  ASSERT_EQ(simulated.exit_code, 0) << simulated.output;
  const int posts = SimulatedPosts(simulated.output);
  ASSERT_GT(posts, 0) << simulated.output;

  // Classified at ingest by the same model and top_k: nothing changes. One
  // line per shard, in the order given; together they read every post.
  CommandResult same = Reclassify("--server " + servers);
  ASSERT_EQ(same.exit_code, 0) << same.output;
  EXPECT_THAT(
      same.output,
      HasSubstr("reachrank admin reclassify: " + shards[0]->address() + ": "));
  EXPECT_LT(same.output.find(shards[0]->address()),
            same.output.find(shards[1]->address()));
  const std::vector<int> per_shard = SummaryPosts(same.output);
  ASSERT_EQ(per_shard.size(), 2u) << same.output;
  EXPECT_GT(per_shard[0], 0);
  EXPECT_GT(per_shard[1], 0);
  EXPECT_EQ(per_shard[0] + per_shard[1], posts);
  EXPECT_THAT(same.output, HasSubstr(" posts with sib200-ft-"));
  EXPECT_EQ(Count(same.output,
                  ": 0 changed (0 with another top topic), 0 refused by the "
                  "classifier, 0 skipped"),
            2)
      << same.output;
  ASSERT_EQ(TopicsOf(shards, "post-00000000"), 3);

  // Two topics per post instead of three: every post is stored again.
  CommandResult two = Reclassify("--server " + servers + " --top-k 2");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_THAT(two.output,
              HasSubstr(absl::StrCat(": ", per_shard[0], " posts with")));
  EXPECT_THAT(two.output,
              HasSubstr(absl::StrCat(": ", per_shard[0],
                                     " changed (0 with another top")));
  EXPECT_THAT(two.output,
              HasSubstr(absl::StrCat(": ", per_shard[1],
                                     " changed (0 with another top")));
  EXPECT_EQ(TopicsOf(shards, "post-00000000"), 2);
  // A dry run back to three topics tells, and stores nothing.
  CommandResult dry = Reclassify("--server " + servers + " --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_THAT(dry.output, HasSubstr(absl::StrCat(": ", per_shard[0],
                                                 " would change (0 with")));
  EXPECT_THAT(dry.output, HasSubstr(absl::StrCat(": ", per_shard[1],
                                                 " would change (0 with")));
  EXPECT_EQ(TopicsOf(shards, "post-00000000"), 2);
  // Both shards at once: the same summaries, in the order given.
  CommandResult again =
      Reclassify("--server " + servers + " --top-k 2 --parallel 2");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(SummaryPosts(again.output), per_shard) << again.output;
  EXPECT_LT(again.output.find(shards[0]->address()),
            again.output.find(shards[1]->address()));
  EXPECT_EQ(Count(again.output, ": 0 changed (0 with another top topic)"), 2)
      << again.output;
  // A shard that does not answer fails the run; the one before it (always
  // started first) is done and reported.
  auto free_port = reachrank::testing::PickFreePort();
  ASSERT_TRUE(free_port.ok()) << free_port.status();
  const std::string gone = absl::StrCat("127.0.0.1:", *free_port);
  CommandResult partly = Reclassify("--server " + shards[1]->address() + "," +
                                    gone + " --top-k 2 --parallel 2");
  EXPECT_EQ(partly.exit_code, 1) << partly.output;
  EXPECT_THAT(partly.output,
              HasSubstr("UNAVAILABLE: --server " + gone + ": ReclassifyPosts"));
  EXPECT_EQ(SummaryPosts(partly.output), std::vector<int>{per_shard[1]})
      << partly.output;

  // The services went on serving and stop cleanly.
  for (auto& shard : shards) {
    EXPECT_TRUE(shard->Terminate(absl::Seconds(30)).ok());
  }
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
  CommandResult twice = Reclassify("--server 127.0.0.1:1,127.0.0.1:1");
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.output,
              HasSubstr("--server: 127.0.0.1:1 is given twice (each names one "
                        "shard)"));
  CommandResult parallel = Reclassify("--server 127.0.0.1:1 --parallel 0");
  EXPECT_EQ(parallel.exit_code, 2);
  EXPECT_THAT(parallel.output, HasSubstr("--parallel"));
  CommandResult top_k = Reclassify("--server 127.0.0.1:1 --top-k 33");
  EXPECT_EQ(top_k.exit_code, 2);
  EXPECT_THAT(top_k.output, HasSubstr("--top-k: must be 1-32"));
}

}  // namespace
}  // namespace reachrank::cli
