// P7's raw parts: what `reachrank score` does per draft, each part timed on
// its own over the same drafts, database and models, in batches of 256
// drafts as the CLI's pipeline cuts them. One run is one pass over all the
// drafts, shared out between one thread per core, starting with a fresh
// feature extractor and scorer (so that each run pays the account and
// market context reads once, as the CLI does):
//   BM_Classify   the topic classifier (fastText model directory)
//   BM_Features   FeatureExtractor::Extract on the classified drafts
//   BM_Evaluate   the draft model's PredictProbability on their rows
//   BM_ScoreDrafts Scorer::ScoreDrafts, the three together (reference)
// The drafts/s of the raw parts is 1 / (1/classify + 1/features +
// 1/evaluate); bench/run compares it with the CLI's own drafts/s.
//
// Flags after Google Benchmark's own: --db=DIR (a database, opened as a
// secondary), --drafts=FILE (JSONL drafts), --model=DIR (a model set;
// empty: the priors), --topics-model=DIR (default: the build's model).
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "benchmark/benchmark.h"
#include "google/protobuf/util/json_util.h"
#include "ranking/feature_names.h"
#include "ranking/features.h"
#include "ranking/scorer.h"
#include "storage/store.h"
#include "topics/fasttext_classifier.h"

namespace reachrank {
namespace {

constexpr size_t kBatch = 256;  // the pipeline's default batch size

struct Flags {
  std::string db, drafts, model;
  std::string topics_model = REACHRANK_TOPICS_MODEL_DIR;
};

struct Fixture {
  std::string secondary_dir;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<topics::TopicClassifier> classifier;
  ranking::ModelSet models;
  std::unique_ptr<ranking::FeatureExtractor> extractor;
  std::unique_ptr<ranking::Scorer> scorer;
  std::vector<v1::Draft> drafts;
  std::vector<std::vector<topics::TextItem>> items;        // per batch
  std::vector<std::vector<topics::Classification>> classes;  // per batch
  std::vector<std::vector<ranking::PostInput>> inputs;      // per batch
  std::vector<std::vector<float>> rows;  // per batch, draft width
  ranking::ScorerOptions scorer_options;
};

Flags& GetFlags() {
  static Flags flags;
  return flags;
}

[[noreturn]] void Die(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "score_parts_bench: %s: %s\n", what.c_str(),
               status.ToString().c_str());
  std::exit(2);
}

std::vector<v1::Draft> ReadDrafts(const std::string& path) {
  std::ifstream in(path);
  std::vector<v1::Draft> drafts;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    v1::Draft d;
    auto status = google::protobuf::util::JsonStringToMessage(line, &d, options);
    if (!status.ok()) Die(path, absl::InvalidArgumentError(status.ToString()));
    drafts.push_back(std::move(d));
  }
  if (drafts.empty()) Die(path, absl::NotFoundError("no drafts"));
  return drafts;
}

// Classifies, extracts and narrows every batch once, so each part can be
// timed on its own inputs.
void PrepareBatches(Fixture& f) {
  const absl::Time now = absl::Now();
  const size_t width = f.models.draft->num_features();
  for (size_t start = 0; start < f.drafts.size(); start += kBatch) {
    const size_t end = std::min(f.drafts.size(), start + kBatch);
    auto& items = f.items.emplace_back();
    for (size_t i = start; i < end; ++i) {
      const v1::Draft& d = f.drafts[i];
      items.push_back({d.draft_id(), d.text(), d.language()});
    }
    auto classes = f.classifier->Classify(items, 3);
    if (!classes.ok()) Die("classify", classes.status());
    auto& inputs = f.inputs.emplace_back();
    for (size_t i = start; i < end; ++i) {
      inputs.push_back(ranking::PostInputFromDraft(
          f.drafts[i], (*classes)[i - start], now));
    }
    f.classes.push_back(*std::move(classes));
    std::vector<ranking::FeatureRequest> requests;
    for (const auto& p : inputs) requests.push_back({&p, p.created_at});
    auto batch = f.extractor->Extract(requests);
    if (!batch.ok()) Die("features", batch.status());
    auto& rows = f.rows.emplace_back();
    for (size_t i = 0; i < inputs.size(); ++i) {
      rows.insert(rows.end(), batch->row(i), batch->row(i) + width);
    }
  }
}

Fixture* Load() {
  const Flags& flags = GetFlags();
  auto f = std::make_unique<Fixture>();
  std::string pattern =
      (std::filesystem::temp_directory_path() / "score_parts_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  f->secondary_dir = pattern;
  storage::StoreOptions options;
  options.path = flags.db;
  auto store = storage::Store::OpenSecondary(options, f->secondary_dir);
  if (!store.ok()) Die(flags.db, store.status());
  f->store = *std::move(store);
  auto classifier = topics::FastTextClassifier::Load(flags.topics_model);
  if (!classifier.ok()) Die(flags.topics_model, classifier.status());
  f->classifier = *std::move(classifier);
  auto models = flags.model.empty() ? ranking::PriorModelSet()
                                    : ranking::LoadModelSet(flags.model);
  if (!models.ok()) Die(flags.model, models.status());
  f->models = *std::move(models);
  // As the CLI's local engine: contexts reused for an hour.
  f->scorer_options.features.context_ttl = absl::Hours(1);
  f->extractor = std::make_unique<ranking::FeatureExtractor>(
      *f->store, f->scorer_options.features);
  f->drafts = ReadDrafts(flags.drafts);
  PrepareBatches(*f);
  return f.release();
}

Fixture& Get() {
  static Fixture* fixture = Load();  // leaked: lives until exit
  return *fixture;
}

// Before each run, on one thread: a cold extractor and scorer.
void FreshEngine(const benchmark::State&) {
  Fixture& f = Get();
  f.extractor = std::make_unique<ranking::FeatureExtractor>(
      *f.store, f.scorer_options.features);
  auto s = ranking::Scorer::Create(*f.store, f.classifier.get(),
                                   f.scorer_options, GetFlags().model);
  if (!s.ok()) Die("scorer", s.status());
  f.scorer = *std::move(s);
}

// Thread t takes batches t, t + T, t + 2T...; the last iterations of a
// thread may have none left.
struct Batches {
  explicit Batches(const benchmark::State& state)
      : next(static_cast<size_t>(state.thread_index())),
        step(static_cast<size_t>(state.threads())) {}
  bool Next(size_t total, size_t* b) {
    *b = next;
    next += step;
    return *b < total;
  }
  size_t next, step;
};

void BM_Classify(benchmark::State& state) {
  Fixture& f = Get();
  Batches batches(state);
  size_t b = 0, drafts = 0;
  for (auto _ : state) {
    if (!batches.Next(f.items.size(), &b)) continue;
    benchmark::DoNotOptimize(f.classifier->Classify(f.items[b], 3));
    drafts += f.items[b].size();
  }
  state.SetItemsProcessed(drafts);
}

void BM_Features(benchmark::State& state) {
  Fixture& f = Get();
  Batches batches(state);
  size_t b = 0, drafts = 0;
  std::vector<ranking::FeatureRequest> requests;
  for (auto _ : state) {
    if (!batches.Next(f.inputs.size(), &b)) continue;
    requests.clear();
    for (const auto& p : f.inputs[b]) requests.push_back({&p, p.created_at});
    benchmark::DoNotOptimize(f.extractor->Extract(requests));
    drafts += requests.size();
  }
  state.SetItemsProcessed(drafts);
}

void BM_Evaluate(benchmark::State& state) {
  Fixture& f = Get();
  const ranking::Model& model = *f.models.draft;
  const size_t width = model.num_features();
  Batches batches(state);
  size_t b = 0, drafts = 0;
  std::vector<float> p(kBatch);
  for (auto _ : state) {
    if (!batches.Next(f.rows.size(), &b)) continue;
    const size_t n = f.rows[b].size() / width;
    benchmark::DoNotOptimize(
        model.PredictProbability(f.rows[b].data(), n, width, p.data()));
    drafts += n;
  }
  state.SetItemsProcessed(drafts);
}

void BM_ScoreDrafts(benchmark::State& state) {
  Fixture& f = Get();
  Batches batches(state);
  size_t b = 0, drafts = 0;
  for (auto _ : state) {
    if (!batches.Next(f.items.size(), &b)) continue;
    const size_t start = b * kBatch;
    const size_t n = std::min(kBatch, f.drafts.size() - start);
    benchmark::DoNotOptimize(f.scorer->ScoreDrafts(
        absl::MakeConstSpan(f.drafts).subspan(start, n), false, "en"));
    drafts += n;
  }
  state.SetItemsProcessed(drafts);
}

// Every part on one thread per core, wall time (as the CLI runs), one pass
// over the drafts per run.
void Register() {
  const int threads =
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int64_t per_thread = (Get().items.size() + threads - 1) / threads;
  for (auto* bm : {benchmark::RegisterBenchmark("BM_Classify", BM_Classify),
                   benchmark::RegisterBenchmark("BM_Features", BM_Features),
                   benchmark::RegisterBenchmark("BM_Evaluate", BM_Evaluate),
                   benchmark::RegisterBenchmark("BM_ScoreDrafts",
                                                BM_ScoreDrafts)}) {
    bm->Threads(threads)
        ->UseRealTime()
        ->Iterations(per_thread)
        ->Setup(FreshEngine)
        ->Unit(benchmark::kMillisecond);
  }
}

// Takes --db=, --drafts=, --model=, --topics-model= out of argv.
bool ParseFlags(int argc, char** argv) {
  Flags& flags = GetFlags();
  const std::pair<const char*, std::string*> known[] = {
      {"--db=", &flags.db},
      {"--drafts=", &flags.drafts},
      {"--model=", &flags.model},
      {"--topics-model=", &flags.topics_model}};
  for (int i = 1; i < argc; ++i) {
    bool matched = false;
    for (const auto& [prefix, value] : known) {
      if (absl::StartsWith(argv[i], prefix)) {
        *value = argv[i] + std::strlen(prefix);
        matched = true;
      }
    }
    if (!matched) {
      std::fprintf(stderr, "score_parts_bench: unknown flag %s\n", argv[i]);
      return false;
    }
  }
  return !flags.db.empty() && !flags.drafts.empty();
}

}  // namespace
}  // namespace reachrank

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (!reachrank::ParseFlags(argc, argv)) {
    std::fprintf(stderr,
                 "usage: score_parts_bench [benchmark flags] --db=DIR "
                 "--drafts=FILE [--model=DIR] [--topics-model=DIR]\n");
    return 1;
  }
  reachrank::Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
