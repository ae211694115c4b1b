// Fuzz target: the JSONL/CSV draft reader of `reachrank score`. The first
// byte picks the format (even: JSONL, odd: CSV); the rest is a whole input
// file, read record by record as the score job does (for CSV the first
// record is the header). Nothing may crash; a rejected record carries a
// message; an accepted draft passes the rank service's own validation
// (planned_at aside: batch scoring has no clock rule), and an accepted
// JSONL draft survives a round trip through the JSON mapping unchanged.
// Differential check of the direct JSONL reader (draft_json.h): whenever it
// accepts a line, protobuf's JsonStringToMessage must accept it too and
// make the same Draft, to the byte.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/batch/draft_input.h"
#include "services/batch/draft_json.h"
#include "services/rank/validation.h"

namespace {

using namespace reachrank;

const absl::Time kNow = absl::FromUnixSeconds(1790000000);  // 2026-09-21

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckJsonRoundTrip(const v1::Draft& draft) {
  std::string json;
  Check(google::protobuf::util::MessageToJsonString(draft, &json).ok());
  v1::Draft again;
  Check(google::protobuf::util::JsonStringToMessage(json, &again).ok());
  // The mapping writes a duration of -0.0 as "-0", which it reads back as
  // an integer, +0: the same duration to every rule and to the model.
  v1::Draft expected = draft;
  if (expected.duration_seconds() == 0) expected.set_duration_seconds(0);
  Check(google::protobuf::util::MessageDifferencer::Equals(expected, again));
}

void CheckDirectReader(const std::string& line) {
  v1::Draft fast;
  if (!batch::ParseDraftJsonFast(line, &fast)) return;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  v1::Draft reference;
  Check(google::protobuf::util::JsonStringToMessage(line, &reference, options)
            .ok());
  Check(fast.SerializeAsString() == reference.SerializeAsString());
}

void CheckRecord(const batch::ParsedDraft& parsed, batch::InputFormat format) {
  if (!parsed.status.ok()) {
    Check(!parsed.status.message().empty());
    return;
  }
  v1::Draft undated = parsed.draft;
  undated.clear_planned_at();
  Check(rank::ValidateDraft(undated, kNow, "").ok());
  if (format == batch::InputFormat::kJsonl) CheckJsonRoundTrip(parsed.draft);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const batch::InputFormat format =
      data[0] % 2 == 0 ? batch::InputFormat::kJsonl : batch::InputFormat::kCsv;
  std::istringstream in(
      std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  batch::LineReader reader(in);
  batch::InputLine line;
  std::string header;
  if (format == batch::InputFormat::kCsv) {
    if (!reader.Next(&line)) return 0;
    header = line.text;
  }
  absl::StatusOr<batch::DraftParser> parser =
      batch::DraftParser::Create(format, header);
  if (!parser.ok()) {
    Check(!parser.status().message().empty());
    return 0;
  }
  while (reader.Next(&line)) {
    if (format == batch::InputFormat::kJsonl) CheckDirectReader(line.text);
    CheckRecord(parser->Parse(line.text), format);
  }
  Check(reader.status().ok());
  return 0;
}
