#include "services/batch/remote_scorer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "services/common/grpc_status.h"
#include "services/common/send_in_halves.h"

namespace reachrank::batch {
namespace {

absl::Status ItemError(const v1::ItemStatus& item) {
  const auto code = static_cast<absl::StatusCode>(item.code());
  if (item.field().empty() || absl::StartsWith(item.message(), item.field())) {
    return absl::Status(code, item.message());
  }
  return absl::Status(code, absl::StrCat(item.field(), ": ", item.message()));
}

}  // namespace

absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>> MatchResponse(
    size_t n, const v1::ScoreDraftsResponse& response) {
  std::vector<absl::StatusOr<v1::ReachScore>> out(n, absl::UnknownError(""));
  std::vector<bool> failed(n, false);
  for (const v1::ItemStatus& item : response.errors()) {
    if (item.index() >= n || failed[item.index()] || item.code() == 0) {
      return absl::InternalError(absl::StrCat(
          "ScoreDrafts response: bad error index ", item.index()));
    }
    failed[item.index()] = true;
    out[item.index()] = ItemError(item);
  }
  const size_t expected_scores =
      n - static_cast<size_t>(response.errors_size());
  if (static_cast<size_t>(response.scores_size()) != expected_scores) {
    return absl::InternalError(absl::StrCat(
        "ScoreDrafts response: ", response.scores_size(), " scores for ",
        expected_scores, " valid drafts"));
  }
  int next = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!failed[i]) out[i] = response.scores(next++);
  }
  return out;
}

RemoteDraftScorer::RemoteDraftScorer(std::shared_ptr<grpc::Channel> channel,
                                     RemoteOptions options)
    : stub_(v1::RankingService::NewStub(std::move(channel))),
      options_(options) {}

absl::StatusOr<v1::ScoreDraftsResponse> RemoteDraftScorer::CallOnce(
    const v1::ScoreDraftsRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  auto stream = stub_->ScoreDrafts(&context);
  v1::ScoreDraftsResponse response;
  // Write/WritesDone/Read report failures through Finish's status.
  const bool answered = stream->Write(request) && stream->WritesDone() &&
                        stream->Read(&response);
  const grpc::Status status = stream->Finish();
  if (!status.ok()) return services::ToAbslStatus(status);
  if (!answered) {
    return absl::InternalError("ScoreDrafts: the stream ended without an answer");
  }
  return response;
}

absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>>
RemoteDraftScorer::Score(absl::Span<const v1::Draft> drafts, bool explain,
                         absl::string_view language) {
  auto build = [explain, language](absl::Span<const v1::Draft> part) {
    v1::ScoreDraftsRequest request;
    request.mutable_drafts()->Assign(part.begin(), part.end());
    request.set_explain(explain);
    request.set_language(std::string(language));
    return request;
  };
  return services::SendInHalves(
      drafts, options_.max_request_bytes, build,
      [this](const v1::ScoreDraftsRequest& request, size_t n) {
        return ScoreOnce(request, n);
      });
}

absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>>
RemoteDraftScorer::ScoreOnce(const v1::ScoreDraftsRequest& request, size_t n) {
  absl::Duration backoff = options_.initial_backoff;
  absl::Status last;
  for (int attempt = 1; attempt <= std::max(1, options_.max_attempts);
       ++attempt) {
    if (attempt > 1) {
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
    absl::StatusOr<v1::ScoreDraftsResponse> response = CallOnce(request);
    if (response.ok()) return MatchResponse(n, *response);
    last = response.status();
    if (last.code() != absl::StatusCode::kUnavailable &&
        last.code() != absl::StatusCode::kResourceExhausted) {
      return last;
    }
  }
  return absl::Status(last.code(),
                      absl::StrCat(last.message(), " (after ",
                                   options_.max_attempts, " attempts)"));
}

}  // namespace reachrank::batch
