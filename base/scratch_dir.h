// ScratchDirectory: a private directory under the system's temporary
// directory for work that leaves nothing behind, such as the log of a
// RocksDB secondary instance.
//
// "reachrank-<purpose>-XXXXXX" is made by mkdtemp (mode 0700, a name no one
// else has) and locked (flock) for the object's life; the destructor
// removes it. A process killed first (Ctrl-C, SIGKILL) cannot, but its
// lock goes with it: creating a directory of a purpose removes every
// directory of that purpose whose lock nobody holds. Locks, not process
// ids, tell the live ones, so containers that share a temporary directory
// but not a process id namespace never remove each other's.
//
// Thread-safe: Create may be called from any thread.
#ifndef REACHRANK_BASE_SCRATCH_DIR_H_
#define REACHRANK_BASE_SCRATCH_DIR_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reachrank {

class ScratchDirectory {
 public:
  // Creates the directory for `purpose` (lowercase words joined by '-')
  // after removing the unlocked ones of that purpose. INTERNAL naming the
  // path when it cannot be created or locked.
  static absl::StatusOr<std::unique_ptr<ScratchDirectory>> Create(
      absl::string_view purpose);
  // Removes the directory and everything in it, then lets go of the lock.
  ~ScratchDirectory();

  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::string& path() const { return path_; }

 private:
  ScratchDirectory(std::string path, int lock_fd);

  const std::string path_;
  const int lock_fd_;  // the directory, open and flock-ed
};

}  // namespace reachrank

#endif  // REACHRANK_BASE_SCRATCH_DIR_H_
