#include "ranking/train/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace reachrank::ranking {
namespace {

absl::Status CheckLabels(size_t n_values, absl::Span<const float> labels) {
  if (n_values != labels.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(n_values, " predictions but ", labels.size(), " labels"));
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0.0f && labels[i] != 1.0f) {
      return absl::InvalidArgumentError(
          absl::StrCat("label ", i, " is ", labels[i], "; must be 0 or 1"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckProbabilities(absl::Span<const float> probabilities,
                                absl::Span<const float> labels) {
  if (probabilities.empty()) {
    return absl::InvalidArgumentError("no predictions to evaluate");
  }
  RR_RETURN_IF_ERROR(CheckLabels(probabilities.size(), labels));
  for (size_t i = 0; i < probabilities.size(); ++i) {
    if (!(probabilities[i] >= 0.0f && probabilities[i] <= 1.0f)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "probability ", i, " is ", probabilities[i], "; must be in [0, 1]"));
    }
  }
  return absl::OkStatus();
}

// The rows that share one score: how many positives and negatives.
struct TieGroup {
  double positives = 0.0;
  double negatives = 0.0;
};

// The rows grouped by equal score, lowest score first.
std::vector<TieGroup> TieGroupsAscending(absl::Span<const float> scores,
                                         absl::Span<const float> labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  std::vector<TieGroup> groups;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || scores[order[i]] != scores[order[i - 1]]) {
      groups.emplace_back();
    }
    (labels[order[i]] == 1.0f ? groups.back().positives
                              : groups.back().negatives) += 1.0;
  }
  return groups;
}

// Sample variance of values given as (value, count) pairs whose counts sum
// to `n`, around `mean`; 0 when n < 2.
double SampleVariance(const std::vector<std::pair<double, double>>& values,
                      double mean, double n) {
  if (n < 2.0) return 0.0;
  double sum = 0.0;
  for (const auto& [value, count] : values) {
    sum += count * (value - mean) * (value - mean);
  }
  return sum / (n - 1.0);
}

}  // namespace

double AucEstimate::Low95() const {
  return std::max(0.0, auc - 1.959963984540054 * standard_error);
}

double AucEstimate::High95() const {
  return std::min(1.0, auc + 1.959963984540054 * standard_error);
}

absl::StatusOr<AucEstimate> EstimateAuc(absl::Span<const float> scores,
                                        absl::Span<const float> labels) {
  RR_RETURN_IF_ERROR(CheckLabels(scores.size(), labels));
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      return absl::InvalidArgumentError(absl::StrCat("score ", i, " is NaN"));
    }
  }
  const double positives = std::count(labels.begin(), labels.end(), 1.0f);
  const double negatives = static_cast<double>(labels.size()) - positives;
  if (positives == 0 || negatives == 0) {
    return absl::InvalidArgumentError(
        "AUC needs at least one positive and one negative label");
  }
  // Each positive of a group outranks the negatives below it and half of
  // those beside it; each negative is outranked by the positives above it
  // and half of those beside it.
  std::vector<std::pair<double, double>> of_positives, of_negatives;
  double negatives_below = 0.0, positives_below = 0.0, sum = 0.0;
  for (const TieGroup& g : TieGroupsAscending(scores, labels)) {
    const double v10 = (negatives_below + 0.5 * g.negatives) / negatives;
    const double v01 =
        (positives - positives_below - 0.5 * g.positives) / positives;
    of_positives.emplace_back(v10, g.positives);
    of_negatives.emplace_back(v01, g.negatives);
    sum += v10 * g.positives;
    negatives_below += g.negatives;
    positives_below += g.positives;
  }
  AucEstimate estimate;
  estimate.auc = sum / positives;
  estimate.standard_error = std::sqrt(
      SampleVariance(of_positives, estimate.auc, positives) / positives +
      SampleVariance(of_negatives, estimate.auc, negatives) / negatives);
  return estimate;
}

absl::StatusOr<double> Auc(absl::Span<const float> scores,
                           absl::Span<const float> labels) {
  RR_ASSIGN_OR_RETURN(AucEstimate estimate, EstimateAuc(scores, labels));
  return estimate.auc;
}

absl::StatusOr<double> LogLoss(absl::Span<const float> probabilities,
                               absl::Span<const float> labels) {
  RR_RETURN_IF_ERROR(CheckProbabilities(probabilities, labels));
  constexpr double kEps = 1e-15;
  double sum = 0.0;
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp<double>(probabilities[i], kEps, 1.0 - kEps);
    sum -= labels[i] == 1.0f ? std::log(p) : std::log(1.0 - p);
  }
  return sum / static_cast<double>(probabilities.size());
}

absl::StatusOr<double> ExpectedCalibrationError(
    absl::Span<const float> probabilities, absl::Span<const float> labels,
    int bins) {
  if (bins < 1) return absl::InvalidArgumentError("bins must be >= 1");
  RR_RETURN_IF_ERROR(CheckProbabilities(probabilities, labels));
  std::vector<double> count(bins, 0.0), sum_p(bins, 0.0), sum_y(bins, 0.0);
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const double p = probabilities[i];
    const int b = std::min(bins - 1, static_cast<int>(p * bins));
    count[b] += 1.0;
    sum_p[b] += p;
    sum_y[b] += labels[i];
  }
  double ece = 0.0;
  for (int b = 0; b < bins; ++b) {
    if (count[b] == 0.0) continue;
    ece += std::abs(sum_p[b] - sum_y[b]);  // = count * |mean p - mean y|
  }
  return ece / static_cast<double>(probabilities.size());
}

absl::StatusOr<BinaryMetrics> EvaluateBinary(
    absl::Span<const float> probabilities, absl::Span<const float> labels) {
  BinaryMetrics m;
  RR_ASSIGN_OR_RETURN(AucEstimate auc, EstimateAuc(probabilities, labels));
  m.auc = auc.auc;
  m.auc_standard_error = auc.standard_error;
  RR_ASSIGN_OR_RETURN(m.log_loss, LogLoss(probabilities, labels));
  RR_ASSIGN_OR_RETURN(m.expected_calibration_error,
                      ExpectedCalibrationError(probabilities, labels, 10));
  m.rows = labels.size();
  m.positive_rate = std::count(labels.begin(), labels.end(), 1.0f) /
                    static_cast<double>(labels.size());
  return m;
}

absl::StatusOr<std::vector<CalibrationBucket>> CalibrationTable(
    absl::Span<const float> probabilities, absl::Span<const float> labels,
    int bins) {
  if (bins < 1) return absl::InvalidArgumentError("bins must be >= 1");
  RR_RETURN_IF_ERROR(CheckProbabilities(probabilities, labels));
  std::vector<CalibrationBucket> table(bins);
  for (int b = 0; b < bins; ++b) {
    table[b].low = static_cast<double>(b) / bins;
    table[b].high = static_cast<double>(b + 1) / bins;
  }
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const double p = probabilities[i];
    CalibrationBucket& bucket =
        table[std::min(bins - 1, static_cast<int>(p * bins))];
    ++bucket.rows;
    bucket.mean_probability += p;
    bucket.positive_rate += labels[i];
  }
  for (CalibrationBucket& bucket : table) {
    if (bucket.rows == 0) continue;
    bucket.mean_probability /= static_cast<double>(bucket.rows);
    bucket.positive_rate /= static_cast<double>(bucket.rows);
  }
  return table;
}

}  // namespace reachrank::ranking
