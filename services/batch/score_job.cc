#include "services/batch/score_job.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "services/batch/progress.h"

namespace reachrank::batch {
namespace {

// The output file (or stdout). Not thread-safe; used under the writer lock.
class Output {
 public:
  static absl::StatusOr<std::unique_ptr<Output>> Open(const std::string& path,
                                                      bool append) {
    if (path == "-") return std::unique_ptr<Output>(new Output(stdout, path));
    std::FILE* f = std::fopen(path.c_str(), append ? "ab" : "wb");
    if (f == nullptr) {
      return absl::NotFoundError(absl::StrCat("cannot open ", path,
                                              " for writing"));
    }
    return std::unique_ptr<Output>(new Output(f, path));
  }
  ~Output() {
    if (file_ != stdout) std::fclose(file_);
  }
  absl::Status Write(absl::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
      return absl::InternalError(absl::StrCat("writing ", path_, " failed"));
    }
    return absl::OkStatus();
  }
  absl::Status Flush() {
    if (std::fflush(file_) != 0) {
      return absl::InternalError(absl::StrCat("writing ", path_, " failed"));
    }
    return absl::OkStatus();
  }

 private:
  Output(std::FILE* file, std::string path)
      : file_(file), path_(std::move(path)) {}
  std::FILE* const file_;
  const std::string path_;
};

// Reads the CSV header (the first record) when the input is CSV.
absl::StatusOr<DraftParser> MakeParser(InputFormat format, LineReader& reader) {
  if (format == InputFormat::kJsonl) return DraftParser::Create(format);
  InputLine header;
  if (!reader.Next(&header)) return DraftParser::Create(format, "draft_id");
  if (!header.status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CSV header: ", header.status.message()));
  }
  return DraftParser::Create(format, header.text);
}

// Where a resumed run starts: the records already in the output.
absl::StatusOr<int64_t> ResumePoint(const ScoreJobOptions& options) {
  if (!options.resume) return 0;
  if (options.output == "-") {
    return absl::InvalidArgumentError("--resume needs an output file (-o)");
  }
  RR_ASSIGN_OR_RETURN(int64_t lines, PrepareResume(options.output));
  return lines;
}

// The input must be a file or "-", and never the output: opening the
// output would empty it before a line was read.
absl::Status CheckInputAndOutput(const ScoreJobOptions& options) {
  std::error_code error;
  if (options.input != "-" &&
      std::filesystem::is_directory(options.input, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("input: ", options.input, " is a directory"));
  }
  if (options.input != "-" && options.output != "-" &&
      std::filesystem::equivalent(options.input, options.output, error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "-o: ", options.output,
        " is the input file; writing the scores would erase the drafts"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> PrepareResume(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<char> buf(1 << 20);
  int64_t lines = 0;
  uint64_t read = 0, complete = 0;  // bytes read; bytes up to the last '\n'
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) ||
         in.gcount() > 0) {
    const size_t n = static_cast<size_t>(in.gcount());
    for (size_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') continue;
      ++lines;
      complete = read + i + 1;
    }
    read += n;
  }
  if (complete != read) {
    std::filesystem::resize_file(path, complete, error);
    if (error) {
      return absl::InternalError(absl::StrCat("cannot truncate ", path, ": ",
                                              error.message()));
    }
  }
  return lines;
}

absl::StatusOr<ScoreJobSummary> RunScoreJob(const ScoreJobOptions& options,
                                            DraftScorer& scorer,
                                            std::ostream* progress) {
  const absl::Time started = absl::Now();
  const OutputFormat out_format = options.pipeline.format;
  RR_RETURN_IF_ERROR(CheckInputAndOutput(options));
  RR_ASSIGN_OR_RETURN(const int64_t existing, ResumePoint(options));
  std::ifstream file;
  if (options.input != "-") {
    file.open(options.input, std::ios::binary);
    if (!file) return absl::NotFoundError("cannot read " + options.input);
  }
  LineReader reader(options.input == "-" ? std::cin : file);
  const InputFormat in_format = options.input_format.value_or(
      InputFormatFromPath(options.input));
  RR_ASSIGN_OR_RETURN(DraftParser parser, MakeParser(in_format, reader));

  ScoreJobSummary summary;
  const int64_t header = HeaderLines(out_format);
  summary.resumed_after = std::max<int64_t>(0, existing - header);
  if (reader.Skip(summary.resumed_after) < summary.resumed_after) {
    return absl::FailedPreconditionError(
        "--resume: the output holds more records than the input");
  }
  RR_ASSIGN_OR_RETURN(auto output, Output::Open(options.output, existing > 0));
  if (existing < header) RR_RETURN_IF_ERROR(output->Write(OutputHeader(out_format)));

  std::unique_ptr<ProgressBar> bar;
  if (progress != nullptr) {
    std::optional<int64_t> total = CountNewlines(options.input);
    if (total && in_format == InputFormat::kCsv) *total -= 1;
    bar = std::make_unique<ProgressBar>(*progress, "score", "drafts", total,
                                        summary.resumed_after);
  }
  const int64_t skipped = summary.resumed_after;
  absl::StatusOr<PipelineSummary> run = RunPipeline(
      reader, parser, scorer, options.pipeline,
      [&output](absl::string_view text) { return output->Write(text); },
      [&bar, skipped](int64_t records) {
        if (bar) bar->Update(skipped + records);
      });
  if (bar) bar->Finish(skipped + (run.ok() ? run->scored + run->failed : 0));
  RR_RETURN_IF_ERROR(output->Flush());
  if (!run.ok()) return run.status();
  summary.scored = run->scored;
  summary.failed = run->failed;
  summary.seconds = absl::ToDoubleSeconds(absl::Now() - started);
  return summary;
}

}  // namespace reachrank::batch
