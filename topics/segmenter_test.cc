#include "topics/segmenter.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::topics {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Tokens(absl::string_view text, int cjk_ngrams = 0) {
  auto segmenter = Segmenter::Create({cjk_ngrams, true});
  EXPECT_TRUE(segmenter.ok()) << segmenter.status();
  auto result = (*segmenter)->Segment(text);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? result->tokens : std::vector<std::string>{};
}

TEST(SegmenterTest, EnglishFoldsCaseAndReplacesUrlsAndNumbers) {
  EXPECT_THAT(Tokens("Hello, World! Visit https://example.com/a?b=1 now "
                     "3.5 times in 2024."),
              ElementsAre("hello", "world", "visit", "<url>", "now", "<num>",
                          "times", "in", "<num>"));
}

// A link in Chinese text ends at the first non-ASCII character ("，",
// U+3000), not at the next ASCII space, which may never come; it starts
// after a Chinese character or "(" too, and leaves closing punctuation to
// the sentence.
TEST(SegmenterTest, UrlsEndWhereTheirAsciiEnds) {
  EXPECT_THAT(Tokens("https://t.cn/A6x，我们今天去北京"),
              ElementsAre("<url>", "我们", "今天", "去", "北京"));
  EXPECT_THAT(Tokens("https://t.cn/A6x\u3000我们今天去北京"),
              ElementsAre("<url>", "我们", "今天", "去", "北京"));
  EXPECT_THAT(Tokens("详情见https://t.cn/A6x"),
              ElementsAre("详情", "见", "<url>"));
  EXPECT_THAT(Tokens("(see https://example.com/a_(b).) now"),
              ElementsAre("see", "<url>", "now"));
  EXPECT_THAT(Tokens("Visit \"www.example.org\", then"),
              ElementsAre("visit", "<url>", "then"));
  // Inside a word it is no link: "myhttps" is a word.
  EXPECT_THAT(Tokens("myhttps://x"), ElementsAre("myhttps", "x"));
}

TEST(SegmenterTest, GermanNfkcAndCaseFolding) {
  EXPECT_THAT(Tokens("Die Straße in München ist schön – ＦＵＬＬ."),
              ElementsAre("die", "strasse", "in", "münchen", "ist", "schön",
                          "full"));
}

TEST(SegmenterTest, ChineseSplitByDictionary) {
  EXPECT_THAT(Tokens("我们今天去北京。"),
              ElementsAre("我们", "今天", "去", "北京"));
}

TEST(SegmenterTest, ChineseCharacterNgramsFollowEachWord) {
  EXPECT_THAT(Tokens("我们今天去北京。", 1),
              ElementsAre("我们", "我", "们", "今天", "今", "天", "去", "北京",
                          "北", "京"));
}

std::vector<std::string> TokensSimplified(absl::string_view text,
                                          bool simplify_han) {
  SegmenterOptions options;
  options.simplify_han = simplify_han;
  auto segmenter = Segmenter::Create(options);
  EXPECT_TRUE(segmenter.ok()) << segmenter.status();
  auto result = (*segmenter)->Segment(text);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? result->tokens : std::vector<std::string>{};
}

TEST(SegmenterTest, TraditionalHanBecomesSimplifiedWhenAsked) {
  EXPECT_THAT(TokensSimplified("臺灣的網路很快。", true),
              ElementsAre("台湾", "的", "网路", "很快"));
  EXPECT_THAT(TokensSimplified("這些飯店提供高級的餐點", true),
              ElementsAre("这些", "饭店", "提供", "高级", "的", "餐点"));
  EXPECT_THAT(TokensSimplified("臺灣的網路很快。", false),
              ElementsAre("臺灣", "的", "網路", "很快"));
}

// The two characters may be anywhere: here in two stretches that the
// ASCII fast path segments apart.
TEST(SegmenterTest, TraditionalCharactersCountAcrossTheWholeText) {
  EXPECT_THAT(TokensSimplified("這 2009 個", true),
              ElementsAre("这", "<num>", "个"));
}

TEST(SegmenterTest, SimplifyHanLeavesOtherTextAsItWas) {
  for (const char* text :
       {"我们今天去北京。", "Die Straße in München – ＦＵＬＬ 3.5",
        "Hello https://example.com/x 😀 Привет", "日本語のテキスト",
        // One character the transform changes is not enough: 俱 is
        // current Simplified too (it would read 具乐部).
        "他为俱乐部踢了十年球。",
        // 「」 become “” under the transform but are no sign of Traditional.
        "他说「俱乐部很好」。"}) {
    EXPECT_EQ(TokensSimplified(text, true), TokensSimplified(text, false))
        << text;
  }
}

TEST(SegmenterTest, EmojiKeptWithoutVariationSelectors) {
  EXPECT_THAT(Tokens("Great game \xE2\x9A\xBD\xEF\xB8\x8F!! \xF0\x9F\x91\x8D"
                     "\xF0\x9F\x8F\xBD"),
              ElementsAre("great", "game", "\xE2\x9A\xBD",
                          "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"));
}

TEST(SegmenterTest, NoTokenLooksLikeAFastTextLabel) {
  EXPECT_THAT(Tokens("__label__sports www.example.org"),
              ElementsAre("label__sports", "<url>"));
}

TEST(SegmenterTest, PunctuationOnlyGivesNoTokens) {
  EXPECT_THAT(Tokens(" ... !!! "), ElementsAre());
}

TEST(SegmenterTest, CountsLettersByScript) {
  auto segmenter = Segmenter::Create({});
  ASSERT_TRUE(segmenter.ok());
  auto result = (*segmenter)->Segment("Привет abc 北京");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->other_letters, 6);
  EXPECT_EQ(result->latin_letters, 3);
  EXPECT_EQ(result->han_letters, 2);
}

TEST(SegmenterTest, RejectsInvalidUtf8) {
  auto segmenter = Segmenter::Create({});
  ASSERT_TRUE(segmenter.ok());
  auto result = (*segmenter)->Segment("ok \xC3\x28 bad");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // a UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong "/"
  EXPECT_TRUE(IsValidUtf8("straße 北京"));
}

}  // namespace
}  // namespace reachrank::topics
