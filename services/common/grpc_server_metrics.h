// grpc_server_metrics: RED metrics of every RPC a server handles, recorded
// by a server interceptor (works for sync and callback services alike):
//   grpc_server_started_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code}
//   grpc_server_handling_seconds{grpc_type,grpc_service,grpc_method}
//   (histogram)
//   grpc_server_msg_received_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_msg_sent_total{grpc_type,grpc_service,grpc_method}
// Label values follow go-grpc-prometheus: grpc_type is unary, client_stream,
// server_stream or bidi_stream; grpc_code is the code name, e.g. "OK".
#ifndef REACHRANK_SERVICES_COMMON_GRPC_SERVER_METRICS_H_
#define REACHRANK_SERVICES_COMMON_GRPC_SERVER_METRICS_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace reachrank::services {

// grpc_service and grpc_method of calls to methods the binary does not know.
inline constexpr char kUnknownMethod[] = "unknown";

// The metric families above, registered in a registry given at
// construction. Thread-safe.
class GrpcServerMetrics {
 public:
  // The metrics of one method, cached so that an RPC looks them up once.
  struct MethodMetrics {
    prometheus::Counter* started;
    prometheus::Counter* received;
    prometheus::Counter* sent;
    prometheus::Histogram* seconds;
    prometheus::Labels labels;  // grpc_type, grpc_service, grpc_method
  };

  // Registers the families in `registry`, which must outlive *this.
  explicit GrpcServerMetrics(prometheus::Registry& registry);

  // An interceptor factory for grpc::ServerBuilder; it borrows *this, which
  // must outlive the server it is installed in.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  NewInterceptorFactory();

  // The metrics of `full_method` ("/pkg.Service/Method") called as `type`,
  // those of kUnknownMethod when the binary does not know the method. The
  // pointer stays valid as long as *this.
  const MethodMetrics* ForMethod(absl::string_view full_method,
                                 grpc::experimental::ServerRpcInfo::Type type);
  // Counts one finished RPC with `code` that took `seconds`.
  void Handled(const MethodMetrics& method, grpc::StatusCode code,
               double seconds);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& sent_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_
      ABSL_GUARDED_BY(mu_);
};

// The name of a status code as gRPC spells it, e.g. "DEADLINE_EXCEEDED".
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_GRPC_SERVER_METRICS_H_
