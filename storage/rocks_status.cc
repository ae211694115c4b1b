#include "storage/rocks_status.h"

#include "absl/strings/str_cat.h"

namespace reachrank::storage {
namespace {

absl::StatusCode CodeOf(const rocksdb::Status& s) {
  using C = rocksdb::Status::Code;
  switch (s.code()) {
    case C::kOk:
      return absl::StatusCode::kOk;
    case C::kNotFound:
      return absl::StatusCode::kNotFound;
    case C::kCorruption:
      return absl::StatusCode::kDataLoss;
    case C::kNotSupported:
      return absl::StatusCode::kUnimplemented;
    case C::kInvalidArgument:
      return absl::StatusCode::kInvalidArgument;
    case C::kAborted:
      return absl::StatusCode::kAborted;
    case C::kBusy:
    case C::kTimedOut:
    case C::kTryAgain:
    case C::kIncomplete:
    case C::kShutdownInProgress:
      return absl::StatusCode::kUnavailable;
    case C::kMergeInProgress:
    case C::kIOError:
    case C::kExpired:
    case C::kCompactionTooLarge:
    case C::kColumnFamilyDropped:
    case C::kMaxCode:
      break;
  }
  return absl::StatusCode::kInternal;
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(CodeOf(s), absl::StrCat(what, ": ", s.ToString()));
}

}  // namespace reachrank::storage
