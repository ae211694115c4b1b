#include "ranking/train/csv_export.h"

#include <cmath>
#include <fstream>
#include <ostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/output_file.h"
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

// Writes the CSV text of `set` to `out` a block of rows at a time, so that
// the text of a large set is never held whole.
void WriteCsv(const TrainingSet& set, std::ostream& out) {
  constexpr size_t kBlockRows = 4096;
  std::string text = set.times.empty() ? "label," : "time,label,";
  absl::StrAppend(&text, absl::StrJoin(set.feature_names, ","), "\n");
  for (size_t i = 0; i < set.num_rows(); ++i) {
    AppendRow(set, i, &text);
    if ((i + 1) % kBlockRows == 0) {
      out << text;
      text.clear();
    }
  }
  out << text;
}

}  // namespace

std::string TrainingSetCsv(const TrainingSet& set) {
  std::ostringstream out;
  WriteCsv(set, out);
  return out.str();
}

absl::Status WriteTrainingSetCsv(const TrainingSet& set, std::ostream& out) {
  RR_RETURN_IF_ERROR(ValidateTrainingSet(set));
  for (const std::string& name : set.feature_names) {
    if (name == "time" || name == "label") {
      return absl::InvalidArgumentError(
          absl::StrCat("a feature is named '", name, "', a reserved column"));
    }
  }
  WriteCsv(set, out);
  return absl::OkStatus();
}

absl::Status WriteTrainingSetCsv(const TrainingSet& set,
                                 const std::string& path) {
  RR_ASSIGN_OR_RETURN(std::unique_ptr<OutputFile> out,
                      OutputFile::Open("--out", path));
  RR_RETURN_IF_ERROR(WriteTrainingSetCsv(set, out->stream()));
  return out->Commit();
}

}  // namespace reachrank::ranking
