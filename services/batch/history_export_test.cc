#include "services/batch/history_export.h"

#include <sstream>
#include <string>
#include <vector>

#include "base/shard.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "ranking/testing/sim_store.h"
#include "services/batch/batch_testing.h"
#include "services/batch/draft_input.h"
#include "services/batch/importer.h"
#include "services/common/test_support.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

TEST(HistoryLineTest, OneCellPerCountAtTheHourWithWatchTimeOnViews) {
  v1::Post post;
  post.set_post_id("p1");
  storage::HourCounters hour;
  hour.hour = 491000;  // 2026-01-05T08:00:00Z
  hour.counters.Add(storage::EventCell(v1::SURFACE_RECOMMENDED,
                                       v1::RELATION_STRANGER,
                                       v1::EVENT_TYPE_VIEW),
                    3);
  hour.counters.Add(storage::WatchCell(v1::SURFACE_RECOMMENDED,
                                       v1::RELATION_STRANGER),
                    4500);
  hour.counters.Add(storage::EventCell(v1::SURFACE_FOLLOWING,
                                       v1::RELATION_FOLLOWER,
                                       v1::EVENT_TYPE_LIKE),
                    2);
  int64_t cells = 0;
  EXPECT_THAT(
      HistoryLines(post, {hour}, &cells),
      ::testing::ElementsAre(
          "{\"post\":{\"postId\":\"p1\"},\"counts\":["
          "{\"surface\":\"SURFACE_FOLLOWING\",\"relation\":"
          "\"RELATION_FOLLOWER\",\"type\":\"EVENT_TYPE_LIKE\",\"count\":2,"
          "\"at\":\"2026-01-05T08:00:00Z\"},"
          "{\"surface\":\"SURFACE_RECOMMENDED\",\"relation\":"
          "\"RELATION_STRANGER\",\"type\":\"EVENT_TYPE_VIEW\",\"count\":3,"
          "\"watch_ms\":4500,\"at\":\"2026-01-05T08:00:00Z\"}]}"));
  EXPECT_EQ(cells, 2);
}

// A duration stored on an image before the rule refused it is dropped, so
// that import, which applies the rule, takes the post with its counts.
TEST(HistoryLineTest, ANonVideoDurationIsDroppedSoImportTakesThePost) {
  v1::Post post;
  post.set_post_id("p1");
  post.set_platform("tiktok");
  post.set_author_id("a1");
  *post.mutable_created_at() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(kNow) - 86400);
  post.set_media_kind(v1::MEDIA_KIND_IMAGE);
  post.set_duration_seconds(600);
  int64_t cells = 0;
  const std::vector<std::string> lines = HistoryLines(post, {}, &cells);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], ::testing::Not(::testing::HasSubstr("duration")));
  absl::StatusOr<ImportRecord> record = ParseImportLine(lines[0], kNow);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->post.duration_seconds(), 0);
  post.set_media_kind(v1::MEDIA_KIND_VIDEO);  // a video keeps it
  EXPECT_THAT(HistoryLines(post, {}, &cells)[0],
              ::testing::HasSubstr("\"durationSeconds\":600"));
}

// A post with more counts than import takes in one line is written as
// several lines, each of which import accepts, carrying every count once.
TEST(HistoryLineTest, APostWithManyCountsSpansLinesImportAccepts) {
  v1::Post post;
  post.set_post_id("p1");
  post.set_platform("tiktok");
  post.set_author_id("a1");
  post.set_media_kind(v1::MEDIA_KIND_VIDEO);
  post.mutable_created_at()->set_seconds(491000LL * 3600);
  std::vector<storage::HourCounters> hours;
  for (int h = 0; h < 2500; ++h) {  // 5,000 counts, one of 3,000,000
    storage::HourCounters hour;
    hour.hour = 491000 + h;
    hour.counters.Add(
        storage::EventCell(v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER,
                           v1::EVENT_TYPE_IMPRESSION),
        h == 0 ? 3000000 : 1);
    hour.counters.Add(
        storage::EventCell(v1::SURFACE_FOLLOWING, v1::RELATION_FOLLOWER,
                           v1::EVENT_TYPE_LIKE),
        2);
    hours.push_back(std::move(hour));
  }
  int64_t cells = 0;
  const std::vector<std::string> lines = HistoryLines(post, hours, &cells);
  EXPECT_EQ(cells, 5000);
  ASSERT_EQ(lines.size(), 3u);  // 2,000 + 2,000 + 1,000 counts
  int64_t impressions = 0;
  for (const std::string& line : lines) {
    EXPECT_LT(line.size(), kMaxInputLineBytes);
    absl::StatusOr<ImportRecord> record = ParseImportLine(
        line, absl::FromUnixSeconds(491000LL * 3600 + 86400 * 200));
    ASSERT_TRUE(record.ok()) << record.status();
    EXPECT_EQ(record->post.post_id(), "p1");
    for (const v1::EngagementEvent& e : record->events) {
      if (e.type() == v1::EVENT_TYPE_IMPRESSION) impressions += e.count();
    }
  }
  EXPECT_EQ(impressions, 3000000 + 2499);
}

// Shard 1 of 2's part of a database, exported and imported into an empty
// one, has the same posts with the same hourly counters and the same
// author records and day rows; nothing of shard 0 comes along.
TEST(ExportHistoryTest, ImportingTheExportRebuildsTheSliceExactly) {
  auto dir = reachrank::testing::MakeTempDir("history-export");
  ASSERT_TRUE(dir.ok());
  auto simulated = testing::SimulateIntoStore(*dir + "/source", /*seed=*/6,
                                              /*people=*/30, /*days=*/12, kNow);
  ASSERT_TRUE(simulated.ok()) << simulated.status();
  const testing::SimData& data = simulated->data;
  storage::Store& source = *simulated->store;

  const ShardSlice slice{1, 2};
  std::ostringstream posts, authors;
  auto exported = ExportHistory(source, slice, posts, &authors);
  ASSERT_TRUE(exported.ok()) << exported.status();
  size_t owned_posts = 0, owned_authors = 0;
  for (const v1::Post& p : data.posts) {
    owned_posts += slice.Owns(p.platform(), p.author_id());
  }
  for (const v1::Author& a : data.authors) {
    owned_authors += slice.Owns(a.platform(), a.author_id());
  }
  ASSERT_GT(owned_posts, 0u);
  EXPECT_EQ(exported->posts, static_cast<int64_t>(owned_posts));
  EXPECT_EQ(exported->authors, static_cast<int64_t>(owned_authors));
  EXPECT_GT(exported->cells, exported->posts);

  auto target = testing::OpenImportStore(*dir + "/target");
  ASSERT_TRUE(target.ok()) << target.status();
  ranking::testing::FakeClassifier classifier("travel");
  ImportOptions import;
  import.now = kNow;
  std::istringstream posts_in(posts.str()), authors_in(authors.str());
  ASSERT_TRUE(ImportAuthors(authors_in, **target, kNow, nullptr).ok());
  auto imported = ImportPosts(posts_in, **target, &classifier, import,
                              [](int64_t line, const absl::Status& s) {
                                ADD_FAILURE() << line << ": " << s;
                              });
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->posts_created, exported->posts);

  for (const v1::Post& p : data.posts) {
    auto there = (*target)->PostHours(p.post_id());
    ASSERT_TRUE(there.ok()) << there.status();
    if (!slice.Owns(p.platform(), p.author_id())) {
      EXPECT_TRUE(there->empty()) << p.post_id();
      EXPECT_EQ((*target)->GetPost(p.post_id()).status().code(),
                absl::StatusCode::kNotFound);
      continue;
    }
    auto here = source.PostHours(p.post_id());
    ASSERT_TRUE(here.ok());
    ASSERT_EQ(there->size(), here->size()) << p.post_id();
    for (size_t h = 0; h < here->size(); ++h) {
      EXPECT_EQ((*there)[h].hour, (*here)[h].hour) << p.post_id();
      EXPECT_TRUE((*there)[h].counters == (*here)[h].counters) << p.post_id();
    }
  }
  const int32_t first_day = 0, last_day = 1 << 20;
  for (const v1::Author& a : data.authors) {
    if (!slice.Owns(a.platform(), a.author_id())) continue;
    auto here = source.AuthorDays(a.platform(), a.author_id(), first_day,
                                      last_day);
    auto there = (*target)->AuthorDays(a.platform(), a.author_id(), first_day,
                                       last_day);
    ASSERT_TRUE(here.ok() && there.ok());
    ASSERT_EQ(there->size(), here->size()) << a.author_id();
    for (size_t d = 0; d < here->size(); ++d) {
      EXPECT_EQ((*there)[d].day, (*here)[d].day);
      EXPECT_TRUE((*there)[d].counters == (*here)[d].counters)
          << a.author_id() << " day " << (*here)[d].day;
    }
    auto record = (*target)->GetAuthor(a.platform(), a.author_id());
    ASSERT_TRUE(record.ok()) << record.status();
    EXPECT_EQ(record->followers(), a.followers());
  }
}

// Two exports of one database are byte-identical: an author's
// followersElsewhere, a map protobuf prints in its hash order, comes in
// key order, its other fields in the API's order.
TEST(ExportHistoryTest, AnAuthorsFollowersElsewhereAreInKeyOrder) {
  auto dir = reachrank::testing::MakeTempDir("history-export-order");
  ASSERT_TRUE(dir.ok());
  auto store = testing::OpenImportStore(*dir + "/db");
  ASSERT_TRUE(store.ok()) << store.status();
  v1::Author author;
  author.set_platform("tiktok");
  author.set_author_id("a1");
  author.set_followers(7);
  for (const char* platform :
       {"youtube", "douyin", "wechat_channels", "bili"}) {
    (*author.mutable_followers_elsewhere())[platform] = 3;
  }
  ASSERT_TRUE((*store)->PutAuthors({author}).ok());
  std::ostringstream posts, authors;
  ASSERT_TRUE(ExportHistory(**store, ShardSlice{0, 1}, posts, &authors).ok());
  EXPECT_EQ(authors.str(),
            "{\"platform\":\"tiktok\",\"authorId\":\"a1\",\"followers\":\"7\","
            "\"followersElsewhere\":{\"bili\":\"3\",\"douyin\":\"3\","
            "\"wechat_channels\":\"3\",\"youtube\":\"3\"}}\n");
}

// A move in two parts: the hours before H, then H on (each export carries
// every owned post). Imported one after the other they rebuild every
// post's hourly counters, each count once, and importing a part again
// counts nothing.
TEST(ExportHistoryTest, TwoExportsSplitAtAnHourCarryEachCountOnce) {
  auto dir = reachrank::testing::MakeTempDir("history-split");
  ASSERT_TRUE(dir.ok());
  auto simulated = testing::SimulateIntoStore(*dir + "/source", /*seed=*/7,
                                              /*people=*/20, /*days=*/10, kNow);
  ASSERT_TRUE(simulated.ok()) << simulated.status();
  const testing::SimData& data = simulated->data;
  storage::Store& source = *simulated->store;

  const v1::Post& middle = data.posts[data.posts.size() / 2];
  const int32_t split =
      static_cast<int32_t>(middle.created_at().seconds() / 3600) + 24;
  const ShardSlice all{0, 1};
  HourRange before_split, from_split;
  before_split.before = split;
  from_split.from = split;
  std::ostringstream whole, first, second;
  auto w = ExportHistory(source, all, whole, nullptr);
  auto a = ExportHistory(source, all, first, nullptr, before_split);
  auto b = ExportHistory(source, all, second, nullptr, from_split);
  ASSERT_TRUE(w.ok() && a.ok() && b.ok());
  EXPECT_EQ(a->posts, w->posts);
  EXPECT_EQ(b->posts, w->posts);
  EXPECT_GT(a->cells, 0);
  EXPECT_GT(b->cells, 0);
  EXPECT_EQ(a->cells + b->cells, w->cells);

  auto target = testing::OpenImportStore(*dir + "/target");
  ASSERT_TRUE(target.ok()) << target.status();
  ImportOptions import;
  import.now = kNow;
  std::vector<ImportSummary> runs;
  for (const std::string& part : {first.str(), second.str(), second.str()}) {
    std::istringstream in(part);
    auto imported = ImportPosts(in, **target, nullptr, import, nullptr);
    ASSERT_TRUE(imported.ok()) << imported.status();
    EXPECT_EQ(imported->rejected_lines, 0);
    runs.push_back(*imported);
  }
  EXPECT_GT(runs[1].events_accepted, 0);
  EXPECT_EQ(runs[2].events_accepted, 0);  // the second part again
  EXPECT_EQ(runs[2].events_duplicate, runs[1].events_accepted);
  for (const v1::Post& p : data.posts) {
    auto here = source.PostHours(p.post_id());
    auto there = (*target)->PostHours(p.post_id());
    ASSERT_TRUE(here.ok() && there.ok());
    ASSERT_EQ(there->size(), here->size()) << p.post_id();
    for (size_t h = 0; h < here->size(); ++h) {
      EXPECT_EQ((*there)[h].hour, (*here)[h].hour) << p.post_id();
      EXPECT_TRUE((*there)[h].counters == (*here)[h].counters) << p.post_id();
    }
  }
}

}  // namespace
}  // namespace reachrank::batch
