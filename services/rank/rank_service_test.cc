// The gRPC adapter in-process: a GrpcServer on a loopback port hosting
// RankingServiceImpl over the fixture's database.
#include "services/rank/rank_service.h"

#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/sync_stream.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "services/common/server_runner.h"
#include "services/common/test_support.h"
#include "services/rank/rank_test_fixture.h"

namespace reachrank::rank {
namespace {

using ::testing::HasSubstr;

// A classifier whose first call waits until the test opens the gate, so a
// call can be cancelled while its first batch of drafts is in the works.
class GatedClassifier final : public topics::TopicClassifier {
 public:
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override {
    if (calls_.fetch_add(1) == 0) {
      entered.Notify();
      open.WaitForNotification();
    }
    return inner_.Classify(items, top_k);
  }
  std::string ModelVersion() const override { return inner_.ModelVersion(); }
  int calls() const { return calls_.load(); }

  absl::Notification entered;
  absl::Notification open;

 private:
  std::atomic<int> calls_{0};
  ranking::testing::FakeClassifier inner_{"travel"};
};

// Keeps the server context of the call in progress (the tests make one).
class ContextCapture final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ContextCapture(std::atomic<grpc::ServerContextBase*>* context)
      : context_(context) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    context_->store(info->server_context());
    return nullptr;
  }

 private:
  std::atomic<grpc::ServerContextBase*>* const context_;
};

class RankServiceTest : public testing::RankFixture {
 protected:
  void SetUp() override {
    RankFixture::SetUp();
    service_ = std::make_unique<RankingServiceImpl>(*scorer_, *metrics_);
    auto server = services::GrpcServer::Start(
        {"127.0.0.1:0"},
        {{v1::RankingService::service_full_name(), service_.get()}}, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials());
    stub_ = v1::RankingService::NewStub(channel_);
  }
  void TearDown() override { server_.reset(); }

  v1::ScoreDraftsRequest Message(int drafts, const std::string& prefix) {
    v1::ScoreDraftsRequest request;
    for (int i = 0; i < drafts; ++i) {
      *request.add_drafts() = Draft(prefix + std::to_string(i));
    }
    return request;
  }

  std::unique_ptr<RankingServiceImpl> service_;
  std::unique_ptr<services::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RankingService::Stub> stub_;
};

TEST_F(RankServiceTest, ScoreDraftsAnswersEachMessageInOrder) {
  grpc::ClientContext context;
  auto stream = stub_->ScoreDrafts(&context);
  constexpr int kMessages = 5;
  for (int m = 0; m < kMessages; ++m) {
    ASSERT_TRUE(stream->Write(Message(m + 1, "m" + std::to_string(m) + "-")));
  }
  ASSERT_TRUE(stream->WritesDone());
  v1::ScoreDraftsResponse response;
  for (int m = 0; m < kMessages; ++m) {
    ASSERT_TRUE(stream->Read(&response)) << m;
    ASSERT_EQ(response.scores_size(), m + 1);
    EXPECT_EQ(response.scores(0).id(), "m" + std::to_string(m) + "-0");
    EXPECT_EQ(response.errors_size(), 0);
  }
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(RankServiceTest, OversizedDraftMessageEndsTheStreamAfterEarlierOnes) {
  grpc::ClientContext context;
  auto stream = stub_->ScoreDrafts(&context);
  ASSERT_TRUE(stream->Write(Message(2, "ok-")));
  v1::ScoreDraftsResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.scores_size(), 2);
  // The stream may already be closed by the time a write completes.
  stream->Write(Message(1001, "big-"));
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("message 1: drafts: at most 1000 drafts per message"));
}

TEST_F(RankServiceTest, UnaryCallsKeepTheirCodes) {
  grpc::ClientContext score_context;
  v1::ScoreRequest score;
  v1::ScoreResponse scored;
  grpc::Status s = stub_->Score(&score_context, score, &scored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("target: exactly one"));

  grpc::ClientContext rank_context;
  v1::RankRequest rank;
  rank.add_post_ids("p1");
  rank.add_post_ids("unknown");
  v1::RankResponse ranked;
  ASSERT_TRUE(stub_->Rank(&rank_context, rank, &ranked).ok());
  ASSERT_EQ(ranked.scores_size(), 1);
  EXPECT_EQ(ranked.scores(0).id(), "p1");
  ASSERT_EQ(ranked.unknown_post_ids_size(), 1);
  EXPECT_EQ(ranked.unknown_post_ids(0), "unknown");

  grpc::ClientContext reload_context;
  v1::RankingServiceReloadModelRequest reload;
  reload.set_model_dir(BrokenModelDir());
  v1::RankingServiceReloadModelResponse reloaded;
  s = stub_->ReloadModel(&reload_context, reload, &reloaded);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(service_->core().model_version(), "prior-v1");

  // Bytes that are no request at all are refused naming the message.
  auto junk = reachrank::testing::CallRaw(
      "127.0.0.1:" + std::to_string(server_->port()),
      "/reachrank.v1.RankingService/ReloadModel", "\xff\xff\xff");
  EXPECT_EQ(
      junk.status(),
      absl::InvalidArgumentError(
          "request: not a valid RankingServiceReloadModelRequest message"));
}

// The C++ stub sends strings holding invalid UTF-8 (logging an error).
TEST_F(RankServiceTest, ScoreDraftsRefusesAnInvalidUtf8DraftByItem) {
  grpc::ClientContext context;
  auto stream = stub_->ScoreDrafts(&context);
  v1::ScoreDraftsRequest request = Message(3, "d");
  request.mutable_drafts(1)->set_text("caf\xc3 \xff");
  *request.add_drafts() = Draft("x\xff");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Write(Message(1, "next-")));
  ASSERT_TRUE(stream->WritesDone());
  v1::ScoreDraftsResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_EQ(response.scores_size(), 2);
  EXPECT_EQ(response.scores(0).id(), "d0");
  EXPECT_EQ(response.scores(1).id(), "d2");
  ASSERT_EQ(response.errors_size(), 2);
  EXPECT_EQ(response.errors(0).index(), 1u);
  EXPECT_EQ(response.errors(0).id(), "d1");
  EXPECT_EQ(response.errors(0).code(),
            static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(response.errors(0).field(), "text");
  EXPECT_EQ(response.errors(1).index(), 3u);
  EXPECT_EQ(response.errors(1).id(), "x\\xff");  // escaped, to be parsed
  EXPECT_EQ(response.errors(1).field(), "draft_id");
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_EQ(response.scores_size(), 1);
  EXPECT_EQ(response.scores(0).id(), "next-0");
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message();
}

TEST_F(RankServiceTest, ScoreAndRankRefuseInvalidUtf8NamingTheField) {
  grpc::ClientContext score_context;
  v1::ScoreRequest score;
  *score.mutable_draft() = Draft("d0");
  score.mutable_draft()->set_text("\xff");
  v1::ScoreResponse scored;
  grpc::Status s = stub_->Score(&score_context, score, &scored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("text: must be valid UTF-8"));

  grpc::ClientContext rank_context;
  v1::RankRequest rank;
  rank.add_post_ids("p1");
  rank.set_language("e\xffn");
  v1::RankResponse ranked;
  s = stub_->Rank(&rank_context, rank, &ranked);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("language"));

  grpc::ClientContext id_context;
  rank.clear_language();
  rank.add_post_ids("p\xff");
  s = stub_->Rank(&id_context, rank, &ranked);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("post_ids[1]: must be 1-128"));
}

TEST_F(RankServiceTest, AScoreDraftsMessageThatIsNoMessageEndsTheStream) {
  grpc::ClientContext context;
  grpc::internal::RpcMethod method("/reachrank.v1.RankingService/ScoreDrafts",
                                   grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>
      stream(grpc::internal::ClientReaderWriterFactory<
             grpc::ByteBuffer, grpc::ByteBuffer>::Create(channel_.get(), method,
                                                         &context));
  grpc::Slice valid(Message(1, "ok-").SerializeAsString());
  ASSERT_TRUE(stream->Write(grpc::ByteBuffer(&valid, 1)));
  grpc::ByteBuffer answer;
  ASSERT_TRUE(stream->Read(&answer));
  grpc::Slice garbage(std::string("\xff\xff\xff"));  // a tag cut short
  stream->Write(grpc::ByteBuffer(&garbage, 1));
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&answer));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("message 1: request: not a valid ScoreDraftsRequest "
                        "message"));
}

// A ScoreDrafts message of 1,000 drafts (four batches) whose call ends
// while its first batch is classified: the handler does no further batch.
class CancelledDraftsTest : public RankServiceTest {
 protected:
  void SetUp() override {
    RankServiceTest::SetUp();
    auto scorer = ranking::Scorer::Create(*store_, &gated_, {});
    ASSERT_TRUE(scorer.ok()) << scorer.status();
    gated_scorer_ = std::move(*scorer);
    gated_service_ =
        std::make_unique<RankingServiceImpl>(*gated_scorer_, *metrics_);
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(std::make_unique<ContextCapture>(&server_context_));
    auto server = services::GrpcServer::Start(
        {"127.0.0.1:0"},
        {{v1::RankingService::service_full_name(), gated_service_.get()}},
        std::move(interceptors));
    ASSERT_TRUE(server.ok()) << server.status();
    gated_server_ = std::move(*server);
    gated_stub_ = v1::RankingService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(gated_server_->port()),
        grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (!gated_.open.HasBeenNotified()) gated_.open.Notify();
    gated_server_.reset();
    RankServiceTest::TearDown();
  }

  // Sends the message on `context`, calls `end` once the first batch is
  // being classified, waits until the server sees the call ended (a
  // bounded wait, not a timing under test), then lets the batch finish.
  // Returns the call's status as the client saw it.
  grpc::Status SendAndEnd(grpc::ClientContext& context,
                          const std::function<void()>& end) {
    auto stream = gated_stub_->ScoreDrafts(&context);
    stream->Write(Message(1000, "d"));
    gated_.entered.WaitForNotification();
    end();
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (!server_context_.load()->IsCancelled() && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    EXPECT_TRUE(server_context_.load()->IsCancelled());
    gated_.open.Notify();
    grpc::Status status = stream->Finish();
    gated_server_->Shutdown();  // waits for the handler to return
    return status;
  }

  GatedClassifier gated_;
  std::unique_ptr<ranking::Scorer> gated_scorer_;
  std::unique_ptr<RankingServiceImpl> gated_service_;
  std::atomic<grpc::ServerContextBase*> server_context_{nullptr};
  std::unique_ptr<services::GrpcServer> gated_server_;
  std::unique_ptr<v1::RankingService::Stub> gated_stub_;
};

TEST_F(CancelledDraftsTest, ACancelledCallStopsAfterTheBatchInProgress) {
  grpc::ClientContext context;
  grpc::Status status =
      SendAndEnd(context, [&context] { context.TryCancel(); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(gated_.calls(), 1);  // of the four batches
  EXPECT_EQ(reachrank::testing::MetricValue(
                MetricsText(), "reachrank_rank_scores_count{kind=\"draft\"}")
                .value_or(-1),
            0);
}

TEST_F(CancelledDraftsTest, ACallPastItsDeadlineStopsAfterTheBatchInProgress) {
  grpc::ClientContext context;
  // Long enough to reach the handler on a loaded machine; the wait in
  // SendAndEnd is for the deadline to pass.
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  grpc::Status status = SendAndEnd(context, [] {});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(gated_.calls(), 1);
}

}  // namespace
}  // namespace reachrank::rank
