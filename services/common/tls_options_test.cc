// Client credentials from MakeChannelCredentials against a real TLS
// GrpcServer on loopback: the server's name is checked whether the files
// are read once or watched, a client key of another certificate is
// refused, and watched files take a new CA without new credentials.
#include "services/common/tls_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/server_runner.h"
#include "services/common/test_support.h"
#include "services/common/test_support_tls.h"

namespace reachrank::services {
namespace {

using testing::CallStatus;
using testing::MakeTempDir;
using testing::MakeTestPki;
using testing::TestPki;

constexpr char kHealth[] = "/grpc.health.v1.Health/Check";

// A TLS server (health only) on a free loopback port with `pki`'s server
// certificate, its files watched every second.
std::unique_ptr<GrpcServer> StartTlsServer(const TestPki& pki) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls = {.cert_file = pki.server_cert,
                 .key_file = pki.server_key,
                 .refresh_interval_s = 1};
  auto server = GrpcServer::Start(options, {}, {});
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

class ClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir("client_tls");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    auto pki = MakeTestPki(dir_);
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *pki;
    server_ = StartTlsServer(pki_);
    ASSERT_NE(server_, nullptr);
    address_ = testing::Loopback(server_->port());
  }

  std::string dir_;
  TestPki pki_;
  std::unique_ptr<GrpcServer> server_;
  std::string address_;
};

// The server's certificate names 127.0.0.1 and localhost; a channel that
// expects another name is refused, with files read once or watched.
TEST_F(ClientTlsTest, TheServersNameIsCheckedEitherWay) {
  for (int refresh : {0, 1}) {
    SCOPED_TRACE(absl::StrCat("refresh_interval_s ", refresh));
    auto credentials = MakeChannelCredentials(
        {.ca_file = pki_.ca_cert, .refresh_interval_s = refresh});
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    EXPECT_TRUE(CallStatus(address_, *credentials, kHealth, "").ok());
    const grpc::Status wrong_name =
        CallStatus(address_, *credentials, kHealth, "", absl::Seconds(3),
                   "elsewhere.example");
    EXPECT_EQ(wrong_name.error_code(), grpc::StatusCode::UNAVAILABLE)
        << wrong_name.error_message();
  }
}

TEST_F(ClientTlsTest, AClientKeyOfAnotherCertificateIsRefused) {
  for (int refresh : {0, 1}) {
    EXPECT_EQ(MakeChannelCredentials({.ca_file = pki_.ca_cert,
                                      .cert_file = pki_.client_cert,
                                      .key_file = pki_.server_key,
                                      .refresh_interval_s = refresh})
                  .status(),
              absl::InvalidArgumentError(
                  "--tls-key: " + pki_.server_key +
                  " is not the key of the certificate in --tls-cert " +
                  pki_.client_cert));
  }
}

// Errors name the flags as the binary calls them (--topics-tls-ca...).
TEST(ClientTlsFlagsTest, ErrorsNameTheBinarysFlags) {
  ClientTlsOptions topics{.cert_file = "c.pem", .flag_prefix = "topics-"};
  EXPECT_EQ(MakeChannelCredentials(topics).status(),
            absl::InvalidArgumentError("--topics-tls-cert/--topics-tls-key: "
                                       "a client certificate needs "
                                       "--topics-tls-ca"));
  topics = {.token_file = "t", .flag_prefix = "topics-"};
  EXPECT_EQ(MakeChannelCredentials(topics).status(),
            absl::InvalidArgumentError("--topics-token-file: needs "
                                       "--topics-tls-ca (tokens are never "
                                       "sent in plaintext)"));
}

// A long-lived client's CA file is watched: after the server's certificate
// moves to a new CA and the client's CA file follows, the same credentials
// reach the server on a new connection.
TEST_F(ClientTlsTest, WatchedCredentialsTakeANewCa) {
  const std::string live_ca = dir_ + "/live-ca.pem";
  std::filesystem::copy_file(pki_.ca_cert, live_ca);
  auto watched =
      MakeChannelCredentials({.ca_file = live_ca, .refresh_interval_s = 1});
  auto once = MakeChannelCredentials({.ca_file = live_ca});
  ASSERT_TRUE(watched.ok() && once.ok());
  ASSERT_TRUE(CallStatus(address_, *watched, kHealth, "").ok());

  std::filesystem::create_directories(dir_ + "/new");
  auto renewed = MakeTestPki(dir_ + "/new");
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  ASSERT_TRUE(testing::ReplaceServerCertificate(*renewed, pki_, live_ca).ok());
  // Until the server's files are read again it still serves the old
  // certificate: first wait for a client that trusts only the new CA.
  auto succeeds = [&](std::shared_ptr<grpc::ChannelCredentials> c) {
    grpc::Status status = CallStatus(address_, c, kHealth, "");
    for (int i = 0; i < 240 && !status.ok(); ++i) {  // about a minute
      absl::SleepFor(absl::Milliseconds(250));
      status = CallStatus(address_, c, kHealth, "");
    }
    return status;
  };
  const grpc::Status server_renewed =
      succeeds(testing::TestTlsCredentials(*renewed, false, ""));
  ASSERT_TRUE(server_renewed.ok()) << server_renewed.error_message();
  const grpc::Status client_renewed = succeeds(*watched);
  EXPECT_TRUE(client_renewed.ok()) << client_renewed.error_message();
  // Credentials that read the CA once still trust only the old one.
  EXPECT_EQ(
      CallStatus(address_, *once, kHealth, "", absl::Seconds(3)).error_code(),
      grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace reachrank::services
