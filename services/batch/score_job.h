// score_job: one `reachrank score` run from file to file — opening the
// input and output, the CSV header, --resume, the progress bar — around
// the streaming pipeline (pipeline.h).
//
// Resume: the output's complete lines are counted (a trailing partial line
// is cut off first); minus the header line of CSV, that many input records
// are skipped and the rest is appended; an output in the other format is
// refused. With a deterministic scorer the
// file then equals an uninterrupted run's byte for byte.
#ifndef REACHRANK_SERVICES_BATCH_SCORE_JOB_H_
#define REACHRANK_SERVICES_BATCH_SCORE_JOB_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "services/batch/draft_scorer.h"
#include "services/batch/pipeline.h"

namespace reachrank::batch {

struct ScoreJobOptions {
  std::string input = "-";   // a path, or "-" for stdin
  std::string output = "-";  // a path, or "-" for stdout
  // Default: CSV for a ".csv" input path, else JSONL.
  std::optional<InputFormat> input_format;
  PipelineOptions pipeline;
  bool resume = false;  // needs an output path
};

struct ScoreJobSummary {
  int64_t scored = 0;
  int64_t failed = 0;
  int64_t resumed_after = 0;  // records skipped because already written
  int64_t failed_before = 0;  // error records among them
  double seconds = 0;
};

// What an output file holds before a resumed run appends to it.
struct ExistingOutput {
  int64_t lines = 0;   // complete lines, the CSV header among them
  int64_t failed = 0;  // error records among them
};

// Prepares `path` for appending records in `format`: cuts a trailing
// partial line and counts the complete lines and the error records (all
// zero when the file does not exist or is empty). INVALID_ARGUMENT when
// its first line is not what `format` writes first (the CSV header; a JSON
// object): the run that wrote it used the other --format.
absl::StatusOr<ExistingOutput> PrepareResume(const std::string& path,
                                             OutputFormat format);

// Runs the job. `progress` (may be null) receives a progress bar, redrawn
// in place. INVALID_ARGUMENT for unusable options (resume to stdout) or a
// bad CSV header; NOT_FOUND / INTERNAL for files that cannot be opened or
// written; otherwise the pipeline's error.
absl::StatusOr<ScoreJobSummary> RunScoreJob(const ScoreJobOptions& options,
                                            DraftScorer& scorer,
                                            std::ostream* progress);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_SCORE_JOB_H_
