#include "ranking/model/decision_tree.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace reachrank::ranking {
namespace {

absl::Status NodeError(size_t node, const std::string& rule) {
  return absl::InvalidArgumentError(absl::StrCat("node ", node, ": ", rule));
}

absl::Status CheckLengths(const RawTree& raw) {
  const size_t n = raw.left_children.size();
  if (n == 0) return absl::InvalidArgumentError("tree has no nodes");
  if (n > (size_t{1} << 30)) {
    return absl::InvalidArgumentError("tree has too many nodes");
  }
  const std::pair<const char*, size_t> others[] = {
      {"right_children", raw.right_children.size()},
      {"split_indices", raw.split_indices.size()},
      {"split_conditions", raw.split_conditions.size()},
      {"default_left", raw.default_left.size()},
      {"sum_hessian", raw.sum_hessian.size()},
  };
  for (const auto& [name, size] : others) {
    if (size != n) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, " has ", size, " entries but left_children has ", n));
    }
  }
  return absl::OkStatus();
}

// Checks the fields of node `i` that do not depend on the tree's shape.
absl::Status CheckNode(const RawTree& raw, size_t i, uint32_t num_features) {
  const int64_t l = raw.left_children[i];
  const int64_t r = raw.right_children[i];
  const int64_t n = static_cast<int64_t>(raw.left_children.size());
  const float cover = raw.sum_hessian[i];
  if (!std::isfinite(cover) || cover < 0.0f) {
    return NodeError(i, "sum_hessian must be finite and >= 0");
  }
  if (l == -1 && r == -1) {
    if (!std::isfinite(raw.split_conditions[i])) {
      return NodeError(i, "leaf value must be finite");
    }
    return absl::OkStatus();
  }
  if (l < 1 || l >= n || r < 1 || r >= n || l == r) {
    return NodeError(i, absl::StrCat("children (", l, ", ", r,
                                     ") must both be -1 or distinct indices "
                                     "in [1, ",
                                     n, ")"));
  }
  const int64_t feature = raw.split_indices[i];
  if (feature < 0 || feature >= static_cast<int64_t>(num_features)) {
    return NodeError(i, absl::StrCat("split index ", feature,
                                     " is outside [0, ", num_features, ")"));
  }
  if (std::isnan(raw.split_conditions[i])) {
    return NodeError(i, "split condition is NaN");
  }
  return absl::OkStatus();
}

TreeNode MakeNode(const RawTree& raw, size_t i) {
  TreeNode node;
  node.value = raw.split_conditions[i];
  node.cover = raw.sum_hessian[i];
  if (raw.left_children[i] != -1) {
    node.feature = static_cast<uint32_t>(raw.split_indices[i]);
    node.default_left = raw.default_left[i];
  }
  return node;
}

}  // namespace

absl::StatusOr<DecisionTree> CanonicalizeTree(const RawTree& raw,
                                              uint32_t num_features) {
  RR_RETURN_IF_ERROR(CheckLengths(raw));
  const size_t n = raw.left_children.size();
  for (size_t i = 0; i < n; ++i) {
    RR_RETURN_IF_ERROR(CheckNode(raw, i, num_features));
  }
  // Breadth-first walk from the root; a node seen twice means a cycle or a
  // child shared by two parents, neither of which is a tree.
  std::vector<bool> seen(n, false);
  std::deque<std::pair<size_t, int>> queue = {{0, 0}};  // (raw index, depth)
  seen[0] = true;
  DecisionTree tree;
  while (!queue.empty()) {
    const auto [i, depth] = queue.front();
    queue.pop_front();
    tree.depth = std::max(tree.depth, depth);
    if (depth > kMaxTreeDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat("tree is deeper than ", kMaxTreeDepth, " levels"));
    }
    TreeNode node = MakeNode(raw, i);
    if (raw.left_children[i] != -1) {
      // Children are appended to the queue together, so they get adjacent
      // canonical indices: left at the current end, right just after it.
      node.left = static_cast<int32_t>(tree.nodes.size() + 1 + queue.size());
      for (int64_t child : {raw.left_children[i], raw.right_children[i]}) {
        const size_t c = static_cast<size_t>(child);
        if (seen[c])
          return NodeError(c, "reached twice (cycle or shared child)");
        seen[c] = true;
        queue.emplace_back(c, depth + 1);
      }
    }
    tree.nodes.push_back(node);
  }
  return tree;
}

}  // namespace reachrank::ranking
