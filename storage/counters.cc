#include "storage/counters.h"

#include <algorithm>

namespace reachrank::storage {
namespace {

// Wrapping addition: counters never overflow in practice, and wrapping keeps
// a corrupt or hostile operand from being undefined behaviour.
int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a varint of at most `max_bits` bits; rejects truncated, overlong
// and out-of-range encodings so that every value has one encoding.
bool GetVarint(absl::string_view* in, int max_bits, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < max_bits; shift += 7) {
    if (in->empty()) return false;
    const uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    const uint64_t bits = byte & 0x7f;
    if (shift > 0 && byte == 0) return false;  // overlong
    if (max_bits - shift < 7 && (bits >> (max_bits - shift)) != 0) {
      return false;  // out of range
    }
    result |= bits << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

}  // namespace

int64_t Counters::Get(uint32_t cell) const {
  auto it = std::lower_bound(cells_.begin(), cells_.end(), cell,
                             [](const std::pair<uint32_t, int64_t>& c,
                                uint32_t k) { return c.first < k; });
  return it != cells_.end() && it->first == cell ? it->second : 0;
}

void Counters::Add(uint32_t cell, int64_t delta) {
  if (delta == 0) return;
  auto it = std::lower_bound(cells_.begin(), cells_.end(), cell,
                             [](const std::pair<uint32_t, int64_t>& c,
                                uint32_t k) { return c.first < k; });
  if (it == cells_.end() || it->first != cell) {
    cells_.insert(it, {cell, delta});
    return;
  }
  it->second = WrapAdd(it->second, delta);
  if (it->second == 0) cells_.erase(it);
}

void Counters::AddAll(const Counters& other) {
  if (other.cells_.empty()) return;
  if (cells_.empty()) {
    cells_ = other.cells_;
    return;
  }
  std::vector<std::pair<uint32_t, int64_t>> merged;
  merged.reserve(cells_.size() + other.cells_.size());
  auto a = cells_.begin();
  auto b = other.cells_.begin();
  while (a != cells_.end() || b != other.cells_.end()) {
    if (b == other.cells_.end() || (a != cells_.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == cells_.end() || b->first < a->first) {
      merged.push_back(*b++);
    } else {
      const int64_t sum = WrapAdd(a->second, b->second);
      if (sum != 0) merged.emplace_back(a->first, sum);
      ++a;
      ++b;
    }
  }
  cells_ = std::move(merged);
}

int64_t Counters::ByRelationType(v1::Relation r, v1::EventType t) const {
  int64_t sum = 0;
  for (int s = 0; s < kSurfaces; ++s) {
    sum = WrapAdd(sum, Get(EventCell(static_cast<v1::Surface>(s), r, t)));
  }
  return sum;
}

int64_t Counters::ByType(v1::EventType t) const {
  int64_t sum = 0;
  for (int r = 0; r < kRelations; ++r) {
    sum = WrapAdd(sum, ByRelationType(static_cast<v1::Relation>(r), t));
  }
  return sum;
}

std::string Counters::Encode() const {
  std::string out;
  EncodeTo(&out);
  return out;
}

void Counters::EncodeTo(std::string* out) const {
  uint32_t previous = 0;
  for (const auto& [cell, value] : cells_) {
    PutVarint(cell - previous, out);
    PutVarint(ZigZag(value), out);
    previous = cell;
  }
}

bool Counters::Decode(absl::string_view in, Counters* out) {
  std::vector<std::pair<uint32_t, int64_t>> cells;
  uint64_t cell = 0;
  while (!in.empty()) {
    uint64_t delta = 0;
    uint64_t zigzag = 0;
    if (!GetVarint(&in, 32, &delta) || !GetVarint(&in, 64, &zigzag)) {
      return false;
    }
    // Cells ascend strictly; only the first may sit at index 0.
    if (delta == 0 && !cells.empty()) return false;
    cell += delta;
    if (cell > UINT32_MAX) return false;
    const int64_t value = UnZigZag(zigzag);
    if (value == 0) return false;
    cells.emplace_back(static_cast<uint32_t>(cell), value);
  }
  out->cells_ = std::move(cells);
  return true;
}

}  // namespace reachrank::storage
