// pipeline: the streaming core of batch scoring. One reader (the calling
// thread) groups record lines into batches and feeds a bounded queue;
// workers parse, validate and score batches and format their output; an
// OrderedWriter puts the output back into input order. Memory is bounded by
// the queue, the workers' batches and the reorder window, whatever the
// size of the input.
#ifndef REACHRANK_SERVICES_BATCH_PIPELINE_H_
#define REACHRANK_SERVICES_BATCH_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/batch/draft_input.h"
#include "services/batch/draft_scorer.h"
#include "services/batch/score_output.h"

namespace reachrank::batch {

struct PipelineOptions {
  int threads = 1;          // workers
  size_t batch_size = 256;  // records per batch, 1..kMaxDraftsPerCall
  bool explain = false;
  std::string language;  // of the reasons
  OutputFormat format = OutputFormat::kJsonl;
};

struct PipelineSummary {
  int64_t scored = 0;
  int64_t failed = 0;  // error records written
};

// Receives output text in input order; an error stops the run.
using WriteFn = std::function<absl::Status(absl::string_view)>;
// Told the number of records written so far, after each batch.
using ProgressFn = std::function<void(int64_t records)>;

// Scores every record `reader` yields. Records that do not parse or
// validate, and drafts the scorer rejects, become error records; a batch
// the scorer refuses as a whole with INVALID_ARGUMENT is scored draft by
// draft. Fails (after writing every batch before the failing one) on a
// read or write error or any other whole-batch scorer error.
// Not thread-safe itself; runs options.threads worker threads inside.
absl::StatusOr<PipelineSummary> RunPipeline(LineReader& reader,
                                            const DraftParser& parser,
                                            DraftScorer& scorer,
                                            const PipelineOptions& options,
                                            const WriteFn& write,
                                            const ProgressFn& progress);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_PIPELINE_H_
