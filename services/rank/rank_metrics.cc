#include "services/rank/rank_metrics.h"

namespace reachrank::rank {
namespace {

prometheus::Histogram::BucketBoundaries ScoreBuckets() {
  prometheus::Histogram::BucketBoundaries b;
  // i / 20.0 rather than 0.05 * i: labels read "0.6", not "0.6000000000000001".
  for (int i = 1; i <= 20; ++i) b.push_back(i / 20.0);
  return b;
}

prometheus::Family<prometheus::Histogram>& ScoresFamily(
    prometheus::Registry& r) {
  return prometheus::BuildHistogram()
      .Name("reachrank_rank_scores")
      .Help("p_reach of the scores returned, by what was scored.")
      .Register(r);
}

prometheus::Family<prometheus::Counter>& CandidatesFamily(
    prometheus::Registry& r) {
  return prometheus::BuildCounter()
      .Name("reachrank_rank_candidates_total")
      .Help("Rank candidates, scored or unknown.")
      .Register(r);
}

prometheus::Family<prometheus::Counter>& ReloadsFamily(
    prometheus::Registry& r) {
  return prometheus::BuildCounter()
      .Name("reachrank_rank_reloads_total")
      .Help("Ranking model loads, by result.")
      .Register(r);
}

}  // namespace

// prometheus-cpp returns the same family for a repeated name, so each
// member can build its own.
RankMetrics::RankMetrics(prometheus::Registry& registry)
    : post_scores_(
          ScoresFamily(registry).Add({{"kind", "post"}}, ScoreBuckets())),
      draft_scores_(
          ScoresFamily(registry).Add({{"kind", "draft"}}, ScoreBuckets())),
      scored_(CandidatesFamily(registry).Add({{"result", "scored"}})),
      unknown_(CandidatesFamily(registry).Add({{"result", "unknown"}})),
      model_info_(prometheus::BuildGauge()
                      .Name("reachrank_model_info")
                      .Help("1 for the ranking model set now serving.")
                      .Register(registry)),
      reloads_ok_(ReloadsFamily(registry).Add({{"result", "ok"}})),
      reloads_refused_(ReloadsFamily(registry).Add({{"result", "refused"}})) {}

void RankMetrics::Scored(ScoreKind kind, double p_reach) {
  (kind == ScoreKind::kPost ? post_scores_ : draft_scores_).Observe(p_reach);
}

void RankMetrics::Candidates(uint64_t scored, uint64_t unknown) {
  scored_.Increment(static_cast<double>(scored));
  unknown_.Increment(static_cast<double>(unknown));
}

void RankMetrics::ModelServing(const std::string& previous,
                               const std::string& current) {
  if (!previous.empty() && previous != current) {
    prometheus::Labels old = {{"model_version", previous}};
    if (model_info_.Has(old)) model_info_.Remove(&model_info_.Add(old));
  }
  model_info_.Add({{"model_version", current}}).Set(1);
}

void RankMetrics::Reloaded(bool ok) {
  (ok ? reloads_ok_ : reloads_refused_).Increment();
}

}  // namespace reachrank::rank
