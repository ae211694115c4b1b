// Trains the two models of a model set (ranking/scorer.h) from point-in-time
// rows of the store (ranking/training_rows.h):
//
//   <out>/draft/  trained on TrainingRows::draft (drafts' features)
//   <out>/live/   trained on TrainingRows::live (published posts' features)
//
// Both use the same split, options, version and label.
#ifndef REACHRANK_RANKING_TRAIN_MODEL_SET_TRAINER_H_
#define REACHRANK_RANKING_TRAIN_MODEL_SET_TRAINER_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ranking/label.h"
#include "ranking/train/trainer.h"
#include "ranking/training_rows.h"

namespace reachrank::ranking {

// What training the model set produced. A plain value type.
struct ModelSetReport {
  TrainReport draft;
  TrainReport live;
};

// The metadata label for `config`: counter name, threshold, horizon in
// whole days.
LabelDefinition ToLabelDefinition(const LabelConfig& config);

// Called after each boosting round of each model ("draft", then "live")
// with the rounds done and the most rounds.
using ModelSetProgress =
    std::function<void(absl::string_view model, int round, int rounds)>;

// Trains <out_dir>/draft and <out_dir>/live, both holding out the posts of
// the latest options.holdout_fraction of the draft rows; fails as
// TrainModelDirectory does, naming the model ("draft: ..."). Both are
// trained and written before either is published, so a failed training
// leaves the previous set as it was, not a new draft beside an old live
// model. `progress` may be empty.
absl::StatusOr<ModelSetReport> TrainModelSet(
    const TrainingRows& rows, const TrainOptions& options,
    const ModelDescription& description, const std::string& out_dir,
    const ModelSetProgress& progress = {});

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAIN_MODEL_SET_TRAINER_H_
