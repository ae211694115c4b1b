#include "services/topics/default_model.h"

#include <filesystem>
#include <system_error>

namespace reachrank::topics_service {

std::string DefaultTopicModelDir() {
  const std::filesystem::path relative =
      std::filesystem::path("models") / "topics-default";
  std::error_code error;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return relative.string();
  return (exe.parent_path().parent_path() / relative).string();
}

}  // namespace reachrank::topics_service
