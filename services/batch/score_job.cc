#include "services/batch/score_job.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "base/std_descriptors.h"
#include "services/batch/input_file.h"
#include "services/batch/progress.h"

namespace reachrank::batch {
namespace {

// The output file (or stdout). Not thread-safe; used under the writer lock.
class Output {
 public:
  static absl::StatusOr<std::unique_ptr<Output>> Open(const std::string& path,
                                                      bool append) {
    if (path == "-") {
      if (StandardOutputWasClosed()) {
        return absl::FailedPreconditionError(
            "-o: - is standard output, which is closed; name a file");
      }
      return std::unique_ptr<Output>(new Output(stdout, path));
    }
    std::FILE* f = std::fopen(path.c_str(), append ? "ab" : "wb");
    if (f == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          "cannot open ", path, " for writing: ", std::strerror(errno)));
    }
    return std::unique_ptr<Output>(new Output(f, path));
  }
  ~Output() {
    if (file_ != stdout) std::fclose(file_);
  }
  absl::Status Write(absl::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
      return absl::InternalError(
          absl::StrCat("writing ", path_, " failed: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  absl::Status Flush() {
    if (std::fflush(file_) != 0) {
      return absl::InternalError(
          absl::StrCat("writing ", path_, " failed: ", std::strerror(errno)));
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

// Where a resumed run starts: what the output holds already.
absl::StatusOr<ExistingOutput> ResumePoint(const ScoreJobOptions& options) {
  if (!options.resume) return ExistingOutput{};
  if (options.output == "-") {
    return absl::InvalidArgumentError("--resume needs an output file (-o)");
  }
  return PrepareResume(options.output, options.pipeline.format);
}

// Whether `output` names the file `input` reads ("-": standard input).
bool IsInput(const std::string& input, const std::string& output) {
  std::error_code error;
  if (input != "-") return std::filesystem::equivalent(input, output, error);
  struct stat in, out;
  return fstat(STDIN_FILENO, &in) == 0 && S_ISREG(in.st_mode) &&
         stat(output.c_str(), &out) == 0 && in.st_dev == out.st_dev &&
         in.st_ino == out.st_ino;
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
  if (options.output != "-" && IsInput(options.input, options.output)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "-o: ", options.output,
        options.input == "-" ? " is the standard input" : " is the input file",
        "; writing the scores would erase the drafts"));
  }
  return absl::OkStatus();
}

// INVALID_ARGUMENT unless `first`, the first line of the output `path`,
// is what `format` writes first.
absl::Status CheckFirstLine(const std::string& path, OutputFormat format,
                            absl::string_view first) {
  const std::string header = OutputHeader(OutputFormat::kCsv);
  const bool csv = absl::StrCat(first, "\n") == header;
  if (format == OutputFormat::kCsv ? csv : absl::StartsWith(first, "{")) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--resume: ", path, " does not begin with ",
      format == OutputFormat::kCsv ? "the CSV header" : "a JSON record",
      csv ? " but with the CSV header" : "",
      "; resume with the --format that wrote it (",
      format == OutputFormat::kCsv ? "jsonl" : "csv", "?)"));
}

}  // namespace

absl::StatusOr<ExistingOutput> PrepareResume(const std::string& path,
                                             OutputFormat format) {
  ExistingOutput existing;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return existing;
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  uint64_t complete = 0;  // bytes up to the last '\n'
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a partial last line, cut off below
    complete += line.size() + 1;
    if (existing.lines++ == 0) {
      RR_RETURN_IF_ERROR(CheckFirstLine(path, format, line));
      if (format == OutputFormat::kCsv) continue;  // the header
    }
    if (IsErrorRecord(format, line)) ++existing.failed;
  }
  if (in.bad()) return absl::InternalError(absl::StrCat("reading ", path));
  if (complete != std::filesystem::file_size(path, error)) {
    std::filesystem::resize_file(path, complete, error);
    if (error) {
      return absl::InternalError(absl::StrCat("cannot truncate ", path, ": ",
                                              error.message()));
    }
  }
  return existing;
}

absl::StatusOr<ScoreJobSummary> RunScoreJob(const ScoreJobOptions& options,
                                            DraftScorer& scorer,
                                            std::ostream* progress) {
  const absl::Time started = absl::Now();
  const OutputFormat out_format = options.pipeline.format;
  RR_RETURN_IF_ERROR(CheckInputAndOutput(options));
  RR_ASSIGN_OR_RETURN(const ExistingOutput before, ResumePoint(options));
  const int64_t existing = before.lines;
  std::ifstream file;
  RR_ASSIGN_OR_RETURN(std::istream * input, OpenInput(options.input, file));
  LineReader reader(*input);
  const InputFormat in_format = options.input_format.value_or(
      InputFormatFromPath(options.input));
  RR_ASSIGN_OR_RETURN(DraftParser parser, MakeParser(in_format, reader));

  ScoreJobSummary summary;
  const int64_t header = HeaderLines(out_format);
  summary.resumed_after = std::max<int64_t>(0, existing - header);
  summary.failed_before = before.failed;
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
