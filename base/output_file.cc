#include "base/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/std_descriptors.h"

namespace reachrank {
namespace {

absl::StatusCode CodeOf(int error) {
  switch (error) {
    case EISDIR:
      return absl::StatusCode::kInvalidArgument;
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::StatusCode::kPermissionDenied;
    case ENOENT:
    case ENOTDIR:
      return absl::StatusCode::kNotFound;
    default:
      return absl::StatusCode::kInternal;
  }
}

// The file a write to `path` reaches: symbolic links followed, a dangling
// one too (its target is created), so that the rename replaces the file
// and not the link.
std::string Resolved(const std::string& path) {
  std::filesystem::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code error;
    if (!std::filesystem::is_symlink(p, error)) break;
    const std::filesystem::path to = std::filesystem::read_symlink(p, error);
    if (error) break;
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  return p.lexically_normal().string();
}

// The descriptor that a name of a standard stream or of an open descriptor
// stands for ("/dev/stdout", "/dev/fd/3", "/proc/self/fd/3"): written as
// it is, never replaced (`--out /dev/stdout >> log` appends to the log).
std::optional<int> DescriptorName(const std::string& path) {
  if (path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (absl::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    absl::string_view rest = path;
    int fd = 0;
    if (absl::ConsumePrefix(&rest, prefix) && absl::SimpleAtoi(rest, &fd) &&
        fd >= 0 && fcntl(fd, F_GETFD) != -1) {
      return fd;
    }
  }
  return std::nullopt;
}

// Opens a new "<path>.tmp-<pid>-<n>" (mode 0666 less the umask); -1 with
// errno set when none could be made.
int OpenTemporary(const std::string& path, std::string* name) {
  for (int n = 0; n < 100; ++n) {
    *name = absl::StrCat(path, ".tmp-", getpid(), "-", n);
    const int fd =
        open(name->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

// fsyncs the directory holding `path`, so that a rename into it lasts.
int SyncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int result = fsync(fd) == 0 ? 0 : errno;
  close(fd);
  return result;
}

}  // namespace

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Open(
    const std::string& flag, const std::string& path) {
  auto failed = [&](int error) {
    return absl::Status(CodeOf(error),
                        absl::StrCat(flag, ": ", path, ": ", strerror(error)));
  };
  if (path == "-") {
    if (StandardOutputWasClosed()) {
      return absl::FailedPreconditionError(absl::StrCat(
          flag, ": - is standard output, which is closed; name a file"));
    }
    return std::unique_ptr<OutputFile>(
        new OutputFile(flag, path, "", STDOUT_FILENO, /*owned=*/false));
  }
  if (const std::optional<int> fd = DescriptorName(path)) {
    return std::unique_ptr<OutputFile>(
        new OutputFile(flag, path, "", *fd, /*owned=*/false));
  }
  const std::string target = Resolved(path);
  struct stat st;
  const bool exists = stat(target.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) return failed(EISDIR);
  if (exists && access(target.c_str(), W_OK) != 0) return failed(errno);
  // A device or a pipe cannot be replaced, nor a file with other links
  // without leaving them the old content: those are written in place.
  const bool in_place = exists && (!S_ISREG(st.st_mode) || st.st_nlink > 1);
  std::string temporary;
  int fd = in_place ? -1 : OpenTemporary(target, &temporary);
  if (fd < 0 && (in_place || (exists && (errno == EACCES || errno == EPERM ||
                                         errno == EROFS)))) {
    // In place also when the directory takes no new file but the file
    // itself is writable.
    temporary.clear();
    fd = open(target.c_str(),
              O_WRONLY | O_CLOEXEC | (S_ISREG(st.st_mode) ? O_TRUNC : 0));
  }
  if (fd < 0) return failed(errno);
  if (exists && !temporary.empty()) {
    // The replacement keeps the file's mode and, where allowed, owner.
    fchmod(fd, st.st_mode & 07777);
    if (fchown(fd, st.st_uid, st.st_gid) != 0) {
      // Not the owner: the file becomes this user's, as any new file.
    }
  }
  return std::unique_ptr<OutputFile>(
      new OutputFile(flag, target, std::move(temporary), fd, /*owned=*/true));
}

OutputFile::OutputFile(std::string flag, std::string path,
                       std::string temporary, int fd, bool owned)
    : flag_(std::move(flag)),
      path_(std::move(path)),
      temporary_(std::move(temporary)),
      fd_(fd),
      owned_(owned),
      buffer_(fd),
      stream_(&buffer_) {}

OutputFile::~OutputFile() {
  if (owned_ && !committed_) close(fd_);
  if (!temporary_.empty() && !committed_) unlink(temporary_.c_str());
}

absl::Status OutputFile::Error(const std::string& what, int error) const {
  return absl::Status(CodeOf(error), absl::StrCat(flag_, ": ", what, " ", path_,
                                                  ": ", strerror(error)));
}

absl::Status OutputFile::status() const {
  if (buffer_.error() != 0) return Error("cannot write", buffer_.error());
  if (!stream_) return Error("cannot write", EIO);
  return absl::OkStatus();
}

absl::Status OutputFile::Commit() {
  stream_.flush();
  if (absl::Status s = status(); !s.ok()) return s;
  if (!owned_) return absl::OkStatus();
  if (temporary_.empty()) {  // written in place
    committed_ = true;
    return close(fd_) == 0 ? absl::OkStatus() : Error("cannot write", errno);
  }
  if (fsync(fd_) != 0) return Error("cannot write", errno);
  committed_ = true;
  const int closed = close(fd_) == 0 ? 0 : errno;
  if (closed != 0 || rename(temporary_.c_str(), path_.c_str()) != 0) {
    const int error = closed != 0 ? closed : errno;
    unlink(temporary_.c_str());
    return Error("cannot write", error);
  }
  if (const int error = SyncDirectoryOf(path_); error != 0) {
    return Error("cannot sync the directory of", error);
  }
  return absl::OkStatus();
}

bool OutputFile::Buffer::Drain() {
  const char* p = pbase();
  while (error_ == 0 && p < pptr()) {
    const ssize_t n = write(fd_, p, static_cast<size_t>(pptr() - p));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      break;
    }
    p += n;
  }
  setp(bytes_.data(), bytes_.data() + bytes_.size());
  return error_ == 0;
}

OutputFile::Buffer::int_type OutputFile::Buffer::overflow(int_type c) {
  if (!Drain()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return 0;
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

int OutputFile::Buffer::sync() { return Drain() ? 0 : -1; }

}  // namespace reachrank
