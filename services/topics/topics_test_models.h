// Test-only helpers around the build's default topic model: copies of it
// under another version or damaged, and the SIB-200 test sentences.
#ifndef REACHRANK_SERVICES_TOPICS_TOPICS_TEST_MODELS_H_
#define REACHRANK_SERVICES_TOPICS_TOPICS_TEST_MODELS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "topics/dataset.h"

namespace reachrank::testing {

// The build's default model directory.
std::string DefaultTopicModel();

// A copy of the default model re-sealed under model name `name`: the same
// predictions, model_version "<name>-ft-...". In a fresh temp directory.
absl::StatusOr<std::string> MakeRenamedTopicModel(const std::string& name);

// A copy of the default model whose model.bin is truncated, so that its
// fingerprint check fails. In a fresh temp directory.
absl::StatusOr<std::string> MakeBrokenTopicModel();

// SIB-200's test split of one language directory ("eng_Latn", "deu_Latn",
// "zho_Hans").
absl::StatusOr<std::vector<topics::Example>> Sib200Test(
    const std::string& language_dir);

}  // namespace reachrank::testing

#endif  // REACHRANK_SERVICES_TOPICS_TOPICS_TEST_MODELS_H_
