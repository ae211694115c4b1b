#include "services/rank/rank_core.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "absl/types/span.h"
#include "services/rank/convert.h"

namespace reachrank::rank {
namespace {

// The scorer names a refused draft "drafts[<index in its span>]: <rule>";
// the caller's index differs, so only the rule is kept.
absl::Status WithoutItemPrefix(const absl::Status& status) {
  absl::string_view message = status.message();
  if (absl::StartsWith(message, "drafts[")) {
    const size_t colon = message.find("]: ");
    if (colon != absl::string_view::npos) message.remove_prefix(colon + 3);
  }
  return absl::Status(status.code(), message);
}

struct ValidDrafts {
  std::vector<v1::Draft> drafts;
  std::vector<uint32_t> index;  // request index of drafts[i]
};

// The drafts of `request` that pass validation; an ItemStatus in `response`
// for each other one.
ValidDrafts SplitValidDrafts(const v1::ScoreDraftsRequest& request,
                             const ShardSlice& shard,
                             v1::ScoreDraftsResponse* response) {
  const absl::Time now = absl::Now();
  ValidDrafts valid;
  for (int i = 0; i < request.drafts_size(); ++i) {
    const v1::Draft& d = request.drafts(i);
    absl::Status s = ValidateDraft(d, now, "");
    if (s.ok()) s = CheckShard(shard, d.platform(), d.author_id());
    if (!s.ok()) {
      *response->add_errors() = ToItemStatus(i, d.draft_id(), s);
      continue;
    }
    valid.drafts.push_back(d);
    valid.index.push_back(i);
  }
  return valid;
}

}  // namespace

RankCore::RankCore(ranking::Scorer& scorer, RankMetrics& metrics,
                   RankCoreOptions options)
    : scorer_(scorer), metrics_(metrics), options_(std::move(options)) {
  // The scorer loaded its model at start: counted as the topic service
  // counts its first load.
  metrics_.Reloaded(true);
  metrics_.ModelServing("", scorer_.model_version());
}

absl::Status RankCore::Score(const v1::ScoreRequest& request,
                             v1::ScoreResponse* response) {
  if (absl::Status s = ValidateScoreRequest(request, absl::Now()); !s.ok()) {
    return s;
  }
  v1::ReachScore* out = response->mutable_score();
  if (request.has_draft()) {
    RR_RETURN_IF_ERROR(CheckShard(options_.shard, request.draft().platform(),
                                  request.draft().author_id(),
                                  "draft.author_id"));
    return ScoreDraft(request, out);
  }
  absl::StatusOr<ranking::ScoreResult> score = scorer_.ScorePost(
      request.post_id(), ToAsOf(request.has_as_of(), request.as_of()),
      request.explain(), ReasonLanguage(request.language()));
  if (absl::IsNotFound(score.status())) {
    return absl::NotFoundError(
        absl::StrCat("post_id: no post \"", request.post_id(), "\""));
  }
  if (!score.ok()) return score.status();
  ToReachScore(*score, out);
  metrics_.Scored(ScoreKind::kPost, score->p_reach);
  return absl::OkStatus();
}

absl::Status RankCore::ScoreDraft(const v1::ScoreRequest& request,
                                  v1::ReachScore* out) {
  auto scored = scorer_.ScoreDrafts(absl::MakeConstSpan(&request.draft(), 1),
                                    request.explain(),
                                    ReasonLanguage(request.language()));
  if (!scored.ok()) return scored.status();
  absl::StatusOr<ranking::ScoreResult>& score = (*scored)[0];
  if (!score.ok()) {
    absl::Status item = WithoutItemPrefix(score.status());
    return absl::Status(item.code(), absl::StrCat("draft: ", item.message()));
  }
  ToReachScore(*score, out);
  metrics_.Scored(ScoreKind::kDraft, score->p_reach);
  return absl::OkStatus();
}

absl::Status RankCore::ScoreDrafts(const v1::ScoreDraftsRequest& request,
                                   v1::ScoreDraftsResponse* response,
                                   ShouldStop should_stop) {
  if (absl::Status s = ValidateScoreDraftsRequest(request); !s.ok()) return s;
  ValidDrafts valid = SplitValidDrafts(request, options_.shard, response);
  if (valid.drafts.empty()) return absl::OkStatus();
  auto scored =
      scorer_.ScoreDrafts(valid.drafts, request.explain(),
                          ReasonLanguage(request.language()), should_stop);
  if (!scored.ok()) return scored.status();
  for (size_t j = 0; j < valid.drafts.size(); ++j) {
    const absl::StatusOr<ranking::ScoreResult>& score = (*scored)[j];
    if (!score.ok()) {
      *response->add_errors() =
          ToItemStatus(valid.index[j], valid.drafts[j].draft_id(),
                       WithoutItemPrefix(score.status()));
      continue;
    }
    ToReachScore(*score, response->add_scores());
    metrics_.Scored(ScoreKind::kDraft, score->p_reach);
  }
  // Errors in request order: the validation ones were added first.
  std::sort(response->mutable_errors()->begin(),
            response->mutable_errors()->end(),
            [](const v1::ItemStatus& a, const v1::ItemStatus& b) {
              return a.index() < b.index();
            });
  return absl::OkStatus();
}

absl::Status RankCore::Rank(const v1::RankRequest& request,
                            v1::RankResponse* response,
                            ShouldStop should_stop) {
  if (absl::Status s = ValidateRankRequest(request, absl::Now()); !s.ok()) {
    return s;
  }
  const std::vector<std::string> ids(request.post_ids().begin(),
                                     request.post_ids().end());
  absl::StatusOr<ranking::RankResult> ranked = scorer_.Rank(
      ids, request.limit(), ToAsOf(request.has_as_of(), request.as_of()),
      request.explain(), ReasonLanguage(request.language()), should_stop);
  if (!ranked.ok()) return ranked.status();
  for (const ranking::ScoreResult& score : ranked->top) {
    ToReachScore(score, response->add_scores());
    metrics_.Scored(ScoreKind::kPost, score.p_reach);
  }
  for (std::string& id : ranked->unknown_ids) {
    response->add_unknown_post_ids(std::move(id));
  }
  metrics_.Candidates(ranked->scored, ranked->unknown_ids.size());
  return absl::OkStatus();
}

absl::StatusOr<ReloadOutcome> RankCore::Reload(const std::string& dir) {
  absl::MutexLock lock(&reload_mu_);
  const std::string target = dir.empty() ? options_.model_dir : dir;
  ReloadOutcome outcome;
  outcome.previous_model_version = scorer_.model_version();
  if (absl::Status s = scorer_.Reload(target); !s.ok()) {
    metrics_.Reloaded(false);
    // Named by what set it: the request's model_dir, else --model.
    return absl::FailedPreconditionError(absl::StrCat(
        dir.empty() ? "--model " : "model_dir: ",
        target.empty() ? "(priors)" : target, " refused: ", s.message(), "; ",
        outcome.previous_model_version, " keeps serving"));
  }
  metrics_.Reloaded(true);
  outcome.model_version = scorer_.model_version();
  metrics_.ModelServing(outcome.previous_model_version, outcome.model_version);
  return outcome;
}

}  // namespace reachrank::rank
