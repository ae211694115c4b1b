#include "services/common/grpc_server_metrics.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"

namespace reachrank::services {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

// 0.5 ms .. 5 s: ingest calls take around a millisecond; slow ones are the
// interesting tail.
const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,  0.5,    1,     2.5,  5};
  return *kBuckets;
}

const char* TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

// gRPC's health service, whose messages are not in the protobuf pool.
constexpr absl::string_view kHealthService = "grpc.health.v1.Health";

// True when this binary knows "pkg.Service" / "Method": a method of a
// protobuf service compiled into it, or of the health service.
bool IsKnownMethod(absl::string_view service, absl::string_view method) {
  if (service == kHealthService) return method == "Check" || method == "Watch";
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
             absl::StrCat(service, ".", method)) != nullptr;
}

// One per RPC, created and destroyed by gRPC.
class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcServerMetrics& metrics,
                     const GrpcServerMetrics::MethodMetrics& method)
      : metrics_(metrics),
        method_(method),
        start_(std::chrono::steady_clock::now()) {
    method_.started->Increment();
  }

  // An RPC that ends without sending a status (the client went away) counts
  // as CANCELLED.
  ~MetricsInterceptor() override {
    if (!finished_) Finish(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        m->GetRecvMessage() != nullptr) {
      method_.received->Increment();
    }
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      method_.sent->Increment();
    }
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS) &&
        !finished_) {
      Finish(m->GetSendStatus().error_code());
    }
    m->Proceed();
  }

 private:
  void Finish(grpc::StatusCode code) {
    finished_ = true;
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start_;
    metrics_.Handled(method_, code, elapsed.count());
  }

  GrpcServerMetrics& metrics_;
  const GrpcServerMetrics::MethodMetrics& method_;
  const std::chrono::steady_clock::time_point start_;
  bool finished_ = false;  // hooks of one RPC never run concurrently
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics& metrics)
      : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    const char* method = info->method();
    if (method == nullptr) return nullptr;
    return new MetricsInterceptor(metrics_,
                                  *metrics_.ForMethod(method, info->type()));
  }

 private:
  GrpcServerMetrics& metrics_;
};

}  // namespace

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("RPCs completed on the server, by status code.")
                   .Register(registry)),
      handling_seconds_(
          prometheus::BuildHistogram()
              .Name("grpc_server_handling_seconds")
              .Help("Time from the start of an RPC to its status, seconds.")
              .Register(registry)),
      received_(prometheus::BuildCounter()
                    .Name("grpc_server_msg_received_total")
                    .Help("Request messages received by the server.")
                    .Register(registry)),
      sent_(prometheus::BuildCounter()
                .Name("grpc_server_msg_sent_total")
                .Help("Response messages sent by the server.")
                .Register(registry)) {}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::NewInterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(*this);
}

const GrpcServerMetrics::MethodMetrics* GrpcServerMetrics::ForMethod(
    absl::string_view full_method, ServerRpcInfo::Type type) {
  // "/reachrank.v1.IngestService/UpsertPosts" -> service, method.
  absl::string_view name = absl::StripPrefix(full_method, "/");
  size_t slash = name.rfind('/');
  absl::string_view service = slash == name.npos ? "" : name.substr(0, slash);
  absl::string_view method = slash == name.npos ? name : name.substr(slash + 1);
  if (!IsKnownMethod(service, method)) service = method = kUnknownMethod;
  std::string key =
      absl::StrCat(service, "/", method, "#", static_cast<int>(type));
  absl::MutexLock lock(&mu_);
  auto it = methods_.find(key);
  if (it != methods_.end()) return it->second.get();
  prometheus::Labels labels = {{"grpc_type", TypeName(type)},
                               {"grpc_service", std::string(service)},
                               {"grpc_method", std::string(method)}};
  auto m = std::make_unique<MethodMetrics>(MethodMetrics{
      &started_.Add(labels), &received_.Add(labels), &sent_.Add(labels),
      &handling_seconds_.Add(labels, Buckets()), labels});
  const MethodMetrics* result = m.get();
  methods_.emplace(std::move(key), std::move(m));
  return result;
}

void GrpcServerMetrics::Handled(const MethodMetrics& method,
                                grpc::StatusCode code, double seconds) {
  prometheus::Labels labels = method.labels;
  labels.emplace("grpc_code", GrpcCodeName(code));
  handled_.Add(labels).Increment();
  method.seconds->Observe(seconds);
}

const char* GrpcCodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

}  // namespace reachrank::services
