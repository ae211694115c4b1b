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

DeleteAuthorsFn DeleteFromStore(storage::Store& store) {
  return [&store](absl::Span<const storage::AuthorId> authors)
             -> absl::StatusOr<int64_t> {
    int64_t posts = 0;
    for (const storage::AuthorId& id : authors) {
      RR_ASSIGN_OR_RETURN(int64_t deleted, store.DeleteAuthor(id));
      posts += deleted;
    }
    return posts;
  };
}

absl::StatusOr<PruneSummary> PruneShard(storage::Store& store,
                                        const ShardSlice& shard,
                                        const DeleteAuthorsFn& delete_authors,
                                        const PruneProgress& progress) {
  constexpr size_t kBatch = 1000;
  RR_ASSIGN_OR_RETURN(Unowned unowned, FindUnowned(store, shard));
  PruneSummary summary;
  summary.kept = unowned.owned;
  const absl::Span<const storage::AuthorId> all(unowned.authors);
  for (size_t start = 0; start < all.size(); start += kBatch) {
    const absl::Span<const storage::AuthorId> batch =
        all.subspan(start, kBatch);
    if (delete_authors) {
      RR_ASSIGN_OR_RETURN(int64_t posts, delete_authors(batch));
      summary.posts += posts;
    } else {
      for (const storage::AuthorId& id : batch) {
        RR_ASSIGN_OR_RETURN(
            std::vector<storage::AuthorPostEntry> posts,
            store.AuthorPosts(id.platform, id.author_id, absl::InfiniteFuture(),
                              std::numeric_limits<size_t>::max()));
        summary.posts += static_cast<int64_t>(posts.size());
      }
    }
    summary.authors += static_cast<int64_t>(batch.size());
    if (progress) progress(summary.authors, static_cast<int64_t>(all.size()));
  }
  return summary;
}

}  // namespace reachrank::batch
