#include "services/cli/comparison_report.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace reachrank::cli {
namespace {

using ranking::HoldoutFigures;

std::string Day(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

void PrintHoldoutLine(const HoldoutFigures& first,
                      const std::optional<ranking::TrainingWindow>& window,
                      std::ostream& out) {
  out << absl::StrFormat("same holdout for every model: %d posts",
                         first.metrics.rows);
  if (window.has_value()) {
    out << absl::StrFormat(" created %s .. %s", Day(window->start),
                           Day(window->end));
  }
  out << absl::StrFormat(", positive rate %.3f\n",
                         first.metrics.positive_rate);
}

// The version column is as wide as the longest version (at least 24),
// so the figures stay aligned.
void PrintMetricRows(const std::vector<HoldoutFigures>& figures,
                     std::ostream& out) {
  int width = 24;
  for (const HoldoutFigures& f : figures) {
    width = std::max(width, static_cast<int>(f.model_version.size()));
  }
  out << absl::StrFormat("%-17s  %-*s  %6s  %8s  %6s\n", "model", width,
                         "version", "AUC", "log loss", "ECE");
  for (const HoldoutFigures& f : figures) {
    out << absl::StrFormat("%-17s  %-*s  %6.4f  %8.4f  %6.4f\n", f.name, width,
                           f.model_version, f.metrics.auc, f.metrics.log_loss,
                           f.metrics.expected_calibration_error);
  }
}

// "draft - prior draft: +0.0536 (95% CI +0.0470 to +0.0602)" per trained
// model: its AUC over its baseline's on the same rows, paired.
void PrintDifferences(const std::vector<HoldoutFigures>& figures,
                      std::ostream& out) {
  out << "AUC differences on the same rows (paired, DeLong):\n";
  for (const HoldoutFigures& f : figures) {
    if (!f.versus_baseline.has_value()) continue;
    const ranking::AucDifference& d = *f.versus_baseline;
    out << absl::StrFormat("%s - %s: %+.4f (95%% CI %+.4f to %+.4f)\n",
                           f.name, f.baseline, d.difference, d.Low95(),
                           d.High95());
  }
}

void PrintCalibration(const std::vector<HoldoutFigures>& figures,
                      std::ostream& out) {
  out << "calibration: mean p / observed rate (posts) per bucket of p\n";
  std::string line = absl::StrFormat("%-7s", "p");
  for (const HoldoutFigures& f : figures) {
    absl::StrAppendFormat(&line, "  %-20s", f.name);
  }
  out << absl::StripTrailingAsciiWhitespace(line) << "\n";
  const size_t buckets = figures.front().calibration.size();
  for (size_t b = 0; b < buckets; ++b) {
    const ranking::CalibrationBucket& first = figures.front().calibration[b];
    line = absl::StrFormat("%.1f-%.1f", first.low, first.high);
    for (const HoldoutFigures& f : figures) {
      const ranking::CalibrationBucket& c = f.calibration[b];
      const std::string cell =
          c.rows == 0 ? "-"
                      : absl::StrFormat("%.2f / %.2f (%d)", c.mean_probability,
                                        c.positive_rate, c.rows);
      absl::StrAppendFormat(&line, "  %-20s", cell);
    }
    out << absl::StripTrailingAsciiWhitespace(line) << "\n";
  }
}

}  // namespace

void PrintComparison(const std::vector<HoldoutFigures>& figures,
                     const std::optional<ranking::TrainingWindow>& window,
                     std::ostream& out) {
  if (figures.empty()) return;
  PrintHoldoutLine(figures.front(), window, out);
  PrintMetricRows(figures, out);
  PrintDifferences(figures, out);
  // The four models on their whole holdouts; the rows by age after them
  // would make the table too wide to read.
  PrintCalibration({figures.begin(), figures.begin() + std::min<size_t>(
                                                         4, figures.size())},
                   out);
}

}  // namespace reachrank::cli
