// prior-v1: the model a fresh install serves before any model is trained. A
// logistic model per feature set whose weights follow DESIGN.md's factors
// (documented in docs/model.md): useful, uncrowded, evergreen topics, a
// focused and regular account with a history of reaching strangers, and —
// for live posts — how strangers (not followers) reacted so far.
#ifndef REACHRANK_RANKING_PRIOR_H_
#define REACHRANK_RANKING_PRIOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ranking/feature_names.h"
#include "ranking/model/model.h"

namespace reachrank::ranking {

inline constexpr char kPriorVersion[] = "prior-v1";

// One weight of the prior: margin += weight * (x - center). `center` is a
// typical value; a missing feature (NaN) adds nothing to the margin.
struct PriorTerm {
  const char* feature;
  double weight;
  double center;
};

// The terms of the prior for `set` (features without a term weigh 0).
const std::vector<PriorTerm>& PriorTerms(FeatureSet set);
// The margin of a row whose present features all sit at their centers.
double PriorCenterMargin(FeatureSet set);

// The prior for `set` as a Model (version kPriorVersion). Its
// PredictContributions reports each feature relative to its center,
// w * (x - center) (a missing feature: 0), and the bias absorbs the
// rest, so contributions still sum to the margin. Never fails for the
// built-in terms; INTERNAL if they were inconsistent.
absl::StatusOr<std::unique_ptr<Model>> MakePriorModel(FeatureSet set);

// The prior for `set` as the text of a logistic model.json
// ({"intercept", "weights", "missing"}; missing = the centers), its margin
// rescaled: margin' = scale * margin + offset (Platt scaling; 1 and 0 give
// the prior itself). Loaded with the prior's feature names, it gives the
// same margins, probabilities and contributions as the scaled prior.
std::string PriorModelJson(FeatureSet set, double scale = 1.0,
                           double offset = 0.0);

// Writes the prior for `set` as a model directory (`dir`/model.json as
// PriorModelJson(set), `dir`/metadata.json), creating `dir`. A model
// loaded from it gives the same margins, probabilities and contributions.
// INTERNAL on a write error.
absl::Status WritePriorModelDir(FeatureSet set, const std::string& dir);

// The feature set whose FeatureNames() are `names`, exactly; INVALID_ARGUMENT
// for any other list (the prior has terms for those two sets only).
absl::StatusOr<FeatureSet> PriorFeatureSet(
    const std::vector<std::string>& names);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_PRIOR_H_
