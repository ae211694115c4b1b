// IsValidUtf8: the one UTF-8 check of every layer (request fields, CSV
// headers, topic texts, taxonomy lines).
#ifndef REACHRANK_BASE_UTF8_H_
#define REACHRANK_BASE_UTF8_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace reachrank {

// True when `text` is well-formed UTF-8: no stray continuation bytes, no
// truncated sequences, no overlong forms, no surrogates (U+D800..U+DFFF)
// and no code points above U+10FFFF.
inline bool IsValidUtf8(absl::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    int extra;
    uint32_t min;
    if (c < 0x80) {
      ++p;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    uint32_t cp = c & (0x3F >> extra);
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += extra + 1;
  }
  return true;
}

}  // namespace reachrank

#endif  // REACHRANK_BASE_UTF8_H_
