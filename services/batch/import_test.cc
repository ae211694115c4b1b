#include "services/batch/importer.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/shard.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ranking/testing/sim_store.h"
#include "services/batch/batch_testing.h"
#include "services/common/test_support.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

TEST(ParseImportLineTest, SplitsCellsOverTheEventLimitWithStableIds) {
  const std::string line =
      R"({"post":{"postId":"p1","platform":"tiktok","authorId":"a1",)"
      R"("createdAt":"2026-01-02T00:00:00Z","mediaKind":"MEDIA_KIND_VIDEO"},)"
      R"("counts":[{"surface":"RECOMMENDED","relation":"stranger",)"
      R"("type":"EVENT_TYPE_VIEW","count":2500000,"watch_ms":5000001},)"
      R"({"surface":"SURFACE_FOLLOWING","relation":"FOLLOWER","type":"LIKE",)"
      R"("count":3,"at":"2026-01-03T00:00:00Z"}]})";
  auto record = ParseImportLine(line, kNow);
  ASSERT_TRUE(record.ok()) << record.status();
  ASSERT_EQ(record->events.size(), 4u);
  EXPECT_EQ(record->events[0].count(), 1000000u);
  EXPECT_EQ(record->events[1].count(), 1000000u);
  EXPECT_EQ(record->events[2].count(), 500000u);
  EXPECT_EQ(record->events[0].watch_ms() + record->events[1].watch_ms() +
                record->events[2].watch_ms(),
            5000001);
  EXPECT_EQ(record->events[0].at().seconds(), 1767312000);  // created_at
  EXPECT_EQ(record->events[3].at().seconds(), 1767398400);
  EXPECT_NE(record->events[0].event_id(), record->events[1].event_id());
  EXPECT_EQ(record->events[0].event_id().size(), 36u);
  auto again = ParseImportLine(line, kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events[3].event_id(), record->events[3].event_id());
}

TEST(ParseImportLineTest, BadLinesNameTheField) {
  EXPECT_EQ(ParseImportLine("{", kNow).status(),
            absl::InvalidArgumentError(
                "not JSON: parse error at line 1, column 2: syntax error "
                "while parsing object key - unexpected end of input; "
                "expected string literal"));
  EXPECT_EQ(
      ParseImportLine(R"({"counts":[{"count":1e400}]})", kNow).status(),
      absl::InvalidArgumentError("not JSON: number overflow parsing '1e400'"));
  EXPECT_EQ(ParseImportLine("[1]", kNow).status(),
            absl::InvalidArgumentError("not a JSON object"));
  EXPECT_EQ(ParseImportLine(R"({"counts":[]})", kNow).status(),
            absl::InvalidArgumentError("post: is required"));
  const std::string post =
      R"({"postId":"p1","platform":"tiktok","authorId":"a1",)"
      R"("createdAt":"2026-01-02T00:00:00Z","mediaKind":"MEDIA_KIND_VIDEO"})";
  EXPECT_EQ(
      ParseImportLine(absl::StrCat(R"({"post":)", post,
                                   R"(,"counts":[{"surface":"MOON",)"
                                   R"("relation":"FOLLOWER","type":"LIKE",)"
                                   R"("count":1}]})"),
                      kNow)
          .status(),
      absl::InvalidArgumentError("counts[0].surface: unknown value 'MOON'"));
  EXPECT_EQ(
      ParseImportLine(absl::StrCat(R"({"post":)", post,
                                   R"(,"counts":[{"surface":"FRIENDS",)"
                                   R"("relation":"FRIEND","type":"LIKE",)"
                                   R"("count":0}]})"),
                      kNow)
          .status(),
      absl::InvalidArgumentError(
          "counts[0].count: must be an integer in 1..10000000000"));
  // A misspelt key is refused, not dropped with its value.
  EXPECT_EQ(
      ParseImportLine(absl::StrCat(R"({"post":)", post,
                                   R"(,"counts":[{"surface":"FRIENDS",)"
                                   R"("relation":"FRIEND","type":"VIEW",)"
                                   R"("count":2,"watchMs":5000}]})"),
                      kNow)
          .status(),
      absl::InvalidArgumentError("counts[0].watchMs: unknown key (known: "
                                 "surface, relation, type, count, watch_ms, "
                                 "at)"));
  EXPECT_EQ(
      ParseImportLine(absl::StrCat(R"({"post":)", post, R"(,"count":[]})"),
                      kNow)
          .status(),
      absl::InvalidArgumentError("count: unknown key (known: post, counts)"));
}

// A count near 2^64 was split into ~10^13 events and exhausted memory (seen
// while adding import_line_fuzzer). Counts are bounded, and so is watch_ms.
TEST(ParseImportLineTest, HugeCountsAndWatchTimesAreRejected) {
  const std::string post =
      R"({"postId":"p1","platform":"tiktok","authorId":"a1",)"
      R"("createdAt":"2026-01-02T00:00:00Z","mediaKind":"MEDIA_KIND_VIDEO"})";
  auto line = [&post](absl::string_view cell) {
    return absl::StrCat(R"({"post":)", post, R"(,"counts":[{"surface":)",
                        R"("FRIENDS","relation":"FRIEND","type":"VIEW",)",
                        cell, "}]}");
  };
  EXPECT_EQ(ParseImportLine(line(R"("count":18446744073709551615)"), kNow)
                .status(),
            absl::InvalidArgumentError(
                "counts[0].count: must be an integer in 1..10000000000"));
  EXPECT_EQ(ParseImportLine(line(R"("count":1,"watch_ms":9223372036854775808)"),
                            kNow)
                .status(),
            absl::InvalidArgumentError(
                "counts[0].watch_ms: must be an integer in 0..2^63-1"));
  auto largest = ParseImportLine(line(R"("count":10000000000)"), kNow);
  ASSERT_TRUE(largest.ok()) << largest.status();
  EXPECT_EQ(largest->events.size(), 10000u);
}

// The bound holds for a whole line, not only for each cell: many cells of
// large counts would otherwise make millions of events from one line.
TEST(ParseImportLineTest, ALineMakesAtMostTenThousandEvents) {
  const std::string post =
      R"({"postId":"p1","platform":"tiktok","authorId":"a1",)"
      R"("createdAt":"2026-01-02T00:00:00Z","mediaKind":"MEDIA_KIND_VIDEO"})";
  auto line = [&post](const std::vector<std::string>& counts) {
    std::vector<std::string> cells;
    for (const std::string& count : counts) {
      cells.push_back(absl::StrCat(
          R"({"surface":"FRIENDS","relation":"FRIEND","type":"VIEW","count":)",
          count, "}"));
    }
    return absl::StrCat(R"({"post":)", post, R"(,"counts":[)",
                        absl::StrJoin(cells, ","), "]}");
  };
  // 9,999 events from the first cell and one from the second: the limit.
  auto full = ParseImportLine(line({"9999000000", "1"}), kNow);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->events.size(), 10000u);
  EXPECT_EQ(ParseImportLine(line({"9999000000", "1000001"}), kNow).status(),
            absl::InvalidArgumentError(
                "counts: must make at most 10000 events in one line (a cell "
                "makes one per 1000000 of its count)"));
  EXPECT_EQ(
      ParseImportLine(line(std::vector<std::string>(12, "10000000000")), kNow)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

// A deeply nested line is refused before anything walks it recursively.
TEST(ParseImportLineTest, ALineNestedTooDeepIsRefused) {
  const std::string line = R"({"post": {"x": )" + std::string(50000, '[') +
                           std::string(50000, ']') + "}}";
  EXPECT_EQ(ParseImportLine(line, kNow).status(),
            absl::InvalidArgumentError("nested deeper than 64 levels"));
}

// A small simulated history: 30 people over `days` days.
absl::StatusOr<testing::SimData> History(uint64_t seed, int days) {
  sim::SimOptions options;
  options.seed = seed;
  options.people = 30;
  options.days = days;
  return testing::Simulate(options);
}

TEST(ImportPostsTest, ASecondRunIsAllDuplicatesAndLeavesCountersUnchanged) {
  auto dir = reachrank::testing::MakeTempDir("batch-import");
  ASSERT_TRUE(dir.ok());
  auto store = testing::OpenImportStore(*dir + "/db");
  ASSERT_TRUE(store.ok()) << store.status();
  auto data = History(/*seed=*/3, /*days=*/20);
  ASSERT_TRUE(data.ok()) << data.status();
  std::vector<std::string> lines = testing::ImportLines(*data);
  lines.insert(lines.begin() + 2, "{\"post\": 7}");
  const std::string input = absl::StrJoin(lines, "\n");
  const int64_t posts = static_cast<int64_t>(data->posts.size());
  ranking::testing::FakeClassifier classifier("travel");

  std::vector<int64_t> rejected_lines;
  auto reject = [&](int64_t line, const absl::Status&) {
    rejected_lines.push_back(line);
  };
  ImportOptions import;
  import.batch_posts = 64;
  import.now = kNow;
  std::vector<int64_t> progress;
  import.progress = [&progress](int64_t lines) { progress.push_back(lines); };
  std::istringstream first_in(input);
  auto first = ImportPosts(first_in, **store, &classifier, import, reject);
  ASSERT_TRUE(first.ok()) << first.status();
  // After each full batch of 64 posts (65 lines read with the bad one
  // first), then at the end.
  ASSERT_EQ(progress.size(), static_cast<size_t>(posts / 64 + 1));
  EXPECT_EQ(progress.front(), 65);
  EXPECT_EQ(progress.back(), static_cast<int64_t>(lines.size()));
  import.progress = nullptr;
  EXPECT_EQ(first->posts_created, posts);
  EXPECT_GT(first->events_accepted, 0);
  EXPECT_EQ(first->events_duplicate, 0);
  EXPECT_THAT(rejected_lines, ::testing::ElementsAre(3));

  std::vector<std::string> ids;
  for (const v1::Post& p : data->posts) ids.push_back(p.post_id());
  auto before = (*store)->MultiGetPostCounters(ids);
  ASSERT_TRUE(before.ok());
  int64_t impressions = 0;
  for (const storage::Counters& c : *before) {
    impressions += c.ByType(v1::EVENT_TYPE_IMPRESSION);
  }
  int64_t simulated = 0;
  for (const v1::EngagementEvent& e : data->events) {
    if (e.type() == v1::EVENT_TYPE_IMPRESSION) simulated += e.count();
  }
  EXPECT_EQ(impressions, simulated);

  import.now = kNow + absl::Hours(24 * 30);  // long after the ingest window
  std::istringstream second_in(input);
  auto second = ImportPosts(second_in, **store, &classifier, import, reject);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->posts_created, 0);
  EXPECT_EQ(second->posts_updated, posts);
  EXPECT_EQ(second->events_accepted, 0);
  EXPECT_EQ(second->events_duplicate, first->events_accepted);
  auto after = (*store)->MultiGetPostCounters(ids);
  ASSERT_TRUE(after.ok());
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ((*after)[i].Encode(), (*before)[i].Encode()) << ids[i];
  }
}

// A store with the ingest service's clock-skew rule refuses the early
// count: its line is reported with the post and the rule, the line's other
// count and the other lines are written.
TEST(ImportPostsTest, EventsTheStoreRefusesAreReportedByTheirLine) {
  auto dir = reachrank::testing::MakeTempDir("batch-import-early");
  ASSERT_TRUE(dir.ok());
  auto store = testing::OpenImportStore(*dir + "/db");  // 1 h rule
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<std::pair<int64_t, std::string>> rejected;
  auto reject = [&](int64_t line, const absl::Status& status) {
    rejected.emplace_back(line, std::string(status.message()));
  };
  ImportOptions import;
  import.now = kNow;
  std::istringstream in(absl::StrJoin(testing::EarlyCountLines(), "\n"));
  auto summary = ImportPosts(in, **store, nullptr, import, reject);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->posts_created, 3);
  EXPECT_EQ(summary->events_accepted, 3);
  EXPECT_EQ(summary->rejected_lines, 1);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].first, 2);
  EXPECT_EQ(rejected[0].second,
            "post s2: 1 of the line's 2 events refused (the others counted): "
            "at: must not be more than 1h before its post's created_at");
  auto counters = (*store)->MultiGetPostCounters({"s1", "s2", "s3"});
  ASSERT_TRUE(counters.ok());
  EXPECT_EQ((*counters)[1].ByType(v1::EVENT_TYPE_IMPRESSION), 70);
  EXPECT_EQ((*counters)[1].ByType(v1::EVENT_TYPE_LIKE), 0);
  EXPECT_EQ((*counters)[2].ByType(v1::EVENT_TYPE_IMPRESSION), 90);
}

// Importing one history file into two shards with --shard 0/2 and 1/2 puts
// each post (and its counters) on the shard that owns its author, only there.
TEST(ImportPostsTest, AShardImportsOnlyItsAuthorsPosts) {
  auto dir = reachrank::testing::MakeTempDir("batch-import-shards");
  ASSERT_TRUE(dir.ok());
  auto data = History(/*seed=*/4, /*days=*/10);
  ASSERT_TRUE(data.ok()) << data.status();
  const std::string input = absl::StrJoin(testing::ImportLines(*data), "\n");
  ranking::testing::FakeClassifier classifier("travel");
  std::vector<std::string> ids;
  for (const v1::Post& p : data->posts) ids.push_back(p.post_id());

  int64_t created = 0;
  for (int32_t shard = 0; shard < 2; ++shard) {
    auto store = testing::OpenImportStore(absl::StrCat(*dir, "/shard-", shard));
    ASSERT_TRUE(store.ok()) << store.status();
    ImportOptions import;
    import.now = kNow;
    import.shard = ShardSlice{shard, 2};
    std::istringstream in(input);
    auto summary = ImportPosts(in, **store, &classifier, import, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status();
    EXPECT_GT(summary->posts_created, 0) << "shard " << shard;
    EXPECT_EQ(summary->posts_created + summary->other_shards,
              static_cast<int64_t>(ids.size()));
    created += summary->posts_created;
    auto stored = (*store)->MultiGetPosts(ids);
    ASSERT_TRUE(stored.ok()) << stored.status();
    for (size_t i = 0; i < ids.size(); ++i) {
      const v1::Post& post = data->posts[i];
      EXPECT_EQ((*stored)[i].has_value(),
                ShardOf(post.platform(), post.author_id(), 2) == shard)
          << ids[i] << " on shard " << shard;
    }
  }
  EXPECT_EQ(created, static_cast<int64_t>(ids.size()));
}

}  // namespace
}  // namespace reachrank::batch
