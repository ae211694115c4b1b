#include "services/common/service_process.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/text_serializer.h"
#include "services/common/certificate_metrics.h"
#include "services/common/fake_topic_service.h"
#include "services/common/test_support.h"
#include "services/common/test_support_tls.h"

namespace reachrank::services {
namespace {

using ::testing::internal::CaptureStderr;
using ::testing::internal::GetCapturedStderr;

// A core whose Reload answers `outcome` and then raises SIGTERM in the
// calling thread, so the loop sees exactly one SIGHUP before it ends.
struct FakeCore {
  struct Outcome {
    std::string model_version;
  };
  absl::StatusOr<Outcome> Reload() {
    ++reloads;
    pthread_kill(pthread_self(), SIGTERM);
    return outcome;
  }
  absl::StatusOr<Outcome> outcome;
  int reloads = 0;
};

// Blocks the loop's signals in this thread for the length of a test.
class ScopedSignalMask {
 public:
  ScopedSignalMask() {
    pthread_sigmask(SIG_SETMASK, nullptr, &old_);
    BlockShutdownAndReloadSignals();
  }
  ~ScopedSignalMask() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

TEST(ServiceProcessTest, FailAndLogPrefixTheProgram) {
  ServiceProcess process("reachrank-test");
  CaptureStderr();
  EXPECT_EQ(process.Fail("open db", absl::NotFoundError("no such directory")),
            1);
  process.Log("serving on port 1");
  EXPECT_EQ(GetCapturedStderr(),
            "reachrank-test: open db: NOT_FOUND: no such directory\n"
            "reachrank-test: serving on port 1\n");
}

// With no pause every call writes its line; with a long one none does.
TEST(ServiceProcessTest, UpgradeProgressLogWritesAtMostOncePerPause) {
  std::vector<std::string> lines;
  auto each = UpgradeProgressLog(
      [&lines](const std::string& line) { lines.push_back(line); },
      absl::ZeroDuration());
  each(1);
  each(2);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "upgrading the database's schema: 1 posts read",
                       "upgrading the database's schema: 2 posts read"}));
  lines.clear();
  auto hourly = UpgradeProgressLog(
      [&lines](const std::string& line) { lines.push_back(line); },
      absl::Hours(1));
  for (int64_t posts = 1; posts <= 1000; ++posts) hourly(posts);
  EXPECT_TRUE(lines.empty());
}

TEST(ServiceProcessTest, StartServerCountsCallsInTheProcessRegistry) {
  ServiceProcess process("reachrank-test");
  reachrank::testing::FakeTopicService service;
  auto server = process.StartServer({"127.0.0.1:0"},
                                    {"reachrank.v1.TopicService", &service});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = reachrank::testing::Loopback((*server)->port());
  EXPECT_EQ(*reachrank::testing::HealthStatus(address, ""), "NOT_SERVING");
  auto stub = v1::TopicService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  v1::ClassifyRequest request;
  request.add_items()->set_text("hello");
  v1::ClassifyResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Classify(&context, request, &response).ok());
  (*server)->Shutdown();

  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, process.registry().Collect());
  EXPECT_EQ(*reachrank::testing::MetricValue(
                text.str(),
                "grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
                "\"Classify\",grpc_service=\"reachrank.v1.TopicService\","
                "grpc_type=\"unary\"}"),
            1);
}

// reachrank_serving follows the health state: 0 while the binary opens its
// database or model, 1 once it serves, 0 again at shutdown.
TEST(ServiceProcessTest, ServingGaugeFollowsTheHealthState) {
  ServiceProcess process("reachrank-test");
  reachrank::testing::FakeTopicService service;
  auto serving = [&process] {
    std::ostringstream text;
    prometheus::TextSerializer().Serialize(text, process.registry().Collect());
    return reachrank::testing::MetricValue(text.str(), "reachrank_serving");
  };
  EXPECT_EQ(*serving(), 0);
  auto server = process.StartServer({"127.0.0.1:0"},
                                    {"reachrank.v1.TopicService", &service});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(*serving(), 0);
  (*server)->SetServing(true);
  EXPECT_EQ(*serving(), 1);
  (*server)->Shutdown();
  EXPECT_EQ(*serving(), 0);
}

// A server with TLS exposes when its certificate lapses on /metrics.
TEST(ServiceProcessTest, ATlsServerExposesItsCertificatesExpiry) {
  auto dir = reachrank::testing::MakeTempDir("process_tls");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto pki = reachrank::testing::MakeTestPki(*dir);
  ASSERT_TRUE(pki.ok()) << pki.status();
  ServiceProcess process("reachrank-test");
  ASSERT_TRUE(process.metrics().Serve("127.0.0.1:0").ok());
  reachrank::testing::FakeTopicService service;
  ServerOptions options{"127.0.0.1:0"};
  options.tls = {.cert_file = pki->server_cert, .key_file = pki->server_key};
  auto server =
      process.StartServer(options, {"reachrank.v1.TopicService", &service});
  ASSERT_TRUE(server.ok()) << server.status();
  auto body = reachrank::testing::ScrapeMetrics(process.metrics().port());
  ASSERT_TRUE(body.ok()) << body.status();
  auto not_after = CertificateNotAfter(pki->server_cert);
  ASSERT_TRUE(not_after.ok()) << not_after.status();
  auto exposed = reachrank::testing::MetricValue(
      *body, "reachrank_tls_certificate_expiry_timestamp_seconds");
  ASSERT_TRUE(exposed.ok()) << *body;
  EXPECT_EQ(*exposed, static_cast<double>(absl::ToUnixSeconds(*not_after)));
}

TEST(ServiceProcessTest, HangupReloadsAndLogsTheVersionUntilShutdown) {
  ScopedSignalMask mask;
  ServiceProcess process("reachrank-test");
  FakeCore core;
  core.outcome = FakeCore::Outcome{"model-v2"};
  pthread_kill(pthread_self(), SIGHUP);
  CaptureStderr();
  process.ReloadUntilShutdown(core);
  EXPECT_EQ(GetCapturedStderr(),
            "reachrank-test: SIGHUP: now serving model-v2\n"
            "reachrank-test: signal 15, shutting down\n");
  EXPECT_EQ(core.reloads, 1);
}

TEST(ServiceProcessTest, ARefusedReloadIsLoggedAndTheLoopGoesOn) {
  ScopedSignalMask mask;
  ServiceProcess process("reachrank-test");
  FakeCore core;
  core.outcome = absl::FailedPreconditionError("model x refused");
  pthread_kill(pthread_self(), SIGHUP);
  CaptureStderr();
  process.ReloadUntilShutdown(core);
  EXPECT_EQ(GetCapturedStderr(),
            "reachrank-test: SIGHUP: FAILED_PRECONDITION: model x refused\n"
            "reachrank-test: signal 15, shutting down\n");
  EXPECT_EQ(core.reloads, 1);
}

// The server started through the process keeps its tokens file: each
// SIGHUP of the signal loops reads it again.
TEST(ServiceProcessTest, HangupReloadsTheTokensOfTheServerStarted) {
  auto dir = testing::MakeTempDir("process_tokens");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto pki = testing::MakeTestPki(*dir);
  ASSERT_TRUE(pki.ok()) << pki.status();
  const std::string path = *dir + "/tokens";
  auto write = [&path](int tokens) {
    std::ofstream out(path, std::ios::trunc);
    for (int i = 0; i < tokens; ++i) {
      out << Sha256Hex("t" + std::to_string(i)) << " n" << i << " admin\n";
    }
    out.close();
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
  };
  write(1);
  ScopedSignalMask mask;
  ServiceProcess process("reachrank-test");
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls.cert_file = pki->server_cert;
  options.tls.key_file = pki->server_key;
  auto auth = TokenAuthProcessor::Load(path);
  ASSERT_TRUE(auth.ok()) << auth.status();
  options.auth = *auth;
  testing::FakeTopicService service;
  auto server =
      process.StartServer(options, {"reachrank.v1.TopicService", &service});
  ASSERT_TRUE(server.ok()) << server.status();

  write(2);
  pthread_kill(pthread_self(), SIGHUP);
  pthread_kill(pthread_self(), SIGTERM);
  CaptureStderr();
  process.IgnoreReloadsUntilShutdown();
  EXPECT_EQ(GetCapturedStderr(),
            "reachrank-test: SIGHUP: no model to reload; still serving\n"
            "reachrank-test: SIGHUP: tokens reloaded: 2\n"
            "reachrank-test: signal 15, shutting down\n");
}

TEST(ServiceProcessTest, WaitForShutdownReturnsOnSigint) {
  ScopedSignalMask mask;
  ServiceProcess process("reachrank-test");
  pthread_kill(pthread_self(), SIGINT);
  CaptureStderr();
  process.WaitForShutdown();
  EXPECT_EQ(GetCapturedStderr(), "reachrank-test: signal 2, shutting down\n");
}

}  // namespace
}  // namespace reachrank::services
