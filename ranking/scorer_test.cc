#include "ranking/scorer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/prior.h"
#include "ranking/testing/sim_store.h"
#include "storage/test_util.h"

namespace reachrank::ranking {
namespace {

// A store filled by a small simulation, shared by the tests of this file.
class ScorerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new storage::testing::ScopedTempDir();
    auto store = storage::Store::Open(storage::testing::OptionsFor(dir_->Sub("db")));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = store->release();
    sim::SimOptions o;
    o.seed = 11;
    o.people = 40;
    o.days = 21;
    auto summary = testing::FillStoreFromSim(o, *store_);
    ASSERT_TRUE(summary.ok()) << summary.status();
    ids_ = new std::vector<std::string>(summary->post_ids);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete ids_;
    delete dir_;
  }
  std::unique_ptr<Scorer> NewScorer(topics::TopicClassifier* c = nullptr) {
    auto scorer = Scorer::Create(*store_, c, {});
    EXPECT_TRUE(scorer.ok()) << scorer.status();
    return scorer.ok() ? *std::move(scorer) : nullptr;
  }
  static void WriteModelSet(const std::string& dir, const std::string& version,
                            FeatureSet draft_dir_set = FeatureSet::kDraft) {
    ASSERT_TRUE(WritePriorModelDir(draft_dir_set, dir + "/draft").ok());
    ASSERT_TRUE(WritePriorModelDir(FeatureSet::kLive, dir + "/live").ok());
    for (const char* sub : {"/draft", "/live"}) {
      const std::string path = dir + sub + "/metadata.json";
      std::ifstream in(path);
      std::string text((std::istreambuf_iterator<char>(in)), {});
      const std::string from = "\"prior-v1\"";
      text.replace(text.find(from), from.size(), "\"" + version + "\"");
      std::ofstream(path) << text;
    }
  }

  static storage::testing::ScopedTempDir* dir_;
  static storage::Store* store_;
  static std::vector<std::string>* ids_;
};
storage::testing::ScopedTempDir* ScorerTest::dir_ = nullptr;
storage::Store* ScorerTest::store_ = nullptr;
std::vector<std::string>* ScorerTest::ids_ = nullptr;

TEST_F(ScorerTest, RankOrdersByProbabilityAndListsUnknownIds) {
  auto scorer = NewScorer();
  std::vector<std::string> ids = *ids_;
  ASSERT_GT(ids.size(), 100u);
  ids.insert(ids.begin() + 3, "no-such-post");
  ids.push_back("also-missing");
  // One point in time for both calls: scored "now", a post's age (and so
  // its p_reach) moves between two calls on a slow (sanitizer) build.
  const absl::Time as_of = absl::Now();
  auto ranked = scorer->Rank(ids, 20, as_of, true, "de");
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_EQ(ranked->unknown_ids,
            (std::vector<std::string>{"no-such-post", "also-missing"}));
  EXPECT_EQ(ranked->scored, ids_->size());
  ASSERT_EQ(ranked->top.size(), 20u);
  for (size_t i = 1; i < ranked->top.size(); ++i) {
    EXPECT_GE(ranked->top[i - 1].p_reach, ranked->top[i].p_reach);
  }
  const ScoreResult& best = ranked->top[0];
  EXPECT_EQ(best.model_version, "prior-v1");
  EXPECT_FALSE(best.reasons.empty());
  EXPECT_FALSE(best.topics.empty());
  double mix = 0;
  for (const auto& [surface, share] : best.surface_mix) mix += share;
  EXPECT_NEAR(mix, 1.0, 1e-9);
  EXPECT_GT(best.expected_stranger_impressions, 0);
  // The same post scored alone agrees with its rank score.
  auto alone = scorer->ScorePost(best.id, as_of, false, "en");
  ASSERT_TRUE(alone.ok());
  EXPECT_FLOAT_EQ(alone->p_reach, best.p_reach);
  EXPECT_TRUE(alone->reasons.empty());
}

// A published post is told to expect at least the strangers it has
// already reached (ranking/surface_mix.h), however far past the threshold.
TEST_F(ScorerTest, APublishedPostNeverExpectsFewerStrangersThanItHas) {
  auto scorer = NewScorer();
  int far_past_threshold = 0;
  for (size_t i = 0; i < ids_->size(); i += 5) {
    const std::string& id = (*ids_)[i];
    auto counters = store_->PostCounters(id);
    ASSERT_TRUE(counters.ok()) << counters.status();
    const double has = static_cast<double>(
        ReachValue(*counters, ReachCounter::kStrangerImpressions));
    auto score = scorer->ScorePost(id, std::nullopt, false, "en");
    ASSERT_TRUE(score.ok()) << score.status();
    // The count travels as a float log1p in the feature row.
    EXPECT_GE(score->expected_stranger_impressions, has * (1 - 1e-5)) << id;
    if (has > 10000) ++far_past_threshold;
  }
  EXPECT_GT(far_past_threshold, 0);  // the check met posts it matters for
}

// A post did not exist before its created_at: Score refuses such an as_of
// naming it, and Rank lists such posts as unknown.
TEST_F(ScorerTest, AsOfBeforeAPostWasCreated) {
  auto scorer = NewScorer();
  std::vector<std::pair<absl::Time, std::string>> by_time;
  for (const std::string& id : *ids_) {
    auto post = store_->GetPost(id);
    ASSERT_TRUE(post.ok()) << post.status();
    by_time.emplace_back(
        absl::FromUnixSeconds(post->post().created_at().seconds()), id);
  }
  std::sort(by_time.begin(), by_time.end());
  const auto& [first_created, first_id] = by_time.front();
  auto before =
      scorer->ScorePost(first_id, first_created - absl::Hours(1), false, "en");
  EXPECT_EQ(before.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(before.status().message(), ::testing::StartsWith("as_of: "));
  EXPECT_THAT(before.status().message(),
              ::testing::HasSubstr("is before the post was created"));
  EXPECT_TRUE(scorer->ScorePost(first_id, first_created, false, "en").ok());

  // As of the middle post's creation, the later half did not exist yet.
  const size_t middle = by_time.size() / 2;
  const absl::Time as_of = by_time[middle].first;
  size_t later = 0;
  for (const auto& [created, id] : by_time) later += created > as_of;
  ASSERT_GT(later, 0u);
  auto ranked = scorer->Rank(*ids_, 0, as_of, false, "en");
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_EQ(ranked->unknown_ids.size(), later);
  EXPECT_EQ(ranked->top.size(), ids_->size() - later);
}

TEST_F(ScorerTest, RankLimitZeroReturnsAllBestFirst) {
  auto scorer = NewScorer();
  std::vector<std::string> ids(ids_->begin(), ids_->begin() + 30);
  ids.push_back("missing");
  auto ranked = scorer->Rank(ids, 0, std::nullopt, false, "en");
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_EQ(ranked->top.size(), 30u);
  EXPECT_EQ(ranked->scored, 30u);
  for (size_t i = 1; i < ranked->top.size(); ++i) {
    EXPECT_GE(ranked->top[i - 1].p_reach, ranked->top[i].p_reach);
  }
  EXPECT_EQ(ranked->top[0].surface_mix.size(), 6u);
  EXPECT_EQ(ranked->top[0].surface_mix.count("SURFACE_RECOMMENDED"), 1u);
}

TEST_F(ScorerTest, RankRefusesTooManyCandidates) {
  auto scorer = NewScorer();
  std::vector<std::string> ids(10001, "x");
  EXPECT_EQ(scorer->Rank(ids, 10, std::nullopt, false, "en").status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(scorer->ScorePost("nope", std::nullopt, false, "en")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

// `n` >= posts.size() distinct candidate ids: every stored post, spread
// evenly among ids of posts that do not exist, so that every batch of
// kRankBatch holds some.
std::vector<std::string> SpreadCandidates(const std::vector<std::string>& posts,
                                          size_t n) {
  std::vector<std::string> ids;
  const size_t every = n / posts.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t k = i / every;
    ids.push_back(i % every == 0 && k < posts.size()
                      ? posts[k]
                      : absl::StrCat("missing-", i));
  }
  return ids;
}

TEST_F(ScorerTest, RankAcrossBatchesScoresEachPostAsAlone) {
  auto scorer = NewScorer();
  const std::vector<std::string> ids =
      SpreadCandidates(*ids_, 2 * kRankBatch + 500);
  const absl::Time as_of = absl::Now();
  auto ranked = scorer->Rank(ids, 0, as_of, false, "en");
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_EQ(ranked->scored, ids_->size());
  EXPECT_EQ(ranked->unknown_ids.size(), ids.size() - ids_->size());
  ASSERT_EQ(ranked->top.size(), ids_->size());
  std::set<std::string> seen;
  for (const ScoreResult& r : ranked->top) {
    EXPECT_TRUE(seen.insert(r.id).second) << r.id;
    auto alone = scorer->ScorePost(r.id, as_of, false, "en");
    ASSERT_TRUE(alone.ok()) << alone.status();
    EXPECT_EQ(r.p_reach, alone->p_reach) << r.id;
  }
}

TEST_F(ScorerTest, RankCountsARepeatedIdOnceInItsFirstPlace) {
  auto scorer = NewScorer();
  const std::vector<std::string>& posts = *ids_;
  const std::vector<std::string> ids = {posts[0], posts[1], "ghost", posts[0],
                                        "ghost",  posts[2], posts[1]};
  const absl::Time as_of = absl::Now();
  auto ranked = scorer->Rank(ids, 0, as_of, false, "en");
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_EQ(ranked->scored, 3u);
  EXPECT_EQ(ranked->unknown_ids, std::vector<std::string>{"ghost"});
  std::set<std::string> top;
  for (const ScoreResult& r : ranked->top) top.insert(r.id);
  EXPECT_EQ(top, (std::set<std::string>{posts[0], posts[1], posts[2]}));
  EXPECT_EQ(ranked->top.size(), 3u);
  // The same as the list without repeats.
  auto distinct = scorer->Rank({posts[0], posts[1], "ghost", posts[2]}, 0,
                               as_of, false, "en");
  ASSERT_TRUE(distinct.ok()) << distinct.status();
  ASSERT_EQ(distinct->top.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ranked->top[i].id, distinct->top[i].id);
    EXPECT_EQ(ranked->top[i].p_reach, distinct->top[i].p_reach);
  }
}

TEST_F(ScorerTest, RankAsksBeforeEachBatchAndStopsWhenTold) {
  auto scorer = NewScorer();
  const std::vector<std::string> ids = SpreadCandidates(*ids_, 10000);
  int asked = 0;
  auto ranked = scorer->Rank(ids, 10, std::nullopt, false, "en", [&asked] {
    ++asked;
    return false;
  });
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_EQ(asked, 10);  // 10,000 candidates, kRankBatch at a time
  EXPECT_EQ(ranked->top.size(), 10u);

  // Told to stop before the second batch: one batch of the ten was done.
  asked = 0;
  auto stopped = scorer->Rank(ids, 10, std::nullopt, false, "en",
                              [&asked] { return ++asked == 2; });
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(stopped.status().message(),
            "stopped after 1000 of 10000 candidates: the caller stopped "
            "waiting");
  EXPECT_EQ(asked, 2);
}

TEST_F(ScorerTest, ReloadSwapsAndRefusesAMismatchedModel) {
  auto scorer = NewScorer();
  const std::string good = dir_->Sub("models-good");
  const std::string bad = dir_->Sub("models-bad");
  WriteModelSet(good, "custom-v2");
  WriteModelSet(bad, "custom-v3", /*draft_dir_set=*/FeatureSet::kLive);
  const auto before = scorer->ScorePost((*ids_)[5], std::nullopt, false, "en");
  ASSERT_TRUE(before.ok());

  ASSERT_TRUE(scorer->Reload(good).ok());
  EXPECT_EQ(scorer->model_version(), "custom-v2");
  auto after = scorer->ScorePost((*ids_)[5], std::nullopt, false, "en");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->model_version, "custom-v2");
  // The written prior gives the in-memory prior's probability.
  EXPECT_NEAR(after->p_reach, before->p_reach, 1e-6);

  const absl::Status refused = scorer->Reload(bad);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("draft"), std::string::npos);
  EXPECT_EQ(scorer->model_version(), "custom-v2");
  EXPECT_EQ(scorer->Reload(dir_->Sub("missing")).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(scorer->model_version(), "custom-v2");
  ASSERT_TRUE(scorer->Reload("").ok());
  EXPECT_EQ(scorer->model_version(), "prior-v1");
}

// A prior written to disk explains a post as the built-in prior does (its
// terms are measured from the centers, its `missing` values), and a set
// may mix directories of different versions.
TEST_F(ScorerTest, AWrittenPriorExplainsLikeTheBuiltInOneAndSetsMayMix) {
  auto scorer = NewScorer();
  const auto built_in = scorer->ScorePost((*ids_)[7], std::nullopt, true, "en");
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  ASSERT_FALSE(built_in->reasons.empty());

  const std::string a = dir_->Sub("models-a");
  const std::string b = dir_->Sub("models-b");
  WriteModelSet(a, "a-v1");
  WriteModelSet(b, "b-v2");
  const std::string mixed = dir_->Sub("models-mixed");
  std::filesystem::create_directories(mixed);
  std::filesystem::copy(a + "/draft", mixed + "/draft");
  std::filesystem::copy(b + "/live", mixed + "/live");
  ASSERT_TRUE(scorer->Reload(mixed).ok());
  EXPECT_EQ(scorer->model_version(), "a-v1,b-v2");
  const auto loaded = scorer->ScorePost((*ids_)[7], std::nullopt, true, "en");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->model_version, "b-v2");  // a published post: live
  EXPECT_NEAR(loaded->p_reach, built_in->p_reach, 1e-6);
  ASSERT_EQ(loaded->reasons.size(), built_in->reasons.size());
  for (size_t i = 0; i < loaded->reasons.size(); ++i) {
    EXPECT_EQ(loaded->reasons[i].factor, built_in->reasons[i].factor) << i;
    EXPECT_NEAR(loaded->reasons[i].contribution,
                built_in->reasons[i].contribution, 1e-5)
        << i;
  }
}

// A live model in the segmented form (the calibrated prior's) is served
// by the segment of the post's age: the prior's own scaling in that
// segment gives the built-in prior's score, whatever the other says.
TEST_F(ScorerTest, ASegmentedLiveModelScoresByThePostsAge) {
  auto scorer = NewScorer();
  const auto built_in = scorer->ScorePost((*ids_)[5], std::nullopt, true, "en");
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  const PriorScaling prior;  // the prior itself
  const PriorScaling other{3.0, 0.1, 2.0};
  // Every simulated post is days old: past a 0-hour bound, inside a
  // million-hour one.
  for (const auto& segments :
       {std::vector<PriorSegment>{{1e6, prior}, {0.0, other}},
        std::vector<PriorSegment>{{0.0, other}, {0.0, prior}}}) {
    const std::string dir = dir_->Sub(absl::StrCat(
        "models-segmented-", segments[0].up_to > 0 ? "first" : "last"));
    WriteModelSet(dir, "seg-v1");
    std::ofstream(dir + "/live/model.json")
        << SegmentedPriorModelJson(FeatureSet::kLive, segments);
    ASSERT_TRUE(scorer->Reload(dir).ok());
    const auto scored = scorer->ScorePost((*ids_)[5], std::nullopt, true, "en");
    ASSERT_TRUE(scored.ok()) << scored.status();
    EXPECT_EQ(scored->model_version, "seg-v1");
    EXPECT_NEAR(scored->p_reach, built_in->p_reach, 1e-6) << dir;
    ASSERT_FALSE(scored->reasons.empty());
    EXPECT_EQ(scored->reasons[0].factor, built_in->reasons[0].factor);
  }
}

TEST_F(ScorerTest, DraftsGetTopicsAndPerItemErrors) {
  testing::FakeClassifier classifier("travel");
  classifier.Set("Mein Tag: Kaffee", "entertainment");
  auto scorer = NewScorer(&classifier);
  auto record = store_->GetPost((*ids_)[0]);
  ASSERT_TRUE(record.ok());
  std::vector<v1::Draft> drafts(3);
  drafts[0].set_draft_id("d0");
  drafts[0].set_platform(record->post().platform());
  drafts[0].set_author_id(record->post().author_id());
  drafts[0].set_text("How to: 5 tips for cheap trains");
  drafts[1].set_draft_id("d1");  // no platform
  drafts[2] = drafts[0];
  drafts[2].set_draft_id("d2");
  drafts[2].set_text("Mein Tag: Kaffee");
  auto scored = scorer->ScoreDrafts(drafts, true, "zh");
  ASSERT_TRUE(scored.ok()) << scored.status();
  ASSERT_EQ(scored->size(), 3u);
  ASSERT_TRUE((*scored)[0].ok());
  EXPECT_EQ((*scored)[0]->id, "d0");
  EXPECT_EQ((*scored)[0]->topics[0].topic_id, "travel");
  EXPECT_EQ((*scored)[0]->model_version, "prior-v1");
  EXPECT_FALSE((*scored)[0]->reasons.empty());
  EXPECT_EQ((*scored)[1].status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE((*scored)[2].ok());
  EXPECT_EQ((*scored)[2]->topics[0].topic_id, "entertainment");
  // A useful draft beats a daily-life one of the same account.
  EXPECT_GT((*scored)[0]->p_reach, (*scored)[2]->p_reach);

  // The hashtags go to the classifier with the text.
  classifier.Set("#coding", "science/technology");
  drafts.resize(1);
  drafts[0].add_hashtags("weekend");
  drafts[0].add_hashtags("coding");
  auto tagged = scorer->ScoreDrafts(drafts, false, "en");
  ASSERT_TRUE(tagged.ok()) << tagged.status();
  ASSERT_TRUE((*tagged)[0].ok()) << (*tagged)[0].status();
  EXPECT_EQ((*tagged)[0]->topics[0].topic_id, "science/technology");

  auto no_classifier = NewScorer();
  EXPECT_EQ(no_classifier->ScoreDrafts(drafts, false, "en").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// Counts the Classify calls: one per batch of drafts.
class CountingClassifier : public topics::TopicClassifier {
 public:
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override {
    ++calls;
    return inner_.Classify(items, top_k);
  }
  std::string ModelVersion() const override { return inner_.ModelVersion(); }

  int calls = 0;

 private:
  testing::FakeClassifier inner_{"travel"};
};

TEST_F(ScorerTest, DraftsAreScoredInBatchesAndStopWhenTold) {
  CountingClassifier classifier;
  auto scorer = NewScorer(&classifier);
  auto record = store_->GetPost((*ids_)[0]);
  ASSERT_TRUE(record.ok());
  std::vector<v1::Draft> drafts(1000);
  for (size_t i = 0; i < drafts.size(); ++i) {
    drafts[i].set_draft_id("d" + std::to_string(i));
    drafts[i].set_platform(record->post().platform());
    drafts[i].set_author_id(record->post().author_id());
    drafts[i].set_text("How to: 5 tips for cheap trains");
  }
  drafts[700].clear_platform();

  auto scored = scorer->ScoreDrafts(drafts, false, "en");
  ASSERT_TRUE(scored.ok()) << scored.status();
  EXPECT_EQ(classifier.calls, 4);  // 1,000 drafts, kDraftBatch at a time
  ASSERT_EQ(scored->size(), drafts.size());
  ASSERT_TRUE((*scored)[999].ok()) << (*scored)[999].status();
  EXPECT_EQ((*scored)[999]->id, "d999");
  EXPECT_EQ((*scored)[700].status().message(),
            "drafts[700]: platform must be non-empty");

  // Told to stop before the second batch: only the first was classified.
  classifier.calls = 0;
  int asked = 0;
  auto stopped = scorer->ScoreDrafts(drafts, false, "en",
                                     [&asked] { return ++asked == 2; });
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(classifier.calls, 1);
}

TEST_F(ScorerTest, DraftsOfUnknownAuthorsAreNewAccountsWithCleanReasons) {
  testing::FakeClassifier classifier("travel");
  ScorerOptions options;
  options.max_reasons = std::size(kFactors);
  auto scorer = Scorer::Create(*store_, &classifier, options);
  ASSERT_TRUE(scorer.ok()) << scorer.status();
  auto record = store_->GetPost((*ids_)[0]);
  ASSERT_TRUE(record.ok());
  std::vector<v1::Draft> drafts(2);
  drafts[0].set_draft_id("unknown");
  drafts[0].set_platform(record->post().platform());
  drafts[0].set_author_id("no-such-author");
  drafts[0].set_text("My day: coffee and a walk");
  drafts[1] = drafts[0];
  drafts[1].set_draft_id("anonymous");
  drafts[1].clear_author_id();
  for (const char* language : {"en", "de", "zh"}) {
    auto scored = (*scorer)->ScoreDrafts(drafts, true, language);
    ASSERT_TRUE(scored.ok()) << scored.status();
    ASSERT_TRUE((*scored)[0].ok()) << (*scored)[0].status();
    ASSERT_TRUE((*scored)[1].ok()) << (*scored)[1].status();
    // Both are the same new account.
    EXPECT_EQ((*scored)[0]->p_reach, (*scored)[1]->p_reach);
    ASSERT_FALSE((*scored)[0]->reasons.empty());
    for (const Reason& r : (*scored)[0]->reasons) {
      EXPECT_EQ(r.message.find('?'), std::string::npos) << r.message;
      EXPECT_EQ(r.message.find("nan"), std::string::npos) << r.message;
      EXPECT_EQ(r.message.find('{'), std::string::npos) << r.message;
      if (r.factor == "audience_on_platform") EXPECT_EQ(r.value, 0);
    }
  }
}

TEST_F(ScorerTest, DraftsAreScoredAsOfTheirPlannedTime) {
  testing::FakeClassifier classifier("travel");
  auto scorer = NewScorer(&classifier);
  auto record = store_->GetPost(ids_->back());
  ASSERT_TRUE(record.ok());
  v1::Draft draft;
  draft.set_draft_id("d");
  draft.set_platform(record->post().platform());
  draft.set_author_id(record->post().author_id());
  draft.set_text("How to: 5 tips for cheap trains");
  // Planned during the simulation the account has weeks of history; now,
  // months later, its 90-day window is empty.
  v1::Draft planned = draft;
  *planned.mutable_planned_at() = record->post().created_at();
  auto scored = scorer->ScoreDrafts({draft, planned}, false, "en");
  ASSERT_TRUE(scored.ok()) << scored.status();
  ASSERT_TRUE((*scored)[0].ok() && (*scored)[1].ok());
  EXPECT_NE((*scored)[0]->p_reach, (*scored)[1]->p_reach);
}

}  // namespace
}  // namespace reachrank::ranking
