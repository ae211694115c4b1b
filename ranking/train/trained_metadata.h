// metadata.json for a model directory written by the trainer: the fields
// model_metadata.h defines, plus what documents the training run (row
// counts, positive rates, split, XGBoost parameters), which loaders ignore.
#ifndef REACHRANK_RANKING_TRAIN_TRAINED_METADATA_H_
#define REACHRANK_RANKING_TRAIN_TRAINED_METADATA_H_

#include <string>
#include <vector>

#include "ranking/train/trainer.h"

namespace reachrank::ranking {

// Everything metadata.json records. A plain value type; borrows nothing.
struct TrainedModelInfo {
  ModelDescription description;
  std::vector<std::string> feature_names;
  TrainOptions options;
  TrainReport report;
  bool split_by_row_order = false;  // the set had no times
};

// The JSON text (pretty-printed, newline-terminated).
std::string TrainedMetadataJson(const TrainedModelInfo& info);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_TRAINED_METADATA_H_
