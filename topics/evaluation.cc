#include "topics/evaluation.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace reachrank::topics {
namespace {

size_t IndexOf(const std::vector<std::string>& topics, const std::string& t) {
  return std::find(topics.begin(), topics.end(), t) - topics.begin();
}

double MacroF1(const std::vector<std::vector<int>>& confusion) {
  const size_t n = confusion.size();
  double sum = 0;
  for (size_t t = 0; t < n; ++t) {
    int truth = 0, predicted = 0;
    for (size_t j = 0; j < confusion[t].size(); ++j) truth += confusion[t][j];
    for (size_t i = 0; i < n; ++i) predicted += confusion[i][t];
    const int hit = confusion[t][t];
    if (truth + predicted > 0) sum += 2.0 * hit / (truth + predicted);
  }
  return n == 0 ? 0 : sum / n;
}

void Tabulate(const Example& example, const Classification& result,
              EvalReport& report) {
  const size_t truth = IndexOf(report.topics, example.topic);
  const size_t none = report.topics.size();
  const size_t predicted =
      result.topics.empty() ? none
                            : std::min(none, IndexOf(report.topics,
                                                     result.topics[0].topic_id));
  ++report.confusion[truth][predicted];
  const bool hit = predicted == truth;
  const std::string& language =
      example.language.empty() ? result.language : example.language;
  for (Tally* tally : {&report.overall, &report.by_language[language]}) {
    tally->correct += hit;
    ++tally->total;
  }
}

void AppendAccuracy(const std::string& name, const Tally& tally,
                    std::string* out) {
  const auto [low, high] = tally.Interval95();
  absl::StrAppendFormat(
      out, "accuracy %-5s %6.2f %%  (%d/%d)  95%% CI %.2f-%.2f %%\n", name,
      100 * tally.accuracy(), tally.correct, tally.total, 100 * low,
      100 * high);
}

// Every example's top-1 classification, in batches of kMaxBatchItems.
absl::StatusOr<std::vector<Classification>> ClassifyAll(
    TopicClassifier& classifier, absl::Span<const Example> examples) {
  std::vector<Classification> out;
  out.reserve(examples.size());
  for (size_t start = 0; start < examples.size(); start += kMaxBatchItems) {
    const size_t end = std::min(examples.size(), start + kMaxBatchItems);
    std::vector<TextItem> batch;
    for (size_t i = start; i < end; ++i) {
      batch.push_back({std::to_string(i), examples[i].text,
                       examples[i].language});
    }
    RR_ASSIGN_OR_RETURN(std::vector<Classification> results,
                        classifier.Classify(batch, 1));
    for (Classification& c : results) out.push_back(std::move(c));
  }
  return out;
}

bool Right(const Example& example, const Classification& result) {
  return !result.topics.empty() && result.topics[0].topic_id == example.topic;
}

void AppendPaired(const std::string& name, const PairedTally& t,
                  std::string* out) {
  const auto [low, high] = t.Interval95();
  absl::StrAppendFormat(
      out,
      "%-5s %+6.2f points  95%% CI %+.2f to %+.2f  (only a right: %d, only "
      "b right: %d, of %d)\n",
      name, 100 * t.difference(), 100 * low, 100 * high, t.only_a, t.only_b,
      t.total);
}

}  // namespace

std::pair<double, double> PairedTally::Interval95() const {
  if (total <= 0) return {0.0, 0.0};
  constexpr double kZ = 1.959963984540054;
  const double n = total;
  const double gap = only_a - only_b;
  const double se =
      std::sqrt(std::max(0.0, only_a + only_b - gap * gap / n)) / n;
  return {std::max(-1.0, difference() - kZ * se),
          std::min(1.0, difference() + kZ * se)};
}

absl::StatusOr<PairedReport> ComparePaired(TopicClassifier& a,
                                           TopicClassifier& b,
                                           absl::Span<const Example> examples) {
  RR_ASSIGN_OR_RETURN(std::vector<Classification> ra, ClassifyAll(a, examples));
  RR_ASSIGN_OR_RETURN(std::vector<Classification> rb, ClassifyAll(b, examples));
  PairedReport report;
  for (size_t i = 0; i < examples.size(); ++i) {
    const bool right_a = Right(examples[i], ra[i]);
    const bool right_b = Right(examples[i], rb[i]);
    const std::string& language =
        examples[i].language.empty() ? ra[i].language : examples[i].language;
    for (PairedTally* t : {&report.overall, &report.by_language[language]}) {
      ++t->total;
      t->only_a += right_a && !right_b;
      t->only_b += right_b && !right_a;
    }
  }
  return report;
}

std::string FormatPaired(const PairedReport& report) {
  std::string out;
  for (const auto& [language, tally] : report.by_language) {
    AppendPaired(language, tally, &out);
  }
  AppendPaired("all", report.overall, &out);
  return out;
}

std::pair<double, double> Tally::Interval95() const {
  if (total <= 0) return {0.0, 1.0};
  constexpr double kZ = 1.959963984540054;
  const double n = total;
  const double p = accuracy();
  const double shrink = 1.0 + kZ * kZ / n;
  const double center = (p + kZ * kZ / (2.0 * n)) / shrink;
  const double half =
      kZ / shrink * std::sqrt(p * (1.0 - p) / n + kZ * kZ / (4.0 * n * n));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

absl::StatusOr<EvalReport> Evaluate(TopicClassifier& classifier,
                                    absl::Span<const Example> examples,
                                    std::vector<std::string> topics) {
  for (const Example& e : examples) {
    if (IndexOf(topics, e.topic) == topics.size()) topics.push_back(e.topic);
  }
  EvalReport report;
  report.topics = std::move(topics);
  report.confusion.assign(report.topics.size(),
                          std::vector<int>(report.topics.size() + 1, 0));
  RR_ASSIGN_OR_RETURN(std::vector<Classification> results,
                      ClassifyAll(classifier, examples));
  for (size_t i = 0; i < examples.size(); ++i) {
    Tabulate(examples[i], results[i], report);
  }
  report.macro_f1 = MacroF1(report.confusion);
  return report;
}

std::string FormatReport(const EvalReport& report) {
  std::string out;
  for (const auto& [language, tally] : report.by_language) {
    AppendAccuracy(language, tally, &out);
  }
  AppendAccuracy("all", report.overall, &out);
  absl::StrAppendFormat(&out, "macro-F1       %6.2f %%\n\n",
                        100 * report.macro_f1);
  out += "confusion (rows: truth, columns: predicted; - = no topic)\n";
  for (size_t j = 0; j < report.topics.size(); ++j) {
    absl::StrAppendFormat(&out, "%s%5zu", j == 0 ? std::string(22, ' ') : "", j);
  }
  out += "    -\n";
  for (size_t i = 0; i < report.topics.size(); ++i) {
    absl::StrAppendFormat(&out, "%2zu %-19.19s", i, report.topics[i]);
    for (int count : report.confusion[i]) absl::StrAppendFormat(&out, "%5d", count);
    out += "\n";
  }
  return out;
}

}  // namespace reachrank::topics
