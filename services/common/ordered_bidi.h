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
#include "absl/strings/string_view.h"
#include "services/common/grpc_status.h"
#include "services/common/in_flight_limit.h"
#include "services/common/limited_call.h"
#include "services/common/stream_idle.h"

namespace reachrank::services {

// Answers each message with `answer` (which fills the cleared response or
// returns an error). An error ends the call with its code and a message
// naming the failed message's index; a half-close ends it OK; a cancelled
// call or one past its deadline ends before the next message. Holds
// `stream` (its place among the open streams) until it finishes, and is
// counted among `limit`'s calls in flight (nullptr: no limit) only while
// it answers a message. A stream whose client sends no message for
// `limit`'s idle timeout ends CANCELLED (see IdleError); one whose client
// reads no answer for as long is cancelled without a message. Once the
// server stops, a stream whose client sends nothing for the drain's idle
// timeout ends UNAVAILABLE (StoppingError). Deletes itself when the RPC is
// done.
template <typename Request, typename Response>
class OrderedBidiReactor final
    : public grpc::ServerBidiReactor<Request, Response> {
 public:
  using Answer = std::function<absl::Status(const Request&, Response*)>;

  OrderedBidiReactor(grpc::CallbackServerContext* context, InFlightLimit* limit,
                     InFlightLimit::Ticket stream, Answer answer)
      : context_(context),
        limit_(limit),
        stream_(std::move(stream)),
        answer_(std::move(answer)),
        idle_(StreamIdleTimeout(limit), StreamDrainOf(limit)) {
    Read();
  }

  void OnReadDone(bool ok) override {
    if (!idle_.Disarm()) return;  // ended idle
    if (!ok) {  // the client half-closed (or went away)
      End(absl::OkStatus());
      return;
    }
    if (absl::Status live = CheckNotCancelled(context_); !live.ok()) {
      End(live);
      return;
    }
    if (absl::Status status = AnswerOne(); !status.ok()) {
      End(absl::Status(
          status.code(),
          absl::StrCat("message ", messages_, ": ", status.message(), " (the ",
                       messages_, " messages before it were answered)")));
      return;
    }
    ++messages_;
    Write();
  }

  void OnWriteDone(bool ok) override {
    if (!idle_.Disarm()) return;  // ended idle
    if (!ok) {
      End(absl::CancelledError("write failed"));
      return;
    }
    request_.Clear();
    Read();
  }

  void OnDone() override { delete this; }

 private:
  void Read() {
    idle_.ArmRead([this] { FinishWith(IdleEnd("no message", messages_)); },
                  [this] {
                    FinishWith(StoppingError(absl::StrCat(
                        "the ", messages_, " messages before were answered")));
                  },
                  [this] { this->StartRead(&request_); });
  }

  // A client that reads no answer blocks the write, and the status would
  // wait behind it: the call is cancelled (the client sees CANCELLED, not
  // the status, which the server's metrics record), then finished.
  // Cancelled first: once finished, the reactor may be gone.
  void Write() {
    idle_.Arm(
        [this] {
          context_->TryCancel();
          // messages_ counts this answer: the ones before it were written.
          FinishWith(IdleEnd("answer not read", messages_ - 1));
        },
        [this] { this->StartWrite(&response_); });
  }

  // How the stream ends when the clock runs out.
  absl::Status IdleEnd(absl::string_view waited, uint64_t answered) const {
    return IdleError(
        idle_.timeout(), waited,
        absl::StrCat("the ", answered, " messages before were answered"));
  }

  // Answers the message read, counted among the calls in flight.
  absl::Status AnswerOne() {
    InFlightLimit::Ticket counted = CountInFlight(limit_);
    response_.Clear();
    return answer_(request_, &response_);
  }

  void End(const absl::Status& status) {
    if (idle_.Claim()) FinishWith(status);
  }

  // The place is given back first: a client that saw the answer may open
  // another stream at once.
  void FinishWith(const absl::Status& status) {
    stream_.Release();
    this->Finish(ToGrpcStatus(status));
  }

  grpc::CallbackServerContext* const context_;
  InFlightLimit* const limit_;
  InFlightLimit::Ticket stream_;
  const Answer answer_;
  StreamIdleDeadline idle_;
  Request request_;
  Response response_;
  uint64_t messages_ = 0;
};

// The reactor for a new stream under `limit` (nullptr: no limit): an
// OrderedBidiReactor answering with `answer`, or, beyond the open streams'
// cap, one that finishes at once with RESOURCE_EXHAUSTED.
template <typename Request, typename Response>
grpc::ServerBidiReactor<Request, Response>* StartOrderedBidi(
    grpc::CallbackServerContext* context, InFlightLimit* limit,
    typename OrderedBidiReactor<Request, Response>::Answer answer) {
  absl::StatusOr<InFlightLimit::Ticket> stream = OpenStream(limit);
  if (!stream.ok()) {
    return RejectStream<grpc::ServerBidiReactor<Request, Response>>(
        stream.status());
  }
  return new OrderedBidiReactor<Request, Response>(
      context, limit, *std::move(stream), std::move(answer));
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_ORDERED_BIDI_H_
