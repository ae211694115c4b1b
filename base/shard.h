// shard: which shard owns an author. One database is one shard; every post
// and event of an author lives on the shard that owns the author, and every
// client that writes or scores routes by this function (docs/operations.md
// "Routing"). A client in another language reproduces it from the two
// published algorithms below; the test vectors in shard_test.cc and in
// docs/operations.md pin it.
#ifndef REACHRANK_BASE_SHARD_H_
#define REACHRANK_BASE_SHARD_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/fnv.h"  // Fnv1a64

namespace reachrank {

// Lamping and Veach's jump consistent hash (2014): a bucket in
// [0, buckets) for `key`. Growing `buckets` from n to n + 1 moves a key
// only to the new bucket n, and about 1/(n + 1) of the keys do. `buckets`
// must be >= 1 (0 is returned for less).
int32_t JumpConsistentHash(uint64_t key, int32_t buckets);

// The shard in [0, shards) that owns `author_id` on `platform`:
// JumpConsistentHash(Fnv1a64(platform + "/" + author_id), shards).
// An empty author id (a draft by an unknown author) is routed like any
// other string. `shards` must be >= 1.
int32_t ShardOf(absl::string_view platform, absl::string_view author_id,
                int32_t shards);

// Shard `index` of `count`, as a flag writes it ("2/4"); the default, 0/1,
// owns everything.
struct ShardSlice {
  int32_t index = 0;
  int32_t count = 1;

  bool Owns(absl::string_view platform, absl::string_view author_id) const {
    return count <= 1 || ShardOf(platform, author_id, count) == index;
  }
};

// Parses "I/N" with 0 <= I < N: INVALID_ARGUMENT naming the rule otherwise.
absl::StatusOr<ShardSlice> ParseShardSlice(absl::string_view text);

// OK when `shard` owns the author; an empty author_id (a draft by no known
// author) belongs to every shard. Otherwise FAILED_PRECONDITION
// "<field>: owned by shard S of N, not this one (I): route by platform and
// author_id (...)": the item was sent to the wrong shard.
absl::Status CheckShard(const ShardSlice& shard, absl::string_view platform,
                        absl::string_view author_id,
                        absl::string_view field = "author_id");

}  // namespace reachrank

#endif  // REACHRANK_BASE_SHARD_H_
