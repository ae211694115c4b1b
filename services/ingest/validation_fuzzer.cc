// Fuzz target: request validation. The first byte picks the message type;
// the rest is parsed as that message's binary protobuf and validated.
// Validation must never crash, and a rejection must name a field.
#include <cstdint>
#include <cstdlib>

#include "absl/time/time.h"
#include "reachrank/v1/ingest.pb.h"
#include "services/ingest/validation.h"

namespace {

using namespace reachrank;

const absl::Time kNow = absl::FromUnixSeconds(1790000000);  // 2026-09-21

template <typename Message, typename Validate>
void ParseAndValidate(const uint8_t* data, size_t size, Validate validate) {
  Message message;
  if (!message.ParseFromArray(data, static_cast<int>(size))) return;
  const absl::Status status = validate(message);
  if (!status.ok() && status.message().empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t kind = data[0] % 4;
  ++data;
  --size;
  switch (kind) {
    case 0:
      ParseAndValidate<v1::Post>(data, size, [](const v1::Post& m) {
        return ingest::ValidatePost(m, kNow, "posts[0]");
      });
      break;
    case 1:
      ParseAndValidate<v1::Author>(data, size, [](const v1::Author& m) {
        return ingest::ValidateAuthor(m, kNow, "authors[0]");
      });
      break;
    case 2:
      ParseAndValidate<v1::EngagementEvent>(
          data, size, [](const v1::EngagementEvent& m) {
            return ingest::ValidateEvent(m, kNow, "events[0]");
          });
      break;
    default:
      ParseAndValidate<v1::UpsertPostsRequest>(
          data, size, [](const v1::UpsertPostsRequest& m) {
            absl::Status s = ingest::ValidateBatchSize(m.posts_size(), "posts");
            for (const v1::Post& p : m.posts()) {
              if (s.ok()) s = ingest::ValidatePost(p, kNow, "posts[i]");
            }
            return s;
          });
  }
  return 0;
}
