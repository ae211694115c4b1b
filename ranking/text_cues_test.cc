#include "ranking/text_cues.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace reachrank::ranking {
namespace {

TextCues Cues(const std::string& text, std::vector<std::string> tags = {}) {
  return DetectCues(text, tags);
}

TEST(TextCuesTest, UtilityInThreeLanguages) {
  EXPECT_EQ(Cues("How to: fix a bike").utility, 1);
  EXPECT_EQ(Cues("Step by step: a guide to Rome").utility, 2);
  EXPECT_EQ(Cues("Anleitung: Fahrrad reparieren").utility, 1);
  EXPECT_EQ(Cues("Schritt für Schritt: Brot backen").utility, 1);
  EXPECT_EQ(Cues("教程：如何修自行车").utility, 1);
  EXPECT_EQ(Cues("测评：新手机").utility, 1);
  EXPECT_EQ(Cues("A walk in the park").utility, 0);
  EXPECT_EQ(Cues("A walk", {"howto"}).utility, 1);
}

TEST(TextCuesTest, DailyLife) {
  EXPECT_EQ(Cues("My day: coffee and rain").daily_life, 1);
  EXPECT_EQ(Cues("Heute habe ich Kuchen gebacken").daily_life, 1);
  EXPECT_EQ(Cues("日常：喝咖啡").daily_life, 1);
  EXPECT_EQ(Cues("How to: fix a bike").daily_life, 0);
}

TEST(TextCuesTest, StepsAndQuantities) {
  EXPECT_EQ(Cues("1. cut 2. fry 3. serve").steps, 3);
  EXPECT_EQ(Cues("Step 1 is easy").steps, 1);
  EXPECT_EQ(Cues("第一步 然后").steps, 2);
  EXPECT_EQ(Cues("It costs $20 and weighs 5 kg, 10% off").quantities, 3);
  EXPECT_EQ(Cues("只要30元").quantities, 1);
  EXPECT_EQ(Cues("Der Preis: 20 Euro").quantities, 1);
  EXPECT_EQ(Cues("In 2024 we met").quantities, 0);
}

TEST(TextCuesTest, CodePoints) {
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("日常"), 2u);
  EXPECT_EQ(CountCodePoints("für"), 3u);
}

// Where a text ends and its hashtags begin is part of the key: "ab" with
// the tag "c" is not "a" with the tag "bc".
TEST(TextFiguresCacheTest, RemembersEachTextWithItsHashtags) {
  TextFiguresCache cache;
  const std::vector<std::string> c = {"c"};
  const std::vector<std::string> bc = {"bc"};
  const std::vector<std::string> howto = {"howto"};
  EXPECT_EQ(cache.Get("ab", c).code_points, 2u);
  EXPECT_EQ(cache.Get("a", bc).code_points, 1u);
  EXPECT_EQ(cache.Get("a walk", howto).cues.utility, 1);
  EXPECT_EQ(cache.Get("a walk", {}).cues.utility, 0);
  EXPECT_EQ(cache.size(), 4u);
  EXPECT_EQ(cache.Get("ab", c).code_points, 2u);  // from the cache
  EXPECT_EQ(cache.Get("a walk", howto).cues.utility, 1);
  EXPECT_EQ(cache.size(), 4u);
}

TEST(TextFiguresCacheTest, DropsEverythingWhenFull) {
  TextFiguresCache cache(/*max_entries=*/2);
  cache.Get("one", {});
  cache.Get("two", {});
  cache.Get("one", {});
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get("日常：三", {}).code_points, 4u);
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace reachrank::ranking
