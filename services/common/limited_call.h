// limited_call: how a callback-API handler runs under its service's
// InFlightLimit. A unary handler hands its body to RunUnary. A streaming
// handler takes a Ticket with OpenStream, keeps it in its reactor and
// releases it just before Finish, or returns RejectStream<Reactor>(status)
// when refused; it counts each message it works on with CountInFlight
// (ReclassifyPosts, busy throughout, holds an AcquireInFlight ticket).
#ifndef REACHRANK_SERVICES_COMMON_LIMITED_CALL_H_
#define REACHRANK_SERVICES_COMMON_LIMITED_CALL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "services/common/grpc_status.h"
#include "services/common/in_flight_limit.h"

namespace reachrank::services {

// CANCELLED when the call was cancelled or its deadline passed (the client
// no longer waits for an answer), OK otherwise. For checks between units
// of work.
inline absl::Status CheckNotCancelled(grpc::CallbackServerContext* context) {
  // The deadline too: gRPC may mark the call cancelled a moment after it.
  if (!context->IsCancelled() &&
      context->deadline() > std::chrono::system_clock::now()) {
    return absl::OkStatus();
  }
  return absl::CancelledError(
      "call cancelled or past its deadline; work stopped");
}

// Runs `body` (returning absl::Status) under `limit` (nullptr: no limit)
// and returns the status to finish the call with: refused beyond the
// limit (RESOURCE_EXHAUSTED) and, without running `body`, when the call
// was already cancelled. A call cancelled (or past its deadline) while
// `body` ran and found its request INVALID_ARGUMENT or NOT_FOUND ends
// CANCELLED: what it judged may be the cut-off request (an empty message
// read as an invalid one), and the client no longer waits for the answer.
// The place is given back on return.
template <typename Body>
absl::Status RunLimited(grpc::CallbackServerContext* context,
                        InFlightLimit* limit, Body&& body) {
  absl::StatusOr<InFlightLimit::Ticket> ticket = AcquireInFlight(limit);
  if (!ticket.ok()) return ticket.status();
  RR_RETURN_IF_ERROR(CheckNotCancelled(context));
  absl::Status status = body();
  // Only a verdict on the request: a server error stays one (and counts
  // as one in the error ratio).
  if (!absl::IsInvalidArgument(status) && !absl::IsNotFound(status)) {
    return status;
  }
  absl::Status live = CheckNotCancelled(context);
  return live.ok() ? status : live;
}

// RunLimited, then finishes the call with its status.
template <typename Body>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context,
                                   InFlightLimit* limit, Body&& body) {
  const absl::Status status =
      RunLimited(context, limit, std::forward<Body>(body));
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// A reactor of type `Reactor` (e.g. grpc::ServerReadReactor<Request>) that
// finishes its call with `status` at once. Deletes itself when done.
template <typename Reactor>
Reactor* RejectStream(const absl::Status& status) {
  class Rejecting final : public Reactor {
   public:
    explicit Rejecting(const absl::Status& s) { this->Finish(ToGrpcStatus(s)); }
    void OnDone() override { delete this; }
  };
  return new Rejecting(status);
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_LIMITED_CALL_H_
