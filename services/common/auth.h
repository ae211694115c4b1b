// auth: bearer-token authorisation of every gRPC call, in one place. A
// tokens file (--tokens) lists the SHA-256 of each token with a name and
// its scopes; each RPC needs one scope (MethodScope). The check runs in the
// server's TLS layer (a grpc::AuthMetadataProcessor) before any handler:
// a missing or unknown token is UNAUTHENTICATED, a token without the scope
// PERMISSION_DENIED. Health checks and reflection need no token. The token
// itself is never stored, logged or exported; only its hash is compared.
#ifndef REACHRANK_SERVICES_COMMON_AUTH_H_
#define REACHRANK_SERVICES_COMMON_AUTH_H_

#include <grpcpp/security/auth_metadata_processor.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace reachrank::services {

inline constexpr absl::string_view kScopeIngestWrite = "ingest:write";
inline constexpr absl::string_view kScopeRankRead = "rank:read";
inline constexpr absl::string_view kScopeTopicsRead = "topics:read";
inline constexpr absl::string_view kScopeAdmin = "admin";
// Not a scope a token lists: any known token may call the method (server
// reflection, whose every stream holds one of the server's threads).
inline constexpr absl::string_view kAnyToken = "any token";

// The scope a method ("/reachrank.v1.IngestService/UpsertPosts") needs;
// "" for the open one (grpc.health.v1), kAnyToken for server reflection.
// Methods not in the table need kScopeAdmin (fail closed).
std::string MethodScope(absl::string_view method);

// One line of a tokens file.
struct TokenEntry {
  std::string name;
  std::vector<std::string> scopes;
};

// The tokens a server accepts, keyed by the lower-case hex SHA-256 of the
// token. Immutable after Parse; thread-safe.
class TokenTable {
 public:
  // Parses a tokens file's content: one token per line,
  //   <sha256 hex of the token> <name> <scope>[,<scope>...]
  // blank lines and lines starting with '#' are ignored. INVALID_ARGUMENT
  // naming the line for a malformed hash, an unknown scope or a repeated
  // hash.
  static absl::StatusOr<TokenTable> Parse(absl::string_view content);
  // Parse() of the file at `path`; NOT_FOUND naming --tokens if unreadable,
  // INVALID_ARGUMENT if it holds no token, FAILED_PRECONDITION if every
  // user may write it.
  static absl::StatusOr<TokenTable> Load(const std::string& path);

  // The entry of `token` (the bearer token itself, not its hash), or
  // nullopt when unknown.
  std::optional<TokenEntry> Find(absl::string_view token) const;
  size_t size() const { return by_hash_.size(); }

 private:
  absl::flat_hash_map<std::string, TokenEntry> by_hash_;
};

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

// Decides one call: OK, UNAUTHENTICATED or PERMISSION_DENIED.
// `authorization` is the call's "authorization" header value ("" when
// absent); the error messages never contain the token.
absl::Status Authorize(const TokenTable& tokens, absl::string_view method,
                       absl::string_view authorization);

// The check the server's credentials run for every call, against tokens
// that can be read again from their file while the server runs (SIGHUP).
// Thread-safe: a call sees the whole old table or the whole new one.
class TokenAuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  // TokenTable::Load of `path`, kept for Reload.
  static absl::StatusOr<std::shared_ptr<TokenAuthProcessor>> Load(
      const std::string& path);
  // A fixed table (Reload fails).
  explicit TokenAuthProcessor(TokenTable tokens, std::string path = "");

  // Reads the file again and, when it loads, checks every later call
  // against it; otherwise the tokens in use stay and its error is
  // returned. The number of tokens now in use.
  absl::StatusOr<size_t> Reload();

  // Pure computation: runs on the call's own thread.
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& metadata,
                       grpc::AuthContext* connection, OutputMetadata* consumed,
                       OutputMetadata* response) override;

 private:
  std::shared_ptr<const TokenTable> Tokens() const;

  const std::string path_;  // "": a fixed table
  mutable absl::Mutex mu_;
  std::shared_ptr<const TokenTable> tokens_ ABSL_GUARDED_BY(mu_);
};

// Reloads `auth`'s tokens and says what happened, for a server's log:
// "tokens reloaded: N" or "tokens kept: <error>".
std::string ReloadTokensForLog(TokenAuthProcessor& auth);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_AUTH_H_
