#include "ranking/model/json_util.h"

#include <cmath>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/json_depth.h"
#include "nlohmann/json.hpp"

namespace reachrank::ranking::json_util {
namespace {

absl::Status Invalid(absl::string_view where, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", rule));
}

template <typename T, typename Convert>
absl::StatusOr<std::vector<T>> ArrayOf(const Json& v, absl::string_view where,
                                       Convert convert) {
  if (!v.is_array()) return Invalid(where, "must be an array");
  std::vector<T> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    absl::StatusOr<T> item = convert(v[i], Path(where, i));
    if (!item.ok()) return item.status();
    out.push_back(*std::move(item));
  }
  return out;
}

}  // namespace

float ToFloat(double d) {
  // Out-of-range double-to-float conversion is undefined; saturate instead.
  constexpr double kMax = std::numeric_limits<float>::max();
  if (d > kMax) return std::numeric_limits<float>::infinity();
  if (d < -kMax) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(d);
}

absl::StatusOr<Json> Parse(absl::string_view text, absl::string_view what) {
  bool too_deep = false;
  Json doc = ParseJsonWithDepth(text, &too_deep);
  if (too_deep) {
    return Invalid(
        what, absl::StrCat("nested deeper than ", kMaxJsonDepth, " levels"));
  }
  if (doc.is_discarded()) return Invalid(what, "not valid JSON");
  return doc;
}

std::string Path(absl::string_view where, absl::string_view key) {
  return where.empty() ? std::string(key) : absl::StrCat(where, ".", key);
}

std::string Path(absl::string_view where, size_t index) {
  return absl::StrCat(where, "[", index, "]");
}

absl::StatusOr<const Json*> Member(const Json& obj, absl::string_view where,
                                   absl::string_view key) {
  if (!obj.is_object()) {
    return Invalid(where.empty() ? "document" : where, "must be an object");
  }
  auto it = obj.find(std::string(key));
  if (it == obj.end()) return Invalid(Path(where, key), "missing");
  return &*it;
}

bool HasMember(const Json& obj, absl::string_view key) {
  return obj.is_object() && obj.find(std::string(key)) != obj.end();
}

absl::StatusOr<std::string> String(const Json& v, absl::string_view where) {
  if (!v.is_string()) return Invalid(where, "must be a string");
  return v.get<std::string>();
}

absl::StatusOr<double> Number(const Json& v, absl::string_view where) {
  double out = 0.0;
  if (v.is_number()) {
    out = v.get<double>();
  } else if (!v.is_string() || !absl::SimpleAtod(v.get<std::string>(), &out)) {
    return Invalid(where, "must be a number");
  }
  return out;
}

absl::StatusOr<int64_t> Integer(const Json& v, absl::string_view where) {
  int64_t out = 0;
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Invalid(where, "integer out of range");
    }
    out = static_cast<int64_t>(u);
  } else if (v.is_number_integer()) {
    out = v.get<int64_t>();
  } else if (!v.is_string() || !absl::SimpleAtoi(v.get<std::string>(), &out)) {
    return Invalid(where, "must be an integer");
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> IntegerArray(const Json& v,
                                                  absl::string_view where) {
  return ArrayOf<int64_t>(
      v, where,
      [](const Json& e, const std::string& w) -> absl::StatusOr<int64_t> {
        if (!e.is_number_integer()) return Invalid(w, "must be an integer");
        return Integer(e, w);
      });
}

absl::StatusOr<std::vector<float>> FloatArray(const Json& v,
                                              absl::string_view where) {
  return ArrayOf<float>(
      v, where,
      [](const Json& e, const std::string& w) -> absl::StatusOr<float> {
        if (!e.is_number()) return Invalid(w, "must be a number");
        return ToFloat(e.get<double>());
      });
}

absl::StatusOr<std::vector<bool>> BoolArray(const Json& v,
                                            absl::string_view where) {
  return ArrayOf<bool>(
      v, where,
      [](const Json& e, const std::string& w) -> absl::StatusOr<bool> {
        if (e.is_boolean()) return e.get<bool>();
        if (e.is_number_integer() && (e == 0 || e == 1)) return e == 1;
        return Invalid(w, "must be a boolean or 0/1");
      });
}

absl::StatusOr<std::vector<std::string>> StringArray(const Json& v,
                                                     absl::string_view where) {
  return ArrayOf<std::string>(
      v, where,
      [](const Json& e, const std::string& w) { return String(e, w); });
}

}  // namespace reachrank::ranking::json_util
