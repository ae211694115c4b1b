#include "services/ingest/validation.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "base/utf8.h"

namespace reachrank::ingest {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);  // 2025-06

void SetTime(google::protobuf::Timestamp* t, absl::Time time) {
  t->set_seconds(absl::ToUnixSeconds(time));
}

v1::Post GoodPost() {
  v1::Post p;
  p.set_post_id("p-1");
  p.set_platform("wechat_channels");
  p.set_author_id("a~1");
  SetTime(p.mutable_created_at(), kNow - absl::Hours(1));
  p.set_text("Rezept: 3 Schritte zum Brot 面包");
  p.set_language("de-AT");
  p.set_media_kind(v1::MEDIA_KIND_VIDEO);
  p.set_duration_seconds(59.5);
  p.add_hashtags("brot");
  return p;
}

v1::Author GoodAuthor() {
  v1::Author a;
  a.set_platform("douyin");
  a.set_author_id("a-1");
  a.set_followers(1200);
  a.set_friends(30);
  SetTime(a.mutable_joined_at(), absl::FromUnixSeconds(1'600'000'000));
  (*a.mutable_followers_elsewhere())["tiktok"] = 50;
  return a;
}

v1::EngagementEvent GoodEvent() {
  v1::EngagementEvent e;
  e.set_event_id("e-1");
  e.set_post_id("p-1");
  e.set_type(v1::EVENT_TYPE_VIEW);
  e.set_surface(v1::SURFACE_RECOMMENDED);
  e.set_relation(v1::RELATION_STRANGER);
  SetTime(e.mutable_at(), kNow);
  e.set_watch_ms(12'000);
  e.set_count(3);
  return e;
}

// A case: a mutation of a good item and the exact message it must produce
// ("" when the mutated item is still valid).
template <typename T>
struct Case {
  const char* name;
  std::function<void(T&)> mutate;
  std::string message;
};

template <typename T, typename Validate>
void RunCases(const T& good, Validate validate,
              const std::vector<Case<T>>& cases) {
  ASSERT_TRUE(validate(good).ok()) << validate(good);
  for (const Case<T>& c : cases) {
    T item = good;
    c.mutate(item);
    absl::Status status = validate(item);
    if (c.message.empty()) {
      EXPECT_TRUE(status.ok()) << c.name << ": " << status;
    } else {
      EXPECT_EQ(status, absl::InvalidArgumentError(c.message)) << c.name;
    }
  }
}

const char kId[] = "must be 1-128 printable ASCII bytes (0x21-0x7E)";
const char kPlatform[] = "must match [a-z0-9_]{1,32}";
const char kTime[] = "must be between 2000-01-01T00:00:00Z and now + 1 day";
const char kEnum[] = "must be a specified value";
const char kUnknownEnum[] = "is not a value of its enum";

std::string F(const std::string& field, const std::string& rule) {
  return "posts[3]." + field + ": " + rule;
}

TEST(ValidatePostTest, EveryRuleGoodAndBad) {
  using P = v1::Post;
  std::vector<Case<P>> cases = {
      {"id 128 bytes", [](P& p) { p.set_post_id(std::string(128, 'x')); }, ""},
      {"id 129 bytes", [](P& p) { p.set_post_id(std::string(129, 'x')); },
       F("post_id", kId)},
      {"id empty", [](P& p) { p.clear_post_id(); }, F("post_id", kId)},
      {"id space", [](P& p) { p.set_post_id("a b"); }, F("post_id", kId)},
      {"id DEL", [](P& p) { p.set_post_id("a\x7f"); }, F("post_id", kId)},
      {"id edge chars", [](P& p) { p.set_post_id("!~"); }, ""},
      {"platform 32", [](P& p) { p.set_platform(std::string(32, 'a')); }, ""},
      {"platform 33", [](P& p) { p.set_platform(std::string(33, 'a')); },
       F("platform", kPlatform)},
      {"platform upper", [](P& p) { p.set_platform("TikTok"); },
       F("platform", kPlatform)},
      {"platform dash", [](P& p) { p.set_platform("we-chat"); },
       F("platform", kPlatform)},
      {"platform empty", [](P& p) { p.clear_platform(); },
       F("platform", kPlatform)},
      {"author id", [](P& p) { p.set_author_id("\t"); }, F("author_id", kId)},
      {"created missing", [](P& p) { p.clear_created_at(); },
       F("created_at", "is required")},
      {"created 2000",
       [](P& p) { p.mutable_created_at()->set_seconds(946684800); }, ""},
      {"created 1999",
       [](P& p) { p.mutable_created_at()->set_seconds(946684799); },
       F("created_at", kTime)},
      {"created +23h",
       [](P& p) { SetTime(p.mutable_created_at(), kNow + absl::Hours(23)); },
       ""},
      {"created +25h",
       [](P& p) { SetTime(p.mutable_created_at(), kNow + absl::Hours(25)); },
       F("created_at", kTime)},
      {"created bad nanos", [](P& p) { p.mutable_created_at()->set_nanos(-1); },
       F("created_at", "must have nanos in 0..999999999")},
      {"text empty", [](P& p) { p.clear_text(); }, ""},
      {"text 16 KiB", [](P& p) { p.set_text(std::string(16384, 'a')); }, ""},
      {"text 16 KiB + 1", [](P& p) { p.set_text(std::string(16385, 'a')); },
       F("text", "must be at most 16384 bytes")},
      {"text bad utf8", [](P& p) { p.set_text("ab\xc3("); },
       F("text", "must be valid UTF-8")},
      {"language empty", [](P& p) { p.clear_language(); }, ""},
      {"language long", [](P& p) { p.set_language(std::string(36, 'a')); },
       F("language", "must be at most 35 bytes of [A-Za-z0-9-]")},
      {"language junk", [](P& p) { p.set_language("en_US"); },
       F("language", "must be at most 35 bytes of [A-Za-z0-9-]")},
      {"media unspecified", [](P& p) { p.clear_media_kind(); },
       F("media_kind", kEnum)},
      {"media unknown",
       [](P& p) { p.set_media_kind(static_cast<v1::MediaKind>(42)); },
       F("media_kind", kUnknownEnum)},
      {"duration max", [](P& p) { p.set_duration_seconds(86400); }, ""},
      {"duration over", [](P& p) { p.set_duration_seconds(86400.5); },
       F("duration_seconds", "must be between 0 and 86400")},
      {"duration negative", [](P& p) { p.set_duration_seconds(-1); },
       F("duration_seconds", "must be between 0 and 86400")},
      {"duration of an image",
       [](P& p) { p.set_media_kind(v1::MEDIA_KIND_IMAGE); },
       F("duration_seconds",
         "must be 0 unless media_kind is MEDIA_KIND_VIDEO")},
      {"no duration of an article",
       [](P& p) {
         p.set_media_kind(v1::MEDIA_KIND_ARTICLE);
         p.set_duration_seconds(0);
       },
       ""},
      {"duration NaN",
       [](P& p) {
         p.set_duration_seconds(std::numeric_limits<double>::quiet_NaN());
       },
       F("duration_seconds", "must be between 0 and 86400")},
      {"64 hashtags",
       [](P& p) {
         for (int i = 1; i < 64; ++i) p.add_hashtags("t");
       },
       ""},
      {"65 hashtags",
       [](P& p) {
         for (int i = 0; i < 64; ++i) p.add_hashtags("t");
       },
       F("hashtags", "must hold at most 64 items")},
      {"empty hashtag", [](P& p) { p.add_hashtags(""); },
       F("hashtags[1]", "must be 1-128 bytes")},
      {"bad utf8 hashtag", [](P& p) { p.add_hashtags("\xff"); },
       F("hashtags[1]", "must be valid UTF-8")},
  };
  RunCases<P>(
      GoodPost(), [](const P& p) { return ValidatePost(p, kNow, "posts[3]"); },
      cases);
}

TEST(ValidatePostTest, ReportsTheFirstBrokenRuleWithoutPath) {
  v1::Post p = GoodPost();
  p.set_platform("X");
  p.clear_created_at();
  EXPECT_EQ(ValidatePost(p, kNow),
            absl::InvalidArgumentError("platform: " + std::string(kPlatform)));
}

TEST(ValidateAuthorTest, EveryRuleGoodAndBad) {
  using A = v1::Author;
  auto f = [](const std::string& field, const std::string& rule) {
    return "authors[0]." + field + ": " + rule;
  };
  const std::string kAudience = "must be between 0 and 10000000000";
  std::vector<Case<A>> cases = {
      {"platform", [](A& a) { a.set_platform("Douyin"); },
       f("platform", kPlatform)},
      {"author id", [](A& a) { a.clear_author_id(); }, f("author_id", kId)},
      {"followers max", [](A& a) { a.set_followers(10'000'000'000); }, ""},
      {"followers over", [](A& a) { a.set_followers(10'000'000'001); },
       f("followers", kAudience)},
      {"followers negative", [](A& a) { a.set_followers(-1); },
       f("followers", kAudience)},
      {"friends negative", [](A& a) { a.set_friends(-5); },
       f("friends", kAudience)},
      {"joined absent", [](A& a) { a.clear_joined_at(); }, ""},
      {"joined 1990",
       [](A& a) { a.mutable_joined_at()->set_seconds(631152000); },
       f("joined_at", kTime)},
      {"elsewhere bad key",
       [](A& a) { (*a.mutable_followers_elsewhere())["You Tube"] = 1; },
       f("followers_elsewhere[\"You Tube\"]", kPlatform)},
      {"elsewhere bad value",
       [](A& a) { (*a.mutable_followers_elsewhere())["youtube"] = -3; },
       f("followers_elsewhere[\"youtube\"]", kAudience)},
  };
  RunCases<A>(
      GoodAuthor(),
      [](const A& a) { return ValidateAuthor(a, kNow, "authors[0]"); }, cases);
}

TEST(ValidateEventTest, EveryRuleGoodAndBad) {
  using E = v1::EngagementEvent;
  auto f = [](const std::string& field, const std::string& rule) {
    return field + ": " + rule;
  };
  std::vector<Case<E>> cases = {
      {"event id", [](E& e) { e.set_event_id(std::string(129, 'e')); },
       f("event_id", kId)},
      {"post id", [](E& e) { e.set_post_id("p\n"); }, f("post_id", kId)},
      {"type unspecified", [](E& e) { e.clear_type(); }, f("type", kEnum)},
      {"type unknown", [](E& e) { e.set_type(static_cast<v1::EventType>(10)); },
       f("type", kUnknownEnum)},
      {"surface", [](E& e) { e.clear_surface(); }, f("surface", kEnum)},
      {"relation", [](E& e) { e.set_relation(static_cast<v1::Relation>(7)); },
       f("relation", kUnknownEnum)},
      {"at missing", [](E& e) { e.clear_at(); }, f("at", "is required")},
      {"at future",
       [](E& e) { SetTime(e.mutable_at(), kNow + absl::Hours(48)); },
       f("at", kTime)},
      {"watch max", [](E& e) { e.set_watch_ms(1'000'000'000'000); }, ""},
      {"watch over", [](E& e) { e.set_watch_ms(1'000'000'000'001); },
       f("watch_ms", "must be between 0 and 1000000000000")},
      {"watch negative", [](E& e) { e.set_watch_ms(-1); },
       f("watch_ms", "must be between 0 and 1000000000000")},
      {"count zero", [](E& e) { e.set_count(0); }, ""},
      {"count max", [](E& e) { e.set_count(1'000'000); }, ""},
      {"count over", [](E& e) { e.set_count(1'000'001); },
       f("count", "must be at most 1000000")},
  };
  RunCases<E>(
      GoodEvent(), [](const E& e) { return ValidateEvent(e, kNow); }, cases);
}

TEST(ValidateBatchSizeTest, Limits) {
  EXPECT_TRUE(ValidateBatchSize(1, "posts").ok());
  EXPECT_TRUE(ValidateBatchSize(10'000, "posts").ok());
  EXPECT_EQ(ValidateBatchSize(0, "events"),
            absl::InvalidArgumentError("events: must hold 1 to 10000 items"));
  EXPECT_EQ(ValidateBatchSize(10'001, "authors"),
            absl::ResourceExhaustedError(
                "authors: at most 10000 items per request, got 10001"));
}

TEST(ToViolationTest, SplitsFieldAndRule) {
  Violation v = ToViolation(absl::InvalidArgumentError(
      "followers_elsewhere[\"x\"]: must match [a-z0-9_]{1,32}"));
  EXPECT_EQ(v.field, "followers_elsewhere[\"x\"]");
  EXPECT_EQ(v.rule, "must match [a-z0-9_]{1,32}");
  EXPECT_EQ(ToViolation(absl::NotFoundError("gone")).field, "");
  // A quoted key may hold ": " and escaped quotes.
  v = ToViolation(absl::InvalidArgumentError(
      "followers_elsewhere[\"a: \\\"b\"]: must match [a-z0-9_]{1,32}"));
  EXPECT_EQ(v.field, "followers_elsewhere[\"a: \\\"b\"]");
  EXPECT_EQ(v.rule, "must match [a-z0-9_]{1,32}");
}

TEST(IsValidUtf8Test, AcceptsWellFormedRejectsMalformed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("Grüße 我们 😀"));
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));       // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));              // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));          // surrogate D800
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));      // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe6\x88"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));                  // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));  // 5-byte form
}

// Each byte that starts no well-formed sequence becomes U+FFFD; the
// well-formed ones around it are kept.
TEST(IsValidUtf8Test, WithValidUtf8ReplacesEachBadByte) {
  EXPECT_EQ(reachrank::WithValidUtf8("Grüße 我们"), "Grüße 我们");
  EXPECT_EQ(reachrank::WithValidUtf8("id\xff-\xe9t\xe9"),
            "id\xef\xbf\xbd-\xef\xbf\xbdt\xef\xbf\xbd");
  EXPECT_EQ(reachrank::WithValidUtf8("\xe6\x88"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_TRUE(IsValidUtf8(reachrank::WithValidUtf8("\xc0\xaf\xed\xa0\x80ok")));
}

}  // namespace
}  // namespace reachrank::ingest
