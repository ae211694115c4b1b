#include "services/rank/convert.h"

#include <string>

#include "services/ingest/validation.h"

namespace reachrank::rank {

void ToReachScore(const ranking::ScoreResult& score, v1::ReachScore* out) {
  out->set_id(score.id);
  out->set_p_reach(score.p_reach);
  out->set_expected_stranger_impressions(score.expected_stranger_impressions);
  out->mutable_surface_mix()->insert(score.surface_mix.begin(),
                                     score.surface_mix.end());
  for (const ranking::Reason& r : score.reasons) {
    v1::Reason* reason = out->add_reasons();
    reason->set_factor(r.factor);
    reason->set_value(r.value);
    reason->set_contribution(r.contribution);
    reason->set_message(r.message);
  }
  for (const topics::TopicProbability& t : score.topics) {
    v1::TopicScore* topic = out->add_topics();
    topic->set_topic_id(t.topic_id);
    topic->set_probability(t.probability);
  }
  out->set_model_version(score.model_version);
}

std::optional<absl::Time> ToAsOf(bool has_as_of,
                                 const google::protobuf::Timestamp& as_of) {
  if (!has_as_of) return std::nullopt;
  return absl::FromUnixSeconds(as_of.seconds()) +
         absl::Nanoseconds(as_of.nanos());
}

std::string ReasonLanguage(absl::string_view language) {
  return language.empty() ? "en" : std::string(language);
}

v1::ItemStatus ToItemStatus(uint32_t index, absl::string_view id,
                            const absl::Status& status) {
  v1::ItemStatus item;
  item.set_index(index);
  item.set_id(std::string(id));
  item.set_code(static_cast<int32_t>(status.code()));
  ingest::Violation v = ingest::ToViolation(status);
  item.set_field(std::move(v.field));
  item.set_message(std::move(v.rule));
  return item;
}

}  // namespace reachrank::rank
