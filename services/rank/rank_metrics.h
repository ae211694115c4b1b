// rank_metrics: the ranking service's domain metrics. Labels carry model
// versions and fixed words, never caller ids:
//   reachrank_rank_scores{kind}  histogram of p_reach (buckets 0.05 .. 1 in
//       steps of 0.05) of every score returned; kind "post" or "draft"
//   reachrank_rank_candidates_total{result}  Rank candidates, result
//       "scored" (found and scored) or "unknown" (not in the database)
//   reachrank_model_info{model_version}  1 for the model set now serving
//   reachrank_rank_reloads_total{result}  model loads, "ok" or "refused"
// The catch-up metrics live beside the loop (catch_up.h).
#ifndef REACHRANK_SERVICES_RANK_RANK_METRICS_H_
#define REACHRANK_SERVICES_RANK_RANK_METRICS_H_

#include <cstdint>
#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace reachrank::rank {

// What was scored.
enum class ScoreKind { kPost, kDraft };

// Registers the families in a registry that must outlive *this.
// Thread-safe.
class RankMetrics {
 public:
  explicit RankMetrics(prometheus::Registry& registry);

  // One score of `kind` with probability `p_reach` was returned.
  void Scored(ScoreKind kind, double p_reach);
  // A Rank call found and scored `scored` candidates and did not find
  // `unknown`.
  void Candidates(uint64_t scored, uint64_t unknown);
  // The serving model set changed from `previous` ("" for none) to
  // `current`. Callers serialise these calls.
  void ModelServing(const std::string& previous, const std::string& current);
  // A model load succeeded (`ok`) or was refused.
  void Reloaded(bool ok);

 private:
  prometheus::Histogram& post_scores_;
  prometheus::Histogram& draft_scores_;
  prometheus::Counter& scored_;
  prometheus::Counter& unknown_;
  prometheus::Family<prometheus::Gauge>& model_info_;
  prometheus::Counter& reloads_ok_;
  prometheus::Counter& reloads_refused_;
};

}  // namespace reachrank::rank

#endif  // REACHRANK_SERVICES_RANK_RANK_METRICS_H_
