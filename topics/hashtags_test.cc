#include "topics/hashtags.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "topics/item_words.h"
#include "topics/segmenter.h"
#include "topics/trainer.h"

namespace reachrank::topics {
namespace {

TEST(HashtagWordsTest, SplitsAtSeparatorsAndCaseChanges) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"cooking", "cooking"},
      {"HomeCooking", "Home Cooking"},
      {"homeCooking", "home Cooking"},
      {"science_technology", "science technology"},
      {"self-care", "self care"},
      {"a.b#c", "a b c"},
      {"HTMLParser", "HTML Parser"},
      {"NYC", "NYC"},
      {"top10Tips", "top10 Tips"},
      {"__weird__tag__", "weird tag"},
      {"ÖlPreis", "Öl Preis"},
      {"café_Paris", "café Paris"},
      {"美食", "美食"},
      {"旅行_Vlog", "旅行 Vlog"},
      {"___", ""},
  };
  for (const auto& [tag, words] : cases) {
    EXPECT_EQ(HashtagWords(tag), words) << tag;
  }
}

// Random tags over letters of both cases, digits, separators and
// multi-byte characters: the words keep every other byte in order, are
// valid UTF-8 when the tag is, and are separated by single spaces.
TEST(HashtagWordsTest, KeepsEveryCharacterButSeparatorsInOrder) {
  const std::vector<std::string> alphabet = {"a", "z", "A", "Z", "7",  "_", "-",
                                             ".", "#", "ö", "Ö", "美", "😀"};
  std::mt19937 rng(7);
  for (int n = 0; n < 10000; ++n) {
    std::string tag;
    const int length = static_cast<int>(rng() % 12);
    for (int i = 0; i < length; ++i) tag += alphabet[rng() % alphabet.size()];
    const std::string words = HashtagWords(tag);
    std::string kept;
    for (char c : tag) {
      if (c != '_' && c != '-' && c != '.' && c != '#') kept.push_back(c);
    }
    std::string unspaced;
    for (char c : words) {
      if (c != ' ') unspaced.push_back(c);
    }
    ASSERT_EQ(unspaced, kept) << tag;
    ASSERT_TRUE(IsValidUtf8(words)) << tag;
    ASSERT_EQ(words.find("  "), std::string::npos) << tag;
    if (!words.empty()) {
      ASSERT_NE(words.front(), ' ') << tag;
      ASSERT_NE(words.back(), ' ') << tag;
    }
  }
}

TEST(SplitInlineHashtagsTest, TakesOutTagsAfterWhitespace) {
  struct Case {
    std::string text;
    std::string rest;
    std::vector<std::string> tags;
  };
  const std::vector<Case> cases = {
      {"no tags here", "no tags here", {}},
      {"Was für ein Abend! #FootballMatch #goal",
       "Was für ein Abend!    ",
       {"FootballMatch", "goal"}},
      {"#first word", "  word", {"first"}},
      {"a\t#tab\nnext", "a\t \nnext", {"tab"}},
      {"今天#美食#好吃", "今天#美食#好吃", {}},     // no whitespace before '#'
      {"今天 #美食#好吃", "今天  好吃", {"美食"}},  // closed, as on Weibo
      {"#话题##另一个#", "  ", {"话题", "另一个"}},
      {"C# and F#", "C# and F#", {}},
      {"https://x.org/a#b", "https://x.org/a#b", {}},
      {"a # b #", "a # b #", {}},  // lone '#'
      {"#travel!", " ", {"travel!"}},
      {"", "", {}},
  };
  for (const Case& c : cases) {
    const InlineHashtags split = SplitInlineHashtags(c.text);
    EXPECT_EQ(split.rest, c.rest) << c.text;
    EXPECT_EQ(split.tags, c.tags) << c.text;
  }
}

TEST(HashtagTextTest, JoinsTheWordsOfEveryTag) {
  EXPECT_EQ(HashtagText({"HomeCooking", "_", "easy_recipe", "美食"}),
            "Home Cooking easy recipe 美食");
  EXPECT_EQ(HashtagText({}), "");
}

// Training reads a text's inline hashtags as the classifier does: the words
// they join, after the caption's words.
TEST(ItemWordsTest, TrainingLinesSplitInlineHashtagsLikeTheClassifier) {
  auto segmenter = Segmenter::Create(SegmenterOptions{});
  ASSERT_TRUE(segmenter.ok()) << segmenter.status();
  const std::vector<Example> examples = {
      {"I love #HomeCooking and #HTMLParser", "health", "en"}};
  auto lines = FastTextLines(examples, **segmenter, 1);
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ((*lines)[0], "__label__health i love and home cooking html parser");
  auto words = SegmentItemWords(**segmenter, "I love #HomeCooking", {"Diy"});
  ASSERT_TRUE(words.ok()) << words.status();
  Segmentation all = words->caption;
  AppendWords(words->tags, all);
  EXPECT_EQ(JoinTokens(all.tokens), "i love diy home cooking");
}

}  // namespace
}  // namespace reachrank::topics
