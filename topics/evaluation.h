// Evaluation of a TopicClassifier on labelled examples: accuracy overall
// and per language, macro-F1 over topics, and the confusion matrix.
#ifndef REACHRANK_TOPICS_EVALUATION_H_
#define REACHRANK_TOPICS_EVALUATION_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "topics/classifier.h"
#include "topics/dataset.h"

namespace reachrank::topics {

// Right answers out of a number of examples. A plain value type.
struct Tally {
  int correct = 0;
  int total = 0;
  double accuracy() const { return total == 0 ? 0.0 : double(correct) / total; }
  // Wilson's 95 % score interval for the accuracy, {low, high} inside
  // [0, 1]; {0, 1} when there are no examples. On a test set of a few
  // hundred examples it is several points wide either way.
  std::pair<double, double> Interval95() const;
};

struct EvalReport {
  std::vector<std::string> topics;  // row and column order of `confusion`
  // confusion[truth][predicted]; the extra last column counts texts that
  // got no topic at all.
  std::vector<std::vector<int>> confusion;
  Tally overall;
  std::map<std::string, Tally> by_language;  // the example's language
  double macro_f1 = 0;
};

// Classifies every example (top-1, the example's language passed through)
// and tallies the outcome. `topics` fixes the matrix order; topics of the
// data missing from it are appended. Fails with the classifier's status.
absl::StatusOr<EvalReport> Evaluate(TopicClassifier& classifier,
                                    absl::Span<const Example> examples,
                                    std::vector<std::string> topics);

// Two classifiers on the same examples: how often each was right where the
// other was not. A plain value type.
struct PairedTally {
  int total = 0;
  int only_a = 0;  // a right, b wrong
  int only_b = 0;  // b right, a wrong
  // accuracy(a) - accuracy(b); 0 without examples.
  double difference() const {
    return total == 0 ? 0.0 : double(only_a - only_b) / total;
  }
  // The 95 % interval of difference() for paired proportions (Wald, from
  // the discordant pairs: se = sqrt(only_a + only_b - (only_a -
  // only_b)^2 / n) / n), clipped to [-1, 1]; {0, 0} without examples.
  std::pair<double, double> Interval95() const;
};

struct PairedReport {
  PairedTally overall;
  std::map<std::string, PairedTally> by_language;  // as EvalReport's
};

// Classifies every example with `a` and with `b` (top-1, the example's
// language passed through; an example without one counts under the
// language `a` detected) and tallies where they differ. Fails with either
// classifier's status.
absl::StatusOr<PairedReport> ComparePaired(TopicClassifier& a,
                                           TopicClassifier& b,
                                           absl::Span<const Example> examples);

// Per language, then all: "zh     +0.49 points  95% CI -1.90 to +2.88
// (only a right: 5, only b right: 4, of 204)".
std::string FormatPaired(const PairedReport& report);

// A plain-text rendering: per-language accuracy (with its 95 % interval),
// macro-F1, the matrix. Each accuracy line reads
//   accuracy <language> <percent> %  (<correct>/<total>)  95% CI <low>-<high> %
// (bench/topics_quality.sh reads the third field).
std::string FormatReport(const EvalReport& report);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_EVALUATION_H_
