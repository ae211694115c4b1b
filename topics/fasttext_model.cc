#include "topics/fasttext_model.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <istream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fasttext/fasttext.h"
#include "topics/file_util.h"

namespace reachrank::topics {

// fastText's loader reading from a stream, with the magic and version
// checked first as FastText::loadModel(path) checks them (checkModel is
// protected, and also sets the version loadModel reads).
class LoadedFastText final : public fasttext::FastText {
 public:
  // Throws when `in` is not a fastText model file.
  void Load(std::istream& in) {
    if (!checkModel(in)) {
      throw std::invalid_argument("wrong file format (magic or version)");
    }
    loadModel(in);
  }
};

namespace {

// The bytes of a model file as a stream buffer whose read past the end
// throws: fastText reads a dictionary word until a NUL byte, and would
// loop for ever on a cut file.
class ExactBytes final : public std::streambuf {
 public:
  explicit ExactBytes(absl::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());  // never written
    setg(begin, begin, begin + bytes.size());
  }

 private:
  int_type underflow() override {
    throw std::length_error("the file ends early (truncated?)");
  }
};

// The matrices must have the rows the dictionary and arguments say, or
// prediction aborts (fastText asserts) or divides by a zero bucket count.
absl::Status CheckSizes(const fasttext::FastText& model) {
  const fasttext::Args& args = model.getArgs();
  const fasttext::Dictionary& dict = *model.getDictionary();
  if (args.dim < 1) return absl::FailedPreconditionError("dim below 1");
  if (args.maxn > 0 && args.bucket < 1) {
    return absl::FailedPreconditionError("subwords without buckets");
  }
  if (dict.nlabels() < 1) return absl::FailedPreconditionError("no label");
  if (model.isQuant()) return absl::OkStatus();  // sizes held elsewhere
  const int64_t input_rows = model.getInputMatrix()->size(0);
  const int64_t output_rows = model.getOutputMatrix()->size(0);
  if (input_rows != dict.nwords() + args.bucket ||
      output_rows != dict.nlabels() ||
      model.getInputMatrix()->size(1) != args.dim ||
      model.getOutputMatrix()->size(1) != args.dim) {
    return absl::FailedPreconditionError(
        absl::StrCat("matrices of ", input_rows, " and ", output_rows,
                     " rows do not fit ", dict.nwords(), " words, ",
                     args.bucket, " buckets and ", dict.nlabels(), " labels"));
  }
  return absl::OkStatus();
}

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

// fastText's predictions carry log(p + 1e-5) (its std_log keeps log(0) away),
// so exp() of them, as `fasttext predict-prob` prints, is p + 1e-5: a sure
// label gets more than 1 and the k labels sum to 1 + k·1e-5. This undoes the
// offset, clamped to [0, 1] against float rounding.
float Probability(float exp_of_log_probability) {
  constexpr float kLogOffset = 1e-5f;
  return std::clamp(exp_of_log_probability - kLogOffset, 0.0f, 1.0f);
}

// Serves `line` and then one '\n', without copying. The newline matters:
// fastText's getLine adds the end-of-sentence token "</s>" only when it reads
// one, every training line ended with it, and `fasttext test`/`predict` read
// it too; without it predictions differ from the CLI's.
class LineBuf final : public std::streambuf {
 public:
  explicit LineBuf(absl::string_view line) {
    // The get area is only read, never written through.
    char* begin = const_cast<char*>(line.data());
    setg(begin, begin, begin + line.size());
  }

 protected:
  int_type underflow() override {
    if (newline_served_) return traits_type::eof();
    newline_served_ = true;
    setg(&newline_, &newline_, &newline_ + 1);
    return traits_type::to_int_type(newline_);
  }

 private:
  char newline_ = '\n';
  bool newline_served_ = false;
};

bool HasToken(absl::string_view line) {
  return line.find_first_not_of(" \t\n\r\v\f") != absl::string_view::npos;
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

FastTextModel::FastTextModel(std::unique_ptr<LoadedFastText> model)
    : model_(std::move(model)) {
  const fasttext::Dictionary& dict = *model_->getDictionary();
  for (int32_t i = 0; i < dict.nlabels(); ++i) {
    labels_.push_back(StripLabel(dict.getLabel(i)));
  }
  eos_row_ = dict.getId(fasttext::Dictionary::EOS);
  // Word n-grams are hashed by a protected member of Dictionary; only
  // without them can InputRows reproduce getLine through the public API.
  direct_lookup_ = model_->getArgs().wordNgrams <= 1;
}

void FastTextModel::InputRows(absl::Span<const std::string> tokens,
                              std::vector<int32_t>& rows) const {
  // Mirrors Dictionary::getLine and addSubwords (fastText 0.9.2).
  const fasttext::Dictionary& dict = *model_->getDictionary();
  const bool subwords = model_->getArgs().maxn > 0;
  for (const std::string& token : tokens) {
    const int32_t id = dict.getId(token);
    if (id >= 0) {
      if (dict.getType(id) != fasttext::entry_type::word) continue;
      if (!subwords) {
        rows.push_back(id);
      } else {
        const std::vector<int32_t>& ngrams = dict.getSubwords(id);
        rows.insert(rows.end(), ngrams.begin(), ngrams.end());
      }
    } else if (dict.getType(token) == fasttext::entry_type::word &&
               token != fasttext::Dictionary::EOS) {
      dict.computeSubwords(fasttext::Dictionary::BOW + token +
                               fasttext::Dictionary::EOW,
                           rows);
    }
  }
  if (eos_row_ >= 0) rows.push_back(eos_row_);
}

FastTextModel::~FastTextModel() = default;

absl::StatusOr<std::unique_ptr<FastTextModel>> FastTextModel::Load(
    const std::string& path) {
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok())
    return absl::FailedPreconditionError(bytes.status().message());
  return FromBytes(*bytes, path);
}

absl::StatusOr<std::unique_ptr<FastTextModel>> FastTextModel::FromBytes(
    absl::string_view bytes, const std::string& name) {
  auto model = std::make_unique<LoadedFastText>();
  try {
    ExactBytes buffer(bytes);
    std::istream in(&buffer);
    in.exceptions(std::ios::badbit);  // rethrows ExactBytes' end
    model->Load(in);
    if (const std::streamsize left = buffer.in_avail(); left > 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          name, ": not a fastText model: ", left, " bytes after the model"));
    }
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, ": not a loadable fastText model: ", e.what()));
  } catch (...) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, ": not a loadable fastText model"));
  }
  if (model->getArgs().model != fasttext::model_name::sup) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, ": not a supervised fastText model"));
  }
  if (absl::Status sizes = CheckSizes(*model); !sizes.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, ": not a fastText model: ", sizes.message()));
  }
  return std::unique_ptr<FastTextModel>(new FastTextModel(std::move(model)));
}

const fasttext::FastText& FastTextModel::fasttext() const { return *model_; }

absl::StatusOr<std::vector<LabelProbability>> FastTextModel::Predict(
    absl::string_view line, int k) const {
  std::vector<LabelProbability> out;
  if (!HasToken(line)) return out;
  try {
    LineBuf buffer(line);
    std::istream in(&buffer);
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    model_->predictLine(in, predictions, k, 0.0);
    out.reserve(predictions.size());
    for (auto& [probability, label] : predictions) {
      out.push_back({StripLabel(label), Probability(probability)});
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("fastText predict: ", e.what()));
  }
  return out;
}

absl::StatusOr<std::vector<LabelProbability>> FastTextModel::PredictTokens(
    absl::Span<const std::string> tokens, int k) const {
  if (!direct_lookup_) return Predict(absl::StrJoin(tokens, " "), k);
  std::vector<LabelProbability> out;
  if (tokens.empty()) return out;
  try {
    std::vector<int32_t> rows;
    rows.reserve(tokens.size() * 16);
    InputRows(tokens, rows);
    fasttext::Predictions predictions;
    model_->predict(k, rows, predictions, 0.0);
    out.reserve(predictions.size());
    for (const auto& [log_probability, label] : predictions) {
      // predictLine's exp(), so both paths give the same floats.
      out.push_back({labels_[label], Probability(std::exp(log_probability))});
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("fastText predict: ", e.what()));
  }
  return out;
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
