// Starts the real reachrank-ingest binary on loopback and talks to it with
// the generated C++ stub.
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "services/common/fake_topic_service.h"
#include "services/common/server_runner.h"
#include "services/common/test_support.h"
#include "services/ingest/ingest_test_client.h"

namespace reachrank::testing {
namespace {

using v1::EVENT_TYPE_IMPRESSION;
using v1::EVENT_TYPE_LIKE;
using v1::EVENT_TYPE_UNSPECIFIED;
using v1::RELATION_FOLLOWER;
using v1::RELATION_STRANGER;
using v1::SURFACE_FOLLOWING;
using v1::SURFACE_RECOMMENDED;

std::string NewDir(const std::string& name) {
  auto dir = MakeTempDir(name);
  EXPECT_TRUE(dir.ok()) << dir.status();
  return dir.ok() ? *dir : "";
}

// One server for the suite; each test uses its own ids.
class IngestIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(NewDir("ingest_it"));
    auto server = IngestProcess::Start(*dir_ + "/db", *dir_ + "/ingest.log");
    ASSERT_TRUE(server.ok()) << server.status() << " (log in " << *dir_ << ")";
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  v1::UpsertPostsResponse Upsert(const std::vector<v1::Post>& posts) {
    v1::UpsertPostsRequest request;
    for (const v1::Post& p : posts) *request.add_posts() = p;
    v1::UpsertPostsResponse response;
    grpc::ClientContext context;
    grpc::Status s = server_->stub().UpsertPosts(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  grpc::Status Stats(const std::string& id, v1::GetPostStatsResponse* out) {
    v1::GetPostStatsRequest request;
    request.set_post_id(id);
    grpc::ClientContext context;
    return server_->stub().GetPostStats(&context, request, out);
  }

  static std::string* dir_;
  static IngestProcess* server_;
};

std::string* IngestIntegrationTest::dir_ = nullptr;
IngestProcess* IngestIntegrationTest::server_ = nullptr;

TEST_F(IngestIntegrationTest, HealthIsServingAndReflectionListsServices) {
  EXPECT_EQ(*HealthStatus(server_->address(), ""), "SERVING");
  EXPECT_EQ(*HealthStatus(server_->address(), "reachrank.v1.IngestService"),
            "SERVING");
  auto names = ReflectionServices(server_->address());
  ASSERT_TRUE(names.ok()) << names.status();
  for (const char* want :
       {"reachrank.v1.IngestService", "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection"}) {
    EXPECT_NE(std::find(names->begin(), names->end(), want), names->end())
        << want;
  }
}

TEST_F(IngestIntegrationTest, UpsertsReportEachBadItemWithItsField) {
  v1::UpsertAuthorsRequest authors;
  *authors.add_authors() = MakeAuthor("it-a1");
  *authors.add_authors() = MakeAuthor("it a2");  // space: invalid id
  v1::UpsertAuthorsResponse authors_out;
  grpc::ClientContext context;
  ASSERT_TRUE(
      server_->stub().UpsertAuthors(&context, authors, &authors_out).ok());
  EXPECT_EQ(authors_out.upserted(), 1u);
  ASSERT_EQ(authors_out.statuses_size(), 2);
  EXPECT_EQ(authors_out.statuses(1).code(), 3);
  EXPECT_EQ(authors_out.statuses(1).field(), "author_id");

  std::vector<v1::Post> posts = {MakePost("it-p1", "trip"),
                                 MakePost("it-p2", "x"),
                                 MakePost("it-p3", "y")};
  posts[1].mutable_created_at()->set_seconds(900'000'000);  // 1998
  posts[2].set_media_kind(v1::MEDIA_KIND_UNSPECIFIED);
  v1::UpsertPostsResponse out = Upsert(posts);
  EXPECT_EQ(out.upserted(), 1u);
  EXPECT_EQ(out.rejected(), 2u);
  EXPECT_EQ(out.statuses(0).code(), 0);
  EXPECT_EQ(out.statuses(1).field(), "created_at");
  EXPECT_EQ(out.statuses(1).id(), "it-p2");
  EXPECT_EQ(out.statuses(2).field(), "media_kind");
  EXPECT_EQ(out.statuses(2).message(), "must be a specified value");

  v1::GetPostStatsResponse stats;
  ASSERT_TRUE(Stats("it-p1", &stats).ok());
  // No topic service configured: stored, waiting for classification.
  EXPECT_EQ(stats.classification_state(), v1::CLASSIFICATION_STATE_PENDING);
  EXPECT_EQ(Stats("it-p2", &stats).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(IngestIntegrationTest, EventStreamCountsExactlyOnce) {
  Upsert({MakePost("ev-p", "a post")});
  auto e = [](const std::string& id, v1::EventType t, v1::Surface s,
              v1::Relation r,
              uint32_t n = 0) { return MakeEvent(id, "ev-p", t, s, r, n); };
  std::vector<v1::RecordEventsRequest> batches(3);
  *batches[0].add_events() = e("ev-1", EVENT_TYPE_IMPRESSION,
                               SURFACE_RECOMMENDED, RELATION_STRANGER, 40);
  *batches[0].add_events() =
      e("ev-2", EVENT_TYPE_LIKE, SURFACE_RECOMMENDED, RELATION_STRANGER);
  *batches[0].add_events() =
      e("ev-3", EVENT_TYPE_LIKE, SURFACE_FOLLOWING, RELATION_FOLLOWER, 2);
  *batches[1].add_events() = batches[0].events(0);  // replay
  *batches[1].add_events() =
      e("ev-4", EVENT_TYPE_UNSPECIFIED, SURFACE_RECOMMENDED, RELATION_STRANGER);
  *batches[1].add_events() = MakeEvent("ev-5", "no-such-post", EVENT_TYPE_LIKE,
                                       SURFACE_RECOMMENDED, RELATION_STRANGER);
  *batches[2].add_events() = e("ev-6", EVENT_TYPE_IMPRESSION,
                               SURFACE_RECOMMENDED, RELATION_STRANGER, 5);
  *batches[2].add_events() = batches[2].events(0);  // replay in one batch
  v1::RecordEventsResponse out;
  grpc::Status s = SendEvents(server_->stub(), batches, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.batches(), 3u);
  EXPECT_EQ(out.accepted(), 4u);
  EXPECT_EQ(out.duplicates(), 2u);
  EXPECT_EQ(out.rejected(), 2u);
  ASSERT_EQ(out.rejections_size(), 2);
  EXPECT_EQ(out.rejections(0).index(), 4u);  // stream-wide
  EXPECT_EQ(out.rejections(0).code(), 3);
  EXPECT_EQ(out.rejections(0).field(), "type");
  EXPECT_EQ(out.rejections(1).index(), 5u);
  EXPECT_EQ(out.rejections(1).code(), 9);
  EXPECT_EQ(out.rejections(1).field(), "post_id");

  // The whole stream again: everything is a duplicate now.
  v1::RecordEventsResponse replay;
  ASSERT_TRUE(SendEvents(server_->stub(), batches, &replay).ok());
  EXPECT_EQ(replay.accepted(), 0u);
  EXPECT_EQ(replay.duplicates(), 6u);

  v1::GetPostStatsResponse stats;
  ASSERT_TRUE(Stats("ev-p", &stats).ok());
  EXPECT_EQ(stats.total_events(), 40u + 1 + 2 + 5);
  ASSERT_EQ(stats.counters_size(), 3);
  EXPECT_EQ(stats.counters(0).surface(), SURFACE_FOLLOWING);
  EXPECT_EQ(stats.counters(0).count(), 2u);
  EXPECT_EQ(stats.counters(1).type(), EVENT_TYPE_IMPRESSION);
  EXPECT_EQ(stats.counters(1).count(), 45u);
  EXPECT_EQ(stats.counters(2).type(), EVENT_TYPE_LIKE);
  EXPECT_EQ(stats.counters(2).count(), 1u);
}

TEST_F(IngestIntegrationTest, OversizedAndEmptyBatchesFailTheRequest) {
  std::vector<v1::RecordEventsRequest> batches(1);
  for (int i = 0; i < 10'001; ++i) {
    *batches[0].add_events() =
        MakeEvent("big-" + std::to_string(i), "ev-p", EVENT_TYPE_LIKE,
                  SURFACE_RECOMMENDED, RELATION_STRANGER);
  }
  v1::RecordEventsResponse out;
  EXPECT_EQ(SendEvents(server_->stub(), batches, &out).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  v1::UpsertPostsRequest empty;
  v1::UpsertPostsResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(
      server_->stub().UpsertPosts(&context, empty, &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(IngestIntegrationTest, MetricsShowTheCallsMade) {
  Upsert({MakePost("m-p", "metrics")});
  v1::GetPostStatsResponse stats;
  ASSERT_TRUE(Stats("m-p", &stats).ok());
  auto body = ScrapeMetrics(server_->metrics_port());
  ASSERT_TRUE(body.ok()) << body.status();
  const std::string svc = "grpc_service=\"reachrank.v1.IngestService\"";
  auto handled = [&](const std::string& method, const std::string& type) {
    return MetricValue(*body,
                       "grpc_server_handled_total{grpc_code=\"OK\","
                       "grpc_method=\"" +
                           method + "\"," + svc + ",grpc_type=\"" + type +
                           "\"}");
  };
  EXPECT_GE(*handled("UpsertPosts", "unary"), 1);
  EXPECT_GE(*handled("GetPostStats", "unary"), 1);
  for (const char* series :
       {"grpc_server_started_total{grpc_method=\"UpsertPosts\"",
        "grpc_server_handling_seconds_bucket{grpc_method=\"UpsertPosts\"",
        "grpc_server_msg_received_total{", "reachrank_build_info{",
        "reachrank_rocksdb_estimated_keys ", "reachrank_unclassified_posts ",
        "reachrank_ingest_duplicates_total "}) {
    EXPECT_NE(body->find(series), std::string::npos) << series;
  }
}

// A post ingested while the topic service is down ends up classified once
// it starts, with no client action.
TEST(IngestTopicsTest, PendingPostIsClassifiedWhenTopicsComesUp) {
  std::string dir = NewDir("ingest_topics");
  auto topics_port = PickFreePort();
  ASSERT_TRUE(topics_port.ok());
  auto server = IngestProcess::Start(
      dir + "/db", dir + "/ingest.log",
      {"--topics", Loopback(*topics_port), "--reclassify-interval-ms", "100",
       "--topics-deadline-ms", "500"});
  ASSERT_TRUE(server.ok()) << server.status();
  v1::UpsertPostsRequest request;
  *request.add_posts() = MakePost("tp-1", "a weekend in Lisbon");
  v1::UpsertPostsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE((*server)->stub().UpsertPosts(&context, request, &response).ok());
  EXPECT_EQ(response.upserted(), 1u);

  FakeTopicService topics;
  auto topics_server = services::GrpcServer::Start(
      {Loopback(*topics_port)}, {{"reachrank.v1.TopicService", &topics}}, {});
  ASSERT_TRUE(topics_server.ok()) << topics_server.status();
  (*topics_server)->SetServing(true);
  v1::GetPostStatsResponse stats;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    v1::GetPostStatsRequest get;
    get.set_post_id("tp-1");
    grpc::ClientContext c;
    ASSERT_TRUE((*server)->stub().GetPostStats(&c, get, &stats).ok());
    if (stats.classification_state() == v1::CLASSIFICATION_STATE_CLASSIFIED) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(stats.classification_state(), v1::CLASSIFICATION_STATE_CLASSIFIED);
  ASSERT_GE(stats.topics_size(), 1);
  EXPECT_EQ(stats.topics(0).topic_id(), "travel");
}

TEST(IngestShutdownTest, SigtermExitsCleanlyAndDataSurvives) {
  std::string dir = NewDir("ingest_shutdown");
  auto server = IngestProcess::Start(dir + "/db", dir + "/ingest.log");
  ASSERT_TRUE(server.ok()) << server.status();
  v1::UpsertPostsRequest request;
  *request.add_posts() = MakePost("sd-1", "kept");
  v1::UpsertPostsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE((*server)->stub().UpsertPosts(&context, request, &response).ok());
  absl::Status stopped = (*server)->Terminate(absl::Seconds(30));
  ASSERT_TRUE(stopped.ok()) << stopped;

  auto again = IngestProcess::Start(dir + "/db", dir + "/ingest.log");
  ASSERT_TRUE(again.ok()) << again.status();
  v1::GetPostStatsRequest get;
  get.set_post_id("sd-1");
  v1::GetPostStatsResponse stats;
  grpc::ClientContext c;
  ASSERT_TRUE((*again)->stub().GetPostStats(&c, get, &stats).ok());
  EXPECT_EQ(stats.post().text(), "kept");
}

// A SIGHUP (an operator's reload sent to every reachrank process) leaves
// the ingest service serving: it has no model, and the signal's default
// action would end it.
TEST(IngestShutdownTest, SighupIsLoggedAndLeavesItServing) {
  std::string dir = NewDir("ingest_sighup");
  auto server = IngestProcess::Start(dir + "/db", dir + "/ingest.log");
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE((*server)->process().Signal(SIGHUP).ok());
  std::string log;
  for (int i = 0; i < 400; ++i) {
    std::ifstream in(dir + "/ingest.log");
    log.assign(std::istreambuf_iterator<char>(in), {});
    if (log.find("SIGHUP") != std::string::npos) break;
    absl::SleepFor(absl::Milliseconds(25));
  }
  EXPECT_NE(log.find("SIGHUP: no model to reload; still serving"),
            std::string::npos)
      << log;
  auto health = HealthStatus((*server)->address(), "");
  EXPECT_TRUE(health.ok() && *health == "SERVING");
  absl::Status stopped = (*server)->Terminate(absl::Seconds(30));
  EXPECT_TRUE(stopped.ok()) << stopped;
}

}  // namespace
}  // namespace reachrank::testing
