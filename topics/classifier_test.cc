// FastTextClassifier on a tiny model trained once: what it predicts, how it
// reads hashtags and bad input, and which damaged model directories it
// refuses.

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "topics/fasttext_classifier.h"
#include "topics/file_util.h"
#include "topics/test_support.h"
#include "topics/trainer.h"

namespace reachrank::topics {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDir;
using testing::TinyOptions;
using testing::TinySet;

// Trains the tiny model once; each test loads it from disk.
class ClassifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir();
    model_dir_ = new std::string(scratch_->path() + "/model");
    ASSERT_TRUE(TrainModelDir(TinySet(), TinyOptions(), *model_dir_).ok());
  }
  static void TearDownTestSuite() {
    delete model_dir_;
    delete scratch_;
  }
  void SetUp() override {
    auto loaded = FastTextClassifier::Load(*model_dir_);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    classifier_ = std::move(*loaded);
  }
  // A copy of the model directory that a test may damage.
  std::string CopyModel(const ScratchDir& into) {
    const std::string copy = into.path() + "/copy";
    std::filesystem::copy(*model_dir_, copy);
    return copy;
  }

  static ScratchDir* scratch_;
  static std::string* model_dir_;
  std::unique_ptr<FastTextClassifier> classifier_;
};

ScratchDir* ClassifierTest::scratch_ = nullptr;

std::string* ClassifierTest::model_dir_ = nullptr;

TEST_F(ClassifierTest, RoundTripPredictsTheTrainedTopics) {
  std::vector<TextItem> items = {
      {"a", "The team won the match with a late goal!", ""},
      {"b", "Das Parlament und der Minister: eine neue Wahl", "de"}};
  auto results = classifier_->Classify(items, 1);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].id, "a");
  EXPECT_EQ((*results)[0].language, "en");
  ASSERT_EQ((*results)[0].topics.size(), 1u);
  EXPECT_EQ((*results)[0].topics[0].topic_id, "sports");
  EXPECT_GT((*results)[0].topics[0].probability, 0.5f);
  EXPECT_EQ((*results)[1].language, "de");
  EXPECT_EQ((*results)[1].topics[0].topic_id, "politics");
  EXPECT_THAT(classifier_->ModelVersion(), ::testing::StartsWith("tiny-ft-"));
  ASSERT_EQ(classifier_->taxonomy().topics().size(), 2u);
  EXPECT_EQ(classifier_->taxonomy().topics()[0].id, "politics");
}

TEST_F(ClassifierTest, TopKDefaultsAndClamps) {
  TextItem item{"x", "football", "en"};
  auto all = classifier_->Classify({&item, 1}, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)[0].topics.size(), 2u);
  EXPECT_EQ((*all)[0].language, "en");  // given, not detected
  float sum = 0;
  for (const auto& t : (*all)[0].topics) sum += t.probability;
  EXPECT_NEAR(sum, 1.0f, 1e-3);
}

TEST_F(ClassifierTest, BlankTextHasNoTopicsAndUndeterminedLanguage) {
  std::vector<TextItem> items = {{"blank", " \t\n ", ""}, {"empty", "", "en"}};
  auto results = classifier_->Classify(items, 3);
  ASSERT_TRUE(results.ok());
  for (const Classification& c : *results) {
    EXPECT_TRUE(c.topics.empty()) << c.id;
    EXPECT_EQ(c.language, "und") << c.id;
  }
}

// Emoji, numbers and links are tokens the model never learnt from (it gave
// its default topic with near certainty); letters of scripts it does not
// cover give noise. A caption without letters takes its hashtags'.
TEST_F(ClassifierTest, NoTopicsWithoutLettersOrInOtherScripts) {
  std::vector<TextItem> items = {
      {"emoji", "⚽ 🍕 😂😂😂", ""},
      {"numbers", "2024 https://example.com/x", "en"},
      {"cyrillic", "привет мир, как дела сегодня", ""},
      {"tagged", "🎉 2024", "", {"footballMatch", "the_team"}},
      {"named", "привет мир, как дела сегодня", "ru"},
      {"latin-caption", "football match", "", {"привет", "сегодня"}},
      {"cyrillic-caption", "привет", "", {"footballMatchTheTeam"}}};
  auto results = classifier_->Classify(items, 2);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 7u);
  for (int i : {0, 1}) {
    EXPECT_TRUE((*results)[i].topics.empty()) << (*results)[i].id;
    EXPECT_EQ((*results)[i].language, "und") << (*results)[i].id;
  }
  EXPECT_EQ((*results)[2].language, "other");
  EXPECT_TRUE((*results)[2].topics.empty());
  EXPECT_NE((*results)[3].language, "und");
  ASSERT_FALSE((*results)[3].topics.empty());
  EXPECT_EQ((*results)[3].topics[0].topic_id, "sports");
  // The script decides, not the language the caller named.
  EXPECT_EQ((*results)[4].language, "ru");
  EXPECT_TRUE((*results)[4].topics.empty());
  // The caption decides, as it decides the language.
  EXPECT_NE((*results)[5].language, "other");
  EXPECT_FALSE((*results)[5].topics.empty());
  EXPECT_EQ((*results)[6].language, "other");
  EXPECT_TRUE((*results)[6].topics.empty());
}

// The topics of `items`, in order, as (id, probability) pairs.
std::vector<std::vector<std::pair<std::string, float>>> TopicsOf(
    FastTextClassifier& classifier, const std::vector<TextItem>& items) {
  auto results = classifier.Classify(items, 2);
  EXPECT_TRUE(results.ok()) << results.status();
  std::vector<std::vector<std::pair<std::string, float>>> out;
  if (!results.ok()) return out;
  for (const Classification& c : *results) {
    out.emplace_back();
    for (const TopicProbability& t : c.topics) {
      out.back().emplace_back(t.topic_id, t.probability);
    }
  }
  return out;
}

TEST_F(ClassifierTest, HashtagsAreReadAsTheWordsTheyJoin) {
  TextItem tags_only{"t", "", "en", {"footballMatch", "the_team"}};
  TextItem as_text{"w", "football match the team", "en"};
  TextItem both{"b", "the minister", "en", {"election_law"}};
  TextItem both_as_text{"bw", "the minister election law", "en"};
  const auto topics =
      TopicsOf(*classifier_, {tags_only, as_text, both, both_as_text});
  ASSERT_EQ(topics.size(), 4u);
  ASSERT_FALSE(topics[0].empty());
  EXPECT_EQ(topics[0][0].first, "sports");
  EXPECT_EQ(topics[0], topics[1]);  // same tokens, same probabilities
  ASSERT_FALSE(topics[2].empty());
  EXPECT_EQ(topics[2][0].first, "politics");
  EXPECT_EQ(topics[2], topics[3]);
}

TEST_F(ClassifierTest, InlineHashtagsAreHashtags) {
  TextItem given{"g", "the minister", "", {"election_law", "TheTeam"}};
  TextItem inline_tags{"i", "the #election_law minister #TheTeam", ""};
  TextItem closed{"c", "the minister #election_law##TheTeam#", ""};
  auto results = classifier_->Classify({given, inline_tags, closed}, 2);
  ASSERT_TRUE(results.ok()) << results.status();
  for (const Classification& c : *results) {
    EXPECT_EQ(c.language, (*results)[0].language) << c.id;
    ASSERT_EQ(c.topics.size(), 2u) << c.id;
    for (size_t t = 0; t < 2; ++t) {
      EXPECT_EQ(c.topics[t].topic_id, (*results)[0].topics[t].topic_id);
      EXPECT_EQ(c.topics[t].probability, (*results)[0].topics[t].probability)
          << c.id;
    }
  }
}

TEST_F(ClassifierTest, HashtagsOutsideTheirLimitsNameTheField) {
  TextItem at_limits{"max", "", "", std::vector<std::string>(kMaxHashtags)};
  for (std::string& tag : at_limits.hashtags) {
    tag = std::string(kMaxHashtagBytes, 'a');
  }
  EXPECT_TRUE(classifier_->Classify({&at_limits, 1}, 1).ok());
  struct Case {
    std::vector<std::string> hashtags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {std::vector<std::string>(kMaxHashtags + 1, "goal"),
       "items[0] (id \"x\").hashtags: 65 hashtags, at most 64"},
      {{"goal", ""},
       "items[0] (id \"x\").hashtags[1]: must be 1-128 bytes of valid UTF-8"},
      {{std::string(kMaxHashtagBytes + 1, 'a')}, ".hashtags[0]: must be 1-128"},
      {{"ok", "ok", "bad\xFF"}, ".hashtags[2]: must be 1-128 bytes of valid"},
  };
  for (const Case& c : cases) {
    TextItem item{"x", "goal", "en", c.hashtags};
    auto results = classifier_->Classify({&item, 1}, 1);
    EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument)
        << c.message;
    EXPECT_THAT(std::string(results.status().message()), HasSubstr(c.message));
  }
}

TEST_F(ClassifierTest, InvalidUtf8NamesTheItem) {
  std::vector<TextItem> items = {{"ok", "fine", ""}, {"p7", "bad \xFF", ""}};
  auto results = classifier_->Classify(items, 1);
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(results.status().message()),
              HasSubstr("items[1] (id \"p7\")"));
}

TEST_F(ClassifierTest, TextOver16KiBIsInvalid) {
  TextItem at_limit{"max", std::string(kMaxTextBytes, 'a'), ""};
  EXPECT_TRUE(classifier_->Classify({&at_limit, 1}, 1).ok());
  TextItem over{"big", std::string(kMaxTextBytes + 1, 'a'), ""};
  auto results = classifier_->Classify({&over, 1}, 1);
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(results.status().message()), HasSubstr("big"));
}

TEST_F(ClassifierTest, MoreThan1000ItemsIsResourceExhausted) {
  std::vector<TextItem> items(kMaxBatchItems, TextItem{"i", "goal", "en"});
  EXPECT_TRUE(classifier_->Classify(items, 1).ok());
  items.push_back(items.back());
  EXPECT_EQ(classifier_->Classify(items, 1).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(ClassifierTest, ConcurrentCallersGetIdenticalResults) {
  std::vector<TextItem> items;
  for (const Example& e : TinySet()) items.push_back({e.topic, e.text, ""});
  auto expected = classifier_->Classify(items, 2);
  ASSERT_TRUE(expected.ok());
  constexpr int kThreads = 4;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        auto got = classifier_->Classify(items, 2);
        if (!got.ok()) {
          ++mismatches[t];
          continue;
        }
        for (size_t i = 0; i < items.size(); ++i) {
          const auto& a = (*got)[i];
          const auto& b = (*expected)[i];
          bool same = a.language == b.language && a.topics.size() == b.topics.size();
          for (size_t k = 0; same && k < a.topics.size(); ++k) {
            same = a.topics[k].topic_id == b.topics[k].topic_id &&
                   a.topics[k].probability == b.topics[k].probability;
          }
          mismatches[t] += !same;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(mismatches, ::testing::Each(0));
}

TEST_F(ClassifierTest, TruncatedModelFileIsRefused) {
  ScratchDir scratch;
  const std::string dir = CopyModel(scratch);
  std::filesystem::resize_file(dir + "/model.bin", 100);
  auto loaded = FastTextClassifier::Load(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("model.bin: fingerprint differs"));
}

TEST_F(ClassifierTest, GarbageModelWithMatchingFingerprintIsRefused) {
  ScratchDir scratch;
  const std::string dir = CopyModel(scratch);
  ASSERT_TRUE(WriteFile(dir + "/model.bin", "not a model").ok());
  auto metadata = OpenModelDir(*model_dir_);
  ASSERT_TRUE(metadata.ok());
  ASSERT_TRUE(SealModelDir(dir, *metadata).ok());
  auto loaded = FastTextClassifier::Load(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("model.bin: not a loadable fastText model"));
}

TEST_F(ClassifierTest, MissingMetadataIsRefused) {
  ScratchDir scratch;
  const std::string dir = CopyModel(scratch);
  std::filesystem::remove(dir + "/metadata.json");
  auto loaded = FastTextClassifier::Load(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("metadata.json"));
}

}  // namespace
}  // namespace reachrank::topics
