#include "ranking/model/tree_ensemble.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ranking/model/row_width.h"
#include "ranking/model/tree_shap.h"

namespace reachrank::ranking {
namespace {

constexpr uint32_t kDefaultLeftBit = 1u << 31;
constexpr uint32_t kFeatureMask = kDefaultLeftBit - 1;
// Rows evaluated together against one tree before moving to the next: the
// block's rows stay in L1 while every tree streams through once.
constexpr size_t kBlockRows = 64;
// Rows walked in lock step through one complete tree; independent loads
// overlap their latency.
constexpr size_t kLanes = 8;

uint32_t FeatureFlags(const TreeNode& node) {
  return node.feature | (node.default_left ? kDefaultLeftBit : 0u);
}

// 1 if `x` goes left at a split, else 0. NaN compares false, so it goes
// left exactly when the default-left bit is set.
inline uint32_t GoesLeft(float x, float threshold, uint32_t flags) {
  const uint32_t missing = static_cast<uint32_t>(x != x);
  return static_cast<uint32_t>(x < threshold) | (missing & (flags >> 31));
}

inline float Sigmoid(float margin) { return 1.0f / (1.0f + std::exp(-margin)); }

}  // namespace

absl::StatusOr<TreeEnsemble> TreeEnsemble::Create(
    std::vector<DecisionTree> trees, float base_margin, uint32_t num_features,
    std::vector<std::string> feature_names,
    const TreeEnsembleOptions& options) {
  if (num_features == 0 || num_features > kMaxFeatures) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_features is ", num_features, "; must be in [1, ",
                     kMaxFeatures, "]"));
  }
  if (!feature_names.empty() && feature_names.size() != num_features) {
    return absl::InvalidArgumentError(
        absl::StrCat("model has ", feature_names.size(),
                     " feature names but num_features is ", num_features));
  }
  if (!std::isfinite(base_margin)) {
    return absl::InvalidArgumentError("base margin is not finite");
  }
  TreeEnsemble model;
  model.num_features_ = num_features;
  model.base_margin_ = base_margin;
  model.shap_bias_ = base_margin;
  model.feature_names_ = std::move(feature_names);
  for (size_t t = 0; t < trees.size(); ++t) {
    for (const TreeNode& node : trees[t].nodes) {
      if (!node.is_leaf() && node.feature >= num_features) {
        return absl::InvalidArgumentError(
            absl::StrCat("tree ", t, " splits on feature ", node.feature,
                         " but num_features is ", num_features));
      }
    }
    if (trees[t].depth <= std::min(options.max_complete_depth, 12)) {
      model.AddComplete(trees[t]);
    } else {
      model.AddLinked(trees[t]);
    }
    model.shap_bias_ += NodeMeanValues(trees[t])[0];
  }
  model.trees_ = std::move(trees);
  return model;
}

void TreeEnsemble::AddComplete(const DecisionTree& tree) {
  const int depth = tree.depth;
  const size_t n_splits = (size_t{1} << depth) - 1;
  const TreeHeader header{static_cast<uint32_t>(splits_.size()),
                          static_cast<uint32_t>(leaves_.size()), depth};
  headers_.push_back(header);
  splits_.resize(splits_.size() + n_splits, Split{0, 0.0f});
  leaves_.resize(leaves_.size() + n_splits + 1, 0.0f);
  Split* splits = splits_.data() + header.node_offset;
  float* leaves = leaves_.data() + header.leaf_offset;
  // Walk (canonical node, heap slot, level). A leaf above the last level is
  // copied into every slot below it, so the padding splits' outcome (on
  // feature 0) never matters.
  struct Item {
    int32_t node;
    size_t slot;
    int level;
  };
  std::vector<Item> stack = {{0, 0, 0}};
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    const TreeNode& node = tree.nodes[item.node];
    if (item.level == depth) {
      leaves[item.slot - n_splits] = node.value;
      continue;
    }
    const bool leaf = node.is_leaf();
    if (!leaf) splits[item.slot] = Split{FeatureFlags(node), node.value};
    const int32_t left = leaf ? item.node : node.left;
    const int32_t right = leaf ? item.node : node.left + 1;
    stack.push_back({left, 2 * item.slot + 1, item.level + 1});
    stack.push_back({right, 2 * item.slot + 2, item.level + 1});
  }
}

void TreeEnsemble::AddLinked(const DecisionTree& tree) {
  headers_.push_back(TreeHeader{static_cast<uint32_t>(links_.size()), 0, -1});
  for (const TreeNode& node : tree.nodes) {
    links_.push_back(Link{FeatureFlags(node), node.value, node.left, 0});
  }
}

void TreeEnsemble::AddCompleteTree(const TreeHeader& h, const float* rows,
                                   size_t n_rows, size_t stride,
                                   float* out) const {
  const Split* splits = splits_.data() + h.node_offset;
  const float* leaves = leaves_.data() + h.leaf_offset - ((1u << h.depth) - 1);
  for (size_t r0 = 0; r0 < n_rows; r0 += kLanes) {
    const size_t lanes = std::min(kLanes, n_rows - r0);
    const float* base = rows + r0 * stride;
    uint32_t slot[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int level = 0; level < h.depth; ++level) {
      for (size_t l = 0; l < lanes; ++l) {
        const Split s = splits[slot[l]];
        const float x = base[l * stride + (s.feature_flags & kFeatureMask)];
        slot[l] = 2 * slot[l] + 2 - GoesLeft(x, s.threshold, s.feature_flags);
      }
    }
    for (size_t l = 0; l < lanes; ++l) out[r0 + l] += leaves[slot[l]];
  }
}

void TreeEnsemble::AddLinkedTree(const TreeHeader& h, const float* rows,
                                 size_t n_rows, size_t stride,
                                 float* out) const {
  const Link* links = links_.data() + h.node_offset;
  for (size_t r = 0; r < n_rows; ++r) {
    const float* row = rows + r * stride;
    int32_t i = 0;
    while (links[i].left >= 0) {
      const Link& n = links[i];
      const float x = row[n.feature_flags & kFeatureMask];
      i = n.left + 1 -
          static_cast<int32_t>(GoesLeft(x, n.value, n.feature_flags));
    }
    out[r] += links[i].value;
  }
}

size_t TreeEnsemble::AddTreeGroup(size_t first, const float* row,
                                  float* sum) const {
  const Split* splits[kLanes];
  const float* leaves[kLanes];
  int32_t depth[kLanes];
  uint32_t slot[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  int32_t max_depth = 0;
  size_t g = 0;
  for (; g < kLanes && first + g < headers_.size(); ++g) {
    const TreeHeader& h = headers_[first + g];
    if (h.depth < 0) break;  // linked trees are walked one by one
    splits[g] = splits_.data() + h.node_offset;
    leaves[g] = leaves_.data() + h.leaf_offset - ((1u << h.depth) - 1);
    depth[g] = h.depth;
    max_depth = std::max(max_depth, h.depth);
  }
  for (int32_t level = 0; level < max_depth; ++level) {
    for (size_t i = 0; i < g; ++i) {
      // A shallower tree has reached its leaf level and waits; its slot no
      // longer indexes a split, so it must not be read.
      if (level >= depth[i]) continue;
      const Split sp = splits[i][slot[i]];
      const float x = row[sp.feature_flags & kFeatureMask];
      slot[i] = 2 * slot[i] + 2 - GoesLeft(x, sp.threshold, sp.feature_flags);
    }
  }
  for (size_t i = 0; i < g; ++i) *sum += leaves[i][slot[i]];
  return g;
}

float TreeEnsemble::PredictOneRow(const float* row) const {
  // One row has no independent rows to overlap, so walk up to kLanes
  // consecutive complete trees in lock step instead; leaves are still added
  // in tree order, keeping the float sum identical to the batched path.
  float sum = base_margin_;
  size_t t = 0;
  while (t < headers_.size()) {
    if (headers_[t].depth < 0) {
      AddLinkedTree(headers_[t], row, 1, num_features_, &sum);
      ++t;
    } else {
      t += AddTreeGroup(t, row, &sum);
    }
  }
  return sum;
}

void TreeEnsemble::PredictBlock(const float* rows, size_t n_rows,
                                float* out) const {
  if (n_rows < kLanes / 2) {
    for (size_t r = 0; r < n_rows; ++r) {
      out[r] = PredictOneRow(rows + r * num_features_);
    }
    return;
  }
  std::fill(out, out + n_rows, base_margin_);
  for (const TreeHeader& h : headers_) {
    if (h.depth >= 0) {
      AddCompleteTree(h, rows, n_rows, num_features_, out);
    } else {
      AddLinkedTree(h, rows, n_rows, num_features_, out);
    }
  }
}

absl::Status TreeEnsemble::CheckShape(size_t n_features) const {
  return CheckRowWidth(n_features, num_features_);
}

absl::Status TreeEnsemble::PredictMargin(const float* rows, size_t n_rows,
                                         size_t n_features, float* out) const {
  RR_RETURN_IF_ERROR(CheckShape(n_features));
  for (size_t r0 = 0; r0 < n_rows; r0 += kBlockRows) {
    const size_t n = std::min(kBlockRows, n_rows - r0);
    PredictBlock(rows + r0 * n_features, n, out + r0);
  }
  return absl::OkStatus();
}

absl::Status TreeEnsemble::PredictProbability(const float* rows, size_t n_rows,
                                              size_t n_features,
                                              float* out) const {
  RR_RETURN_IF_ERROR(PredictMargin(rows, n_rows, n_features, out));
  for (size_t r = 0; r < n_rows; ++r) out[r] = Sigmoid(out[r]);
  return absl::OkStatus();
}

}  // namespace reachrank::ranking
