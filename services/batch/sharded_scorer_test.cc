#include "services/batch/sharded_scorer.h"

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/shard.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;

// Answers every draft with its id and the scorer's tag as model version
// (a "reject me" text gets an item error), or fails every call with
// `failure`; counts the drafts it saw.
class TaggingScorer final : public DraftScorer {
 public:
  explicit TaggingScorer(std::string tag, absl::Status failure = {},
                         bool drop_one = false)
      : tag_(std::move(tag)), failure_(std::move(failure)),
        drop_one_(drop_one) {}

  absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> Score(
      absl::Span<const v1::Draft> drafts, bool, absl::string_view) override {
    {
      absl::MutexLock lock(&mu_);
      seen_ += drafts.size();
    }
    if (!failure_.ok()) return failure_;
    std::vector<absl::StatusOr<v1::ReachScore>> out;
    for (const v1::Draft& d : drafts) {
      if (d.text() == "reject me") {
        out.push_back(absl::InvalidArgumentError("text: rejected"));
        continue;
      }
      v1::ReachScore s;
      s.set_id(d.draft_id());
      s.set_model_version(tag_);
      out.push_back(std::move(s));
    }
    if (drop_one_) out.pop_back();
    return out;
  }

  size_t seen() const {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

 private:
  const std::string tag_;
  const absl::Status failure_;
  const bool drop_one_;
  mutable absl::Mutex mu_;
  size_t seen_ ABSL_GUARDED_BY(mu_) = 0;
};

std::vector<v1::Draft> Drafts(int n) {
  std::vector<v1::Draft> drafts(n);
  for (int i = 0; i < n; ++i) {
    drafts[i].set_draft_id(absl::StrCat("d", i));
    drafts[i].set_platform(i % 2 == 0 ? "tiktok" : "douyin");
    drafts[i].set_author_id(absl::StrCat("acct-", i));
    drafts[i].set_text("a draft");
  }
  return drafts;
}

// Three shards; the raw pointers stay valid while `scorer` lives.
struct ThreeShards {
  explicit ThreeShards(absl::Status failure1 = {}, absl::Status failure2 = {},
                       bool drop_one2 = false) {
    std::vector<Shard> shards;
    const absl::Status failures[] = {absl::OkStatus(), failure1, failure2};
    for (int i = 0; i < 3; ++i) {
      auto s = std::make_unique<TaggingScorer>(absl::StrCat("shard-", i),
                                               failures[i],
                                               i == 2 && drop_one2);
      tagging.push_back(s.get());
      shards.push_back({absl::StrCat("host-", i), std::move(s)});
    }
    scorer = std::make_unique<ShardedDraftScorer>(std::move(shards));
  }
  std::vector<TaggingScorer*> tagging;
  std::unique_ptr<ShardedDraftScorer> scorer;
};

TEST(ShardedDraftScorerTest, ScoresEachDraftOnItsAuthorsShardInOrder) {
  ThreeShards three;
  const std::vector<v1::Draft> drafts = Drafts(60);
  auto results = three.scorer->Score(drafts, false, "en");
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), drafts.size());
  std::vector<size_t> per_shard(3, 0);
  for (size_t i = 0; i < drafts.size(); ++i) {
    ASSERT_TRUE((*results)[i].ok()) << i;
    EXPECT_EQ((*results)[i]->id(), drafts[i].draft_id());
    const int32_t shard =
        ShardOf(drafts[i].platform(), drafts[i].author_id(), 3);
    EXPECT_EQ((*results)[i]->model_version(), absl::StrCat("shard-", shard))
        << drafts[i].draft_id();
    ++per_shard[shard];
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(three.tagging[i]->seen(), per_shard[i]);
    EXPECT_GT(per_shard[i], 0u) << "shard " << i << " got no draft";
  }
}

TEST(ShardedDraftScorerTest, ItemErrorsStayAtTheirDraft) {
  ThreeShards three;
  std::vector<v1::Draft> drafts = Drafts(20);
  drafts[5].set_text("reject me");
  auto results = three.scorer->Score(drafts, false, "en");
  ASSERT_TRUE(results.ok()) << results.status();
  for (size_t i = 0; i < drafts.size(); ++i) {
    EXPECT_EQ((*results)[i].ok(), i != 5) << i;
  }
  EXPECT_EQ((*results)[5].status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ShardedDraftScorerTest, AShardThatCannotScoreFailsTheBatchNamingIt) {
  ThreeShards three(absl::UnavailableError("connection refused"),
                    absl::InvalidArgumentError("one bad draft"));
  auto results = three.scorer->Score(Drafts(60), false, "en");
  ASSERT_FALSE(results.ok());
  // UNAVAILABLE wins over INVALID_ARGUMENT: retrying drafts one by one
  // would not help while a shard is down.
  EXPECT_EQ(results.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(results.status().message(),
              HasSubstr("shard 1 (host-1): connection refused"));

  ThreeShards invalid({}, absl::InvalidArgumentError("one bad draft"));
  results = invalid.scorer->Score(Drafts(60), false, "en");
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(results.status().message(),
              HasSubstr("shard 2 (host-2): one bad draft"));
}

TEST(ShardedDraftScorerTest, AShardWithoutDraftsIsNotCalled) {
  ThreeShards three(absl::UnavailableError("down"));
  std::vector<v1::Draft> drafts;
  for (const v1::Draft& d : Drafts(60)) {
    if (ShardOf(d.platform(), d.author_id(), 3) != 1) drafts.push_back(d);
  }
  auto results = three.scorer->Score(drafts, false, "en");
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ(results->size(), drafts.size());
  EXPECT_EQ(three.tagging[1]->seen(), 0u);
}

TEST(ShardedDraftScorerTest, AWrongResultCountIsInternal) {
  ThreeShards three({}, {}, /*drop_one2=*/true);
  auto results = three.scorer->Score(Drafts(60), false, "en");
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(results.status().message(), HasSubstr("shard 2 (host-2)"));
}

TEST(ShardedDraftScorerTest, NoShardsIsRefused) {
  ShardedDraftScorer none({});
  EXPECT_EQ(none.Score(Drafts(1), false, "en").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace reachrank::batch
