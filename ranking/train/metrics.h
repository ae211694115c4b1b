// Holdout metrics for binary probability models: ROC AUC, log loss and
// expected calibration error. Inputs are parallel arrays of predicted
// probabilities and 0/1 labels.
#ifndef REACHRANK_RANKING_TRAIN_METRICS_H_
#define REACHRANK_RANKING_TRAIN_METRICS_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace reachrank::ranking {

// Area under the ROC curve: the probability that a random positive scores
// above a random negative, ties counting one half (the Mann-Whitney U
// statistic with midranks). INVALID_ARGUMENT if the sizes differ, a label
// is not 0/1, a score is NaN, or either class is absent.
absl::StatusOr<double> Auc(absl::Span<const float> scores,
                           absl::Span<const float> labels);

// An AUC with its standard error. The error is DeLong, DeLong and
// Clarke-Pearson's (1988): each positive's share of negatives it outranks
// and each negative's share of positives that outrank it (ties one half)
// are the statistic's structural components, and
//   se^2 = var(positive components) / positives
//        + var(negative components) / negatives
// (sample variances; a class with one row contributes 0). It treats the rows
// as independent draws from one population: a time-ordered holdout's
// drift between periods is not in it. A plain value type.
struct AucEstimate {
  double auc = 0.0;
  double standard_error = 0.0;

  // The two-sided 95 % normal interval auc -/+ 1.96 se, clipped to [0, 1].
  double Low95() const;
  double High95() const;
};

// Auc() and its standard error, from one sort of the rows (Sun and Xu's
// 2014 form of DeLong's estimate); fails as Auc() does.
//
// `clusters` (one per row, or empty: every row its own) groups rows that
// are not independent draws — the live rows of one post at several ages.
// The error is then Obuchowski's (1997) clustered form: the components
// are summed per cluster and their spread taken across clusters (with
// I_c clusters holding M_c rows of class c, and S_c the sum over those
// clusters of (component sum - rows * AUC)^2,
//   se^2 = S_1 I_1 / ((I_1 - 1) M_1^2) + S_0 I_0 / ((I_0 - 1) M_0^2)
//          + 2 I S_10 / ((I - 1) M_1 M_0),
// S_10 the same cross products over all I clusters). One row per cluster
// gives DeLong's figure exactly; k identical copies of every row, each
// set of copies one cluster, give the original rows' figure.
absl::StatusOr<AucEstimate> EstimateAuc(absl::Span<const float> scores,
                                        absl::Span<const float> labels,
                                        absl::Span<const size_t> clusters = {});

// Two models' AUCs on the same rows compared: AUC(a) - AUC(b) and its
// standard error by DeLong's paired estimate, which takes in the
// covariance of the two models' structural components (rows both find
// hard count once, not twice):
//   se^2 = var(a_pos - b_pos) / positives + var(a_neg - b_neg) / negatives.
// A plain value type.
struct AucDifference {
  double difference = 0.0;
  double standard_error = 0.0;

  // The two-sided 95 % normal interval, clipped to [-1, 1].
  double Low95() const;
  double High95() const;
};

// Fails as Auc() does for either model, and with INVALID_ARGUMENT when the
// two score arrays differ in length. `clusters` as for EstimateAuc (the
// clustered form applied to the differences of the components).
absl::StatusOr<AucDifference> CompareAucs(
    absl::Span<const float> scores_a, absl::Span<const float> scores_b,
    absl::Span<const float> labels, absl::Span<const size_t> clusters = {});

// Mean negative log-likelihood, -mean(y ln p + (1-y) ln(1-p)), with p
// clipped to [1e-15, 1 - 1e-15]. INVALID_ARGUMENT if empty, the sizes
// differ, a label is not 0/1 or a probability is outside [0, 1].
absl::StatusOr<double> LogLoss(absl::Span<const float> probabilities,
                               absl::Span<const float> labels);

// Expected calibration error over `bins` equal-width bins of [0, 1]
// (p = 1 falls in the last bin): sum over bins of
// (rows in bin / rows) * |mean p in bin - mean y in bin|. Same errors as
// LogLoss(), and INVALID_ARGUMENT if bins < 1.
absl::StatusOr<double> ExpectedCalibrationError(
    absl::Span<const float> probabilities, absl::Span<const float> labels,
    int bins = 10);

// The three metrics on one evaluation set, plus its size and positive rate.
struct BinaryMetrics {
  size_t rows = 0;
  double positive_rate = 0.0;
  double auc = 0.0;
  double auc_standard_error = 0.0;  // AucEstimate::standard_error
  double log_loss = 0.0;
  double expected_calibration_error = 0.0;  // 10 bins
};

// All of the above; fails as Auc() or LogLoss() do. `clusters` as for
// EstimateAuc (only the AUC's standard error uses them).
absl::StatusOr<BinaryMetrics> EvaluateBinary(
    absl::Span<const float> probabilities, absl::Span<const float> labels,
    absl::Span<const size_t> clusters = {});

// One bucket of a calibration table: the rows whose probability fell in
// [low, high), their mean predicted probability and their observed
// positive rate. A plain value type.
struct CalibrationBucket {
  double low = 0.0;
  double high = 0.0;
  size_t rows = 0;
  double mean_probability = 0.0;  // 0 when rows == 0
  double positive_rate = 0.0;     // 0 when rows == 0
};

// `bins` equal-width buckets of [0, 1] (p = 1 falls in the last), as
// ExpectedCalibrationError() bins them; empty buckets are listed too. Same
// errors as ExpectedCalibrationError().
absl::StatusOr<std::vector<CalibrationBucket>> CalibrationTable(
    absl::Span<const float> probabilities, absl::Span<const float> labels,
    int bins = 10);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_METRICS_H_
