#include "services/common/auth.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "reachrank/v1/ingest.grpc.pb.h"
#include "reachrank/v1/ranking.grpc.pb.h"
#include "reachrank/v1/topics.grpc.pb.h"
#include "services/common/test_support.h"
#include "services/common/test_support_tls.h"
#include "services/common/tls_options.h"

namespace reachrank::services {
namespace {

using ::testing::HasSubstr;

TEST(AuthTest, Sha256HexMatchesTheKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthTest, EveryMethodOfTheThreeServicesHasItsOwnScope) {
  // Each service through a request message of its own .proto file.
  for (const google::protobuf::ServiceDescriptor* service :
       {v1::UpsertPostsRequest::descriptor()->file()->FindServiceByName(
            "IngestService"),
        v1::ClassifyRequest::descriptor()->file()->FindServiceByName(
            "TopicService"),
        v1::ScoreRequest::descriptor()->file()->FindServiceByName(
            "RankingService")}) {
    ASSERT_NE(service, nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = absl::StrCat(
          "/", service->full_name(), "/", service->method(i)->name());
      const std::string scope = MethodScope(method);
      if (service->method(i)->name() == "ReloadModel" ||
          service->method(i)->name() == "DeleteAuthors" ||
          service->method(i)->name() == "ReclassifyPosts") {
        EXPECT_EQ(scope, kScopeAdmin) << method;
      } else {
        EXPECT_NE(scope, kScopeAdmin) << method << " is missing from kRules";
      }
    }
  }
  EXPECT_EQ(MethodScope("/grpc.health.v1.Health/Check"), "");
  EXPECT_EQ(
      MethodScope(
          "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
      kAnyToken);
  EXPECT_EQ(MethodScope("/reachrank.v1.IngestService/NotYetMapped"),
            kScopeAdmin);
}

TEST(AuthTest, ReflectionTakesAnyKnownToken) {
  auto tokens = TokenTable::Parse(Sha256Hex("t") + " tagger topics:read");
  ASSERT_TRUE(tokens.ok());
  const char* reflection =
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  EXPECT_TRUE(Authorize(*tokens, reflection, "Bearer t").ok());
  EXPECT_EQ(Authorize(*tokens, reflection, "").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Authorize(*tokens, reflection, "Bearer other").code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, ParseRejectsMalformedLinesNamingThem) {
  const std::string hash(64, 'a');
  EXPECT_THAT(TokenTable::Parse("nothex name admin").status().message(),
              HasSubstr("line 1"));
  EXPECT_THAT(
      TokenTable::Parse("# c\n\n" + hash + " n rank:write").status().message(),
      HasSubstr("line 3: unknown scope 'rank:write'"));
  EXPECT_THAT(TokenTable::Parse(hash + " a admin\n" + hash + " b admin")
                  .status()
                  .message(),
              HasSubstr("line 2: the same token twice"));
  EXPECT_THAT(TokenTable::Parse(hash + " only-two").status().message(),
              HasSubstr("expected"));
}

// Makes `path` readable and writable by its owner only (a tokens file
// others may write is refused).
void OwnerOnly(const std::string& path) {
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
}

// A tokens, token or certificate file that is empty, a directory or (for
// TLS) no PEM is refused naming its flag: an empty CA file would make gRPC
// trust the system's CAs, an empty tokens file refuse every call.
TEST(AuthTest, EmptyOrMistakenFlagFilesAreRefused) {
  const std::string dir = ::testing::TempDir() + "/flag_files";
  std::filesystem::create_directories(dir);
  const std::string empty = dir + "/empty";
  const std::string comments = dir + "/comments";
  const std::string text = dir + "/text";
  std::ofstream(empty) << "  \n";
  std::ofstream(comments) << "# no token yet\n";
  OwnerOnly(comments);  // whatever the umask
  std::ofstream(text) << "not a certificate\n";

  EXPECT_EQ(ReadFlagFile("--tls-ca", dir).status(),
            absl::InvalidArgumentError("--tls-ca: " + dir +
                                       " is a directory, not a file"));
  EXPECT_EQ(ReadFlagFile("--tls-ca", empty).status(),
            absl::InvalidArgumentError("--tls-ca: " + empty + " is empty"));
  EXPECT_EQ(ReadPemFile("--tls-ca", text).status(),
            absl::InvalidArgumentError("--tls-ca: " + text +
                                       " holds no PEM block (-----BEGIN ...)"));
  const std::string open_to_all = dir + "/open";
  std::ofstream(open_to_all) << std::string(64, 'a') << " n admin\n";
  std::filesystem::permissions(open_to_all,
                               std::filesystem::perms::others_write,
                               std::filesystem::perm_options::add);
  EXPECT_EQ(TokenTable::Load(open_to_all).status(),
            absl::FailedPreconditionError(
                "--tokens: " + open_to_all +
                " is writable by every user, who could grant themselves any "
                "scope (chmod o-w)"));
  EXPECT_EQ(TokenTable::Load(comments).status(),
            absl::InvalidArgumentError(
                "--tokens: " + comments +
                " holds no token (every call would be refused)"));
  ClientTlsOptions client;
  client.ca_file = empty;
  EXPECT_EQ(MakeChannelCredentials(client).status().code(),
            absl::StatusCode::kInvalidArgument);
  ServerTlsOptions server;
  server.cert_file = text;
  server.key_file = text;
  EXPECT_EQ(MakeServerCredentials(server).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// gRPC would listen with a key of another certificate and fail every
// handshake (watched files) or refuse to listen without saying why.
TEST(AuthTest, AKeyOfAnotherCertificateIsRefusedAtStart) {
  auto dir = testing::MakeTempDir("tls_pair");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto pki = testing::MakeTestPki(*dir);
  ASSERT_TRUE(pki.ok()) << pki.status();
  for (int refresh : {60, 0}) {
    ServerTlsOptions server{.cert_file = pki->server_cert,
                            .key_file = pki->client_key,
                            .refresh_interval_s = refresh};
    EXPECT_EQ(MakeServerCredentials(server).status(),
              absl::InvalidArgumentError(
                  "--tls-key: " + pki->client_key +
                  " is not the key of the certificate in --tls-cert " +
                  pki->server_cert));
    server.key_file = pki->server_key;
    EXPECT_TRUE(MakeServerCredentials(server).ok());
    server.key_file = pki->server_cert;  // a PEM, but no key
    EXPECT_EQ(MakeServerCredentials(server).status(),
              absl::InvalidArgumentError(
                  "--tls-key: " + pki->server_cert +
                  " holds no readable private key (unencrypted PEM)"));
  }
  std::filesystem::remove_all(*dir);
}

// A call through the processor: its status.
grpc::Status Check(TokenAuthProcessor& auth, const std::string& method,
                   const std::string& authorization) {
  grpc::AuthMetadataProcessor::InputMetadata metadata;
  metadata.insert({grpc::string_ref(":path"), grpc::string_ref(method)});
  metadata.insert(
      {grpc::string_ref("authorization"), grpc::string_ref(authorization)});
  grpc::AuthMetadataProcessor::OutputMetadata consumed, response;
  return auth.Process(metadata, nullptr, &consumed, &response);
}

TEST(AuthTest, ReloadReadsTheFileAgainAndKeepsTheOldTokensOnAnError) {
  const std::string dir = ::testing::TempDir() + "/reload_tokens";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/tokens";
  std::ofstream(path) << Sha256Hex("a") << " alice admin\n";
  OwnerOnly(path);  // whatever the umask; rewriting keeps the mode
  auto auth = TokenAuthProcessor::Load(path);
  ASSERT_TRUE(auth.ok()) << auth.status();
  const std::string method = "/reachrank.v1.IngestService/DeleteAuthors";
  EXPECT_TRUE(Check(**auth, method, "Bearer a").ok());

  std::ofstream(path) << Sha256Hex("b") << " bob admin\n"
                      << Sha256Hex("c") << " carol admin\n";
  EXPECT_EQ((*auth)->Reload().value_or(0), 2u);
  EXPECT_EQ(Check(**auth, method, "Bearer a").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Check(**auth, method, "Bearer b").ok());

  std::ofstream(path) << "not a tokens line\n";
  EXPECT_EQ((*auth)->Reload().status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Check(**auth, method, "Bearer b").ok());  // kept
  EXPECT_EQ(ReloadTokensForLog(**auth).rfind("tokens kept: ", 0), 0u);
}

TEST(AuthTest, AuthorizeDecidesByScope) {
  auto table = TokenTable::Parse(Sha256Hex("secret") +
                                 " loader ingest:write,topics:read\n");
  ASSERT_TRUE(table.ok()) << table.status();
  const char* upsert = "/reachrank.v1.IngestService/UpsertPosts";
  EXPECT_TRUE(Authorize(*table, upsert, "Bearer secret").ok());
  EXPECT_TRUE(
      Authorize(*table, "/reachrank.v1.TopicService/Classify", "Bearer secret")
          .ok());
  absl::Status denied =
      Authorize(*table, "/reachrank.v1.RankingService/Score", "Bearer secret");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("'loader' lacks scope rank:read"));
  EXPECT_EQ(Authorize(*table, upsert, "").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Authorize(*table, upsert, "Bearer other").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Authorize(*table, upsert, "Basic secret").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Authorize(*table, "/grpc.health.v1.Health/Check", "").ok());
  EXPECT_THAT(Authorize(*table, upsert, "Bearer other").message(),
              ::testing::Not(HasSubstr("other")));
}

}  // namespace
}  // namespace reachrank::services
