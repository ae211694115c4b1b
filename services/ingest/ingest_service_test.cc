// IngestServiceImpl over an in-process gRPC server on a loopback port: the
// ReclassifyPosts stream, with a classifier the test can hold back, and
// requests holding invalid UTF-8 (which the C++ stub sends, logging an
// error), refused by item.
#include "services/ingest/ingest_service.h"

#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/support/sync_stream.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/text_serializer.h"
#include "services/common/grpc_status.h"
#include "services/common/in_flight_limit.h"
#include "services/common/server_runner.h"
#include "services/ingest/fake_classifier.h"
#include "services/ingest/temp_store.h"

namespace reachrank::ingest {
namespace {

v1::ReclassifyPostsRequest TopK(uint32_t top_k) {
  v1::ReclassifyPostsRequest request;
  request.set_top_k(top_k);
  return request;
}

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);

// FakeClassifier behind a gate: while it is closed, calls wait for it to
// open. Thread-safe.
class GatedClassifier final : public topics::TopicClassifier {
 public:
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override {
    {
      absl::MutexLock lock(&mu_);
      ++waiting_;
      mu_.Await(absl::Condition(&open_));
      --waiting_;
    }
    return inner_.Classify(items, top_k);
  }
  std::string ModelVersion() const override { return inner_.ModelVersion(); }

  void Set(bool open) {
    absl::MutexLock lock(&mu_);
    open_ = open;
  }
  // Waits up to 30 s until a call is held at the closed gate; whether one
  // is.
  bool AwaitWaiter() {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(
        absl::Condition(
            +[](int* waiting) { return *waiting > 0; }, &waiting_),
        absl::Seconds(30));
  }

 private:
  FakeClassifier inner_;
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
};

class IngestServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTempStore("ingest_service_test");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    IngestCoreOptions options;
    options.now = [] { return kNow; };
    core_ =
        std::make_unique<IngestCore>(*store_, &classifier_, metrics_, options);
    service_ = std::make_unique<IngestServiceImpl>(*core_);
    auto server = services::GrpcServer::Start(
        {"127.0.0.1:0"}, {{"reachrank.v1.IngestService", service_.get()}}, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::IngestService::NewStub(channel_);
  }

  // A call still held at the gate must not keep the server from stopping.
  void TearDown() override { classifier_.Set(true); }

  // Stores `n` posts, classified as they arrive.
  void PutPosts(int n) {
    std::vector<v1::Post> posts;
    for (int i = 0; i < n; ++i) {
      v1::Post& p = posts.emplace_back();
      p.set_post_id(absl::StrCat("p", i));
      p.set_platform("douyin");
      p.set_author_id("au");
      p.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kNow) - 3600);
      p.set_text(i % 2 == 0 ? "a day in Rome" : "how to code");
      p.set_media_kind(v1::MEDIA_KIND_VIDEO);
    }
    auto out = core_->UpsertPosts(posts);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_EQ(out->upserted, static_cast<uint32_t>(n));
  }

  v1::Post Post(const std::string& id, const std::string& text) {
    v1::Post p;
    p.set_post_id(id);
    p.set_platform("douyin");
    p.set_author_id("au");
    p.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kNow) - 3600);
    p.set_text(text);
    p.set_media_kind(v1::MEDIA_KIND_VIDEO);
    return p;
  }

  // A message of one LIKE on post "p0" per id in `event_ids`.
  static v1::RecordEventsRequest Likes(std::vector<std::string> event_ids) {
    v1::RecordEventsRequest request;
    for (std::string& id : event_ids) {
      v1::EngagementEvent* e = request.add_events();
      e->set_event_id(std::move(id));
      e->set_post_id("p0");
      e->set_type(v1::EVENT_TYPE_LIKE);
      e->set_surface(v1::SURFACE_RECOMMENDED);
      e->set_relation(v1::RELATION_STRANGER);
      e->mutable_at()->set_seconds(absl::ToUnixSeconds(kNow) - 60);
    }
    return request;
  }

  // One ReclassifyPosts call read to its end: the messages and the status.
  grpc::Status Call(const v1::ReclassifyPostsRequest& request,
                    std::vector<v1::ReclassifyPostsResponse>* messages) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    auto reader = stub_->ReclassifyPosts(&context, request);
    v1::ReclassifyPostsResponse message;
    while (reader->Read(&message)) messages->push_back(message);
    return reader->Finish();
  }

  prometheus::Registry registry_;
  IngestMetrics metrics_{registry_};
  GatedClassifier classifier_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<IngestCore> core_;
  std::unique_ptr<IngestServiceImpl> service_;
  std::unique_ptr<services::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

TEST_F(IngestServiceTest, ReclassifyPostsStreamsRunningTotalsThenTheRun) {
  PutPosts(1200);
  std::vector<v1::ReclassifyPostsResponse> messages;
  grpc::Status status = Call(TopK(1), &messages);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // A message after each batch of 500, then the totals.
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0].posts(), 500u);
  EXPECT_EQ(messages[1].posts(), 1000u);
  EXPECT_EQ(messages[2].posts(), 1200u);
  EXPECT_FALSE(messages[2].done());
  const v1::ReclassifyPostsResponse& last = messages[3];
  EXPECT_TRUE(last.done());
  EXPECT_EQ(last.posts(), 1200u);
  EXPECT_EQ(last.changed(), 1200u);  // 2 topics each (top_k 3) -> 1
  EXPECT_EQ(last.moved(), 0u);
  EXPECT_EQ(last.model_version(), "fake");
  EXPECT_EQ(store_->GetPost("p1")->topics_size(), 1);

  messages.clear();
  status = Call(TopK(33), &messages);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "top_k: 33, must be 0-32 (0: as many as new posts get)");
  EXPECT_TRUE(messages.empty());
}

TEST_F(IngestServiceTest, ADryRunReportsTheMovesAndStoresNothing) {
  PutPosts(10);
  // The "how to code" posts (odd ids) as an older model had them: travel.
  v1::TopicScore travel;
  travel.set_topic_id("travel");
  travel.set_probability(0.9f);
  for (int i = 1; i < 10; i += 2) {
    auto post = store_->GetPost(absl::StrCat("p", i));
    ASSERT_TRUE(post.ok()) << post.status();
    ASSERT_TRUE(store_->SetClassification(post->post(), {travel}, "en").ok());
  }
  v1::ReclassifyPostsRequest request;
  request.set_dry_run(true);
  std::vector<v1::ReclassifyPostsResponse> messages;
  grpc::Status status = Call(request, &messages);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(messages.empty());
  const v1::ReclassifyPostsResponse& last = messages.back();
  EXPECT_TRUE(last.done());
  EXPECT_EQ(last.changed(), 5u);
  EXPECT_EQ(last.moved(), 5u);
  ASSERT_EQ(last.moves_size(), 1);
  EXPECT_EQ(last.moves(0).from_topic(), "travel");
  EXPECT_EQ(last.moves(0).to_topic(), "science/technology");
  EXPECT_EQ(last.moves(0).posts(), 5u);
  EXPECT_EQ(store_->GetPost("p1")->topics(0).topic_id(), "travel");
  // Nothing was stored, so nothing counts as reclassified.
  const std::string metrics =
      prometheus::TextSerializer().Serialize(registry_.Collect());
  EXPECT_NE(metrics.find(
                "reachrank_ingest_reclassified_total{outcome=\"changed\"} 0"),
            std::string::npos)
      << metrics;
}

TEST_F(IngestServiceTest, ACancelledCallStopsTheRunBeforeItsNextBatch) {
  PutPosts(1200);
  classifier_.Set(false);
  v1::ReclassifyPostsRequest request;
  request.set_top_k(1);
  auto context = std::make_unique<grpc::ClientContext>();
  auto reader = stub_->ReclassifyPosts(context.get(), request);
  // The first batch is being classified.
  ASSERT_TRUE(classifier_.AwaitWaiter());
  context->TryCancel();
  classifier_.Set(true);
  v1::ReclassifyPostsResponse message;
  while (reader->Read(&message)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // The run stops after the batch in flight: what it stored stays, the
  // rest keeps its topics, and the service takes the next run (polled: the
  // client hears of the cancellation before the server's run ends).
  std::vector<v1::ReclassifyPostsResponse> messages;
  grpc::Status next;
  for (int attempt = 0; attempt < 500; ++attempt) {
    messages.clear();
    next = Call(TopK(1), &messages);
    if (next.error_code() != grpc::StatusCode::FAILED_PRECONDITION) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(next.ok()) << next.error_message();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.back().posts(), 1200u);
  EXPECT_EQ(messages.back().changed(), 700u);  // the first 500 were stored
}

TEST_F(IngestServiceTest, UpsertPostsRefusesInvalidUtf8TextByItem) {
  v1::UpsertPostsRequest request;
  *request.add_posts() = Post("p0", "a day in Rome");
  *request.add_posts() = Post("p1", "caf\xc3 \xff");
  *request.add_posts() = Post("p2", "how to code");
  grpc::ClientContext context;
  v1::UpsertPostsResponse response;
  grpc::Status status = stub_->UpsertPosts(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message();
  EXPECT_EQ(response.upserted(), 2u);
  EXPECT_EQ(response.rejected(), 1u);
  ASSERT_EQ(response.statuses_size(), 3);
  EXPECT_EQ(response.statuses(0).code(), 0);
  const v1::ItemStatus& refused = response.statuses(1);
  EXPECT_EQ(refused.index(), 1u);
  EXPECT_EQ(refused.id(), "p1");
  EXPECT_EQ(refused.code(),
            static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(refused.field(), "text");
  EXPECT_EQ(refused.message(), "must be valid UTF-8");
  EXPECT_EQ(response.statuses(2).code(), 0);
  EXPECT_TRUE(store_->GetPost("p0").ok());
  EXPECT_FALSE(store_->GetPost("p1").ok());
  EXPECT_TRUE(store_->GetPost("p2").ok());
}

TEST_F(IngestServiceTest, AnInvalidUtf8EventIdIsRefusedAndLaterMessagesCount) {
  PutPosts(1);
  grpc::ClientContext context;
  v1::RecordEventsResponse response;
  auto writer = stub_->RecordEvents(&context, &response);
  ASSERT_TRUE(writer->Write(Likes({"e1"})));
  ASSERT_TRUE(writer->Write(Likes({"\xff", "e2"})));
  ASSERT_TRUE(writer->Write(Likes({"e3", "e4"})));
  ASSERT_TRUE(writer->WritesDone());
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message();
  EXPECT_EQ(response.batches(), 3u);
  EXPECT_EQ(response.accepted(), 4u);
  EXPECT_EQ(response.rejected(), 1u);
  ASSERT_EQ(response.rejections_size(), 1);
  EXPECT_EQ(response.rejections(0).index(), 1u);  // from the stream's start
  EXPECT_EQ(response.rejections(0).field(), "event_id");
  EXPECT_EQ(response.rejections(0).id(), "\\xff");  // escaped to parse
}

TEST_F(IngestServiceTest, AStreamMessageThatIsNoMessageEndsItInvalidArgument) {
  PutPosts(1);
  grpc::ClientContext context;
  grpc::ByteBuffer response;
  grpc::internal::RpcMethod method("/reachrank.v1.IngestService/RecordEvents",
                                   grpc::internal::RpcMethod::CLIENT_STREAMING);
  std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
      grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(
          channel_.get(), method, &context, &response));
  writer->Write(ToBuffer(Likes({"e1"}).SerializeAsString()));
  writer->Write(ToBuffer("\xff\xff\xff"));  // a tag cut short
  writer->Write(ToBuffer(Likes({"e2"}).SerializeAsString()));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "batch 1: request: not a valid RecordEventsRequest message (the 1 "
            "batches before it are committed)");
  EXPECT_FALSE(store_->PostCounters("p0")->cells().empty());  // batch 0
}

// An admitted stream is counted among the calls in flight while it commits
// a batch but never refused for load: with every place taken, its batches
// are committed, while a new unary call is refused.
TEST_F(IngestServiceTest, AnAdmittedStreamCommitsEvenAtTheCallCap) {
  PutPosts(1);
  services::CallLimits limits;
  limits.max_in_flight = 1;
  services::InFlightLimit limit(limits, "ingest");
  IngestServiceImpl limited(*core_, &limit);
  auto server = services::GrpcServer::Start(
      {"127.0.0.1:0"}, {{"reachrank.v1.IngestService", &limited}}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::IngestService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials()));
  absl::StatusOr<services::InFlightLimit::Ticket> taken = limit.TryAcquire();
  ASSERT_TRUE(taken.ok());

  grpc::ClientContext context;
  v1::RecordEventsResponse response;
  auto writer = stub->RecordEvents(&context, &response);
  ASSERT_TRUE(writer->Write(Likes({"e1"})));
  ASSERT_TRUE(writer->Write(Likes({"e2"})));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 2u);

  grpc::ClientContext unary;
  v1::GetPostStatsRequest request;
  request.set_post_id("p0");
  v1::GetPostStatsResponse stats;
  EXPECT_EQ(stub->GetPostStats(&unary, request, &stats).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(limit.in_flight(), 1);  // the test's place only
}

// A ReclassifyPosts whose client reads none of its progress is cancelled
// after the idle timeout instead of holding its place for ever.
TEST_F(IngestServiceTest, AReclassificationWhoseClientStopsReadingIsCancelled) {
  PutPosts(1500);
  services::CallLimits limits;
  limits.stream_idle_timeout = absl::Seconds(1);
  services::InFlightLimit limit(limits, "ingest");
  IngestServiceImpl limited(*core_, &limit);
  auto server = services::GrpcServer::Start(
      {"127.0.0.1:0"}, {{"reachrank.v1.IngestService", &limited}}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  // A client that grants the server no room to send until it reads.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 0);
  auto stub = v1::IngestService::NewStub(
      grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                grpc::InsecureChannelCredentials(), args));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  auto reader = stub->ReclassifyPosts(&context, TopK(1));

  // The call takes a place, then, unread, gives it back.
  int polls = 0;
  while (limit.in_flight() == 0 && ++polls < 3000) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(limit.in_flight(), 1);
  while (limit.in_flight() == 1 && ++polls < 6000) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(limit.in_flight(), 0);
  v1::ReclassifyPostsResponse message;
  int read = 0;
  while (read < 10 && reader->Read(&message)) ++read;
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(IngestServiceTest, GetPostStatsRefusesAnInvalidUtf8PostId) {
  grpc::ClientContext context;
  v1::GetPostStatsRequest request;
  request.set_post_id("p\xff");
  v1::GetPostStatsResponse response;
  grpc::Status status = stub_->GetPostStats(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("post_id"));
}

}  // namespace
}  // namespace reachrank::ingest
