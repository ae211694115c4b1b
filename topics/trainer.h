// Training a model directory (model_dir.h) from labelled examples: segment
// every text with the same Segmenter that prediction uses, train the topic
// and language models through fastText's library, write the taxonomy and
// seal the directory with fingerprints and a model version.
#ifndef REACHRANK_TOPICS_TRAINER_H_
#define REACHRANK_TOPICS_TRAINER_H_

#include <functional>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "topics/dataset.h"
#include "topics/fasttext_model.h"
#include "topics/model_dir.h"
#include "topics/segmenter.h"
#include "topics/taxonomy.h"

namespace reachrank::topics {

struct TrainOptions {
  // Model version prefix: 1-64 of [A-Za-z0-9._-] (INVALID_ARGUMENT).
  std::string name = "sib200";
  SegmenterOptions segmenter;
  FastTextOptions fasttext;   // model.bin, trained on every example
  // model.han.bin, trained on the mostly-Han examples; none when unset or
  // when the data has no such example.
  std::optional<FastTextOptions> han_fasttext;
  // With model.han.bin: kHanRoutingHanModel or kHanRoutingAverage
  // (model_dir.h). The Han model alone is the cross-validated default
  // (docs/topics.md, "Routing of mostly-Han texts").
  std::string han_routing = kHanRoutingHanModel;
  // With model.han.bin: how many of it to train, with fastText seeds
  // han_fasttext->seed + 0 .. han_seeds - 1 on the same lines
  // (model.han.bin, model.han.2.bin, ...; their probabilities are
  // averaged), 1..kMaxHanSeeds; and the weight of that mean against
  // model.bin under kHanRoutingAverage, in [0, 1] (model_dir.h).
  int han_seeds = 1;
  double han_weight = 0.5;
  // Topics with display names; when unset, the sorted labels of the data
  // with the ids as names.
  std::optional<Taxonomy> taxonomy;
  // Seed of the deterministic shuffle of the training lines.
  int shuffle_seed = 1;
};

// The settings chosen by 5-fold cross-validation over SIB-200's train+dev
// splits (bench/topics_search.py, docs/topics.md): the defaults
// of `reachrank topics train`.
TrainOptions DefaultTrainOptions();

// fastText input lines ("__label__<topic> tok tok ...") for `examples`
// (only the mostly-Han ones when `han_only`), their words read as the
// classifier reads them (SegmentItemWords: inline hashtags as the words
// they join) and shuffled deterministically by `seed`. Examples without tokens
// are skipped. INVALID_ARGUMENT for invalid UTF-8.
absl::StatusOr<std::vector<std::string>> FastTextLines(
    absl::Span<const Example> examples, const Segmenter& segmenter, int seed,
    bool han_only = false);

// Receives one line of progress for humans (e.g. to print on stderr).
using ProgressFn = std::function<void(absl::string_view)>;

// Trains and writes a model directory at `out_dir` (created if missing).
// The directory is written beside it and published whole
// (base/dir_publish.h): a failed or killed training leaves the previous
// model in place; FAILED_PRECONDITION when out_dir holds files other than
// a model's. INVALID_ARGUMENT for empty data, a topic missing from the
// taxonomy, or bad options; INTERNAL for I/O or
// fastText failures.
absl::Status TrainModelDir(absl::Span<const Example> examples,
                           const TrainOptions& options,
                           const std::string& out_dir,
                           const ProgressFn& progress = nullptr);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_TRAINER_H_
