#include "sim/sharded_sink.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/shard.h"

namespace reachrank::sim {
namespace {

// Splits `items` by `shard_of` and hands each shard its part, in order.
template <typename T, typename ShardOfItem, typename Send>
absl::Status Split(absl::Span<const T> items, size_t shards,
                   ShardOfItem shard_of, Send send) {
  if (shards == 0) return absl::FailedPreconditionError("no shards");
  std::vector<std::vector<T>> parts(shards);
  for (const T& item : items) {
    absl::StatusOr<int32_t> shard = shard_of(item);
    if (!shard.ok()) return shard.status();
    parts[*shard].push_back(item);
  }
  for (size_t i = 0; i < shards; ++i) {
    if (parts[i].empty()) continue;
    if (absl::Status s = send(i, parts[i]); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

ShardedSink::ShardedSink(std::vector<SimSink*> shards)
    : shards_(std::move(shards)) {}

int32_t ShardedSink::ShardOfAuthor(const std::string& platform,
                                   const std::string& author_id) const {
  return ShardOf(platform, author_id, static_cast<int32_t>(shards_.size()));
}

absl::Status ShardedSink::Authors(absl::Span<const v1::Author> authors) {
  return Split(
      authors, shards_.size(),
      [&](const v1::Author& a) -> absl::StatusOr<int32_t> {
        return ShardOfAuthor(a.platform(), a.author_id());
      },
      [&](size_t i, const std::vector<v1::Author>& part) {
        return shards_[i]->Authors(part);
      });
}

absl::Status ShardedSink::Posts(absl::Span<const v1::Post> posts) {
  return Split(
      posts, shards_.size(),
      [&](const v1::Post& p) -> absl::StatusOr<int32_t> {
        const int32_t shard = ShardOfAuthor(p.platform(), p.author_id());
        post_shard_[p.post_id()] = shard;
        return shard;
      },
      [&](size_t i, const std::vector<v1::Post>& part) {
        return shards_[i]->Posts(part);
      });
}

absl::Status ShardedSink::Events(
    absl::Span<const v1::EngagementEvent> events) {
  return Split(
      events, shards_.size(),
      [&](const v1::EngagementEvent& e) -> absl::StatusOr<int32_t> {
        auto it = post_shard_.find(e.post_id());
        if (it == post_shard_.end()) {
          return absl::FailedPreconditionError(
              absl::StrCat("event ", e.event_id(), ": its post ", e.post_id(),
                           " was not sent before it, so its shard is unknown"));
        }
        return it->second;
      },
      [&](size_t i, const std::vector<v1::EngagementEvent>& part) {
        return shards_[i]->Events(part);
      });
}

}  // namespace reachrank::sim
