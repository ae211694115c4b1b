// Writes simulated data as the API's JSON mapping, one message per line:
// authors.jsonl, posts.jsonl, events.jsonl (and truth.jsonl on request).
#ifndef REACHRANK_SIM_JSONL_SINK_H_
#define REACHRANK_SIM_JSONL_SINK_H_

#include <fstream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "sim/simulator.h"

namespace reachrank::sim {

// Not thread-safe (a SimSink is called from one thread).
class JsonlSink final : public SimSink {
 public:
  // Creates `dir` if needed and opens the files for writing (truncating).
  static absl::StatusOr<std::unique_ptr<JsonlSink>> Open(
      const std::string& dir, bool with_truth);

  absl::Status Authors(absl::Span<const v1::Author> authors) override;
  absl::Status Posts(absl::Span<const v1::Post> posts) override;
  absl::Status Events(absl::Span<const v1::EngagementEvent> events) override;
  absl::Status Truth(const PostTruth& truth) override;
  // Flushes and closes; reports a write error if any happened.
  absl::Status Close();

 private:
  JsonlSink() = default;
  std::ofstream authors_, posts_, events_, truth_;
  bool with_truth_ = false;
};

}  // namespace reachrank::sim

#endif  // REACHRANK_SIM_JSONL_SINK_H_
