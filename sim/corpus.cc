#include "sim/corpus.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace reachrank::sim {
namespace {

const std::pair<const char*, const char*> kLanguageDirs[] = {
    {"en", "eng_Latn"}, {"de", "deu_Latn"}, {"zh", "zho_Hans"}};

}  // namespace

absl::StatusOr<Corpus> Corpus::Load(const std::string& dir) {
  Corpus corpus;
  for (const auto& [language, sub] : kLanguageDirs) {
    int files = 0;
    for (const char* split : {"train", "dev", "test"}) {
      const std::string path = absl::StrCat(dir, "/", sub, "/", split, ".tsv");
      std::ifstream in(path);
      if (!in) continue;
      ++files;
      std::string line;
      std::getline(in, line);  // header: index_id category text
      for (int row = 2; std::getline(in, line); ++row) {
        std::vector<std::string> cols = absl::StrSplit(line, '\t');
        if (cols.size() != 3) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ":", row, ": expected 3 tab-separated columns"));
        }
        corpus.sentences_[{language, cols[1]}].push_back(cols[2]);
      }
    }
    if (files == 0) {
      return absl::NotFoundError(
          absl::StrCat("no SIB-200 files under ", dir, "/", sub));
    }
  }
  return corpus;
}

const std::vector<std::string>& Corpus::Sentences(
    const std::string& language, const std::string& topic) const {
  static const auto* empty = new std::vector<std::string>();
  auto it = sentences_.find({language, topic});
  return it == sentences_.end() ? *empty : it->second;
}

}  // namespace reachrank::sim
