#include "services/ingest/ingest_service.h"

#include <iterator>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/ingest/responses.h"

namespace reachrank::ingest {
namespace {

using services::ToGrpcStatus;

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context,
                               const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Reads the stream one message at a time; each message is one committed
// batch. Deletes itself when the RPC is done.
class RecordEventsReactor final
    : public grpc::ServerReadReactor<v1::RecordEventsRequest> {
 public:
  RecordEventsReactor(IngestCore& core, v1::RecordEventsResponse* response)
      : core_(core), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // end of stream (or the client went away)
      *response_ = tally_.response();
      Finish(grpc::Status::OK);
      return;
    }
    auto* events = request_.mutable_events();
    std::vector<v1::EngagementEvent> batch(
        std::make_move_iterator(events->begin()),
        std::make_move_iterator(events->end()));
    absl::StatusOr<EventsOutcome> outcome = core_.RecordEvents(batch);
    if (!outcome.ok()) {
      Finish(ToGrpcStatus(
          absl::Status(outcome.status().code(),
                       absl::StrCat("batch ", tally_.response().batches(), ": ",
                                    outcome.status().message(), " (the ",
                                    tally_.response().batches(),
                                    " batches before it are committed)"))));
      return;
    }
    tally_.Add(*outcome, batch.size());
    request_.Clear();
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  IngestCore& core_;
  v1::RecordEventsResponse* const response_;
  v1::RecordEventsRequest request_;
  EventStreamTally tally_;
};

}  // namespace

grpc::ServerUnaryReactor* IngestServiceImpl::UpsertPosts(
    grpc::CallbackServerContext* context, const v1::UpsertPostsRequest* request,
    v1::UpsertPostsResponse* response) {
  std::vector<v1::Post> posts(request->posts().begin(), request->posts().end());
  absl::StatusOr<UpsertOutcome> outcome = core_.UpsertPosts(posts);
  if (outcome.ok()) FillUpsertResponse(*outcome, response);
  return Done(context, outcome.status());
}

grpc::ServerUnaryReactor* IngestServiceImpl::UpsertAuthors(
    grpc::CallbackServerContext* context,
    const v1::UpsertAuthorsRequest* request,
    v1::UpsertAuthorsResponse* response) {
  std::vector<v1::Author> authors(request->authors().begin(),
                                  request->authors().end());
  absl::StatusOr<UpsertOutcome> outcome = core_.UpsertAuthors(authors);
  if (outcome.ok()) FillUpsertResponse(*outcome, response);
  return Done(context, outcome.status());
}

grpc::ServerReadReactor<v1::RecordEventsRequest>*
IngestServiceImpl::RecordEvents(grpc::CallbackServerContext* /*context*/,
                                v1::RecordEventsResponse* response) {
  return new RecordEventsReactor(core_, response);
}

grpc::ServerUnaryReactor* IngestServiceImpl::GetPostStats(
    grpc::CallbackServerContext* context,
    const v1::GetPostStatsRequest* request,
    v1::GetPostStatsResponse* response) {
  absl::StatusOr<v1::GetPostStatsResponse> stats =
      core_.GetPostStats(request->post_id());
  if (stats.ok()) *response = std::move(*stats);
  return Done(context, stats.status());
}

}  // namespace reachrank::ingest
