#include "base/shard.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

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

absl::StatusOr<ShardSlice> ParseShardSlice(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  ShardSlice slice;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &slice.index) ||
      !absl::SimpleAtoi(parts[1], &slice.count) || slice.count < 1 ||
      slice.index < 0 || slice.index >= slice.count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "shard \"", text, "\": expected I/N with 0 <= I < N (e.g. 0/4)"));
  }
  return slice;
}

absl::Status CheckShard(const ShardSlice& shard, absl::string_view platform,
                        absl::string_view author_id, absl::string_view field) {
  if (author_id.empty() || shard.Owns(platform, author_id)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": owned by shard ", ShardOf(platform, author_id, shard.count),
      " of ", shard.count, ", not this one (", shard.index,
      "): route by platform and author_id (docs/operations.md \"Routing\")"));
}

}  // namespace reachrank
