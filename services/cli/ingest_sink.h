// A SimSink that streams simulated data into a running ingest service over
// gRPC: UpsertAuthors, UpsertPosts, then one RecordEvents call per batch.
#ifndef REACHRANK_SERVICES_CLI_INGEST_SINK_H_
#define REACHRANK_SERVICES_CLI_INGEST_SINK_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "reachrank/v1/ingest.grpc.pb.h"
#include "sim/simulator.h"

namespace reachrank::cli {

// Not thread-safe (a SimSink is called from one thread). Any rejected item
// fails the run with the server's first reason: simulated data must be valid.
class IngestSink final : public sim::SimSink {
 public:
  // `deadline` bounds each call.
  IngestSink(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);

  absl::Status Authors(absl::Span<const v1::Author> authors) override;
  absl::Status Posts(absl::Span<const v1::Post> posts) override;
  absl::Status Events(absl::Span<const v1::EngagementEvent> events) override;

  uint64_t duplicates() const { return duplicates_; }

 private:
  std::unique_ptr<v1::IngestService::Stub> stub_;
  absl::Duration deadline_;
  uint64_t duplicates_ = 0;
};

}  // namespace reachrank::cli

#endif  // REACHRANK_SERVICES_CLI_INGEST_SINK_H_
