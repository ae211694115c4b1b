#include "services/ingest/ingest_service.h"

#include <iterator>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/common/limited_call.h"
#include "services/ingest/responses.h"

namespace reachrank::ingest {
namespace {

using services::InFlightLimit;
using services::ToGrpcStatus;

// Reads the stream one message at a time; each message is one committed
// batch. Holds `ticket` (its place under the in-flight limit) until it
// finishes. Deletes itself when the RPC is done.
class RecordEventsReactor final
    : public grpc::ServerReadReactor<v1::RecordEventsRequest> {
 public:
  RecordEventsReactor(IngestCore& core, grpc::CallbackServerContext* context,
                      v1::RecordEventsResponse* response,
                      InFlightLimit::Ticket ticket)
      : core_(core),
        context_(context),
        response_(response),
        ticket_(std::move(ticket)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // end of stream (or the client went away)
      *response_ = tally_.response();
      End(absl::OkStatus());
      return;
    }
    if (absl::Status live = services::CheckNotCancelled(context_); !live.ok()) {
      End(live);
      return;
    }
    auto* events = request_.mutable_events();
    std::vector<v1::EngagementEvent> batch(
        std::make_move_iterator(events->begin()),
        std::make_move_iterator(events->end()));
    absl::StatusOr<EventsOutcome> outcome = core_.RecordEvents(batch);
    if (!outcome.ok()) {
      End(absl::Status(outcome.status().code(),
                       absl::StrCat("batch ", tally_.response().batches(), ": ",
                                    outcome.status().message(), " (the ",
                                    tally_.response().batches(),
                                    " batches before it are committed)")));
      return;
    }
    tally_.Add(*outcome, batch.size());
    request_.Clear();
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  // The place is given back first: a client that saw the answer may call
  // again at once.
  void End(const absl::Status& status) {
    ticket_.Release();
    Finish(ToGrpcStatus(status));
  }

  IngestCore& core_;
  grpc::CallbackServerContext* const context_;
  v1::RecordEventsResponse* const response_;
  InFlightLimit::Ticket ticket_;
  v1::RecordEventsRequest request_;
  EventStreamTally tally_;
};

}  // namespace

grpc::ServerUnaryReactor* IngestServiceImpl::UpsertPosts(
    grpc::CallbackServerContext* context, const v1::UpsertPostsRequest* request,
    v1::UpsertPostsResponse* response) {
  return services::RunUnary(context, limit_, [&] {
    std::vector<v1::Post> posts(request->posts().begin(),
                                request->posts().end());
    absl::StatusOr<UpsertOutcome> outcome = core_.UpsertPosts(posts);
    if (outcome.ok()) FillUpsertResponse(*outcome, response);
    return outcome.status();
  });
}

grpc::ServerUnaryReactor* IngestServiceImpl::UpsertAuthors(
    grpc::CallbackServerContext* context,
    const v1::UpsertAuthorsRequest* request,
    v1::UpsertAuthorsResponse* response) {
  return services::RunUnary(context, limit_, [&] {
    std::vector<v1::Author> authors(request->authors().begin(),
                                    request->authors().end());
    absl::StatusOr<UpsertOutcome> outcome = core_.UpsertAuthors(authors);
    if (outcome.ok()) FillUpsertResponse(*outcome, response);
    return outcome.status();
  });
}

grpc::ServerReadReactor<v1::RecordEventsRequest>*
IngestServiceImpl::RecordEvents(grpc::CallbackServerContext* context,
                                v1::RecordEventsResponse* response) {
  absl::StatusOr<InFlightLimit::Ticket> ticket =
      services::AcquireInFlight(limit_);
  if (!ticket.ok()) {
    return services::RejectStream<
        grpc::ServerReadReactor<v1::RecordEventsRequest>>(ticket.status());
  }
  return new RecordEventsReactor(core_, context, response, *std::move(ticket));
}

grpc::ServerUnaryReactor* IngestServiceImpl::DeleteAuthors(
    grpc::CallbackServerContext* context,
    const v1::DeleteAuthorsRequest* request,
    v1::DeleteAuthorsResponse* response) {
  return services::RunUnary(context, limit_, [&] {
    std::vector<v1::AuthorRef> authors(request->authors().begin(),
                                       request->authors().end());
    absl::StatusOr<DeleteOutcome> outcome = core_.DeleteAuthors(authors);
    if (outcome.ok()) FillDeleteResponse(*outcome, response);
    return outcome.status();
  });
}

grpc::ServerUnaryReactor* IngestServiceImpl::GetPostStats(
    grpc::CallbackServerContext* context,
    const v1::GetPostStatsRequest* request,
    v1::GetPostStatsResponse* response) {
  return services::RunUnary(context, limit_, [&] {
    absl::StatusOr<v1::GetPostStatsResponse> stats =
        core_.GetPostStats(request->post_id());
    if (stats.ok()) *response = std::move(*stats);
    return stats.status();
  });
}

}  // namespace reachrank::ingest
