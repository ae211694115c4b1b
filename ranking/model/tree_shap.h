// Exact path-dependent TreeSHAP for one tree (Lundberg, Erion and Lee,
// "Consistent Individualized Feature Attribution for Tree Ensembles", 2018,
// Algorithm 2), matching XGBoost's `pred_contribs`: a node's cover is its
// sum of hessians and a missing value follows the default direction.
// Stateless functions; safe to call concurrently on shared trees.
#ifndef REACHRANK_RANKING_MODEL_TREE_SHAP_H_
#define REACHRANK_RANKING_MODEL_TREE_SHAP_H_

#include <vector>

#include "ranking/model/decision_tree.h"

namespace reachrank::ranking {

// Expected output of each node of `tree`: a leaf's value, or the
// cover-weighted mean of its children's expected outputs. Index = node.
std::vector<double> NodeMeanValues(const DecisionTree& tree);

// Adds `tree`'s SHAP value of each feature for `row` to phi[feature]. The
// tree's expected output (NodeMeanValues(tree)[0]) is not added: the caller
// owns the bias term. `row` has at least as many entries as the largest
// feature index + 1; NaN marks a missing value.
void AddTreeShap(const DecisionTree& tree, const float* row, double* phi);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_TREE_SHAP_H_
