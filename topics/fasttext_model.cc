#include "topics/fasttext_model.h"

#include <exception>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fasttext/fasttext.h"

namespace reachrank::topics {
namespace {

absl::StatusOr<fasttext::loss_name> LossByName(const std::string& name) {
  if (name == "softmax") return fasttext::loss_name::softmax;
  if (name == "ns") return fasttext::loss_name::ns;
  if (name == "hs") return fasttext::loss_name::hs;
  if (name == "ova") return fasttext::loss_name::ova;
  return absl::InvalidArgumentError(
      absl::StrCat("loss: \"", name, "\" is not softmax, ns, hs or ova"));
}

absl::Status CheckOptions(const FastTextOptions& o) {
  if (o.epoch < 1) return absl::InvalidArgumentError("epoch: must be >= 1");
  if (!(o.lr > 0)) return absl::InvalidArgumentError("lr: must be > 0");
  if (o.dim < 1) return absl::InvalidArgumentError("dim: must be >= 1");
  if (o.word_ngrams < 1) {
    return absl::InvalidArgumentError("wordNgrams: must be >= 1");
  }
  if (o.minn < 0 || o.maxn < o.minn) {
    return absl::InvalidArgumentError("minn/maxn: need 0 <= minn <= maxn");
  }
  if (o.bucket < 0) return absl::InvalidArgumentError("bucket: must be >= 0");
  if (o.thread < 1) return absl::InvalidArgumentError("thread: must be >= 1");
  return absl::OkStatus();
}

std::string StripLabel(const std::string& label) {
  return absl::StartsWith(label, kLabelPrefix)
             ? label.substr(kLabelPrefix.size())
             : label;
}

}  // namespace

std::vector<std::string> FastTextCliFlags(const FastTextOptions& o) {
  return {"-epoch",  std::to_string(o.epoch),  "-lr",
          absl::StrCat(o.lr),      "-dim",     std::to_string(o.dim),
          "-wordNgrams", std::to_string(o.word_ngrams), "-minn",
          std::to_string(o.minn),  "-maxn",    std::to_string(o.maxn),
          "-bucket", std::to_string(o.bucket), "-minCount",
          std::to_string(o.min_count), "-loss", o.loss,
          "-thread", std::to_string(o.thread), "-seed",
          std::to_string(o.seed)};
}

FastTextModel::FastTextModel(std::unique_ptr<fasttext::FastText> model)
    : model_(std::move(model)) {}

FastTextModel::~FastTextModel() = default;

absl::StatusOr<std::unique_ptr<FastTextModel>> FastTextModel::Load(
    const std::string& path) {
  auto model = std::make_unique<fasttext::FastText>();
  try {
    model->loadModel(path);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a loadable fastText model: ", e.what()));
  } catch (...) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a loadable fastText model"));
  }
  if (model->getArgs().model != fasttext::model_name::sup) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a supervised fastText model"));
  }
  return std::unique_ptr<FastTextModel>(new FastTextModel(std::move(model)));
}

absl::StatusOr<std::vector<LabelProbability>> FastTextModel::Predict(
    absl::string_view line, int k) const {
  std::vector<LabelProbability> out;
  try {
    std::istringstream in{std::string(line)};
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    model_->predictLine(in, predictions, k, 0.0);
    out.reserve(predictions.size());
    for (auto& [probability, label] : predictions) {
      out.push_back({StripLabel(label), probability});
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("fastText predict: ", e.what()));
  }
  return out;
}

std::vector<std::string> FastTextModel::Labels() const {
  std::vector<std::string> labels;
  auto dict = model_->getDictionary();
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    labels.push_back(StripLabel(dict->getLabel(i)));
  }
  return labels;
}

absl::Status TrainFastText(const FastTextOptions& options,
                           const std::string& input,
                           const std::string& output) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  absl::StatusOr<fasttext::loss_name> loss = LossByName(options.loss);
  if (!loss.ok()) return loss.status();
  fasttext::Args args;
  args.input = input;
  args.output = output;
  args.model = fasttext::model_name::sup;
  args.loss = *loss;
  args.epoch = options.epoch;
  args.lr = options.lr;
  args.dim = options.dim;
  args.wordNgrams = options.word_ngrams;
  args.minn = options.minn;
  args.maxn = options.maxn;
  // As `fasttext supervised` does: no hashed rows when nothing is hashed.
  args.bucket =
      (options.word_ngrams <= 1 && options.maxn == 0) ? 0 : options.bucket;
  args.minCount = options.min_count;
  args.thread = options.thread;
  args.seed = options.seed;
  args.verbose = options.verbose;
  try {
    fasttext::FastText model;
    model.train(args);
    model.saveModel(output);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("fastText training: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace reachrank::topics
