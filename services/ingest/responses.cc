#include "services/ingest/responses.h"

#include "services/ingest/validation.h"

namespace reachrank::ingest {

v1::ItemStatus ToItemStatus(const ItemOutcome& outcome, uint64_t index) {
  v1::ItemStatus status;
  status.set_index(static_cast<uint32_t>(index));
  status.set_id(outcome.id);
  status.set_code(static_cast<int32_t>(outcome.status.code()));
  if (!outcome.status.ok()) {
    Violation v = ToViolation(outcome.status);
    status.set_field(v.field);
    status.set_message(v.rule);
  }
  return status;
}

void FillDeleteResponse(const DeleteOutcome& outcome,
                        v1::DeleteAuthorsResponse* response) {
  for (const ItemOutcome& item : outcome.items) {
    *response->add_statuses() = ToItemStatus(item, item.index);
  }
  response->set_deleted(outcome.deleted);
  response->set_rejected(outcome.rejected);
  response->set_posts_deleted(outcome.posts_deleted);
}

void EventStreamTally::Add(const EventsOutcome& outcome, size_t batch_size) {
  response_.set_accepted(response_.accepted() + outcome.accepted);
  response_.set_duplicates(response_.duplicates() + outcome.duplicates);
  response_.set_rejected(response_.rejected() + outcome.rejected);
  response_.set_batches(response_.batches() + 1);
  for (const ItemOutcome& item : outcome.rejections) {
    if (static_cast<size_t>(response_.rejections_size()) >= kMaxRejections) {
      break;
    }
    *response_.add_rejections() = ToItemStatus(item, events_seen_ + item.index);
  }
  events_seen_ += batch_size;
}

v1::ReclassifyPostsResponse ToReclassifyProgress(
    const ReclassifySummary& so_far, const std::string& model_version,
    bool done) {
  v1::ReclassifyPostsResponse p;
  p.set_posts(static_cast<uint64_t>(so_far.posts));
  p.set_changed(static_cast<uint64_t>(so_far.changed));
  p.set_moved(static_cast<uint64_t>(so_far.moved));
  p.set_refused(static_cast<uint64_t>(so_far.refused));
  p.set_skipped(static_cast<uint64_t>(so_far.skipped));
  p.set_model_version(model_version);
  p.set_done(done);
  if (done) {
    for (const auto& [move, posts] :
         LargestMoves(so_far.moves, kMaxReportedMoves)) {
      v1::TopicMove* m = p.add_moves();
      m->set_from_topic(move.from);
      m->set_to_topic(move.to);
      m->set_posts(static_cast<uint64_t>(posts));
    }
  }
  return p;
}

}  // namespace reachrank::ingest
