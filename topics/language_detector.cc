#include "topics/language_detector.h"

#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"

namespace reachrank::topics {
namespace {

// Below this probability the best language is not trusted.
constexpr float kMinConfidence = 0.5f;

}  // namespace

FastTextOptions LanguageModelOptions() {
  FastTextOptions options;
  options.epoch = 10;
  options.lr = 0.5;
  options.dim = 16;
  options.minn = 1;
  options.maxn = 3;
  options.bucket = 20000;
  options.seed = 1;
  return options;
}

LanguageDetector::LanguageDetector(std::unique_ptr<FastTextModel> model)
    : model_(std::move(model)) {}

absl::StatusOr<std::unique_ptr<LanguageDetector>> LanguageDetector::Load(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<FastTextModel>> model =
      FastTextModel::Load(path);
  if (!model.ok()) return model.status();
  return std::unique_ptr<LanguageDetector>(
      new LanguageDetector(std::move(*model)));
}

absl::StatusOr<std::string> LanguageDetector::Detect(
    const Segmentation& text) const {
  const int known = text.latin_letters + text.han_letters;
  if (known + text.other_letters == 0) return std::string(kLanguageUndetermined);
  if (text.other_letters > known) return std::string(kLanguageOther);
  absl::StatusOr<std::vector<LabelProbability>> best =
      model_->PredictTokens(text.tokens, 1);
  if (!best.ok()) return best.status();
  if (best->empty() || (*best)[0].probability < kMinConfidence) {
    return std::string(kLanguageOther);
  }
  return (*best)[0].label;
}

absl::Status TrainLanguageModel(
    const std::vector<std::pair<std::string, std::string>>& examples,
    const std::string& scratch, const std::string& output) {
  std::set<std::string> languages;
  {
    std::ofstream out(scratch, std::ios::binary | std::ios::trunc);
    for (const auto& [language, text] : examples) {
      if (language.empty() || text.empty()) continue;
      languages.insert(language);
      out << kLabelPrefix << language << ' ' << text << '\n';
    }
    if (!out) return absl::InternalError(absl::StrCat(scratch, ": write failed"));
  }
  if (languages.size() < 2) {
    return absl::InvalidArgumentError(
        "language model: training data needs examples of at least two "
        "languages (the \"language\" field, or SIB-200 directory names)");
  }
  return TrainFastText(LanguageModelOptions(), scratch, output);
}

}  // namespace reachrank::topics
