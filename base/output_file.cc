#include "base/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
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

// The file a write to `path` reaches: symbolic links followed when the
// target exists, so the rename replaces the file and not the link.
std::string Resolved(const std::string& path) {
  std::error_code error;
  std::filesystem::path real = std::filesystem::canonical(path, error);
  return error ? path : real.string();
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
  if (path == "-") {
    if (StandardOutputWasClosed()) {
      return absl::FailedPreconditionError(absl::StrCat(
          flag, ": - is standard output, which is closed; name a file"));
    }
    return std::unique_ptr<OutputFile>(
        new OutputFile(flag, path, "", STDOUT_FILENO));
  }
  const std::string target = Resolved(path);
  struct stat st;
  if (stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": ", path, ": ", strerror(EISDIR)));
    }
    // A device or a pipe (/dev/null, a FIFO): written in place, as it
    // cannot be replaced.
    const int fd = open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      return absl::Status(
          CodeOf(errno), absl::StrCat(flag, ": ", path, ": ", strerror(errno)));
    }
    return std::unique_ptr<OutputFile>(new OutputFile(flag, target, "", fd));
  }
  std::string temporary;
  const int fd = OpenTemporary(target, &temporary);
  if (fd < 0) {
    return absl::Status(CodeOf(errno),
                        absl::StrCat(flag, ": ", path, ": ", strerror(errno)));
  }
  return std::unique_ptr<OutputFile>(
      new OutputFile(flag, target, std::move(temporary), fd));
}

OutputFile::OutputFile(std::string flag, std::string path,
                       std::string temporary, int fd)
    : flag_(std::move(flag)),
      path_(std::move(path)),
      temporary_(std::move(temporary)),
      fd_(fd),
      buffer_(fd),
      stream_(&buffer_) {}

OutputFile::~OutputFile() {
  if (fd_ != STDOUT_FILENO && !committed_) close(fd_);
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
  if (fd_ == STDOUT_FILENO) return absl::OkStatus();
  if (temporary_.empty()) {  // a device or a pipe
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
