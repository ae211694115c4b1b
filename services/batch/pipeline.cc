#include "services/batch/pipeline.h"

#include <algorithm>
#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "services/batch/ordered_writer.h"

namespace reachrank::batch {
namespace {

struct Batch {
  int64_t seq = 0;
  std::vector<InputLine> lines;
};

// A bounded FIFO of batches. Thread-safe.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  // Blocks while full; false once closed.
  bool Push(Batch batch) {
    absl::MutexLock lock(&mu_);
    auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return closed_ || queue_.size() < capacity_;
    };
    mu_.Await(absl::Condition(&room));
    if (closed_) return false;
    queue_.push_back(std::move(batch));
    return true;
  }
  // Blocks while empty and open; false when closed and drained (or
  // aborted).
  bool Pop(Batch* out) {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return closed_ || !queue_.empty();
    };
    mu_.Await(absl::Condition(&ready));
    if (queue_.empty() || aborted_) return false;
    *out = std::move(queue_.front());
    queue_.pop_front();
    return true;
  }
  // No more pushes; workers drain what is queued.
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  // No more pushes or pops.
  void Abort() {
    absl::MutexLock lock(&mu_);
    closed_ = aborted_ = true;
  }

 private:
  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<Batch> queue_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool aborted_ ABSL_GUARDED_BY(mu_) = false;
};

// Scores the valid drafts of a batch; one result per draft.
absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> ScoreValid(
    DraftScorer& scorer, const std::vector<v1::Draft>& drafts,
    const PipelineOptions& options) {
  if (drafts.empty()) return std::vector<absl::StatusOr<v1::ReachScore>>();
  auto all = scorer.Score(drafts, options.explain, options.language);
  if (all.ok() || all.status().code() != absl::StatusCode::kInvalidArgument) {
    return all;
  }
  // One draft spoils the whole call: score them alone to find it.
  std::vector<absl::StatusOr<v1::ReachScore>> out;
  for (const v1::Draft& draft : drafts) {
    auto one = scorer.Score(absl::MakeConstSpan(&draft, 1), options.explain,
                            options.language);
    if (one.ok() && one->size() == 1) {
      out.push_back(std::move((*one)[0]));
    } else if (!one.ok() &&
               one.status().code() == absl::StatusCode::kInvalidArgument) {
      out.push_back(one.status());
    } else {
      return one.ok() ? absl::InternalError("scorer: wrong result count")
                      : one.status();
    }
  }
  return out;
}

absl::StatusOr<Chunk> ScoreBatch(const Batch& batch, const DraftParser& parser,
                                 DraftScorer& scorer,
                                 const PipelineOptions& options) {
  std::vector<ScoredLine> records(batch.lines.size());
  std::vector<v1::Draft> valid;
  std::vector<size_t> valid_index;
  for (size_t i = 0; i < batch.lines.size(); ++i) {
    ParsedDraft parsed;
    if (batch.lines[i].status.ok()) {
      parsed = parser.Parse(batch.lines[i].text);
    } else {
      parsed.status = batch.lines[i].status;
    }
    records[i].line = batch.lines[i].line;
    records[i].draft_id = parsed.draft.draft_id();
    if (!parsed.status.ok()) {
      records[i].score = parsed.status;
      continue;
    }
    valid_index.push_back(i);
    valid.push_back(std::move(parsed.draft));
  }
  RR_ASSIGN_OR_RETURN(auto scores, ScoreValid(scorer, valid, options));
  if (scores.size() != valid.size()) {
    return absl::InternalError("scorer: wrong result count");
  }
  for (size_t j = 0; j < valid.size(); ++j) {
    records[valid_index[j]].score = std::move(scores[j]);
  }
  Chunk chunk;
  for (const ScoredLine& record : records) {
    AppendRecord(options.format, record, &chunk.text);
    ++(record.score.ok() ? chunk.scored : chunk.failed);
  }
  return chunk;
}

// The shared state of one run.
class Run {
 public:
  Run(const DraftParser& parser, DraftScorer& scorer,
      const PipelineOptions& options, const WriteFn& write,
      const ProgressFn& progress)
      : parser_(parser),
        scorer_(scorer),
        options_(options),
        queue_(2 * static_cast<size_t>(options.threads)),
        writer_([this, &write, &progress](const Chunk& c) {
                  return Emit(c, write, progress);
                },
                4 * options.threads) {}

  absl::StatusOr<PipelineSummary> Execute(LineReader& reader);

 private:
  void Work();
  // Stops the run at batch `seq` (0: at once): no batch is read any more,
  // and the ones before `seq` are still written.
  void Fail(absl::Status status, int64_t seq = 0);
  absl::Status Emit(const Chunk& chunk, const WriteFn& write,
                    const ProgressFn& progress);

  const DraftParser& parser_;
  DraftScorer& scorer_;
  const PipelineOptions& options_;
  BatchQueue queue_;
  OrderedWriter writer_;
  PipelineSummary summary_;  // written by Emit, under the writer's lock
  absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

absl::Status Run::Emit(const Chunk& chunk, const WriteFn& write,
                       const ProgressFn& progress) {
  RR_RETURN_IF_ERROR(write(chunk.text));
  summary_.scored += chunk.scored;
  summary_.failed += chunk.failed;
  if (progress) progress(summary_.scored + summary_.failed);
  return absl::OkStatus();
}

void Run::Fail(absl::Status status, int64_t seq) {
  {
    absl::MutexLock lock(&mu_);
    if (error_.ok()) error_ = std::move(status);
  }
  queue_.Abort();
  writer_.Cancel(seq);
}

void Run::Work() {
  Batch batch;
  while (queue_.Pop(&batch)) {
    absl::StatusOr<Chunk> chunk =
        ScoreBatch(batch, parser_, scorer_, options_);
    absl::Status status = chunk.ok()
                              ? writer_.Put(batch.seq, *std::move(chunk))
                              : chunk.status();
    if (!status.ok()) return Fail(std::move(status), batch.seq);
  }
}

absl::StatusOr<PipelineSummary> Run::Execute(LineReader& reader) {
  std::vector<std::thread> workers;
  for (int i = 0; i < options_.threads; ++i) {
    workers.emplace_back([this] { Work(); });
  }
  const size_t batch_size =
      std::clamp<size_t>(options_.batch_size, 1, kMaxDraftsPerCall);
  Batch batch;
  InputLine line;
  for (bool more = true; more;) {
    more = reader.Next(&line);
    if (more) batch.lines.push_back(std::move(line));
    if (batch.lines.size() == batch_size || (!more && !batch.lines.empty())) {
      const int64_t seq = batch.seq;
      if (!queue_.Push(std::move(batch))) break;
      batch = Batch{seq + 1, {}};
    }
  }
  queue_.Close();
  for (std::thread& t : workers) t.join();
  if (absl::Status s = reader.status(); !s.ok()) Fail(s);
  absl::MutexLock lock(&mu_);
  if (!error_.ok()) return error_;
  return summary_;
}

}  // namespace

absl::StatusOr<PipelineSummary> RunPipeline(LineReader& reader,
                                            const DraftParser& parser,
                                            DraftScorer& scorer,
                                            const PipelineOptions& options,
                                            const WriteFn& write,
                                            const ProgressFn& progress) {
  PipelineOptions checked = options;
  checked.threads = std::max(1, options.threads);
  Run run(parser, scorer, checked, write, progress);
  return run.Execute(reader);
}

}  // namespace reachrank::batch
