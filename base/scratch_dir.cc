#include "base/scratch_dir.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace reachrank {
namespace {

namespace fs = std::filesystem;

std::atomic<int> next_number{0};

fs::path TempRoot() {
  std::error_code error;
  fs::path root = fs::temp_directory_path(error);
  return error ? fs::path("/tmp") : root;
}

// True for "<pid>-<n>" naming a process that no longer runs.
bool OfAGoneProcess(absl::string_view suffix) {
  const std::vector<absl::string_view> parts = absl::StrSplit(suffix, '-');
  int pid = 0, number = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &pid) || pid <= 0 ||
      !absl::SimpleAtoi(parts[1], &number) || number < 0) {
    return false;
  }
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

void RemoveStale(const fs::path& root, const std::string& prefix) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, error)) {
    const std::string name = entry.path().filename().string();
    if (!absl::StartsWith(name, prefix) ||
        !OfAGoneProcess(absl::string_view(name).substr(prefix.size()))) {
      continue;
    }
    std::error_code ignored;
    fs::remove_all(entry.path(), ignored);
  }
}

std::string Claim(absl::string_view purpose) {
  const fs::path root = TempRoot();
  const std::string prefix = absl::StrCat("reachrank-", purpose, "-");
  RemoveStale(root, prefix);
  // A directory of this name can only be a dead process's that had this
  // pid: ours are numbered from here.
  fs::path path = root / absl::StrCat(prefix, ::getpid(), "-", next_number++);
  std::error_code ignored;
  fs::remove_all(path, ignored);
  return path.string();
}

}  // namespace

ScratchDirectory::ScratchDirectory(absl::string_view purpose)
    : path_(Claim(purpose)) {}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

}  // namespace reachrank
