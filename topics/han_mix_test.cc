// How mostly-Han texts are scored: the Han models (one per seed), their
// mix with model.bin, and traditional characters read as simplified.

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "topics/fasttext_classifier.h"
#include "topics/test_support.h"
#include "topics/trainer.h"

namespace reachrank::topics {
namespace {

using testing::HanSeedOptions;
using ::testing::HasSubstr;
using testing::ScratchDir;
using testing::TinyOptions;
using testing::WithChinese;

// WithChinese() trained with `options` into `dir` and loaded; nullptr
// (and a test failure) when either step fails.
std::unique_ptr<FastTextClassifier> TrainAndLoad(const TrainOptions& options,
                                                 const std::string& dir) {
  const absl::Status trained = TrainModelDir(WithChinese(), options, dir);
  EXPECT_TRUE(trained.ok()) << trained;
  if (!trained.ok()) return nullptr;
  auto loaded = FastTextClassifier::Load(dir);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? *std::move(loaded) : nullptr;
}

// The two topics `classifier` gives Chinese `text` are `expected`.
void ExpectTopTwo(FastTextClassifier& classifier, const std::string& text,
                  const std::vector<LabelProbability>& expected) {
  TextItem item{"c", text, "zh"};
  auto result = classifier.Classify({&item, 1}, 2);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ((*result)[0].topics.size(), 2u);
  ASSERT_GE(expected.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ((*result)[0].topics[i].topic_id, expected[i].label);
    EXPECT_FLOAT_EQ((*result)[0].topics[i].probability,
                    expected[i].probability);
  }
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

// With han_routing "average" (as TinyOptions trains) a mostly-Han text gets
// the mean of model.han.bin's and model.bin's probabilities.
TEST(HanRoutingTest, AverageIsTheMeanOfBothModels) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  auto classifier = TrainAndLoad(TinyOptions(), dir);
  ASSERT_NE(classifier, nullptr);
  ASSERT_EQ(classifier->metadata().han_routing, kHanRoutingAverage);
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

  ExpectTopTwo(*classifier, text, expected);
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
  auto classifier = TrainAndLoad(TinyOptions(), dir);
  ASSERT_NE(classifier, nullptr);
  std::vector<TextItem> items;
  for (const Example& e : testing::Sib200("test")) {
    const std::string id = std::to_string(items.size());
    items.push_back({id, e.text, items.size() % 3 == 0 ? "" : e.language});
    if (items.size() % 50 == 0) items.push_back({id + "b", " \n", "en"});
    if (items.size() % 70 == 0) items.push_back({id + "p", "?! ...", ""});
  }
  ASSERT_LE(items.size(), kMaxBatchItems);
  ASSERT_GT(items.size(), 600u);
  auto batch = classifier->Classify(items, 2);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), items.size());
  std::set<std::string> languages;
  for (size_t i = 0; i < items.size(); ++i) {
    auto one = classifier->ClassifyOne(items[i], 2);
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

// han_seeds 3: model.han.bin, model.han.2.bin and model.han.3.bin, trained
// with seeds 1, 2, 3 on the same lines; a mostly-Han text gets
// 0.25 * (their mean) + 0.75 * model.bin.
TEST(HanSeedsTest, TrainsEverySeedAndMixesThemByWeight) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  auto classifier = TrainAndLoad(HanSeedOptions(), dir);
  ASSERT_NE(classifier, nullptr);
  const ModelMetadata& metadata = classifier->metadata();
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
  ExpectTopTwo(*classifier, text, expected);
}

// A model trained with simplify_han (the default) gives a text in
// Traditional characters exactly what it gives the Simplified form, topics
// and language alike; one trained without it does not map them.
TEST(SimplifyHanTest, TraditionalTextScoresAsItsSimplifiedForm) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TinyOptions().segmenter.simplify_han);
  auto classifier = TrainAndLoad(TinyOptions(), dir);
  ASSERT_NE(classifier, nullptr);
  EXPECT_TRUE(classifier->metadata().segmenter.simplify_han);

  const TextItem items[] = {{"hans", "前锋两次进球，球队赢了", ""},
                            {"hant", "前鋒兩次進球，球隊贏了", ""}};
  auto result = classifier->Classify(items, 2);
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
  auto unmapped = TrainAndLoad(without, plain);
  ASSERT_NE(unmapped, nullptr);
  auto plain_result = unmapped->Classify(items, 2);
  ASSERT_TRUE(plain_result.ok()) << plain_result.status();
  EXPECT_NE((*plain_result)[1].topics[0].probability,
            (*plain_result)[0].topics[0].probability);
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

}  // namespace
}  // namespace reachrank::topics
