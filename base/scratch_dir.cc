#include "base/scratch_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace reachrank {
namespace {

namespace fs = std::filesystem;

// The system's temporary directory (TMPDIR, else /tmp; an empty TMPDIR
// counts as unset, as POSIX has it).
absl::StatusOr<fs::path> TempRoot() {
  std::error_code error;
  const char* tmpdir = std::getenv("TMPDIR");
  fs::path root = tmpdir == nullptr || *tmpdir == '\0'
                      ? fs::path("/tmp")
                      : fs::temp_directory_path(error);
  if (!error && !fs::is_directory(root, error) && !error) {
    error = std::make_error_code(std::errc::not_a_directory);
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("no temporary directory: ", error.message()));
  }
  return root;
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// The directory `path`, open and exclusively locked; -1 when it cannot be
// opened or another holds the lock.
int OpenLocked(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Removes the directories named `prefix`* under `root` that no one holds
// locked (their process is gone).
void RemoveUnlocked(const fs::path& root, const std::string& prefix) {
  std::error_code error;
  fs::directory_iterator it(root, error), end;
  for (; !error && it != end; it.increment(error)) {
    if (!absl::StartsWith(it->path().filename().string(), prefix)) continue;
    const int fd = OpenLocked(it->path().string());
    if (fd < 0) continue;
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
    ::close(fd);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ScratchDirectory>> ScratchDirectory::Create(
    absl::string_view purpose) {
  absl::StatusOr<fs::path> temp = TempRoot();
  if (!temp.ok()) return temp.status();
  const fs::path& root = *temp;
  const std::string name = absl::StrCat("reachrank-", purpose, "-");
  RemoveUnlocked(root, name);
  // Made under a name the sweep above does not read, locked, then renamed:
  // no other process ever sees it unlocked.
  std::string making = (root / absl::StrCat(".", name, "XXXXXX")).string();
  if (::mkdtemp(making.data()) == nullptr)
    return Errno("cannot create", making);
  const int fd = OpenLocked(making);
  const std::string path =
      (root / (name + making.substr(making.size() - 6))).string();
  if (fd < 0 || std::rename(making.c_str(), path.c_str()) != 0) {
    const absl::Status status = Errno("cannot lock or rename", making);
    if (fd >= 0) ::close(fd);
    ::rmdir(making.c_str());
    return status;
  }
  return std::unique_ptr<ScratchDirectory>(new ScratchDirectory(path, fd));
}

ScratchDirectory::ScratchDirectory(std::string path, int lock_fd)
    : path_(std::move(path)), lock_fd_(lock_fd) {}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
  ::close(lock_fd_);
}

}  // namespace reachrank
