// Transport security and authorisation of the real `reachrank serve`: TLS
// with throwaway certificates, mutual TLS, and the scope each RPC of the
// three services needs (services/common/auth.h), decided per call before
// any handler runs.
#include <gmock/gmock.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/certificate_metrics.h"
#include "services/common/test_support.h"
#include "services/common/test_support_tls.h"

#ifndef REACHRANK_CLI_BINARY
#error "REACHRANK_CLI_BINARY must name the reachrank binary"
#endif

namespace reachrank::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Distinctive, so that finding one in a log or /metrics means a leak.
constexpr char kIngestToken[] = "rr-test-ingest-6c1f0e9a2b";
constexpr char kRankToken[] = "rr-test-rank-93d4a7e1c0";
constexpr char kTopicsToken[] = "rr-test-topics-5e8b2f6d14";
constexpr char kAdminToken[] = "rr-test-admin-0a7c3e9f58";
constexpr char kUnknownToken[] = "rr-test-unknown-4b2d6f8e1a";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A tokens file made with the documented recipe (docs/operations.md).
const std::vector<std::vector<std::string>> kAllTokens = {
    {kIngestToken, "loader", "ingest:write"},
    {kRankToken, "scorer", "rank:read"},
    {kTopicsToken, "tagger", "topics:read"},
    {kAdminToken, "operator", "admin"}};

// Writes `lines` ({token, name, scopes}) as the tokens file `path`,
// replacing what it held.
absl::Status WriteTokens(
    const std::string& path,
    const std::vector<std::vector<std::string>>& lines = kAllTokens) {
  std::filesystem::remove(path);
  for (const auto& l : lines) {
    const std::string command = absl::StrCat(
        "printf %s '", l[0], "' | sha256sum | cut -d' ' -f1 | tr -d '\\n' >> '",
        path, "' && echo ' ", l[1], " ", l[2], "' >> '", path, "'");
    if (std::system(command.c_str()) != 0) {
      return absl::InternalError("cannot write " + path);
    }
  }
  // Whatever the umask: the server refuses a tokens file others may write.
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
  return absl::OkStatus();
}

struct Serve {
  std::unique_ptr<ChildProcess> process;
  std::string address;
  int metrics_port = 0;
  std::string log;
};

// `reachrank serve` with TLS on free ports; `extra` adds flags.
absl::StatusOr<Serve> StartServe(const std::string& dir, const TestPki& pki,
                                 const std::vector<std::string>& extra,
                                 bool client_cert) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<int> port = PickFreePort();
    absl::StatusOr<int> metrics_port = PickFreePort();
    if (!port.ok() || !metrics_port.ok()) return absl::UnavailableError("port");
    std::vector<std::string> args = {
        "serve",      "--listen",   Loopback(*port), "--metrics-listen",
        Loopback(*metrics_port),    "--data",        dir + "/data",
        "--tls-cert", pki.server_cert, "--tls-key",  pki.server_key};
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string log = dir + "/serve.log";
    auto child = ChildProcess::Spawn(REACHRANK_CLI_BINARY, args, log);
    if (!child.ok()) return child.status();
    last = WaitForHealthy(Loopback(*port),
                          TestTlsCredentials(pki, client_cert, ""),
                          absl::Seconds(60));
    if (!last.ok()) continue;  // ~ChildProcess kills it
    return Serve{std::move(*child), Loopback(*port), *metrics_port, log};
  }
  return last;
}

// One `reachrank serve` with TLS and the four tokens, for the whole suite.
class AuthIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = MakeTempDir("auth_it");
    ASSERT_TRUE(dir.ok()) << dir.status();
    auto pki = MakeTestPki(*dir);
    ASSERT_TRUE(pki.ok()) << pki.status();
    ASSERT_TRUE(WriteTokens(*dir + "/tokens").ok());
    auto serve = StartServe(*dir, *pki, {"--tokens", *dir + "/tokens"}, false);
    ASSERT_TRUE(serve.ok()) << serve.status() << " (log in " << *dir << ")";
    pki_ = new TestPki(*pki);
    serve_ = new Serve(std::move(*serve));
  }
  static void TearDownTestSuite() {
    delete serve_;
    delete pki_;
  }

  static grpc::Status Call(const std::string& method,
                           const std::string& token) {
    return CallStatus(serve_->address, TestTlsCredentials(*pki_, false, token),
                      method, "");
  }

  static TestPki* pki_;
  static Serve* serve_;
};

TestPki* AuthIntegrationTest::pki_ = nullptr;
Serve* AuthIntegrationTest::serve_ = nullptr;

struct MethodCase {
  const char* method;
  const char* token;  // the one token whose scope the method needs
};

// Every RPC of the three services and the token holding its scope.
const MethodCase kMethods[] = {
    {"/reachrank.v1.IngestService/UpsertPosts", kIngestToken},
    {"/reachrank.v1.IngestService/UpsertAuthors", kIngestToken},
    {"/reachrank.v1.IngestService/RecordEvents", kIngestToken},
    {"/reachrank.v1.IngestService/GetPostStats", kRankToken},
    {"/reachrank.v1.IngestService/DeleteAuthors", kAdminToken},
    {"/reachrank.v1.TopicService/Classify", kTopicsToken},
    {"/reachrank.v1.TopicService/ClassifyStream", kTopicsToken},
    {"/reachrank.v1.TopicService/ListTopics", kTopicsToken},
    {"/reachrank.v1.TopicService/ReloadModel", kAdminToken},
    {"/reachrank.v1.RankingService/Score", kRankToken},
    {"/reachrank.v1.RankingService/ScoreDrafts", kRankToken},
    {"/reachrank.v1.RankingService/Rank", kRankToken},
    {"/reachrank.v1.RankingService/ReloadModel", kAdminToken},
};

TEST_F(AuthIntegrationTest, EachScopeIsAllowedExactlyItsMethods) {
  for (const MethodCase& m : kMethods) {
    for (const char* token :
         {kIngestToken, kRankToken, kTopicsToken, kAdminToken}) {
      grpc::Status status = Call(m.method, token);
      if (std::string(token) == m.token) {
        // Past the auth layer: whatever the handler makes of an empty
        // request, it is not an auth failure.
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << m.method;
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << m.method << " with its own scope: " << status.error_message();
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << m.method << " with " << token;
        EXPECT_THAT(status.error_message(), HasSubstr("lacks scope"));
      }
    }
  }
}

TEST_F(AuthIntegrationTest, MissingOrUnknownTokenIsUnauthenticated) {
  for (const MethodCase& m : kMethods) {
    EXPECT_EQ(Call(m.method, "").error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << m.method;
    EXPECT_EQ(Call(m.method, kUnknownToken).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << m.method;
  }
}

TEST_F(AuthIntegrationTest, HealthAndMetricsNeedNoTokenReflectionAnyToken) {
  EXPECT_TRUE(Call("/grpc.health.v1.Health/Check", "").ok());
  EXPECT_TRUE(ScrapeMetrics(serve_->metrics_port).ok());
  // ServerReflectionRequest{list_services: ""} (field 7); a token of any
  // scope will do.
  const std::string list(std::string("\x3a\x00", 2));
  const char* method =
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  grpc::Status without = CallStatus(
      serve_->address, TestTlsCredentials(*pki_, false, ""), method, list);
  EXPECT_EQ(without.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status with =
      CallStatus(serve_->address,
                 TestTlsCredentials(*pki_, false, kTopicsToken), method, list);
  EXPECT_TRUE(with.ok()) << with.error_message();
}

TEST_F(AuthIntegrationTest, TokensNeverReachTheLogOrMetrics) {
  for (const char* token : {kIngestToken, kRankToken, kUnknownToken}) {
    Call("/reachrank.v1.IngestService/UpsertPosts", token);
  }
  auto metrics = ScrapeMetrics(serve_->metrics_port);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const std::string log = ReadAll(serve_->log);
  for (const char* token : {kIngestToken, kRankToken, kTopicsToken,
                            kAdminToken, kUnknownToken}) {
    EXPECT_THAT(*metrics, Not(HasSubstr(token)));
    EXPECT_THAT(log, Not(HasSubstr(token)));
  }
}

TEST_F(AuthIntegrationTest, PlaintextClientIsRefused) {
  grpc::Status status =
      CallStatus(serve_->address, grpc::InsecureChannelCredentials(),
                 "/grpc.health.v1.Health/Check", "", absl::Seconds(3));
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

// Both ways of holding the certificates: watched (the default) and read
// once (--tls-refresh-interval 0).
TEST(MutualTlsIntegrationTest, RefusesAClientWithoutACertificate) {
  for (const char* refresh : {"60", "0"}) {
    SCOPED_TRACE(absl::StrCat("--tls-refresh-interval ", refresh));
    auto dir = MakeTempDir("mtls_it");
    ASSERT_TRUE(dir.ok()) << dir.status();
    auto pki = MakeTestPki(*dir);
    ASSERT_TRUE(pki.ok()) << pki.status();
    auto serve = StartServe(
        *dir, *pki,
        {"--tls-client-ca", pki->ca_cert, "--tls-refresh-interval", refresh},
        true);
    ASSERT_TRUE(serve.ok()) << serve.status() << " (log in " << *dir << ")";
    EXPECT_TRUE(CallStatus(serve->address, TestTlsCredentials(*pki, true, ""),
                           "/grpc.health.v1.Health/Check", "")
                    .ok());
    grpc::Status without =
        CallStatus(serve->address, TestTlsCredentials(*pki, false, ""),
                   "/grpc.health.v1.Health/Check", "", absl::Seconds(3));
    EXPECT_EQ(without.error_code(), grpc::StatusCode::UNAVAILABLE)
        << without.error_message();
  }
}

// A renewed certificate (here: one of another CA, so that the switch is
// visible) serves new connections without a restart.
TEST(TlsRefreshIntegrationTest, ARenewedCertificateServesWithoutARestart) {
  auto dir = MakeTempDir("tls_refresh");
  ASSERT_TRUE(dir.ok()) << dir.status();
  std::filesystem::create_directories(*dir + "/old");
  std::filesystem::create_directories(*dir + "/new");
  auto old_pki = MakeTestPki(*dir + "/old");
  auto new_pki = MakeTestPki(*dir + "/new");
  ASSERT_TRUE(old_pki.ok()) << old_pki.status();
  ASSERT_TRUE(new_pki.ok()) << new_pki.status();
  auto serve =
      StartServe(*dir, *old_pki, {"--tls-refresh-interval", "1"}, false);
  ASSERT_TRUE(serve.ok()) << serve.status() << " (log in " << *dir << ")";
  auto health = [&](const TestPki& trusted) {
    return CallStatus(serve->address, TestTlsCredentials(trusted, false, ""),
                      "/grpc.health.v1.Health/Check", "", absl::Seconds(3));
  };
  ASSERT_EQ(health(*new_pki).error_code(), grpc::StatusCode::UNAVAILABLE);

  ASSERT_TRUE(ReplaceServerCertificate(*new_pki, *old_pki).ok());
  grpc::Status renewed = health(*new_pki);
  for (int i = 0; i < 240 && !renewed.ok(); ++i) {  // up to about a minute
    absl::SleepFor(absl::Milliseconds(250));
    renewed = health(*new_pki);
  }
  EXPECT_TRUE(renewed.ok()) << renewed.error_message();
  EXPECT_EQ(health(*old_pki).error_code(), grpc::StatusCode::UNAVAILABLE);
  // serve exposes when the certificate it presents lapses.
  auto metrics = ScrapeMetrics(serve->metrics_port);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  auto exposed = MetricValue(
      *metrics, "reachrank_tls_certificate_expiry_timestamp_seconds");
  ASSERT_TRUE(exposed.ok()) << *metrics;
  auto not_after = services::CertificateNotAfter(new_pki->server_cert);
  ASSERT_TRUE(not_after.ok()) << not_after.status();
  EXPECT_EQ(*exposed, static_cast<double>(absl::ToUnixSeconds(*not_after)));
}

TEST(TransportFlagsIntegrationTest, RefusesToStartWithoutTlsOrInsecure) {
  auto dir = MakeTempDir("transport_it");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string log = *dir + "/serve.log";
  auto child = ChildProcess::Spawn(
      REACHRANK_CLI_BINARY,
      {"serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
       "--data", *dir + "/data"},
      log);
  ASSERT_TRUE(child.ok()) << child.status();
  auto status = (*child)->Wait(absl::Seconds(30));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  EXPECT_THAT(ReadAll(log), HasSubstr("--tls-cert"));
  EXPECT_THAT(ReadAll(log), HasSubstr("--insecure"));
}

// SIGHUP reads the tokens file again: a token removed from it is refused
// from then on, without a restart.
TEST(AuthReloadTest, SighupReadsTheTokensFileAgain) {
  auto dir = MakeTempDir("auth_reload");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto pki = MakeTestPki(*dir);
  ASSERT_TRUE(pki.ok()) << pki.status();
  const std::string tokens = *dir + "/tokens";
  ASSERT_TRUE(WriteTokens(tokens).ok());
  auto serve = StartServe(*dir, *pki, {"--tokens", tokens}, false);
  ASSERT_TRUE(serve.ok()) << serve.status();
  auto call = [&](const char* method, const char* token) {
    return CallStatus(serve->address, TestTlsCredentials(*pki, false, token),
                      method, "");
  };
  const char* stats = "/reachrank.v1.IngestService/GetPostStats";
  const char* upsert = "/reachrank.v1.IngestService/UpsertPosts";
  ASSERT_NE(call(stats, kRankToken).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  ASSERT_TRUE(WriteTokens(tokens, {kAllTokens[0]}).ok());  // the loader only
  ASSERT_TRUE(serve->process->Signal(SIGHUP).ok());
  std::string log;
  // serve reloads both models first: up to a minute on a loaded machine.
  for (int i = 0; i < 2400; ++i) {
    log = ReadAll(serve->log);
    if (log.find("SIGHUP: tokens") != std::string::npos) break;
    absl::SleepFor(absl::Milliseconds(25));
  }
  EXPECT_NE(log.find("SIGHUP: tokens reloaded: 1"), std::string::npos) << log;
  EXPECT_EQ(call(stats, kRankToken).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(call(upsert, kIngestToken).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace reachrank::testing
