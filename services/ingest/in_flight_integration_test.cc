// The load caps on the real reachrank-ingest: with --max-in-flight 1, open
// event streams that wait between batches leave calls free (a stream is
// counted only while it commits a batch); --max-open-streams refuses
// streams beyond it, not calls; --stream-idle-timeout ends a stream that
// waits too long, keeping its committed batches.
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/test_support.h"
#include "services/ingest/ingest_test_client.h"

namespace reachrank::testing {
namespace {

constexpr char kInFlight[] =
    "reachrank_calls_in_flight{service=\"reachrank.v1.IngestService\"}";
constexpr char kStreamsOpen[] =
    "reachrank_streams_open{service=\"reachrank.v1.IngestService\"}";
constexpr char kStreamsRejected[] =
    "reachrank_streams_rejected_total{service=\"reachrank.v1.IngestService\"}";

v1::RecordEventsRequest Batch(const std::string& prefix) {
  v1::RecordEventsRequest request;
  for (int i = 0; i < 10; ++i) {
    *request.add_events() = MakeEvent(
        absl::StrCat(prefix, "-", i), "cap-post", v1::EVENT_TYPE_IMPRESSION,
        v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER);
  }
  return request;
}

// Polls /metrics (bounded) until `series` equals `value`.
absl::Status WaitForMetric(int port, const std::string& series, double value) {
  for (int i = 0; i < 400; ++i) {
    auto body = ScrapeMetrics(port);
    if (body.ok()) {
      auto now = MetricValue(*body, series);
      if (now.ok() && *now == value) return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat(series, " never ", value));
}

// An event stream left open after its first batch.
struct OpenStream {
  explicit OpenStream(v1::IngestService::Stub& stub) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    writer = stub.RecordEvents(&context, &response);
  }
  grpc::ClientContext context;
  v1::RecordEventsResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::RecordEventsRequest>> writer;
};

class InFlightIntegrationTest : public ::testing::Test {
 protected:
  // Starts reachrank-ingest with `flags` and stores the post of the tests.
  void Start(const std::vector<std::string>& flags) {
    auto dir = MakeTempDir("in_flight_it");
    ASSERT_TRUE(dir.ok()) << dir.status();
    auto server =
        IngestProcess::Start(*dir + "/db", *dir + "/ingest.log", flags);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    v1::UpsertPostsRequest upsert;
    *upsert.add_posts() = MakePost("cap-post", "Packing a carry-on bag");
    v1::UpsertPostsResponse upserted;
    grpc::ClientContext context;
    ASSERT_TRUE(server_->stub().UpsertPosts(&context, upsert, &upserted).ok());
  }

  grpc::Status Stats(v1::GetPostStatsResponse* response = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::GetPostStatsRequest request;
    request.set_post_id("cap-post");
    v1::GetPostStatsResponse ignored;
    return server_->stub().GetPostStats(&context, request,
                                        response ? response : &ignored);
  }

  // Polls (bounded) until the post has `events` events counted; a call
  // refused while a batch is being committed (and counted) is polled
  // through.
  absl::Status WaitForEvents(uint64_t events) {
    for (int i = 0; i < 400; ++i) {
      v1::GetPostStatsResponse stats;
      if (Stats(&stats).ok() && stats.total_events() == events) {
        return absl::OkStatus();
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return absl::DeadlineExceededError(absl::StrCat("never ", events));
  }

  // Opens a stream and sends one batch, and waits until the server has
  // committed it, the post then counting `events` events; the stream stays
  // open, idle.
  std::unique_ptr<OpenStream> Hold(const std::string& prefix, uint64_t events) {
    auto stream = std::make_unique<OpenStream>(server_->stub());
    EXPECT_TRUE(stream->writer->Write(Batch(prefix)));
    absl::Status held = WaitForEvents(events);
    EXPECT_TRUE(held.ok()) << held;
    return stream;
  }

  double Metric(const std::string& series) {
    auto body = ScrapeMetrics(server_->metrics_port());
    EXPECT_TRUE(body.ok()) << body.status();
    if (!body.ok()) return -1;
    auto value = MetricValue(*body, series);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? *value : -1;
  }

  std::unique_ptr<IngestProcess> server_;
};

TEST_F(InFlightIntegrationTest, IdleStreamsLeaveCallsFree) {
  Start({"--max-in-flight", "1"});
  std::vector<std::unique_ptr<OpenStream>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(Hold(absl::StrCat("idle-", i), 10 * (i + 1)));
  }

  // Three streams open and waiting, one place for calls: once the last
  // batch's commit has given its place back, calls are served.
  ASSERT_EQ(WaitForMetric(server_->metrics_port(), kInFlight, 0),
            absl::OkStatus());
  EXPECT_TRUE(Stats().ok());
  EXPECT_EQ(Metric(kInFlight), 0);
  EXPECT_EQ(Metric(kStreamsOpen), 3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(held[i]->writer->Write(Batch(absl::StrCat("idle-b-", i))));
    held[i]->writer->WritesDone();
    grpc::Status finished = held[i]->writer->Finish();
    EXPECT_TRUE(finished.ok()) << finished.error_message();
    EXPECT_EQ(held[i]->response.accepted(), 20u);
  }
  EXPECT_EQ(WaitForMetric(server_->metrics_port(), kStreamsOpen, 0),
            absl::OkStatus());
}

TEST_F(InFlightIntegrationTest, BeyondTheOpenStreamCapStreamsAreRefused) {
  Start({"--max-open-streams", "1"});
  std::unique_ptr<OpenStream> held = Hold("held", 10);

  OpenStream second(server_->stub());
  second.writer->WritesDone();
  grpc::Status refused = second.writer->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(),
            "too many open streams (1); retry with backoff");
  EXPECT_TRUE(Stats().ok());  // calls are not streams
  auto health = HealthStatus(server_->address(), "");
  EXPECT_TRUE(health.ok() && *health == "SERVING");

  held->writer->WritesDone();
  grpc::Status finished = held->writer->Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  // The place is given back before the answer: no wait needed.
  OpenStream third(server_->stub());
  ASSERT_TRUE(third.writer->Write(Batch("third")));
  third.writer->WritesDone();
  EXPECT_TRUE(third.writer->Finish().ok());
  EXPECT_EQ(third.response.accepted(), 10u);
  EXPECT_EQ(Metric(kStreamsRejected), 1);
}

TEST_F(InFlightIntegrationTest, AnIdleStreamEndsAndKeepsItsCommittedBatches) {
  Start({"--stream-idle-timeout", "1"});
  std::unique_ptr<OpenStream> held = Hold("forgotten", 10);

  // Nothing more is sent: the server ends the stream after a second.
  grpc::Status ended = held->writer->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(ended.error_message(),
            "no batch for 1s (--stream-idle-timeout); the 1 batches before "
            "were committed");
  EXPECT_EQ(WaitForMetric(server_->metrics_port(), kStreamsOpen, 0),
            absl::OkStatus());
  v1::GetPostStatsResponse stats;
  ASSERT_TRUE(Stats(&stats).ok());
  EXPECT_EQ(stats.total_events(), 10u);
}

TEST_F(InFlightIntegrationTest, ACancelledStreamStopsAndGivesItsPlaceBack) {
  Start({"--max-open-streams", "1"});
  std::unique_ptr<OpenStream> held = Hold("cancelled", 10);

  held->context.TryCancel();
  EXPECT_EQ(held->writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server-side handler ends: its place comes back.
  absl::Status freed = WaitForMetric(server_->metrics_port(), kStreamsOpen, 0);
  ASSERT_TRUE(freed.ok()) << freed;
  OpenStream next(server_->stub());
  next.writer->WritesDone();
  EXPECT_TRUE(next.writer->Finish().ok());
}

}  // namespace
}  // namespace reachrank::testing
