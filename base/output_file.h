// output_file: a file written whole or not at all. The bytes go to a
// temporary file beside the target ("<path>.tmp-<pid>-<n>"); Commit
// flushes and fsyncs it and renames it over the target (which keeps its
// mode and, where allowed, its owner), so a failed or killed writer leaves
// the target as it was (or absent), never half-written. Symbolic links are
// followed. Written in place instead, as they cannot be replaced: "-"
// (standard output), names of open descriptors ("/dev/stdout",
// "/dev/fd/N"), devices and pipes, a file with other hard links, and a
// writable file in a directory that takes no new file. Errors carry the
// operating system's reason ("No space left on device", "File too large",
// "Is a directory").
//
//   RR_ASSIGN_OR_RETURN(auto out, OutputFile::Open("--out", path));
//   out->stream() << rows;
//   RR_RETURN_IF_ERROR(out->Commit());
//
// Thread-compatible.
#ifndef REACHRANK_BASE_OUTPUT_FILE_H_
#define REACHRANK_BASE_OUTPUT_FILE_H_

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reachrank {

class OutputFile {
 public:
  // Creates the temporary file (or takes standard output for "-"). `flag`
  // names the output in errors ("--out: x.csv: Is a directory"):
  // INVALID_ARGUMENT for a directory, NOT_FOUND for a missing parent
  // directory, PERMISSION_DENIED for a file that is not writable,
  // FAILED_PRECONDITION for "-" when standard output was closed
  // (StandardOutputWasClosed), INTERNAL otherwise. A writer killed before
  // Commit leaves its temporary file behind.
  static absl::StatusOr<std::unique_ptr<OutputFile>> Open(
      const std::string& flag, const std::string& path);

  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  // Removes the temporary file unless Commit succeeded.
  ~OutputFile();

  // Where to write. A failed write sets the stream's badbit; Commit then
  // reports the reason.
  std::ostream& stream() { return stream_; }

  // OK, or the first write error with its reason (the target untouched):
  // for a caller whose own writing failed, to say why.
  absl::Status status() const;

  // Writes the rest of the bytes, fsyncs and renames the file over the
  // target (fsyncing its directory); for "-", flushes standard output.
  // The first write error's reason if any write failed (the target
  // untouched). An error naming the directory: the file is in place but
  // its rename may not survive a crash. Call once.
  absl::Status Commit();

 private:
  // A streambuf over a file descriptor that keeps the first errno.
  class Buffer final : public std::streambuf {
   public:
    explicit Buffer(int fd) : fd_(fd), bytes_(1 << 16) {
      setp(bytes_.data(), bytes_.data() + bytes_.size());
    }
    int error() const { return error_; }

   protected:
    int_type overflow(int_type c) override;
    int sync() override;

   private:
    bool Drain();  // writes [pbase, pptr); false after an error

    int fd_;
    int error_ = 0;
    std::vector<char> bytes_;
  };

  OutputFile(std::string flag, std::string path, std::string temporary, int fd,
             bool owned);
  absl::Status Error(const std::string& what, int error) const;

  const std::string flag_, path_, temporary_;  // temporary_ empty for "-"
  const int fd_;
  const bool owned_;  // false: standard output or a named descriptor
  Buffer buffer_;
  std::ostream stream_;
  bool committed_ = false;
};

}  // namespace reachrank

#endif  // REACHRANK_BASE_OUTPUT_FILE_H_
