// FNV-1a, 64 bits: a fast, stable, non-cryptographic hash of bytes, used
// where a hash must be the same on every machine and in other languages
// (model fingerprints, shard routing).
#ifndef REACHRANK_BASE_FNV_H_
#define REACHRANK_BASE_FNV_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace reachrank {

inline constexpr uint64_t kFnv1a64OffsetBasis = 14695981039346656037ull;

// Continues the hash `hash` over `bytes`; Fnv1a64(a + b) ==
// Fnv1a64Continue(Fnv1a64(a), b).
inline uint64_t Fnv1a64Continue(uint64_t hash, absl::string_view bytes) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;  // the FNV prime
  }
  return hash;
}

inline uint64_t Fnv1a64(absl::string_view bytes) {
  return Fnv1a64Continue(kFnv1a64OffsetBasis, bytes);
}

}  // namespace reachrank

#endif  // REACHRANK_BASE_FNV_H_
