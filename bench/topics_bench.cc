// topics_bench: texts/s through the topic classifier (normalise + segment +
// predict) against raw fastText predictLine on pre-tokenised text, with the
// same model and the same texts (SIB-200's test split, en+de+zh, 612
// sentences): one text at a time (BM_Classify) and through the batch entry
// point with validation (BM_ClassifyBatch). Also the ICU step alone and the
// classifier with language detection. Ratios are in docs/benchmarks.md.
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "fasttext/fasttext.h"
#include "topics/dataset.h"
#include "topics/fasttext_classifier.h"

namespace reachrank::topics {
namespace {

struct Fixture {
  std::unique_ptr<FastTextClassifier> classifier;
  // The same model.bin and model.han.bin (and its other seeds), loaded
  // again.
  std::unique_ptr<FastTextModel> raw;
  std::vector<std::unique_ptr<FastTextModel>> raw_han;
  std::unique_ptr<Segmenter> segmenter;
  std::vector<TextItem> items;      // text with its language
  // Pre-tokenised, as fastText's CLI reads them (with the newline), and the
  // models the classifier routes each text to (for a mostly-Han text every
  // seed of model.han.bin and, under han_routing "average", model.bin: the
  // raw side predicts with all of them too).
  std::vector<std::string> lines;
  std::vector<std::vector<const fasttext::FastText*>> models;
};

std::vector<const fasttext::FastText*> RawModels(const Fixture& f, bool han) {
  if (!han) return {&f.raw->fasttext()};
  std::vector<const fasttext::FastText*> models;
  for (const auto& model : f.raw_han) models.push_back(&model->fasttext());
  if (f.classifier->metadata().han_routing == kHanRoutingAverage) {
    models.push_back(&f.raw->fasttext());
  }
  return models;
}

Fixture* Load() {
  auto fixture = std::make_unique<Fixture>();
  const std::string dir = REACHRANK_TOPICS_MODEL_DIR;
  fixture->classifier = FastTextClassifier::Load(dir).value();
  fixture->raw = FastTextModel::Load(dir + "/" + kTopicModelFile).value();
  for (int i = 0; i < fixture->classifier->metadata().han_seeds; ++i) {
    fixture->raw_han.push_back(
        FastTextModel::Load(dir + "/" + HanTopicModelFile(i)).value());
  }
  fixture->segmenter =
      Segmenter::Create(fixture->classifier->metadata().segmenter).value();
  for (const char* language : {"eng_Latn", "deu_Latn", "zho_Hans"}) {
    const std::string path = std::string(REACHRANK_DATA_DIR) + "/sib200/" +
                             language + "/test.tsv";
    std::vector<Example> examples = ReadExamples(path).value();
    for (Example& e : examples) {
      Segmentation s = fixture->segmenter->Segment(e.text).value();
      fixture->lines.push_back(JoinTokens(s.tokens) + "\n");
      fixture->models.push_back(RawModels(*fixture, MostlyHan(s)));
      fixture->items.push_back({"", std::move(e.text), e.language});
    }
  }
  return fixture.release();
}

const Fixture& Get() {
  static const Fixture* fixture = Load();  // leaked: used until exit
  return *fixture;
}

void BM_RawPredictLine(benchmark::State& state) {
  const Fixture& f = Get();
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  for (auto _ : state) {
    for (size_t i = 0; i < f.lines.size(); ++i) {
      for (const fasttext::FastText* model : f.models[i]) {
        std::istringstream in(f.lines[i]);
        model->predictLine(in, predictions, 1, 0.0);
        benchmark::DoNotOptimize(predictions.data());
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * f.lines.size());
}
BENCHMARK(BM_RawPredictLine);

void BM_Classify(benchmark::State& state) {
  const Fixture& f = Get();
  for (auto _ : state) {
    for (const TextItem& item : f.items) {
      benchmark::DoNotOptimize(f.classifier->ClassifyOne(item, 1));
    }
  }
  state.SetItemsProcessed(state.iterations() * f.items.size());
}
BENCHMARK(BM_Classify);

// The same texts through Classify, the entry point of the topic service,
// `reachrank score` and the ingest classifier, in calls of `batch` items
// (256: what `reachrank score` and the ingest classifier send per call).
void BM_ClassifyBatch(benchmark::State& state) {
  const Fixture& f = Get();
  const size_t batch = static_cast<size_t>(state.range(0));
  const absl::Span<const TextItem> items = f.items;
  for (auto _ : state) {
    for (size_t start = 0; start < items.size(); start += batch) {
      benchmark::DoNotOptimize(
          f.classifier->Classify(items.subspan(start, batch), 1));
    }
  }
  state.SetItemsProcessed(state.iterations() * items.size());
}
BENCHMARK(BM_ClassifyBatch)->Arg(256);

void BM_ClassifyDetectLanguage(benchmark::State& state) {
  const Fixture& f = Get();
  std::vector<TextItem> items = f.items;
  for (TextItem& item : items) item.language.clear();
  for (auto _ : state) {
    for (const TextItem& item : items) {
      benchmark::DoNotOptimize(f.classifier->ClassifyOne(item, 1));
    }
  }
  state.SetItemsProcessed(state.iterations() * items.size());
}
BENCHMARK(BM_ClassifyDetectLanguage);

void BM_SegmentOnly(benchmark::State& state) {
  const Fixture& f = Get();
  for (auto _ : state) {
    for (const TextItem& item : f.items) {
      benchmark::DoNotOptimize(f.segmenter->Segment(item.text));
    }
  }
  state.SetItemsProcessed(state.iterations() * f.items.size());
}
BENCHMARK(BM_SegmentOnly);

void BM_ClassifyThreads(benchmark::State& state) {
  const Fixture& f = Get();
  for (auto _ : state) {
    for (const TextItem& item : f.items) {
      benchmark::DoNotOptimize(f.classifier->ClassifyOne(item, 1));
    }
  }
  state.SetItemsProcessed(state.iterations() * f.items.size());
}
BENCHMARK(BM_ClassifyThreads)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace reachrank::topics

BENCHMARK_MAIN();
