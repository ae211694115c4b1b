#include "services/batch/remote_scorer.h"

#include <atomic>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "ranking/testing/sim_store.h"
#include "services/batch/batch_testing.h"
#include "services/batch/local_scorer.h"
#include "services/batch/score_job.h"
#include "services/common/test_support.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;

TEST(MatchResponseTest, ErrorsByIndexScoresInOrder) {
  v1::ScoreDraftsResponse response;
  response.add_scores()->set_id("a");
  response.add_scores()->set_id("c");
  v1::ItemStatus* e = response.add_errors();
  e->set_index(1);
  e->set_code(3);
  e->set_field("drafts[1].platform");
  e->set_message("must match [a-z0-9_]{1,32}");
  auto matched = MatchResponse(3, response);
  ASSERT_TRUE(matched.ok()) << matched.status();
  EXPECT_EQ((*matched)[0]->id(), "a");
  EXPECT_EQ((*matched)[1].status(),
            absl::InvalidArgumentError(
                "drafts[1].platform: must match [a-z0-9_]{1,32}"));
  EXPECT_EQ((*matched)[2]->id(), "c");
  EXPECT_EQ(MatchResponse(4, response).status().code(),
            absl::StatusCode::kInternal);
  e->set_index(9);
  EXPECT_EQ(MatchResponse(3, response).status().code(),
            absl::StatusCode::kInternal);
}

TEST(RemoteDraftScorerTest, RetriesWhileUnavailableThenGivesUp) {
  auto port = reachrank::testing::PickFreePort();
  ASSERT_TRUE(port.ok());
  RemoteOptions options;
  options.max_attempts = 3;
  options.initial_backoff = absl::Milliseconds(1);
  options.deadline = absl::Seconds(5);
  RemoteDraftScorer scorer(
      grpc::CreateChannel(reachrank::testing::Loopback(*port),
                          grpc::InsecureChannelCredentials()),
      options);
  v1::Draft draft;
  draft.set_draft_id("d");
  auto result = scorer.Score({draft}, false, "");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("(after 3 attempts)"));
}

// Counts the calls and drafts that reach it; scores as FakeDraftScorer.
class CountingScorer final : public DraftScorer {
 public:
  absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> Score(
      absl::Span<const v1::Draft> drafts, bool explain,
      absl::string_view language) override {
    calls_.fetch_add(1);
    return fake_.Score(drafts, explain, language);
  }
  int calls() const { return calls_.load(); }

 private:
  testing::FakeDraftScorer fake_;
  std::atomic<int> calls_{0};
};

// A batch larger than the request limit goes in halves, and the scores
// come back in the drafts' order.
TEST(RemoteDraftScorerTest, SplitsABatchLargerThanTheRequestLimit) {
  CountingScorer counting;
  auto server = testing::InProcessRankServer::Start(counting);
  ASSERT_TRUE(server.ok()) << server.status();
  RemoteOptions options;
  options.max_request_bytes = 300;
  RemoteDraftScorer remote(
      grpc::CreateChannel((*server)->address(),
                          grpc::InsecureChannelCredentials()),
      options);
  std::vector<v1::Draft> drafts(8);
  for (size_t i = 0; i < drafts.size(); ++i) {
    drafts[i].set_draft_id("d" + std::to_string(i));
    drafts[i].set_text(std::string(60, 'a' + i));
  }
  auto scores = remote.Score(drafts, false, "");
  ASSERT_TRUE(scores.ok()) << scores.status();
  ASSERT_EQ(scores->size(), 8u);
  testing::FakeDraftScorer fake;
  auto expected = fake.Score(drafts, false, "");
  ASSERT_TRUE(expected.ok());
  for (size_t i = 0; i < drafts.size(); ++i) {
    ASSERT_TRUE((*scores)[i].ok());
    EXPECT_EQ((*scores)[i]->id(), "d" + std::to_string(i));
    EXPECT_EQ((*scores)[i]->p_reach(), (*expected)[i]->p_reach());
  }
  // 70 bytes a draft: 560 in all, two requests of four (280 each).
  EXPECT_EQ(counting.calls(), 2);
}

// A database filled by the simulator, scored by the real engine in-process
// and through gRPC.
class LocalRemoteTest : public ::testing::Test {
 protected:
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(LocalRemoteTest, TwoThousandSimulatedDraftsGiveIdenticalBytes) {
  auto dir = reachrank::testing::MakeTempDir("batch-local-remote");
  ASSERT_TRUE(dir.ok());
  storage::StoreOptions store_options;
  store_options.path = *dir + "/db";
  auto store = storage::Store::Open(store_options);
  ASSERT_TRUE(store.ok()) << store.status();
  sim::SimOptions sim_options;
  sim_options.seed = 5;
  sim_options.people = 150;
  sim_options.days = 40;
  ASSERT_TRUE(ranking::testing::FillStoreFromSim(sim_options, **store).ok());
  auto drafts_data = testing::Simulate(sim_options);
  ASSERT_TRUE(drafts_data.ok()) << drafts_data.status();
  const std::vector<v1::Draft> drafts =
      testing::DraftsFromPosts(drafts_data->posts, 2000);
  ASSERT_EQ(drafts.size(), 2000u);
  const std::string in = *dir + "/drafts.jsonl";
  std::ofstream(in, std::ios::binary) << testing::DraftsJsonl(drafts);

  auto corpus = ranking::testing::TestCorpus();
  ASSERT_TRUE(corpus.ok());
  ranking::testing::SentenceTopics sentences(**corpus);
  ranking::testing::FakeClassifier classifier("entertainment");
  for (const v1::Draft& d : drafts) {
    classifier.Set(d.text(), sentences.TopicOf(d.text()));
  }
  auto engine = ranking::Scorer::Create(**store, &classifier, {});
  ASSERT_TRUE(engine.ok()) << engine.status();
  LocalDraftScorer local(**engine);
  auto server = testing::InProcessRankServer::Start(local);
  ASSERT_TRUE(server.ok()) << server.status();
  RemoteDraftScorer remote(
      grpc::CreateChannel((*server)->address(),
                          grpc::InsecureChannelCredentials()),
      RemoteOptions());

  ScoreJobOptions options;
  options.input = in;
  options.pipeline.threads = 3;
  options.pipeline.batch_size = 128;
  options.pipeline.explain = true;
  options.output = *dir + "/local.jsonl";
  auto local_run = RunScoreJob(options, local, nullptr);
  ASSERT_TRUE(local_run.ok()) << local_run.status();
  EXPECT_EQ(local_run->scored, 2000);
  options.output = *dir + "/remote.jsonl";
  auto remote_run = RunScoreJob(options, remote, nullptr);
  ASSERT_TRUE(remote_run.ok()) << remote_run.status();
  EXPECT_EQ(remote_run->scored, 2000);
  const std::string local_bytes = Read(*dir + "/local.jsonl");
  EXPECT_EQ(local_bytes, Read(*dir + "/remote.jsonl"));
  EXPECT_THAT(local_bytes, HasSubstr(R"("reasons":[{"factor":)"));
  std::filesystem::remove_all(*dir);
}

}  // namespace
}  // namespace reachrank::batch
