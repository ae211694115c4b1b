// The one conversion from rocksdb::Status to absl::Status.
#ifndef REACHRANK_STORAGE_ROCKS_STATUS_H_
#define REACHRANK_STORAGE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace reachrank::storage {

// Maps `s` to the closest absl code (Corruption -> DATA_LOSS, Busy/TryAgain/
// TimedOut/Incomplete/ShutdownInProgress -> UNAVAILABLE, IOError -> INTERNAL,
// ...), with "`what`: <rocksdb message>" as the message. OK stays OK.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what);

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_ROCKS_STATUS_H_
