#include "topics/language_detector.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "topics/test_support.h"

namespace reachrank::topics {
namespace {

using testing::ScratchDir;
using testing::Sib200;

// Trains once on SIB-200's train split, as the default model does.
class LanguageDetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir();
    segmenter_ = Segmenter::Create({1, true}).value().release();
    std::vector<std::pair<std::string, std::string>> examples;
    for (const Example& e : Sib200("train")) {
      examples.emplace_back(e.language,
                            JoinTokens(segmenter_->Segment(e.text)->tokens));
    }
    const std::string path = scratch_->path() + "/lang.bin";
    ASSERT_TRUE(
        TrainLanguageModel(examples, scratch_->path() + "/in.txt", path).ok());
    detector_ = LanguageDetector::Load(path).value().release();
  }
  static void TearDownTestSuite() {
    delete detector_;
    delete segmenter_;
    delete scratch_;
  }
  static std::string Detect(absl::string_view text) {
    return detector_->Detect(*segmenter_->Segment(text)).value();
  }

  static ScratchDir* scratch_;
  static Segmenter* segmenter_;
  static LanguageDetector* detector_;
};

ScratchDir* LanguageDetectorTest::scratch_ = nullptr;
Segmenter* LanguageDetectorTest::segmenter_ = nullptr;
LanguageDetector* LanguageDetectorTest::detector_ = nullptr;

TEST_F(LanguageDetectorTest, AtLeast95PercentOnSib200TestPerLanguage) {
  std::map<std::string, std::pair<int, int>> tally;  // correct, total
  for (const Example& e : Sib200("test")) {
    auto& [correct, total] = tally[e.language];
    correct += Detect(e.text) == e.language;
    ++total;
  }
  ASSERT_EQ(tally.size(), 3u);
  for (const auto& [language, counts] : tally) {
    EXPECT_EQ(counts.second, 204) << language;
    EXPECT_GE(counts.first, 0.95 * counts.second) << language;
  }
}

TEST_F(LanguageDetectorTest, ShortTexts) {
  EXPECT_EQ(Detect("The weather is nice today"), "en");
  EXPECT_EQ(Detect("Das Wetter ist heute schön"), "de");
  EXPECT_EQ(Detect("今天天气很好"), "zh");
}

// A text without Han characters is never Chinese, and one without Latin
// letters never English or German, however few letters it has.
TEST_F(LanguageDetectorTest, NeverALanguageOfAScriptTheTextLacks) {
  for (const char* latin :
       {"gym", "Öl", "ÄÖÜ", "üüüü", "Schöööön!", "xq", "zz", "Müsli", "OMG",
        "Grüße", "wow", "Ähm", "Oh là là", "ß"}) {
    const std::string language = Detect(latin);
    EXPECT_TRUE(language == "en" || language == "de")
        << latin << ": " << language;
  }
  for (const char* han : {"北京", "我", "好", "中文", "的了"}) {
    EXPECT_EQ(Detect(han), "zh") << han;
  }
  for (const Example& e : Sib200("test")) {
    const Segmentation text = *segmenter_->Segment(e.text);
    const std::string language = Detect(e.text);
    if (text.han_letters == 0) EXPECT_NE(language, "zh") << e.text;
    if (text.latin_letters == 0) {
      EXPECT_TRUE(language == "zh" || language == kLanguageOther) << e.text;
    }
  }
}

TEST_F(LanguageDetectorTest, OtherScriptsAreOther) {
  EXPECT_EQ(Detect("Привет, как дела?"), kLanguageOther);
  EXPECT_EQ(Detect("مرحبا كيف حالك"), kLanguageOther);
}

TEST_F(LanguageDetectorTest, NoLettersIsUndetermined) {
  EXPECT_EQ(Detect("12345 !!!"), kLanguageUndetermined);
}

TEST(TrainLanguageModelTest, NeedsTwoLanguages) {
  ScratchDir scratch;
  absl::Status status = TrainLanguageModel(
      {{"en", "hello world"}, {"en", "good morning"}},
      scratch.path() + "/in.txt", scratch.path() + "/lang.bin");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reachrank::topics
