// Language detection for the languages of the training data (en, de, zh by
// default), "other" for the rest and "und" for texts without letters. A
// small fastText model over words and character n-grams (1..3), trained on
// the same segmented text the topic model sees; texts mostly in scripts
// other than Latin and Han, and low-confidence predictions, are "other".
// A text is never given a language of a script it does not contain.
#ifndef REACHRANK_TOPICS_LANGUAGE_DETECTOR_H_
#define REACHRANK_TOPICS_LANGUAGE_DETECTOR_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "topics/fasttext_model.h"
#include "topics/segmenter.h"

namespace reachrank::topics {

inline constexpr char kLanguageOther[] = "other";
inline constexpr char kLanguageUndetermined[] = "und";

// Settings of the language model; fixed, since the task is easy and the
// model must stay small (about 1 MB).
FastTextOptions LanguageModelOptions();

// Detects languages. Thread-safe (const after construction).
class LanguageDetector {
 public:
  // Loads a model written by TrainLanguageModel; FAILED_PRECONDITION when
  // it is missing or broken.
  static absl::StatusOr<std::unique_ptr<LanguageDetector>> Load(
      const std::string& path);
  // The same from the bytes of the model file, `name` naming it in errors.
  static absl::StatusOr<std::unique_ptr<LanguageDetector>> FromBytes(
      absl::string_view bytes, const std::string& name);

  // "en", "de", "zh"... as trained, "other", or "und" when `text` has no
  // letters. Only languages whose script the text has compete: a Chinese
  // language (zh, yue...) needs a Han character, any other a Latin letter;
  // the best of them must hold at least half of their probability.
  absl::StatusOr<std::string> Detect(const Segmentation& text) const;

 private:
  explicit LanguageDetector(std::unique_ptr<FastTextModel> model);
  const std::unique_ptr<FastTextModel> model_;  // constant
  const int languages_;                         // the model's label count
};

// Trains a language model on (language, segmented text) pairs and saves it
// to `output`; `scratch` is a file path for fastText's input. INVALID_ARGUMENT
// when fewer than two languages are given.
absl::Status TrainLanguageModel(
    const std::vector<std::pair<std::string, std::string>>& examples,
    const std::string& scratch, const std::string& output);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_LANGUAGE_DETECTOR_H_
