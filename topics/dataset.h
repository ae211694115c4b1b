// Labelled examples for training and evaluation, read from SIB-200 style
// TSV (header `index_id<TAB>category<TAB>text`) or JSONL
// (`{"text": ..., "topic": ..., "language": ...}`, language optional).
#ifndef REACHRANK_TOPICS_DATASET_H_
#define REACHRANK_TOPICS_DATASET_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace reachrank::topics {

struct Example {
  std::string text;
  std::string topic;
  std::string language;  // "en", "de", "zh"...; empty when unknown
  std::string where = "";  // "path:line" it was read from; empty if built
};

// The language of a SIB-200 / FLORES-200 directory name such as
// "eng_Latn" ("en"), "deu_Latn" ("de"), "zho_Hans" ("zh"); "" otherwise.
std::string LanguageOfFloresCode(absl::string_view code);

// Reads a data file: JSONL when its name ends in ".jsonl" or ".json", TSV
// otherwise. For TSV the language comes from the parent directory's name
// (LanguageOfFloresCode). INVALID_ARGUMENT naming the file and line for a
// malformed row, invalid UTF-8, or a topic containing whitespace; NOT_FOUND
// when the file cannot be read. Texts of any length are read (training
// takes them; `topics eval` refuses what the classifier would).
absl::StatusOr<std::vector<Example>> ReadExamples(const std::string& path);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_DATASET_H_
