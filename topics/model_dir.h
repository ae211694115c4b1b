// The on-disk format of a topic model: a directory holding
//   model.bin      fastText supervised model of topics, all languages
//   model.han.bin  optional: topics of mostly-Han texts (segmenter.h
//                  MostlyHan), trained on those texts only and without
//                  subwords, which serve German and English but dilute the
//                  one- and two-character words of Chinese; han_routing
//                  says whether such a text is scored by model.han.bin
//                  alone or by the mean of both models' probabilities
//   lang.bin       fastText language model (language_detector.h)
//   taxonomy.tsv   the taxonomy (taxonomy.h)
//   metadata.json  format, model version, segmenter and training settings,
//                  and an FNV-1a 64 fingerprint of each file above
// A model is refused at load when a file is missing or its fingerprint
// differs, so a truncated or half-copied model never serves.
#ifndef REACHRANK_TOPICS_MODEL_DIR_H_
#define REACHRANK_TOPICS_MODEL_DIR_H_

#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "topics/fasttext_model.h"
#include "topics/segmenter.h"

namespace reachrank::topics {

inline constexpr char kTopicModelFile[] = "model.bin";
inline constexpr char kHanTopicModelFile[] = "model.han.bin";
inline constexpr char kLanguageModelFile[] = "lang.bin";
inline constexpr char kTaxonomyFile[] = "taxonomy.tsv";
inline constexpr char kMetadataFile[] = "metadata.json";
inline constexpr int kModelFormat = 1;

// How a mostly-Han text is scored when model.han.bin exists (metadata.json
// "han_routing"; a directory without the key is kHanRoutingHanModel, the
// behaviour before the key existed).
inline constexpr char kHanRoutingHanModel[] = "han-model";  // it alone
inline constexpr char kHanRoutingAverage[] = "average";  // mean of both

struct ModelMetadata {
  int format = kModelFormat;
  std::string name;           // e.g. "sib200"
  std::string model_version;  // "<name>-ft-<8 hex digits>"
  SegmenterOptions segmenter;
  FastTextOptions fasttext;   // how model.bin was trained
  std::optional<FastTextOptions> han_fasttext;  // model.han.bin, if any
  std::string han_routing = kHanRoutingHanModel;  // one of kHanRouting*
  std::map<std::string, int> examples_by_language;  // training data
  std::map<std::string, std::string> fingerprints;  // file name -> hex
};

// FNV-1a 64 of `bytes`, as 16 lowercase hex digits.
std::string Fingerprint(absl::string_view bytes);

// Fills `fingerprints` from the files in `dir` and sets `model_version`
// from them, then writes metadata.json. INTERNAL when a file cannot be
// read or written.
absl::Status SealModelDir(const std::string& dir, ModelMetadata& metadata);

// Reads metadata.json and checks every file's fingerprint.
// FAILED_PRECONDITION naming the file and the problem.
absl::StatusOr<ModelMetadata> OpenModelDir(const std::string& dir);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_MODEL_DIR_H_
