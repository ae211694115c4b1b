#include "topics/fasttext_model.h"

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fasttext/fasttext.h"
#include "gtest/gtest.h"
#include "topics/file_util.h"
#include "topics/test_support.h"
#include "topics/trainer.h"

namespace reachrank::topics {
namespace {

using testing::ScratchDir;

struct Case {
  const char* name;
  int minn, maxn, word_ngrams;
};

// Models with subwords, without, and with word n-grams (the path that
// falls back to reading a line).
class FastTextModelTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    segmenter_ = Segmenter::Create({2, true}).value();
    std::vector<std::string> lines =
        FastTextLines(testing::Sib200("dev"), *segmenter_, 1).value();
    std::string input;
    for (const std::string& line : lines) input += line + "\n";
    ASSERT_TRUE(WriteFile(scratch_.path() + "/in.txt", input).ok());
    FastTextOptions options;
    options.epoch = 5;
    options.dim = 10;
    options.minn = GetParam().minn;
    options.maxn = GetParam().maxn;
    options.word_ngrams = GetParam().word_ngrams;
    options.bucket = 5000;
    options.seed = 1;
    const std::string path = scratch_.path() + "/m.bin";
    ASSERT_TRUE(TrainFastText(options, scratch_.path() + "/in.txt", path).ok());
    model_ = FastTextModel::Load(path).value();
  }

  // What fastText's CLI (`fasttext predict`) computes for a line of a file.
  std::vector<std::pair<float, std::string>> Cli(const std::string& line) {
    std::istringstream in(line + "\n");
    std::vector<std::pair<float, std::string>> predictions;
    model_->fasttext().predictLine(in, predictions, 3, 0.0);
    return predictions;
  }

  ScratchDir scratch_;
  std::unique_ptr<Segmenter> segmenter_;
  std::unique_ptr<FastTextModel> model_;
};

// The CLI prints exp(log(p + 1e-5)); ours is that less 1e-5, in [0, 1].
void ExpectSame(const std::vector<std::pair<float, std::string>>& cli,
                const std::vector<LabelProbability>& ours,
                const std::string& line) {
  ASSERT_EQ(ours.size(), cli.size()) << line;
  for (size_t i = 0; i < cli.size(); ++i) {
    EXPECT_EQ(absl::StrCat(kLabelPrefix, ours[i].label), cli[i].second) << line;
    const float want = std::clamp(cli[i].first - 1e-5f, 0.0f, 1.0f);
    EXPECT_EQ(ours[i].probability, want) << line;  // bit-identical
  }
}

TEST_P(FastTextModelTest, PredictionsEqualTheClisOnEveryTestText) {
  std::vector<std::string> texts = {"zzqx unseenword 42 北京欢迎你 Straße"};
  for (const Example& e : testing::Sib200("test")) texts.push_back(e.text);
  for (const std::string& text : texts) {
    const std::vector<std::string> tokens = segmenter_->Segment(text)->tokens;
    const std::string line = JoinTokens(tokens);
    const auto cli = Cli(line);
    ASSERT_EQ(cli.size(), 3u);
    ExpectSame(cli, model_->Predict(line, 3).value(), line);
    ExpectSame(cli, model_->PredictTokens(tokens, 3).value(), line);
  }
}

// A probability never exceeds 1 (the CLI's does for a sure label), and
// those of all labels sum to 1.
TEST_P(FastTextModelTest, ProbabilitiesOfAllLabelsSumToOne) {
  const int labels = static_cast<int>(model_->Labels().size());
  ASSERT_EQ(labels, 7);
  for (const Example& e : testing::Sib200("test")) {
    const std::vector<std::string> tokens = segmenter_->Segment(e.text)->tokens;
    for (const auto& predicted :
         {model_->Predict(JoinTokens(tokens), labels).value(),
          model_->PredictTokens(tokens, labels).value()}) {
      ASSERT_EQ(predicted.size(), 7u) << e.text;
      double sum = 0;
      for (const LabelProbability& l : predicted) {
        EXPECT_GE(l.probability, 0.0f) << e.text;
        EXPECT_LE(l.probability, 1.0f) << e.text;
        sum += l.probability;
      }
      EXPECT_NEAR(sum, 1.0, 1e-5) << e.text;
    }
  }
}

// fastText's own loader loops for ever on a cut dictionary and trusts the
// matrix sizes it reads; a file cut anywhere, or with bytes after the
// model, is refused.
TEST_P(FastTextModelTest, ACutOrPaddedFileIsRefused) {
  const std::string bytes = ReadFile(scratch_.path() + "/m.bin").value();
  ASSERT_TRUE(FastTextModel::FromBytes(bytes, "m.bin").ok());
  for (const size_t cut : {size_t{0}, size_t{4}, size_t{8}, size_t{60},
                           size_t{1000}, bytes.size() / 2, bytes.size() - 1}) {
    const auto model = FastTextModel::FromBytes(bytes.substr(0, cut), "m.bin");
    EXPECT_EQ(model.status().code(), absl::StatusCode::kFailedPrecondition)
        << "cut at " << cut;
  }
  const auto padded = FastTextModel::FromBytes(bytes + "x", "m.bin");
  EXPECT_EQ(padded.status(),
            absl::FailedPreconditionError(
                "m.bin: not a fastText model: 1 bytes after the model"));
}

TEST_P(FastTextModelTest, NoTokensNoLabels) {
  EXPECT_TRUE(model_->Predict("  ", 3).value().empty());
  EXPECT_TRUE(model_->PredictTokens({}, 3).value().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Models, FastTextModelTest,
    ::testing::Values(Case{"Subwords", 2, 4, 1}, Case{"NoSubwords", 0, 0, 1},
                      Case{"WordNgrams", 0, 0, 2}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace reachrank::topics
