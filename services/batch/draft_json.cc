#include "services/batch/draft_json.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "services/ingest/validation.h"

namespace reachrank::batch {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t code, std::string* out) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Exactly `width` digits at s[pos], within [lo, hi].
bool Digits(absl::string_view s, size_t pos, int width, int lo, int hi,
            int* out) {
  if (pos + width > s.size()) return false;
  int v = 0;
  for (int i = 0; i < width; ++i) {
    if (!IsDigit(s[pos + i])) return false;
    v = v * 10 + (s[pos + i] - '0');
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

// RFC 3339 in the narrow form described in the header (protobuf's
// Timestamp parser accepts more; the rest is left to it).
bool ParseTimestamp(absl::string_view s, int64_t* seconds, int32_t* nanos) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, 1000, 9998, &year) || s.size() < 20 || s[4] != '-' ||
      !Digits(s, 5, 2, 1, 12, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, 1, 31, &day) || s[10] != 'T' ||
      !Digits(s, 11, 2, 0, 23, &hour) || s[13] != ':' ||
      !Digits(s, 14, 2, 0, 59, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, 0, 59, &second)) {
    return false;
  }
  if (day > DaysInMonth(year, month)) return false;
  size_t pos = 19;
  int32_t n = 0;
  if (s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (++digits > 9) return false;
      n = n * 10 + (s[pos] - '0');
      ++pos;
    }
    if (digits == 0) return false;
    for (; digits < 9; ++digits) n *= 10;
  }
  int64_t offset = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, 0, 23, &oh) || pos + 3 >= s.size() ||
        s[pos + 3] != ':' || !Digits(s, pos + 4, 2, 0, 59, &om)) {
      return false;
    }
    offset = (oh * 60 + om) * 60;
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  *seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 +
             minute * 60 + second - offset;
  *nanos = n;
  return true;
}

// The field a key names, or nullopt (unknown: left to protobuf).
std::optional<DraftField> FieldOf(absl::string_view key) {
  static const std::pair<absl::string_view, DraftField> kNames[] = {
      {"draft_id", DraftField::kDraftId},
      {"draftId", DraftField::kDraftId},
      {"platform", DraftField::kPlatform},
      {"author_id", DraftField::kAuthorId},
      {"authorId", DraftField::kAuthorId},
      {"text", DraftField::kText},
      {"language", DraftField::kLanguage},
      {"media_kind", DraftField::kMediaKind},
      {"mediaKind", DraftField::kMediaKind},
      {"duration_seconds", DraftField::kDurationSeconds},
      {"durationSeconds", DraftField::kDurationSeconds},
      {"hashtags", DraftField::kHashtags},
      {"planned_at", DraftField::kPlannedAt},
      {"plannedAt", DraftField::kPlannedAt},
  };
  for (const auto& [name, field] : kNames) {
    if (key == name) return field;
  }
  return std::nullopt;
}

// A cursor over one line. Every method returns false when the input is not
// of the accepted shape; the caller then gives up on the line.
class Scanner {
 public:
  explicit Scanner(absl::string_view s)
      : p_(s.data()), end_(s.data() + s.size()) {}

  void SkipSpace() {
    while (p_ < end_ &&
           (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) {
      ++p_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpace();
    return p_ == end_;
  }

  // A key: a string without escapes or non-ASCII bytes.
  bool Key(absl::string_view* key) {
    if (!Consume('"')) return false;
    const char* start = p_;
    while (p_ < end_ && *p_ != '"') {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    *key = absl::string_view(start, p_ - start);
    ++p_;
    return true;
  }

  // A JSON string's value, replacing `*out`.
  bool String(std::string* out) {
    if (!Consume('"')) return false;
    out->clear();
    const char* run = p_;
    bool ascii = true;
    while (true) {
      if (p_ == end_) return false;
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20) return false;
      if (c >= 0x80) ascii = false;
      if (c != '\\') {
        ++p_;
        continue;
      }
      out->append(run, p_ - run);
      if (!Escape(out)) return false;
      run = p_;
    }
    out->append(run, p_ - run);
    ++p_;
    // Escapes only add well-formed UTF-8, so checking the result checks
    // the raw bytes.
    return ascii || ingest::IsValidUtf8(*out);
  }

  bool Number(double* out) {
    SkipSpace();
    const char* start = p_;
    const bool negative = p_ < end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    const int int_digits = static_cast<int>(p_ - start) - negative;
    bool floating = false;
    if (p_ < end_ && *p_ == '.') {
      floating = true;
      ++p_;
      if (!SomeDigits()) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      floating = true;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!SomeDigits()) return false;
    }
    // Characters protobuf's tokenizer would still take as part of the
    // number.
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || *p_ == '+' ||
                      *p_ == '-' || *p_ == 'x' || IsDigit(*p_))) {
      return false;
    }
    if (!floating) {
      // Protobuf reads an integer as uint64 or int64 and converts it, so
      // "-0" is +0; 15 digits are exact in a double.
      if (int_digits > 15) return false;
      int64_t v = 0;
      for (const char* q = start + negative; q < p_; ++q) v = v * 10 + (*q - '0');
      *out = static_cast<double>(negative ? -v : v);
      return true;
    }
    char buf[64];
    const size_t len = p_ - start;
    if (len >= sizeof(buf)) return false;
    std::memcpy(buf, start, len);
    buf[len] = '\0';
    char* end = nullptr;
    const double v = std::strtod(buf, &end);
    if (end != buf + len || !std::isfinite(v)) return false;
    *out = v;
    return true;
  }

 private:
  bool SomeDigits() {
    const char* start = p_;
    while (p_ < end_ && IsDigit(*p_)) ++p_;
    return p_ > start;
  }

  // At a backslash: appends the escaped character and moves past it.
  bool Escape(std::string* out) {
    if (end_ - p_ < 2) return false;
    char c;
    switch (p_[1]) {
      case '"': c = '"'; break;
      case '\\': c = '\\'; break;
      case '/': c = '/'; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'n': c = '\n'; break;
      case 'r': c = '\r'; break;
      case 't': c = '\t'; break;
      case 'u': return UnicodeEscape(out);
      default: return false;
    }
    out->push_back(c);
    p_ += 2;
    return true;
  }

  bool Hex4(const char* q, uint32_t* out) {
    if (end_ - q < 6 || q[0] != '\\' || q[1] != 'u') return false;
    uint32_t v = 0;
    for (int i = 2; i < 6; ++i) {
      const int h = HexValue(q[i]);
      if (h < 0) return false;
      v = v * 16 + h;
    }
    *out = v;
    return true;
  }

  bool UnicodeEscape(std::string* out) {
    uint32_t code;
    if (!Hex4(p_, &code)) return false;
    p_ += 6;
    if (code >= 0xDC00 && code <= 0xDFFF) return false;  // lone low half
    if (code >= 0xD800 && code <= 0xDBFF) {
      uint32_t low;
      if (!Hex4(p_, &low) || low < 0xDC00 || low > 0xDFFF) return false;
      p_ += 6;
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(code, out);
    return true;
  }

  const char* p_;
  const char* end_;
};

bool ParseValue(DraftField field, Scanner& in, std::string& scratch,
                v1::Draft* draft) {
  switch (field) {
    case DraftField::kDraftId: return in.String(draft->mutable_draft_id());
    case DraftField::kPlatform: return in.String(draft->mutable_platform());
    case DraftField::kAuthorId: return in.String(draft->mutable_author_id());
    case DraftField::kText: return in.String(draft->mutable_text());
    case DraftField::kLanguage: return in.String(draft->mutable_language());
    case DraftField::kMediaKind: {
      v1::MediaKind kind;
      if (!in.String(&scratch) || !v1::MediaKind_Parse(scratch, &kind)) {
        return false;
      }
      draft->set_media_kind(kind);
      return true;
    }
    case DraftField::kDurationSeconds: {
      double seconds;
      if (!in.Number(&seconds)) return false;
      draft->set_duration_seconds(seconds);
      return true;
    }
    case DraftField::kHashtags: {
      if (!in.Consume('[')) return false;
      if (in.Consume(']')) return true;
      do {
        if (!in.String(draft->add_hashtags())) return false;
      } while (in.Consume(','));
      return in.Consume(']');
    }
    case DraftField::kPlannedAt: {
      int64_t seconds;
      int32_t nanos;
      if (!in.String(&scratch) || !ParseTimestamp(scratch, &seconds, &nanos)) {
        return false;
      }
      draft->mutable_planned_at()->set_seconds(seconds);
      draft->mutable_planned_at()->set_nanos(nanos);
      return true;
    }
  }
  return false;
}

}  // namespace

bool ParseDraftJsonFast(absl::string_view line, v1::Draft* draft) {
  Scanner in(line);
  if (!in.Consume('{')) return false;
  if (!in.Consume('}')) {
    unsigned seen = 0;
    std::string scratch;
    do {
      absl::string_view key;
      if (!in.Key(&key)) return false;
      const std::optional<DraftField> field = FieldOf(key);
      if (!field.has_value()) return false;
      const unsigned bit = 1u << static_cast<int>(*field);
      if ((seen & bit) != 0) return false;
      seen |= bit;
      if (!in.Consume(':') || !ParseValue(*field, in, scratch, draft)) {
        return false;
      }
    } while (in.Consume(','));
    if (!in.Consume('}')) return false;
  }
  return in.AtEnd();
}

}  // namespace reachrank::batch
