// The one conversion between absl::Status (every library) and grpc::Status
// (services/ only). Codes map one to one; messages are kept.
#ifndef REACHRANK_SERVICES_COMMON_GRPC_STATUS_H_
#define REACHRANK_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace reachrank::services {

// Converts an absl::Status to a grpc::Status with the same code and message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a grpc::Status (e.g. from a client call) to an absl::Status.
absl::Status ToAbslStatus(const grpc::Status& status);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_GRPC_STATUS_H_
