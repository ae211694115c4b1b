#include "services/common/limited_call.h"

#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "reachrank/v1/topics.grpc.pb.h"
#include "services/common/server_runner.h"
#include "services/common/test_support.h"

namespace reachrank::services {
namespace {

constexpr uint32_t kWait = 7;  // a top_k that asks the handler to wait

// Classify runs a body that fails INVALID_ARGUMENT, after waiting (at most
// 30 s) for the call's deadline to pass when top_k is kWait, and keeps the
// status RunLimited gave.
class FailingService final : public v1::TopicService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Classify(grpc::CallbackServerContext* context,
                                     const v1::ClassifyRequest* request,
                                     v1::ClassifyResponse*) override {
    const bool wait = request->top_k() == kWait;
    started_.store(true);
    absl::Status status = RunLimited(context, nullptr, [&] {
      const absl::Time until = absl::Now() + absl::Seconds(30);
      while (wait && context->deadline() > std::chrono::system_clock::now() &&
             absl::Now() < until) {
        absl::SleepFor(absl::Milliseconds(5));
      }
      return absl::InvalidArgumentError("items: must hold 1 to 1000 items");
    });
    {
      absl::MutexLock lock(&mu_);
      last_ = status;
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }

  absl::Status last() {
    absl::MutexLock lock(&mu_);
    return last_;
  }
  // Whether a call has reached Classify.
  bool started() const { return started_.load(); }

 private:
  absl::Mutex mu_;
  absl::Status last_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> started_{false};
};

class RunLimitedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = GrpcServer::Start({"127.0.0.1:0"}, {{"t", &service_}}, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::TopicService::NewStub(
        grpc::CreateChannel(reachrank::testing::Loopback(server_->port()),
                            grpc::InsecureChannelCredentials()));
  }

  grpc::Status Call(uint32_t top_k, absl::Duration deadline) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    v1::ClassifyRequest request;
    request.set_top_k(top_k);
    v1::ClassifyResponse response;
    return stub_->Classify(&context, request, &response);
  }

  FailingService service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<v1::TopicService::Stub> stub_;
};

TEST_F(RunLimitedTest, AFailureOfALiveCallIsItsOwn) {
  grpc::Status status = Call(0, absl::Seconds(30));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(service_.last(),
            absl::InvalidArgumentError("items: must hold 1 to 1000 items"));
}

TEST_F(RunLimitedTest, AFailureAfterTheDeadlinePassedIsCancelled) {
  // On a busy machine a call may pass its deadline before it reaches the
  // handler; longer deadlines until one does.
  for (const absl::Duration deadline :
       {absl::Seconds(1), absl::Seconds(3), absl::Seconds(10)}) {
    grpc::Status status = Call(kWait, deadline);
    // The client's own deadline timer and the server's CANCELLED answer
    // race: either ends the call, as the deadline passed.
    EXPECT_THAT(status.error_code(),
                ::testing::AnyOf(grpc::StatusCode::DEADLINE_EXCEEDED,
                                 grpc::StatusCode::CANCELLED));
    if (service_.started()) break;
  }
  server_->Shutdown();  // every handler has finished
  ASSERT_TRUE(service_.started());
  EXPECT_EQ(service_.last(),
            absl::CancelledError(
                "call cancelled or past its deadline; work stopped"));
}

}  // namespace
}  // namespace reachrank::services
