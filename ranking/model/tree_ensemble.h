// A boosted tree ensemble for binary classification, flattened for fast
// batched evaluation, with exact path-dependent TreeSHAP explanations.
//
// margin(x) = base_margin + sum over trees of leaf(x), accumulated in float
// in tree order (as XGBoost's CPU predictor does); probability = sigmoid.
// At a split `x < threshold` (float32) goes left and a missing value (NaN)
// follows the node's default direction.
#ifndef REACHRANK_RANKING_MODEL_TREE_ENSEMBLE_H_
#define REACHRANK_RANKING_MODEL_TREE_ENSEMBLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ranking/model/decision_tree.h"

namespace reachrank::ranking {

struct TreeEnsembleOptions {
  // Trees at most this deep are stored as complete binary trees and walked
  // without branches; deeper trees use a linked node layout. Both give the
  // same results; tests lower it to cover the linked layout. Values above
  // 12 are treated as 12.
  int max_complete_depth = 10;
};

// Immutable after Create(); safe for any number of concurrent readers.
class TreeEnsemble {
 public:
  // Builds the evaluator from canonical trees. `feature_names` is empty or
  // has `num_features` entries. Fails with INVALID_ARGUMENT if a tree uses a
  // feature >= num_features, num_features is 0 or above kMaxFeatures, or
  // base_margin is not finite.
  static absl::StatusOr<TreeEnsemble> Create(
      std::vector<DecisionTree> trees, float base_margin, uint32_t num_features,
      std::vector<std::string> feature_names,
      const TreeEnsembleOptions& options = {});

  // Writes the margin (log-odds) of each of `n_rows` row-major rows to
  // out[0..n_rows). `n_features` must equal num_features(); NaN is missing.
  // Fails with INVALID_ARGUMENT (and writes nothing) on a feature count
  // mismatch.
  absl::Status PredictMargin(const float* rows, size_t n_rows,
                             size_t n_features, float* out) const;
  // As PredictMargin, then applies the logistic function.
  absl::Status PredictProbability(const float* rows, size_t n_rows,
                                  size_t n_features, float* out) const;
  // Path-dependent TreeSHAP (Lundberg et al. 2018, as XGBoost's
  // pred_contribs). For each row writes num_features() + 1 values to `out`:
  // one contribution per feature, then the bias (base margin + expected
  // tree outputs). Each row's values sum to its margin.
  absl::Status PredictContributions(const float* rows, size_t n_rows,
                                    size_t n_features, float* out) const;

  uint32_t num_features() const { return num_features_; }
  size_t num_trees() const { return headers_.size(); }
  float base_margin() const { return base_margin_; }
  // Names from the model file; empty if it had none.
  const std::vector<std::string>& feature_names() const {
    return feature_names_;
  }

 private:
  // Where one tree lives in the flattened arrays.
  struct TreeHeader {
    uint32_t node_offset;  // into splits_ (complete) or links_ (linked)
    uint32_t leaf_offset;  // into leaves_ (complete only)
    int32_t depth;         // complete layout depth, or -1 for linked
  };
  // Split of a complete tree: feature index, high bit = default left.
  struct Split {
    uint32_t feature_flags;
    float threshold;
  };
  // Node of a linked tree (16 bytes); right child = left + 1.
  struct Link {
    uint32_t feature_flags;
    float value;  // threshold, or leaf value when left < 0
    int32_t left;
    int32_t unused;
  };

  TreeEnsemble() = default;
  void AddComplete(const DecisionTree& tree);
  void AddLinked(const DecisionTree& tree);
  void AddCompleteTree(const TreeHeader& h, const float* rows, size_t n_rows,
                       size_t stride, float* out) const;
  void AddLinkedTree(const TreeHeader& h, const float* rows, size_t n_rows,
                     size_t stride, float* out) const;
  // Adds the leaves of the complete trees first, first + 1, ... (at most
  // 8, stopping at a linked tree) for `row` to *sum; returns how many.
  size_t AddTreeGroup(size_t first, const float* row, float* sum) const;
  float PredictOneRow(const float* row) const;
  void PredictBlock(const float* rows, size_t n_rows, float* out) const;
  absl::Status CheckShape(size_t n_features) const;

  // All members are constant after Create().
  uint32_t num_features_ = 0;
  float base_margin_ = 0.0f;
  std::vector<std::string> feature_names_;
  std::vector<TreeHeader> headers_;
  std::vector<Split> splits_;
  std::vector<float> leaves_;
  std::vector<Link> links_;
  // For TreeSHAP: the canonical trees, and the bias term (base margin plus
  // every tree's expected output).
  std::vector<DecisionTree> trees_;
  double shap_bias_ = 0.0;
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_TREE_ENSEMBLE_H_
