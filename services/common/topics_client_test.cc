#include "services/common/topics_client.h"

#include <gtest/gtest.h>

#include "services/common/fake_topic_service.h"
#include "services/common/server_runner.h"
#include "services/common/test_support.h"

namespace reachrank::services {
namespace {

class TopicsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = GrpcServer::Start({"127.0.0.1:0"}, {{"t", &service_}}, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    options_.address = reachrank::testing::Loopback(server_->port());
    options_.initial_backoff = absl::Milliseconds(10);
  }

  reachrank::testing::FakeTopicService service_;
  std::unique_ptr<GrpcServer> server_;
  TopicsClientOptions options_;
};

TEST_F(TopicsClientTest, ClassifiesThroughTheService) {
  auto client = GrpcTopicClassifier::Create(options_);
  ASSERT_TRUE(client.ok());
  std::vector<topics::TextItem> items = {
      {"a", "a trip to Rome", "en"},
      {"b", "how to code in C++", ""},
      {"c", "my weekend", "", {"weekend", "coder_life"}}};
  auto result = (*client)->Classify(items, 3);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->size(), 3u);
  EXPECT_EQ((*result)[2].topics.at(0).topic_id, "science/technology");
  EXPECT_EQ((*result)[0].id, "a");
  EXPECT_EQ((*result)[0].topics.at(0).topic_id, "travel");
  EXPECT_EQ((*result)[1].topics.at(0).topic_id, "science/technology");
  EXPECT_FLOAT_EQ((*result)[1].topics.at(0).probability, 0.9f);
  EXPECT_EQ((*client)->ModelVersion(), "fake-v1");
}

// A batch too large for one message goes in halves; the results keep the
// items' order.
TEST_F(TopicsClientTest, SplitsABatchLargerThanTheRequestLimit) {
  options_.max_request_bytes = 300;
  auto client = GrpcTopicClassifier::Create(options_);
  ASSERT_TRUE(client.ok());
  std::vector<topics::TextItem> items;
  for (int i = 0; i < 8; ++i) {
    items.push_back({"id" + std::to_string(i),
                     std::string(60, 'x') + (i % 2 ? " trip to Rome" : " code"),
                     "en"});
  }
  auto result = (*client)->Classify(items, 1);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->size(), 8u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ((*result)[i].id, "id" + std::to_string(i));
    EXPECT_EQ((*result)[i].topics.at(0).topic_id,
              i % 2 ? "travel" : "science/technology");
  }
  // About 75 bytes an item: 8 items make four requests of two.
  EXPECT_EQ(service_.calls(), 4);
}

// Calls spread over every address the target names (round_robin), as over
// the replicas behind a headless Service.
TEST_F(TopicsClientTest, BalancesCallsOverEveryAddress) {
  reachrank::testing::FakeTopicService second;
  auto server = GrpcServer::Start({"127.0.0.1:0"}, {{"t", &second}}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  options_.address = "ipv4:127.0.0.1:" + std::to_string(server_->port()) +
                     ",127.0.0.1:" + std::to_string((*server)->port());
  auto client = GrpcTopicClassifier::Create(options_);
  ASSERT_TRUE(client.ok());
  std::vector<topics::TextItem> items = {{"a", "a trip to Rome", "en"}};
  // round_robin sends calls only over connections that are up: call until
  // both servers have had one (one server would keep every call).
  int calls = 0;
  while (calls < 200 && (service_.calls() == 0 || second.calls() == 0)) {
    ASSERT_TRUE((*client)->Classify(items, 1).ok());
    ++calls;
  }
  EXPECT_EQ(service_.calls() + second.calls(), calls);
  EXPECT_GT(service_.calls(), 0);
  EXPECT_GT(second.calls(), 0);
}

TEST_F(TopicsClientTest, RetriesDeadlinesABoundedNumberOfTimes) {
  options_.deadline = absl::Milliseconds(100);
  options_.max_attempts = 2;
  auto client = GrpcTopicClassifier::Create(options_);
  std::vector<topics::TextItem> items = {{"a", "sleep:400", "en"}};
  auto result = (*client)->Classify(items, 3);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(service_.calls(), 2);
}

TEST_F(TopicsClientTest, UnreachableServiceIsUnavailable) {
  auto port = reachrank::testing::PickFreePort();
  ASSERT_TRUE(port.ok());
  options_.address = reachrank::testing::Loopback(*port);
  options_.max_attempts = 3;
  auto client = GrpcTopicClassifier::Create(options_);
  std::vector<topics::TextItem> items = {{"a", "x", "en"}};
  auto result = (*client)->Classify(items, 3);
  // UNAVAILABLE, not DEADLINE_EXCEEDED: the calls failed fast instead of
  // waiting for the service to come up.
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(TopicsClientTest, RejectsBadOptionsAndBigBatches) {
  EXPECT_EQ(GrpcTopicClassifier::Create(TopicsClientOptions{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  options_.max_attempts = 0;
  EXPECT_EQ(GrpcTopicClassifier::Create(options_).status().code(),
            absl::StatusCode::kInvalidArgument);
  options_.max_attempts = 1;
  auto client = GrpcTopicClassifier::Create(options_);
  std::vector<topics::TextItem> items(topics::kMaxBatchItems + 1);
  EXPECT_EQ((*client)->Classify(items, 3).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(service_.calls(), 0);
}

TEST_F(TopicsClientTest,
       NewTopicClassifierIsNullWithoutAnAddressAndChecksCredentials) {
  TopicsClientOptions none;
  auto client = NewTopicClassifier(none, ClientTlsOptions{});
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(*client, nullptr);

  ClientTlsOptions token_without_tls;
  token_without_tls.token_file = "token";
  EXPECT_EQ(NewTopicClassifier(options_, token_without_tls).status().code(),
            absl::StatusCode::kInvalidArgument);

  client = NewTopicClassifier(options_, ClientTlsOptions{});
  ASSERT_TRUE(client.ok()) << client.status();
  std::vector<topics::TextItem> items = {{"a", "a trip to Rome", "en"}};
  EXPECT_TRUE((*client)->Classify(items, 3).ok());
  EXPECT_EQ(service_.calls(), 1);
}

TEST(NewTopicClassifierTest, SecurityFlagsWithoutAnAddressAreRefused) {
  TopicsClientOptions options;  // no address: no topic service
  auto none = NewTopicClassifier(options, ClientTlsOptions{});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
  ClientTlsOptions security;
  security.token_file = "token";
  EXPECT_EQ(NewTopicClassifier(options, security).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reachrank::services
