// P1: our tree evaluator vs XGBoost's own predictor on the same model
// (300 trees, depth 6, 40 features) and rows, one thread each, at batch 1
// and batch 1,000. Prints the largest |margin difference| before timing.
//   build-*/bin/model_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ranking/model/tree_ensemble.h"
#include "ranking/model/xgboost_json.h"
#include "ranking/model/xgboost_testing.h"

namespace reachrank::ranking {
namespace {

constexpr size_t kFeatures = 40;
constexpr size_t kMaxRows = 1000;

// Owned by main(), which frees it before returning: an XGBoost booster must
// not be freed from a static destructor.
struct Fixture {
  std::unique_ptr<testing::Booster> booster;
  TreeEnsemble ours;
  std::vector<float> rows;
};
Fixture* fixture = nullptr;

void BM_OursPredictMargin(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<float> out(n);
  for (auto _ : state) {
    absl::Status s = fixture->ours.PredictMargin(fixture->rows.data(), n,
                                                 kFeatures, out.data());
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

void BM_XGBoostPredictFromDense(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const float* out = nullptr;
  for (auto _ : state) {
    absl::Status s =
        fixture->booster->PredictDense(fixture->rows.data(), n, kFeatures,
                                       testing::PredictKind::kMargin, &out);
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

BENCHMARK(BM_OursPredictMargin)->Arg(1)->Arg(1000);
BENCHMARK(BM_XGBoostPredictFromDense)->Arg(1)->Arg(1000);

// Largest |ours - XGBoost| margin over the benchmark rows, or NaN on error.
float MaxAbsDiff(const Fixture& f) {
  std::vector<float> ours(kMaxRows);
  const float* theirs = nullptr;
  if (!f.ours.PredictMargin(f.rows.data(), kMaxRows, kFeatures, ours.data())
           .ok() ||
      !f.booster
           ->PredictDense(f.rows.data(), kMaxRows, kFeatures,
                          testing::PredictKind::kMargin, &theirs)
           .ok()) {
    return NAN;
  }
  float worst = 0.0f;
  for (size_t i = 0; i < kMaxRows; ++i) {
    worst = std::max(worst, std::fabs(ours[i] - theirs[i]));
  }
  return worst;
}

absl::StatusOr<std::unique_ptr<Fixture>> MakeFixture() {
  testing::TrainSpec spec;
  spec.num_rows = 5000;
  spec.num_features = kFeatures;
  spec.max_depth = 6;
  spec.num_trees = 300;
  spec.missing_rate = 0.1;
  const std::string path =
      (std::filesystem::temp_directory_path() / "reachrank_model_bench.json")
          .string();
  auto booster = testing::Booster::Train(spec, path);
  if (!booster.ok()) return booster.status();
  auto ours = LoadXGBoostJsonFile(path);
  if (!ours.ok()) return ours.status();
  std::filesystem::remove(path);
  auto fixture = std::make_unique<Fixture>(
      Fixture{*std::move(booster), *std::move(ours),
              testing::RandomRows(kMaxRows, kFeatures, 0.1, 2024)});
  return fixture;
}

}  // namespace
}  // namespace reachrank::ranking

int main(int argc, char** argv) {
  using reachrank::ranking::fixture;
  benchmark::Initialize(&argc, argv);
  auto made = reachrank::ranking::MakeFixture();
  if (!made.ok()) {
    std::fprintf(stderr, "model_bench: %s\n", made.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<reachrank::ranking::Fixture> owned = *std::move(made);
  fixture = owned.get();
  std::printf(
      "model: 300 trees, depth 6, 40 features; max |margin diff| vs "
      "XGBoost on 1000 rows = %g\n",
      reachrank::ranking::MaxAbsDiff(*fixture));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fixture = nullptr;
  owned.reset();  // frees the booster before static destruction
  return 0;
}
