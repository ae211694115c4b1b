// ScratchDirectory: a private directory under the system's temporary
// directory for work that leaves nothing behind, such as the log of a
// RocksDB secondary instance.
//
// Its name, "reachrank-<purpose>-<pid>-<n>", carries the owning process
// (n counts the process's scratch directories, so several in one process
// never meet). The destructor removes it. A process killed first (Ctrl-C,
// SIGKILL) cannot, so creating one also removes every
// "reachrank-<purpose>-<pid>-<n>" whose process no longer runs.
#ifndef REACHRANK_BASE_SCRATCH_DIR_H_
#define REACHRANK_BASE_SCRATCH_DIR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace reachrank {

class ScratchDirectory {
 public:
  // Names the directory and clears that path and stale ones of `purpose`
  // (lowercase words joined by '-'); it does not create it (RocksDB
  // creates a secondary's own directory). Never fails: what cannot be
  // removed is left.
  explicit ScratchDirectory(absl::string_view purpose);
  // Removes the directory and everything in it.
  ~ScratchDirectory();

  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::string& path() const { return path_; }

 private:
  const std::string path_;
};

}  // namespace reachrank

#endif  // REACHRANK_BASE_SCRATCH_DIR_H_
