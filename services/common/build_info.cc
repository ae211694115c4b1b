#include "services/common/build_info.h"

#include "absl/strings/str_cat.h"

#ifndef REACHRANK_BUILD_VERSION
#define REACHRANK_BUILD_VERSION "unknown"
#endif
#ifndef REACHRANK_BUILD_REVISION
#define REACHRANK_BUILD_REVISION "unknown"
#endif

namespace reachrank::services {

// REACHRANK_BUILD_VERSION and REACHRANK_BUILD_REVISION come from CMake
// (services/common/CMakeLists.txt), for this file only.
absl::string_view BuildVersion() { return REACHRANK_BUILD_VERSION; }
absl::string_view BuildRevision() { return REACHRANK_BUILD_REVISION; }

std::string VersionLine(absl::string_view program) {
  return absl::StrCat(program, " ", BuildVersion(), " (revision ",
                      BuildRevision(), ")");
}

}  // namespace reachrank::services
