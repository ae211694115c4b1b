// Sentences to write simulated posts with: the bundled SIB-200 sentences of
// each topic in English, German and Chinese (data/sib200).
#ifndef REACHRANK_SIM_CORPUS_H_
#define REACHRANK_SIM_CORPUS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reachrank::sim {

// Immutable after Load; thread-safe for readers.
class Corpus {
 public:
  // Reads {eng_Latn,deu_Latn,zho_Hans}/{train,dev,test}.tsv under `dir`.
  // NOT_FOUND when a language's files are missing; INVALID_ARGUMENT on a
  // malformed row.
  static absl::StatusOr<Corpus> Load(const std::string& dir);

  // Sentences of `topic` in `language` ("en", "de", "zh"); empty if none.
  const std::vector<std::string>& Sentences(const std::string& language,
                                            const std::string& topic) const;

 private:
  std::map<std::pair<std::string, std::string>, std::vector<std::string>>
      sentences_;
};

}  // namespace reachrank::sim

#endif  // REACHRANK_SIM_CORPUS_H_
