// P2: Rank of 1,000 candidates in-process (fetch + features + evaluation)
// against the raw fetch of the same keys on the same database: the storage
// layer's MultiGetPosts + MultiGetPostCounters (one MultiGet per column
// family, records parsed), which is the least any ranking must read.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "ranking/scorer.h"
#include "ranking/testing/sim_store.h"

namespace reachrank {
namespace {

struct Fixture {
  std::string dir;
  std::unique_ptr<storage::Store> store;
  std::vector<std::string> candidates;  // 1,000 post ids
};

Fixture* Shared() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ranking_bench_XXXXXX")
            .string();
    fx->dir = mkdtemp(pattern.data());
    storage::StoreOptions options;
    options.path = fx->dir;
    fx->store = *storage::Store::Open(options);
    sim::SimOptions sim;
    sim.people = 400;
    sim.days = 45;
    auto summary = ranking::testing::FillStoreFromSim(sim, *fx->store);
    if (!summary.ok()) std::abort();
    (void)fx->store->Flush();
    // The newest 1,000 posts: a feed's candidates are recent.
    const auto& ids = summary->post_ids;
    fx->candidates.assign(ids.end() - std::min<size_t>(1000, ids.size()),
                          ids.end());
    // The database goes when the benchmark exits. Registered after the
    // store opened, so that it runs before RocksDB's own static objects
    // (made during the open) are destroyed: registered first, it closed
    // the store after them and crashed at exit.
    std::atexit([] {
      Fixture* f = Shared();
      f->store.reset();
      std::error_code ignored;
      std::filesystem::remove_all(f->dir, ignored);
    });
    return fx;
  }();
  return f;
}

void BM_RawMultiGet(benchmark::State& state) {
  Fixture* f = Shared();
  for (auto _ : state) {
    auto posts = f->store->MultiGetPosts(f->candidates);
    auto counters = f->store->MultiGetPostCounters(f->candidates);
    benchmark::DoNotOptimize(posts);
    benchmark::DoNotOptimize(counters);
  }
  state.SetItemsProcessed(state.iterations() * f->candidates.size());
}

// range(0): context cache TTL in seconds (0 = every account and market
// context read from the store on every call). Text figures are always
// remembered (they depend on the text only).
void BM_Rank(benchmark::State& state) {
  Fixture* f = Shared();
  ranking::ScorerOptions options;
  options.features.context_ttl = absl::Seconds(state.range(0));
  auto scorer = ranking::Scorer::Create(*f->store, nullptr, options);
  if (!scorer.ok()) std::abort();
  // One untimed call first: a serving process ranks with warm caches.
  if (!(*scorer)->Rank(f->candidates, 100, std::nullopt, false, "en").ok()) {
    std::abort();
  }
  for (auto _ : state) {
    auto ranked =
        (*scorer)->Rank(f->candidates, 100, std::nullopt, false, "en");
    benchmark::DoNotOptimize(ranked);
  }
  state.SetItemsProcessed(state.iterations() * f->candidates.size());
}

BENCHMARK(BM_RawMultiGet)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Rank)->Arg(0)->Arg(3600)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace reachrank

BENCHMARK_MAIN();
