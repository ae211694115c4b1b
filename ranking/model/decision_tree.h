// Canonical in-memory form of one regression tree of a boosted ensemble.
//
// Loaders (the XGBoost JSON reader, tests) fill a RawTree with whatever
// numbering their source uses; CanonicalizeTree() checks it and renumbers the
// nodes reachable from the root breadth-first, so that the two children of an
// internal node are adjacent (right == left + 1). The evaluator layouts and
// TreeSHAP are built from the canonical form only.
#ifndef REACHRANK_RANKING_MODEL_DECISION_TREE_H_
#define REACHRANK_RANKING_MODEL_DECISION_TREE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace reachrank::ranking {

// Deepest tree accepted (edges from the root to the farthest leaf). Keeps
// TreeSHAP's recursion and path buffers bounded for hostile models.
inline constexpr int kMaxTreeDepth = 128;
// Largest feature index + 1 accepted; indices must fit in 31 bits.
inline constexpr uint32_t kMaxFeatures = 1u << 24;

// A tree as its source numbers it. All vectors have one entry per node;
// node 0 is the root; a leaf has left == right == -1 and its value in
// `split_conditions`, as in XGBoost's JSON model.
struct RawTree {
  std::vector<int64_t> left_children;
  std::vector<int64_t> right_children;
  std::vector<int64_t> split_indices;
  std::vector<float> split_conditions;
  std::vector<bool> default_left;
  std::vector<float> sum_hessian;  // node cover, used by TreeSHAP
};

// One node of a canonical tree. For a leaf `left` is -1 and `value` is the
// leaf value; otherwise `value` is the split threshold (x < value goes left)
// and the right child is `left + 1`.
struct TreeNode {
  int32_t left = -1;
  uint32_t feature = 0;
  float value = 0.0f;
  float cover = 0.0f;
  bool default_left = false;

  bool is_leaf() const { return left < 0; }
};

// A checked tree in breadth-first order (root at 0, children adjacent).
struct DecisionTree {
  std::vector<TreeNode> nodes;
  int depth = 0;  // edges from the root to the deepest leaf
};

// Checks `raw` (equal array lengths, child indices in range, no cycle or
// shared child, both-or-no children, split feature < num_features, finite
// thresholds and leaf values, non-negative finite covers, depth within
// kMaxTreeDepth) and returns its canonical form. Nodes not reachable from
// the root (XGBoost's deleted nodes) are dropped. Fails with
// INVALID_ARGUMENT naming the node and the broken rule.
absl::StatusOr<DecisionTree> CanonicalizeTree(const RawTree& raw,
                                              uint32_t num_features);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_DECISION_TREE_H_
