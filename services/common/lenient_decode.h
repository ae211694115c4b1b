// lenient_decode: request messages of raw (ByteBuffer) gRPC methods,
// decoded so that invalid UTF-8 in a `string` field does not fail the
// parse. Protobuf refuses a proto3 `string` holding invalid UTF-8; a typed
// callback method then never reaches its handler (a unary call ends
// UNIMPLEMENTED, a stream looks half-closed). Decoded leniently, the bytes
// reach the service's validation, which refuses the offending item by name.
#ifndef REACHRANK_SERVICES_COMMON_LENIENT_DECODE_H_
#define REACHRANK_SERVICES_COMMON_LENIENT_DECODE_H_

#include <grpcpp/support/byte_buffer.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace reachrank::services {

// Parses `bytes` into `message` (cleared first) as protobuf does, except
// that a `string` field anywhere in it (nested, repeated, map key or value)
// keeps its bytes as they came, valid UTF-8 or not. A message that parses
// normally takes the normal path; only a refused one is parsed again
// against a copy of its descriptors with `bytes` for `string` and copied
// over by reflection, and then `*lenient` (if given) is set to true (else
// false): `message` may hold strings that are not UTF-8. INVALID_ARGUMENT
// "request: not a valid <Type> message" when the bytes are not a message
// of that type even so. Thread-safe; the copied descriptors are built once
// per .proto file and live as long as the process.
absl::Status ParseLeniently(const std::string& bytes,
                            google::protobuf::Message& message,
                            bool* lenient = nullptr);
absl::Status ParseLeniently(const grpc::ByteBuffer& bytes,
                            google::protobuf::Message& message,
                            bool* lenient = nullptr);

// ParseLeniently into a new `T` (a generated message type).
template <typename T>
absl::StatusOr<T> DecodeLeniently(const grpc::ByteBuffer& bytes,
                                  bool* lenient = nullptr) {
  T message;
  absl::Status status = ParseLeniently(bytes, message, lenient);
  if (!status.ok()) return status;
  return message;
}

// Replaces, in every `string` field of `message` (nested, repeated, map
// key or value), each byte that is not part of valid UTF-8 by the text
// "\xNN" (its value in hex), so that a client's protobuf can parse the
// message. For a response that may echo strings of a request read
// leniently (an item's id); other strings are left as they are.
void EscapeInvalidUtf8(google::protobuf::Message& message);

// `message` serialized into a ByteBuffer, as a typed method would send it;
// INTERNAL if it cannot be serialized.
absl::StatusOr<grpc::ByteBuffer> EncodeMessage(
    const google::protobuf::Message& message);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_LENIENT_DECODE_H_
