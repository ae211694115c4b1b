// dir_publish: replacing a directory of files (a trained model) so that a
// crash at any moment leaves either the complete old directory or the
// complete new one at the target path, never a mix or a half-written file.
//
// A writer makes a staging directory beside the target with
// MakeStagingDirectory, writes every file into it, and calls
// PublishDirectory: the files and the staging directory are fsynced, the
// staging directory is exchanged with the target in one rename (Linux
// renameat2 RENAME_EXCHANGE; a plain rename when there is no target yet),
// the parent is fsynced, and the old directory is removed. A kill before
// the exchange leaves a stale "<target>.staging-<pid>" directory, which the
// next MakeStagingDirectory for that target removes once its process is
// gone. Functions are thread-compatible: one writer per target.
#ifndef REACHRANK_BASE_DIR_PUBLISH_H_
#define REACHRANK_BASE_DIR_PUBLISH_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reachrank {

// Creates an empty "<target>.staging-<pid>" beside `target` (creating
// target's parent if missing), after removing stale staging directories of
// `target` left by processes that no longer run. INTERNAL on I/O errors.
absl::StatusOr<std::string> MakeStagingDirectory(const std::string& target);

// `path` without trailing separators ("models/" is the directory "models":
// a sibling of it, such as its staging directory, lies beside it, not
// inside); "/" stays "/".
std::string WithoutTrailingSlashes(const std::string& path);

// OK when PublishDirectory could replace `target` with `owned` entries:
// it does not exist, or is a directory of `owned` entries only; else
// FAILED_PRECONDITION naming what is in the way. For a writer that
// publishes several directories and must know first that all will go.
absl::Status CheckReplaceable(const std::string& target,
                              const std::vector<std::string>& owned);

// Atomically puts the complete directory `staging` at `target` (see above).
// `owned` names the entries of an existing target that the writer
// replaces; FAILED_PRECONDITION, with nothing changed, when the target
// holds any other entry (the publish would drop it) or is not a
// directory. INTERNAL on I/O errors; `staging` is then left in place.
absl::Status PublishDirectory(const std::string& staging,
                              const std::string& target,
                              const std::vector<std::string>& owned);

// Replaces the file `path` with `bytes` so that a reader, or a crash, finds
// the old file or the new one whole: writes "<path>.tmp-<pid>" with the old
// file's permissions (0644 for a new file), fsyncs it, renames it over
// `path` and fsyncs the directory. Such temporary files of processes that
// no longer run (killed mid-write) are removed first. INTERNAL naming the
// path and errno's message on failure, `path` unchanged.
absl::Status ReplaceFile(const std::string& path, absl::string_view bytes);

// The reading side: a directory held open, so that every file a reader
// takes from it comes from this one directory even when a writer exchanges
// another into its path meanwhile. path() names it through the open handle
// (/proc/self/fd/N); Named() puts the directory's own name back into a
// message that carries path(). When the old directory is removed while a
// reader works (PublishDirectory's last step), its files are gone and the
// read fails; it never sees the new directory's files. Linux only.
// Move-only.
class PinnedDirectory {
 public:
  // Opens `dir`; errno's message (e.g. "No such file or directory") when
  // it cannot be.
  static absl::StatusOr<PinnedDirectory> Open(const std::string& dir);

  PinnedDirectory(PinnedDirectory&& other) noexcept;
  PinnedDirectory& operator=(PinnedDirectory&&) = delete;
  ~PinnedDirectory();

  const std::string& path() const { return path_; }
  // `status` with path() replaced by the directory's name in its message.
  absl::Status Named(const absl::Status& status) const;

 private:
  PinnedDirectory(int fd, std::string dir);

  int fd_;
  std::string dir_;
  std::string path_;
};

}  // namespace reachrank

#endif  // REACHRANK_BASE_DIR_PUBLISH_H_
