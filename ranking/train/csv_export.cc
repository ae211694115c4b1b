#include "ranking/train/csv_export.h"

#include <cmath>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"

namespace reachrank::ranking {
namespace {

void AppendRow(const TrainingSet& set, size_t i, std::string* out) {
  if (!set.times.empty()) {
    absl::StrAppend(out, absl::ToUnixSeconds(set.times[i]), ",");
  }
  absl::StrAppend(out, set.labels[i] == 1.0f ? "1" : "0");
  const float* row = set.row(i);
  for (size_t f = 0; f < set.num_features(); ++f) {
    out->push_back(',');
    if (!std::isnan(row[f])) absl::StrAppendFormat(out, "%.9g", row[f]);
  }
  out->push_back('\n');
}

}  // namespace

std::string TrainingSetCsv(const TrainingSet& set) {
  std::string out = set.times.empty() ? "label," : "time,label,";
  absl::StrAppend(&out, absl::StrJoin(set.feature_names, ","), "\n");
  for (size_t i = 0; i < set.num_rows(); ++i) AppendRow(set, i, &out);
  return out;
}

absl::Status WriteTrainingSetCsv(const TrainingSet& set,
                                 const std::string& path) {
  RR_RETURN_IF_ERROR(ValidateTrainingSet(set));
  for (const std::string& name : set.feature_names) {
    if (name == "time" || name == "label") {
      return absl::InvalidArgumentError(
          absl::StrCat("a feature is named '", name, "', a reserved column"));
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << TrainingSetCsv(set);
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace reachrank::ranking
