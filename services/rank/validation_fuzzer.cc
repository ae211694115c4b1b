// Fuzz target: the ranking API's request validation. The first byte picks
// the request type (Score, ScoreDrafts, Rank); the rest is parsed as that
// request's binary protobuf and validated as the service does it. Nothing
// may crash, and a rejection must be INVALID_ARGUMENT or RESOURCE_EXHAUSTED
// with a message that names a field ("<field>: <rule>").
#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "reachrank/v1/ranking.pb.h"
#include "services/rank/validation.h"

namespace {

using namespace reachrank;

const absl::Time kNow = absl::FromUnixSeconds(1790000000);  // 2026-09-21

void Check(const absl::Status& status) {
  if (status.ok()) return;
  const bool known_code = status.code() == absl::StatusCode::kInvalidArgument ||
                          status.code() == absl::StatusCode::kResourceExhausted;
  if (!known_code || !absl::StrContains(status.message(), ": ")) std::abort();
}

template <typename Request, typename Validate>
void ParseAndValidate(const uint8_t* data, size_t size, Validate validate) {
  Request request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  validate(request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t kind = data[0] % 3;
  ++data;
  --size;
  switch (kind) {
    case 0:
      ParseAndValidate<v1::ScoreRequest>(
          data, size, [](const v1::ScoreRequest& r) {
            Check(rank::ValidateScoreRequest(r, kNow));
          });
      break;
    case 1:
      ParseAndValidate<v1::ScoreDraftsRequest>(
          data, size, [](const v1::ScoreDraftsRequest& r) {
            Check(rank::ValidateScoreDraftsRequest(r));
            for (const v1::Draft& d : r.drafts()) {
              Check(rank::ValidateDraft(d, kNow, "drafts[i]"));
            }
          });
      break;
    default:
      ParseAndValidate<v1::RankRequest>(
          data, size, [](const v1::RankRequest& r) {
            Check(rank::ValidateRankRequest(r, kNow));
          });
  }
  return 0;
}
