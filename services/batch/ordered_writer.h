// ordered_writer: puts chunks that finish in any order back into sequence
// order before they reach the output, holding at most a bounded window of
// finished chunks.
#ifndef REACHRANK_SERVICES_BATCH_ORDERED_WRITER_H_
#define REACHRANK_SERVICES_BATCH_ORDERED_WRITER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace reachrank::batch {

// A finished batch: its output text and what it counted.
struct Chunk {
  std::string text;
  int64_t scored = 0;
  int64_t failed = 0;
};

// Thread-safe. Chunks carry sequence numbers 0, 1, 2...; each is given to
// the sink exactly once, in sequence order, by whichever Put call makes it
// the next one (the sink runs under the writer's lock).
class OrderedWriter {
 public:
  // `sink` writes one chunk; its first error stops all writing.
  OrderedWriter(std::function<absl::Status(const Chunk&)> sink,
                int64_t window);

  // Hands over chunk `seq`. Blocks while seq >= next() + window, so at most
  // `window` finished chunks wait. Returns the sink's first error (then the
  // chunk is dropped), or CANCELLED once Cancel() covers `seq`.
  absl::Status Put(int64_t seq, Chunk chunk);
  // Wakes and fails every waiting and later Put of a chunk `from` or later
  // (used when a run stops at chunk `from`; the chunks before it are still
  // written). Calls narrow to the smallest `from`.
  void Cancel(int64_t from = 0);
  // The sequence number the sink expects next.
  int64_t next() const;
  // The sink's first error, else OK.
  absl::Status status() const;

 private:
  void DrainLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Constant after construction.
  const std::function<absl::Status(const Chunk&)> sink_;
  const int64_t window_;
  // Guarded.
  mutable absl::Mutex mu_;
  std::map<int64_t, Chunk> waiting_ ABSL_GUARDED_BY(mu_);
  int64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  // Put fails for chunks from here on.
  int64_t cancel_from_ ABSL_GUARDED_BY(mu_) = INT64_MAX;
};

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_ORDERED_WRITER_H_
