// End to end from a database: simulated history -> point-in-time rows ->
// a trained model set that the scorer's loader accepts.
#include <filesystem>

#include "gtest/gtest.h"
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
}

}  // namespace
}  // namespace reachrank::ranking
