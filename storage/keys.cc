#include "storage/keys.h"

namespace reachrank::storage::keys {
namespace {

constexpr char kSep = '\0';

uint64_t ReadBigEndian(absl::string_view in, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) {
    v = (v << 8) | static_cast<uint8_t>(in[i]);
  }
  return v;
}

void AppendBigEndian(uint64_t v, size_t bytes, std::string* out) {
  for (size_t i = bytes; i > 0; --i) {
    out->push_back(static_cast<char>((v >> (8 * (i - 1))) & 0xff));
  }
}

int32_t DecodeOrdered32(absl::string_view in) {
  return static_cast<int32_t>(static_cast<uint32_t>(ReadBigEndian(in, 4)) ^
                              0x80000000u);
}

int64_t DecodeOrdered64(absl::string_view in) {
  return static_cast<int64_t>(ReadBigEndian(in, 8) ^ (uint64_t{1} << 63));
}

// Splits off the part before the next NUL; false when there is no NUL or
// the part is invalid.
bool ConsumePart(absl::string_view* in, absl::string_view* part) {
  const size_t pos = in->find(kSep);
  if (pos == absl::string_view::npos) return false;
  *part = in->substr(0, pos);
  in->remove_prefix(pos + 1);
  return IsValidPart(*part);
}

std::string TwoParts(absl::string_view a, absl::string_view b) {
  std::string out;
  out.reserve(a.size() + b.size() + 2);
  out.append(a.data(), a.size());
  out.push_back(kSep);
  out.append(b.data(), b.size());
  return out;
}

}  // namespace

bool IsValidPart(absl::string_view part) {
  return !part.empty() && part.size() <= kMaxKeyPart &&
         part.find(kSep) == absl::string_view::npos;
}

void AppendOrdered32(int32_t v, std::string* out) {
  AppendBigEndian(static_cast<uint32_t>(v) ^ 0x80000000u, 4, out);
}

void AppendOrdered64(int64_t v, std::string* out) {
  AppendBigEndian(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63), 8, out);
}

bool DecodeIdKey(absl::string_view key, absl::string_view* id) {
  if (!IsValidPart(key)) return false;
  *id = key;
  return true;
}

std::string AuthorKey(absl::string_view platform, absl::string_view author_id) {
  return TwoParts(platform, author_id);
}

bool DecodeAuthorKey(absl::string_view key, AuthorKeyParts* out) {
  AuthorKeyParts parts;
  if (!ConsumePart(&key, &parts.platform)) return false;
  if (!IsValidPart(key)) return false;
  parts.author_id = key;
  *out = parts;
  return true;
}

std::string AuthorPostPrefix(absl::string_view platform,
                             absl::string_view author_id) {
  std::string out = TwoParts(platform, author_id);
  out.push_back(kSep);
  return out;
}

std::string AuthorPostKey(absl::string_view platform,
                          absl::string_view author_id, int64_t created_ms,
                          absl::string_view post_id) {
  std::string out = AuthorPostPrefix(platform, author_id);
  AppendOrdered64(created_ms, &out);
  out.append(post_id.data(), post_id.size());
  return out;
}

bool DecodeAuthorPostKey(absl::string_view key, AuthorPostKeyParts* out) {
  AuthorPostKeyParts parts;
  if (!ConsumePart(&key, &parts.platform)) return false;
  if (!ConsumePart(&key, &parts.author_id)) return false;
  if (key.size() < 8) return false;
  parts.created_ms = DecodeOrdered64(key.substr(0, 8));
  key.remove_prefix(8);
  if (!IsValidPart(key)) return false;
  parts.post_id = key;
  *out = parts;
  return true;
}

std::string PostHourPrefix(absl::string_view post_id) {
  std::string out(post_id);
  out.push_back(kSep);
  return out;
}

std::string PostHourKey(absl::string_view post_id, int32_t hour) {
  std::string out = PostHourPrefix(post_id);
  AppendOrdered32(hour, &out);
  return out;
}

bool DecodePostHourKey(absl::string_view key, PostHourKeyParts* out) {
  PostHourKeyParts parts;
  if (!ConsumePart(&key, &parts.post_id)) return false;
  if (key.size() != 4) return false;
  parts.hour = DecodeOrdered32(key);
  *out = parts;
  return true;
}

std::string DayPrefix(absl::string_view platform, absl::string_view owner) {
  std::string out = TwoParts(platform, owner);
  out.push_back(kSep);
  return out;
}

std::string DayKey(absl::string_view platform, absl::string_view owner,
                   int32_t day) {
  std::string out;
  AppendDayKey(platform, owner, day, &out);
  return out;
}

void AppendDayKey(absl::string_view platform, absl::string_view owner,
                  int32_t day, std::string* out) {
  out->append(platform.data(), platform.size());
  out->push_back(kSep);
  out->append(owner.data(), owner.size());
  out->push_back(kSep);
  AppendOrdered32(day, out);
}

bool DecodeDayKey(absl::string_view key, DayKeyParts* out) {
  DayKeyParts parts;
  if (!ConsumePart(&key, &parts.platform)) return false;
  if (!ConsumePart(&key, &parts.owner)) return false;
  if (key.size() != 4) return false;
  parts.day = DecodeOrdered32(key);
  *out = parts;
  return true;
}

std::string DedupValue(int64_t first_seen_ms) {
  std::string out;
  AppendOrdered64(first_seen_ms, &out);
  return out;
}

bool DecodeDedupValue(absl::string_view value, int64_t* first_seen_ms) {
  if (value.size() != 8) return false;
  *first_seen_ms = DecodeOrdered64(value);
  return true;
}

}  // namespace reachrank::storage::keys
