// Helpers shared by the storage tests.
#ifndef REACHRANK_STORAGE_TEST_UTIL_H_
#define REACHRANK_STORAGE_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "storage/records.pb.h"
#include "storage/store.h"

namespace reachrank::storage::testing {

// A fresh directory under the test temp dir, removed on destruction.
// Not thread-safe.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = ::testing::TempDir() + "/reachrank_storage_XXXXXX";
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr) << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  ~ScopedTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(ts.seconds())) /
                                    absl::Nanoseconds(1)));
  return ts;
}

// 2024-03-01T00:00:00Z, a day boundary.
inline absl::Time T0() { return absl::FromUnixSeconds(1709251200); }

inline PostRecord MakePost(const std::string& post_id,
                           const std::string& author_id, absl::Time created,
                           const std::string& text = "a post") {
  PostRecord r;
  v1::Post* p = r.mutable_post();
  p->set_post_id(post_id);
  p->set_platform("tiktok");
  p->set_author_id(author_id);
  *p->mutable_created_at() = Ts(created);
  p->set_text(text);
  p->set_language("en");
  p->set_media_kind(v1::MEDIA_KIND_VIDEO);
  return r;
}

inline PostRecord Classified(PostRecord r, const std::string& topic) {
  v1::TopicScore* t = r.add_topics();
  t->set_topic_id(topic);
  t->set_probability(0.9f);
  r.set_classified(true);
  return r;
}

inline v1::EngagementEvent MakeEvent(
    const std::string& event_id, const std::string& post_id, v1::EventType type,
    absl::Time at, uint32_t count = 0,
    v1::Surface surface = v1::SURFACE_RECOMMENDED,
    v1::Relation relation = v1::RELATION_STRANGER) {
  v1::EngagementEvent e;
  e.set_event_id(event_id);
  e.set_post_id(post_id);
  e.set_type(type);
  e.set_surface(surface);
  e.set_relation(relation);
  *e.mutable_at() = Ts(at);
  e.set_count(count);
  return e;
}

inline StoreOptions OptionsFor(const std::string& path) {
  StoreOptions options;
  options.path = path;
  options.block_cache_bytes = 8 << 20;
  return options;
}

}  // namespace reachrank::storage::testing

#endif  // REACHRANK_STORAGE_TEST_UTIL_H_
