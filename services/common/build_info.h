// Which build a binary is: the project version and the git revision of the
// source tree it was built from ("unknown" outside a git checkout).
// The same values label `reachrank_build_info` and answer `--version`.
#ifndef REACHRANK_SERVICES_COMMON_BUILD_INFO_H_
#define REACHRANK_SERVICES_COMMON_BUILD_INFO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace reachrank::services {

absl::string_view BuildVersion();
absl::string_view BuildRevision();

// "<program> <version> (revision <revision>)": what `--version` prints.
std::string VersionLine(absl::string_view program);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_BUILD_INFO_H_
