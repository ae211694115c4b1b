#include "services/rank/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/time/clock.h"

namespace reachrank::rank {
namespace {

using ::testing::HasSubstr;

v1::Draft GoodDraft() {
  v1::Draft d;
  d.set_draft_id("d1");
  d.set_platform("tiktok");
  d.set_author_id("a1");
  d.set_text("How to: fix a bike chain in 5 steps");
  d.set_media_kind(v1::MEDIA_KIND_VIDEO);
  d.set_duration_seconds(30);
  return d;
}

void ExpectInvalid(const absl::Status& s, const std::string& field_rule) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(field_rule));
}

TEST(ValidateScoreRequest, NeedsExactlyOneTarget) {
  ExpectInvalid(ValidateScoreRequest({}, absl::Now()),
                "target: exactly one of post_id or draft must be set");
  v1::ScoreRequest r;
  r.set_post_id("");
  ExpectInvalid(ValidateScoreRequest(r, absl::Now()), "post_id: must be 1-128");
  r.set_post_id("post-1");
  EXPECT_TRUE(ValidateScoreRequest(r, absl::Now()).ok());
  *r.mutable_draft() = GoodDraft();  // the oneof now holds the draft only
  EXPECT_TRUE(ValidateScoreRequest(r, absl::Now()).ok());
}

TEST(ValidateScoreRequest, LanguageIsOneOfFour) {
  v1::ScoreRequest r;
  r.set_post_id("post-1");
  for (const char* ok : {"", "en", "de", "zh"}) {
    r.set_language(ok);
    EXPECT_TRUE(ValidateScoreRequest(r, absl::Now()).ok()) << ok;
  }
  r.set_language("fr");
  ExpectInvalid(ValidateScoreRequest(r, absl::Now()),
                "language: must be \"\", \"en\", \"de\" or \"zh\"");
}

TEST(ValidateScoreRequest, AsOfOnlyForPostsAndWithinRange) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  v1::ScoreRequest r;
  r.set_post_id("post-1");
  r.mutable_as_of()->set_seconds(1'800'000'000 + 2 * 86'400);
  ExpectInvalid(ValidateScoreRequest(r, now), "as_of: must be between");
  r.mutable_as_of()->set_seconds(1'700'000'000);
  EXPECT_TRUE(ValidateScoreRequest(r, now).ok());
  *r.mutable_draft() = GoodDraft();
  ExpectInvalid(ValidateScoreRequest(r, now), "as_of: must be unset");
}

TEST(ValidateDraft, NamesTheBrokenField) {
  const absl::Time now = absl::Now();
  EXPECT_TRUE(ValidateDraft(GoodDraft(), now, "draft").ok());
  v1::Draft d = GoodDraft();
  d.set_platform("TikTok");
  ExpectInvalid(ValidateDraft(d, now, "draft"),
                "draft.platform: must match [a-z0-9_]{1,32}");
  d = GoodDraft();
  d.set_draft_id("");
  ExpectInvalid(ValidateDraft(d, now, "drafts[2]"), "drafts[2].draft_id");
  d = GoodDraft();
  d.set_text("bad \xc3\x28 utf8");
  ExpectInvalid(ValidateDraft(d, now, ""), "text: must be valid UTF-8");
  d = GoodDraft();
  d.set_media_kind(v1::MEDIA_KIND_UNSPECIFIED);
  ExpectInvalid(ValidateDraft(d, now, ""), "media_kind: must be a specified");
  d.set_media_kind(static_cast<v1::MediaKind>(42));
  ExpectInvalid(ValidateDraft(d, now, ""),
                "media_kind: is not a value of its enum");
  d = GoodDraft();
  d.set_duration_seconds(-1);
  ExpectInvalid(ValidateDraft(d, now, ""), "duration_seconds");
  // A duration is a video's length (the API's rule).
  d = GoodDraft();
  d.set_media_kind(v1::MEDIA_KIND_IMAGE);
  d.set_duration_seconds(600);
  ExpectInvalid(ValidateDraft(d, now, "draft"),
                "draft.duration_seconds: must be 0 unless media_kind is "
                "MEDIA_KIND_VIDEO");
  d.set_duration_seconds(0);
  EXPECT_TRUE(ValidateDraft(d, now, "draft").ok());
  d = GoodDraft();
  d.add_hashtags("");
  ExpectInvalid(ValidateDraft(d, now, ""), "hashtags[0]");
  d = GoodDraft();
  d.set_author_id("has space");
  ExpectInvalid(ValidateDraft(d, now, ""), "author_id: must be 1-128");
}

// A draft's language follows the Post rule, as ingest applies it.
TEST(ValidateDraft, LanguageFollowsThePostRule) {
  v1::Draft d = GoodDraft();
  d.set_language("zh-Hant");
  EXPECT_TRUE(ValidateDraft(d, absl::Now(), "").ok());
  d.set_language("en us");
  EXPECT_EQ(ValidateDraft(d, absl::Now(), "draft"),
            absl::InvalidArgumentError(
                "draft.language: must be at most 35 bytes of [A-Za-z0-9-]"));
}

TEST(ValidateDraft, AuthorIdIsOptional) {
  v1::Draft d = GoodDraft();
  d.clear_author_id();
  EXPECT_TRUE(ValidateDraft(d, absl::Now(), "").ok());
}

TEST(ValidateScoreDraftsRequest, OneToAThousandDrafts) {
  v1::ScoreDraftsRequest r;
  ExpectInvalid(ValidateScoreDraftsRequest(r), "drafts: must hold 1 to 1000");
  for (int i = 0; i < 1000; ++i) *r.add_drafts() = GoodDraft();
  EXPECT_TRUE(ValidateScoreDraftsRequest(r).ok());
  *r.add_drafts() = GoodDraft();
  absl::Status s = ValidateScoreDraftsRequest(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("got 1001"));
}

TEST(ValidateRankRequest, ChecksIdsAndLanguage) {
  const absl::Time now = absl::Now();
  v1::RankRequest r;
  ExpectInvalid(ValidateRankRequest(r, now), "post_ids: must hold");
  r.add_post_ids("a");
  r.add_post_ids("");
  ExpectInvalid(ValidateRankRequest(r, now), "post_ids[1]: must be 1-128");
  r.set_post_ids(1, "b");
  EXPECT_TRUE(ValidateRankRequest(r, now).ok());
  r.set_language("es");
  ExpectInvalid(ValidateRankRequest(r, now), "language:");
}

}  // namespace
}  // namespace reachrank::rank
