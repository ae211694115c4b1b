#include "services/common/server_runner.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <thread>

#include "services/common/fake_topic_service.h"
#include "services/common/test_support.h"

namespace reachrank::services {
namespace {

using reachrank::testing::FakeTopicService;
using reachrank::testing::HealthStatus;
using reachrank::testing::Loopback;

class ServerRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.shutdown_grace = absl::Seconds(2);
    auto server = GrpcServer::Start(
        options, {{"reachrank.v1.TopicService", &service_}}, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    address_ = Loopback(server_->port());
  }

  FakeTopicService service_;
  std::unique_ptr<GrpcServer> server_;
  std::string address_;
};

TEST_F(ServerRunnerTest, NotServingUntilToldThenServing) {
  EXPECT_EQ(*HealthStatus(address_, ""), "NOT_SERVING");
  EXPECT_EQ(*HealthStatus(address_, "reachrank.v1.TopicService"),
            "NOT_SERVING");
  server_->SetServing(true);
  EXPECT_EQ(*HealthStatus(address_, ""), "SERVING");
  EXPECT_EQ(*HealthStatus(address_, "reachrank.v1.TopicService"), "SERVING");
}

TEST_F(ServerRunnerTest, ReflectionListsServices) {
  auto names = reachrank::testing::ReflectionServices(address_);
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_NE(
      std::find(names->begin(), names->end(), "reachrank.v1.TopicService"),
      names->end());
  EXPECT_NE(std::find(names->begin(), names->end(), "grpc.health.v1.Health"),
            names->end());
}

TEST_F(ServerRunnerTest, RefusesAPortInUse) {
  FakeTopicService other;
  auto second = GrpcServer::Start({address_}, {{"x", &other}}, {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(ServerRunnerNoPortTest, WithoutListenOnlyTheInProcessChannelReachesIt) {
  FakeTopicService service;
  ServerOptions options;  // listen empty
  auto server =
      GrpcServer::Start(options, {{"reachrank.v1.TopicService", &service}}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->port(), 0);
  auto stub = v1::TopicService::NewStub((*server)->InProcessChannel());
  v1::ClassifyRequest request;
  request.add_items()->set_text("a match");
  v1::ClassifyResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub->Classify(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.results_size(), 1);
}

TEST_F(ServerRunnerTest, RejectsMessagesOver8MiB) {
  auto stub = v1::TopicService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  v1::ClassifyRequest request;
  request.add_items()->set_text(std::string(kMaxMessageBytes + 1, 'a'));
  v1::ClassifyResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub->Classify(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(ServerRunnerTest, ShutdownLetsCallsInFlightFinish) {
  auto stub = v1::TopicService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  grpc::Status status(grpc::StatusCode::UNKNOWN, "not run");
  std::thread call([&] {
    v1::ClassifyRequest request;
    request.add_items()->set_text("sleep:400");
    v1::ClassifyResponse response;
    grpc::ClientContext context;
    status = stub->Classify(&context, request, &response);
  });
  for (int i = 0; i < 200 && service_.calls() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  server_->Shutdown();
  call.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(HealthStatus(address_, "").ok());  // no longer accepting
}

}  // namespace
}  // namespace reachrank::services
