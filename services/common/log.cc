#include "services/common/log.h"

#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace reachrank::services {
namespace {

absl::Mutex program_mu(absl::kConstInit);

std::string& Program() ABSL_EXCLUSIVE_LOCKS_REQUIRED(program_mu) {
  static std::string* const program = new std::string("reachrank");  // kept
  return *program;
}

}  // namespace

void SetLogProgram(std::string program) {
  absl::MutexLock lock(&program_mu);
  Program() = std::move(program);
}

void LogLine(absl::string_view line) {
  std::string text;
  {
    absl::MutexLock lock(&program_mu);
    text = absl::StrCat(Program(), ": ", line, "\n");
  }
  absl::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr is gone: nothing else to tell
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace reachrank::services
