// sharded_sink: a SimSink that sends each author's data to the sink of the
// shard that owns the author (base/shard.h ShardOf): authors and posts by
// their platform and author id, events by their post's author. Events only
// name their post, so the sink remembers each post's shard (memory grows
// with the posts sent); the simulator and `reachrank import --server` send
// a post before its events.
#ifndef REACHRANK_SIM_SHARDED_SINK_H_
#define REACHRANK_SIM_SHARDED_SINK_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sim/simulator.h"

namespace reachrank::sim {

// Not thread-safe (a SimSink is called from one thread).
class ShardedSink final : public SimSink {
 public:
  // `shards[i]` (borrowed, outliving this) receives shard i's data; at
  // least one.
  explicit ShardedSink(std::vector<SimSink*> shards);

  // Each shard's part of a call goes to it in the input's order, shard 0
  // first; the first failing shard's error is returned.
  absl::Status Authors(absl::Span<const v1::Author> authors) override;
  absl::Status Posts(absl::Span<const v1::Post> posts) override;
  // FAILED_PRECONDITION naming the event when its post was not sent first
  // (or was forgotten since).
  absl::Status Events(absl::Span<const v1::EngagementEvent> events) override;

  // Forgets the posts sent so far, for a caller that never sends events of
  // earlier batches' posts (an import): memory then stays that of a batch.
  void ForgetPosts() { post_shard_.clear(); }

 private:
  int32_t ShardOfAuthor(const std::string& platform,
                        const std::string& author_id) const;

  const std::vector<SimSink*> shards_;
  absl::flat_hash_map<std::string, int32_t> post_shard_;  // post id -> shard
};

}  // namespace reachrank::sim

#endif  // REACHRANK_SIM_SHARDED_SINK_H_
