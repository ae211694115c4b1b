// responses: core outcomes as v1 response messages (pure conversions).
#ifndef REACHRANK_SERVICES_INGEST_RESPONSES_H_
#define REACHRANK_SERVICES_INGEST_RESPONSES_H_

#include <cstdint>
#include <string>

#include "reachrank/v1/ingest.pb.h"
#include "services/ingest/ingest_core.h"

namespace reachrank::ingest {

// An item's status: its code, and for an error the field and rule split out
// of the message. `index` replaces the outcome's batch index.
v1::ItemStatus ToItemStatus(const ItemOutcome& outcome, uint64_t index);

// Fills an UpsertPostsResponse or UpsertAuthorsResponse.
template <typename Response>
void FillUpsertResponse(const UpsertOutcome& outcome, Response* response) {
  for (const ItemOutcome& item : outcome.items) {
    *response->add_statuses() = ToItemStatus(item, item.index);
  }
  response->set_upserted(outcome.upserted);
  response->set_rejected(outcome.rejected);
}

void FillDeleteResponse(const DeleteOutcome& outcome,
                        v1::DeleteAuthorsResponse* response);

// The most top-topic moves the last ReclassifyPosts message lists.
inline constexpr size_t kMaxReportedMoves = 100;

// A ReclassifyPosts stream message: the totals so far, the version of the
// model that classified them, and whether the run is done (then with the
// largest kMaxReportedMoves moves).
v1::ReclassifyPostsResponse ToReclassifyProgress(
    const ReclassifySummary& so_far, const std::string& model_version,
    bool done);

// Sums the batches of one RecordEvents stream and keeps the first
// kMaxRejections rejections, indexed from the start of the stream. Not
// thread-safe (one per stream).
class EventStreamTally {
 public:
  static constexpr size_t kMaxRejections = 100;

  // Adds the outcome of the next batch, which held `batch_size` events.
  void Add(const EventsOutcome& outcome, size_t batch_size);
  const v1::RecordEventsResponse& response() const { return response_; }

 private:
  uint64_t events_seen_ = 0;
  v1::RecordEventsResponse response_;
};

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_RESPONSES_H_
