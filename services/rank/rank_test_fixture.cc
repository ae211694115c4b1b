#include "services/rank/rank_test_fixture.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/time/clock.h"
#include "prometheus/text_serializer.h"

namespace reachrank::rank::testing {

using storage::testing::Classified;
using storage::testing::MakeEvent;
using storage::testing::MakePost;

void RankFixture::SetUp() {
  auto store =
      storage::Store::Open(storage::testing::OptionsFor(dir_.Sub("db")));
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(*store);
  v1::Author author;
  author.set_platform("tiktok");
  author.set_author_id("a1");
  author.set_followers(800);
  ASSERT_TRUE(store_->PutAuthors({author}).ok());
  const absl::Time now = absl::Now();
  std::vector<storage::PostRecord> posts = {
      Classified(MakePost("p1", "a1", now - absl::Hours(5),
                          "How to: fix a bike chain"),
                 "travel"),
      Classified(MakePost("p2", "a1", now - absl::Hours(30), "My day"),
                 "entertainment")};
  ASSERT_TRUE(store_->PutPosts(posts).ok());
  std::vector<v1::EngagementEvent> events = {
      MakeEvent("e1", "p1", v1::EVENT_TYPE_IMPRESSION, now - absl::Hours(4),
                5000),
      MakeEvent("e2", "p1", v1::EVENT_TYPE_COMPLETE, now - absl::Hours(4),
                2500),
      MakeEvent("e3", "p1", v1::EVENT_TYPE_LIKE, now - absl::Hours(4), 400)};
  ASSERT_TRUE(store_->RecordEvents(events, now).ok());
  auto scorer = ranking::Scorer::Create(*store_, &classifier_, {});
  ASSERT_TRUE(scorer.ok()) << scorer.status();
  scorer_ = std::move(*scorer);
  metrics_ = std::make_unique<RankMetrics>(registry_);
}

v1::Draft RankFixture::Draft(const std::string& id) const {
  v1::Draft d;
  d.set_draft_id(id);
  d.set_platform("tiktok");
  d.set_author_id("a1");
  d.set_text("How to: pack a carry-on for two weeks");
  d.set_media_kind(v1::MEDIA_KIND_VIDEO);
  d.set_duration_seconds(45);
  return d;
}

std::string RankFixture::MetricsText() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_.Collect());
  return out.str();
}

std::string RankFixture::BrokenModelDir() const {
  const std::string dir = dir_.Sub("broken-model");
  std::filesystem::create_directories(dir + "/draft");
  std::filesystem::create_directories(dir + "/live");
  std::ofstream(dir + "/draft/metadata.json") << "{ not json";
  std::ofstream(dir + "/draft/model.json") << "[]";
  return dir;
}

}  // namespace reachrank::rank::testing
