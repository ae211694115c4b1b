// Small file helpers shared by the model loaders.
#ifndef REACHRANK_RANKING_MODEL_FILE_UTIL_H_
#define REACHRANK_RANKING_MODEL_FILE_UTIL_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace reachrank::ranking {

// Largest model or metadata file ReadModelFile accepts.
inline constexpr size_t kMaxModelFileBytes = size_t{1} << 30;

// Returns the whole content of `path`. NOT_FOUND if it cannot be opened,
// INVALID_ARGUMENT if it is a directory or larger than kMaxModelFileBytes,
// INTERNAL on a read error. Thread-compatible (no shared state).
absl::StatusOr<std::string> ReadModelFile(const std::string& path);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_FILE_UTIL_H_
