// Whole-file reads and writes with absl::Status errors.
#ifndef REACHRANK_TOPICS_FILE_UTIL_H_
#define REACHRANK_TOPICS_FILE_UTIL_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reachrank::topics {

// The bytes of `path`; NOT_FOUND naming `path` when it cannot be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Replaces `path` with `bytes`; INTERNAL naming `path` on failure.
absl::Status WriteFile(const std::string& path, absl::string_view bytes);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_FILE_UTIL_H_
