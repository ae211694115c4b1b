#include "topics/model_dir.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/dir_publish.h"
#include "base/fnv.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "topics/file_util.h"

namespace reachrank::topics {
namespace {

using nlohmann::json;

constexpr const char* kRequiredFiles[] = {kTopicModelFile, kLanguageModelFile,
                                          kTaxonomyFile};

std::vector<std::string> SealedFiles(const ModelMetadata& m) {
  std::vector<std::string> files(std::begin(kRequiredFiles),
                                 std::end(kRequiredFiles));
  if (m.han_fasttext.has_value()) {
    for (int i = 0; i < m.han_seeds; ++i) {
      files.push_back(HanTopicModelFile(i));
    }
  }
  return files;
}

std::string PathIn(const std::string& dir, const std::string& file) {
  return absl::StrCat(dir, "/", file);
}

json OptionsToJson(const FastTextOptions& o) {
  return {{"epoch", o.epoch},     {"lr", o.lr},
          {"dim", o.dim},         {"wordNgrams", o.word_ngrams},
          {"minn", o.minn},       {"maxn", o.maxn},
          {"bucket", o.bucket},   {"minCount", o.min_count},
          {"loss", o.loss},       {"thread", o.thread},
          {"seed", o.seed}};
}

// The integer at `key` of `j`; throws when it is absent or not an
// integer (nlohmann's get<int> would cut 1.99 to 1 and read true as 1).
int IntAt(const json& j, const char* key) {
  const json& value = j.at(key);
  if (!value.is_number_integer()) {
    throw std::invalid_argument(absl::StrCat(key, " must be an integer"));
  }
  return value.get<int>();
}

FastTextOptions OptionsFromJson(const json& j) {
  FastTextOptions o;
  o.epoch = IntAt(j, "epoch");
  o.lr = j.at("lr").get<double>();
  o.dim = IntAt(j, "dim");
  o.word_ngrams = IntAt(j, "wordNgrams");
  o.minn = IntAt(j, "minn");
  o.maxn = IntAt(j, "maxn");
  o.bucket = IntAt(j, "bucket");
  o.min_count = IntAt(j, "minCount");
  o.loss = j.at("loss").get<std::string>();
  o.thread = IntAt(j, "thread");
  o.seed = IntAt(j, "seed");
  return o;
}

json ToJson(const ModelMetadata& m) {
  return {{"format", m.format},
          {"name", m.name},
          {"model_version", m.model_version},
          {"version_scheme", m.version_scheme},
          {"segmenter",
           {{"cjk_char_ngrams", m.segmenter.cjk_char_ngrams},
            {"replace_numbers", m.segmenter.replace_numbers},
            {"simplify_han", m.segmenter.simplify_han}}},
          {"fasttext", OptionsToJson(m.fasttext)},
          {"han_fasttext", m.han_fasttext.has_value()
                               ? OptionsToJson(*m.han_fasttext)
                               : json(nullptr)},
          {"han_routing", m.han_routing},
          {"han_seeds", m.han_seeds},
          {"han_weight", m.han_weight},
          {"examples_by_language", m.examples_by_language},
          {"fingerprints", m.fingerprints}};
}

// Throws nlohmann's exceptions on missing or mistyped fields.
ModelMetadata FromJson(const json& j) {
  ModelMetadata m;
  m.format = IntAt(j, "format");
  m.name = j.at("name").get<std::string>();
  m.model_version = j.at("model_version").get<std::string>();
  // Absent in directories sealed before the key existed.
  m.version_scheme =
      j.contains("version_scheme") ? IntAt(j, "version_scheme") : 1;
  if (m.version_scheme != 1 && m.version_scheme != kVersionScheme) {
    throw std::invalid_argument(
        absl::StrCat("version_scheme must be 1 or ", kVersionScheme));
  }
  m.segmenter.cjk_char_ngrams = IntAt(j.at("segmenter"), "cjk_char_ngrams");
  if (m.segmenter.cjk_char_ngrams < 0 ||
      m.segmenter.cjk_char_ngrams > kMaxCjkCharNgrams) {
    throw std::invalid_argument(
        absl::StrCat("cjk_char_ngrams must be 0..", kMaxCjkCharNgrams));
  }
  m.segmenter.replace_numbers =
      j.at("segmenter").at("replace_numbers").get<bool>();
  // Absent in directories written before the option existed: off.
  m.segmenter.simplify_han =
      j.at("segmenter").value("simplify_han", false);
  m.fasttext = OptionsFromJson(j.at("fasttext"));
  if (j.contains("han_fasttext") && !j.at("han_fasttext").is_null()) {
    m.han_fasttext = OptionsFromJson(j.at("han_fasttext"));
  }
  if (j.contains("han_routing")) {
    m.han_routing = j.at("han_routing").get<std::string>();
    if (m.han_routing != kHanRoutingHanModel &&
        m.han_routing != kHanRoutingAverage) {
      throw std::invalid_argument("han_routing must be \"han-model\" or "
                                  "\"average\"");
    }
  }
  if (j.contains("han_seeds")) m.han_seeds = IntAt(j, "han_seeds");
  if (m.han_seeds < 1 || m.han_seeds > kMaxHanSeeds) {
    throw std::invalid_argument(
        absl::StrCat("han_seeds must be 1..", kMaxHanSeeds));
  }
  if (m.han_seeds != 1 && !m.han_fasttext.has_value()) {
    throw std::invalid_argument("han_seeds above 1 without han_fasttext");
  }
  if (j.contains("han_weight")) {
    m.han_weight = j.at("han_weight").get<double>();
  }
  if (!(m.han_weight >= 0.0 && m.han_weight <= 1.0)) {
    throw std::invalid_argument("han_weight must be in [0, 1]");
  }
  m.examples_by_language =
      j.at("examples_by_language").get<std::map<std::string, int>>();
  m.fingerprints =
      j.at("fingerprints").get<std::map<std::string, std::string>>();
  return m;
}

absl::StatusOr<ModelMetadata> ParseMetadata(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return absl::FailedPreconditionError(text.status().message());
  }
  try {
    return FromJson(json::parse(*text));
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": malformed metadata: ", e.what()));
  }
}

}  // namespace

std::string HanTopicModelFile(int index) {
  if (index == 0) return kHanTopicModelFile;
  return absl::StrCat("model.han.", index + 1, ".bin");
}

std::string Fingerprint(absl::string_view bytes) {
  return absl::StrFormat("%016x", Fnv1a64(bytes));
}

std::string InferenceSettings(const ModelMetadata& m) {
  return absl::StrFormat(
      "cjk_char_ngrams=%d replace_numbers=%d simplify_han=%d "
      "han_routing=%s han_seeds=%d han_weight=%.17g",
      m.segmenter.cjk_char_ngrams, m.segmenter.replace_numbers ? 1 : 0,
      m.segmenter.simplify_han ? 1 : 0, m.han_routing, m.han_seeds,
      m.han_weight);
}

std::string ModelVersionOf(const ModelMetadata& m) {
  std::string all;
  for (const std::string& file : SealedFiles(m)) {
    auto it = m.fingerprints.find(file);
    if (it != m.fingerprints.end()) all += it->second;
  }
  absl::StrAppend(&all, "\n", InferenceSettings(m));
  return absl::StrCat(m.name, "-ft-", Fingerprint(all).substr(0, 8));
}

namespace {

// Sets version_scheme and model_version from `metadata`'s fingerprints and
// settings, then replaces metadata.json atomically.
absl::Status WriteSealed(const std::string& dir, ModelMetadata& metadata) {
  metadata.version_scheme = kVersionScheme;
  metadata.model_version = ModelVersionOf(metadata);
  const std::string path = PathIn(dir, kMetadataFile);
  // The name is checked at training and read back from JSON, so valid
  // UTF-8; should anything slip through, a replacement character, never an
  // exception.
  return reachrank::ReplaceFile(
      path, ToJson(metadata).dump(2, ' ', false,
                                  nlohmann::json::error_handler_t::replace) +
                "\n");
}

}  // namespace

absl::Status SealModelDir(const std::string& dir, ModelMetadata& metadata) {
  metadata.fingerprints.clear();
  for (const std::string& file : SealedFiles(metadata)) {
    absl::StatusOr<std::string> bytes = ReadFile(PathIn(dir, file));
    if (!bytes.ok()) return absl::InternalError(bytes.status().message());
    metadata.fingerprints[file] = Fingerprint(*bytes);
  }
  return WriteSealed(dir, metadata);
}

namespace {

// ReadModelDir without the check of model_version.
absl::StatusOr<CheckedModelDir> ReadWithFilesChecked(const std::string& dir) {
  absl::StatusOr<ModelMetadata> metadata =
      ParseMetadata(PathIn(dir, kMetadataFile));
  if (!metadata.ok()) return metadata.status();
  CheckedModelDir checked;
  if (metadata->format != kModelFormat) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, ": model format ", metadata->format,
                     " is not the supported ", kModelFormat));
  }
  const std::vector<std::string> sealed = SealedFiles(*metadata);
  for (const auto& [file, ignored] : metadata->fingerprints) {
    if (std::find(sealed.begin(), sealed.end(), file) == sealed.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          PathIn(dir, kMetadataFile), ": fingerprint of ", file,
          ", which the metadata does not use (han_seeds ",
          metadata->han_seeds, ")"));
    }
  }
  for (const std::string& file : sealed) {
    const std::string path = PathIn(dir, file);
    absl::StatusOr<std::string> bytes = ReadFile(path);
    if (!bytes.ok()) {
      return absl::FailedPreconditionError(bytes.status().message());
    }
    auto expected = metadata->fingerprints.find(file);
    if (expected == metadata->fingerprints.end() ||
        expected->second != Fingerprint(*bytes)) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ": fingerprint differs from ", kMetadataFile,
          " (file damaged or replaced)"));
    }
    checked.files[file] = *std::move(bytes);
  }
  checked.metadata = *std::move(metadata);
  return checked;
}

}  // namespace

absl::StatusOr<ModelMetadata> OpenModelDir(const std::string& dir) {
  RR_ASSIGN_OR_RETURN(CheckedModelDir checked, ReadModelDir(dir));
  return std::move(checked.metadata);
}

absl::StatusOr<CheckedModelDir> ReadModelDir(const std::string& dir) {
  RR_ASSIGN_OR_RETURN(CheckedModelDir checked, ReadWithFilesChecked(dir));
  const ModelMetadata& metadata = checked.metadata;
  if (metadata.version_scheme == kVersionScheme &&
      metadata.model_version != ModelVersionOf(metadata)) {
    return absl::FailedPreconditionError(absl::StrCat(
        PathIn(dir, kMetadataFile), ": model_version ", metadata.model_version,
        " is not that of its files and settings (", ModelVersionOf(metadata),
        "): metadata.json was edited after the model was sealed; `reachrank "
        "topics seal ",
        dir, "` gives the directory its new version"));
  }
  return checked;
}

absl::StatusOr<std::string> ResealModelDir(const std::string& dir) {
  RR_ASSIGN_OR_RETURN(CheckedModelDir checked, ReadWithFilesChecked(dir));
  const std::string previous = checked.metadata.model_version;
  // The fingerprints just checked (all files present and matching).
  RR_RETURN_IF_ERROR(WriteSealed(dir, checked.metadata));
  return previous;
}

}  // namespace reachrank::topics
