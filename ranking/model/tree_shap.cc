#include "ranking/model/tree_shap.h"

#include <algorithm>
#include <cstddef>

#include "absl/status/status.h"
#include "base/status_macros.h"
#include "ranking/model/tree_ensemble.h"

namespace reachrank::ranking {
namespace {

// One feature on the unique path from the root to the current node.
// pweight is the permutation weight of subsets of a given size (see paper).
struct PathElement {
  int feature;
  double zero_fraction;
  double one_fraction;
  double pweight;
};

void ExtendPath(PathElement* path, int depth, double zero_fraction,
                double one_fraction, int feature) {
  path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0 : 0.0};
  const double d1 = depth + 1;
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].pweight += one_fraction * path[i].pweight * (i + 1) / d1;
    path[i].pweight = zero_fraction * path[i].pweight * (depth - i) / d1;
  }
}

// Undoes ExtendPath for element `index`, removing it from the path.
void UnwindPath(PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction;
  const double zero = path[index].zero_fraction;
  const double d1 = depth + 1;
  double next_one = path[depth].pweight;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0.0) {
      const double tmp = path[i].pweight;
      path[i].pweight = next_one * d1 / ((i + 1) * one);
      next_one = tmp - path[i].pweight * zero * (depth - i) / d1;
    } else if (zero != 0.0) {
      path[i].pweight = path[i].pweight * d1 / (zero * (depth - i));
    }
  }
  for (int i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

// Total permutation weight of the path with element `index` unwound,
// without modifying the path.
double UnwoundPathSum(const PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction;
  const double zero = path[index].zero_fraction;
  const double d1 = depth + 1;
  double next_one = path[depth].pweight;
  double total = 0.0;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0.0) {
      const double tmp = next_one * d1 / ((i + 1) * one);
      total += tmp;
      next_one = path[i].pweight - tmp * zero * ((depth - i) / d1);
    } else if (zero != 0.0) {
      total += (path[i].pweight / zero) / ((depth - i) / d1);
    }
  }
  return total;
}

// Recursion state shared by all calls for one (tree, row).
struct ShapWalk {
  const DecisionTree& tree;
  const float* row;
  double* phi;

  void Recurse(int node, int depth, PathElement* parent_path,
               double zero_fraction, double one_fraction, int feature) const;
  void AtLeaf(const PathElement* path, int depth, float value) const;
};

void ShapWalk::AtLeaf(const PathElement* path, int depth, float value) const {
  for (int i = 1; i <= depth; ++i) {
    const double w = UnwoundPathSum(path, depth, i);
    const PathElement& el = path[i];
    phi[el.feature] += w * (el.one_fraction - el.zero_fraction) * value;
  }
}

void ShapWalk::Recurse(int node_index, int depth, PathElement* parent_path,
                       double zero_fraction, double one_fraction,
                       int feature) const {
  // Each level works on its own copy of the path, placed after the parent's.
  PathElement* path = parent_path + depth + 1;
  std::copy(parent_path, parent_path + depth + 1, path);
  ExtendPath(path, depth, zero_fraction, one_fraction, feature);
  const TreeNode& node = tree.nodes[node_index];
  if (node.is_leaf()) {
    AtLeaf(path, depth, node.value);
    return;
  }
  const float x = row[node.feature];
  const bool left = (x != x) ? node.default_left : x < node.value;
  const int hot = left ? node.left : node.left + 1;
  const int cold = left ? node.left + 1 : node.left;
  const double w = node.cover;
  const double hot_zero = w > 0 ? tree.nodes[hot].cover / w : 0.0;
  const double cold_zero = w > 0 ? tree.nodes[cold].cover / w : 0.0;
  double incoming_zero = 1.0;
  double incoming_one = 1.0;
  // A feature already split on above: undo that split so it is redone here.
  for (int k = 1; k <= depth; ++k) {
    if (path[k].feature == static_cast<int>(node.feature)) {
      incoming_zero = path[k].zero_fraction;
      incoming_one = path[k].one_fraction;
      UnwindPath(path, depth, k);
      --depth;
      break;
    }
  }
  const int f = static_cast<int>(node.feature);
  Recurse(hot, depth + 1, path, hot_zero * incoming_zero, incoming_one, f);
  Recurse(cold, depth + 1, path, cold_zero * incoming_zero, 0.0, f);
}

}  // namespace

std::vector<double> NodeMeanValues(const DecisionTree& tree) {
  std::vector<double> means(tree.nodes.size(), 0.0);
  // Breadth-first order puts children after parents: fill bottom-up.
  for (size_t i = tree.nodes.size(); i-- > 0;) {
    const TreeNode& node = tree.nodes[i];
    if (node.is_leaf()) {
      means[i] = node.value;
      continue;
    }
    const TreeNode& l = tree.nodes[node.left];
    const TreeNode& r = tree.nodes[node.left + 1];
    const double sum =
        means[node.left] * l.cover + means[node.left + 1] * r.cover;
    means[i] = node.cover > 0 ? sum / node.cover : 0.0;
  }
  return means;
}

void AddTreeShap(const DecisionTree& tree, const float* row, double* phi) {
  const size_t max_depth = static_cast<size_t>(tree.depth) + 2;
  std::vector<PathElement> paths(max_depth * (max_depth + 1) / 2 + 1);
  ShapWalk walk{tree, row, phi};
  walk.Recurse(0, 0, paths.data(), 1.0, 1.0, -1);
}

absl::Status TreeEnsemble::PredictContributions(const float* rows,
                                                size_t n_rows,
                                                size_t n_features,
                                                float* out) const {
  RR_RETURN_IF_ERROR(CheckShape(n_features));
  std::vector<double> phi(n_features + 1);
  for (size_t r = 0; r < n_rows; ++r) {
    std::fill(phi.begin(), phi.end(), 0.0);
    const float* row = rows + r * n_features;
    for (size_t t = 0; t < trees_.size(); ++t) {
      AddTreeShap(trees_[t], row, phi.data());
    }
    phi[n_features] = shap_bias_;
    float* dst = out + r * (n_features + 1);
    for (size_t f = 0; f <= n_features; ++f)
      dst[f] = static_cast<float>(phi[f]);
  }
  return absl::OkStatus();
}

}  // namespace reachrank::ranking
