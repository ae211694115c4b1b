// prior-v1: the model a fresh install serves before any model is trained. A
// logistic model per feature set whose weights follow DESIGN.md's factors
// (documented in docs/model.md): useful, uncrowded, evergreen topics, a
// focused and regular account with a history of reaching strangers, and —
// for live posts — how strangers (not followers) reacted so far.
#ifndef REACHRANK_RANKING_PRIOR_H_
#define REACHRANK_RANKING_PRIOR_H_

#include <limits>
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
  // A value above counts as `upper`: a linear term is kept to the range it
  // was meant for (the post's age to the label's horizon).
  double upper = std::numeric_limits<double>::infinity();
};

// The terms of the prior for `set` (features without a term weigh 0).
const std::vector<PriorTerm>& PriorTerms(FeatureSet set);
// The margin of a row whose present features all sit at their centers.
inline constexpr double kPriorCenterMargin = -1.0;
double PriorCenterMargin(FeatureSet set);

// The prior's margin in two parts, each a sum of terms w * (x - center)
// (a missing feature adds 0): the draft terms' part D and the early
// signals' part E (0 for the draft set); margin = kPriorCenterMargin + D
// + E. A calibration rescales the parts (PriorScaling).
struct PriorParts {
  double draft = 0.0;
  double early = 0.0;
};
// The parts of one row of FeatureNames(set) values.
PriorParts PriorPartsOf(FeatureSet set, const float* row);

// A rescaled prior: margin' = draft_scale * D + early_scale * E + offset
// (PriorParts); the defaults give the prior itself. A plain value type.
struct PriorScaling {
  double draft_scale = 1.0;
  double early_scale = 1.0;  // unused for the draft set
  double offset = kPriorCenterMargin;

  double Margin(const PriorParts& parts) const {
    return draft_scale * parts.draft + early_scale * parts.early + offset;
  }
};

// The feature by which a calibrated live prior picks its scaling.
inline constexpr char kPriorSegmentFeature[] = "early_post_age_hours";

// One scaling for the rows whose kPriorSegmentFeature is <= up_to (and
// above the previous segment's bound). A plain value type.
struct PriorSegment {
  double up_to = 0.0;  // ignored for the last segment
  PriorScaling scaling;
};

// The prior for `set` as a Model (version kPriorVersion). Its
// PredictContributions reports each feature relative to its center,
// w * (x - center) (a missing feature: 0), and the bias absorbs the
// rest, so contributions still sum to the margin. Never fails for the
// built-in terms; INTERNAL if they were inconsistent.
absl::StatusOr<std::unique_ptr<Model>> MakePriorModel(FeatureSet set);

// The prior for `set` as the text of a logistic model.json
// ({"intercept", "weights", "missing"}; missing = the centers), rescaled
// by `scaling`. Loaded with the prior's feature names, it gives the same
// margins, probabilities and contributions as the scaled prior.
std::string PriorModelJson(FeatureSet set, const PriorScaling& scaling = {});
// With one scaling per segment of kPriorSegmentFeature: the segmented form
// of ranking/model/segmented_logistic_model.h (`segments` non-empty,
// bounds increasing; one segment gives the plain form).
std::string SegmentedPriorModelJson(FeatureSet set,
                                    const std::vector<PriorSegment>& segments);

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
