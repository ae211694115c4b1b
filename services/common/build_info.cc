#include "services/common/build_info.h"

#include "absl/strings/str_cat.h"
#include "reachrank_revision.h"  // generated: REACHRANK_BUILD_REVISION

#ifndef REACHRANK_BUILD_VERSION
#define REACHRANK_BUILD_VERSION "unknown"
#endif

namespace reachrank::services {

// REACHRANK_BUILD_VERSION comes from CMake (services/common/CMakeLists.txt,
// for this file only); REACHRANK_BUILD_REVISION from the header that
// cmake/WriteRevision.cmake writes at every build.
absl::string_view BuildVersion() { return REACHRANK_BUILD_VERSION; }
absl::string_view BuildRevision() { return REACHRANK_BUILD_REVISION; }

std::string VersionLine(absl::string_view program) {
  return absl::StrCat(program, " ", BuildVersion(), " (revision ",
                      BuildRevision(), ")");
}

}  // namespace reachrank::services
