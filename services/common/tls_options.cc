#include "services/common/tls_options.h"

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace reachrank::services {
namespace {

constexpr char kServerTlsFlags[] =
    "--tls-cert and --tls-key (with --tls-client-ca for mutual TLS)";

// A bearer token as it travels in a header: printable ASCII, no spaces.
bool IsHeaderSafe(const std::string& token) {
  for (char c : token) {
    if (c <= ' ' || c > '~') return false;
  }
  return !token.empty();
}

absl::StatusOr<std::string> ReadToken(const std::string& flag,
                                      const std::string& path) {
  RR_ASSIGN_OR_RETURN(std::string raw, ReadFlagFile(flag, path));
  std::string token(absl::StripAsciiWhitespace(raw));
  if (!IsHeaderSafe(token)) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": must hold one token of printable ASCII without spaces"));
  }
  return token;
}

template <typename T, void (*Free)(T*)>
struct OpenSslFree {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, OpenSslFree<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, OpenSslFree<X509, X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY, EVP_PKEY_free>>;

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// OK when `key_pem` (of `key_flag`'s `key_path`) is the private key of the
// first certificate of `cert_pem` (of `cert_flag`'s `cert_path`);
// INVALID_ARGUMENT naming the flag otherwise. gRPC would start with such a
// pair and fail every handshake (watched files) or refuse without saying
// why (a server's static pair).
absl::Status CheckKeyPair(const std::string& cert_flag,
                          const std::string& cert_path,
                          const std::string& cert_pem,
                          const std::string& key_flag,
                          const std::string& key_path,
                          const std::string& key_pem) {
  X509Ptr cert(
      PEM_read_bio_X509(MemoryBio(cert_pem).get(), nullptr, nullptr, nullptr));
  KeyPtr key(PEM_read_bio_PrivateKey(MemoryBio(key_pem).get(), nullptr, nullptr,
                                     nullptr));
  const bool match = cert != nullptr && key != nullptr &&
                     X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();  // gRPC reads the same thread's error queue
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        cert_flag, ": ", cert_path, " holds no readable certificate"));
  }
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(key_flag, ": ", key_path,
                     " holds no readable private key (unencrypted PEM)"));
  }
  if (!match) {
    return absl::InvalidArgumentError(
        absl::StrCat(key_flag, ": ", key_path, " is not the key of the ",
                     "certificate in ", cert_flag, " ", cert_path));
  }
  return absl::OkStatus();
}

// Credentials that take the files again whenever they change. The files
// were read and checked by the caller.
std::shared_ptr<grpc::ServerCredentials> WatchedServerCredentials(
    const ServerTlsOptions& tls) {
  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          tls.key_file, tls.cert_file, tls.client_ca_file,
          static_cast<unsigned int>(tls.refresh_interval_s));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (tls.client_ca_file.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

// Channel credentials that take the CA (and the client's certificate and
// key) again whenever they change; the files were read and checked by the
// caller. The server's name is checked as SslCredentials does.
std::shared_ptr<grpc::ChannelCredentials> WatchedChannelCredentials(
    const ClientTlsOptions& o) {
  const auto refresh = static_cast<unsigned int>(o.refresh_interval_s);
  auto provider = o.cert_file.empty()
                      ? std::make_shared<
                            grpc::experimental::FileWatcherCertificateProvider>(
                            o.ca_file, refresh)
                      : std::make_shared<
                            grpc::experimental::FileWatcherCertificateProvider>(
                            o.key_file, o.cert_file, o.ca_file, refresh);
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  options.watch_root_certs();
  if (!o.cert_file.empty()) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace

absl::StatusOr<std::string> ReadFlagFile(const std::string& flag,
                                         const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path, " is a directory, not a file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(flag, ": cannot read ", path));
  std::ostringstream content;
  content << in.rdbuf();
  if (absl::StripAsciiWhitespace(content.str()).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path, " is empty"));
  }
  return content.str();
}

absl::StatusOr<std::string> ReadPemFile(const std::string& flag,
                                        const std::string& path) {
  RR_ASSIGN_OR_RETURN(std::string pem, ReadFlagFile(flag, path));
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path, " holds no PEM block (-----BEGIN ...)"));
  }
  return pem;
}

absl::StatusOr<absl::Time> CertificateNotAfter(const std::string& path) {
  RR_ASSIGN_OR_RETURN(std::string pem, ReadFlagFile("certificate", path));
  X509Ptr cert(
      PEM_read_bio_X509(MemoryBio(pem).get(), nullptr, nullptr, nullptr));
  std::tm tm{};
  const bool read = cert != nullptr &&
                    ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) == 1;
  ERR_clear_error();  // gRPC reads the same thread's error queue
  if (!read) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " holds no readable certificate"));
  }
  return absl::FromTimeT(timegm(&tm));
}

absl::Status ValidateServerTransport(const ServerTlsOptions& tls,
                                     bool insecure) {
  const bool any_tls = !tls.cert_file.empty() || !tls.key_file.empty() ||
                       !tls.client_ca_file.empty();
  if (insecure && any_tls) {
    return absl::InvalidArgumentError(
        "--insecure: cannot be combined with --tls-cert, --tls-key or "
        "--tls-client-ca");
  }
  if (insecure) return absl::OkStatus();
  if (!any_tls) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no transport security chosen: pass ", kServerTlsFlags,
        ", or --insecure to serve plaintext"));
  }
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key: both are required for TLS");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>>
MakeServerCredentials(const ServerTlsOptions& tls) {
  if (tls.cert_file.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  RR_ASSIGN_OR_RETURN(pair.cert_chain,
                      ReadPemFile("--tls-cert", tls.cert_file));
  RR_ASSIGN_OR_RETURN(pair.private_key, ReadPemFile("--tls-key", tls.key_file));
  RR_RETURN_IF_ERROR(CheckKeyPair("--tls-cert", tls.cert_file, pair.cert_chain,
                                  "--tls-key", tls.key_file, pair.private_key));
  std::string client_ca;
  if (!tls.client_ca_file.empty()) {
    RR_ASSIGN_OR_RETURN(client_ca,
                        ReadPemFile("--tls-client-ca", tls.client_ca_file));
  }
  if (tls.refresh_interval_s > 0) return WatchedServerCredentials(tls);
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!client_ca.empty()) {
    options.pem_root_certs = std::move(client_ca);
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientTlsOptions& options) {
  // The flags as the binary names them (--tls-ca, --topics-tls-ca...).
  const auto flag = [&options](absl::string_view name) {
    return absl::StrCat("--", options.flag_prefix, name);
  };
  if (options.ca_file.empty()) {
    if (!options.cert_file.empty() || !options.key_file.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag("tls-cert"), "/", flag("tls-key"),
                       ": a client certificate needs ", flag("tls-ca")));
    }
    if (!options.token_file.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag("token-file"), ": needs ", flag("tls-ca"),
                       " (tokens are never sent in plaintext)"));
    }
    return grpc::InsecureChannelCredentials();
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag("tls-cert"), " and ", flag("tls-key"), ": both or neither"));
  }
  grpc::SslCredentialsOptions ssl;
  RR_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                      ReadPemFile(flag("tls-ca"), options.ca_file));
  if (!options.cert_file.empty()) {
    RR_ASSIGN_OR_RETURN(ssl.pem_cert_chain,
                        ReadPemFile(flag("tls-cert"), options.cert_file));
    RR_ASSIGN_OR_RETURN(ssl.pem_private_key,
                        ReadPemFile(flag("tls-key"), options.key_file));
    RR_RETURN_IF_ERROR(CheckKeyPair(flag("tls-cert"), options.cert_file,
                                    ssl.pem_cert_chain, flag("tls-key"),
                                    options.key_file, ssl.pem_private_key));
  }
  std::shared_ptr<grpc::ChannelCredentials> channel =
      options.refresh_interval_s > 0 ? WatchedChannelCredentials(options)
                                     : grpc::SslCredentials(ssl);
  if (options.token_file.empty()) return channel;
  RR_ASSIGN_OR_RETURN(std::string token,
                      ReadToken(flag("token-file"), options.token_file));
  return grpc::CompositeChannelCredentials(
      channel, grpc::AccessTokenCredentials(token));
}

}  // namespace reachrank::services
