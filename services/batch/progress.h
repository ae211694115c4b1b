// progress: the progress bar of batch jobs (done / total, rate, ETA) and
// the quick line count that gives its total.
#ifndef REACHRANK_SERVICES_BATCH_PROGRESS_H_
#define REACHRANK_SERVICES_BATCH_PROGRESS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace reachrank::batch {

// The number of '\n' in `path` when it is a regular file; nullopt for "-",
// pipes and files that cannot be read.
std::optional<int64_t> CountNewlines(const std::string& path);

// One progress line: "[####......] 45000/100000  45%  8123/s  ETA 0:07"
// (without a total: "45000 <unit>  8123/s", e.g. unit "drafts").
std::string FormatProgress(int64_t done, std::optional<int64_t> total,
                           absl::Duration elapsed, int64_t done_at_start,
                           absl::string_view unit);

// Redraws a progress line "<label>: <FormatProgress>" on `out` (a
// terminal) at most every 200 ms; `unit` names what is counted (shown
// when there is no total). Not thread-safe; the pipeline calls it from
// under its writer lock.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, std::string label, std::string unit,
              std::optional<int64_t> total, int64_t done_at_start);
  void Update(int64_t done);
  // Draws the final state and ends the line.
  void Finish(int64_t done);

 private:
  std::ostream& out_;
  const std::string label_;
  const std::string unit_;
  const std::optional<int64_t> total_;
  const int64_t done_at_start_;
  const absl::Time started_;
  absl::Time last_draw_ = absl::InfinitePast();
};

// A ProgressBar on stderr that is drawn only when stderr is a terminal
// and whose total is known at the first update: for the steps of a long
// command (training rows read, boosting rounds).
class TerminalProgress {
 public:
  explicit TerminalProgress(std::string label);
  // Draws done / total; ends the line once done reaches total.
  void Update(int64_t done, int64_t total);
  // Ends the line of a bar left short of its total (early stopping).
  void Finish();

 private:
  const std::string label_;
  const bool terminal_;
  std::unique_ptr<ProgressBar> bar_;
  int64_t done_ = 0;
  bool finished_ = false;
};

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_PROGRESS_H_
