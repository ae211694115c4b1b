#include "ranking/train/prior_calibration.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ranking/feature_names.h"
#include "ranking/prior.h"

namespace reachrank::ranking {
namespace {

// log(1 + e^x) without overflow.
double Softplus(double x) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

absl::Status CheckInputs(const std::vector<absl::Span<const float>>& columns,
                         absl::Span<const float> labels,
                         absl::Span<const float> weights) {
  if (columns.empty()) return absl::InvalidArgumentError("no column to fit");
  const size_t n = labels.size();
  for (size_t k = 0; k < columns.size(); ++k) {
    if (columns[k].size() != n || (!weights.empty() && weights.size() != n)) {
      return absl::InvalidArgumentError(
          absl::StrCat(columns[k].size(), " margins, ", n, " labels and ",
                       weights.size(), " weights"));
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (absl::Span<const float> column : columns) {
      if (!std::isfinite(column[i])) {
        return absl::InvalidArgumentError(
            absl::StrCat("margin ", i, " is not finite"));
      }
    }
    if (labels[i] != 0.0f && labels[i] != 1.0f) {
      return absl::InvalidArgumentError(
          absl::StrCat("label ", i, " is ", labels[i], "; must be 0 or 1"));
    }
    if (!weights.empty() &&
        !(weights[i] >= 0.0f && std::isfinite(weights[i]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("weight ", i, " must be finite and >= 0"));
    }
  }
  return absl::OkStatus();
}

// The weighted negative log-likelihood of the smoothed targets, its
// gradient and Hessian in (scales..., offset).
struct Objective {
  double loss = 0.0;
  std::vector<double> gradient;
  std::vector<double> hessian;  // row-major, dim x dim
};

class PlattProblem {
 public:
  PlattProblem(const std::vector<absl::Span<const float>>& columns,
               absl::Span<const float> labels, absl::Span<const float> weights,
               double target_pos, double target_neg)
      : columns_(columns),
        labels_(labels),
        weights_(weights),
        target_pos_(target_pos),
        target_neg_(target_neg) {}

  // Parameters: the scales, then the offset.
  size_t dim() const { return columns_.size() + 1; }

  Objective At(const std::vector<double>& params) const {
    const size_t d = dim();
    Objective o;
    o.gradient.assign(d, 0.0);
    o.hessian.assign(d * d, 0.0);
    std::vector<double> x(d, 1.0);  // the row's inputs; x[d - 1] = 1
    for (size_t i = 0; i < labels_.size(); ++i) {
      const double w = weights_.empty() ? 1.0 : weights_[i];
      if (w == 0.0) continue;
      double z = 0.0;
      for (size_t k = 0; k + 1 < d; ++k) x[k] = columns_[k][i];
      for (size_t k = 0; k < d; ++k) z += params[k] * x[k];
      const double t = labels_[i] == 1.0f ? target_pos_ : target_neg_;
      o.loss += w * (t * Softplus(-z) + (1.0 - t) * Softplus(z));
      const double p = Sigmoid(z);
      const double g = w * (p - t), h = w * p * (1.0 - p);
      for (size_t a = 0; a < d; ++a) {
        o.gradient[a] += g * x[a];
        for (size_t b = 0; b < d; ++b) o.hessian[a * d + b] += h * x[a] * x[b];
      }
    }
    return o;
  }

 private:
  const std::vector<absl::Span<const float>>& columns_;
  absl::Span<const float> labels_, weights_;
  double target_pos_, target_neg_;
};

// Solves h * step = g (h symmetric, dim x dim) by Gaussian elimination
// with partial pivoting; a tiny ridge keeps it regular when a column is
// constant. False if h is singular.
bool SolveNewtonStep(std::vector<double> h, std::vector<double> g,
                     std::vector<double>* step) {
  const size_t d = g.size();
  for (size_t a = 0; a < d; ++a) h[a * d + a] += 1e-12;
  for (size_t col = 0; col < d; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < d; ++r) {
      if (std::abs(h[r * d + col]) > std::abs(h[pivot * d + col])) pivot = r;
    }
    if (!(std::abs(h[pivot * d + col]) > 0.0)) return false;
    for (size_t c = 0; c < d; ++c) std::swap(h[col * d + c], h[pivot * d + c]);
    std::swap(g[col], g[pivot]);
    for (size_t r = col + 1; r < d; ++r) {
      const double f = h[r * d + col] / h[col * d + col];
      for (size_t c = col; c < d; ++c) h[r * d + c] -= f * h[col * d + c];
      g[r] -= f * g[col];
    }
  }
  step->assign(d, 0.0);
  for (size_t r = d; r-- > 0;) {
    double v = g[r];
    for (size_t c = r + 1; c < d; ++c) v -= h[r * d + c] * (*step)[c];
    (*step)[r] = v / h[r * d + r];
  }
  return true;
}

// Newton's method from Platt's start (the base rate, no use of the
// columns), halving a step until the loss does not rise.
PlattFit Minimise(const PlattProblem& problem, double start_offset) {
  std::vector<double> params(problem.dim(), 0.0);
  params.back() = start_offset;
  Objective o = problem.At(params);
  std::vector<double> step;
  for (int iteration = 0; iteration < 100; ++iteration) {
    if (!SolveNewtonStep(o.hessian, o.gradient, &step)) break;
    double size = 0.0;
    for (int halving = 0; halving < 40; ++halving) {
      std::vector<double> next = params;
      for (size_t k = 0; k < next.size(); ++k) next[k] -= step[k];
      Objective at_next = problem.At(next);
      if (at_next.loss <= o.loss) {
        params = std::move(next);
        o = std::move(at_next);
        break;
      }
      for (double& s : step) s /= 2;
    }
    for (double s : step) size += std::abs(s);
    if (size < 1e-10) break;
  }
  PlattFit fit;
  fit.offset = params.back();
  params.pop_back();
  fit.scales = std::move(params);
  fit.loss = o.loss;
  return fit;
}

// A row's range: the first whose bound its age does not exceed; a
// missing age, the last (as SegmentedLogisticModel picks).
size_t SegmentOf(const std::vector<CalibrationSegment>& segments, float age) {
  if (std::isnan(age)) return segments.size() - 1;
  size_t s = 0;
  while (s + 1 < segments.size() && !(age <= segments[s].up_to_hours)) ++s;
  return s;
}

PriorScaling ToScaling(const PlattFit& fit) {
  PriorScaling scaling;
  scaling.draft_scale = fit.scales[0];
  scaling.early_scale = fit.scales.size() > 1 ? fit.scales[1] : 0.0;
  scaling.offset = fit.offset;
  return scaling;
}

absl::Status CheckBounds(const std::vector<double>& bounds) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))) {
      return absl::InvalidArgumentError(
          "calibration age bounds must be finite and increasing");
    }
  }
  return absl::OkStatus();
}

// The rows' parts D and E (PriorParts) as two columns, and their ages.
struct PartColumns {
  std::vector<float> draft, early, age;
};

PartColumns PartsOf(FeatureSet set, const RowRange& rows) {
  PartColumns c;
  const size_t n = rows.num_rows(), k = rows.num_features();
  for (size_t r = 0; r < n; ++r) {
    const float* row = rows.rows() + r * k;
    const PriorParts parts = PriorPartsOf(set, row);
    c.draft.push_back(static_cast<float>(parts.draft));
    c.early.push_back(static_cast<float>(parts.early));
    c.age.push_back(set == FeatureSet::kLive ? row[kEarlyPostAgeHours] : NAN);
  }
  return c;
}

// The rows `keep` of each of `columns`, labels and weights.
struct Subset {
  std::vector<std::vector<float>> columns;
  std::vector<float> labels, weights;
  size_t positives = 0, negatives = 0;

  std::vector<absl::Span<const float>> Spans() const {
    return {columns.begin(), columns.end()};
  }
};

Subset Select(const std::vector<absl::Span<const float>>& columns,
              absl::Span<const float> labels, absl::Span<const float> weights,
              const std::vector<bool>& keep) {
  Subset s;
  s.columns.resize(columns.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!keep[i]) continue;
    for (size_t k = 0; k < columns.size(); ++k) {
      s.columns[k].push_back(columns[k][i]);
    }
    s.labels.push_back(labels[i]);
    if (!weights.empty()) s.weights.push_back(weights[i]);
    (labels[i] == 1.0f ? s.positives : s.negatives) += 1;
  }
  return s;
}

// One range of ages per bound and one above the last, each fitted on its
// own rows (FitPositivePlatt) or, with too few rows of a class or no
// positive fit, given `pooled`.
std::vector<CalibrationSegment> FitAgeRanges(
    const std::vector<absl::Span<const float>>& columns,
    const std::vector<float>& ages, absl::Span<const float> labels,
    absl::Span<const float> weights, const std::vector<double>& bounds,
    const PlattFit& pooled) {
  std::vector<CalibrationSegment> segments(bounds.size() + 1);
  for (size_t s = 0; s < bounds.size(); ++s) {
    segments[s].up_to_hours = bounds[s];
  }
  for (size_t s = 0; s < segments.size(); ++s) {
    std::vector<bool> keep(labels.size());
    for (size_t i = 0; i < keep.size(); ++i) {
      keep[i] = SegmentOf(segments, ages[i]) == s;
    }
    const Subset rows = Select(columns, labels, weights, keep);
    absl::StatusOr<PlattFit> own = absl::FailedPreconditionError("too few");
    if (rows.positives >= kMinCalibrationRowsPerClass &&
        rows.negatives >= kMinCalibrationRowsPerClass) {
      own = FitPositivePlatt(rows.Spans(), rows.labels, rows.weights);
    }
    segments[s].rows = rows.labels.size();
    segments[s].pooled = !own.ok();
    segments[s].scaling = ToScaling(own.ok() ? *own : pooled);
  }
  return segments;
}

}  // namespace

absl::StatusOr<PlattFit> FitPlatt(
    const std::vector<absl::Span<const float>>& columns,
    absl::Span<const float> labels, absl::Span<const float> weights) {
  RR_RETURN_IF_ERROR(CheckInputs(columns, labels, weights));
  double pos = 0.0, neg = 0.0;
  for (size_t i = 0; i < labels.size(); ++i) {
    (labels[i] == 1.0f ? pos : neg) += weights.empty() ? 1.0 : weights[i];
  }
  if (pos == 0.0 || neg == 0.0) {
    return absl::InvalidArgumentError(
        "calibration needs labelled rows of both classes");
  }
  const PlattProblem problem(columns, labels, weights, (pos + 1) / (pos + 2),
                             1 / (neg + 2));
  return Minimise(problem, std::log((pos + 1) / (neg + 1)));
}

absl::StatusOr<PlattFit> FitPositivePlatt(
    const std::vector<absl::Span<const float>>& columns,
    absl::Span<const float> labels, absl::Span<const float> weights) {
  if (columns.size() > 2) {
    return absl::InvalidArgumentError("at most 2 columns");
  }
  std::optional<PlattFit> best;
  // Each non-empty subset of the columns, as a bit mask.
  for (unsigned mask = (1u << columns.size()) - 1; mask > 0; --mask) {
    std::vector<absl::Span<const float>> used;
    for (size_t k = 0; k < columns.size(); ++k) {
      if (mask & (1u << k)) used.push_back(columns[k]);
    }
    RR_ASSIGN_OR_RETURN(PlattFit fit, FitPlatt(used, labels, weights));
    if (!std::all_of(fit.scales.begin(), fit.scales.end(),
                     [](double s) { return s > 0.0; })) {
      continue;
    }
    if (best && best->loss <= fit.loss) continue;
    PlattFit full;
    full.offset = fit.offset;
    full.loss = fit.loss;
    for (size_t k = 0, u = 0; k < columns.size(); ++k) {
      full.scales.push_back(mask & (1u << k) ? fit.scales[u++] : 0.0);
    }
    best = std::move(full);
  }
  if (!best) {
    return absl::FailedPreconditionError(
        "no positive scaling fits these labels");
  }
  return *std::move(best);
}

absl::StatusOr<PlattScaling> FitPlattScaling(absl::Span<const float> margins,
                                             absl::Span<const float> labels,
                                             absl::Span<const float> weights) {
  RR_ASSIGN_OR_RETURN(PlattFit fit, FitPlatt({margins}, labels, weights));
  return PlattScaling{fit.scales[0], fit.offset};
}

absl::StatusOr<CalibratedPrior> CalibratedPrior::Fit(
    const RowRange& fitted, absl::Span<const float> weights,
    const std::vector<double>& age_bounds_hours) {
  RR_ASSIGN_OR_RETURN(FeatureSet set, PriorFeatureSet(fitted.feature_names()));
  RR_RETURN_IF_ERROR(CheckBounds(age_bounds_hours));
  const PartColumns parts = PartsOf(set, fitted);
  std::vector<absl::Span<const float>> columns = {parts.draft};
  if (set == FeatureSet::kLive) columns.push_back(parts.early);
  absl::StatusOr<PlattFit> pooled =
      FitPositivePlatt(columns, fitted.labels(), weights);
  if (absl::IsFailedPrecondition(pooled.status())) {
    return absl::FailedPreconditionError(
        "prior-v1's margin does not rise with reach on these rows (no "
        "positive scale fits): a calibrated prior would turn its order and "
        "its reasons around; train trees instead");
  }
  RR_RETURN_IF_ERROR(pooled.status());

  std::vector<CalibrationSegment> segments(1);
  if (set == FeatureSet::kDraft || age_bounds_hours.empty()) {
    segments[0].rows = fitted.num_rows();
    segments[0].scaling = ToScaling(*pooled);
  } else {
    segments = FitAgeRanges(columns, parts.age, fitted.labels(), weights,
                            age_bounds_hours, *pooled);
  }
  return CalibratedPrior(set, std::move(segments), fitted);
}

absl::StatusOr<std::vector<float>> CalibratedPrior::PredictProbability(
    const RowRange& rows) const {
  if (rows.feature_names() != FeatureNames(set_)) {
    return absl::InvalidArgumentError(
        "rows to score have other features than the calibrated prior");
  }
  const PartColumns parts = PartsOf(set_, rows);
  std::vector<float> out(rows.num_rows());
  for (size_t i = 0; i < out.size(); ++i) {
    const PriorScaling& scaling =
        segments_[SegmentOf(segments_, parts.age[i])].scaling;
    out[i] = static_cast<float>(
        Sigmoid(scaling.Margin({parts.draft[i], parts.early[i]})));
  }
  return out;
}

absl::StatusOr<std::vector<float>> CalibratedPrior::PredictFitted() const {
  return PredictProbability(fitted_);
}

absl::Status CalibratedPrior::SaveJson(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::vector<PriorSegment> segments;
  for (const CalibrationSegment& s : segments_) {
    segments.push_back({s.up_to_hours, s.scaling});
  }
  out << SegmentedPriorModelJson(set_, segments);
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace reachrank::ranking
