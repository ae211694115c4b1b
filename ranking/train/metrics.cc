#include "ranking/train/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
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

// Each row's structural component, in row order: for a positive, the
// share of the negatives it outranks; for a negative, the share of the
// positives that outrank it (ties count one half either way). From one
// sort of the rows (Sun and Xu, 2014). The labels must be 0/1 with both
// classes present, the scores free of NaN.
std::vector<double> StructuralComponents(absl::Span<const float> scores,
                                         absl::Span<const float> labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  const double positives = std::count(labels.begin(), labels.end(), 1.0f);
  const double negatives = static_cast<double>(labels.size()) - positives;
  std::vector<double> component(scores.size());
  double positives_below = 0.0, negatives_below = 0.0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    double p = 0.0, n = 0.0;  // the group of rows with this score
    for (; end < order.size() && scores[order[end]] == scores[order[start]];
         ++end) {
      (labels[order[end]] == 1.0f ? p : n) += 1.0;
    }
    const double v10 = (negatives_below + 0.5 * n) / negatives;
    const double v01 = (positives - positives_below - 0.5 * p) / positives;
    for (size_t k = start; k < end; ++k) {
      component[order[k]] = labels[order[k]] == 1.0f ? v10 : v01;
    }
    positives_below += p;
    negatives_below += n;
    start = end;
  }
  return component;
}

// The mean of the positives' components: the AUC.
double MeanOfPositives(const std::vector<double>& component,
                       absl::Span<const float> labels) {
  double sum = 0.0, count = 0.0;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 1.0f) continue;
    sum += component[i];
    count += 1.0;
  }
  return sum / count;
}

// The squared standard error of a statistic `theta` whose per-row
// structural components are `component`, by Obuchowski's clustered form
// (metrics.h EstimateAuc); rows without a cluster are their own.
double ClusteredVariance(const std::vector<double>& component,
                         absl::Span<const float> labels,
                         absl::Span<const size_t> clusters, double theta) {
  struct Sums {
    double positive = 0.0, negative = 0.0;  // component sums
    double positives = 0.0, negatives = 0.0;
  };
  std::vector<Sums> sums;
  std::unordered_map<size_t, size_t> index;
  for (size_t i = 0; i < labels.size(); ++i) {
    size_t at = sums.size();
    if (clusters.empty()) {
      sums.emplace_back();
    } else {
      at = index.try_emplace(clusters[i], sums.size()).first->second;
      if (at == sums.size()) sums.emplace_back();
    }
    Sums& s = sums[at];
    if (labels[i] == 1.0f) {
      s.positive += component[i];
      s.positives += 1.0;
    } else {
      s.negative += component[i];
      s.negatives += 1.0;
    }
  }
  double m = 0, n = 0, clusters_1 = 0, clusters_0 = 0;
  double s1 = 0, s0 = 0, s10 = 0;
  for (const Sums& s : sums) {
    const double d1 = s.positive - s.positives * theta;
    const double d0 = s.negative - s.negatives * theta;
    if (s.positives > 0) clusters_1 += 1;
    if (s.negatives > 0) clusters_0 += 1;
    s1 += d1 * d1;
    s0 += d0 * d0;
    s10 += d1 * d0;
    m += s.positives;
    n += s.negatives;
  }
  const double all = static_cast<double>(sums.size());
  double variance = 0.0;
  if (clusters_1 > 1) variance += s1 * clusters_1 / ((clusters_1 - 1) * m * m);
  if (clusters_0 > 1) variance += s0 * clusters_0 / ((clusters_0 - 1) * n * n);
  if (all > 1) variance += 2.0 * s10 * all / ((all - 1) * m * n);
  return std::max(0.0, variance);
}

// The statistic whose per-row components are `component` (the mean of
// the positives') and its clustered standard error.
std::pair<double, double> MeanAndError(const std::vector<double>& component,
                                       absl::Span<const float> labels,
                                       absl::Span<const size_t> clusters) {
  const double mean = MeanOfPositives(component, labels);
  return {mean,
          std::sqrt(ClusteredVariance(component, labels, clusters, mean))};
}

absl::Status CheckClusters(absl::Span<const size_t> clusters, size_t rows) {
  if (!clusters.empty() && clusters.size() != rows) {
    return absl::InvalidArgumentError(
        absl::StrCat(clusters.size(), " cluster ids for ", rows, " rows"));
  }
  return absl::OkStatus();
}

// The checks of Auc().
absl::Status CheckScores(absl::Span<const float> scores,
                         absl::Span<const float> labels) {
  RR_RETURN_IF_ERROR(CheckLabels(scores.size(), labels));
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      return absl::InvalidArgumentError(absl::StrCat("score ", i, " is NaN"));
    }
  }
  const size_t positives = std::count(labels.begin(), labels.end(), 1.0f);
  if (positives == 0 || positives == labels.size()) {
    return absl::InvalidArgumentError(
        "AUC needs at least one positive and one negative label");
  }
  return absl::OkStatus();
}

constexpr double kZ95 = 1.959963984540054;

}  // namespace

double AucEstimate::Low95() const {
  return std::max(0.0, auc - kZ95 * standard_error);
}

double AucEstimate::High95() const {
  return std::min(1.0, auc + kZ95 * standard_error);
}

double AucDifference::Low95() const {
  return std::max(-1.0, difference - kZ95 * standard_error);
}

double AucDifference::High95() const {
  return std::min(1.0, difference + kZ95 * standard_error);
}

absl::StatusOr<AucEstimate> EstimateAuc(absl::Span<const float> scores,
                                        absl::Span<const float> labels,
                                        absl::Span<const size_t> clusters) {
  RR_RETURN_IF_ERROR(CheckScores(scores, labels));
  RR_RETURN_IF_ERROR(CheckClusters(clusters, labels.size()));
  const auto [auc, error] =
      MeanAndError(StructuralComponents(scores, labels), labels, clusters);
  return AucEstimate{auc, error};
}

absl::StatusOr<AucDifference> CompareAucs(absl::Span<const float> scores_a,
                                          absl::Span<const float> scores_b,
                                          absl::Span<const float> labels,
                                          absl::Span<const size_t> clusters) {
  if (scores_a.size() != scores_b.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(scores_a.size(), " scores of model a but ",
                     scores_b.size(), " of model b"));
  }
  RR_RETURN_IF_ERROR(CheckScores(scores_a, labels));
  RR_RETURN_IF_ERROR(CheckScores(scores_b, labels));
  RR_RETURN_IF_ERROR(CheckClusters(clusters, labels.size()));
  // The difference's components are the rows' differences (paired: rows
  // both models find hard cancel).
  std::vector<double> d_component = StructuralComponents(scores_a, labels);
  const std::vector<double> b = StructuralComponents(scores_b, labels);
  for (size_t i = 0; i < b.size(); ++i) d_component[i] -= b[i];
  const auto [difference, error] =
      MeanAndError(d_component, labels, clusters);
  return AucDifference{difference, error};
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
    absl::Span<const float> probabilities, absl::Span<const float> labels,
    absl::Span<const size_t> clusters) {
  BinaryMetrics m;
  RR_ASSIGN_OR_RETURN(AucEstimate auc,
                      EstimateAuc(probabilities, labels, clusters));
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
