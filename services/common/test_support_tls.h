// test_support_tls: throwaway certificates and credentialed probes for
// tests of TLS, mutual TLS and bearer tokens. Test-only (library
// reachrank_test_support). Shells out to `openssl` (scripts/setup installs
// it).
#ifndef REACHRANK_SERVICES_COMMON_TEST_SUPPORT_TLS_H_
#define REACHRANK_SERVICES_COMMON_TEST_SUPPORT_TLS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace reachrank::testing {

// PEM files of a fresh CA, a server certificate for 127.0.0.1 and
// localhost, and a client certificate, all signed by the CA.
struct TestPki {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
};

// Writes a new PKI (EC P-256, valid two days) into `dir`. INTERNAL with the
// failing command when openssl fails.
absl::StatusOr<TestPki> MakeTestPki(const std::string& dir);

// Puts `from`'s server certificate and key (and its CA at `ca_path`, when
// not empty) in place of `to`'s files, each by a copy renamed over the old
// file, as a Kubernetes Secret volume swaps its files. INTERNAL naming the
// file on an error.
absl::Status ReplaceServerCertificate(const TestPki& from, const TestPki& to,
                                      const std::string& ca_path = "");

// TLS channel credentials that trust `pki.ca_cert`; with the client
// certificate when `with_client_cert`, and sending `token` as a bearer
// token when non-empty.
std::shared_ptr<grpc::ChannelCredentials> TestTlsCredentials(
    const TestPki& pki, bool with_client_cert, const std::string& token);

// Calls `method` (e.g. "/grpc.health.v1.Health/Check") at `address` with
// `request` as the serialized request (one message, then half-close) and
// returns the call's status, over a connection of its own. Bounded by
// `timeout`. A non-empty `server_name` is the name the server's
// certificate must carry instead of the address's host.
grpc::Status CallStatus(const std::string& address,
                        std::shared_ptr<grpc::ChannelCredentials> credentials,
                        const std::string& method, const std::string& request,
                        absl::Duration timeout = absl::Seconds(10),
                        const std::string& server_name = "");

// Polls grpc.health.v1 Check for the server ("") over `credentials` until
// it answers OK, or `timeout` (DEADLINE_EXCEEDED).
absl::Status WaitForHealthy(
    const std::string& address,
    std::shared_ptr<grpc::ChannelCredentials> credentials,
    absl::Duration timeout);

}  // namespace reachrank::testing

#endif  // REACHRANK_SERVICES_COMMON_TEST_SUPPORT_TLS_H_
