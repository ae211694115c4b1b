// Checked accessors over nlohmann::json for the model loaders. Every
// failure is INVALID_ARGUMENT naming the JSON path (`where`) and the rule.
// None of these throws. Only loader .cc files include this header, so
// nlohmann stays out of the evaluator's translation units.
#ifndef REACHRANK_RANKING_MODEL_JSON_UTIL_H_
#define REACHRANK_RANKING_MODEL_JSON_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json_fwd.hpp"

namespace reachrank::ranking::json_util {

using Json = nlohmann::json;

// `d` rounded to float; values beyond float's range become +-infinity
// (a plain cast would be undefined behaviour).
float ToFloat(double d);

// Parses `text`; `what` names the document in the error ("model.json").
absl::StatusOr<Json> Parse(absl::string_view text, absl::string_view what);

// `where.key`, e.g. Path("learner", "objective") == "learner.objective".
std::string Path(absl::string_view where, absl::string_view key);
// `where[index]`.
std::string Path(absl::string_view where, size_t index);

// The member `key` of object `obj` (at path `where`); the pointer borrows
// from `obj`. Fails if `obj` is not an object or has no such member.
absl::StatusOr<const Json*> Member(const Json& obj, absl::string_view where,
                                   absl::string_view key);
// True if `obj` is an object with member `key`.
bool HasMember(const Json& obj, absl::string_view key);

// A JSON string.
absl::StatusOr<std::string> String(const Json& v, absl::string_view where);
// A JSON number, or a string holding one (XGBoost writes "5E-1").
absl::StatusOr<double> Number(const Json& v, absl::string_view where);
// A JSON integer, or a string holding one (XGBoost writes "4").
absl::StatusOr<int64_t> Integer(const Json& v, absl::string_view where);

// Arrays of one element kind; fail on any element of another kind.
absl::StatusOr<std::vector<int64_t>> IntegerArray(const Json& v,
                                                  absl::string_view where);
absl::StatusOr<std::vector<float>> FloatArray(const Json& v,
                                              absl::string_view where);
// Booleans, or the integers 0 and 1 (XGBoost writes default_left so).
absl::StatusOr<std::vector<bool>> BoolArray(const Json& v,
                                            absl::string_view where);
absl::StatusOr<std::vector<std::string>> StringArray(const Json& v,
                                                     absl::string_view where);

}  // namespace reachrank::ranking::json_util

#endif  // REACHRANK_RANKING_MODEL_JSON_UTIL_H_
