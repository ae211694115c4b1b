// Test support for services/batch: drafts and import lines built from the
// simulator, a fake DraftScorer, and an in-process RankingService over a
// DraftScorer. Test-only (library reachrank_batch_testing).
#ifndef REACHRANK_SERVICES_BATCH_BATCH_TESTING_H_
#define REACHRANK_SERVICES_BATCH_BATCH_TESTING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "reachrank/v1/ranking.grpc.pb.h"
#include "services/batch/draft_scorer.h"
#include "storage/store.h"
#include "sim/simulator.h"

namespace reachrank::batch::testing {

// What the simulator produced, in its order.
struct SimData {
  std::vector<v1::Author> authors;
  std::vector<v1::Post> posts;
  std::vector<v1::EngagementEvent> events;
};

// A new database at `path`, opened as `reachrank import` opens it (dedup
// markers kept for the import window).
absl::StatusOr<std::unique_ptr<storage::Store>> OpenImportStore(
    const std::string& path);

// Runs the simulator on the bundled corpus and keeps everything.
absl::StatusOr<SimData> Simulate(const sim::SimOptions& options);

// A history simulated with `seed`, `people` and `days`, written into a new
// database at `path` (OpenImportStore) as ingest writes it: authors, posts
// (unclassified), then the events at their own times, so posts have many
// hourly buckets. `now` is the dedup clock.
struct SimulatedStore {
  SimData data;
  std::unique_ptr<storage::Store> store;
};
absl::StatusOr<SimulatedStore> SimulateIntoStore(const std::string& path,
                                                 uint64_t seed, int people,
                                                 int days, absl::Time now);

// The posts as drafts (draft_id = post_id), at most `n`.
std::vector<v1::Draft> DraftsFromPosts(const std::vector<v1::Post>& posts,
                                       size_t n);

// One JSONL line (API JSON mapping, lowerCamel) per draft.
std::string DraftsJsonl(const std::vector<v1::Draft>& drafts);

// Import lines ({"post":...,"counts":[...]}): each post with its events
// summed per surface × relation × type (no "at").
std::vector<std::string> ImportLines(const SimData& data);

// Three import lines, posts s1..s3 of tiktok author a1 (2026-01-02..04);
// s2 has a count two hours before it was published (a clock-skew rule
// refuses it) beside one after.
std::vector<std::string> EarlyCountLines();

// Scores a draft from a hash of its text; INVALID_ARGUMENT for a draft
// whose text is "reject me", and the whole call fails with
// INVALID_ARGUMENT when a text is "poison". Thread-safe.
class FakeDraftScorer final : public DraftScorer {
 public:
  absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> Score(
      absl::Span<const v1::Draft> drafts, bool explain,
      absl::string_view language) override;
};

// A RankingService on 127.0.0.1 whose ScoreDrafts answers each request
// with `scorer` (borrowed). Shut down on destruction.
class InProcessRankServer {
 public:
  static absl::StatusOr<std::unique_ptr<InProcessRankServer>> Start(
      DraftScorer& scorer);
  ~InProcessRankServer();
  std::string address() const;

 private:
  class Service;
  InProcessRankServer() = default;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace reachrank::batch::testing

#endif  // REACHRANK_SERVICES_BATCH_BATCH_TESTING_H_
