// A SimSink that streams data into a running ingest service over gRPC
// (UpsertAuthors, UpsertPosts, then one RecordEvents stream per batch), and
// the sinks of every shard's ingest service with author routing.
#ifndef REACHRANK_SERVICES_CLI_INGEST_SINK_H_
#define REACHRANK_SERVICES_CLI_INGEST_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "reachrank/v1/ingest.grpc.pb.h"
#include "services/batch/importer.h"
#include "services/common/tls_options.h"
#include "sim/sharded_sink.h"
#include "sim/simulator.h"
#include "storage/store.h"

namespace reachrank::cli {

// Events an ingest service refused one by one: those it named (its first
// 100 per RecordEvents call) and how many more it did not name.
struct EventRefusals {
  std::vector<batch::RefusedEvent> named;
  int64_t unnamed = 0;
  int64_t total() const { return static_cast<int64_t>(named.size()) + unnamed; }
};

// Not thread-safe (a SimSink is called from one thread). Any rejected item
// fails the run with the server's first reason (the data was validated
// before it was sent), except refused events while CollectRefusals is set.
// Events go in requests of at most 10,000 on one RecordEvents stream per
// call.
class IngestSink final : public sim::SimSink {
 public:
  // `deadline` bounds each call.
  IngestSink(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);

  absl::Status Authors(absl::Span<const v1::Author> authors) override;
  absl::Status Posts(absl::Span<const v1::Post> posts) override;
  absl::Status Events(absl::Span<const v1::EngagementEvent> events) override;

  uint64_t duplicates() const { return duplicates_; }
  // With `out` (borrowed) set, Events adds the events the service refused
  // to it and succeeds; nullptr (the default): the first refusal fails.
  void CollectRefusals(EventRefusals* out) { refusals_ = out; }

  // DeleteAuthors, 1..10,000 at a time: the posts deleted. A rejected item
  // fails with its own code and reason.
  absl::StatusOr<int64_t> DeleteAuthors(
      absl::Span<const storage::AuthorId> authors);

 private:
  std::unique_ptr<v1::IngestService::Stub> stub_;
  absl::Duration deadline_;
  uint64_t duplicates_ = 0;
  EventRefusals* refusals_ = nullptr;
};

// The ingest services of every shard (`--server A,B,...`, shard i the i-th)
// as one sink: the only one, or each author's data to its shard's.
class ShardedIngest {
 public:
  // INVALID_ARGUMENT for an empty or repeated address (CheckShardList), or
  // the credentials' error. `deadline` bounds each call.
  static absl::StatusOr<std::unique_ptr<ShardedIngest>> Connect(
      const std::vector<std::string>& servers,
      const services::ClientTlsOptions& security, absl::Duration deadline);

  sim::SimSink& sink();
  // Events the services counted as duplicates, over all shards.
  uint64_t duplicates() const;
  // IngestSink::CollectRefusals on every shard.
  void CollectRefusals(EventRefusals* out);
  // Forgets which shard the posts sent so far went to (ShardedSink): for
  // a caller that sends each post's events right after it.
  void ForgetPosts();

 private:
  ShardedIngest() = default;

  std::vector<std::unique_ptr<IngestSink>> shards_;
  std::unique_ptr<sim::ShardedSink> sharded_;  // with two or more shards
};

}  // namespace reachrank::cli

#endif  // REACHRANK_SERVICES_CLI_INGEST_SINK_H_
