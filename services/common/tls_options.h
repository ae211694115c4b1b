// tls_options: the transport security of reachrank servers and clients —
// TLS certificates from PEM files, optional mutual TLS, and the rule that
// plaintext is only served when it was asked for explicitly (--insecure).
#ifndef REACHRANK_SERVICES_COMMON_TLS_OPTIONS_H_
#define REACHRANK_SERVICES_COMMON_TLS_OPTIONS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace reachrank::services {

inline constexpr int kDefaultTlsRefreshSeconds = 60;

// A server's certificate files (PEM). An empty cert_file means plaintext.
struct ServerTlsOptions {
  std::string cert_file;  // --tls-cert: certificate chain
  std::string key_file;   // --tls-key: its private key
  // --tls-client-ca: when set, clients must present a certificate signed by
  // one of these CAs (mutual TLS); connections without one are refused.
  std::string client_ca_file;
  // --tls-refresh-interval: seconds between looks at the three files; a
  // changed file is taken for new connections (open ones keep theirs), so
  // a renewed certificate needs no restart. 0: read once, at start.
  int refresh_interval_s = kDefaultTlsRefreshSeconds;
};

// Checks the server's transport flags: either --tls-cert with --tls-key
// (and optionally --tls-client-ca), or --insecure, never both and never
// neither. The error names the flags.
absl::Status ValidateServerTransport(const ServerTlsOptions& tls,
                                     bool insecure);

// TLS server credentials from the files, or plaintext ones for an empty
// cert_file. Every file is read and checked at once: NOT_FOUND naming the
// flag when one cannot be read, INVALID_ARGUMENT when it holds no PEM.
// With refresh_interval_s > 0 the files are then watched (gRPC's
// FileWatcherCertificateProvider): a file that turns unreadable later is
// logged by gRPC and the pair read last keeps serving; a readable key that
// does not match its certificate fails new handshakes until mended.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>>
MakeServerCredentials(const ServerTlsOptions& tls);

// How a client reaches a server. With no ca_file the channel is plaintext.
struct ClientTlsOptions {
  std::string ca_file;    // --tls-ca: CAs that sign the server's certificate
  std::string cert_file;  // --tls-cert: the client's own certificate (mTLS)
  std::string key_file;   // --tls-key: its private key
  // --token-file: a file holding one bearer token, sent with every call as
  // "authorization: Bearer <token>". Needs ca_file: a token is never sent
  // in plaintext.
  std::string token_file;
  // Seconds between looks at ca_file, cert_file and key_file, for a
  // long-lived client (the services' topic client takes the server's
  // --tls-refresh-interval): new connections use what it finds. 0: read
  // once (a command that runs and ends). The token is read once.
  int refresh_interval_s = 0;
  // Put before the flag names in errors: "topics-" for --topics-tls-ca.
  std::string flag_prefix;
};

// Channel credentials for `options`. INVALID_ARGUMENT naming the flags for
// a client certificate or a token without --tls-ca, or a certificate
// without its key; NOT_FOUND when a file cannot be read. The server's
// name is checked against its certificate, watched files or not.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientTlsOptions& options);

// The whole content of `path`; NOT_FOUND naming `flag` when unreadable,
// INVALID_ARGUMENT when it is a directory or holds only whitespace (an
// empty CA file would make gRPC trust the system's CAs instead; an empty
// tokens file would refuse every call).
absl::StatusOr<std::string> ReadFlagFile(const std::string& flag,
                                         const std::string& path);

// The end of validity (notAfter) of the first certificate in the PEM file
// `path`. NOT_FOUND when it cannot be read, INVALID_ARGUMENT when it holds
// no readable certificate.
absl::StatusOr<absl::Time> CertificateNotAfter(const std::string& path);

// ReadFlagFile of a certificate, key or CA file, which must also hold a
// PEM block; INVALID_ARGUMENT naming `flag` otherwise.
absl::StatusOr<std::string> ReadPemFile(const std::string& flag,
                                        const std::string& path);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_TLS_OPTIONS_H_
