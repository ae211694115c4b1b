#include "services/batch/draft_input.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/batch/draft_json.h"

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
  // In the file's terms: the field, the value and what it may be.
  EXPECT_EQ(bad_enum.status.message(),
            "not a Draft in JSON: media_kind: unknown value \"HOLOGRAM\" "
            "(MEDIA_KIND_VIDEO, MEDIA_KIND_ARTICLE, MEDIA_KIND_IMAGE, "
            "MEDIA_KIND_TEXT)");
  EXPECT_EQ(Jsonl()
                .Parse(R"({"draft_id":"d3","planned_at":"yesterday"})")
                .status.message(),
            "not a Draft in JSON: planned_at: \"yesterday\" is not an RFC "
            "3339 time (e.g. 2026-03-02T12:00:00Z)");
  EXPECT_EQ(Jsonl()
                .Parse(R"({"draft_id":"d3","duration_seconds":"abc"})")
                .status.message(),
            "not a Draft in JSON: duration_seconds: \"abc\" is not a number");
  // Wrong JSON types, each named in the file's terms.
  const std::pair<const char*, const char*> kWrongTypes[] = {
      {R"({"draft_id":"d3","platform":123})", "platform: 123 is not a string"},
      {R"({"draft_id":"d3","hashtags":[1]})", "hashtags[0]: 1 is not a string"},
      {R"({"draft_id":"d3","duration_seconds":true})",
       "duration_seconds: true is not a number"},
      {R"({"draft_id":"d3","planned_at":1700000000})",
       "planned_at: 1700000000 is not a string with an RFC 3339 time (e.g. "
       "\"2026-03-02T12:00:00Z\")"},
      {R"({"draft_id":"d3","hashtags":{"a":1}})",
       "hashtags: an object, which this field cannot take"},
      {R"({"draft_id":"d3","text":["x"]})",
       "text: a list, where this field takes one value"},
  };
  for (const auto& [line, message] : kWrongTypes) {
    EXPECT_EQ(Jsonl().Parse(line).status.message(),
              absl::StrCat("not a Draft in JSON: ", message))
        << line;
  }

  const ParsedDraft long_video = Jsonl().Parse(
      R"({"draft_id":"d4","platform":"x","media_kind":"MEDIA_KIND_VIDEO",)"
      R"("duration_seconds":90000})");
  EXPECT_EQ(long_video.status,
            absl::InvalidArgumentError(
                "duration_seconds: must be between 0 and 86400"));

  // The rank service's planned_at rule holds locally too.
  const ParsedDraft next_week = Jsonl().Parse(absl::StrCat(
      R"({"draft_id":"d6","platform":"x","media_kind":"MEDIA_KIND_VIDEO",)",
      R"("planned_at":")",
      absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(24 * 7),
                       absl::UTCTimeZone()),
      R"("})"));
  EXPECT_EQ(next_week.status,
            absl::InvalidArgumentError("planned_at: must be between "
                                       "2000-01-01T00:00:00Z and now + 1 day"));

  const ParsedDraft unknown = Jsonl().Parse(
      R"({"draft_id":"d5","platform":"x","media_kind":"MEDIA_KIND_VIDEO",)"
      R"("colour":"red"})");
  EXPECT_EQ(unknown.status.code(), absl::StatusCode::kInvalidArgument);
}

// What protobuf's JSON mapping makes of `line`, the definition the direct
// reader must match.
absl::StatusOr<std::string> ProtobufDraft(const std::string& line) {
  v1::Draft draft;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(line, &draft,
                                                            options);
  if (!status.ok()) return absl::InvalidArgumentError("rejected");
  return draft.SerializeAsString();
}

TEST(DraftJsonTest, DirectReaderMatchesProtobufOnTheCommonShapes) {
  const std::vector<std::string> lines = {
      "{}",
      R"({"draft_id":"d1","platform":"tiktok","author_id":"a","text":"hi",)"
      R"("language":"en","media_kind":"MEDIA_KIND_VIDEO",)"
      R"("duration_seconds":12,"hashtags":["x","y"],)"
      R"("planned_at":"2026-03-01T10:00:00Z"})",
      R"({"draftId":"d1","authorId":"a","mediaKind":"MEDIA_KIND_TEXT",)"
      R"("durationSeconds":0.5,"plannedAt":"2026-03-01T10:00:00.25+02:30"})",
      " \t{ \"text\" : \"a\" , \"hashtags\" : [ ] }\r",
      R"({"text":"\" \\ \/ \b \f \n \r \t \u0000 \u00e9 \u6c49 \ud83d\ude00"})",
      "{\"text\":\"caf\xc3\xa9 \xe6\xb1\x89\xe5\xad\x97 \xf0\x9f\x98\x80 "
      "\xef\xbf\xbe \xf4\x8f\xbf\xbf\"}",
      R"({"duration_seconds":-0})",
      R"({"duration_seconds":-0.0})",
      R"({"duration_seconds":123456789012345})",
      R"({"duration_seconds":1e3})",
      R"({"duration_seconds":2.5E-3})",
      R"({"duration_seconds":0.1})",
      R"({"duration_seconds":4.9e-324})",
      R"({"duration_seconds":1e-400})",
      R"({"planned_at":"2024-02-29T23:59:59.123456789-08:00"})",
      R"({"planned_at":"1970-01-01T00:00:00Z"})",
      R"({"planned_at":"1969-12-31T23:59:59.5Z"})",
      R"({"media_kind":"MEDIA_KIND_UNSPECIFIED"})",
  };
  for (const std::string& line : lines) {
    v1::Draft fast;
    ASSERT_TRUE(ParseDraftJsonFast(line, &fast)) << line;
    absl::StatusOr<std::string> reference = ProtobufDraft(line);
    ASSERT_TRUE(reference.ok()) << line;
    EXPECT_EQ(fast.SerializeAsString(), *reference) << line;
  }
}

TEST(DraftJsonTest, DirectReaderReadsTheValues) {
  v1::Draft d;
  ASSERT_TRUE(ParseDraftJsonFast(
      R"({"text":"\ud83d\ude00\u00e9","duration_seconds":-0,)"
      R"("planned_at":"2026-03-01T10:00:00.5+01:00"})",
      &d));
  EXPECT_EQ(d.text(), "\xf0\x9f\x98\x80\xc3\xa9");
  EXPECT_EQ(d.duration_seconds(), 0);
  EXPECT_FALSE(std::signbit(d.duration_seconds()));  // as protobuf: +0
  EXPECT_EQ(d.planned_at().seconds(), 1772359200 - 3600);
  EXPECT_EQ(d.planned_at().nanos(), 500000000);
}

TEST(DraftJsonTest, OtherShapesAreLeftToProtobufWithTheSameOutcome) {
  // Lines the direct reader declines, and what DraftParser makes of them
  // through protobuf: accepted ones as before, rejected ones as before.
  const std::string base =
      R"("draft_id":"d1","platform":"x","media_kind":"MEDIA_KIND_VIDEO")";
  const std::vector<std::pair<std::string, bool>> lines = {
      {"{" + base + R"(,"text":null})", true},
      {"{" + base + R"(,"duration_seconds":"12.5"})", true},
      {"{" + base + R"(,"duration_seconds":"Infinity"})", true},
      {"{" + base + R"(,"duration_seconds":1e999})", false},
      {"{" + base + R"(,"duration_seconds":1234567890123456})", true},
      {R"({"draft_id":"d1","platform":"x","media_kind":1})", true},
      {R"({"draft_id":"d1","platform":"x","media_kind":"1"})", true},
      {R"({"draft_id":"d1","platform":"x","media_kind":"video"})", false},
      {"{" + base + R"(,"draft_id":"d2"})", true},
      {"{" + base + ",}", true},
      {"{" + base + R"(,"hashtags":["a",]})", true},
      {"{" + base + R"(,"hashtags":[null]})", true},
      {"{" + base + R"(,"text":"\ud83d"})", false},
      {"{" + base + R"(,"text":"\ude00"})", false},
      {"{" + base + R"(,"text":"\x"})", true},
      {"{" + base + ",\"text\":\"bad \xff\"}", false},
      {"{" + base + ",\"text\":\"tab\tinside\"}", true},
      {"{" + base + R"(,"planned_at":"2026-02-30T10:00:00Z"})", false},
      {"{" + base + R"(,"planned_at":"2026-03-01T10:00:00.1234567891Z"})", true},
      {"{" + base + R"(,"planned_at":"2026-3-1T10:00:00Z"})", true},
      {"{" + base + R"(,"colour":"red"})", false},
      {"{" + base + "} x", false},
      {"[" + base + "]", false},
  };
  for (const auto& [line, accepted] : lines) {
    v1::Draft fast;
    EXPECT_FALSE(ParseDraftJsonFast(line, &fast)) << line;
    const ParsedDraft parsed = Jsonl().Parse(line);
    absl::StatusOr<std::string> reference = ProtobufDraft(line);
    EXPECT_EQ(reference.ok(), accepted) << line;
    if (!reference.ok()) {
      EXPECT_THAT(parsed.status.message(), HasSubstr("not a Draft in JSON"))
          << line;
      continue;
    }
    EXPECT_EQ(parsed.draft.SerializeAsString(), *reference) << line;
  }
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
  EXPECT_EQ(
      parser->Parse("d5,tiktok,video,0x10").status,
      absl::InvalidArgumentError("duration_seconds: not a number: '0x10'"));
  EXPECT_EQ(
      parser->Parse("d6,tiktok,video,nan").status,
      absl::InvalidArgumentError("duration_seconds: not a number: 'nan'"));
  EXPECT_TRUE(parser->Parse("d7,tiktok,video,2.5E-3").status.ok());
}

// A CSV draft takes the times a JSONL draft takes, and no others.
TEST(DraftParserTest, CsvAndJsonlReadPlannedAtAlike) {
  auto csv = DraftParser::Create(InputFormat::kCsv, "draft_id,planned_at");
  auto jsonl = DraftParser::Create(InputFormat::kJsonl);
  ASSERT_TRUE(csv.ok() && jsonl.ok());
  for (const std::string value :
       {"2026-03-01T10:00:00Z", "2026-03-01T10:00:00.25+02:30",
        "2026-03-01t10:00:00z", "infinite-future", "infinite-past",
        "2026-03-01T10:00:60Z", "2026-3-2T12:00:00Z", "yesterday"}) {
    const ParsedDraft from_csv = csv->Parse("d1," + value);
    const ParsedDraft from_jsonl =
        jsonl->Parse(R"({"draft_id":"d1","planned_at":")" + value + "\"}");
    EXPECT_EQ(from_csv.status.ok(), from_jsonl.status.ok())
        << value << ": " << from_csv.status << " / " << from_jsonl.status;
    if (from_csv.status.ok() && from_jsonl.status.ok()) {
      EXPECT_EQ(from_csv.draft.planned_at().seconds(),
                from_jsonl.draft.planned_at().seconds())
          << value;
    }
  }
  EXPECT_EQ(csv->Parse("d1,infinite-future").status,
            absl::InvalidArgumentError(
                "planned_at: 'infinite-future' is not an RFC 3339 time"));
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

// A spreadsheet's byte order mark is not part of the first record (it made
// "draft_id" an unknown CSV column); elsewhere the bytes stay.
TEST(LineReaderTest, DropsAByteOrderMarkBeforeTheFirstLineOnly) {
  std::istringstream in(
      "\xEF\xBB\xBF"
      "draft_id,text\n\xEF\xBB\xBF"
      "x\n");
  LineReader reader(in);
  InputLine line;
  ASSERT_TRUE(reader.Next(&line));
  EXPECT_EQ(line.text, "draft_id,text");
  ASSERT_TRUE(reader.Next(&line));
  EXPECT_EQ(line.text,
            "\xEF\xBB\xBF"
            "x");
}

// A line longer than the limit is refused by line, holding only its start
// in memory; the lines after it are read as usual.
TEST(LineReaderTest, RefusesALineOverTheLimitAndGoesOn) {
  std::istringstream in("a\n" + std::string(kMaxInputLineBytes + 10, 'x') +
                        "\nb\n");
  LineReader reader(in);
  InputLine line;
  ASSERT_TRUE(reader.Next(&line));
  EXPECT_TRUE(line.status.ok());
  ASSERT_TRUE(reader.Next(&line));
  EXPECT_EQ(line.line, 2);
  EXPECT_EQ(line.status,
            absl::InvalidArgumentError("line: longer than 1048576 bytes"));
  EXPECT_EQ(line.text.size(), kMaxInputLineBytes);
  ASSERT_TRUE(reader.Next(&line));
  EXPECT_EQ(line.line, 3);
  EXPECT_EQ(line.text, "b");
  EXPECT_TRUE(line.status.ok());
  EXPECT_FALSE(reader.Next(&line));
  EXPECT_TRUE(reader.status().ok());
}

// A read error (here: a directory opened as a file) is the reader's status,
// never an exception out of it.
TEST(LineReaderTest, AReadErrorIsItsStatus) {
  std::ifstream in(::testing::TempDir(), std::ios::binary);
  ASSERT_TRUE(in.is_open());  // opening a directory succeeds; reading fails
  LineReader reader(in);
  InputLine line;
  EXPECT_FALSE(reader.Next(&line));
  EXPECT_EQ(reader.status(),
            absl::InternalError("reading the input failed: Is a directory"));
}

}  // namespace
}  // namespace reachrank::batch
