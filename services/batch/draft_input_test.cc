#include "services/batch/draft_input.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;

DraftParser Jsonl() { return *DraftParser::Create(InputFormat::kJsonl); }

TEST(DraftParserTest, JsonAcceptsSnakeCaseAndLowerCamel) {
  const ParsedDraft snake = Jsonl().Parse(
      R"({"draft_id":"d1","platform":"tiktok","author_id":"a","text":"hi",)"
      R"("media_kind":"MEDIA_KIND_VIDEO","duration_seconds":12,)"
      R"("hashtags":["x","y"]})");
  ASSERT_TRUE(snake.status.ok()) << snake.status;
  const ParsedDraft camel = Jsonl().Parse(
      R"({"draftId":"d1","platform":"tiktok","authorId":"a","text":"hi",)"
      R"("mediaKind":"MEDIA_KIND_VIDEO","durationSeconds":12,)"
      R"("hashtags":["x","y"]})");
  ASSERT_TRUE(camel.status.ok()) << camel.status;
  EXPECT_EQ(snake.draft.SerializeAsString(), camel.draft.SerializeAsString());
  EXPECT_EQ(snake.draft.duration_seconds(), 12);
  EXPECT_EQ(snake.draft.hashtags_size(), 2);
}

TEST(DraftParserTest, JsonErrorsNameTheProblemAndKeepTheId) {
  const ParsedDraft malformed = Jsonl().Parse(R"({"draft_id":"d1",)");
  EXPECT_EQ(malformed.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(malformed.status.message(), HasSubstr("not a Draft in JSON"));

  const ParsedDraft no_platform = Jsonl().Parse(
      R"({"draft_id":"d2","media_kind":"MEDIA_KIND_VIDEO"})");
  EXPECT_EQ(no_platform.status,
            absl::InvalidArgumentError("platform: must match [a-z0-9_]{1,32}"));
  EXPECT_EQ(no_platform.draft.draft_id(), "d2");

  const ParsedDraft bad_enum = Jsonl().Parse(
      R"({"draft_id":"d3","platform":"x","media_kind":"HOLOGRAM"})");
  EXPECT_EQ(bad_enum.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_enum.draft.draft_id(), "d3");

  const ParsedDraft long_video = Jsonl().Parse(
      R"({"draft_id":"d4","platform":"x","media_kind":"MEDIA_KIND_VIDEO",)"
      R"("duration_seconds":90000})");
  EXPECT_EQ(long_video.status,
            absl::InvalidArgumentError(
                "duration_seconds: must be between 0 and 86400"));

  const ParsedDraft unknown = Jsonl().Parse(
      R"({"draft_id":"d5","platform":"x","media_kind":"MEDIA_KIND_VIDEO",)"
      R"("colour":"red"})");
  EXPECT_EQ(unknown.status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(DraftParserTest, CsvHeaderMapsColumnsInAnyOrderAndSpelling) {
  auto parser = DraftParser::Create(
      InputFormat::kCsv,
      "text,draftId,platform,author_id,media_kind,duration_seconds,hashtags,"
      "planned_at");
  ASSERT_TRUE(parser.ok()) << parser.status();
  const ParsedDraft d = parser->Parse(
      "\"Hello, \"\"world\"\"\",d1,youtube,a1,video,30.5,#diy|tips  home,"
      "2026-03-01T10:00:00Z");
  ASSERT_TRUE(d.status.ok()) << d.status;
  EXPECT_EQ(d.draft.text(), "Hello, \"world\"");
  EXPECT_EQ(d.draft.draft_id(), "d1");
  EXPECT_EQ(d.draft.media_kind(), v1::MEDIA_KIND_VIDEO);
  EXPECT_EQ(d.draft.duration_seconds(), 30.5);
  EXPECT_THAT(d.draft.hashtags(), ::testing::ElementsAre("diy", "tips", "home"));
  EXPECT_EQ(d.draft.planned_at().seconds(), 1772359200);
}

TEST(DraftParserTest, CsvRowErrors) {
  auto parser = DraftParser::Create(InputFormat::kCsv,
                                    "draft_id,platform,media_kind,duration_seconds");
  ASSERT_TRUE(parser.ok());
  EXPECT_EQ(parser->Parse("d1,tiktok,video").status,
            absl::InvalidArgumentError("expected 4 columns, found 3"));
  const ParsedDraft bad_number = parser->Parse("d2,tiktok,video,long");
  EXPECT_EQ(bad_number.status,
            absl::InvalidArgumentError("duration_seconds: not a number: 'long'"));
  EXPECT_EQ(bad_number.draft.draft_id(), "d2");
  EXPECT_EQ(parser->Parse("d3,tiktok,hologram,1").status,
            absl::InvalidArgumentError("media_kind: unknown value 'hologram'"));
  EXPECT_EQ(parser->Parse("d4,\"tiktok,video,1").status.code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DraftParserTest, CsvHeaderErrors) {
  EXPECT_EQ(DraftParser::Create(InputFormat::kCsv, "draft_id,colour").status(),
            absl::InvalidArgumentError("CSV header: unknown column 'colour'"));
  EXPECT_EQ(DraftParser::Create(InputFormat::kCsv, "platform,text").status(),
            absl::InvalidArgumentError("CSV header: no draft_id column"));
  EXPECT_EQ(
      DraftParser::Create(InputFormat::kCsv, "draft_id,draftId").status(),
      absl::InvalidArgumentError("CSV header: column 'draftId' repeated"));
}

TEST(LineReaderTest, NumbersPhysicalLinesAndSkipsBlankOnes) {
  std::istringstream in("a\n\n  \nb\r\nc");
  LineReader reader(in);
  InputLine line;
  ASSERT_TRUE(reader.Next(&line));
  EXPECT_EQ(line.line, 1);
  EXPECT_EQ(line.text, "a");
  EXPECT_EQ(reader.Skip(1), 1);  // b, line 4
  ASSERT_TRUE(reader.Next(&line));
  EXPECT_EQ(line.line, 5);
  EXPECT_EQ(line.text, "c");
  EXPECT_FALSE(reader.Next(&line));
  EXPECT_TRUE(reader.status().ok());
}

}  // namespace
}  // namespace reachrank::batch
