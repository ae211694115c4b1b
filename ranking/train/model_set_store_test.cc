// End to end from a database: simulated history -> point-in-time rows ->
// a trained model set that the scorer's loader accepts.
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "ranking/scorer.h"
#include "ranking/testing/sim_store.h"
#include "ranking/train/model_comparison.h"
#include "ranking/train/model_set_trainer.h"
#include "storage/test_util.h"

namespace reachrank::ranking {
namespace {

TEST(ModelSetFromStoreTest, TrainsAModelSetTheScorerLoads) {
  const std::string dir = ::testing::TempDir() + "/model_set_store_test";
  std::filesystem::remove_all(dir);
  auto store = storage::Store::Open(storage::testing::OptionsFor(dir + "/db"));
  ASSERT_TRUE(store.ok()) << store.status();
  sim::SimOptions sim;
  sim.seed = 11;
  sim.people = 40;
  sim.days = 30;
  auto summary = testing::FillStoreFromSim(sim, **store);
  ASSERT_TRUE(summary.ok()) << summary.status();
  std::vector<AuthorRef> authors;
  for (const auto& [platform, id] : summary->authors) {
    authors.push_back({platform, id});
  }
  TrainingRowsOptions options;
  options.cutoff = sim.start + absl::Hours(24 * sim.days);
  auto rows = BuildTrainingRowsForAuthors(**store, authors, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_GT(rows->post_ids.size(), 100u);

  TrainOptions train;
  train.xgboost.rounds = 20;
  train.xgboost.nthread = 1;
  const ModelDescription description{
      "trees-sim", ToLabelDefinition(options.labels.default_config()),
      "built-in default label"};
  auto report = TrainModelSet(*rows, train, description, dir + "/models");
  ASSERT_TRUE(report.ok()) << report.status();
  // The same posts: one draft row each, a live row per age each.
  const size_t ages = rows->live_ages.size();
  ASSERT_EQ(ages, 5u);
  EXPECT_EQ(report->live.holdout.rows, ages * report->draft.holdout.rows);
  EXPECT_GT(report->live.holdout.auc, 0.5);

  auto set = LoadModelSet(dir + "/models");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->draft->version(), "trees-sim");
  EXPECT_EQ(set->live->metadata().feature_names, rows->live.feature_names);

  // The comparison scores the loaded models on the trainer's holdout, so
  // it repeats the trainer's figures, next to the priors on the same posts.
  auto figures =
      CompareWithPrior(*rows, train.holdout_fraction, dir + "/models");
  ASSERT_TRUE(figures.ok()) << figures.status();
  ASSERT_EQ(figures->size(), 4 + 2 * ages);
  EXPECT_EQ((*figures)[0].name, "draft");
  EXPECT_EQ((*figures)[1].name, "live");
  EXPECT_EQ((*figures)[2].model_version, "prior-v1");
  EXPECT_EQ((*figures)[3].name, "prior live");
  EXPECT_NEAR((*figures)[0].metrics.auc, report->draft.holdout.auc, 1e-3);
  EXPECT_NEAR((*figures)[1].metrics.log_loss, report->live.holdout.log_loss,
              1e-4);
  // Then the live model and the live prior on the rows of each age.
  EXPECT_EQ((*figures)[4].name, "live 1h");
  EXPECT_EQ((*figures)[5].name, "prior live 1h");
  EXPECT_EQ((*figures)[12].name, "live 72h");
  const size_t posts = report->draft.holdout.rows;
  const std::vector<size_t> expected_rows = {posts, ages * posts, posts,
                                             ages * posts};
  for (size_t i = 0; i < figures->size(); ++i) {
    const HoldoutFigures& f = (*figures)[i];
    EXPECT_EQ(f.metrics.rows, i < 4 ? expected_rows[i] : posts) << f.name;
    EXPECT_EQ(f.calibration.size(), 10u) << f.name;
  }
  // Each trained model carries its paired lead over the prior.
  ASSERT_TRUE((*figures)[0].versus_baseline.has_value());
  EXPECT_EQ((*figures)[0].baseline, "prior draft");
  EXPECT_NEAR((*figures)[0].versus_baseline->difference,
              (*figures)[0].metrics.auc - (*figures)[2].metrics.auc, 1e-12);
  EXPECT_FALSE((*figures)[2].versus_baseline.has_value());

  // Against another model set: one trained on the earliest 60 % of posts
  // may be compared on the latest 20 %; one trained on 95 % may not.
  TrainOptions older = train;
  older.holdout_fraction = 0.4;
  ASSERT_TRUE(TrainModelSet(*rows, older, description, dir + "/older").ok());
  auto versus = CompareWithModelSet(*rows, train.holdout_fraction,
                                    dir + "/models", dir + "/older");
  ASSERT_TRUE(versus.ok()) << versus.status();
  ASSERT_EQ(versus->size(), 4 + 2 * ages);
  EXPECT_EQ((*versus)[2].name, "baseline draft");
  EXPECT_EQ((*versus)[5].name, "baseline live 1h");
  EXPECT_EQ((*versus)[4].baseline, "baseline live 1h");
  EXPECT_NEAR((*versus)[1].versus_baseline->difference,
              (*versus)[1].metrics.auc - (*versus)[3].metrics.auc, 1e-12);
  TrainOptions leaky = train;
  leaky.holdout_fraction = 0.05;
  ASSERT_TRUE(TrainModelSet(*rows, leaky, description, dir + "/leaky").ok());
  for (const absl::Status& refused :
       {CompareWithModelSet(*rows, train.holdout_fraction, dir + "/models",
                            dir + "/leaky")
            .status(),
        CheckBaselineModelSet(*rows, train.holdout_fraction, dir + "/leaky")}) {
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(refused.message(), ::testing::HasSubstr("leaky/draft was "
                                                        "trained on rows up "
                                                        "to"));
  }
  EXPECT_TRUE(
      CheckBaselineModelSet(*rows, train.holdout_fraction, dir + "/older").ok());

  // The guard reads when the baseline's labels settled (the longest
  // horizon of any platform), not the default platform's horizon.
  auto older_set = LoadModelSet(dir + "/older");
  ASSERT_TRUE(older_set.ok()) << older_set.status();
  const auto& window = older_set->draft->metadata().training_window;
  ASSERT_TRUE(window.has_value());
  // The labels count the hour in progress at the horizon whole.
  EXPECT_EQ(window->labels_settle_by,
            LabelSettledAt(window->end, rows->label_horizon));
  EXPECT_GE(window->labels_settle_by, window->end + rows->label_horizon);
  std::filesystem::copy(dir + "/older", dir + "/late",
                        std::filesystem::copy_options::recursive);
  for (const char* part :
       {"/late/draft/metadata.json", "/late/live/metadata.json"}) {
    std::ifstream in(dir + part);
    nlohmann::json doc = nlohmann::json::parse(in);
    doc["training_window"]["labels_settle_by"] = "2100-01-01T00:00:00Z";
    std::ofstream(dir + part) << doc.dump(2);
  }
  const absl::Status late =
      CheckBaselineModelSet(*rows, train.holdout_fraction, dir + "/late");
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition) << late;
  EXPECT_THAT(late.message(), ::testing::HasSubstr("count events until"));
}

}  // namespace
}  // namespace reachrank::ranking
