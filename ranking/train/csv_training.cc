#include "ranking/train/csv_training.h"

#include <cmath>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace reachrank::ranking {
namespace {

absl::StatusOr<size_t> Column(const CsvTable& table, absl::string_view name,
                              absl::string_view role) {
  std::optional<size_t> c = table.Find(name);
  if (!c.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(role, " column '", name, "' is not in the table"));
  }
  return *c;
}

// Indices of the feature columns: all but the label, time and dropped ones.
absl::StatusOr<std::vector<size_t>> FeatureColumns(
    const CsvTable& table, const CsvTrainingSpec& spec) {
  std::set<size_t> excluded;
  RR_ASSIGN_OR_RETURN(size_t label, Column(table, spec.label_column, "label"));
  excluded.insert(label);
  if (!spec.time_column.empty()) {
    RR_ASSIGN_OR_RETURN(size_t time, Column(table, spec.time_column, "time"));
    excluded.insert(time);
  }
  for (const std::string& name : spec.drop) {
    RR_ASSIGN_OR_RETURN(size_t c, Column(table, name, "dropped"));
    excluded.insert(c);
  }
  std::vector<size_t> features;
  for (size_t c = 0; c < table.num_columns(); ++c) {
    if (excluded.count(c) == 0) features.push_back(c);
  }
  if (features.empty()) {
    return absl::InvalidArgumentError("no feature columns are left");
  }
  return features;
}

struct Derived {
  size_t a = 0;
  size_t b = 0;
  char op = '/';
};

absl::StatusOr<Derived> ParseDerived(const CsvTable& table,
                                     const CsvTrainingSpec& spec,
                                     absl::string_view expr) {
  const size_t at = expr.find_first_of("/*");
  if (at == absl::string_view::npos || at == 0 || at + 1 == expr.size() ||
      expr.find_first_of("/*", at + 1) != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "derived feature '", expr, "': expected COLUMN/COLUMN or COLUMN*COLUMN"));
  }
  Derived d;
  d.op = expr[at];
  const std::string role = absl::StrCat("derived feature '", expr, "':");
  RR_ASSIGN_OR_RETURN(d.a, Column(table, expr.substr(0, at), role));
  RR_ASSIGN_OR_RETURN(d.b, Column(table, expr.substr(at + 1), role));
  for (size_t c : {d.a, d.b}) {
    if (table.columns[c] == spec.label_column ||
        table.columns[c] == spec.time_column) {
      return absl::InvalidArgumentError(absl::StrCat(
          role, " '", table.columns[c], "' is the label or time column"));
    }
  }
  return d;
}

// The derived feature `d` of `row`: NaN (missing) when an operand is, when
// dividing by 0, or when the result is beyond float's range.
double Evaluate(const CsvTable& table, size_t row, const Derived& d) {
  const double a = table.at(row, d.a);
  const double b = table.at(row, d.b);
  if (d.op == '/' && b == 0.0) return std::nan("");
  const double v = d.op == '*' ? a * b : a / b;  // NaN in, NaN out
  if (std::abs(v) > std::numeric_limits<float>::max()) return std::nan("");
  return v;
}

// A feature cell as float; INVALID_ARGUMENT naming its line and column when
// it is beyond float's range (models compare in float).
absl::StatusOr<float> FeatureCell(const CsvTable& table, size_t row,
                                  size_t column) {
  const double v = table.at(row, column);
  if (std::abs(v) > std::numeric_limits<float>::max()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", table.lines[row], ": column '", table.columns[column],
        "': ", v, " is beyond the range of a float feature (3.4e38)"));
  }
  return static_cast<float>(v);
}

// The TrainingSet::targets entry for `outcome`
// (CsvTrainingSpec::soft_label_scale).
float SoftTarget(double outcome, const CsvTrainingSpec& spec) {
  if (!(outcome > 0.0)) return 0.0f;
  const double z = std::log(outcome / spec.threshold) / spec.soft_label_scale;
  return static_cast<float>(1.0 / (1.0 + std::exp(-z)));
}

absl::Status MissingCell(const CsvTable& table, size_t row,
                         absl::string_view column) {
  return absl::InvalidArgumentError(absl::StrCat(
      "line ", table.lines[row], ": the ", column, " cell is empty"));
}

// Times are unix seconds from 1970 to the end of 9999: milliseconds or
// nanoseconds since 1970 fall beyond, and would wrap.
absl::Status CheckUnixSeconds(const CsvTable& table, size_t row,
                              absl::string_view column, double seconds) {
  constexpr int64_t kLast = 253402300799;  // 9999-12-31T23:59:59Z
  if (seconds >= 0 && seconds <= static_cast<double>(kLast)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "line ", table.lines[row], ": the ", column, " cell ", seconds,
      " is not a time in unix seconds (0 to ", kLast,
      ", 1970 to 9999; milliseconds or nanoseconds must be divided down)"));
}

}  // namespace

absl::Status CheckCsvColumns(const std::vector<std::string>& columns,
                             const CsvTrainingSpec& spec) {
  CsvTable header;
  header.columns = columns;
  RR_RETURN_IF_ERROR(FeatureColumns(header, spec).status());
  for (const std::string& expr : spec.derive) {
    RR_RETURN_IF_ERROR(ParseDerived(header, spec, expr).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<TrainingSet> TrainingSetFromCsv(const CsvTable& table,
                                               const CsvTrainingSpec& spec) {
  if (!(spec.soft_label_scale >= 0.0)) {
    return absl::InvalidArgumentError("soft label scale must be >= 0");
  }
  const bool soft = spec.soft_label_scale > 0.0;
  if (soft && !(spec.threshold > 0.0)) {
    return absl::InvalidArgumentError(
        "soft labels need a threshold above 0 (they compare outcome / "
        "threshold on a log scale)");
  }
  RR_ASSIGN_OR_RETURN(std::vector<size_t> features,
                      FeatureColumns(table, spec));
  const size_t label = *table.Find(spec.label_column);
  const std::optional<size_t> time =
      spec.time_column.empty() ? std::nullopt : table.Find(spec.time_column);
  std::vector<Derived> derived;
  for (const std::string& expr : spec.derive) {
    RR_ASSIGN_OR_RETURN(Derived d, ParseDerived(table, spec, expr));
    derived.push_back(d);
  }
  TrainingSet set;
  for (size_t c : features) set.feature_names.push_back(table.columns[c]);
  for (const std::string& expr : spec.derive) {
    set.feature_names.push_back(expr);
  }
  std::vector<float> row(features.size() + derived.size());
  for (size_t r = 0; r < table.num_rows(); ++r) {
    const double outcome = table.at(r, label);
    if (std::isnan(outcome)) return MissingCell(table, r, spec.label_column);
    for (size_t i = 0; i < features.size(); ++i) {
      RR_ASSIGN_OR_RETURN(row[i], FeatureCell(table, r, features[i]));
    }
    for (size_t i = 0; i < derived.size(); ++i) {
      row[features.size() + i] =
          static_cast<float>(Evaluate(table, r, derived[i]));
    }
    const float y = outcome >= spec.threshold ? 1.0f : 0.0f;
    if (soft) set.targets.push_back(SoftTarget(outcome, spec));
    if (!time.has_value()) {
      set.AddRow(row, y);
      continue;
    }
    const double seconds = table.at(r, *time);
    if (std::isnan(seconds)) return MissingCell(table, r, spec.time_column);
    RR_RETURN_IF_ERROR(CheckUnixSeconds(table, r, spec.time_column, seconds));
    set.AddRow(row, y, absl::FromUnixMicros(std::llround(seconds * 1e6)));
  }
  RR_RETURN_IF_ERROR(ValidateTrainingSet(set));
  return set;
}

}  // namespace reachrank::ranking
