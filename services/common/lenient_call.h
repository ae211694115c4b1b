// lenient_call: typed handler bodies behind raw (ByteBuffer) callback
// methods, whose requests are decoded by ParseLeniently so that invalid
// UTF-8 reaches the service's validation. The bytes on the wire are those
// of the typed method: the same request and response messages.
#ifndef REACHRANK_SERVICES_COMMON_LENIENT_CALL_H_
#define REACHRANK_SERVICES_COMMON_LENIENT_CALL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/in_flight_limit.h"
#include "services/common/lenient_decode.h"
#include "services/common/limited_call.h"

namespace reachrank::services {

// `answer` (filling a `Response` from a `Request`, or failing) as a
// function of raw messages: decodes the request leniently (its error,
// INVALID_ARGUMENT, is the answer's), runs `answer` and encodes its
// response into `*response` when it succeeds. After a request read
// leniently, invalid UTF-8 the response echoes (an item's id) is escaped,
// so that the client can parse it.
template <typename Request, typename Response, typename Answer>
absl::Status AnswerRaw(const Answer& answer, const grpc::ByteBuffer& request,
                       grpc::ByteBuffer* response) {
  bool lenient = false;
  absl::StatusOr<Request> decoded = DecodeLeniently<Request>(request, &lenient);
  if (!decoded.ok()) return decoded.status();
  Response typed;
  if (absl::Status status = answer(*decoded, &typed); !status.ok()) {
    return status;
  }
  if (lenient) EscapeInvalidUtf8(typed);
  absl::StatusOr<grpc::ByteBuffer> encoded = EncodeMessage(typed);
  if (!encoded.ok()) return encoded.status();
  *response = *std::move(encoded);
  return absl::OkStatus();
}

// RunUnary for a raw unary method: `answer(const Request&, Response*)`
// returning absl::Status runs under `limit` as RunUnary's body does, on
// the request decoded leniently.
template <typename Request, typename Response, typename Answer>
grpc::ServerUnaryReactor* RunLenientUnary(grpc::CallbackServerContext* context,
                                          InFlightLimit* limit,
                                          const grpc::ByteBuffer& request,
                                          grpc::ByteBuffer* response,
                                          Answer&& answer) {
  return RunUnary(context, limit, [&] {
    return AnswerRaw<Request, Response>(answer, request, response);
  });
}

// An answer of raw messages (for OrderedBidiReactor<ByteBuffer,
// ByteBuffer>) made of a typed one; see AnswerRaw.
template <typename Request, typename Response>
std::function<absl::Status(const grpc::ByteBuffer&, grpc::ByteBuffer*)>
LenientAnswer(std::function<absl::Status(const Request&, Response*)> answer) {
  return [answer = std::move(answer)](const grpc::ByteBuffer& request,
                                      grpc::ByteBuffer* response) {
    return AnswerRaw<Request, Response>(answer, request, response);
  };
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_LENIENT_CALL_H_
