#include "topics/hashtags.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

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

TEST(HashtagTextTest, JoinsTheWordsOfEveryTag) {
  EXPECT_EQ(HashtagText({"HomeCooking", "_", "easy_recipe", "美食"}),
            "Home Cooking easy recipe 美食");
  EXPECT_EQ(HashtagText({}), "");
}

}  // namespace
}  // namespace reachrank::topics
