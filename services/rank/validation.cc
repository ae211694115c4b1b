#include "services/rank/validation.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/platform_id.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/ingest/validation.h"

namespace reachrank::rank {
namespace {

constexpr int64_t kYear2000Seconds = 946'684'800;

// `rule` as INVALID_ARGUMENT for `field` under `path`.
absl::Status Broken(absl::string_view path, absl::string_view field,
                    absl::string_view rule) {
  return absl::InvalidArgumentError(
      path.empty() ? absl::StrCat(field, ": ", rule)
                   : absl::StrCat(path, ".", field, ": ", rule));
}

// Ids reuse the ingest rule; its message names the field on its own.
absl::Status CheckId(absl::string_view id, absl::string_view path,
                     absl::string_view field) {
  return ingest::ValidateId(
      id, path.empty() ? std::string(field) : absl::StrCat(path, ".", field));
}

absl::Status CheckTime(const google::protobuf::Timestamp& t, absl::Time now,
                       absl::string_view path, absl::string_view field) {
  if (t.nanos() < 0 || t.nanos() > 999'999'999) {
    return Broken(path, field, "must have nanos in 0..999999999");
  }
  const absl::Time time =
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  if (t.seconds() < kYear2000Seconds || time > now + absl::Hours(24)) {
    return Broken(path, field,
                  "must be between 2000-01-01T00:00:00Z and now + 1 day");
  }
  return absl::OkStatus();
}

absl::Status CheckContent(const v1::Draft& d, absl::string_view path) {
  if (d.text().size() > ingest::kMaxTextBytes) {
    return Broken(path, "text", "must be at most 16384 bytes");
  }
  if (!ingest::IsValidUtf8(d.text())) {
    return Broken(path, "text", "must be valid UTF-8");
  }
  if (const char* rule = ingest::LanguageRule(d.language()); rule != nullptr) {
    return Broken(path, "language", rule);
  }
  if (d.media_kind() == v1::MEDIA_KIND_UNSPECIFIED) {
    return Broken(path, "media_kind", "must be a specified value");
  }
  if (!v1::MediaKind_IsValid(d.media_kind())) {
    return Broken(path, "media_kind", "is not a value of its enum");
  }
  if (const char* rule =
          ingest::DurationRule(d.duration_seconds(), d.media_kind());
      rule != nullptr) {
    return Broken(path, "duration_seconds", rule);
  }
  return absl::OkStatus();
}

absl::Status CheckHashtags(const v1::Draft& d, absl::string_view path) {
  if (d.hashtags_size() > static_cast<int>(ingest::kMaxHashtags)) {
    return Broken(path, "hashtags", "must hold at most 64 items");
  }
  for (int i = 0; i < d.hashtags_size(); ++i) {
    const std::string& tag = d.hashtags(i);
    if (tag.empty() || tag.size() > ingest::kMaxIdBytes ||
        !ingest::IsValidUtf8(tag)) {
      return Broken(path, absl::StrCat("hashtags[", i, "]"),
                    "must be 1-128 bytes of UTF-8");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateReasonLanguage(absl::string_view language,
                                    absl::string_view field) {
  if (language.empty() || language == "en" || language == "de" ||
      language == "zh") {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be \"\", \"en\", \"de\" or \"zh\""));
}

absl::Status ValidateDraft(const v1::Draft& draft, absl::Time now,
                           absl::string_view path) {
  if (absl::Status s = CheckId(draft.draft_id(), path, "draft_id"); !s.ok()) {
    return s;
  }
  if (!IsPlatformId(draft.platform())) {
    return Broken(path, "platform", "must match [a-z0-9_]{1,32}");
  }
  if (!draft.author_id().empty()) {
    if (absl::Status s = CheckId(draft.author_id(), path, "author_id");
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = CheckContent(draft, path); !s.ok()) return s;
  if (absl::Status s = CheckHashtags(draft, path); !s.ok()) return s;
  if (draft.has_planned_at()) {
    return CheckTime(draft.planned_at(), now, path, "planned_at");
  }
  return absl::OkStatus();
}

absl::Status ValidateScoreRequest(const v1::ScoreRequest& request,
                                  absl::Time now) {
  if (absl::Status s = ValidateReasonLanguage(request.language()); !s.ok()) {
    return s;
  }
  switch (request.target_case()) {
    case v1::ScoreRequest::kPostId:
      if (request.has_as_of()) {
        if (absl::Status s = CheckTime(request.as_of(), now, "", "as_of");
            !s.ok()) {
          return s;
        }
      }
      return CheckId(request.post_id(), "", "post_id");
    case v1::ScoreRequest::kDraft:
      if (request.has_as_of()) {
        return Broken("", "as_of",
                      "must be unset for a draft (a draft is scored as of "
                      "its planned_at, now when unset)");
      }
      return ValidateDraft(request.draft(), now, "draft");
    default:
      return absl::InvalidArgumentError(
          "target: exactly one of post_id or draft must be set");
  }
}

absl::Status ValidateScoreDraftsRequest(const v1::ScoreDraftsRequest& request) {
  if (request.drafts_size() == 0) {
    return Broken("", "drafts", "must hold 1 to 1000 drafts");
  }
  if (static_cast<size_t>(request.drafts_size()) > kMaxDraftsPerMessage) {
    return absl::ResourceExhaustedError(
        absl::StrCat("drafts: at most 1000 drafts per message, got ",
                     request.drafts_size()));
  }
  return ValidateReasonLanguage(request.language());
}

absl::Status ValidateRankRequest(const v1::RankRequest& request,
                                 absl::Time now) {
  const size_t n = request.post_ids_size();
  if (n == 0) return Broken("", "post_ids", "must hold at least 1 id");
  if (absl::Status s = ValidateReasonLanguage(request.language()); !s.ok()) {
    return s;
  }
  if (request.has_as_of()) {
    if (absl::Status s = CheckTime(request.as_of(), now, "", "as_of");
        !s.ok()) {
      return s;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    absl::Status s =
        CheckId(request.post_ids(i), "", absl::StrCat("post_ids[", i, "]"));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace reachrank::rank
