// The sentences of every explanation factor in en, de and zh: two
// variants that judge the factor's figure, a figure-free one for when it is
// missing, and a plain one that states it without judgement. Which is said,
// and how placeholders ("{followers}") are filled, is explain_messages.cc's.
#ifndef REACHRANK_RANKING_EXPLAIN_SENTENCES_H_
#define REACHRANK_RANKING_EXPLAIN_SENTENCES_H_

#include <vector>

namespace reachrank::ranking {

struct FactorSentences {
  const char* factor;  // one of kFactors
  // en, de, zh: [0] when the factor helped (or, for topic_saturation and
  // follower_flattery, when the figures say so), [1] otherwise.
  const char* en[2];
  const char* de[2];
  const char* zh[2];
  // en, de, zh: said instead when a figure the chosen sentence names is
  // missing; no placeholders. Null for factors without figures.
  const char* missing[3];
  // en, de, zh: the figure stated without judgement, for when it
  // contradicts the variant's (Agrees); the direction follows. Null when
  // every variant agrees with any figure.
  const char* plain[3] = {nullptr, nullptr, nullptr};
};

// One entry per factor of kFactors. Static storage; thread-safe.
const std::vector<FactorSentences>& FactorSentenceTable();

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_EXPLAIN_SENTENCES_H_
