// The gRPC adapter in-process: a GrpcServer on a loopback port hosting
// RankingServiceImpl over the fixture's database.
#include "services/rank/rank_service.h"

#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <string>

#include "services/common/server_runner.h"
#include "services/rank/rank_test_fixture.h"

namespace reachrank::rank {
namespace {

using ::testing::HasSubstr;

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
    stub_ = v1::RankingService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials()));
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
}

}  // namespace
}  // namespace reachrank::rank
