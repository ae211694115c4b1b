// remote_scorer: batch scoring through a RankingService over gRPC. Each
// batch is one ScoreDrafts stream carrying one request message, under its
// own deadline, retried with backoff while the server is UNAVAILABLE. The
// pipeline's worker count bounds the batches in flight.
#ifndef REACHRANK_SERVICES_BATCH_REMOTE_SCORER_H_
#define REACHRANK_SERVICES_BATCH_REMOTE_SCORER_H_

#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "reachrank/v1/ranking.grpc.pb.h"
#include "services/batch/draft_scorer.h"

namespace reachrank::batch {

struct RemoteOptions {
  absl::Duration deadline = absl::Seconds(60);  // per batch and attempt
  // Attempts per batch while the server is UNAVAILABLE or refuses it for
  // load (RESOURCE_EXHAUSTED: its --max-open-streams).
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Milliseconds(200);  // doubles
  absl::Duration max_backoff = absl::Seconds(5);
  // A batch whose request would be larger is sent in halves (recursively),
  // below the rank server's 8 MiB message limit: 1,000 drafts of 9 KB
  // would pass it.
  size_t max_request_bytes = 4 << 20;
};

// Maps a ScoreDraftsResponse onto the `n` drafts of its request: the items
// named in `errors` get their status, the others the scores in order.
// INTERNAL when the counts do not add up or an index is out of range.
absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> MatchResponse(
    size_t n, const v1::ScoreDraftsResponse& response);

// Thread-safe: calls share the channel and the stub.
class RemoteDraftScorer final : public DraftScorer {
 public:
  RemoteDraftScorer(std::shared_ptr<grpc::Channel> channel,
                    RemoteOptions options);
  // See DraftScorer; the call's status comes from the server (the message
  // names the attempt count when retries ran out). Sends the drafts in
  // parts when one request would exceed max_request_bytes.
  absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> Score(
      absl::Span<const v1::Draft> drafts, bool explain,
      absl::string_view language) override;

 private:
  // One request of `drafts` with retries; no splitting.
  absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> ScoreOnce(
      const v1::ScoreDraftsRequest& request, size_t n);
  absl::StatusOr<v1::ScoreDraftsResponse> CallOnce(
      const v1::ScoreDraftsRequest& request);

  // Constant after construction.
  const std::unique_ptr<v1::RankingService::Stub> stub_;
  const RemoteOptions options_;
};

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_REMOTE_SCORER_H_
