#include "services/common/grpc_status.h"

#include <gtest/gtest.h>

namespace reachrank::services {
namespace {

TEST(GrpcStatusTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(ToAbslStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, KeepsCodeAndMessage) {
  grpc::Status g =
      ToGrpcStatus(absl::InvalidArgumentError("posts[3].platform: bad"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), "posts[3].platform: bad");
  EXPECT_EQ(ToGrpcStatus(absl::ResourceExhaustedError("x")).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ToGrpcStatus(absl::FailedPreconditionError("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST(GrpcStatusTest, EveryCodeRoundTrips) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status s(static_cast<absl::StatusCode>(code), "m");
    EXPECT_EQ(ToAbslStatus(ToGrpcStatus(s)), s) << code;
  }
}

TEST(GrpcStatusTest, OutOfRangeCodeIsUnknown) {
  absl::Status s(static_cast<absl::StatusCode>(42), "odd");
  EXPECT_EQ(ToGrpcStatus(s).error_code(), grpc::StatusCode::UNKNOWN);
}

}  // namespace
}  // namespace reachrank::services
