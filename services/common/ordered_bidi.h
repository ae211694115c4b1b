// ordered_bidi: the bidi-streaming reactor every reachrank stream of
// batches uses (ScoreDrafts, ClassifyStream): read one request message,
// answer it, write the answer, and only then read the next, so answers
// leave in request order.
#ifndef REACHRANK_SERVICES_COMMON_ORDERED_BIDI_H_
#define REACHRANK_SERVICES_COMMON_ORDERED_BIDI_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <cstdint>
#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/common/in_flight_limit.h"
#include "services/common/limited_call.h"

namespace reachrank::services {

// Answers each message with `answer` (which fills the cleared response or
// returns an error). An error ends the call with its code and a message
// naming the failed message's index; a half-close ends it OK; a cancelled
// call or one past its deadline ends before the next message. Holds
// `ticket` (its place under the in-flight limit) until it finishes and
// gives it back just before Finish. Deletes itself when the RPC is done.
template <typename Request, typename Response>
class OrderedBidiReactor final
    : public grpc::ServerBidiReactor<Request, Response> {
 public:
  using Answer = std::function<absl::Status(const Request&, Response*)>;

  OrderedBidiReactor(grpc::CallbackServerContext* context,
                     InFlightLimit::Ticket ticket, Answer answer)
      : context_(context),
        ticket_(std::move(ticket)),
        answer_(std::move(answer)) {
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or went away)
      End(absl::OkStatus());
      return;
    }
    if (absl::Status live = CheckNotCancelled(context_); !live.ok()) {
      End(live);
      return;
    }
    response_.Clear();
    absl::Status status = answer_(request_, &response_);
    if (!status.ok()) {
      End(absl::Status(
          status.code(),
          absl::StrCat("message ", messages_, ": ", status.message(), " (the ",
                       messages_, " messages before it were answered)")));
      return;
    }
    ++messages_;
    this->StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("write failed"));
      return;
    }
    request_.Clear();
    this->StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  // The place is given back first: a client that saw the answer may call
  // again at once.
  void End(const absl::Status& status) {
    ticket_.Release();
    this->Finish(ToGrpcStatus(status));
  }

  grpc::CallbackServerContext* const context_;
  InFlightLimit::Ticket ticket_;
  const Answer answer_;
  Request request_;
  Response response_;
  uint64_t messages_ = 0;
};

// The reactor for a new stream under `limit` (nullptr: no limit): an
// OrderedBidiReactor answering with `answer`, or, beyond the limit, one
// that finishes at once with RESOURCE_EXHAUSTED.
template <typename Request, typename Response>
grpc::ServerBidiReactor<Request, Response>* StartOrderedBidi(
    grpc::CallbackServerContext* context, InFlightLimit* limit,
    typename OrderedBidiReactor<Request, Response>::Answer answer) {
  absl::StatusOr<InFlightLimit::Ticket> ticket = AcquireInFlight(limit);
  if (!ticket.ok()) {
    return RejectStream<grpc::ServerBidiReactor<Request, Response>>(
        ticket.status());
  }
  return new OrderedBidiReactor<Request, Response>(
      context, *std::move(ticket), std::move(answer));
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_ORDERED_BIDI_H_
