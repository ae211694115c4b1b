// `reachrank topics ...`: train, evaluate and try the topic classifier.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/output_file.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "services/cli/command.h"
#include "services/common/flag_checks.h"
#include "services/ingest/validation.h"
#include "topics/dataset.h"
#include "topics/evaluation.h"
#include "topics/fasttext_classifier.h"
#include "topics/file_util.h"
#include "topics/trainer.h"

namespace reachrank::cli {
namespace {

using topics::Example;

// The default model of a build: <bin>/../models/topics-default.
std::string DefaultModelDir() {
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "models/topics-default";
  return (exe.parent_path().parent_path() / "models" / "topics-default").string();
}

void Progress(absl::string_view line) {
  std::cerr << "topics: " << line << "\n";
}

absl::StatusOr<std::vector<Example>> ReadAll(
    const std::vector<std::string>& files) {
  std::vector<Example> all;
  for (const std::string& file : files) {
    RR_ASSIGN_OR_RETURN(std::vector<Example> examples,
                        topics::ReadExamples(file));
    Progress(absl::StrCat("read ", examples.size(), " examples from ", file));
    all.insert(all.end(), examples.begin(), examples.end());
  }
  return all;
}

struct TrainFlags {
  std::vector<std::string> data;
  std::string out;
  std::string taxonomy;
  topics::TrainOptions options = topics::DefaultTrainOptions();
  bool no_han_model = false;
};

absl::Status RunTrain(const TrainFlags& flags) {
  RR_ASSIGN_OR_RETURN(std::vector<Example> examples, ReadAll(flags.data));
  topics::TrainOptions options = flags.options;
  if (flags.no_han_model) options.han_fasttext.reset();
  if (!flags.taxonomy.empty()) {
    RR_ASSIGN_OR_RETURN(options.taxonomy,
                        topics::Taxonomy::Load(flags.taxonomy));
  }
  return topics::TrainModelDir(examples, options, flags.out, Progress);
}

// The model of mostly-Han texts (model.han.bin): its own settings.
// --simplify-han / --no-simplify-han set `value` (which must outlive `cmd`).
// Two flags rather than CLI11's "!--no-x" form, whose help shows "{false}".
void AddSimplifyHanFlags(CLI::App& cmd, bool& value) {
  CLI::Option* on = cmd.add_flag_callback(
      "--simplify-han", [&value] { value = true; },
      "map texts in Traditional Han characters to Simplified before "
      "segmenting (the default)");
  CLI::Option* off = cmd.add_flag_callback(
      "--no-simplify-han", [&value] { value = false; },
      "keep Traditional Han characters as they are");
  on->excludes(off);
}

void AddHanFlags(CLI::App& cmd, TrainFlags& f) {
  topics::FastTextOptions& han = *f.options.han_fasttext;
  cmd.add_flag("--no-han-model", f.no_han_model,
               "one model for all scripts (no model.han.bin)");
  cmd.add_option("--han-routing", f.options.han_routing,
                 "mostly-Han texts: 'average' of both models' probabilities "
                 "or 'han-model' alone")
      ->capture_default_str()
      ->check(CLI::IsMember({topics::kHanRoutingAverage,
                             topics::kHanRoutingHanModel}));
  cmd.add_option("--han-seeds", f.options.han_seeds,
                 "train model.han.bin with this many fastText seeds (seed, "
                 "seed+1, ...) and average them")
      ->capture_default_str()
      ->check(CLI::Range(1, topics::kMaxHanSeeds));
  cmd.add_option("--han-weight", f.options.han_weight,
                 "'average': weight of the Han models against model.bin")
      ->capture_default_str()
      ->check(services::Fraction());
  cmd.add_option("--han-epoch", han.epoch)->capture_default_str();
  cmd.add_option("--han-lr", han.lr)->capture_default_str();
  cmd.add_option("--han-dim", han.dim)->capture_default_str();
  cmd.add_option("--han-word-ngrams", han.word_ngrams)->capture_default_str();
  cmd.add_option("--han-minn", han.minn)->capture_default_str();
  cmd.add_option("--han-maxn", han.maxn)->capture_default_str();
  cmd.add_option("--han-bucket", han.bucket)->capture_default_str();
}

void AddTrainFlags(CLI::App& cmd, TrainFlags& f) {
  topics::FastTextOptions& ft = f.options.fasttext;
  cmd.add_option("--data", f.data, "SIB-200 TSV or JSONL files")
      ->required()->check(CLI::ExistingFile);
  cmd.add_option("--out", f.out, "model directory to write")->required();
  cmd.add_option("--taxonomy", f.taxonomy,
                 "taxonomy TSV (default: the data's labels, names = ids)");
  cmd.add_option("--name", f.options.name, "model version prefix")
      ->capture_default_str();
  cmd.add_option("--epoch", ft.epoch)->capture_default_str();
  cmd.add_option("--lr", ft.lr, "learning rate")->capture_default_str();
  cmd.add_option("--dim", ft.dim, "vector size")->capture_default_str();
  cmd.add_option("--word-ngrams", ft.word_ngrams)->capture_default_str();
  cmd.add_option("--minn", ft.minn, "min char n-gram (0: none)")
      ->capture_default_str();
  cmd.add_option("--maxn", ft.maxn, "max char n-gram")->capture_default_str();
  cmd.add_option("--bucket", ft.bucket, "hashed n-gram rows")
      ->capture_default_str();
  cmd.add_option("--loss", ft.loss, "softmax, ns, hs or ova")
      ->capture_default_str();
  cmd.add_option("--threads", ft.thread, "1 = deterministic")
      ->capture_default_str();
  cmd.add_option("--seed", ft.seed)->capture_default_str();
  cmd.add_option("--verbose", ft.verbose, "fastText's progress: 0, 1, 2")
      ->capture_default_str();
  cmd.add_option("--cjk-char-ngrams", f.options.segmenter.cjk_char_ngrams,
                 "Han character n-grams 1..N after each Han word (0: off)")
      ->capture_default_str()
      ->check(CLI::Range(0, topics::kMaxCjkCharNgrams));
  AddSimplifyHanFlags(cmd, f.options.segmenter.simplify_han);
  AddHanFlags(cmd, f);
}

struct EvalFlags {
  std::string model = DefaultModelDir();
  std::string baseline;  // a second model to compare with, or empty
  std::vector<std::string> data;
};

// INVALID_ARGUMENT naming the first example whose topic `model` cannot
// predict (it would count as an error of the model) or whose text is
// longer than the classifier takes.
absl::Status CheckTopicsKnown(const std::vector<Example>& examples,
                              const topics::FastTextClassifier& model,
                              const std::string& dir) {
  for (const Example& e : examples) {
    if (e.text.size() > topics::kMaxTextBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(e.where, ": text: ", e.text.size(), " bytes, at most ",
                       topics::kMaxTextBytes));
    }
    if (!model.taxonomy().Contains(e.topic)) {
      return absl::InvalidArgumentError(absl::StrCat(
          e.where, ": topic \"", e.topic, "\" is not in the taxonomy of ", dir,
          " (", topics::kTaxonomyFile, ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status RunEval(const EvalFlags& flags) {
  RR_ASSIGN_OR_RETURN(auto classifier,
                      topics::FastTextClassifier::Load(flags.model));
  RR_ASSIGN_OR_RETURN(std::vector<Example> examples, ReadAll(flags.data));
  RR_RETURN_IF_ERROR(CheckTopicsKnown(examples, *classifier, flags.model));
  std::vector<std::string> ids;
  for (const topics::Topic& t : classifier->taxonomy().topics()) {
    ids.push_back(t.id);
  }
  RR_ASSIGN_OR_RETURN(topics::EvalReport report,
                      topics::Evaluate(*classifier, examples, ids));
  std::cout << "model " << classifier->ModelVersion() << "\n"
            << topics::FormatReport(report);
  if (flags.baseline.empty()) return absl::OkStatus();
  RR_ASSIGN_OR_RETURN(auto baseline,
                      topics::FastTextClassifier::Load(flags.baseline));
  RR_RETURN_IF_ERROR(CheckTopicsKnown(examples, *baseline, flags.baseline));
  RR_ASSIGN_OR_RETURN(topics::PairedReport paired,
                      topics::ComparePaired(*classifier, *baseline, examples));
  std::cout << "\naccuracy of a (" << classifier->ModelVersion()
            << ") minus b (" << baseline->ModelVersion()
            << "), the same texts, paired:\n"
            << topics::FormatPaired(paired);
  return absl::OkStatus();
}

struct ClassifyFlags {
  std::string model = DefaultModelDir();
  int top_k = topics::kDefaultTopK;
  std::string language;
};

nlohmann::json ResultJson(int line, const topics::Classification& c) {
  nlohmann::json topics = nlohmann::json::array();
  for (const topics::TopicProbability& t : c.topics) {
    topics.push_back({{"topic_id", t.topic_id}, {"probability", t.probability}});
  }
  return {{"line", line}, {"language", c.language}, {"topics", topics}};
}

// One JSON object per input line; a bad line gets {"line", "error"} and
// makes the exit status 1, the rest are still classified.
absl::Status RunClassify(const ClassifyFlags& flags) {
  RR_ASSIGN_OR_RETURN(auto classifier,
                      topics::FastTextClassifier::Load(flags.model));
  absl::Status first_error;
  std::string text;
  for (int line = 1; std::getline(std::cin, text); ++line) {
    topics::TextItem item{std::to_string(line), text, flags.language};
    auto result = classifier->Classify({&item, 1}, flags.top_k);
    nlohmann::json out =
        result.ok() ? ResultJson(line, (*result)[0])
                    : nlohmann::json{{"line", line},
                                     {"error", result.status().ToString()}};
    std::cout << out.dump(-1, ' ', false,
                          nlohmann::json::error_handler_t::replace)
              << "\n";
    if (!result.ok() && first_error.ok()) first_error = result.status();
  }
  return first_error;
}

struct SegmentFlags {
  std::vector<std::string> data;
  topics::TrainOptions options = topics::DefaultTrainOptions();
  bool han_only = false;
};

// Writes the exact fastText input that `train` would use.
absl::Status RunSegment(const SegmentFlags& flags) {
  RR_ASSIGN_OR_RETURN(std::vector<Example> examples, ReadAll(flags.data));
  RR_ASSIGN_OR_RETURN(auto segmenter,
                      topics::Segmenter::Create(flags.options.segmenter));
  RR_ASSIGN_OR_RETURN(std::vector<std::string> lines,
                      topics::FastTextLines(examples, *segmenter,
                                            flags.options.shuffle_seed,
                                            flags.han_only));
  for (const std::string& line : lines) std::cout << line << "\n";
  return absl::OkStatus();
}

// Gives a model directory whose metadata.json was edited by hand (a
// han_weight tuned without retraining, say) the version of its files and
// settings; the files themselves must be intact, and the sealed directory
// must load as a classifier (else its metadata.json is put back as it was
// and FAILED_PRECONDITION says why).
absl::Status RunSeal(const std::string& dir) {
  const std::string metadata_path = dir + "/metadata.json";
  RR_ASSIGN_OR_RETURN(const std::string before,
                      topics::ReadFile(metadata_path));
  RR_ASSIGN_OR_RETURN(std::string previous, topics::ResealModelDir(dir));
  if (auto loaded = topics::FastTextClassifier::Load(dir); !loaded.ok()) {
    RR_ASSIGN_OR_RETURN(auto out,
                        OutputFile::Open("metadata.json", metadata_path));
    out->stream() << before;
    RR_RETURN_IF_ERROR(out->Commit());
    return absl::FailedPreconditionError(absl::StrCat(
        dir,
        ": not sealed, as it would not load: ", loaded.status().message()));
  }
  RR_ASSIGN_OR_RETURN(topics::ModelMetadata sealed, topics::OpenModelDir(dir));
  std::cout << dir << ": model_version " << previous << " -> "
            << sealed.model_version << "\n";
  return absl::OkStatus();
}

// The rule the services apply to a language tag.
CLI::Validator LanguageTag() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const char* rule = ingest::LanguageRule(value);
        return rule == nullptr ? std::string()
                               : absl::StrCat(rule, ", not '", value, "'");
      },
      "TAG");
}

}  // namespace

void AddTopicsCommands(CLI::App& app, CommandSet& commands) {
  CLI::App* topics = app.add_subcommand("topics", "topic classification");
  topics->require_subcommand(1);

  auto train_flags = std::make_shared<TrainFlags>();
  CLI::App* train = topics->add_subcommand(
      "train", "train a model directory (defaults chosen on SIB-200 dev)");
  AddTrainFlags(*train, *train_flags);
  commands.Add(train, [train_flags] { return ExitCode(RunTrain(*train_flags)); });

  auto eval_flags = std::make_shared<EvalFlags>();
  CLI::App* eval = topics->add_subcommand(
      "eval", "accuracy per language, macro-F1 and confusion matrix");
  eval->add_option("--model", eval_flags->model)->capture_default_str();
  eval->add_option("--baseline", eval_flags->baseline,
                   "a second model directory: also print the accuracy "
                   "difference per language, paired on the same texts, with "
                   "its 95% interval");
  eval->add_option("--data", eval_flags->data, "SIB-200 TSV or JSONL files")
      ->required()->check(CLI::ExistingFile);
  commands.Add(eval, [eval_flags] { return ExitCode(RunEval(*eval_flags)); });

  auto classify_flags = std::make_shared<ClassifyFlags>();
  CLI::App* classify = topics->add_subcommand(
      "classify", "text lines on stdin -> JSON lines on stdout");
  classify->add_option("--model", classify_flags->model)->capture_default_str();
  classify->add_option("--top-k", classify_flags->top_k, "topics per line")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  classify
      ->add_option("--language", classify_flags->language,
                   "language of every line (default: detect)")
      ->check(LanguageTag());
  commands.Add(classify,
               [classify_flags] { return ExitCode(RunClassify(*classify_flags)); });

  auto segment_flags = std::make_shared<SegmentFlags>();
  CLI::App* segment = topics->add_subcommand(
      "segment", "print the fastText input that train would use");
  segment->add_option("--data", segment_flags->data)
      ->required()->check(CLI::ExistingFile);
  segment
      ->add_option("--cjk-char-ngrams",
                   segment_flags->options.segmenter.cjk_char_ngrams)
      ->capture_default_str()
      ->check(CLI::Range(0, topics::kMaxCjkCharNgrams));
  AddSimplifyHanFlags(*segment, segment_flags->options.segmenter.simplify_han);
  segment->add_flag("--han-only", segment_flags->han_only,
                    "only the mostly-Han texts (model.han.bin's input)");
  commands.Add(segment,
               [segment_flags] { return ExitCode(RunSegment(*segment_flags)); });

  auto seal_dir = std::make_shared<std::string>();
  CLI::App* seal = topics->add_subcommand(
      "seal",
      "after editing a model directory's metadata.json by hand: "
      "give it the version of its files and settings");
  seal->add_option("dir", *seal_dir, "the model directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  commands.Add(seal, [seal_dir] { return ExitCode(RunSeal(*seal_dir)); });
}

}  // namespace reachrank::cli
