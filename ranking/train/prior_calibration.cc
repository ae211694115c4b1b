#include "ranking/train/prior_calibration.h"

#include <cmath>
#include <fstream>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ranking/model/model.h"
#include "ranking/prior.h"

namespace reachrank::ranking {
namespace {

// log(1 + e^x) without overflow.
double Softplus(double x) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

absl::Status CheckInputs(absl::Span<const float> margins,
                         absl::Span<const float> labels,
                         absl::Span<const float> weights) {
  if (labels.size() != margins.size() ||
      (!weights.empty() && weights.size() != margins.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat(margins.size(), " margins, ", labels.size(),
                     " labels and ", weights.size(), " weights"));
  }
  for (size_t i = 0; i < margins.size(); ++i) {
    if (!std::isfinite(margins[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("margin ", i, " is not finite"));
    }
    if (labels[i] != 0.0f && labels[i] != 1.0f) {
      return absl::InvalidArgumentError(
          absl::StrCat("label ", i, " is ", labels[i], "; must be 0 or 1"));
    }
    if (!weights.empty() && !(weights[i] >= 0.0f && std::isfinite(weights[i]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("weight ", i, " must be finite and >= 0"));
    }
  }
  return absl::OkStatus();
}

// The weighted negative log-likelihood of the smoothed targets, its
// gradient and Hessian in (scale, offset).
struct Objective {
  double loss = 0.0;
  double g_scale = 0.0, g_offset = 0.0;
  double h_ss = 0.0, h_so = 0.0, h_oo = 0.0;
};

class PlattProblem {
 public:
  PlattProblem(absl::Span<const float> margins, absl::Span<const float> labels,
               absl::Span<const float> weights, double target_pos,
               double target_neg)
      : margins_(margins),
        labels_(labels),
        weights_(weights),
        target_pos_(target_pos),
        target_neg_(target_neg) {}

  Objective At(const PlattScaling& s) const {
    Objective o;
    for (size_t i = 0; i < margins_.size(); ++i) {
      const double w = weights_.empty() ? 1.0 : weights_[i];
      if (w == 0.0) continue;
      const double m = margins_[i];
      const double t = labels_[i] == 1.0f ? target_pos_ : target_neg_;
      const double z = s.scale * m + s.offset;
      o.loss += w * (t * Softplus(-z) + (1.0 - t) * Softplus(z));
      const double p = Sigmoid(z);
      const double d = w * (p - t);
      const double h = w * p * (1.0 - p);
      o.g_scale += d * m;
      o.g_offset += d;
      o.h_ss += h * m * m;
      o.h_so += h * m;
      o.h_oo += h;
    }
    return o;
  }

 private:
  absl::Span<const float> margins_, labels_, weights_;
  double target_pos_, target_neg_;
};

}  // namespace

absl::StatusOr<PlattScaling> FitPlattScaling(absl::Span<const float> margins,
                                             absl::Span<const float> labels,
                                             absl::Span<const float> weights) {
  RR_RETURN_IF_ERROR(CheckInputs(margins, labels, weights));
  double pos = 0.0, neg = 0.0;
  for (size_t i = 0; i < labels.size(); ++i) {
    (labels[i] == 1.0f ? pos : neg) += weights.empty() ? 1.0 : weights[i];
  }
  if (pos == 0.0 || neg == 0.0) {
    return absl::InvalidArgumentError(
        "calibration needs labelled rows of both classes");
  }
  const PlattProblem problem(margins, labels, weights, (pos + 1) / (pos + 2),
                             1 / (neg + 2));
  // Platt's start: the base rate, no use of the margin.
  PlattScaling s{0.0, std::log((pos + 1) / (neg + 1))};
  Objective o = problem.At(s);
  for (int iteration = 0; iteration < 100; ++iteration) {
    // Newton's step, solving the 2 x 2 system (a tiny ridge keeps it
    // regular when every margin is equal).
    const double a = o.h_ss + 1e-12, b = o.h_so, c = o.h_oo + 1e-12;
    const double det = a * c - b * b;
    if (!(det > 0.0)) break;
    double d_scale = (c * o.g_scale - b * o.g_offset) / det;
    double d_offset = (a * o.g_offset - b * o.g_scale) / det;
    // Halve the step until the loss does not rise.
    for (int halving = 0; halving < 40; ++halving) {
      const PlattScaling next{s.scale - d_scale, s.offset - d_offset};
      const Objective at_next = problem.At(next);
      if (at_next.loss <= o.loss) {
        s = next;
        o = at_next;
        break;
      }
      d_scale /= 2;
      d_offset /= 2;
    }
    if (std::abs(d_scale) + std::abs(d_offset) < 1e-10) break;
  }
  return s;
}

absl::StatusOr<CalibratedPrior> CalibratedPrior::Fit(
    const RowRange& fitted, absl::Span<const float> weights) {
  RR_ASSIGN_OR_RETURN(FeatureSet set, PriorFeatureSet(fitted.feature_names()));
  RR_ASSIGN_OR_RETURN(std::unique_ptr<Model> prior, MakePriorModel(set));
  std::vector<float> margins(fitted.num_rows());
  RR_RETURN_IF_ERROR(prior->PredictMargin(fitted.rows(), fitted.num_rows(),
                                          fitted.num_features(),
                                          margins.data()));
  RR_ASSIGN_OR_RETURN(PlattScaling scaling,
                      FitPlattScaling(margins, fitted.labels(), weights));
  if (!(scaling.scale > 0.0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "prior-v1's margin does not rise with reach on these rows (fitted "
        "scale ", scaling.scale, "): a calibrated prior would turn its "
        "order and its reasons around; train trees instead"));
  }
  return CalibratedPrior(set, std::move(prior), scaling, fitted);
}

absl::StatusOr<std::vector<float>> CalibratedPrior::PredictProbability(
    const RowRange& rows) const {
  std::vector<float> out(rows.num_rows());
  RR_RETURN_IF_ERROR(prior_->PredictMargin(rows.rows(), rows.num_rows(),
                                          rows.num_features(), out.data()));
  for (float& p : out) {
    p = static_cast<float>(Sigmoid(scaling_.scale * p + scaling_.offset));
  }
  return out;
}

absl::StatusOr<std::vector<float>> CalibratedPrior::PredictFitted() const {
  return PredictProbability(fitted_);
}

absl::Status CalibratedPrior::SaveJson(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << PriorModelJson(set_, scaling_.scale, scaling_.offset);
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace reachrank::ranking
