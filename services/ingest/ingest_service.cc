#include "services/ingest/ingest_service.h"

#include <atomic>
#include <iterator>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
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

// Runs one ReclassifyPosts call on its own thread, which writes each
// message and waits for the write to complete before going on (one write in
// flight). Deletes itself once the RPC is done and the thread has finished
// with it, whichever comes last (gRPC may call OnDone on the thread itself,
// from inside Finish, so OnDone cannot wait for it).
class ReclassifyReactor final
    : public grpc::ServerWriteReactor<v1::ReclassifyPostsResponse> {
 public:
  ReclassifyReactor(IngestCore& core, grpc::CallbackServerContext* context,
                    const v1::ReclassifyPostsRequest& request,
                    InFlightLimit::Ticket ticket)
      : core_(core), context_(context), ticket_(std::move(ticket)) {
    std::thread([this, request] { Run(request); }).detach();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) broken_ = true;  // the client went away
  }

  void OnDone() override { Unref(); }

 private:
  void Run(const v1::ReclassifyPostsRequest& request) {
    ReclassifyOptions options;
    options.dry_run = request.dry_run();
    options.progress = [this](const ReclassifySummary& so_far) {
      Send(so_far, false);
    };
    options.stop = [this] { return context_->IsCancelled() || Broken(); };
    absl::StatusOr<ReclassifySummary> summary =
        core_.Reclassify(request.top_k(), std::move(options));
    if (summary.ok()) Send(*summary, true);
    ticket_.Release();
    Finish(ToGrpcStatus(summary.status()));
    Unref();  // touches nothing of *this after
  }

  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // Writes the totals and waits until the write completed or failed.
  void Send(const ReclassifySummary& so_far, bool done) {
    message_ = ToReclassifyProgress(so_far, core_.ClassifierVersion(), done);
    {
      absl::MutexLock lock(&mu_);
      if (broken_ || context_->IsCancelled()) return;
      writing_ = true;
    }
    StartWrite(&message_);
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* writing) { return !*writing; }, &writing_));
  }

  bool Broken() {
    absl::MutexLock lock(&mu_);
    return broken_;
  }

  IngestCore& core_;
  grpc::CallbackServerContext* const context_;
  InFlightLimit::Ticket ticket_;
  v1::ReclassifyPostsResponse message_;  // the write in flight
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int> refs_{2};  // OnDone and the thread
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

grpc::ServerWriteReactor<v1::ReclassifyPostsResponse>*
IngestServiceImpl::ReclassifyPosts(grpc::CallbackServerContext* context,
                                   const v1::ReclassifyPostsRequest* request) {
  absl::StatusOr<InFlightLimit::Ticket> ticket =
      services::AcquireInFlight(limit_);
  if (!ticket.ok()) {
    return services::RejectStream<
        grpc::ServerWriteReactor<v1::ReclassifyPostsResponse>>(ticket.status());
  }
  return new ReclassifyReactor(core_, context, *request, *std::move(ticket));
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
