#include "storage/keys.h"

#include <string>

#include "gtest/gtest.h"

namespace reachrank::storage::keys {
namespace {

using std::string_literals::operator""s;

TEST(KeysTest, AuthorKeyRoundTrip) {
  const std::string key = AuthorKey("tiktok", "alice");
  EXPECT_EQ(key, "tiktok\0alice"s);
  AuthorKeyParts parts;
  ASSERT_TRUE(DecodeAuthorKey(key, &parts));
  EXPECT_EQ(parts.platform, "tiktok");
  EXPECT_EQ(parts.author_id, "alice");
}

TEST(KeysTest, AuthorPostKeyRoundTripAndOrder) {
  const std::string key = AuthorPostKey("yt", "bob", 1709251200123, "p-1");
  AuthorPostKeyParts parts;
  ASSERT_TRUE(DecodeAuthorPostKey(key, &parts));
  EXPECT_EQ(parts.platform, "yt");
  EXPECT_EQ(parts.author_id, "bob");
  EXPECT_EQ(parts.created_ms, 1709251200123);
  EXPECT_EQ(parts.post_id, "p-1");
  EXPECT_EQ(key.rfind(AuthorPostPrefix("yt", "bob"), 0), 0u);
  // Byte order is time order, negative times included.
  EXPECT_LT(AuthorPostKey("yt", "bob", -5, "z"),
            AuthorPostKey("yt", "bob", 3, "a"));
  EXPECT_LT(AuthorPostKey("yt", "bob", 255, "z"),
            AuthorPostKey("yt", "bob", 256, "a"));
}

TEST(KeysTest, PostHourKeyRoundTrip) {
  const std::string key = PostHourKey("post", 475000);
  EXPECT_EQ(key, "post\0\x80\x07\x3f\x78"s);
  PostHourKeyParts parts;
  ASSERT_TRUE(DecodePostHourKey(key, &parts));
  EXPECT_EQ(parts.post_id, "post");
  EXPECT_EQ(parts.hour, 475000);
  ASSERT_TRUE(DecodePostHourKey(PostHourKey("p", -1), &parts));
  EXPECT_EQ(parts.hour, -1);
  EXPECT_LT(PostHourKey("p", -1), PostHourKey("p", 0));
}

TEST(KeysTest, DayKeyRoundTrip) {
  std::string appended = "x";
  AppendDayKey("douyin", "science/technology", 19783, &appended);
  const std::string key = DayKey("douyin", "science/technology", 19783);
  EXPECT_EQ(appended, "x" + key);
  EXPECT_EQ(key.rfind(DayPrefix("douyin", "science/technology"), 0), 0u);
  DayKeyParts parts;
  ASSERT_TRUE(DecodeDayKey(key, &parts));
  EXPECT_EQ(parts.platform, "douyin");
  EXPECT_EQ(parts.owner, "science/technology");
  EXPECT_EQ(parts.day, 19783);
  EXPECT_LT(DayKey("a", "b", 9), DayKey("a", "b", 10));
}

TEST(KeysTest, IdKeysAndDedupValues) {
  absl::string_view id;
  ASSERT_TRUE(DecodeIdKey("evt-1", &id));
  EXPECT_EQ(id, "evt-1");
  EXPECT_FALSE(DecodeIdKey("", &id));
  EXPECT_FALSE(DecodeIdKey("a\0b"s, &id));
  EXPECT_FALSE(DecodeIdKey(std::string(kMaxKeyPart + 1, 'a'), &id));
  int64_t ms = 0;
  ASSERT_TRUE(DecodeDedupValue(DedupValue(1709251200123), &ms));
  EXPECT_EQ(ms, 1709251200123);
  EXPECT_FALSE(DecodeDedupValue("1234567", &ms));
  EXPECT_FALSE(DecodeDedupValue("123456789", &ms));
}

TEST(KeysTest, MalformedKeysAreRejected) {
  AuthorKeyParts a;
  EXPECT_FALSE(DecodeAuthorKey("", &a));
  EXPECT_FALSE(DecodeAuthorKey("tiktok", &a));         // no separator
  EXPECT_FALSE(DecodeAuthorKey("\0alice"s, &a));       // empty platform
  EXPECT_FALSE(DecodeAuthorKey("tiktok\0"s, &a));      // empty author
  EXPECT_FALSE(DecodeAuthorKey("tiktok\0a\0b"s, &a));  // extra part

  AuthorPostKeyParts ap;
  const std::string good = AuthorPostKey("yt", "bob", 7, "p");
  EXPECT_FALSE(DecodeAuthorPostKey(good.substr(0, good.size() - 1), &ap));
  EXPECT_FALSE(DecodeAuthorPostKey("yt\0bob\0"s + "1234567", &ap));
  EXPECT_FALSE(DecodeAuthorPostKey("yt\0bob"s, &ap));
  EXPECT_FALSE(DecodeAuthorPostKey(good + "\0"s, &ap));

  PostHourKeyParts ph;
  EXPECT_FALSE(DecodePostHourKey("post\0\x80\x07\x3f"s, &ph));  // short
  EXPECT_FALSE(DecodePostHourKey("post\0\x80\x07\x3f\x78\x00"s, &ph));
  EXPECT_FALSE(DecodePostHourKey("\0\x80\x07\x3f\x78"s, &ph));  // no id
  EXPECT_FALSE(DecodePostHourKey("post", &ph));

  DayKeyParts d;
  const std::string day = DayKey("a", "b", 1);
  EXPECT_FALSE(DecodeDayKey(day.substr(0, day.size() - 1), &d));
  EXPECT_FALSE(DecodeDayKey(day + "x", &d));
  EXPECT_FALSE(DecodeDayKey("a\0\0\x80\x00\x00\x01"s, &d));  // no owner
  EXPECT_FALSE(DecodeDayKey("", &d));
}

}  // namespace
}  // namespace reachrank::storage::keys

namespace reachrank::storage::keys {
namespace {

// Random byte strings (biased towards separators and short lengths) never
// crash a decoder, and whatever a decoder accepts re-encodes to the input.
TEST(KeysTest, DecodersAcceptOnlyCanonicalKeys) {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string key(next() % 24, 'a');
    for (char& c : key) {
      const uint64_t r = next();
      c = (r % 4 == 0) ? '\0' : static_cast<char>(r >> 8);
    }
    AuthorKeyParts a;
    if (DecodeAuthorKey(key, &a)) {
      ++accepted;
      EXPECT_EQ(AuthorKey(a.platform, a.author_id), key);
    }
    AuthorPostKeyParts ap;
    if (DecodeAuthorPostKey(key, &ap)) {
      ++accepted;
      EXPECT_EQ(
          AuthorPostKey(ap.platform, ap.author_id, ap.created_ms, ap.post_id),
          key);
    }
    PostHourKeyParts ph;
    if (DecodePostHourKey(key, &ph)) {
      ++accepted;
      EXPECT_EQ(PostHourKey(ph.post_id, ph.hour), key);
    }
    DayKeyParts d;
    if (DecodeDayKey(key, &d)) {
      ++accepted;
      EXPECT_EQ(DayKey(d.platform, d.owner, d.day), key);
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace reachrank::storage::keys
