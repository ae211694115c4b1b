#include "services/topics/topics_test_models.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/test_support.h"
#include "topics/model_dir.h"

#ifndef REACHRANK_TOPICS_MODEL_DIR
#error "REACHRANK_TOPICS_MODEL_DIR must name the default topic model"
#endif
#ifndef REACHRANK_SIB200_DIR
#error "REACHRANK_SIB200_DIR must name data/sib200"
#endif

namespace reachrank::testing {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> CopyDefault(const std::string& prefix) {
  RR_ASSIGN_OR_RETURN(std::string dir, MakeTempDir(prefix));
  const std::string model = dir + "/model";
  std::error_code error;
  fs::copy(DefaultTopicModel(), model, fs::copy_options::recursive, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("copy ", DefaultTopicModel(), ": ", error.message()));
  }
  return model;
}

}  // namespace

std::string DefaultTopicModel() { return REACHRANK_TOPICS_MODEL_DIR; }

absl::StatusOr<std::string> MakeRenamedTopicModel(const std::string& name) {
  RR_ASSIGN_OR_RETURN(std::string dir, CopyDefault("topics_model_" + name));
  RR_ASSIGN_OR_RETURN(topics::ModelMetadata metadata,
                      topics::OpenModelDir(dir));
  metadata.name = name;
  RR_RETURN_IF_ERROR(topics::SealModelDir(dir, metadata));
  return dir;
}

absl::StatusOr<std::string> MakeBrokenTopicModel() {
  RR_ASSIGN_OR_RETURN(std::string dir, CopyDefault("topics_model_broken"));
  const fs::path bin = fs::path(dir) / topics::kTopicModelFile;
  std::error_code error;
  fs::resize_file(bin, fs::file_size(bin, error) / 2, error);
  if (error) return absl::InternalError("truncate: " + error.message());
  return dir;
}

absl::StatusOr<std::vector<topics::Example>> Sib200Test(
    const std::string& language_dir) {
  return topics::ReadExamples(
      absl::StrCat(REACHRANK_SIB200_DIR, "/", language_dir, "/test.tsv"));
}

}  // namespace reachrank::testing
