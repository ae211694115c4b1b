#include <filesystem>
#include <memory>
#include <set>
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

std::vector<Example> TinySet() {
  std::vector<Example> set;
  for (const char* text : {"the team scored a goal in the football match",
                           "the striker scored twice and the team won",
                           "a great match for the home team tonight"}) {
    set.push_back({text, "sports", "en"});
  }
  for (const char* text : {"die Mannschaft gewann das Fußballspiel",
                           "ein Tor in der letzten Minute des Spiels"}) {
    set.push_back({text, "sports", "de"});
  }
  for (const char* text : {"the parliament voted on the new election law",
                           "the minister resigned after the election",
                           "voters elect a new parliament this year"}) {
    set.push_back({text, "politics", "en"});
  }
  for (const char* text : {"das Parlament stimmt über das Wahlgesetz ab",
                           "der Minister trat nach der Wahl zurück"}) {
    set.push_back({text, "politics", "de"});
  }
  return set;
}

TrainOptions TinyOptions() {
  TrainOptions options = DefaultTrainOptions();
  options.name = "tiny";
  options.fasttext.epoch = 50;
  options.fasttext.dim = 10;
  options.fasttext.bucket = 1000;
  // Mostly-Han texts get the equal-weight mean of one Han model and
  // model.bin, so that the tests cover the mixing path (the training
  // default is the Han model alone; HanSeedsTest covers more).
  options.han_routing = kHanRoutingAverage;
  options.han_seeds = 1;
  options.han_weight = 0.5;
  return options;
}

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

TEST(AverageTopKTest, MeansProbabilitiesMostProbableFirst) {
  const std::vector<LabelProbability> a = {{"x", 0.6f}, {"y", 0.4f}};
  const std::vector<LabelProbability> b = {{"y", 0.9f}, {"z", 0.1f}};
  const std::vector<LabelProbability> all = AverageTopK(a, b, -1);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].label, "y");
  EXPECT_FLOAT_EQ(all[0].probability, 0.65f);
  EXPECT_EQ(all[1].label, "x");
  EXPECT_FLOAT_EQ(all[1].probability, 0.3f);  // missing from b: 0 there
  EXPECT_EQ(all[2].label, "z");
  EXPECT_FLOAT_EQ(all[2].probability, 0.05f);
  const std::vector<LabelProbability> top = AverageTopK(a, b, 1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].label, "y");
  // Ties keep label order.
  const std::vector<LabelProbability> tie =
      AverageTopK({{"q", 0.5f}}, {{"p", 0.5f}}, -1);
  ASSERT_EQ(tie.size(), 2u);
  EXPECT_EQ(tie[0].label, "p");
}

// The key that marks a directory sealed with its settings in its version;
// directories written before it existed lack it.
constexpr char kVersionSchemeEntry[] = ",\n  \"version_scheme\": 2";

// TinySet plus Chinese examples, so that training writes model.han.bin.
// Rewrites the metadata.json of model directory `dir` without each of
// `entries` (their exact text, e.g. "\"han_seeds\": 1,"), as written before
// those keys existed; `original` (if given) receives the text before.
::testing::AssertionResult EraseFromMetadata(
    const std::string& dir, const std::vector<std::string>& entries,
    std::string* original = nullptr) {
  absl::StatusOr<std::string> text = ReadFile(dir + "/metadata.json");
  if (!text.ok()) return ::testing::AssertionFailure() << text.status();
  if (original != nullptr) *original = *text;
  std::string edited = *text;
  for (const std::string& entry : entries) {
    const size_t at = edited.find(entry);
    if (at == std::string::npos) {
      return ::testing::AssertionFailure() << entry << " not in " << *text;
    }
    edited.erase(at, entry.size());
  }
  absl::Status written = WriteFile(dir + "/metadata.json", edited);
  if (!written.ok()) return ::testing::AssertionFailure() << written;
  return ::testing::AssertionSuccess();
}

std::vector<Example> WithChinese() {
  std::vector<Example> set = TinySet();
  for (const char* text : {"球队在足球比赛中进了一个球", "前锋两次进球，球队赢了"}) {
    set.push_back({text, "sports", "zh"});
  }
  for (const char* text : {"议会就新选举法进行了投票", "部长在选举后辞职"}) {
    set.push_back({text, "politics", "zh"});
  }
  return set;
}

// With han_routing "average" (as TinyOptions trains) a mostly-Han text gets
// the mean of model.han.bin's and model.bin's probabilities.
TEST(HanRoutingTest, AverageIsTheMeanOfBothModels) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  auto classifier = FastTextClassifier::Load(dir);
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  ASSERT_EQ((*classifier)->metadata().han_routing, kHanRoutingAverage);
  auto han = FastTextModel::Load(dir + "/" + kHanTopicModelFile);
  auto main = FastTextModel::Load(dir + "/" + kTopicModelFile);
  ASSERT_TRUE(han.ok() && main.ok());

  const std::string text = "球队赢了比赛";
  auto segmenter = Segmenter::Create(TinyOptions().segmenter);
  ASSERT_TRUE(segmenter.ok());
  auto tokens = (*segmenter)->Segment(text);
  ASSERT_TRUE(tokens.ok());
  ASSERT_TRUE(MostlyHan(*tokens));
  auto p_han = (*han)->PredictTokens(tokens->tokens, 2);
  auto p_main = (*main)->PredictTokens(tokens->tokens, 2);
  ASSERT_TRUE(p_han.ok() && p_main.ok());
  const std::vector<LabelProbability> expected =
      AverageTopK(*p_han, *p_main, 2);

  TextItem item{"c", text, "zh"};
  auto result = (*classifier)->Classify({&item, 1}, 2);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ((*result)[0].topics.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ((*result)[0].topics[i].topic_id, expected[i].label);
    EXPECT_FLOAT_EQ((*result)[0].topics[i].probability,
                    expected[i].probability);
  }
  // And the two models disagree enough for the mean to be neither.
  EXPECT_NE((*p_han)[0].probability, (*p_main)[0].probability);
}

// Classify, the batch entry point, gives for each item exactly what
// ClassifyOne gives for it alone: SIB-200's en/de/zh test texts (every
// third without its language, so that it is detected) with blank and
// punctuation-only texts between them, in one call of many items.
TEST(BatchTest, ClassifyEqualsClassifyOneItemByItem) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  auto classifier = FastTextClassifier::Load(dir);
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  std::vector<TextItem> items;
  for (const Example& e : testing::Sib200("test")) {
    const std::string id = std::to_string(items.size());
    items.push_back({id, e.text, items.size() % 3 == 0 ? "" : e.language});
    if (items.size() % 50 == 0) items.push_back({id + "b", " \n", "en"});
    if (items.size() % 70 == 0) items.push_back({id + "p", "?! ...", ""});
  }
  ASSERT_LE(items.size(), kMaxBatchItems);
  ASSERT_GT(items.size(), 600u);
  auto batch = (*classifier)->Classify(items, 2);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), items.size());
  std::set<std::string> languages;
  for (size_t i = 0; i < items.size(); ++i) {
    auto one = (*classifier)->ClassifyOne(items[i], 2);
    ASSERT_TRUE(one.ok()) << one.status();
    const Classification& got = (*batch)[i];
    EXPECT_EQ(got.id, one->id);
    EXPECT_EQ(got.language, one->language) << got.id;
    languages.insert(got.language);
    ASSERT_EQ(got.topics.size(), one->topics.size()) << got.id;
    for (size_t k = 0; k < got.topics.size(); ++k) {
      EXPECT_EQ(got.topics[k].topic_id, one->topics[k].topic_id) << got.id;
      EXPECT_EQ(got.topics[k].probability, one->topics[k].probability)
          << got.id;
    }
  }
  EXPECT_THAT(languages, ::testing::IsSupersetOf({"en", "de", "zh", "und"}));
}

TEST(HanRoutingTest, MetadataWithoutItMeansHanModelAlone) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  const std::string key = "\"han_routing\": \"average\",";
  std::string text;
  ASSERT_TRUE(EraseFromMetadata(dir, {key, kVersionSchemeEntry}, &text));
  absl::StatusOr<ModelMetadata> metadata = OpenModelDir(dir);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_EQ(metadata->han_routing, kHanRoutingHanModel);

  std::string bogus = text;
  bogus.replace(text.find(key), key.size(), "\"han_routing\": \"bogus\",");
  ASSERT_TRUE(WriteFile(dir + "/metadata.json", bogus).ok());
  auto loaded = FastTextClassifier::Load(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("han_routing"));
}

TEST(MixTopKTest, WeightsEachPart) {
  const std::vector<LabelProbability> a = {{"x", 0.6f}, {"y", 0.4f}};
  const std::vector<LabelProbability> b = {{"x", 0.2f}, {"y", 0.8f}};
  const std::vector<LabelProbability> c = {{"z", 1.0f}};
  const WeightedLabels parts[] = {{0.2, a}, {0.2, b}, {0.6, c}};
  const std::vector<LabelProbability> all = MixTopK(parts, -1);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].label, "z");
  EXPECT_FLOAT_EQ(all[0].probability, 0.6f);
  EXPECT_EQ(all[1].label, "y");
  EXPECT_FLOAT_EQ(all[1].probability, 0.24f);
  EXPECT_EQ(all[2].label, "x");
  EXPECT_FLOAT_EQ(all[2].probability, 0.16f);
  // Equal halves are AverageTopK, bit for bit.
  const WeightedLabels halves[] = {{0.5, a}, {0.5, c}};
  const std::vector<LabelProbability> mixed = MixTopK(halves, 2);
  const std::vector<LabelProbability> averaged = AverageTopK(a, c, 2);
  ASSERT_EQ(mixed.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(mixed[i].label, averaged[i].label);
    EXPECT_EQ(mixed[i].probability, averaged[i].probability);
  }
}

TEST(HanSeedsTest, DefaultsAreTheCrossValidatedOnes) {
  const TrainOptions options = DefaultTrainOptions();
  EXPECT_EQ(options.han_seeds, 1);
  EXPECT_EQ(options.han_weight, 0.5);
  EXPECT_EQ(options.han_routing, kHanRoutingHanModel);
}

TrainOptions HanSeedOptions() {
  TrainOptions options = TinyOptions();
  options.han_seeds = 3;
  options.han_weight = 0.25;
  return options;
}

// han_seeds 3: model.han.bin, model.han.2.bin and model.han.3.bin, trained
// with seeds 1, 2, 3 on the same lines; a mostly-Han text gets
// 0.25 * (their mean) + 0.75 * model.bin.
TEST(HanSeedsTest, TrainsEverySeedAndMixesThemByWeight) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), HanSeedOptions(), dir).ok());
  auto classifier = FastTextClassifier::Load(dir);
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  const ModelMetadata& metadata = (*classifier)->metadata();
  EXPECT_EQ(metadata.han_seeds, 3);
  EXPECT_EQ(metadata.han_weight, 0.25);
  ASSERT_TRUE(metadata.han_fasttext.has_value());
  EXPECT_EQ(metadata.han_fasttext->seed, 1);  // the first; the rest follow
  EXPECT_EQ(HanTopicModelFile(0), "model.han.bin");
  EXPECT_EQ(HanTopicModelFile(2), "model.han.3.bin");
  EXPECT_EQ(metadata.fingerprints.size(), 6u);  // 3 han + model, lang, taxonomy
  EXPECT_NE(metadata.fingerprints.at("model.han.bin"),
            metadata.fingerprints.at("model.han.2.bin"));
  EXPECT_NE(metadata.fingerprints.at("model.han.2.bin"),
            metadata.fingerprints.at("model.han.3.bin"));
  // Metadata round trip: what was written reads back the same.
  absl::StatusOr<ModelMetadata> reopened = OpenModelDir(dir);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->han_seeds, 3);
  EXPECT_EQ(reopened->han_weight, 0.25);
  EXPECT_EQ(reopened->model_version, metadata.model_version);

  const std::string text = "球队赢了比赛";
  auto segmenter = Segmenter::Create(TinyOptions().segmenter);
  ASSERT_TRUE(segmenter.ok());
  auto tokens = (*segmenter)->Segment(text);
  ASSERT_TRUE(tokens.ok());
  ASSERT_TRUE(MostlyHan(*tokens));
  std::vector<std::vector<LabelProbability>> predictions;
  for (const std::string file :
       {"model.han.bin", "model.han.2.bin", "model.han.3.bin", "model.bin"}) {
    auto model = FastTextModel::Load(dir + "/" + file);
    ASSERT_TRUE(model.ok()) << model.status();
    auto p = (*model)->PredictTokens(tokens->tokens, -1);
    ASSERT_TRUE(p.ok()) << p.status();
    predictions.push_back(*p);
  }
  EXPECT_NE(predictions[0][0].probability, predictions[1][0].probability);
  const WeightedLabels parts[] = {{0.25 / 3, predictions[0]},
                                  {0.25 / 3, predictions[1]},
                                  {0.25 / 3, predictions[2]},
                                  {0.75, predictions[3]}};
  const std::vector<LabelProbability> expected = MixTopK(parts, 2);
  TextItem item{"c", text, "zh"};
  auto result = (*classifier)->Classify({&item, 1}, 2);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ((*result)[0].topics.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ((*result)[0].topics[i].topic_id, expected[i].label);
    EXPECT_FLOAT_EQ((*result)[0].topics[i].probability,
                    expected[i].probability);
  }
}

TEST(HanSeedsTest, InconsistentMetadataIsRefused) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), HanSeedOptions(), dir).ok());
  absl::StatusOr<std::string> text = ReadFile(dir + "/metadata.json");
  ASSERT_TRUE(text.ok());
  const auto refused_with = [&](const std::string& from, const std::string& to,
                                const std::string& message) {
    const size_t at = text->find(from);
    ASSERT_NE(at, std::string::npos) << *text;
    std::string edited = *text;
    edited.replace(at, from.size(), to);
    ASSERT_TRUE(WriteFile(dir + "/metadata.json", edited).ok());
    auto loaded = FastTextClassifier::Load(dir);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition)
        << to;
    EXPECT_THAT(std::string(loaded.status().message()), HasSubstr(message))
        << to;
  };
  // Fewer seeds than fingerprinted files, more than there are, none, too
  // many, a weight outside [0, 1], seeds without a Han model.
  refused_with("\"han_seeds\": 3", "\"han_seeds\": 2",
               "model.han.3.bin, which the metadata does not use");
  refused_with("\"han_seeds\": 3", "\"han_seeds\": 4",
               "model.han.4.bin");
  refused_with("\"han_seeds\": 3", "\"han_seeds\": 0", "han_seeds");
  refused_with("\"han_seeds\": 3", "\"han_seeds\": 17", "han_seeds");
  refused_with("\"han_weight\": 0.25", "\"han_weight\": 1.5",
               "han_weight");
  refused_with("\"han_weight\": 0.25", "\"han_weight\": -0.25",
               "han_weight");
  const size_t han = text->find("\"han_fasttext\": {");
  const size_t end = text->find('}', han);
  ASSERT_NE(han, std::string::npos);
  refused_with(text->substr(han, end + 1 - han), "\"han_fasttext\": null",
               "han_seeds above 1 without han_fasttext");
  // Unchanged, it loads; a damaged extra seed is refused by name.
  ASSERT_TRUE(WriteFile(dir + "/metadata.json", *text).ok());
  ASSERT_TRUE(FastTextClassifier::Load(dir).ok());
  ASSERT_TRUE(WriteFile(dir + "/model.han.2.bin", "junk").ok());
  auto loaded = FastTextClassifier::Load(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("model.han.2.bin: fingerprint differs"));
}

// A setting read at inference, edited after sealing, changes predictions
// but not a file: the directory is refused until resealed, which gives it
// a version of its own; the original settings give the original version.
TEST(ModelVersionTest, CoversTheInferenceSettings) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), HanSeedOptions(), dir).ok());
  absl::StatusOr<ModelMetadata> sealed = OpenModelDir(dir);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->version_scheme, kVersionScheme);
  EXPECT_EQ(sealed->model_version, ModelVersionOf(*sealed));
  std::string original;
  ASSERT_TRUE(EraseFromMetadata(dir, {}, &original));
  const auto edit = [&](const std::string& from, const std::string& to) {
    std::string edited = original;
    edited.replace(edited.find(from), from.size(), to);
    return WriteFile(dir + "/metadata.json", edited);
  };
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"\"han_weight\": 0.25", "\"han_weight\": 0.75"},
           {"\"han_routing\": \"average\"", "\"han_routing\": \"han-model\""},
           {"\"cjk_char_ngrams\": 2", "\"cjk_char_ngrams\": 1"},
           {"\"model_version\": \"", "\"model_version\": \"x"}}) {
    ASSERT_NE(original.find(from), std::string::npos) << from;
    ASSERT_TRUE(edit(from, to).ok());
    auto loaded = FastTextClassifier::Load(dir);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition)
        << to;
    EXPECT_THAT(std::string(loaded.status().message()),
                HasSubstr("edited after the model was sealed"))
        << to;
  }

  ASSERT_TRUE(edit("\"han_weight\": 0.25", "\"han_weight\": 0.75").ok());
  absl::StatusOr<std::string> previous = ResealModelDir(dir);
  ASSERT_TRUE(previous.ok()) << previous.status();
  EXPECT_EQ(*previous, sealed->model_version);
  auto retuned = FastTextClassifier::Load(dir);
  ASSERT_TRUE(retuned.ok()) << retuned.status();
  EXPECT_EQ((*retuned)->metadata().han_weight, 0.75);
  EXPECT_NE((*retuned)->ModelVersion(), sealed->model_version);
  EXPECT_EQ((*retuned)->metadata().fingerprints, sealed->fingerprints);

  ASSERT_TRUE(WriteFile(dir + "/metadata.json", original).ok());
  ASSERT_TRUE(ResealModelDir(dir).ok());
  auto restored = FastTextClassifier::Load(dir);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->ModelVersion(), sealed->model_version);

  // Resealing checks the files as loading does.
  ASSERT_TRUE(WriteFile(dir + "/model.han.2.bin", "junk").ok());
  absl::StatusOr<std::string> damaged = ResealModelDir(dir);
  EXPECT_EQ(damaged.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(damaged.status().message()),
              HasSubstr("model.han.2.bin: fingerprint differs"));
}

// A directory sealed before version_scheme existed keeps the version it
// was given, from its files alone, unchecked; resealing moves it to the
// current scheme.
TEST(ModelVersionTest, DirectoriesSealedBeforeTheSchemeStillLoad) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  std::string original;
  ASSERT_TRUE(EraseFromMetadata(dir, {kVersionSchemeEntry}, &original));
  const std::string from = "\"model_version\": \"";
  std::string legacy = *ReadFile(dir + "/metadata.json");
  legacy.replace(legacy.find(from), from.size(), from + "old-");
  ASSERT_TRUE(WriteFile(dir + "/metadata.json", legacy).ok());
  absl::StatusOr<ModelMetadata> opened = OpenModelDir(dir);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->version_scheme, 1);
  EXPECT_EQ(opened->model_version.rfind("old-", 0), 0u);
  ASSERT_TRUE(ResealModelDir(dir).ok());
  absl::StatusOr<ModelMetadata> resealed = OpenModelDir(dir);
  ASSERT_TRUE(resealed.ok()) << resealed.status();
  EXPECT_EQ(resealed->version_scheme, kVersionScheme);
  EXPECT_EQ(resealed->model_version, ModelVersionOf(*resealed));
  EXPECT_EQ(resealed->model_version.rfind("tiny-ft-", 0), 0u)
      << resealed->model_version;
}

// A directory written before han_seeds and han_weight existed: one Han
// model, equal weights.
TEST(HanSeedsTest, MetadataWithoutThemMeansOneSeedEqualWeights) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  ASSERT_TRUE(EraseFromMetadata(
      dir, {"\"han_seeds\": 1,", "\"han_weight\": 0.5,", kVersionSchemeEntry}));
  absl::StatusOr<ModelMetadata> metadata = OpenModelDir(dir);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_EQ(metadata->han_seeds, 1);
  EXPECT_EQ(metadata->han_weight, 0.5);
}

// A model trained with simplify_han (the default) gives a text in
// Traditional characters exactly what it gives the Simplified form, topics
// and language alike; one trained without it does not map them.
TEST(SimplifyHanTest, TraditionalTextScoresAsItsSimplifiedForm) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TinyOptions().segmenter.simplify_han);
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  auto classifier = FastTextClassifier::Load(dir);
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  EXPECT_TRUE((*classifier)->metadata().segmenter.simplify_han);

  const TextItem items[] = {{"hans", "前锋两次进球，球队赢了", ""},
                            {"hant", "前鋒兩次進球，球隊贏了", ""}};
  auto result = (*classifier)->Classify(items, 2);
  ASSERT_TRUE(result.ok()) << result.status();
  const Classification& hans = (*result)[0];
  const Classification& hant = (*result)[1];
  EXPECT_EQ(hant.language, hans.language);  // detected the same way
  ASSERT_EQ(hans.topics.size(), 2u);
  ASSERT_EQ(hant.topics.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(hant.topics[i].topic_id, hans.topics[i].topic_id);
    EXPECT_EQ(hant.topics[i].probability, hans.topics[i].probability);
  }

  TrainOptions without = TinyOptions();
  without.segmenter.simplify_han = false;
  const std::string plain = scratch.path() + "/plain";
  ASSERT_TRUE(TrainModelDir(WithChinese(), without, plain).ok());
  auto unmapped = FastTextClassifier::Load(plain);
  ASSERT_TRUE(unmapped.ok()) << unmapped.status();
  auto plain_result = (*unmapped)->Classify(items, 2);
  ASSERT_TRUE(plain_result.ok()) << plain_result.status();
  EXPECT_NE((*plain_result)[1].topics[0].probability,
            (*plain_result)[0].topics[0].probability);
}

// Directories written before the option existed have no simplify_han key
// and were trained without it.
TEST(SimplifyHanTest, MetadataWithoutItMeansOff) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  ASSERT_TRUE(EraseFromMetadata(
      dir, {",\n    \"simplify_han\": true", kVersionSchemeEntry}));
  absl::StatusOr<ModelMetadata> metadata = OpenModelDir(dir);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_FALSE(metadata->segmenter.simplify_han);
}

TEST(HanSeedsTest, TrainingRefusesOutOfRangeOptions) {
  ScratchDir scratch;
  TrainOptions options = TinyOptions();
  options.han_seeds = 0;
  absl::Status status =
      TrainModelDir(WithChinese(), options, scratch.path() + "/m");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("han_seeds"));
  options = TinyOptions();
  options.han_weight = 1.25;
  status = TrainModelDir(WithChinese(), options, scratch.path() + "/m");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("han_weight"));
  EXPECT_FALSE(std::filesystem::exists(scratch.path() + "/m"));
}

TEST(TaxonomyTest, ParsesTheDefaultTaxonomy) {
  auto taxonomy = Taxonomy::Load(testing::DataPath("sib200/taxonomy.tsv"));
  ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
  ASSERT_EQ(taxonomy->topics().size(), 7u);
  EXPECT_EQ(taxonomy->topics()[0].id, "science/technology");
  EXPECT_EQ(taxonomy->topics()[3].display_names.at("de"), "Sport");
  EXPECT_EQ(taxonomy->topics()[3].display_names.at("zh"), "体育");
  auto again = Taxonomy::Parse(taxonomy->ToTsv());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->topics()[6].display_names, taxonomy->topics()[6].display_names);
}

// A spreadsheet saves "UTF-8 with BOM": the mark is not part of the header.
TEST(TaxonomyTest, IgnoresAByteOrderMark) {
  auto taxonomy = Taxonomy::Parse("\xEF\xBB\xBFtopic_id\ten\na\tA\n");
  ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
  EXPECT_EQ(taxonomy->topics()[0].id, "a");
}

TEST(TaxonomyTest, RejectsDuplicateIds) {
  auto taxonomy = Taxonomy::Parse("topic_id\ten\na\tA\na\tB\n");
  EXPECT_EQ(taxonomy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(taxonomy.status().message()), HasSubstr("line 3"));
}

// Storage keeps topic ids of at most 256 bytes; a longer one refused there
// stopped every classification of the ingest service.
TEST(TaxonomyTest, RejectsIdsOverStoragesLimit) {
  const std::string longest(kMaxTopicIdBytes, 'a');
  EXPECT_TRUE(Taxonomy::Parse("topic_id\ten\n" + longest + "\tA\n").ok());
  auto taxonomy = Taxonomy::Parse("topic_id\ten\nb\tB\n" + longest + "a\tA\n");
  EXPECT_EQ(taxonomy.status(),
            absl::InvalidArgumentError(
                "taxonomy line 3: need 2 fields and a new topic id of 1-256 "
                "bytes without spaces"));
}

// Found by taxonomy_fuzzer: trailing tabs were stripped as whitespace, so an
// empty last display name did not survive ToTsv -> Parse.
TEST(TaxonomyTest, EmptyLastDisplayNameRoundTrips) {
  auto taxonomy = Taxonomy::Parse("topic_id\ten\tde\r\na\tA\t\n");
  ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
  EXPECT_EQ(taxonomy->topics()[0].display_names.at("de"), "");
  auto again = Taxonomy::Parse(taxonomy->ToTsv());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToTsv(), taxonomy->ToTsv());
}

// Found by taxonomy_fuzzer (10-minute run): a language "id\r" in the header
// was printed last by ToTsv, where its "\r" read as a Windows line ending.
TEST(TaxonomyTest, RejectsCarriageReturnInsideAField) {
  for (const char* tsv : {"topic_id\tid\r\teh\nz\t\tT",
                          "topic_id\ten\tde\na\tA\r\tB\n"}) {
    auto taxonomy = Taxonomy::Parse(tsv);
    EXPECT_EQ(taxonomy.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(taxonomy.status().message()),
                HasSubstr("carriage return"));
  }
}

TEST(TaxonomyTest, RejectsDuplicateHeaderLanguages) {
  auto taxonomy = Taxonomy::Parse("topic_id\ten\ten\na\tA\tB\n");
  EXPECT_EQ(taxonomy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(taxonomy.status().message()),
              HasSubstr("distinct"));
}

TEST(DatasetTest, ReadsSib200TsvWithLanguageFromDirectory) {
  auto examples = ReadExamples(testing::DataPath("sib200/deu_Latn/dev.tsv"));
  ASSERT_TRUE(examples.ok()) << examples.status();
  ASSERT_EQ(examples->size(), 99u);
  EXPECT_EQ((*examples)[0].language, "de");
  EXPECT_FALSE((*examples)[0].topic.empty());
}

TEST(DatasetTest, ReadsJsonlAndNamesBadLines) {
  ScratchDir scratch;
  const std::string path = scratch.path() + "/d.jsonl";
  ASSERT_TRUE(WriteFile(path,
                        "{\"text\":\"goal\",\"topic\":\"sports\",\"language\":"
                        "\"en\"}\n{\"text\":\"vote\"}\n")
                  .ok());
  auto examples = ReadExamples(path);
  EXPECT_EQ(examples.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(examples.status().message()), HasSubstr("d.jsonl:2"));
}

}  // namespace
}  // namespace reachrank::topics
