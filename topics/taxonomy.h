// The taxonomy: the topic ids a model predicts, with display names by
// language. Stored as data (a TSV file), so an operator's taxonomy needs no
// code change.
//
// File format: UTF-8 TSV, header `topic_id<TAB><lang><TAB><lang>...` (for
// the default: `topic_id en de zh`), then one topic per line. Topic ids are
// non-empty and contain no whitespace.
#ifndef REACHRANK_TOPICS_TAXONOMY_H_
#define REACHRANK_TOPICS_TAXONOMY_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reachrank::topics {

struct Topic {
  std::string id;
  std::map<std::string, std::string> display_names;  // language -> name
};

// The longest topic id: what storage keeps as a key part (a longer one
// would be refused there and stop every classification).
inline constexpr size_t kMaxTopicIdBytes = 256;

// An immutable list of topics. Thread-safe (const after construction).
class Taxonomy {
 public:
  Taxonomy() = default;
  // Takes `topics` as they are, in order; Parse is the checked way in
  // (unique, well-formed ids).
  explicit Taxonomy(std::vector<Topic> topics);

  // Parses the TSV format above. INVALID_ARGUMENT naming the line for a
  // malformed or duplicate row, or for no topics at all.
  static absl::StatusOr<Taxonomy> Parse(absl::string_view tsv);
  // Reads and parses a file; NOT_FOUND when it cannot be read.
  static absl::StatusOr<Taxonomy> Load(const std::string& path);
  // A taxonomy whose display names are the ids themselves, in every
  // language of `languages`.
  static Taxonomy FromIds(const std::vector<std::string>& ids,
                          const std::vector<std::string>& languages);

  // The TSV text that Parse reads back into this taxonomy.
  std::string ToTsv() const;

  const std::vector<Topic>& topics() const { return topics_; }
  // Whether a topic has the id `id` (exact bytes).
  bool Contains(absl::string_view id) const;

 private:
  std::vector<Topic> topics_;
};

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_TAXONOMY_H_
