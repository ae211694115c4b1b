#include "services/common/topics_client.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <utility>

#include "services/common/grpc_status.h"
#include "services/common/send_in_halves.h"

namespace reachrank::services {
namespace {

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

std::vector<topics::Classification> FromResponse(
    const v1::ClassifyResponse& response) {
  std::vector<topics::Classification> out;
  out.reserve(response.results_size());
  for (const v1::ClassifyResult& r : response.results()) {
    topics::Classification c;
    c.id = r.id();
    c.language = r.language();
    for (const v1::TopicScore& t : r.topics()) {
      c.topics.push_back({t.topic_id(), t.probability()});
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcTopicClassifier>>
GrpcTopicClassifier::Create(const TopicsClientOptions& options) {
  if (options.address.empty()) {
    return absl::InvalidArgumentError("topics address: must not be empty");
  }
  // round_robin over every address the name resolves to: the topic
  // Service is headless, one DNS record per replica.
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  return Create(options, grpc::CreateCustomChannel(
                             options.address,
                             options.credentials != nullptr
                                 ? options.credentials
                                 : grpc::InsecureChannelCredentials(),
                             args));
}

absl::StatusOr<std::unique_ptr<GrpcTopicClassifier>>
GrpcTopicClassifier::Create(const TopicsClientOptions& options,
                            std::shared_ptr<grpc::Channel> channel) {
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError("topics max_attempts: must be >= 1");
  }
  return std::unique_ptr<GrpcTopicClassifier>(
      new GrpcTopicClassifier(options, std::move(channel)));
}

GrpcTopicClassifier::GrpcTopicClassifier(const TopicsClientOptions& options,
                                         std::shared_ptr<grpc::Channel> channel)
    : options_(options), stub_(v1::TopicService::NewStub(channel)) {}

absl::StatusOr<std::vector<topics::Classification>>
GrpcTopicClassifier::Classify(absl::Span<const topics::TextItem> items,
                              int top_k) {
  if (items.size() > topics::kMaxBatchItems) {
    return absl::ResourceExhaustedError("items: at most 1000 per call");
  }
  return ClassifyInParts(items, top_k);
}

absl::StatusOr<std::vector<topics::Classification>>
GrpcTopicClassifier::ClassifyInParts(absl::Span<const topics::TextItem> items,
                                     int top_k) {
  auto build = [top_k](absl::Span<const topics::TextItem> part) {
    v1::ClassifyRequest request;
    request.set_top_k(top_k > 0 ? top_k : 0);
    for (const topics::TextItem& item : part) {
      v1::ClassifyItem* out = request.add_items();
      out->set_id(item.id);
      out->set_text(item.text);
      out->set_language(item.language);
      out->mutable_hashtags()->Assign(item.hashtags.begin(),
                                      item.hashtags.end());
    }
    return request;
  };
  return SendInHalves(items, options_.max_request_bytes, build,
                      [this](const v1::ClassifyRequest& request, size_t) {
                        return ClassifyOnce(request);
                      });
}

absl::StatusOr<std::vector<topics::Classification>>
GrpcTopicClassifier::ClassifyOnce(const v1::ClassifyRequest& request) {
  absl::StatusOr<v1::ClassifyResponse> response = CallWithRetries(request);
  if (!response.ok()) return response.status();
  if (response->results_size() != request.items_size()) {
    return absl::InternalError(
        "topic service answered " + std::to_string(response->results_size()) +
        " results for " + std::to_string(request.items_size()) + " items");
  }
  absl::MutexLock lock(&mu_);
  model_version_ = response->model_version();
  return FromResponse(*response);
}

absl::StatusOr<v1::ClassifyResponse> GrpcTopicClassifier::CallWithRetries(
    const v1::ClassifyRequest& request) {
  absl::Duration backoff = options_.initial_backoff;
  grpc::Status status;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1) {
      absl::SleepFor(backoff);
      backoff *= 2;
    }
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
    v1::ClassifyResponse response;
    status = stub_->Classify(&context, request, &response);
    if (status.ok()) return response;
    if (!Retryable(status.error_code())) break;
  }
  return ToAbslStatus(status);
}

std::string GrpcTopicClassifier::ModelVersion() const {
  absl::MutexLock lock(&mu_);
  return model_version_;
}

absl::StatusOr<std::unique_ptr<topics::TopicClassifier>> NewTopicClassifier(
    TopicsClientOptions options, const ClientTlsOptions& security) {
  if (options.address.empty()) {
    if (!security.ca_file.empty() || !security.cert_file.empty() ||
        !security.key_file.empty() || !security.token_file.empty()) {
      return absl::InvalidArgumentError(
          "--topics-tls-ca, --topics-tls-cert, --topics-tls-key and "
          "--topics-token-file: need --topics (without it no topic service "
          "is called)");
    }
    return nullptr;
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(security);
  if (!credentials.ok()) return credentials.status();
  options.credentials = *std::move(credentials);
  absl::StatusOr<std::unique_ptr<GrpcTopicClassifier>> client =
      GrpcTopicClassifier::Create(options);
  if (!client.ok()) return client.status();
  return std::unique_ptr<topics::TopicClassifier>(*std::move(client));
}

}  // namespace reachrank::services
