#include "services/common/auth.h"

#include <openssl/sha.h>

#include <filesystem>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "services/common/tls_options.h"

namespace reachrank::services {
namespace {

struct MethodRule {
  absl::string_view method;
  absl::string_view scope;
};

// Every reachrank.v1 method and the scope it needs (docs/api.md, "Auth").
constexpr MethodRule kRules[] = {
    {"/reachrank.v1.IngestService/UpsertPosts", kScopeIngestWrite},
    {"/reachrank.v1.IngestService/UpsertAuthors", kScopeIngestWrite},
    {"/reachrank.v1.IngestService/RecordEvents", kScopeIngestWrite},
    {"/reachrank.v1.IngestService/GetPostStats", kScopeRankRead},
    {"/reachrank.v1.IngestService/DeleteAuthors", kScopeAdmin},
    {"/reachrank.v1.IngestService/ReclassifyPosts", kScopeAdmin},
    {"/reachrank.v1.TopicService/Classify", kScopeTopicsRead},
    {"/reachrank.v1.TopicService/ClassifyStream", kScopeTopicsRead},
    {"/reachrank.v1.TopicService/ListTopics", kScopeTopicsRead},
    {"/reachrank.v1.TopicService/ReloadModel", kScopeAdmin},
    {"/reachrank.v1.RankingService/Score", kScopeRankRead},
    {"/reachrank.v1.RankingService/ScoreDrafts", kScopeRankRead},
    {"/reachrank.v1.RankingService/Rank", kScopeRankRead},
    {"/reachrank.v1.RankingService/ReloadModel", kScopeAdmin},
};

// Health stays open for the kubelet's and load balancers' probes.
constexpr absl::string_view kOpenPrefix = "/grpc.health.v1.Health/";

constexpr absl::string_view kAnyTokenPrefixes[] = {
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
};

bool KnownScope(absl::string_view scope) {
  return scope == kScopeIngestWrite || scope == kScopeRankRead ||
         scope == kScopeTopicsRead || scope == kScopeAdmin;
}

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return false;
  }
  return true;
}

absl::StatusOr<std::pair<std::string, TokenEntry>> ParseLine(
    absl::string_view line, int number) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  auto bad = [number](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tokens line ", number, ": ", why));
  };
  if (fields.size() != 3) {
    return bad("expected '<sha256 hex> <name> <scope>[,<scope>...]'");
  }
  if (!IsSha256Hex(fields[0])) {
    return bad("the first field must be 64 lower-case hex digits (sha256)");
  }
  TokenEntry entry;
  entry.name = std::string(fields[1]);
  for (absl::string_view scope : absl::StrSplit(fields[2], ',')) {
    if (!KnownScope(scope)) {
      return bad(absl::StrCat("unknown scope '", scope,
                              "' (ingest:write, rank:read, topics:read, "
                              "admin)"));
    }
    entry.scopes.emplace_back(scope);
  }
  return std::make_pair(std::string(fields[0]), std::move(entry));
}

// The token of an "authorization: Bearer <token>" value; "" otherwise.
absl::string_view BearerToken(absl::string_view authorization) {
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(authorization, kBearer)) return "";
  return absl::StripAsciiWhitespace(authorization.substr(kBearer.size()));
}

absl::string_view Value(
    const grpc::AuthMetadataProcessor::InputMetadata& metadata,
    const char* key) {
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return absl::string_view(it->second.data(), it->second.size());
}

}  // namespace

std::string MethodScope(absl::string_view method) {
  if (absl::StartsWith(method, kOpenPrefix)) return "";
  for (absl::string_view prefix : kAnyTokenPrefixes) {
    if (absl::StartsWith(method, prefix)) return std::string(kAnyToken);
  }
  for (const MethodRule& rule : kRules) {
    if (rule.method == method) return std::string(rule.scope);
  }
  return std::string(kScopeAdmin);
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::StatusOr<TokenTable> TokenTable::Parse(absl::string_view content) {
  TokenTable table;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    RR_ASSIGN_OR_RETURN(auto parsed, ParseLine(line, number));
    if (!table.by_hash_.emplace(parsed.first, std::move(parsed.second))
             .second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--tokens line ", number, ": the same token twice"));
    }
  }
  return table;
}

absl::StatusOr<TokenTable> TokenTable::Load(const std::string& path) {
  std::error_code error;
  const std::filesystem::perms mode =
      std::filesystem::status(path, error).permissions();
  if (!error && (mode & std::filesystem::perms::others_write) !=
                    std::filesystem::perms::none) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--tokens: ", path,
        " is writable by every user, who could grant themselves any scope "
        "(chmod o-w)"));
  }
  RR_ASSIGN_OR_RETURN(std::string content, ReadFlagFile("--tokens", path));
  RR_ASSIGN_OR_RETURN(TokenTable table, Parse(content));
  if (table.size() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tokens: ", path, " holds no token (every call would be refused)"));
  }
  return table;
}

std::optional<TokenEntry> TokenTable::Find(absl::string_view token) const {
  auto it = by_hash_.find(Sha256Hex(token));
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

absl::Status Authorize(const TokenTable& tokens, absl::string_view method,
                       absl::string_view authorization) {
  const std::string scope = MethodScope(method);
  if (scope.empty()) return absl::OkStatus();
  absl::string_view token = BearerToken(authorization);
  if (token.empty()) {
    return absl::UnauthenticatedError(
        "authorization: a bearer token is required (authorization: Bearer "
        "<token>)");
  }
  std::optional<TokenEntry> entry = tokens.Find(token);
  if (!entry.has_value()) {
    return absl::UnauthenticatedError("authorization: unknown token");
  }
  if (scope == kAnyToken) return absl::OkStatus();
  for (const std::string& granted : entry->scopes) {
    if (granted == scope) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "token '", entry->name, "' lacks scope ", scope, " for ", method));
}

absl::StatusOr<std::shared_ptr<TokenAuthProcessor>> TokenAuthProcessor::Load(
    const std::string& path) {
  RR_ASSIGN_OR_RETURN(TokenTable tokens, TokenTable::Load(path));
  return std::make_shared<TokenAuthProcessor>(std::move(tokens), path);
}

TokenAuthProcessor::TokenAuthProcessor(TokenTable tokens, std::string path)
    : path_(std::move(path)),
      tokens_(std::make_shared<const TokenTable>(std::move(tokens))) {}

absl::StatusOr<size_t> TokenAuthProcessor::Reload() {
  if (path_.empty()) {
    return absl::FailedPreconditionError("--tokens: no file to read again");
  }
  RR_ASSIGN_OR_RETURN(TokenTable tokens, TokenTable::Load(path_));
  auto table = std::make_shared<const TokenTable>(std::move(tokens));
  absl::MutexLock lock(&mu_);
  tokens_ = std::move(table);
  return tokens_->size();
}

std::shared_ptr<const TokenTable> TokenAuthProcessor::Tokens() const {
  absl::MutexLock lock(&mu_);
  return tokens_;
}

grpc::Status TokenAuthProcessor::Process(const InputMetadata& metadata,
                                         grpc::AuthContext* /*connection*/,
                                         OutputMetadata* consumed,
                                         OutputMetadata* /*response*/) {
  absl::string_view method = Value(metadata, ":path");
  absl::string_view authorization = Value(metadata, "authorization");
  absl::Status decision = Authorize(*Tokens(), method, authorization);
  if (!decision.ok()) {
    return grpc::Status(static_cast<grpc::StatusCode>(decision.code()),
                        std::string(decision.message()));
  }
  // Handlers never see the token.
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    consumed->emplace(std::string(it->first.data(), it->first.size()),
                      std::string(it->second.data(), it->second.size()));
  }
  return grpc::Status::OK;
}

std::string ReloadTokensForLog(TokenAuthProcessor& auth) {
  absl::StatusOr<size_t> reloaded = auth.Reload();
  if (!reloaded.ok()) return "tokens kept: " + reloaded.status().ToString();
  return absl::StrCat("tokens reloaded: ", *reloaded);
}

}  // namespace reachrank::services
