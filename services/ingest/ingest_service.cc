#include "services/ingest/ingest_service.h"

#include <atomic>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/grpc_status.h"
#include "services/common/lenient_call.h"
#include "services/common/lenient_decode.h"
#include "services/common/limited_call.h"
#include "services/common/stream_idle.h"
#include "services/ingest/responses.h"

namespace reachrank::ingest {
namespace {

using services::InFlightLimit;
using services::ToGrpcStatus;

// Reads the stream one message at a time, decoded leniently; each message
// is one committed batch. Holds `stream` (its place among the open
// streams) until it finishes, and is counted among `limit`'s calls in
// flight (nullptr: no limit) only while it commits a batch; a stream idle
// past `limit`'s timeout ends CANCELLED, and once the server stops, one
// idle past the drain's, UNAVAILABLE. Deletes itself when the RPC is done.
class RecordEventsReactor final
    : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  RecordEventsReactor(IngestCore& core, grpc::CallbackServerContext* context,
                      grpc::ByteBuffer* response, InFlightLimit* limit,
                      InFlightLimit::Ticket stream)
      : core_(core),
        context_(context),
        response_(response),
        limit_(limit),
        stream_(std::move(stream)),
        idle_(services::StreamIdleTimeout(limit),
              services::StreamDrainOf(limit)) {
    Read();
  }

  void OnReadDone(bool ok) override {
    if (!idle_.Disarm()) return;  // ended idle
    if (!ok) {  // end of stream (or the client went away)
      EndWithTotals();
      return;
    }
    if (absl::Status live = services::CheckNotCancelled(context_); !live.ok()) {
      End(live);
      return;
    }
    if (absl::Status status = Commit(); !status.ok()) {
      const uint64_t batches = tally_.response().batches();
      End(absl::Status(
          status.code(),
          absl::StrCat("batch ", batches, ": ", status.message(), " (the ",
                       batches, " batches before it are committed)")));
      return;
    }
    request_.Clear();
    Read();
  }

  void OnDone() override { delete this; }

 private:
  void Read() {
    idle_.ArmRead(
        [this] {
          FinishWith(
              services::IdleError(idle_.timeout(), "no batch", Committed()));
        },
        [this] { FinishWith(services::StoppingError(Committed())); },
        [this] { StartRead(&request_); });
  }

  std::string Committed() const {
    return absl::StrCat("the ", tally_.response().batches(),
                        " batches before were committed");
  }

  // Decodes the message read and commits its events as one batch, counted
  // among the calls in flight.
  absl::Status Commit() {
    InFlightLimit::Ticket counted = services::CountInFlight(limit_);
    bool lenient = false;
    absl::StatusOr<v1::RecordEventsRequest> request =
        services::DecodeLeniently<v1::RecordEventsRequest>(request_, &lenient);
    lenient_ = lenient_ || lenient;
    if (!request.ok()) return request.status();
    auto* events = request->mutable_events();
    std::vector<v1::EngagementEvent> batch(
        std::make_move_iterator(events->begin()),
        std::make_move_iterator(events->end()));
    absl::StatusOr<EventsOutcome> outcome = core_.RecordEvents(batch);
    if (!outcome.ok()) return outcome.status();
    tally_.Add(*outcome, batch.size());
    return absl::OkStatus();
  }

  // After a message read leniently, invalid UTF-8 the totals echo (a
  // rejected event's id) is escaped, so that the client can parse them.
  void EndWithTotals() {
    v1::RecordEventsResponse response = tally_.response();
    if (lenient_) services::EscapeInvalidUtf8(response);
    absl::StatusOr<grpc::ByteBuffer> totals = services::EncodeMessage(response);
    if (totals.ok()) *response_ = *std::move(totals);
    End(totals.status());
  }

  void End(const absl::Status& status) {
    if (idle_.Claim()) FinishWith(status);
  }

  // The place is given back first: a client that saw the answer may open
  // another stream at once.
  void FinishWith(const absl::Status& status) {
    stream_.Release();
    Finish(ToGrpcStatus(status));
  }

  IngestCore& core_;
  grpc::CallbackServerContext* const context_;
  grpc::ByteBuffer* const response_;
  InFlightLimit* const limit_;
  InFlightLimit::Ticket stream_;
  services::StreamIdleDeadline idle_;
  grpc::ByteBuffer request_;
  EventStreamTally tally_;
  bool lenient_ = false;  // whether a message was read leniently
};

// Runs one ReclassifyPosts call on its own thread, which writes each
// message and waits for the write to complete before going on (one write in
// flight). A write the client does not take within `write_timeout` (zero:
// no limit) cancels the call, which then stops like a cancelled one: a
// client that stops reading must not hold its place for ever. Deletes
// itself once the RPC is done and the thread has finished with it,
// whichever comes last (gRPC may call OnDone on the thread itself, from
// inside Finish, so OnDone cannot wait for it).
class ReclassifyReactor final
    : public grpc::ServerWriteReactor<v1::ReclassifyPostsResponse> {
 public:
  ReclassifyReactor(IngestCore& core, grpc::CallbackServerContext* context,
                    const v1::ReclassifyPostsRequest& request,
                    InFlightLimit::Ticket ticket, absl::Duration write_timeout)
      : core_(core),
        context_(context),
        ticket_(std::move(ticket)),
        write_timeout_(write_timeout) {
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

  // Writes the totals and waits until the write completed or failed, or,
  // past the write timeout, cancels the call.
  void Send(const ReclassifySummary& so_far, bool done) {
    message_ = ToReclassifyProgress(so_far, core_.ClassifierVersion(), done);
    {
      absl::MutexLock lock(&mu_);
      if (broken_ || context_->IsCancelled()) return;
      writing_ = true;
    }
    StartWrite(&message_);
    absl::MutexLock lock(&mu_);
    const absl::Condition written(
        +[](bool* writing) { return !*writing; }, &writing_);
    if (write_timeout_ <= absl::ZeroDuration()) {
      mu_.Await(written);
    } else if (!mu_.AwaitWithTimeout(written, write_timeout_)) {
      broken_ = true;         // Run stops before its next batch
      context_->TryCancel();  // completes the write, not ok
      mu_.Await(written);
    }
  }

  bool Broken() {
    absl::MutexLock lock(&mu_);
    return broken_;
  }

  IngestCore& core_;
  grpc::CallbackServerContext* const context_;
  InFlightLimit::Ticket ticket_;
  const absl::Duration write_timeout_;
  v1::ReclassifyPostsResponse message_;  // the write in flight
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int> refs_{2};  // OnDone and the thread
};

}  // namespace

grpc::ServerUnaryReactor* IngestServiceImpl::UpsertPosts(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunLenientUnary<v1::UpsertPostsRequest,
                                   v1::UpsertPostsResponse>(
      context, limit_, *request, response,
      [this](const v1::UpsertPostsRequest& typed,
             v1::UpsertPostsResponse* answer) {
        std::vector<v1::Post> posts(typed.posts().begin(), typed.posts().end());
        absl::StatusOr<UpsertOutcome> outcome = core_.UpsertPosts(posts);
        if (outcome.ok()) FillUpsertResponse(*outcome, answer);
        return outcome.status();
      });
}

grpc::ServerUnaryReactor* IngestServiceImpl::UpsertAuthors(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunLenientUnary<v1::UpsertAuthorsRequest,
                                   v1::UpsertAuthorsResponse>(
      context, limit_, *request, response,
      [this](const v1::UpsertAuthorsRequest& typed,
             v1::UpsertAuthorsResponse* answer) {
        std::vector<v1::Author> authors(typed.authors().begin(),
                                        typed.authors().end());
        absl::StatusOr<UpsertOutcome> outcome = core_.UpsertAuthors(authors);
        if (outcome.ok()) FillUpsertResponse(*outcome, answer);
        return outcome.status();
      });
}

grpc::ServerReadReactor<grpc::ByteBuffer>* IngestServiceImpl::RecordEvents(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  absl::StatusOr<InFlightLimit::Ticket> stream = services::OpenStream(limit_);
  if (!stream.ok()) {
    return services::RejectStream<grpc::ServerReadReactor<grpc::ByteBuffer>>(
        stream.status());
  }
  return new RecordEventsReactor(core_, context, response, limit_,
                                 *std::move(stream));
}

grpc::ServerUnaryReactor* IngestServiceImpl::DeleteAuthors(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunLenientUnary<v1::DeleteAuthorsRequest,
                                   v1::DeleteAuthorsResponse>(
      context, limit_, *request, response,
      [this](const v1::DeleteAuthorsRequest& typed,
             v1::DeleteAuthorsResponse* answer) {
        std::vector<v1::AuthorRef> authors(typed.authors().begin(),
                                           typed.authors().end());
        absl::StatusOr<DeleteOutcome> outcome = core_.DeleteAuthors(authors);
        if (outcome.ok()) FillDeleteResponse(*outcome, answer);
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
  return new ReclassifyReactor(core_, context, *request, *std::move(ticket),
                               services::StreamIdleTimeout(limit_));
}

grpc::ServerUnaryReactor* IngestServiceImpl::GetPostStats(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::RunLenientUnary<v1::GetPostStatsRequest,
                                   v1::GetPostStatsResponse>(
      context, limit_, *request, response,
      [this](const v1::GetPostStatsRequest& typed,
             v1::GetPostStatsResponse* answer) {
        absl::StatusOr<v1::GetPostStatsResponse> stats =
            core_.GetPostStats(typed.post_id());
        if (stats.ok()) *answer = std::move(*stats);
        return stats.status();
      });
}

}  // namespace reachrank::ingest
