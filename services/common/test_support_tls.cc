// Throwaway certificates (openssl) and credentialed probes for tests.
#include "services/common/test_support_tls.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace reachrank::testing {
namespace {

absl::Status Run(const std::string& command) {
  const std::string quiet = command + " >/dev/null 2>&1";
  if (std::system(quiet.c_str()) != 0) {
    return absl::InternalError("failed: " + command);
  }
  return absl::OkStatus();
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
  return out ? absl::OkStatus() : absl::InternalError("cannot write " + path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A key and a certificate signed by the CA in `dir`, with `extensions`.
absl::Status IssueLeaf(const std::string& dir, const std::string& name,
                       const std::string& extensions) {
  const std::string base = dir + "/" + name;
  if (absl::Status s = WriteFile(base + ".ext", extensions); !s.ok()) return s;
  if (absl::Status s = Run(absl::StrCat(
          "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
          "-nodes -keyout '", base, ".key' -out '", base, ".csr' -subj '/CN=",
          name, "'"));
      !s.ok()) {
    return s;
  }
  return Run(absl::StrCat("openssl x509 -req -in '", base, ".csr' -CA '", dir,
                          "/ca.pem' -CAkey '", dir,
                          "/ca.key' -CAcreateserial -days 2 -out '", base,
                          ".pem' -extfile '", base, ".ext'"));
}

}  // namespace

absl::StatusOr<TestPki> MakeTestPki(const std::string& dir) {
  if (absl::Status s = Run(absl::StrCat(
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
          "-nodes -days 2 -keyout '", dir, "/ca.key' -out '", dir,
          "/ca.pem' -subj '/CN=reachrank test CA' "
          "-addext basicConstraints=critical,CA:TRUE "
          "-addext keyUsage=critical,keyCertSign,cRLSign"));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = IssueLeaf(
          dir, "server",
          "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
          "extendedKeyUsage=serverAuth\n");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          IssueLeaf(dir, "client", "extendedKeyUsage=clientAuth\n");
      !s.ok()) {
    return s;
  }
  return TestPki{dir + "/ca.pem", dir + "/server.pem", dir + "/server.key",
                 dir + "/client.pem", dir + "/client.key"};
}

absl::Status ReplaceServerCertificate(const TestPki& from, const TestPki& to,
                                      const std::string& ca_path) {
  std::vector<std::pair<std::string, std::string>> files = {
      {from.server_key, to.server_key}, {from.server_cert, to.server_cert}};
  if (!ca_path.empty()) files.emplace_back(from.ca_cert, ca_path);
  for (const auto& [source, target] : files) {
    std::error_code error;
    std::filesystem::copy_file(
        source, target + ".new",
        std::filesystem::copy_options::overwrite_existing, error);
    if (!error) std::filesystem::rename(target + ".new", target, error);
    if (error) return absl::InternalError(target + ": " + error.message());
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ChannelCredentials> TestTlsCredentials(
    const TestPki& pki, bool with_client_cert, const std::string& token) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(pki.ca_cert);
  if (with_client_cert) {
    ssl.pem_cert_chain = ReadFile(pki.client_cert);
    ssl.pem_private_key = ReadFile(pki.client_key);
  }
  std::shared_ptr<grpc::ChannelCredentials> channel = grpc::SslCredentials(ssl);
  if (token.empty()) return channel;
  return grpc::CompositeChannelCredentials(channel,
                                           grpc::AccessTokenCredentials(token));
}

grpc::Status CallStatus(const std::string& address,
                        std::shared_ptr<grpc::ChannelCredentials> credentials,
                        const std::string& method, const std::string& request,
                        absl::Duration timeout,
                        const std::string& server_name) {
  // A connection of its own: a probe must not ride on another channel's
  // connection, whose handshake was made with other credentials.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (!server_name.empty()) args.SetSslTargetNameOverride(server_name);
  grpc::GenericStub stub(grpc::CreateCustomChannel(address, credentials, args));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, method, {}, &in, &out, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  return status;
}

absl::Status WaitForHealthy(
    const std::string& address,
    std::shared_ptr<grpc::ChannelCredentials> credentials,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  grpc::Status last;
  while (absl::Now() < deadline) {
    last = CallStatus(address, credentials, "/grpc.health.v1.Health/Check", "",
                      absl::Seconds(2));
    if (last.ok()) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError("not healthy at " + address + ": " +
                                     last.error_message());
}

}  // namespace reachrank::testing
