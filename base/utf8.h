// IsValidUtf8: the one UTF-8 check of every layer (request fields, CSV
// headers, topic texts, taxonomy lines); WithValidUtf8 for output.
#ifndef REACHRANK_BASE_UTF8_H_
#define REACHRANK_BASE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace reachrank {

// The length (1..4) of the well-formed UTF-8 sequence at `pos` of `text`,
// or 0 when the bytes there are not one: a stray continuation byte, a
// truncated sequence, an overlong form, a surrogate (U+D800..U+DFFF) or a
// code point above U+10FFFF.
inline int Utf8SequenceAt(absl::string_view text, size_t pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  const size_t left = text.size() - pos;
  const unsigned char c = *p;
  int extra;
  uint32_t min;
  if (c < 0x80) {
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    extra = 1, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3, min = 0x10000;
  } else {
    return 0;
  }
  if (left <= static_cast<size_t>(extra)) return 0;
  uint32_t cp = c & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return extra + 1;
}

// True when `text` is well-formed UTF-8 (Utf8SequenceAt's rules).
inline bool IsValidUtf8(absl::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const int n = Utf8SequenceAt(text, pos);
    if (n == 0) return false;
    pos += static_cast<size_t>(n);
  }
  return true;
}

// `text` with each byte that starts no well-formed sequence replaced by
// U+FFFD, for output that must be UTF-8 (a CSV cell echoing input).
inline std::string WithValidUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const int n = Utf8SequenceAt(text, pos);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++pos;
    } else {
      out.append(text.data() + pos, static_cast<size_t>(n));
      pos += static_cast<size_t>(n);
    }
  }
  return out;
}

}  // namespace reachrank

#endif  // REACHRANK_BASE_UTF8_H_
