// --max-in-flight on the real reachrank-ingest: with a cap of one call, an
// open event stream makes every other call RESOURCE_EXHAUSTED (health
// checks excepted) until it finishes or is cancelled.
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/test_support.h"
#include "services/ingest/ingest_test_client.h"

namespace reachrank::testing {
namespace {

constexpr char kInFlight[] =
    "reachrank_calls_in_flight{service=\"reachrank.v1.IngestService\"}";
constexpr char kRejected[] =
    "reachrank_calls_rejected_total{service=\"reachrank.v1.IngestService\"}";
constexpr char kRefusal[] = "too many calls in flight (1); retry with backoff";

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
  void SetUp() override {
    auto dir = MakeTempDir("in_flight_it");
    ASSERT_TRUE(dir.ok()) << dir.status();
    auto server = IngestProcess::Start(*dir + "/db", *dir + "/ingest.log",
                                       {"--max-in-flight", "1"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    v1::UpsertPostsRequest upsert;
    *upsert.add_posts() = MakePost("cap-post", "Packing a carry-on bag");
    v1::UpsertPostsResponse upserted;
    grpc::ClientContext context;
    ASSERT_TRUE(server_->stub().UpsertPosts(&context, upsert, &upserted).ok());
  }

  grpc::Status Stats() {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::GetPostStatsRequest request;
    request.set_post_id("cap-post");
    v1::GetPostStatsResponse response;
    return server_->stub().GetPostStats(&context, request, &response);
  }

  // Opens a stream, sends one batch and waits until the server holds it.
  std::unique_ptr<OpenStream> Hold(const std::string& prefix) {
    auto stream = std::make_unique<OpenStream>(server_->stub());
    EXPECT_TRUE(stream->writer->Write(Batch(prefix)));
    absl::Status held = WaitForMetric(server_->metrics_port(), kInFlight, 1);
    EXPECT_TRUE(held.ok()) << held;
    return stream;
  }

  std::unique_ptr<IngestProcess> server_;
};

TEST_F(InFlightIntegrationTest, BeyondTheCapCallsAreRefusedUntilTheStreamEnds) {
  std::unique_ptr<OpenStream> held = Hold("held");

  grpc::Status unary = Stats();
  EXPECT_EQ(unary.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(unary.error_message(), kRefusal);
  OpenStream second(server_->stub());
  second.writer->WritesDone();
  grpc::Status stream = second.writer->Finish();
  EXPECT_EQ(stream.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(stream.error_message(), kRefusal);
  auto health = HealthStatus(server_->address(), "");
  EXPECT_TRUE(health.ok() && *health == "SERVING");  // not counted

  ASSERT_TRUE(held->writer->Write(Batch("held-2")));
  held->writer->WritesDone();
  grpc::Status finished = held->writer->Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  EXPECT_EQ(held->response.accepted(), 20u);
  // The place is given back before the answer: no wait needed.
  EXPECT_TRUE(Stats().ok());
  auto body = ScrapeMetrics(server_->metrics_port());
  ASSERT_TRUE(body.ok()) << body.status();
  auto rejected = MetricValue(*body, kRejected);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(*rejected, 2);
}

TEST_F(InFlightIntegrationTest, ACancelledStreamStopsAndGivesItsPlaceBack) {
  std::unique_ptr<OpenStream> held = Hold("cancelled");
  EXPECT_EQ(Stats().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  held->context.TryCancel();
  EXPECT_EQ(held->writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server-side handler ends: its place comes back.
  absl::Status freed = WaitForMetric(server_->metrics_port(), kInFlight, 0);
  ASSERT_TRUE(freed.ok()) << freed;
  EXPECT_TRUE(Stats().ok());
}

}  // namespace
}  // namespace reachrank::testing
