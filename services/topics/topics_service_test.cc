// The gRPC adapter in-process: a GrpcServer on a loopback port hosting
// TopicServiceImpl over the default model.
#include "services/topics/topics_service.h"

#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "prometheus/registry.h"
#include "services/common/in_flight_limit.h"
#include "services/common/server_runner.h"
#include "services/common/test_support.h"
#include "services/topics/topics_test_models.h"

namespace reachrank::topics_service {
namespace {

using ::testing::HasSubstr;

class TopicServiceTest : public ::testing::Test {
 protected:
  // Without `limits` the service has no caps.
  explicit TopicServiceTest(
      std::optional<services::CallLimits> limits = std::nullopt)
      : limit_(limits ? std::make_unique<services::InFlightLimit>(*limits,
                                                                  "topics")
                      : nullptr),
        service_(core_, limit_.get()) {}

  void SetUp() override {
    ASSERT_TRUE(core_.Reload().ok());
    auto server = services::GrpcServer::Start(
        {"127.0.0.1:0"}, {{v1::TopicService::service_full_name(), &service_}},
        {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = v1::TopicService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials()));
  }

  static v1::ClassifyStreamRequest Message(const std::string& id,
                                           const std::string& text) {
    v1::ClassifyStreamRequest request;
    v1::ClassifyItem* item = request.add_items();
    item->set_id(id);
    item->set_text(text);
    return request;
  }

  prometheus::Registry registry_;
  TopicsMetrics metrics_{registry_};
  TopicsCore core_{testing::DefaultTopicModel(), metrics_};
  std::unique_ptr<services::InFlightLimit> limit_;
  TopicServiceImpl service_;
  std::unique_ptr<services::GrpcServer> server_;
  std::unique_ptr<v1::TopicService::Stub> stub_;
};

TEST_F(TopicServiceTest, StreamAnswersEachMessageInOrder) {
  grpc::ClientContext context;
  auto stream = stub_->ClassifyStream(&context);
  constexpr int kMessages = 20;
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(
        stream->Write(Message("m" + std::to_string(i),
                              "The team won the match " + std::to_string(i))));
  }
  ASSERT_TRUE(stream->WritesDone());
  v1::ClassifyStreamResponse response;
  int read = 0;
  while (read < kMessages + 1 && stream->Read(&response)) {
    ASSERT_EQ(response.results_size(), 1);
    EXPECT_EQ(response.results(0).id(), "m" + std::to_string(read));
    EXPECT_EQ(response.model_version(), core_.ModelVersion());
    ++read;
  }
  EXPECT_EQ(read, kMessages);
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(TopicServiceTest, BadStreamMessageEndsTheStreamNamingIt) {
  grpc::ClientContext context;
  auto stream = stub_->ClassifyStream(&context);
  ASSERT_TRUE(stream->Write(Message("good", "Ein Spiel im Stadion")));
  stream->Write(Message("bad", "\xff\xfe"));
  stream->WritesDone();
  v1::ClassifyStreamResponse response;
  int read = 0;
  while (read < 3 && stream->Read(&response)) ++read;
  EXPECT_EQ(read, 1);
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("message 1: items[0]"));
  EXPECT_THAT(status.error_message(), HasSubstr("\"bad\""));
}

TEST_F(TopicServiceTest, HashtagsReachTheModelAndAreValidated) {
  v1::ClassifyRequest request;
  v1::ClassifyItem* item = request.add_items();
  item->set_id("tags");
  item->add_hashtags("FootballMatch");
  item->add_hashtags("champions_league");
  v1::ClassifyResponse response;
  grpc::ClientContext c1;
  grpc::Status status = stub_->Classify(&c1, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).language(), "en");
  ASSERT_GT(response.results(0).topics_size(), 0);
  EXPECT_EQ(response.results(0).topics(0).topic_id(), "sports");

  item->add_hashtags("\xff");  // parsed as bytes, refused by name
  grpc::ClientContext c2;
  status = stub_->Classify(&c2, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("items[0] (id \"tags\").hashtags[2]: must be 1-128"));
}

// Bytes that are no request at all are refused naming the message, for
// the admin calls too (typed handlers answered UNIMPLEMENTED, no reason).
TEST_F(TopicServiceTest, BytesThatAreNoRequestAreInvalidArgument) {
  const std::string address = "127.0.0.1:" + std::to_string(server_->port());
  for (const auto& [method, message] :
       {std::pair<std::string, std::string>{"ReloadModel",
                                            "TopicServiceReloadModelRequest"},
        {"ListTopics", "ListTopicsRequest"}}) {
    auto answer = reachrank::testing::CallRaw(
        address, "/reachrank.v1.TopicService/" + method, "\xff\xff\xff");
    EXPECT_EQ(answer.status(),
              absl::InvalidArgumentError("request: not a valid " + message +
                                         " message"))
        << method;
  }
  // A model_dir that is not UTF-8 is looked for as it is.
  v1::TopicServiceReloadModelRequest reload;
  reload.set_model_dir("/nowhere/\xff");
  std::string bytes;
  ASSERT_TRUE(reload.SerializePartialToString(&bytes));
  auto refused = reachrank::testing::CallRaw(
      address, "/reachrank.v1.TopicService/ReloadModel", bytes);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
}

TEST_F(TopicServiceTest, UnaryCallsMapCoreErrors) {
  v1::ClassifyRequest request;
  for (int i = 0; i < 1001; ++i) request.add_items()->set_text("x");
  v1::ClassifyResponse response;
  grpc::ClientContext c1;
  EXPECT_EQ(stub_->Classify(&c1, request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  v1::TopicServiceReloadModelRequest reload;
  reload.set_model_dir("/nonexistent/model");
  v1::TopicServiceReloadModelResponse reloaded;
  grpc::ClientContext c2;
  grpc::Status s = stub_->ReloadModel(&c2, reload, &reloaded);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("/nonexistent/model"));

  v1::ListTopicsResponse list;
  grpc::ClientContext c3;
  ASSERT_TRUE(stub_->ListTopics(&c3, {}, &list).ok());
  EXPECT_EQ(list.topics_size(), 7);
  EXPECT_EQ(list.model_version(), core_.ModelVersion());
}

// One place for calls, two for streams, streams idle for `idle` ended.
services::CallLimits TightLimits(absl::Duration idle) {
  services::CallLimits limits;
  limits.max_in_flight = 1;
  limits.max_open_streams = 2;
  limits.stream_idle_timeout = idle;
  return limits;
}

class LimitedTopicServiceTest : public TopicServiceTest {
 protected:
  explicit LimitedTopicServiceTest(absl::Duration idle = absl::Minutes(5))
      : TopicServiceTest(TightLimits(idle)) {}

  // Polls (bounded) until no stream is open; whether none is.
  bool AwaitNoOpenStream() {
    for (int i = 0; i < 400 && limit_->open_streams() > 0; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    return limit_->open_streams() == 0;
  }
};

TEST_F(LimitedTopicServiceTest, AnOpenStreamLeavesCallsFree) {
  grpc::ClientContext context;
  auto stream = stub_->ClassifyStream(&context);
  ASSERT_TRUE(stream->Write(Message("m0", "The team won the match")));
  v1::ClassifyStreamResponse answer;
  ASSERT_TRUE(stream->Read(&answer));

  v1::ClassifyRequest request;
  v1::ClassifyItem* item = request.add_items();
  item->set_id("unary");
  item->set_text("A recipe for bread");
  v1::ClassifyResponse response;
  grpc::ClientContext unary;
  grpc::Status status = stub_->Classify(&unary, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(limit_->open_streams(), 1);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_TRUE(AwaitNoOpenStream());
}

TEST_F(LimitedTopicServiceTest, AnAdmittedStreamIsAnsweredAtTheCallCap) {
  absl::StatusOr<services::InFlightLimit::Ticket> taken = limit_->TryAcquire();
  ASSERT_TRUE(taken.ok());
  grpc::ClientContext context;
  auto stream = stub_->ClassifyStream(&context);
  ASSERT_TRUE(stream->Write(Message("m0", "The team won the match")));
  v1::ClassifyStreamResponse answer;
  EXPECT_TRUE(stream->Read(&answer));
  v1::ClassifyRequest request;
  request.add_items()->set_text("A recipe for bread");
  v1::ClassifyResponse response;
  grpc::ClientContext unary;
  EXPECT_EQ(stub_->Classify(&unary, request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// Streams ended after a second without a message or with an answer unread.
class IdleTopicServiceTest : public LimitedTopicServiceTest {
 protected:
  IdleTopicServiceTest() : LimitedTopicServiceTest(absl::Seconds(1)) {}
};

TEST_F(IdleTopicServiceTest, AStreamWithoutMessagesEndsCancelledNamingTheFlag) {
  grpc::ClientContext context;
  auto stream = stub_->ClassifyStream(&context);
  ASSERT_TRUE(stream->Write(Message("m0", "The team won the match")));
  v1::ClassifyStreamResponse answer;
  ASSERT_TRUE(stream->Read(&answer));
  // Nothing more is sent: the server ends the stream after a second.
  EXPECT_FALSE(stream->Read(&answer));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(status.error_message(),
            "no message for 1s (--stream-idle-timeout); the 1 messages before "
            "were answered");
  EXPECT_TRUE(AwaitNoOpenStream());
}

TEST_F(IdleTopicServiceTest, AStreamWhoseAnswersAreNotReadEnds) {
  // A client whose receive window stays at 64 KiB, so that unread answers
  // soon back up.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 << 10);
  auto stub = v1::TopicService::NewStub(
      grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server_->port()),
                                grpc::InsecureChannelCredentials(), args));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  auto stream = stub->ClassifyStream(&context);
  // Messages of 100 items, never reading an answer, until the server's
  // writes back up and it stops reading (Write fails once the server has
  // cancelled the call, a second later; the deadline bounds the test).
  v1::ClassifyStreamRequest message;
  for (int i = 0; i < 100; ++i) {
    v1::ClassifyItem* item = message.add_items();
    item->set_id("item-" + std::to_string(i) + std::string(60, 'x'));
    item->set_text("football match");
  }
  int written = 0;
  while (written < 100000 && stream->Write(message)) ++written;
  v1::ClassifyStreamResponse answer;
  int read = 0;
  while (read < 100000 && stream->Read(&answer)) ++read;
  // The server cancels the call: its status could not pass the answers.
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_LT(written, 100000);
  EXPECT_TRUE(AwaitNoOpenStream());
}

TEST_F(LimitedTopicServiceTest, StreamsBeyondTheOpenCapAreRefused) {
  grpc::ClientContext c1, c2, c3;
  auto first = stub_->ClassifyStream(&c1);
  auto second = stub_->ClassifyStream(&c2);
  v1::ClassifyStreamResponse answer;
  ASSERT_TRUE(first->Write(Message("a", "The team won the match")));
  ASSERT_TRUE(first->Read(&answer));
  ASSERT_TRUE(second->Write(Message("b", "The team won the match")));
  ASSERT_TRUE(second->Read(&answer));
  auto third = stub_->ClassifyStream(&c3);
  third->WritesDone();
  grpc::Status refused = third->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(),
            "too many open streams (2); retry with backoff");
  first->WritesDone();
  second->WritesDone();
  EXPECT_TRUE(first->Finish().ok());
  EXPECT_TRUE(second->Finish().ok());
}

}  // namespace
}  // namespace reachrank::topics_service
