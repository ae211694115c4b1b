// A fresh store in a temporary directory, for the ingest tests. Test-only.
#ifndef REACHRANK_SERVICES_INGEST_TEMP_STORE_H_
#define REACHRANK_SERVICES_INGEST_TEMP_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "services/common/test_support.h"
#include "storage/store.h"

namespace reachrank::ingest {

// Opens a new database under a MakeTempDir(`prefix`) directory.
inline absl::StatusOr<std::unique_ptr<storage::Store>> OpenTempStore(
    const std::string& prefix) {
  RR_ASSIGN_OR_RETURN(std::string dir, reachrank::testing::MakeTempDir(prefix));
  storage::StoreOptions options;
  options.path = dir;
  return storage::Store::Open(options);
}

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_TEMP_STORE_H_
