// Test-only: a small database (one author, two classified posts, stranger
// engagement on the first) and a Scorer over it with the priors and a fake
// classifier, shared by the rank core and service tests.
#ifndef REACHRANK_SERVICES_RANK_RANK_TEST_FIXTURE_H_
#define REACHRANK_SERVICES_RANK_RANK_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "prometheus/registry.h"
#include "ranking/scorer.h"
#include "ranking/testing/sim_store.h"
#include "services/rank/rank_metrics.h"
#include "storage/store.h"
#include "storage/test_util.h"

namespace reachrank::rank::testing {

class RankFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  v1::Draft Draft(const std::string& id) const;
  // The /metrics text of registry_.
  std::string MetricsText() const;
  // A model set directory whose draft model is not a model.
  std::string BrokenModelDir() const;

  storage::testing::ScopedTempDir dir_;
  std::unique_ptr<storage::Store> store_;
  ranking::testing::FakeClassifier classifier_{"travel"};
  std::unique_ptr<ranking::Scorer> scorer_;
  prometheus::Registry registry_;
  std::unique_ptr<RankMetrics> metrics_;
};

}  // namespace reachrank::rank::testing

#endif  // REACHRANK_SERVICES_RANK_RANK_TEST_FIXTURE_H_
