#include "base/std_descriptors.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace reachrank {
namespace {

bool stdin_was_closed = false;
bool stdout_was_closed = false;

bool IsClosed(int fd) { return fcntl(fd, F_GETFD) == -1 && errno == EBADF; }

// Opened by this process image: exec closed every close-on-exec one.
bool OpenedHere(int fd) {
  const int flags = fcntl(fd, F_GETFD);
  return flags != -1 && (flags & FD_CLOEXEC) != 0;
}

}  // namespace

void ReserveStandardDescriptors() {
  stdin_was_closed = IsClosed(STDIN_FILENO) || OpenedHere(STDIN_FILENO);
  stdout_was_closed = IsClosed(STDOUT_FILENO) || OpenedHere(STDOUT_FILENO);
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (!IsClosed(fd)) continue;
    // The lowest free number: `fd` itself, as the ones below are open.
    const int opened =
        open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
    if (opened != fd && opened >= 0) close(opened);
  }
}

bool StandardInputWasClosed() { return stdin_was_closed; }

bool StandardOutputWasClosed() { return stdout_was_closed; }

}  // namespace reachrank
