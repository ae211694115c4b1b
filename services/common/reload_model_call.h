// reload_model_call: the ReloadModel RPC of every service that serves a
// model (reachrank.v1.TopicService, reachrank.v1.RankingService): their
// requests carry `model_dir` and their responses `model_version` and
// `previous_model_version`, and their cores reload the same way.
#ifndef REACHRANK_SERVICES_COMMON_RELOAD_MODEL_CALL_H_
#define REACHRANK_SERVICES_COMMON_RELOAD_MODEL_CALL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include "absl/strings/str_cat.h"
#include "services/common/lenient_call.h"
#include "services/common/limited_call.h"
#include "services/common/log.h"

namespace reachrank::services {

// Runs a ReloadModel call: `core.Reload(model_dir)` ("" : the configured
// directory) and, when it succeeds, the versions now and before in the
// response; the call finishes with Reload's status, which is logged on
// stderr with the caller's address. The request (a `Request` on the wire)
// is decoded leniently (lenient_call.h): bytes that are not one are
// INVALID_ARGUMENT, and a model_dir that is not UTF-8 is looked for as it
// is. Never refused for load (no InFlightLimit): an operator must be able
// to reload a saturated server. `Core` is TopicsCore or RankCore.
template <typename Request, typename Response, typename Core>
grpc::ServerUnaryReactor* RunReloadModel(grpc::CallbackServerContext* context,
                                         Core& core,
                                         const grpc::ByteBuffer& request,
                                         grpc::ByteBuffer* response) {
  return RunLenientUnary<Request, Response>(
      context, /*limit=*/nullptr, request, response,
      [&](const Request& typed, Response* out) {
        auto outcome = core.Reload(typed.model_dir());
        // Logged as a reload by SIGHUP is: an operator answering a refused
        // reload reads why here.
        LogLine(absl::StrCat(
            "ReloadModel from ", context->peer(), ": ",
            outcome.ok()
                ? absl::StrCat("now serving ", outcome->model_version, " (was ",
                               outcome->previous_model_version, ")")
                : outcome.status().ToString()));
        if (outcome.ok()) {
          out->set_model_version(outcome->model_version);
          out->set_previous_model_version(outcome->previous_model_version);
        }
        return outcome.status();
      });
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_RELOAD_MODEL_CALL_H_
