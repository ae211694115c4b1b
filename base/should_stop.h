// Cooperative cancellation of long calls (Rank, ScoreDrafts, Classify).
// The call asks a ShouldStop before each batch of its work, on the calling
// thread; services pass "the gRPC caller no longer waits", libraries below
// them see only the predicate.
#ifndef REACHRANK_BASE_SHOULD_STOP_H_
#define REACHRANK_BASE_SHOULD_STOP_H_

#include <cstddef>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace reachrank {

// True stops the call with CANCELLED (StoppedError) and drops what it had
// done.
using ShouldStop = absl::FunctionRef<bool()>;
inline bool NeverStop() { return false; }

// The status of a call stopped before item `done` of `total` `what`.
inline absl::Status StoppedError(size_t done, size_t total,
                                 absl::string_view what) {
  return absl::CancelledError(absl::StrCat("stopped after ", done, " of ",
                                           total, " ", what,
                                           ": the caller stopped waiting"));
}

}  // namespace reachrank

#endif  // REACHRANK_BASE_SHOULD_STOP_H_
