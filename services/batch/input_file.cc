#include "services/batch/input_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "absl/status/status.h"
#include "base/std_descriptors.h"

namespace reachrank::batch {

absl::StatusOr<std::istream*> OpenInput(const std::string& path,
                                        std::ifstream& file) {
  if (path == "-") {
    // Closed at start (main put /dev/null in its place) or now.
    if (StandardInputWasClosed() ||
        (fcntl(STDIN_FILENO, F_GETFD) == -1 && errno == EBADF)) {
      return absl::FailedPreconditionError("input -: standard input is closed");
    }
    return &std::cin;
  }
  file.open(path, std::ios::binary);
  if (!file) return absl::NotFoundError("cannot read " + path);
  return &file;
}

}  // namespace reachrank::batch
