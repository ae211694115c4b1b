#include "topics/language_detector.h"

#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace reachrank::topics {
namespace {

// Below this probability the best language is not trusted.
constexpr float kMinConfidence = 0.5f;

// Whether `language` (a BCP-47 tag) is written in Han characters: the
// Chinese languages. Every other language a detector knows is taken to be
// written in Latin letters (texts mostly in other scripts never reach the
// model).
bool WrittenInHan(absl::string_view language) {
  const absl::string_view primary = language.substr(0, language.find('-'));
  for (absl::string_view chinese :
       {"zh", "yue", "cmn", "wuu", "hak", "nan", "gan", "lzh"}) {
    if (primary == chinese) return true;
  }
  return false;
}

// Whether a text with these letters can be in `language`: a language
// written in Han needs a Han character, one written in Latin letters a
// Latin letter.
bool ScriptFits(absl::string_view language, const Segmentation& text) {
  return WrittenInHan(language) ? text.han_letters > 0 : text.latin_letters > 0;
}

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
    : model_(std::move(model)),
      languages_(static_cast<int>(model_->Labels().size())) {}

absl::StatusOr<std::unique_ptr<LanguageDetector>> LanguageDetector::Load(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<FastTextModel>> model =
      FastTextModel::Load(path);
  if (!model.ok()) return model.status();
  return std::unique_ptr<LanguageDetector>(
      new LanguageDetector(std::move(*model)));
}

absl::StatusOr<std::unique_ptr<LanguageDetector>> LanguageDetector::FromBytes(
    absl::string_view bytes, const std::string& name) {
  absl::StatusOr<std::unique_ptr<FastTextModel>> model =
      FastTextModel::FromBytes(bytes, name);
  if (!model.ok()) return model.status();
  return std::unique_ptr<LanguageDetector>(
      new LanguageDetector(std::move(*model)));
}

absl::StatusOr<std::string> LanguageDetector::Detect(
    const Segmentation& text) const {
  const int known = text.latin_letters + text.han_letters;
  if (known + text.other_letters == 0) return std::string(kLanguageUndetermined);
  if (MostlyOtherScripts(text)) return std::string(kLanguageOther);
  absl::StatusOr<std::vector<LabelProbability>> all =
      model_->PredictTokens(text.tokens, languages_);
  if (!all.ok()) return all.status();
  // The most probable language whose script the text has, its probability
  // taken among those languages only: a few Latin letters the model has
  // rarely seen ("gym", "Öl") must not read as Chinese.
  const LabelProbability* best = nullptr;
  float fitting = 0;
  for (const LabelProbability& l : *all) {
    if (!ScriptFits(l.label, text)) continue;
    fitting += l.probability;
    if (best == nullptr) best = &l;  // `all` is most probable first
  }
  if (best == nullptr || !(best->probability >= kMinConfidence * fitting)) {
    return std::string(kLanguageOther);
  }
  return best->label;
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
    out.close();
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
