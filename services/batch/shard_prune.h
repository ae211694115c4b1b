// shard_prune: removing from a shard's database the authors another shard
// now owns, after they moved there (export-history + import; docs/
// operations.md "Routing"). Until then their old copies split nothing —
// no client routes to them — but they answer Rank with stale figures and
// make `train --db` over every shard refuse a post held twice.
#ifndef REACHRANK_SERVICES_BATCH_SHARD_PRUNE_H_
#define REACHRANK_SERVICES_BATCH_SHARD_PRUNE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "base/shard.h"
#include "storage/store.h"

namespace reachrank::batch {

// The authors `store` holds (a record or a post) that `shard` does not
// own, in ListAuthorIds order, and how many it owns.
struct Unowned {
  std::vector<storage::AuthorId> authors;
  int64_t owned = 0;
};
// Errors are the store's (reading author ids).
absl::StatusOr<Unowned> FindUnowned(storage::Store& store,
                                    const ShardSlice& shard);

struct PruneSummary {
  int64_t authors = 0;  // unowned authors deleted (or to delete)
  int64_t posts = 0;    // their posts
  int64_t kept = 0;     // authors the shard owns, untouched
};

// Called after each batch of unowned authors with (done, total).
using PruneProgress = std::function<void(int64_t, int64_t)>;

// Deletes a batch of authors (at most 1,000); returns their posts deleted.
using DeleteAuthorsFn = std::function<absl::StatusOr<int64_t>(
    absl::Span<const storage::AuthorId>)>;

// Deletes through `store` itself (Store::DeleteAuthor), for a database no
// service holds. `store` is borrowed.
DeleteAuthorsFn DeleteFromStore(storage::Store& store);

// Lists the unowned authors of `store` and, with `delete_authors`, deletes
// them (one atomic write per author, so an interrupted run leaves whole
// authors and a second run finishes the job); without it (a dry run) only
// counts their posts. `store` may be a secondary when the deletion goes
// through the ingest service. Errors: the store's or the deleter's, with
// the batches before the failing one deleted.
absl::StatusOr<PruneSummary> PruneShard(storage::Store& store,
                                        const ShardSlice& shard,
                                        const DeleteAuthorsFn& delete_authors,
                                        const PruneProgress& progress);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_SHARD_PRUNE_H_
