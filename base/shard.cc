#include "base/shard.h"

namespace reachrank {

// The paper's code: a linear congruential step per jump; the next bucket
// the key jumps to is (b + 1) / r for r uniform in (0, 1].
int32_t JumpConsistentHash(uint64_t key, int32_t buckets) {
  int64_t b = -1;
  int64_t j = 0;
  while (j < buckets) {
    b = j;
    key = key * 2862933555777941757ull + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) *
                             (static_cast<double>(1ll << 31) /
                              static_cast<double>((key >> 33) + 1)));
  }
  return b < 0 ? 0 : static_cast<int32_t>(b);
}

int32_t ShardOf(absl::string_view platform, absl::string_view author_id,
                int32_t shards) {
  uint64_t hash = Fnv1a64Continue(Fnv1a64(platform), "/");
  hash = Fnv1a64Continue(hash, author_id);
  return JumpConsistentHash(hash, shards);
}

}  // namespace reachrank
