// Counters: a sparse vector of int64 cells, the value type of every counter
// column family, summed by the merge operator.
//
// Cell layout (the index space is part of the on-disk schema):
//   [0, 350)    event counts by (surface, relation, type) enum values:
//               EventCell(s, r, t) = (s * kRelations + r) * kEventTypes + t
//   [350, 385)  watch_ms sums by (surface, relation): WatchCell(s, r)
//   400         posts published (author and topic day rows; in a topic row,
//               posts whose top topic it is), by creation day
//   401         posts classified into the row's topic at any rank (topic day
//               rows), by creation day
#ifndef REACHRANK_STORAGE_COUNTERS_H_
#define REACHRANK_STORAGE_COUNTERS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "reachrank/v1/common.pb.h"

namespace reachrank::storage {

inline constexpr int kSurfaces = 7;     // v1::Surface values 0..6
inline constexpr int kRelations = 5;    // v1::Relation values 0..4
inline constexpr int kEventTypes = 10;  // v1::EventType values 0..9
inline constexpr uint32_t kWatchBase = kSurfaces * kRelations * kEventTypes;
inline constexpr uint32_t kPostsPublished = 400;
inline constexpr uint32_t kPostsClassified = 401;

// The cell counting events of type `t` by viewers of relation `r` on
// surface `s` (cells 0 .. kWatchBase - 1). The enums must be in range.
constexpr uint32_t EventCell(v1::Surface s, v1::Relation r, v1::EventType t) {
  return (static_cast<uint32_t>(s) * kRelations + static_cast<uint32_t>(r)) *
             kEventTypes +
         static_cast<uint32_t>(t);
}
// The cell summing watch milliseconds of relation `r` on surface `s`
// (cells from kWatchBase). The enums must be in range.
constexpr uint32_t WatchCell(v1::Surface s, v1::Relation r) {
  return kWatchBase + static_cast<uint32_t>(s) * kRelations +
         static_cast<uint32_t>(r);
}

// A value type; not thread-safe (like std::vector).
class Counters {
 public:
  // Cell value, 0 when absent.
  int64_t Get(uint32_t cell) const;
  // Adds `delta` to a cell (creating it).
  void Add(uint32_t cell, int64_t delta);
  // Adds every cell of `other`.
  void AddAll(const Counters& other);
  // Sum of event counts over every surface for (relation, type).
  int64_t ByRelationType(v1::Relation r, v1::EventType t) const;
  // Sum of event counts over every surface and relation for `type`.
  int64_t ByType(v1::EventType t) const;
  bool empty() const { return cells_.empty(); }
  // Non-zero cells sorted by index.
  const std::vector<std::pair<uint32_t, int64_t>>& cells() const {
    return cells_;
  }

  // Encoding: varint32 cell-index delta, then zigzag varint64 value, per
  // cell, ascending. Decode fails (returns false) on malformed input.
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
  static bool Decode(absl::string_view in, Counters* out);

  friend bool operator==(const Counters& a, const Counters& b) {
    return a.cells_ == b.cells_;
  }

 private:
  std::vector<std::pair<uint32_t, int64_t>> cells_;  // sorted, no zeros
};

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_COUNTERS_H_
