// The one rule of a platform id ("tiktok", "wechat_channels"), shared by
// the services that take posts and drafts and the label config that names
// platforms: an id another part refuses must not be accepted here.
#ifndef REACHRANK_BASE_PLATFORM_ID_H_
#define REACHRANK_BASE_PLATFORM_ID_H_

#include <algorithm>

#include "absl/strings/string_view.h"

namespace reachrank {

// The rule as error messages state it.
inline constexpr char kPlatformIdRule[] = "must match [a-z0-9_]{1,32}";

// True when `platform` follows kPlatformIdRule.
inline bool IsPlatformId(absl::string_view platform) {
  return !platform.empty() && platform.size() <= 32 &&
         std::all_of(platform.begin(), platform.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

}  // namespace reachrank

#endif  // REACHRANK_BASE_PLATFORM_ID_H_
