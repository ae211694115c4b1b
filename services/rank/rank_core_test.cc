#include "services/rank/rank_core.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "base/shard.h"
#include "services/common/test_support.h"
#include "services/rank/rank_test_fixture.h"

namespace reachrank::rank {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// True when `text` holds a CJK ideograph (U+4E00..U+9FFF, 3-byte UTF-8
// sequences starting with 0xE4..0xE9).
bool HasCjk(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0xE4 && c <= 0xE9) return true;
  }
  return false;
}

class RankCoreTest : public testing::RankFixture {
 protected:
  void SetUp() override {
    RankFixture::SetUp();
    core_ = std::make_unique<RankCore>(*scorer_, *metrics_);
  }
  double Metric(const std::string& series) const {
    auto v = reachrank::testing::MetricValue(MetricsText(), series);
    EXPECT_TRUE(v.ok()) << v.status() << " for " << series;
    return v.ok() ? *v : -1;
  }

  std::unique_ptr<RankCore> core_;
};

TEST_F(RankCoreTest, ScoresAPostWithReasonsInEachLanguage) {
  for (const char* language : {"en", "de", "zh"}) {
    v1::ScoreRequest request;
    request.set_post_id("p1");
    request.set_explain(true);
    request.set_language(language);
    v1::ScoreResponse response;
    ASSERT_TRUE(core_->Score(request, &response).ok());
    const v1::ReachScore& s = response.score();
    EXPECT_EQ(s.id(), "p1");
    EXPECT_GT(s.p_reach(), 0);
    EXPECT_LT(s.p_reach(), 1);
    EXPECT_GT(s.expected_stranger_impressions(), 0);
    EXPECT_EQ(s.model_version(), "prior-v1");
    double sum = 0;
    for (const auto& [surface, share] : s.surface_mix()) sum += share;
    EXPECT_NEAR(sum, 1, 1e-9);
    ASSERT_FALSE(s.reasons().empty());
    for (const v1::Reason& r : s.reasons()) {
      EXPECT_FALSE(r.message().empty()) << r.factor();
      EXPECT_EQ(HasCjk(r.message()), std::string(language) == "zh")
          << language << ": " << r.message();
    }
    ASSERT_EQ(s.topics_size(), 1);
    EXPECT_EQ(s.topics(0).topic_id(), "travel");
  }
  EXPECT_EQ(Metric("reachrank_rank_scores_count{kind=\"post\"}"), 3);
  EXPECT_EQ(Metric("reachrank_model_info{model_version=\"prior-v1\"}"), 1);
}

TEST_F(RankCoreTest, WithoutExplainThereAreNoReasons) {
  v1::ScoreRequest request;
  request.set_post_id("p2");
  v1::ScoreResponse response;
  ASSERT_TRUE(core_->Score(request, &response).ok());
  EXPECT_THAT(response.score().reasons(), IsEmpty());
}

TEST_F(RankCoreTest, UnknownPostIsNotFoundAndBadRequestNamesTheField) {
  v1::ScoreRequest request;
  request.set_post_id("nope");
  v1::ScoreResponse response;
  absl::Status s = core_->Score(request, &response);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "post_id: no post \"nope\"");
  request.set_language("fr");
  s = core_->Score(request, &response);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("language:"));
}

TEST_F(RankCoreTest, ScoresADraft) {
  v1::ScoreRequest request;
  *request.mutable_draft() = Draft("d1");
  v1::ScoreResponse response;
  ASSERT_TRUE(core_->Score(request, &response).ok());
  EXPECT_EQ(response.score().id(), "d1");
  EXPECT_GT(response.score().p_reach(), 0);
  EXPECT_LT(response.score().p_reach(), 1);
  EXPECT_EQ(response.score().model_version(), "prior-v1");
  EXPECT_EQ(Metric("reachrank_rank_scores_count{kind=\"draft\"}"), 1);
}

TEST_F(RankCoreTest, ScoreDraftsReportsRefusedItemsByRequestIndex) {
  v1::ScoreDraftsRequest request;
  *request.add_drafts() = Draft("d0");
  *request.add_drafts() = Draft("d1");
  request.mutable_drafts(1)->set_platform("Bad Platform");
  *request.add_drafts() = Draft("d2");
  v1::ScoreDraftsResponse response;
  ASSERT_TRUE(core_->ScoreDrafts(request, &response).ok());
  ASSERT_EQ(response.scores_size(), 2);
  EXPECT_EQ(response.scores(0).id(), "d0");
  EXPECT_EQ(response.scores(1).id(), "d2");
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).index(), 1u);
  EXPECT_EQ(response.errors(0).id(), "d1");
  EXPECT_EQ(response.errors(0).code(), 3);
  EXPECT_EQ(response.errors(0).field(), "platform");
}

// A shard refuses the drafts of authors another shard owns (their history
// is there) and scores its own and author-less ones.
TEST_F(RankCoreTest, AShardRefusesDraftsOfAnotherShardsAuthors) {
  const int32_t owner = ShardOf("tiktok", "a1", 2);
  RankCoreOptions options;
  options.shard = ShardSlice{1 - owner, 2};
  RankCore other(*scorer_, *metrics_, options);
  v1::ScoreDraftsRequest request;
  *request.add_drafts() = Draft("d0");
  *request.add_drafts() = Draft("d1");
  request.mutable_drafts(1)->clear_author_id();
  v1::ScoreDraftsResponse response;
  ASSERT_TRUE(other.ScoreDrafts(request, &response).ok());
  ASSERT_EQ(response.scores_size(), 1);
  EXPECT_EQ(response.scores(0).id(), "d1");
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).id(), "d0");
  EXPECT_EQ(response.errors(0).code(), 9);  // FAILED_PRECONDITION
  EXPECT_EQ(response.errors(0).field(), "author_id");
  EXPECT_THAT(response.errors(0).message(),
              ::testing::HasSubstr(absl::StrCat("owned by shard ", owner,
                                                " of 2")));

  v1::ScoreRequest one;
  *one.mutable_draft() = Draft("d0");
  v1::ScoreResponse answer;
  const absl::Status s = other.Score(one, &answer);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), ::testing::StartsWith("draft.author_id: owned by"));

  options.shard = ShardSlice{owner, 2};
  RankCore mine(*scorer_, *metrics_, options);
  EXPECT_TRUE(mine.Score(one, &answer).ok());
}

TEST_F(RankCoreTest, ScoreDraftsWithoutClassifierIsFailedPrecondition) {
  auto scorer = ranking::Scorer::Create(*store_, nullptr, {});
  ASSERT_TRUE(scorer.ok());
  RankCore core(**scorer, *metrics_);
  v1::ScoreDraftsRequest request;
  *request.add_drafts() = Draft("d0");
  v1::ScoreDraftsResponse response;
  EXPECT_EQ(core.ScoreDrafts(request, &response).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RankCoreTest, RankReturnsTheTopAndListsUnknownIds) {
  v1::RankRequest request;
  for (const char* id : {"p2", "ghost", "p1", "ghost2"}) {
    request.add_post_ids(id);
  }
  v1::RankResponse all;
  ASSERT_TRUE(core_->Rank(request, &all).ok());  // limit 0: all
  ASSERT_EQ(all.scores_size(), 2);
  EXPECT_GE(all.scores(0).p_reach(), all.scores(1).p_reach());
  EXPECT_THAT(all.unknown_post_ids(), ElementsAre("ghost", "ghost2"));

  request.set_limit(1);
  v1::RankResponse top;
  ASSERT_TRUE(core_->Rank(request, &top).ok());
  ASSERT_EQ(top.scores_size(), 1);
  EXPECT_EQ(top.scores(0).id(), all.scores(0).id());
  EXPECT_EQ(Metric("reachrank_rank_candidates_total{result=\"scored\"}"), 4);
  EXPECT_EQ(Metric("reachrank_rank_candidates_total{result=\"unknown\"}"), 4);
}

TEST_F(RankCoreTest, RankStopsBetweenBatchesAndAnswersNothing) {
  v1::RankRequest request;
  request.add_post_ids("p1");
  request.add_post_ids("p2");
  for (int i = 2; i < 10000; ++i) {
    request.add_post_ids(absl::StrCat("missing-", i));
  }
  v1::RankResponse response;
  int asked = 0;
  absl::Status s =
      core_->Rank(request, &response, [&asked] { return ++asked == 3; });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(asked, 3);  // two batches of ten were done
  EXPECT_EQ(response.scores_size(), 0);
  EXPECT_EQ(Metric("reachrank_rank_candidates_total{result=\"scored\"}"), 0);
  EXPECT_EQ(Metric("reachrank_rank_scores_count{kind=\"post\"}"), 0);
}

TEST_F(RankCoreTest, ScoreDraftsStopsBetweenBatches) {
  v1::ScoreDraftsRequest request;
  for (int i = 0; i < 1000; ++i) {
    *request.add_drafts() = Draft("d" + std::to_string(i));
  }
  v1::ScoreDraftsResponse response;
  int asked = 0;
  absl::Status s =
      core_->ScoreDrafts(request, &response, [&asked] { return ++asked == 2; });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(response.scores_size(), 0);
  EXPECT_EQ(Metric("reachrank_rank_scores_count{kind=\"draft\"}"), 0);
}

TEST_F(RankCoreTest, RankOverTheLimitIsResourceExhausted) {
  ranking::ScorerOptions scorer_options;
  scorer_options.max_candidates = 2;
  auto scorer = ranking::Scorer::Create(*store_, nullptr, scorer_options);
  ASSERT_TRUE(scorer.ok()) << scorer.status();
  RankCore core(**scorer, *metrics_);
  v1::RankRequest request;
  for (const char* id : {"p1", "p2", "p3"}) request.add_post_ids(id);
  v1::RankResponse response;
  EXPECT_EQ(core.Rank(request, &response).code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(RankCoreTest, RefusedModelKeepsTheOldOneServing) {
  const std::string broken = BrokenModelDir();
  absl::StatusOr<ReloadOutcome> refused = core_->Reload(broken);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::StartsWith("model_dir: " + broken + " refused: "));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(broken + "/draft"));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("prior-v1 keeps serving"));
  EXPECT_EQ(core_->model_version(), "prior-v1");

  absl::StatusOr<ReloadOutcome> priors = core_->Reload();  // configured: ""
  ASSERT_TRUE(priors.ok()) << priors.status();
  EXPECT_EQ(priors->model_version, "prior-v1");
  EXPECT_EQ(priors->previous_model_version, "prior-v1");
  EXPECT_EQ(Metric("reachrank_rank_reloads_total{result=\"refused\"}"), 1);
  // The load at start, and the priors again.
  EXPECT_EQ(Metric("reachrank_rank_reloads_total{result=\"ok\"}"), 2);
  EXPECT_EQ(Metric("reachrank_model_info{model_version=\"prior-v1\"}"), 1);
}

}  // namespace
}  // namespace reachrank::rank
