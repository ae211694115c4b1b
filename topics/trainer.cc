#include "topics/trainer.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <set>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/dir_publish.h"
#include "base/status_macros.h"
#include "topics/file_util.h"
#include "topics/item_words.h"
#include "topics/language_detector.h"
#include "topics/model_dir.h"

namespace reachrank::topics {
namespace {

// Fisher-Yates with a fixed generator and no distribution objects, so the
// order is the same with every standard library.
void Shuffle(std::vector<std::string>& lines, int seed) {
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  for (size_t i = lines.size(); i > 1; --i) {
    std::swap(lines[i - 1], lines[rng() % i]);
  }
}

absl::StatusOr<Taxonomy> TaxonomyFor(absl::Span<const Example> examples,
                                     const TrainOptions& options) {
  if (!options.taxonomy.has_value()) {
    std::set<std::string> ids;
    for (const Example& e : examples) ids.insert(e.topic);
    return Taxonomy::FromIds({ids.begin(), ids.end()}, {"en", "de", "zh"});
  }
  for (const Example& e : examples) {
    if (!options.taxonomy->Contains(e.topic)) {
      return absl::InvalidArgumentError(
          absl::StrCat("topic \"", e.topic, "\" is not in the taxonomy"));
    }
  }
  return *options.taxonomy;
}

// (language, segmented text) pairs for the language model.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LanguageExamples(absl::Span<const Example> examples,
                 const Segmenter& segmenter) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Example& e : examples) {
    if (e.language.empty()) continue;
    RR_ASSIGN_OR_RETURN(Segmentation s, segmenter.Segment(e.text));
    out.emplace_back(e.language, JoinTokens(s.tokens));
  }
  return out;
}

// Trains one topic model on the (mostly-Han when `han_only`) examples;
// false when there was none to train on.
// One model per entry of `outputs` (fastText options, file), all on the
// same lines.
absl::StatusOr<bool> TrainTopics(
    absl::Span<const Example> examples, const Segmenter& segmenter,
    const TrainOptions& options, bool han_only, const std::string& scratch,
    const std::vector<std::pair<FastTextOptions, std::string>>& outputs) {
  RR_ASSIGN_OR_RETURN(std::vector<std::string> lines,
                      FastTextLines(examples, segmenter, options.shuffle_seed,
                                    han_only));
  if (lines.empty()) {
    if (han_only) return false;
    return absl::InvalidArgumentError("no example has any token");
  }
  RR_RETURN_IF_ERROR(WriteFile(scratch, absl::StrJoin(lines, "\n") + "\n"));
  for (const auto& [fasttext, output] : outputs) {
    RR_RETURN_IF_ERROR(TrainFastText(fasttext, scratch, output));
  }
  return true;
}

// The model version's prefix ("<name>-ft-<hex>"): it names the model in
// responses, metrics labels and metadata.json.
absl::Status CheckName(const std::string& name) {
  const bool ok =
      !name.empty() && name.size() <= 64 &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
      });
  return ok ? absl::OkStatus()
            : absl::InvalidArgumentError(absl::StrCat(
                  "name: must be 1-64 characters of [A-Za-z0-9._-], not '",
                  absl::CHexEscape(name), "'"));
}

absl::Status CheckHanOptions(const TrainOptions& options) {
  if (options.han_seeds < 1 || options.han_seeds > kMaxHanSeeds) {
    return absl::InvalidArgumentError(
        absl::StrCat("han_seeds is ", options.han_seeds, ", must be 1..",
                     kMaxHanSeeds));
  }
  if (!(options.han_weight >= 0.0 && options.han_weight <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "han_weight is ", options.han_weight, ", must be in [0, 1]"));
  }
  return absl::OkStatus();
}

std::string Summary(const std::map<std::string, int>& by_language) {
  std::vector<std::string> parts;
  for (const auto& [language, n] : by_language) {
    parts.push_back(absl::StrCat(language.empty() ? "?" : language, "=", n));
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace

TrainOptions DefaultTrainOptions() {
  TrainOptions options;
  options.segmenter.cjk_char_ngrams = 2;
  options.segmenter.replace_numbers = true;
  // Traditional-script training lines (zho_Hant) teach the Simplified
  // vocabulary too; +1.6 points zh in CV (docs/topics.md).
  options.segmenter.simplify_han = true;
  options.fasttext.epoch = 100;
  options.fasttext.lr = 0.5;
  options.fasttext.dim = 25;
  options.fasttext.word_ngrams = 1;
  options.fasttext.minn = 3;
  options.fasttext.maxn = 6;
  options.fasttext.bucket = 50000;
  options.fasttext.seed = 1;
  FastTextOptions han;
  han.epoch = 100;
  han.lr = 0.5;
  han.dim = 25;
  han.seed = 1;
  options.han_fasttext = han;
  // han_seeds 1, han_weight 0.5: five seeds at 0.4 led the CV by one
  // sentence in 2,382 for five times the Han predictions (docs/topics.md).
  return options;
}

absl::StatusOr<std::vector<std::string>> FastTextLines(
    absl::Span<const Example> examples, const Segmenter& segmenter, int seed,
    bool han_only) {
  std::vector<std::string> lines;
  lines.reserve(examples.size());
  for (const Example& e : examples) {
    // As the classifier reads a text: inline hashtags as their words.
    RR_ASSIGN_OR_RETURN(ItemWords words,
                        SegmentItemWords(segmenter, e.text, {}));
    Segmentation& s = words.caption;
    AppendWords(std::move(words.tags), s);
    if (s.tokens.empty() || (han_only && !MostlyHan(s))) continue;
    lines.push_back(
        absl::StrCat(kLabelPrefix, e.topic, " ", JoinTokens(s.tokens)));
  }
  Shuffle(lines, seed);
  return lines;
}

namespace {

// Writes a sealed model directory into `dir` (which exists and is empty).
absl::Status WriteModelFiles(absl::Span<const Example> examples,
                             const TrainOptions& options,
                             const Taxonomy& taxonomy, const std::string& dir,
                             ModelMetadata& metadata,
                             const ProgressFn& progress) {
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Segmenter> segmenter,
                      Segmenter::Create(options.segmenter));
  metadata.name = options.name;
  metadata.segmenter = options.segmenter;
  metadata.fasttext = options.fasttext;
  for (const Example& e : examples) ++metadata.examples_by_language[e.language];
  progress(absl::StrCat("training the topic model on ", examples.size(),
                        " examples (", Summary(metadata.examples_by_language),
                        ")"));
  const std::string scratch = dir + "/train.scratch.txt";
  RR_ASSIGN_OR_RETURN(
      bool trained,
      TrainTopics(examples, *segmenter, options, false, scratch,
                  {{options.fasttext, absl::StrCat(dir, "/", kTopicModelFile)}}));
  if (options.han_fasttext.has_value()) {
    progress(absl::StrCat("training the topic model of mostly-Han texts (",
                          options.han_seeds, " seed",
                          options.han_seeds == 1 ? "" : "s", ")"));
    std::vector<std::pair<FastTextOptions, std::string>> han;
    for (int i = 0; i < options.han_seeds; ++i) {
      FastTextOptions seeded = *options.han_fasttext;
      seeded.seed += i;
      han.emplace_back(seeded, absl::StrCat(dir, "/", HanTopicModelFile(i)));
    }
    RR_ASSIGN_OR_RETURN(trained, TrainTopics(examples, *segmenter, options,
                                             true, scratch, han));
    if (trained) {
      metadata.han_fasttext = options.han_fasttext;
      metadata.han_routing = options.han_routing;
      metadata.han_seeds = options.han_seeds;
      metadata.han_weight = options.han_weight;
    }
  }
  progress("training the language model");
  RR_ASSIGN_OR_RETURN(auto language_examples,
                      LanguageExamples(examples, *segmenter));
  RR_RETURN_IF_ERROR(TrainLanguageModel(language_examples, scratch,
                                        absl::StrCat(dir, "/", kLanguageModelFile)));
  std::error_code ignored;
  std::filesystem::remove(scratch, ignored);
  RR_RETURN_IF_ERROR(WriteFile(absl::StrCat(dir, "/", kTaxonomyFile), taxonomy.ToTsv()));
  return SealModelDir(dir, metadata);
}

}  // namespace

absl::Status TrainModelDir(absl::Span<const Example> examples,
                           const TrainOptions& options,
                           const std::string& out_dir,
                           const ProgressFn& progress) {
  const ProgressFn say = [&progress](absl::string_view line) {
    if (progress) progress(line);
  };
  if (examples.empty()) return absl::InvalidArgumentError("no examples");
  RR_RETURN_IF_ERROR(CheckName(options.name));
  RR_RETURN_IF_ERROR(CheckHanOptions(options));
  RR_ASSIGN_OR_RETURN(Taxonomy taxonomy, TaxonomyFor(examples, options));
  // Written to a staging directory and published whole: a failed or killed
  // training leaves the previous model at out_dir.
  RR_ASSIGN_OR_RETURN(const std::string staging,
                      MakeStagingDirectory(out_dir));
  ModelMetadata metadata;
  absl::Status status =
      WriteModelFiles(examples, options, taxonomy, staging, metadata, say);
  if (status.ok()) {
    std::vector<std::string> owned = {kMetadataFile, kTopicModelFile,
                                      kLanguageModelFile, kTaxonomyFile,
                                      "train.scratch.txt"};
    for (int i = 0; i < kMaxHanSeeds; ++i) {
      owned.push_back(HanTopicModelFile(i));
    }
    status = PublishDirectory(staging, out_dir, owned);
  }
  if (!status.ok()) {
    std::error_code ignored;
    std::filesystem::remove_all(staging, ignored);
    return status;
  }
  say(absl::StrCat("wrote ", out_dir, " (", metadata.model_version, ")"));
  return absl::OkStatus();
}

}  // namespace reachrank::topics
