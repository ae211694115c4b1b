// TrainingSet: the rows a model is trained on, whatever produced them (the
// feature extractor over the store, or a plain CSV table). The trainer
// (ranking/train/trainer.h) splits it by time, trains and evaluates.
//
// Layout, for n rows of k features:
//   feature_names  k names, in column order (they become the model's
//                  metadata.json feature_names)
//   rows           n * k floats, row-major: row i is rows[i*k .. i*k+k);
//                  NaN marks a missing value
//   labels         n values, each exactly 0 or 1
//   times          n times (the moment each row's features were taken), or
//                  empty: then rows are taken to be in time order already
//   targets        n soft labels in [0, 1] that training fits instead of
//                  the labels, or empty (fit the labels); metrics always
//                  use the 0/1 labels
//
// Build one with AddRow(), or fill the vectors directly and call
// ValidateTrainingSet().
#ifndef REACHRANK_RANKING_TRAIN_TRAINING_SET_H_
#define REACHRANK_RANKING_TRAIN_TRAINING_SET_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace reachrank::ranking {

// A plain value type; not safe for concurrent mutation.
struct TrainingSet {
  std::vector<std::string> feature_names;
  std::vector<float> rows;
  std::vector<float> labels;
  std::vector<absl::Time> times;
  std::vector<float> targets;

  size_t num_features() const { return feature_names.size(); }
  size_t num_rows() const { return labels.size(); }
  // The k features of row `i` (i < num_rows()).
  const float* row(size_t i) const { return rows.data() + i * num_features(); }

  // Appends one row. `features` must have num_features() values (NaN =
  // missing), `label` must be 0 or 1; ValidateTrainingSet() reports
  // violations. Use the overload without a time only for sets where every
  // row has none (rows then keep their insertion order).
  void AddRow(absl::Span<const float> features, float label, absl::Time time);
  void AddRow(absl::Span<const float> features, float label);
};

// OK if the set is consistent: at least one feature, unique non-empty
// feature names, rows.size() == num_rows() * num_features(), labels all 0
// or 1, times empty or one per row (all finite), targets empty or one per
// row (each in [0, 1]). Otherwise
// INVALID_ARGUMENT naming the first problem.
absl::Status ValidateTrainingSet(const TrainingSet& set);

// Consecutive rows [begin, end) of a TrainingSet, read in place: how the
// trainer hands a time-ordered set's fitted rows and holdout to XGBoost
// without copying them. Valid while the set lives unchanged. Implicitly
// made from a set (all of its rows). A plain value type.
class RowRange {
 public:
  RowRange(const TrainingSet& set)  // NOLINT: every row, by design implicit
      : RowRange(set, 0, set.num_rows()) {}
  // Requires begin <= end <= set.num_rows().
  RowRange(const TrainingSet& set, size_t begin, size_t end)
      : set_(&set), begin_(begin), end_(end) {}

  const TrainingSet& set() const { return *set_; }
  // The index in set() of the range's first row.
  size_t begin() const { return begin_; }
  const std::vector<std::string>& feature_names() const {
    return set_->feature_names;
  }
  size_t num_rows() const { return end_ - begin_; }
  size_t num_features() const { return set_->num_features(); }
  // num_rows() * num_features() floats, row-major.
  const float* rows() const { return set_->row(begin_); }
  absl::Span<const float> labels() const { return Part(set_->labels); }
  // What a model fits: the targets when the set has them, else the labels.
  absl::Span<const float> fitted() const {
    return set_->targets.empty() ? labels() : Part(set_->targets);
  }
  // Empty when the set has no times.
  absl::Span<const absl::Time> times() const { return Part(set_->times); }

 private:
  template <typename T>
  absl::Span<const T> Part(const std::vector<T>& v) const {
    if (v.empty()) return {};
    return absl::MakeConstSpan(v).subspan(begin_, end_ - begin_);
  }

  const TrainingSet* set_;
  size_t begin_;
  size_t end_;
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_TRAINING_SET_H_
