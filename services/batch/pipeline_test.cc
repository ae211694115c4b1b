#include "services/batch/pipeline.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/batch/batch_testing.h"
#include "services/batch/score_job.h"
#include "services/common/test_support.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string DraftLine(int i, const std::string& text) {
  return absl::StrCat(R"({"draft_id":"d)", i, R"(","platform":"tiktok",)",
                      R"("author_id":"a1","media_kind":"MEDIA_KIND_VIDEO",)",
                      R"("text":")", text, R"("})", "\n");
}

// `n` drafts; line 5 (1-based) is malformed and line 9 rejected by the
// scorer.
std::string Input(int n) {
  std::string in;
  for (int i = 1; i <= n; ++i) {
    if (i == 5) {
      in += "{not json\n";
    } else {
      in += DraftLine(i, i == 9 ? "reject me" : absl::StrCat("text ", i));
    }
  }
  return in;
}

struct Result {
  absl::StatusOr<PipelineSummary> summary;
  std::string out;
};

Result RunOn(const std::string& input, PipelineOptions options) {
  std::istringstream in(input);
  LineReader reader(in);
  testing::FakeDraftScorer scorer;
  Result r;
  r.summary = RunPipeline(
      reader, *DraftParser::Create(InputFormat::kJsonl), scorer, options,
      [&r](absl::string_view text) {
        r.out.append(text.data(), text.size());
        return absl::OkStatus();
      },
      nullptr);
  return r;
}

TEST(PipelineTest, OutputFollowsInputOrderWithErrorRecordsInPlace) {
  PipelineOptions options;
  options.threads = 4;
  options.batch_size = 3;
  const Result r = RunOn(Input(50), options);
  ASSERT_TRUE(r.summary.ok()) << r.summary.status();
  EXPECT_EQ(r.summary->scored, 48);
  EXPECT_EQ(r.summary->failed, 2);
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
  ASSERT_EQ(lines.size(), 51u);  // a final empty piece after the last '\n'
  for (int i = 1; i <= 50; ++i) {
    const std::string& line = lines[i - 1];
    if (i == 5) {
      EXPECT_THAT(line, StartsWith(R"({"line":5,"draft_id":"","error":)"));
    } else if (i == 9) {
      EXPECT_EQ(line, R"({"line":9,"draft_id":"d9","error":{"code":)"
                      R"("INVALID_ARGUMENT","message":"text: rejected"}})");
    } else {
      EXPECT_THAT(line, StartsWith(absl::StrCat(R"({"id":"d)", i, R"(")")));
    }
  }
  // Same bytes whatever the thread count and batch size.
  options.threads = 1;
  options.batch_size = 50;
  EXPECT_EQ(RunOn(Input(50), options).out, r.out);
}

TEST(PipelineTest, ABatchRefusedAsAWholeIsScoredDraftByDraft) {
  std::string input = Input(6);
  input += DraftLine(7, "poison");
  PipelineOptions options;
  options.batch_size = 10;
  const Result r = RunOn(input, options);
  ASSERT_TRUE(r.summary.ok()) << r.summary.status();
  EXPECT_EQ(r.summary->scored, 5);
  EXPECT_EQ(r.summary->failed, 2);
  EXPECT_THAT(r.out, HasSubstr(R"({"line":7,"draft_id":"d7","error":)"));
}

class ScoreJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = reachrank::testing::MakeTempDir("batch-job");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  absl::StatusOr<ScoreJobSummary> Job(const std::string& in,
                                      const std::string& out, bool resume,
                                      OutputFormat format) {
    ScoreJobOptions options;
    options.input = in;
    options.output = out;
    options.resume = resume;
    options.pipeline.threads = 3;
    options.pipeline.batch_size = 7;
    options.pipeline.format = format;
    testing::FakeDraftScorer scorer;
    return RunScoreJob(options, scorer, nullptr);
  }
  std::string dir_;
};

TEST_F(ScoreJobTest, ResumeAfterAMidLineInterruptEqualsAnUninterruptedRun) {
  const std::string in = Write("drafts.jsonl", Input(200));
  for (OutputFormat format : {OutputFormat::kJsonl, OutputFormat::kCsv}) {
    const std::string full = dir_ + "/full.out", cut = dir_ + "/cut.out";
    ASSERT_TRUE(Job(in, full, false, format).ok());
    const std::string expected = Read(full);
    // Interrupted in the middle of record 120's line.
    size_t pos = 0;
    for (int i = 0; i < 119 + HeaderLines(format); ++i) {
      pos = expected.find('\n', pos) + 1;
    }
    Write("cut.out", expected.substr(0, pos + 10));
    auto resumed = Job(in, cut, true, format);
    ASSERT_TRUE(resumed.ok()) << resumed.status();
    EXPECT_EQ(resumed->resumed_after, 119);
    EXPECT_EQ(resumed->failed_before, 2);  // lines 5 and 9
    EXPECT_EQ(resumed->scored + resumed->failed, 81);
    EXPECT_EQ(Read(cut), expected);
    // Resuming a finished run adds nothing.
    auto again = Job(in, cut, true, format);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->scored + again->failed, 0);
    EXPECT_EQ(Read(cut), expected);
  }
}

TEST_F(ScoreJobTest, CsvInputAndUsageErrors) {
  const std::string in = Write(
      "drafts.csv",
      "draft_id,platform,author_id,media_kind,text\n"
      "c1,youtube,a1,VIDEO,How to fix a bike\n"
      "\n"
      "c2,youtube,a1,SPACESHIP,x\n");
  const std::string out = dir_ + "/out.jsonl";
  auto summary = Job(in, out, false, OutputFormat::kJsonl);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->scored, 1);
  EXPECT_EQ(summary->failed, 1);
  EXPECT_THAT(Read(out), HasSubstr(R"({"line":4,"draft_id":"c2","error":)"));

  EXPECT_EQ(Job(in, "-", true, OutputFormat::kJsonl).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string bad = Write("bad.csv", "draft_id,colour\n");
  EXPECT_EQ(Job(bad, out, false, OutputFormat::kJsonl).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Job(dir_ + "/missing.jsonl", out, false, OutputFormat::kJsonl)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

// The output opened over the input would empty it before a line was read;
// a directory as the input is named, not thrown out of the reader.
TEST_F(ScoreJobTest, RefusesTheInputAsOutputAndADirectory) {
  const std::string drafts = Input(5);
  const std::string in = Write("drafts.jsonl", drafts);
  for (bool resume : {false, true}) {
    EXPECT_EQ(Job(in, in, resume, OutputFormat::kJsonl).status(),
              absl::InvalidArgumentError(
                  "-o: " + in +
                  " is the input file; writing the scores would erase the "
                  "drafts"));
  }
  EXPECT_EQ(Read(in), drafts);
  EXPECT_EQ(
      Job(dir_, dir_ + "/out.jsonl", false, OutputFormat::kJsonl).status(),
      absl::InvalidArgumentError("input: " + dir_ + " is a directory"));
}

TEST_F(ScoreJobTest, PrepareResumeCutsAPartialLine) {
  const std::string path =
      Write("partial", "{\"id\":\"a\"}\n{\"line\":2}\n{\"id\":\"c");
  auto existing = PrepareResume(path, OutputFormat::kJsonl);
  ASSERT_TRUE(existing.ok()) << existing.status();
  EXPECT_EQ(existing->lines, 2);
  EXPECT_EQ(existing->failed, 1);
  EXPECT_EQ(Read(path), "{\"id\":\"a\"}\n{\"line\":2}\n");
  existing = PrepareResume(dir_ + "/none", OutputFormat::kCsv);
  ASSERT_TRUE(existing.ok());
  EXPECT_EQ(existing->lines, 0);
}

TEST_F(ScoreJobTest, ResumeRefusesAnOutputOfTheOtherFormat) {
  const std::string in = Write("drafts.jsonl", Input(20));
  const std::string jsonl = dir_ + "/out.jsonl", csv = dir_ + "/out.csv";
  ASSERT_TRUE(Job(in, jsonl, false, OutputFormat::kJsonl).ok());
  ASSERT_TRUE(Job(in, csv, false, OutputFormat::kCsv).ok());
  const std::string jsonl_text = Read(jsonl), csv_text = Read(csv);

  auto as_csv = Job(in, jsonl, true, OutputFormat::kCsv);
  EXPECT_EQ(as_csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(as_csv.status().message(),
            "--resume: " + jsonl +
                " does not begin with the CSV header; resume with the "
                "--format that wrote it (jsonl?)");
  auto as_jsonl = Job(in, csv, true, OutputFormat::kJsonl);
  EXPECT_EQ(as_jsonl.status().message(),
            "--resume: " + csv +
                " does not begin with a JSON record but with the CSV header; "
                "resume with the --format that wrote it (csv?)");
  EXPECT_EQ(Read(jsonl), jsonl_text);
  EXPECT_EQ(Read(csv), csv_text);
}

TEST_F(ScoreJobTest, RefusesToWriteOverTheFileOnStandardInput) {
  const std::string in = Write("drafts.jsonl", Input(5));
  const int saved = dup(STDIN_FILENO);
  const int fd = open(in.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(dup2(fd, STDIN_FILENO), STDIN_FILENO);
  auto job = Job("-", in, false, OutputFormat::kJsonl);
  dup2(saved, STDIN_FILENO);
  close(saved);
  close(fd);
  EXPECT_EQ(job.status(),
            absl::InvalidArgumentError(
                "-o: " + in +
                " is the standard input; writing the scores would erase the "
                "drafts"));
  EXPECT_EQ(Read(in), Input(5));
}

}  // namespace
}  // namespace reachrank::batch
