#include "services/common/grpc_server_metrics.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "services/common/fake_topic_service.h"
#include "services/common/metrics.h"
#include "services/common/server_runner.h"
#include "services/common/test_support.h"

namespace reachrank::services {
namespace {

using reachrank::testing::MetricValue;

const char kLabels[] =
    "grpc_method=\"Classify\",grpc_service=\"reachrank.v1.TopicService\","
    "grpc_type=\"unary\"";

// One server and one metrics endpoint for the whole suite: stopping the
// endpoint takes civetweb about two seconds. Each test uses its own method.
class GrpcServerMetricsTest : public ::testing::Test {
 protected:
  struct Env {
    Metrics metrics;
    GrpcServerMetrics grpc_metrics{metrics.registry()};
    reachrank::testing::FakeTopicService service;
    std::unique_ptr<GrpcServer> server;
    std::unique_ptr<v1::TopicService::Stub> stub;
  };

  static void SetUpTestSuite() {
    env_ = new Env;
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(env_->grpc_metrics.NewInterceptorFactory());
    auto server = GrpcServer::Start({"127.0.0.1:0"}, {{"t", &env_->service}},
                                    std::move(interceptors));
    ASSERT_TRUE(server.ok()) << server.status();
    env_->server = std::move(*server);
    ASSERT_TRUE(env_->metrics.Serve("127.0.0.1:0").ok());
    env_->stub = v1::TopicService::NewStub(
        grpc::CreateChannel(reachrank::testing::Loopback(env_->server->port()),
                            grpc::InsecureChannelCredentials()));
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(env_->server, nullptr); }

  std::string Scrape() {
    auto body = reachrank::testing::ScrapeMetrics(env_->metrics.port());
    EXPECT_TRUE(body.ok()) << body.status();
    return body.ok() ? *body : "";
  }

  // Calls `path` with an empty request and returns the status code.
  grpc::StatusCode CallPath(const std::string& path) {
    grpc::GenericStub stub(
        grpc::CreateChannel(reachrank::testing::Loopback(env_->server->port()),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
    absl::Notification done;
    stub.UnaryCall(&context, path, {}, &request, &response,
                   [&](grpc::Status s) {
                     code = s.error_code();
                     done.Notify();
                   });
    done.WaitForNotification();
    return code;
  }

  static Env* env_;
};

GrpcServerMetricsTest::Env* GrpcServerMetricsTest::env_ = nullptr;

TEST_F(GrpcServerMetricsTest, CountsUnaryCalls) {
  for (int i = 0; i < 2; ++i) {
    v1::ClassifyRequest request;
    request.add_items()->set_text("hello");
    v1::ClassifyResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(env_->stub->Classify(&context, request, &response).ok());
  }
  std::string body = Scrape();
  std::string l = kLabels;
  EXPECT_EQ(*MetricValue(body, "grpc_server_started_total{" + l + "}"), 2);
  EXPECT_EQ(*MetricValue(
                body, "grpc_server_handled_total{grpc_code=\"OK\"," + l + "}"),
            2);
  EXPECT_EQ(*MetricValue(body, "grpc_server_msg_received_total{" + l + "}"), 2);
  EXPECT_EQ(*MetricValue(body, "grpc_server_msg_sent_total{" + l + "}"), 2);
  EXPECT_EQ(*MetricValue(body, "grpc_server_handling_seconds_count{" + l + "}"),
            2);
  EXPECT_EQ(*MetricValue(body, "grpc_server_handling_seconds_bucket{" + l +
                                   ",le=\"5\"}"),
            2);
}

TEST_F(GrpcServerMetricsTest, CountsErrorsByCode) {
  grpc::ClientContext context;
  auto stream = env_->stub->ClassifyStream(&context);
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  std::string body = Scrape();
  EXPECT_EQ(
      *MetricValue(body,
                   "grpc_server_handled_total{grpc_code=\"UNIMPLEMENTED\","
                   "grpc_method=\"ClassifyStream\",grpc_service="
                   "\"reachrank.v1.TopicService\",grpc_type="
                   "\"bidi_stream\"}"),
      1);
}

// Paths a client invents all count as one "unknown" method: they cannot
// add series without bound. A method of a compiled-in service the server
// does not serve keeps its name. gRPC answers such calls with a streaming
// handler, so their type is bidi_stream.
TEST_F(GrpcServerMetricsTest, InventedMethodsCountAsUnknown) {
  EXPECT_EQ(CallPath("/x.Invented/A1"), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CallPath("/x.Invented/A2"), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CallPath("/reachrank.v1.TopicService/Invented"),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CallPath("/reachrank.v1.RankingService/Score"),
            grpc::StatusCode::UNIMPLEMENTED);
  std::string body = Scrape();
  EXPECT_EQ(*MetricValue(body,
                         "grpc_server_started_total{grpc_method=\"unknown\","
                         "grpc_service=\"unknown\",grpc_type=\"bidi_stream\"}"),
            3);
  EXPECT_EQ(*MetricValue(body,
                         "grpc_server_started_total{grpc_method=\"Score\","
                         "grpc_service=\"reachrank.v1.RankingService\","
                         "grpc_type=\"bidi_stream\"}"),
            1);
  EXPECT_EQ(body.find("Invented"), std::string::npos);
}

TEST_F(GrpcServerMetricsTest, ExposesBuildInfo) {
  EXPECT_NE(Scrape().find("reachrank_build_info{revision=\""),
            std::string::npos);
}

TEST(GrpcCodeNameTest, NamesCodes) {
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::DEADLINE_EXCEEDED),
               "DEADLINE_EXCEEDED");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED),
               "UNAUTHENTICATED");
}

}  // namespace
}  // namespace reachrank::services
