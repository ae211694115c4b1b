// Fuzz target: one line of `reachrank import` input. Nothing may crash or
// run away (a cell's count is split into events, so the count is bounded);
// an accepted line yields a post and events that pass ingest's validation,
// with distinct event ids; a rejection names a field.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/batch/importer.h"
#include "services/ingest/validation.h"

namespace {

using namespace reachrank;

const absl::Time kNow = absl::FromUnixSeconds(1790000000);  // 2026-09-21

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view line(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<batch::ImportRecord> record =
      batch::ParseImportLine(line, kNow);
  if (!record.ok()) {
    Check(!record.status().message().empty());
    return 0;
  }
  Check(ingest::ValidatePost(record->post, kNow, "post").ok());
  std::set<std::string> ids;
  for (const v1::EngagementEvent& e : record->events) {
    Check(ingest::ValidateEvent(e, kNow, "event").ok());
    Check(ids.insert(e.event_id()).second);
  }
  return 0;
}
