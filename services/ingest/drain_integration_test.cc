// Graceful drain of the real reachrank-ingest: SIGTERM while event streams
// are in flight stops new calls at once, lets every stream that had
// started and goes on sending send the rest of its batches and finish OK,
// ends one that sends nothing after --drain-idle-timeout, then flushes
// and exits 0.
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/test_support.h"
#include "services/ingest/ingest_test_client.h"

namespace reachrank::testing {
namespace {

constexpr int kStreams = 4;
constexpr int kBatches = 4;  // per stream: one before SIGTERM, three after
constexpr int kEventsPerBatch = 10;

v1::RecordEventsRequest Batch(int stream, int batch) {
  v1::RecordEventsRequest request;
  for (int i = 0; i < kEventsPerBatch; ++i) {
    *request.add_events() = MakeEvent(
        absl::StrCat("drain-", stream, "-", batch, "-", i), "drain-post",
        v1::EVENT_TYPE_IMPRESSION, v1::SURFACE_RECOMMENDED,
        v1::RELATION_STRANGER);
  }
  return request;
}

// Polls /metrics until the server has received `n` RecordEvents messages.
absl::Status WaitForReceived(int metrics_port, double n) {
  const std::string series =
      "grpc_server_msg_received_total{grpc_method=\"RecordEvents\","
      "grpc_service=\"reachrank.v1.IngestService\",grpc_type="
      "\"client_stream\"}";
  for (int i = 0; i < 600; ++i) {
    auto body = ScrapeMetrics(metrics_port);
    if (body.ok()) {
      auto value = MetricValue(*body, series);
      if (value.ok() && *value >= n) return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError("streams not started");
}

// A new call fails once the server stopped accepting (bounded polling).
bool RefusesNewCalls(v1::IngestService::Stub& stub) {
  for (int i = 0; i < 200; ++i) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    v1::GetPostStatsRequest request;
    request.set_post_id("drain-post");
    v1::GetPostStatsResponse response;
    if (!stub.GetPostStats(&context, request, &response).ok()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

TEST(DrainIntegrationTest, SigtermLetsEveryInFlightStreamFinishThenExitsZero) {
  auto dir = MakeTempDir("drain_it");
  ASSERT_TRUE(dir.ok()) << dir.status();
  // The streams' next batches come after SIGTERM: they are not idle.
  auto ingest = IngestProcess::Start(
      *dir + "/db", *dir + "/ingest.log",
      {"--grace-period", "60", "--drain-idle-timeout", "60"});
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  v1::UpsertPostsRequest upsert;
  *upsert.add_posts() = MakePost("drain-post", "How to pack a carry-on bag");
  v1::UpsertPostsResponse upserted;
  grpc::ClientContext upsert_context;
  ASSERT_TRUE(
      (*ingest)->stub().UpsertPosts(&upsert_context, upsert, &upserted).ok());

  struct Stream {
    grpc::ClientContext context;
    v1::RecordEventsResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::RecordEventsRequest>> writer;
  };
  std::vector<std::unique_ptr<Stream>> streams;
  for (int s = 0; s < kStreams; ++s) {
    auto stream = std::make_unique<Stream>();
    stream->context.set_deadline(
        absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    stream->writer =
        (*ingest)->stub().RecordEvents(&stream->context, &stream->response);
    ASSERT_TRUE(stream->writer->Write(Batch(s, 0)));
    streams.push_back(std::move(stream));
  }
  ASSERT_TRUE(WaitForReceived((*ingest)->metrics_port(), kStreams).ok());

  ASSERT_TRUE((*ingest)->process().Signal(SIGTERM).ok());
  EXPECT_TRUE(RefusesNewCalls((*ingest)->stub()));

  for (int s = 0; s < kStreams; ++s) {
    for (int b = 1; b < kBatches; ++b) {
      EXPECT_TRUE(streams[s]->writer->Write(Batch(s, b))) << s << "/" << b;
    }
    streams[s]->writer->WritesDone();
    grpc::Status status = streams[s]->writer->Finish();
    EXPECT_TRUE(status.ok()) << "stream " << s << ": "
                             << status.error_message();
    EXPECT_EQ(streams[s]->response.accepted(), kBatches * kEventsPerBatch);
    EXPECT_EQ(streams[s]->response.batches(), static_cast<uint64_t>(kBatches));
  }
  auto exit = (*ingest)->process().Wait(absl::Seconds(60));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(WIFEXITED(*exit));
  EXPECT_EQ(WEXITSTATUS(*exit), 0);
}

TEST(DrainIntegrationTest, SigtermEndsAStreamThatSendsNothingUnavailable) {
  auto dir = MakeTempDir("drain_idle_it");
  ASSERT_TRUE(dir.ok()) << dir.status();
  // Without the drain the stream would be held for the whole minute.
  auto ingest = IngestProcess::Start(
      *dir + "/db", *dir + "/ingest.log",
      {"--grace-period", "60", "--drain-idle-timeout", "0"});
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  v1::RecordEventsResponse response;
  auto writer = (*ingest)->stub().RecordEvents(&context, &response);
  ASSERT_TRUE(writer->Write(Batch(0, 0)));
  ASSERT_TRUE(WaitForReceived((*ingest)->metrics_port(), 1).ok());

  ASSERT_TRUE((*ingest)->process().Signal(SIGTERM).ok());
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(),
            "server stopping: the 1 batches before were committed; send the "
            "rest on a new stream");
  auto exit = (*ingest)->process().Wait(absl::Seconds(60));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(WIFEXITED(*exit));
  EXPECT_EQ(WEXITSTATUS(*exit), 0);
}

}  // namespace
}  // namespace reachrank::testing
