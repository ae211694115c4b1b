// Starts the real `reachrank serve` on loopback: ingest, topics and rank in
// one process on one port, classification in-process.
#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <vector>

#include "reachrank/v1/ranking.grpc.pb.h"
#include "reachrank/v1/topics.grpc.pb.h"
#include "services/common/test_support.h"
#include "services/ingest/ingest_test_client.h"

#ifndef REACHRANK_CLI_BINARY
#error "REACHRANK_CLI_BINARY must name the reachrank binary"
#endif

namespace reachrank::testing {
namespace {

using ::testing::HasSubstr;

// `reachrank serve` on free ports over a fresh data directory.
struct ServeProcess {
  std::unique_ptr<ChildProcess> process;
  std::string address;
  int metrics_port = 0;
};

absl::StatusOr<ServeProcess> StartServe(const std::string& dir) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<int> port = PickFreePort();
    absl::StatusOr<int> metrics_port = PickFreePort();
    if (!port.ok()) return port.status();
    if (!metrics_port.ok()) return metrics_port.status();
    auto child = ChildProcess::Spawn(
        REACHRANK_CLI_BINARY,
        {"serve", "--listen", Loopback(*port), "--metrics-listen",
         Loopback(*metrics_port), "--data", dir + "/data", "--insecure"},
        dir + "/serve.log");
    if (!child.ok()) return child.status();
    last = WaitForServing(Loopback(*port), absl::Seconds(60));
    if (!last.ok()) continue;  // ~ChildProcess kills it
    return ServeProcess{std::move(*child), Loopback(*port), *metrics_port};
  }
  return last;
}

TEST(ServeIntegrationTest, IngestsClassifiesCountsAndExposesMetrics) {
  auto dir = MakeTempDir("serve_it");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto serve = StartServe(*dir);
  ASSERT_TRUE(serve.ok()) << serve.status() << " (log in " << *dir << ")";
  for (const char* service :
       {"reachrank.v1.IngestService", "reachrank.v1.TopicService",
        "reachrank.v1.RankingService"}) {
    EXPECT_EQ(*HealthStatus(serve->address, service), "SERVING") << service;
  }
  auto channel =
      grpc::CreateChannel(serve->address, grpc::InsecureChannelCredentials());
  auto ingest = v1::IngestService::NewStub(channel);
  auto topics = v1::TopicService::NewStub(channel);

  // Classified within the upsert call: no background pass needed.
  v1::UpsertPostsRequest upsert;
  *upsert.add_posts() =
      MakePost("s-1", "The national team won the football world cup final.");
  v1::UpsertPostsResponse upserted;
  grpc::ClientContext c1;
  ASSERT_TRUE(ingest->UpsertPosts(&c1, upsert, &upserted).ok());
  ASSERT_EQ(upserted.upserted(), 1u);
  v1::GetPostStatsRequest get;
  get.set_post_id("s-1");
  v1::GetPostStatsResponse stats;
  grpc::ClientContext c2;
  ASSERT_TRUE(ingest->GetPostStats(&c2, get, &stats).ok());
  EXPECT_EQ(stats.classification_state(), v1::CLASSIFICATION_STATE_CLASSIFIED);
  ASSERT_GE(stats.topics_size(), 1);
  EXPECT_EQ(stats.topics(0).topic_id(), "sports");
  EXPECT_EQ(stats.language(), "en");

  std::vector<v1::RecordEventsRequest> batches(1);
  *batches[0].add_events() =
      MakeEvent("s-e1", "s-1", v1::EVENT_TYPE_IMPRESSION,
                v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER, 30);
  *batches[0].add_events() =
      MakeEvent("s-e2", "s-1", v1::EVENT_TYPE_LIKE, v1::SURFACE_RECOMMENDED,
                v1::RELATION_STRANGER, 4);
  v1::RecordEventsResponse recorded;
  ASSERT_TRUE(SendEvents(*ingest, batches, &recorded).ok());
  EXPECT_EQ(recorded.accepted(), 2u);
  grpc::ClientContext c3;
  ASSERT_TRUE(ingest->GetPostStats(&c3, get, &stats).ok());
  EXPECT_EQ(stats.total_events(), 34u);
  ASSERT_EQ(stats.counters_size(), 2);
  EXPECT_EQ(stats.counters(0).type(), v1::EVENT_TYPE_IMPRESSION);
  EXPECT_EQ(stats.counters(0).count(), 30u);

  // The ranking service reads the same store directly (no secondary): the
  // post just written is there at once.
  auto rank = v1::RankingService::NewStub(channel);
  v1::ScoreRequest score;
  score.set_post_id("s-1");
  score.set_explain(true);
  v1::ScoreResponse scored;
  grpc::ClientContext c5;
  grpc::Status score_status = rank->Score(&c5, score, &scored);
  ASSERT_TRUE(score_status.ok()) << score_status.error_message();
  EXPECT_EQ(scored.score().id(), "s-1");
  EXPECT_GT(scored.score().p_reach(), 0);
  EXPECT_LT(scored.score().p_reach(), 1);
  EXPECT_EQ(scored.score().model_version(), "prior-v1");
  EXPECT_FALSE(scored.score().reasons().empty());
  ASSERT_GE(scored.score().topics_size(), 1);
  EXPECT_EQ(scored.score().topics(0).topic_id(), "sports");

  // The topic service answers on the same port.
  v1::ListTopicsResponse list;
  grpc::ClientContext c4;
  ASSERT_TRUE(topics->ListTopics(&c4, {}, &list).ok());
  EXPECT_EQ(list.topics_size(), 7);

  auto body = ScrapeMetrics(serve->metrics_port);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*MetricValue(*body,
                         "reachrank_topics_classified_total{language="
                         "\"en\",topic=\"sports\"}"),
            1);
  EXPECT_EQ(*MetricValue(*body, "reachrank_topics_model_info{model_version=\"" +
                                    list.model_version() + "\"}"),
            1);
  EXPECT_EQ(*MetricValue(*body,
                         "reachrank_ingest_events_total{relation="
                         "\"stranger\",surface=\"recommended\",type="
                         "\"impression\"}"),
            30);
  for (const char* series :
       {"grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
        "\"UpsertPosts\",grpc_service=\"reachrank.v1.IngestService\"",
        "grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
        "\"ListTopics\",grpc_service=\"reachrank.v1.TopicService\"",
        "grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
        "\"Score\",grpc_service=\"reachrank.v1.RankingService\"",
        "reachrank_rank_scores_count{kind=\"post\"} 1",
        "reachrank_model_info{model_version=\"prior-v1\"} 1",
        "reachrank_rocksdb_estimated_keys ", "reachrank_build_info{"}) {
    EXPECT_NE(body->find(series), std::string::npos) << series;
  }

  // SIGHUP reloads the models and keeps serving; SIGTERM exits cleanly.
  ASSERT_TRUE(serve->process->Signal(SIGHUP).ok());
  EXPECT_TRUE(WaitForServing(serve->address, absl::Seconds(10)).ok());
  ASSERT_TRUE(serve->process->Signal(SIGTERM).ok());
  auto status = serve->process->Wait(absl::Seconds(30));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

TEST(ServeIntegrationTest, DataSurvivesARestart) {
  auto dir = MakeTempDir("serve_restart");
  ASSERT_TRUE(dir.ok()) << dir.status();
  {
    auto serve = StartServe(*dir);
    ASSERT_TRUE(serve.ok()) << serve.status();
    auto ingest = v1::IngestService::NewStub(grpc::CreateChannel(
        serve->address, grpc::InsecureChannelCredentials()));
    v1::UpsertPostsRequest upsert;
    *upsert.add_posts() = MakePost("r-1", "Wir wandern durch die Alpen.");
    v1::UpsertPostsResponse upserted;
    grpc::ClientContext c;
    ASSERT_TRUE(ingest->UpsertPosts(&c, upsert, &upserted).ok());
    ASSERT_TRUE(serve->process->Signal(SIGTERM).ok());
    auto status = serve->process->Wait(absl::Seconds(30));
    ASSERT_TRUE(status.ok()) << status.status();
  }
  auto again = StartServe(*dir);
  ASSERT_TRUE(again.ok()) << again.status();
  auto ingest = v1::IngestService::NewStub(
      grpc::CreateChannel(again->address, grpc::InsecureChannelCredentials()));
  v1::GetPostStatsRequest get;
  get.set_post_id("r-1");
  v1::GetPostStatsResponse stats;
  grpc::ClientContext c;
  ASSERT_TRUE(ingest->GetPostStats(&c, get, &stats).ok());
  EXPECT_EQ(stats.post().text(), "Wir wandern durch die Alpen.");
  EXPECT_EQ(stats.classification_state(), v1::CLASSIFICATION_STATE_CLASSIFIED);
}

}  // namespace
}  // namespace reachrank::testing
