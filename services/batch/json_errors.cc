#include "services/batch/json_errors.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"

namespace reachrank::batch {
namespace {

constexpr absl::string_view kInvalid = ": invalid value ";
constexpr absl::string_view kForType = " for type ";
constexpr absl::string_view kTypeUrl = "type.googleapis.com/";
constexpr absl::string_view kBadTime = "Invalid time format: ";
constexpr absl::string_view kNotATimeString =
    "Invalid data type for timestamp, value is ";

// The values of enum `full_name` other than its 0 ("…_UNSPECIFIED"), or
// none when there is no such enum.
std::vector<std::string> EnumValues(absl::string_view full_name) {
  const google::protobuf::EnumDescriptor* e =
      google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
          std::string(full_name));
  std::vector<std::string> names;
  if (e == nullptr) return names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) names.push_back(e->value(i)->name());
  }
  return names;
}

// What a value of protobuf's field type `type` ("TYPE_STRING") must be.
absl::string_view Expected(absl::string_view type) {
  if (type == "TYPE_STRING" || type == "TYPE_BYTES") return "a string";
  if (type == "TYPE_BOOL") return "true or false";
  return "a number";
}

// An object or a list where the field takes one value: protobuf's
// ": invalid value Starting an object on a scalar field for type FIELD"
// and "FIELD: Proto field is not repeating, cannot start list.".
std::string WrongShape(absl::string_view message) {
  constexpr absl::string_view kObject =
      ": invalid value Starting an object on a scalar field for type ";
  constexpr absl::string_view kList =
      ": Proto field is not repeating, cannot start list.";
  absl::string_view rest = message;
  if (absl::ConsumePrefix(&rest, kObject)) {
    return absl::StrCat(rest, ": an object, which this field cannot take");
  }
  if (absl::ConsumeSuffix(&rest, kList)) {
    return absl::StrCat(rest, ": a list, where this field takes one value");
  }
  return "";
}

}  // namespace

std::string ReadableJsonError(absl::string_view message) {
  if (std::string shape = WrongShape(message); !shape.empty()) return shape;
  // "(FIELD): invalid value VALUE for type TYPE"
  absl::string_view rest = message;
  if (!absl::ConsumePrefix(&rest, "(")) return std::string(message);
  const size_t field_end = rest.find(')');
  const size_t type_at = rest.rfind(kForType);
  if (field_end == absl::string_view::npos ||
      type_at == absl::string_view::npos ||
      rest.substr(field_end + 1, kInvalid.size()) != kInvalid ||
      type_at < field_end + 1 + kInvalid.size()) {
    return std::string(message);
  }
  const absl::string_view field = rest.substr(0, field_end);
  absl::string_view value =
      rest.substr(field_end + 1 + kInvalid.size(),
                  type_at - (field_end + 1 + kInvalid.size()));
  absl::string_view type = rest.substr(type_at + kForType.size());
  if (absl::ConsumePrefix(&type, kTypeUrl)) {
    if (type == "google.protobuf.Timestamp") {
      const size_t bad = value.find(kBadTime);
      if (bad != absl::string_view::npos) {
        value = value.substr(bad + kBadTime.size());
      }
      const size_t not_string = value.find(kNotATimeString);
      if (not_string != absl::string_view::npos) {
        return absl::StrCat(field, ": ",
                            value.substr(not_string + kNotATimeString.size()),
                            " is not a string with an RFC 3339 time (e.g. "
                            "\"2026-03-02T12:00:00Z\")");
      }
      return absl::StrCat(field, ": \"", value,
                          "\" is not an RFC 3339 time (e.g. "
                          "2026-03-02T12:00:00Z)");
    }
    const std::vector<std::string> values = EnumValues(type);
    if (values.empty()) return std::string(message);
    return absl::StrCat(field, ": unknown value ", value, " (",
                        absl::StrJoin(values, ", "), ")");
  }
  if (absl::StartsWith(type, "TYPE_")) {
    return absl::StrCat(field, ": ", value, " is not ", Expected(type));
  }
  return std::string(message);
}

}  // namespace reachrank::batch
