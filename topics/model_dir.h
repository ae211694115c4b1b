// The on-disk format of a topic model: a directory holding
//   model.bin      fastText supervised model of topics, all languages
//   model.han.bin  optional: topics of mostly-Han texts (segmenter.h
//                  MostlyHan), trained on those texts only and without
//                  subwords, which serve German and English but dilute the
//                  one- and two-character words of Chinese; han_routing
//                  says whether such a text is scored by model.han.bin
//                  alone or by a weighted mean of both models'
//                  probabilities (han_weight)
//   model.han.2.bin ... model.han.K.bin  with han_seeds K > 1: the same
//                  model trained with fastText seeds seed+1 .. seed+K-1;
//                  the han side of a prediction is the mean of all K
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

// How model_version is derived (metadata.json "version_scheme"):
//   1  from the files' fingerprints alone (directories sealed before the
//      key existed; their version is not checked at load)
//   2  from the fingerprints and InferenceSettings, which change
//      predictions as much as the files do; checked at load
inline constexpr int kVersionScheme = 2;

// At most this many seeds of model.han.bin (metadata.json "han_seeds").
inline constexpr int kMaxHanSeeds = 16;

// The file of seed number `index` (0-based) of model.han.bin:
// model.han.bin for 0, model.han.<index + 1>.bin after it.
std::string HanTopicModelFile(int index);

struct ModelMetadata {
  int format = kModelFormat;
  std::string name;           // e.g. "sib200"
  std::string model_version;  // "<name>-ft-<8 hex digits>"
  int version_scheme = kVersionScheme;  // 1 or 2, see kVersionScheme
  SegmenterOptions segmenter;
  FastTextOptions fasttext;   // how model.bin was trained
  std::optional<FastTextOptions> han_fasttext;  // model.han.bin, if any
  std::string han_routing = kHanRoutingHanModel;  // one of kHanRouting*
  // Models of mostly-Han texts, seeds han_fasttext->seed + 0 .. K-1, files
  // HanTopicModelFile(0 .. K-1); 1 without the key. 1..kMaxHanSeeds, and 1
  // without han_fasttext.
  int han_seeds = 1;
  // Under kHanRoutingAverage: probability = han_weight * (mean of the han
  // models) + (1 - han_weight) * model.bin; 0.5 without the key. In [0, 1].
  double han_weight = 0.5;
  std::map<std::string, int> examples_by_language;  // training data
  std::map<std::string, std::string> fingerprints;  // file name -> hex
};

// FNV-1a 64 of `bytes`, as 16 lowercase hex digits.
std::string Fingerprint(absl::string_view bytes);

// The settings of `m` read at inference that no file fingerprint covers,
// as one canonical line: the segmenter's, han_routing, han_seeds and
// han_weight. Editing any of them changes predictions.
std::string InferenceSettings(const ModelMetadata& m);

// "<name>-ft-<8 hex digits>": FNV-1a 64 of the fingerprints of the files
// `m` uses (in a fixed order) and of InferenceSettings(m). Two directories
// with the same version predict the same.
std::string ModelVersionOf(const ModelMetadata& m);

// Fills `fingerprints` from the files in `dir`, sets `version_scheme` to
// kVersionScheme and `model_version` to ModelVersionOf, then replaces
// metadata.json atomically (a reader sees the old file or the new one).
// INTERNAL when a file cannot be read or written.
absl::Status SealModelDir(const std::string& dir, ModelMetadata& metadata);

// For settings edited by hand in metadata.json (han_weight, say): checks
// the directory as OpenModelDir does, except that model_version may be
// stale, then seals it with the fingerprints it checked (a file replaced
// meanwhile is not taken) and returns the version it had.
// OpenModelDir's errors otherwise.
absl::StatusOr<std::string> ResealModelDir(const std::string& dir);

// A model directory read and checked: its metadata and the bytes of each
// sealed file, which match their fingerprints. Loading from these bytes,
// not from the paths again, serves exactly what was checked even when a
// file is replaced meanwhile.
struct CheckedModelDir {
  ModelMetadata metadata;
  std::map<std::string, std::string> files;  // file name -> bytes
};

// OpenModelDir, keeping the bytes it checked.
absl::StatusOr<CheckedModelDir> ReadModelDir(const std::string& dir);

// Reads metadata.json and checks every file's fingerprint.
// FAILED_PRECONDITION naming the file and the problem, also for metadata
// that contradicts itself (han_seeds or han_weight out of range, han_seeds
// above 1 without han_fasttext, a fingerprint of a file the metadata does
// not use, under version_scheme 2 a model_version other than
// ModelVersionOf: a setting edited after sealing).
absl::StatusOr<ModelMetadata> OpenModelDir(const std::string& dir);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_MODEL_DIR_H_
