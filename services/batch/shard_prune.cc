#include "services/batch/shard_prune.h"

#include <limits>
#include <optional>

#include "absl/time/time.h"
#include "base/status_macros.h"

namespace reachrank::batch {

absl::StatusOr<Unowned> FindUnowned(storage::Store& store,
                                    const ShardSlice& shard) {
  constexpr size_t kPage = 1000;
  Unowned out;
  std::optional<storage::AuthorId> after;
  for (;;) {
    RR_ASSIGN_OR_RETURN(std::vector<storage::AuthorId> page,
                        store.ListAuthorIds(kPage, after));
    for (storage::AuthorId& id : page) {
      if (shard.Owns(id.platform, id.author_id)) {
        ++out.owned;
      } else {
        out.authors.push_back(id);
      }
    }
    if (page.size() < kPage) return out;
    after = std::move(page.back());
  }
}

absl::StatusOr<PruneSummary> PruneShard(storage::Store& store,
                                        const ShardSlice& shard, bool apply,
                                        const PruneProgress& progress) {
  RR_ASSIGN_OR_RETURN(Unowned unowned, FindUnowned(store, shard));
  PruneSummary summary;
  summary.kept = unowned.owned;
  const int64_t total = static_cast<int64_t>(unowned.authors.size());
  for (const storage::AuthorId& id : unowned.authors) {
    if (apply) {
      RR_ASSIGN_OR_RETURN(int64_t posts, store.DeleteAuthor(id));
      summary.posts += posts;
    } else {
      RR_ASSIGN_OR_RETURN(
          std::vector<storage::AuthorPostEntry> posts,
          store.AuthorPosts(id.platform, id.author_id, absl::InfiniteFuture(),
                            std::numeric_limits<size_t>::max()));
      summary.posts += static_cast<int64_t>(posts.size());
    }
    ++summary.authors;
    if (progress) progress(summary.authors, total);
  }
  return summary;
}

}  // namespace reachrank::batch
