#include "services/batch/ordered_writer.h"

#include <algorithm>
#include <utility>

namespace reachrank::batch {

OrderedWriter::OrderedWriter(std::function<absl::Status(const Chunk&)> sink,
                             int64_t window)
    : sink_(std::move(sink)), window_(window < 1 ? 1 : window) {}

absl::Status OrderedWriter::Put(int64_t seq, Chunk chunk) {
  absl::MutexLock lock(&mu_);
  auto room = [this, seq]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return seq >= cancel_from_ || !status_.ok() || seq < next_ + window_;
  };
  mu_.Await(absl::Condition(&room));
  if (!status_.ok()) return status_;
  if (seq >= cancel_from_) return absl::CancelledError("the run was stopped");
  waiting_.emplace(seq, std::move(chunk));
  DrainLocked();
  return status_;
}

void OrderedWriter::DrainLocked() {
  for (auto it = waiting_.begin();
       status_.ok() && it != waiting_.end() && it->first == next_;
       it = waiting_.erase(it)) {
    status_ = sink_(it->second);
    ++next_;
  }
}

void OrderedWriter::Cancel(int64_t from) {
  absl::MutexLock lock(&mu_);
  cancel_from_ = std::min(cancel_from_, from);
}

int64_t OrderedWriter::next() const {
  absl::MutexLock lock(&mu_);
  return next_;
}

absl::Status OrderedWriter::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

}  // namespace reachrank::batch
