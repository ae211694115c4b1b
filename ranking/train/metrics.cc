#include "ranking/train/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
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

// Sum of the (1-based, tie-averaged) ranks of the positives when all rows
// are sorted by score ascending.
double PositiveRankSum(absl::Span<const float> scores,
                       absl::Span<const float> labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double sum = 0.0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    size_t positives = 0;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) {
      positives += labels[order[end]] == 1.0f ? 1 : 0;
      ++end;
    }
    // Ranks start+1 .. end share their mean.
    const double midrank = 0.5 * static_cast<double>(start + 1 + end);
    sum += midrank * static_cast<double>(positives);
    start = end;
  }
  return sum;
}

}  // namespace

absl::StatusOr<double> Auc(absl::Span<const float> scores,
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
  const double u =
      PositiveRankSum(scores, labels) - positives * (positives + 1.0) / 2.0;
  return u / (positives * negatives);
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
  RR_ASSIGN_OR_RETURN(m.auc, Auc(probabilities, labels));
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
