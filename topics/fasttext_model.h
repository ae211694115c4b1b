// A thin, exception-free wrapper over fasttext::FastText for supervised
// models: training through the library's train(Args) and prediction through
// predictLine. fastText throws on errors; every call here catches and
// returns an absl::Status instead.
#ifndef REACHRANK_TOPICS_FASTTEXT_MODEL_H_
#define REACHRANK_TOPICS_FASTTEXT_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace fasttext {
class FastText;
}

namespace reachrank::topics {

// fasttext::FastText as FastTextModel loads it (fasttext_model.cc).
class LoadedFastText;

inline constexpr absl::string_view kLabelPrefix = "__label__";

// Hyperparameters of a supervised fastText model; names follow fastText's
// CLI flags. Defaults are those of `fasttext supervised`, except `bucket`,
// kept small so that models stay a few MB, and `thread` = 1, which makes
// training deterministic for a given `seed`.
struct FastTextOptions {
  int epoch = 5;
  double lr = 0.1;
  int dim = 100;
  int word_ngrams = 1;
  int minn = 0;
  int maxn = 0;
  int bucket = 20000;
  int min_count = 1;
  std::string loss = "softmax";  // softmax, ns, hs or ova
  int thread = 1;
  int seed = 0;
  int verbose = 0;  // fastText's own progress on stderr: 0, 1 or 2
};

// The flags that make `fasttext supervised` train with `options`.
std::vector<std::string> FastTextCliFlags(const FastTextOptions& options);

struct LabelProbability {
  std::string label;  // without kLabelPrefix
  float probability = 0;
};

// A loaded supervised model. Thread-safe: prediction only calls const
// members of fasttext::FastText (predictLine), which keep all per-call
// state on the caller's stack.
class FastTextModel {
 public:
  // Loads a model file (FromBytes of its bytes). FAILED_PRECONDITION
  // naming `path` when the file is missing or cannot be read, too.
  static absl::StatusOr<std::unique_ptr<FastTextModel>> Load(
      const std::string& path);
  // Loads a model from the bytes of its file, `name` naming it in errors.
  // FAILED_PRECONDITION when they are not a fastText model (magic,
  // version), not a supervised one, end early or hold more than the model,
  // or give matrices whose sizes contradict the dictionary: fastText's own
  // loader would loop for ever on a cut dictionary, or abort at predict.
  static absl::StatusOr<std::unique_ptr<FastTextModel>> FromBytes(
      absl::string_view bytes, const std::string& name);
  ~FastTextModel();

  // The k most probable labels for a line of space-separated tokens (no
  // newline), most probable first. Like `fasttext predict`, it reads the
  // line with the end-of-sentence token every training line had, so a
  // model scores the same here as under fastText's CLI. Probabilities are
  // in [0, 1] and those of all labels sum to 1 (within float rounding):
  // the CLI's less the 1e-5 that fastText adds before taking the log.
  // Empty for a line without tokens.
  absl::StatusOr<std::vector<LabelProbability>> Predict(absl::string_view line,
                                                        int k) const;

  // As Predict(JoinTokens(tokens), k), with the same probabilities, but
  // without building and re-reading the line: each token (which must hold
  // no whitespace) is looked up in the model's dictionary directly.
  absl::StatusOr<std::vector<LabelProbability>> PredictTokens(
      absl::Span<const std::string> tokens, int k) const;

  // Label names (without prefix) in the model's order.
  std::vector<std::string> Labels() const { return labels_; }

  // The wrapped model, for benchmarks that call fastText directly.
  const fasttext::FastText& fasttext() const;

 private:
  explicit FastTextModel(std::unique_ptr<LoadedFastText> model);
  // The rows fastText's getLine would give the line of `tokens`.
  void InputRows(absl::Span<const std::string> tokens,
                 std::vector<int32_t>& rows) const;

  // Constant after construction.
  const std::unique_ptr<LoadedFastText> model_;
  std::vector<std::string> labels_;  // without kLabelPrefix
  int32_t eos_row_ = -1;             // of "</s>"; -1 when not in the model
  bool direct_lookup_ = false;       // InputRows matches getLine (no word n-grams)
};

// Trains a supervised model on `input` (fastText's format: one example per
// line, "__label__<label> token token ...") and saves it to `output`.
// INVALID_ARGUMENT for bad options, INTERNAL for fastText's failures.
absl::Status TrainFastText(const FastTextOptions& options,
                           const std::string& input,
                           const std::string& output);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_FASTTEXT_MODEL_H_
