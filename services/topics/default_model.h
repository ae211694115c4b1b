// default_model: where a build (build/bin) or an install (bin/) keeps the
// default topic model, found from the running binary like the CLI finds it.
#ifndef REACHRANK_SERVICES_TOPICS_DEFAULT_MODEL_H_
#define REACHRANK_SERVICES_TOPICS_DEFAULT_MODEL_H_

#include <string>

namespace reachrank::topics_service {

// <directory of the running binary>/../models/topics-default, or the
// relative "models/topics-default" when the binary cannot be located.
std::string DefaultTopicModelDir();

}  // namespace reachrank::topics_service

#endif  // REACHRANK_SERVICES_TOPICS_DEFAULT_MODEL_H_
