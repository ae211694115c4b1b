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

}  // namespace

std::string ReadableJsonError(absl::string_view message) {
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
      return absl::StrCat(field, ": \"", value,
                          "\" is not an RFC 3339 time (e.g. "
                          "2026-03-02T12:00:00Z)");
    }
    const std::vector<std::string> values = EnumValues(type);
    if (values.empty()) return std::string(message);
    return absl::StrCat(field, ": unknown value ", value, " (",
                        absl::StrJoin(values, ", "), ")");
  }
  if (absl::StartsWith(type, "TYPE_")) {  // a number of some width
    return absl::StrCat(field, ": ", value, " is not a number");
  }
  return std::string(message);
}

}  // namespace reachrank::batch
