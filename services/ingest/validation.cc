#include "services/ingest/validation.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/platform_id.h"
#include "base/utf8.h"
#include "google/protobuf/timestamp.pb.h"
#include "reachrank/v1/common.pb.h"

namespace reachrank::ingest {
namespace {

// A rule check yields nullptr when the value is fine, or the rule's text.
using Rule = const char*;

constexpr int64_t kYear2000Seconds = 946'684'800;
constexpr char kIdRule[] = "must be 1-128 printable ASCII bytes (0x21-0x7E)";

// Collects the first broken rule of an item.
class FieldChecker {
 public:
  explicit FieldChecker(absl::string_view path) : path_(path) {}

  void Check(absl::string_view field, Rule rule) {
    if (rule == nullptr || !status_.ok()) return;
    status_ = absl::InvalidArgumentError(
        path_.empty() ? absl::StrCat(field, ": ", rule)
                      : absl::StrCat(path_, ".", field, ": ", rule));
  }
  bool failed() const { return !status_.ok(); }
  absl::Status status() const { return status_; }

 private:
  absl::string_view path_;
  absl::Status status_;
};

Rule IdRule(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return kIdRule;
  for (unsigned char c : id) {
    if (c < 0x21 || c > 0x7E) return kIdRule;
  }
  return nullptr;
}

Rule PlatformRule(absl::string_view platform) {
  return IsPlatformId(platform) ? nullptr : kPlatformIdRule;
}

Rule TextRule(absl::string_view text) {
  if (text.size() > kMaxTextBytes) return "must be at most 16384 bytes";
  if (!IsValidUtf8(text)) return "must be valid UTF-8";
  return nullptr;
}

Rule LanguageRuleOf(absl::string_view language) {
  constexpr Rule kRule = "must be at most 35 bytes of [A-Za-z0-9-]";
  if (language.size() > kMaxLanguageBytes) return kRule;
  for (char c : language) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-';
    if (!ok) return kRule;
  }
  return nullptr;
}

Rule TimeRule(bool present, const google::protobuf::Timestamp& t,
              absl::Time now) {
  if (!present) return "is required";
  if (t.nanos() < 0 || t.nanos() > 999'999'999) {
    return "must have nanos in 0..999999999";
  }
  absl::Time time =
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  if (time < EarliestTimestamp() || time > LatestTimestamp(now)) {
    return "must be between 2000-01-01T00:00:00Z and now + 1 day";
  }
  return nullptr;
}

template <typename IsValid>
Rule EnumRule(int value, IsValid is_valid) {
  if (value == 0) return "must be a specified value";
  return is_valid(value) ? nullptr : "is not a value of its enum";
}

Rule AudienceRule(int64_t n) {
  return n < 0 || n > kMaxAudience ? "must be between 0 and 10000000000"
                                   : nullptr;
}

void CheckHashtags(const v1::Post& post, FieldChecker& c) {
  if (post.hashtags_size() > static_cast<int>(kMaxHashtags)) {
    c.Check("hashtags", "must hold at most 64 items");
    return;
  }
  for (int i = 0; i < post.hashtags_size() && !c.failed(); ++i) {
    const std::string& tag = post.hashtags(i);
    Rule rule = tag.empty() || tag.size() > kMaxIdBytes
                    ? "must be 1-128 bytes"
                    : (IsValidUtf8(tag) ? nullptr : "must be valid UTF-8");
    if (rule != nullptr) c.Check(absl::StrCat("hashtags[", i, "]"), rule);
  }
}

void CheckFollowersElsewhere(const v1::Author& author, FieldChecker& c) {
  // Sorted, so that the first broken entry reported is deterministic.
  std::vector<std::pair<std::string, int64_t>> entries(
      author.followers_elsewhere().begin(), author.followers_elsewhere().end());
  std::sort(entries.begin(), entries.end());
  for (const auto& [platform, followers] : entries) {
    Rule rule = PlatformRule(platform);
    if (rule == nullptr) rule = AudienceRule(followers);
    if (rule == nullptr) continue;
    c.Check(
        absl::StrCat("followers_elsewhere[\"", absl::CEscape(platform), "\"]"),
        rule);
    return;
  }
}

}  // namespace

absl::Status ValidatePost(const v1::Post& post, absl::Time now,
                          absl::string_view path) {
  FieldChecker c(path);
  c.Check("post_id", IdRule(post.post_id()));
  c.Check("platform", PlatformRule(post.platform()));
  c.Check("author_id", IdRule(post.author_id()));
  c.Check("created_at",
          TimeRule(post.has_created_at(), post.created_at(), now));
  c.Check("text", TextRule(post.text()));
  c.Check("language", LanguageRuleOf(post.language()));
  c.Check("media_kind", EnumRule(post.media_kind(), v1::MediaKind_IsValid));
  c.Check("duration_seconds",
          DurationRule(post.duration_seconds(), post.media_kind()));
  CheckHashtags(post, c);
  return c.status();
}

absl::Status ValidateAuthor(const v1::Author& author, absl::Time now,
                            absl::string_view path) {
  FieldChecker c(path);
  c.Check("platform", PlatformRule(author.platform()));
  c.Check("author_id", IdRule(author.author_id()));
  c.Check("followers", AudienceRule(author.followers()));
  c.Check("friends", AudienceRule(author.friends()));
  if (author.has_joined_at()) {
    c.Check("joined_at", TimeRule(true, author.joined_at(), now));
  }
  CheckFollowersElsewhere(author, c);
  return c.status();
}

absl::Status ValidateAuthorRef(const v1::AuthorRef& ref,
                               absl::string_view path) {
  FieldChecker c(path);
  c.Check("platform", PlatformRule(ref.platform()));
  c.Check("author_id", IdRule(ref.author_id()));
  return c.status();
}

absl::Status ValidateEvent(const v1::EngagementEvent& event, absl::Time now,
                           absl::string_view path) {
  FieldChecker c(path);
  c.Check("event_id", IdRule(event.event_id()));
  c.Check("post_id", IdRule(event.post_id()));
  c.Check("type", EnumRule(event.type(), v1::EventType_IsValid));
  c.Check("surface", EnumRule(event.surface(), v1::Surface_IsValid));
  c.Check("relation", EnumRule(event.relation(), v1::Relation_IsValid));
  c.Check("at", TimeRule(event.has_at(), event.at(), now));
  c.Check("watch_ms", event.watch_ms() < 0 || event.watch_ms() > kMaxWatchMs
                          ? "must be between 0 and 1000000000000"
                          : nullptr);
  c.Check("count",
          event.count() > kMaxEventCount ? "must be at most 1000000" : nullptr);
  return c.status();
}

absl::Status ValidateId(absl::string_view id, absl::string_view field) {
  FieldChecker c("");
  c.Check(field, IdRule(id));
  return c.status();
}

absl::Status ValidateBatchSize(size_t size, absl::string_view field) {
  if (size == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must hold 1 to 10000 items"));
  }
  if (size > kMaxBatchItems) {
    return absl::ResourceExhaustedError(
        absl::StrCat(field, ": at most 10000 items per request, got ", size));
  }
  return absl::OkStatus();
}

const char* LanguageRule(absl::string_view language) {
  return LanguageRuleOf(language);
}

const char* DurationRule(double seconds, v1::MediaKind kind) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxDurationSeconds) {
    return "must be between 0 and 86400";
  }
  if (seconds > 0 && kind != v1::MEDIA_KIND_VIDEO) {
    return "must be 0 unless media_kind is MEDIA_KIND_VIDEO";
  }
  return nullptr;
}

Violation ToViolation(const absl::Status& status) {
  absl::string_view message = status.message();
  // The first ": " outside a quoted key (followers_elsewhere["a: b"]; keys
  // are C-escaped, so a quote inside one is \").
  bool quoted = false;
  for (size_t i = 0; i + 1 < message.size(); ++i) {
    if (quoted && message[i] == '\\') {
      ++i;
    } else if (message[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && message[i] == ':' && message[i + 1] == ' ') {
      return {std::string(message.substr(0, i)),
              std::string(message.substr(i + 2))};
    }
  }
  return {"", std::string(message)};
}

bool IsValidUtf8(absl::string_view text) {
  return reachrank::IsValidUtf8(text);
}

absl::Time EarliestTimestamp() {
  return absl::FromUnixSeconds(kYear2000Seconds);
}

absl::Time LatestTimestamp(absl::Time now) { return now + absl::Hours(24); }

}  // namespace reachrank::ingest
