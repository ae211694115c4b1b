#include "base/dir_publish.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace reachrank {
namespace {

namespace fs = std::filesystem;

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// fsync of a file or directory by path.
absl::Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(),
                        O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return Errno("cannot open", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot fsync", path);
  return absl::OkStatus();
}

// fsyncs every file under `dir`, then each directory, deepest first.
absl::Status SyncTree(const std::string& dir) {
  std::error_code error;
  std::vector<std::string> dirs = {dir};
  for (fs::recursive_directory_iterator it(dir, error), end;
       !error && it != end; it.increment(error)) {
    const bool is_dir = it->is_directory(error);
    if (is_dir) {
      dirs.push_back(it->path().string());
    } else if (absl::Status s = SyncPath(it->path().string(), false); !s.ok()) {
      return s;
    }
  }
  if (error)
    return absl::InternalError(absl::StrCat(dir, ": ", error.message()));
  std::reverse(dirs.begin(), dirs.end());
  for (const std::string& d : dirs) {
    if (absl::Status s = SyncPath(d, true); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string ParentOf(const std::string& target) {
  const fs::path parent = fs::path(target).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Removes "<target><suffix><pid>" (directories or files) whose process is
// gone.
void RemoveStale(const std::string& target, absl::string_view suffix) {
  const std::string prefix =
      absl::StrCat(fs::path(target).filename().string(), suffix);
  std::error_code error;
  fs::directory_iterator it(ParentOf(target), error), end;
  for (; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    int pid = 0;
    if (!absl::StartsWith(name, prefix) ||
        !absl::SimpleAtoi(name.substr(prefix.size()), &pid) || pid <= 0) {
      continue;
    }
    if (::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
}

// Writes all of `bytes` to the new file `path` with `mode`, and fsyncs it.
absl::Status WriteNewFile(const std::string& path, absl::string_view bytes,
                          mode_t mode) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Errno("cannot create", path);
  absl::Status status;
  while (!bytes.empty() && status.ok()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno != EINTR) status = Errno("cannot write", path);
    if (n > 0) bytes.remove_prefix(static_cast<size_t>(n));
  }
  // open's mode is masked by the umask; the old file's is kept whole.
  if (status.ok() && ::fchmod(fd, mode) != 0)
    status = Errno("cannot chmod", path);
  if (status.ok() && ::fsync(fd) != 0) status = Errno("cannot fsync", path);
  if (::close(fd) != 0 && status.ok()) status = Errno("cannot close", path);
  return status;
}

}  // namespace

std::string WithoutTrailingSlashes(const std::string& path) {
  std::string out = path;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

absl::Status CheckReplaceable(const std::string& target_path,
                              const std::vector<std::string>& owned) {
  const std::string target = WithoutTrailingSlashes(target_path);
  std::error_code error;
  if (!fs::exists(target, error)) return absl::OkStatus();
  if (!fs::is_directory(target, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat(target, ": exists and is not a directory"));
  }
  for (const fs::directory_entry& entry :
       fs::directory_iterator(target, error)) {
    const std::string name = entry.path().filename().string();
    if (std::find(owned.begin(), owned.end(), name) == owned.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat(target, ": holds '", name,
                       "', which is not part of the model; not replacing it"));
    }
  }
  if (error)
    return absl::InternalError(absl::StrCat(target, ": ", error.message()));
  return absl::OkStatus();
}

absl::StatusOr<std::string> MakeStagingDirectory(
    const std::string& target_path) {
  const std::string target = WithoutTrailingSlashes(target_path);
  std::error_code error;
  fs::create_directories(ParentOf(target), error);
  if (error) {
    return absl::InternalError(absl::StrCat(target, ": ", error.message()));
  }
  RemoveStale(target, ".staging-");
  const std::string staging = absl::StrCat(target, ".staging-", ::getpid());
  fs::remove_all(staging, error);
  fs::create_directory(staging, error);
  if (error) {
    return absl::InternalError(absl::StrCat(staging, ": ", error.message()));
  }
  return staging;
}

absl::Status PublishDirectory(const std::string& staging,
                              const std::string& target_path,
                              const std::vector<std::string>& owned) {
  const std::string target = WithoutTrailingSlashes(target_path);
  if (absl::Status s = CheckReplaceable(target, owned); !s.ok()) return s;
  if (absl::Status s = SyncTree(staging); !s.ok()) return s;
  std::error_code error;
  const bool exists = fs::exists(target, error);
  const int rc = exists ? ::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD,
                                      target.c_str(), RENAME_EXCHANGE)
                        : ::rename(staging.c_str(), target.c_str());
  if (rc != 0) return Errno("cannot move the new directory to", target);
  if (absl::Status s = SyncPath(ParentOf(target), true); !s.ok()) return s;
  // `staging` now holds the old directory (if there was one).
  fs::remove_all(staging, error);
  return absl::OkStatus();
}

absl::StatusOr<PinnedDirectory> PinnedDirectory::Open(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat(dir, ": cannot open: ", std::strerror(errno)));
  }
  return PinnedDirectory(fd, dir);
}

PinnedDirectory::PinnedDirectory(int fd, std::string dir)
    : fd_(fd),
      dir_(WithoutTrailingSlashes(dir)),
      path_(absl::StrCat("/proc/self/fd/", fd)) {}

PinnedDirectory::PinnedDirectory(PinnedDirectory&& other) noexcept
    : fd_(other.fd_),
      dir_(std::move(other.dir_)),
      path_(std::move(other.path_)) {
  other.fd_ = -1;
}

PinnedDirectory::~PinnedDirectory() {
  if (fd_ >= 0) close(fd_);
}

absl::Status PinnedDirectory::Named(const absl::Status& status) const {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrReplaceAll(status.message(), {{path_, dir_}}));
}

absl::Status ReplaceFile(const std::string& path, absl::string_view bytes) {
  RemoveStale(path, ".tmp-");
  struct stat old;
  const mode_t mode =
      ::stat(path.c_str(), &old) == 0 ? old.st_mode & 07777 : 0644;
  const std::string temp = absl::StrCat(path, ".tmp-", ::getpid());
  absl::Status status = WriteNewFile(temp, bytes, mode);
  if (status.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
    status = Errno("cannot rename over", path);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return SyncPath(ParentOf(path), true);
}

}  // namespace reachrank
