// sim: a deterministic (seeded) model of a recommendation platform that
// produces authors, posts and aggregated engagement events as reachrank.v1
// messages. Same options and corpus -> the same messages, in the same order.
#ifndef REACHRANK_SIM_SIMULATOR_H_
#define REACHRANK_SIM_SIMULATOR_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "reachrank/v1/common.pb.h"
#include "sim/corpus.h"
#include "sim/world.h"

namespace reachrank::sim {

// What the simulator knows and the platform's data does not show.
struct PostTruth {
  std::string post_id;
  double quality = 0;
  bool utility = false;
  int pools_passed = 0;
  int64_t stranger_impressions_7d = 0;  // within the observed period
};

// Receives the simulated data in order: all authors, all posts, then events
// post by post (a post always precedes its events). Called from one thread.
// An error from any method stops the simulation and is returned by it.
class SimSink {
 public:
  virtual ~SimSink() = default;
  virtual absl::Status Authors(absl::Span<const v1::Author> authors) = 0;
  virtual absl::Status Posts(absl::Span<const v1::Post> posts) = 0;
  virtual absl::Status Events(absl::Span<const v1::EngagementEvent> events) = 0;
  virtual absl::Status Truth(const PostTruth&) { return absl::OkStatus(); }
};

struct SimSummary {
  int64_t authors = 0;
  int64_t posts = 0;
  int64_t event_records = 0;  // aggregated records
  int64_t events = 0;         // sum of their counts
  int64_t reached = 0;        // posts with >= 1,000 stranger impressions in 7d
};

// Runs the simulation into `sink`; stops at the sink's first error.
// `progress` (optional) is called with (posts done, posts total).
absl::StatusOr<SimSummary> Simulate(
    const SimOptions& options, const Corpus& corpus, SimSink& sink,
    const std::function<void(int64_t, int64_t)>& progress = nullptr);

}  // namespace reachrank::sim

#endif  // REACHRANK_SIM_SIMULATOR_H_
