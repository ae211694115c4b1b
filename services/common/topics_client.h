// topics_client: a topics::TopicClassifier that calls a remote
// reachrank.v1.TopicService/Classify, with a per-attempt deadline and a
// bounded number of attempts for transient failures.
#ifndef REACHRANK_SERVICES_COMMON_TOPICS_CLIENT_H_
#define REACHRANK_SERVICES_COMMON_TOPICS_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "reachrank/v1/topics.grpc.pb.h"
#include "services/common/tls_options.h"
#include "topics/classifier.h"

namespace reachrank::services {

struct TopicsClientOptions {
  // "host:port" of the topic service.
  std::string address;
  // TLS and bearer token (tls_options.h); nullptr: plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials{};
  // Deadline of each attempt.
  absl::Duration deadline = absl::Seconds(2);
  // Attempts per Classify call (>= 1); only UNAVAILABLE, DEADLINE_EXCEEDED
  // and RESOURCE_EXHAUSTED answers are retried.
  int max_attempts = 3;
  // Pause before the second attempt; doubles for each further one.
  absl::Duration initial_backoff = absl::Milliseconds(50);
  // A batch whose request would be larger is sent in halves (recursively),
  // so that no request reaches the topic server's 8 MiB message limit: 500
  // posts of the largest text and hashtags ingest accepts make 12 MiB.
  size_t max_request_bytes = 4 << 20;
};

// The gRPC implementation of TopicClassifier. Thread-safe.
class GrpcTopicClassifier final : public topics::TopicClassifier {
 public:
  // Creates a client whose channel balances round-robin over every address
  // the name resolves to (the replicas behind a headless Service); the
  // connection is made lazily, so an absent server is not an error here.
  // INVALID_ARGUMENT for an empty address or max_attempts < 1.
  static absl::StatusOr<std::unique_ptr<GrpcTopicClassifier>> Create(
      const TopicsClientOptions& options);
  // Same, over an existing channel (tests, in-process channels).
  static absl::StatusOr<std::unique_ptr<GrpcTopicClassifier>> Create(
      const TopicsClientOptions& options,
      std::shared_ptr<grpc::Channel> channel);

  // See TopicClassifier. Remote errors keep their code; UNAVAILABLE (or
  // DEADLINE_EXCEEDED) after the last failed attempt.
  absl::StatusOr<std::vector<topics::Classification>> Classify(
      absl::Span<const topics::TextItem> items, int top_k) override;
  // The model version of the last successful answer; "" before one.
  std::string ModelVersion() const override;

 private:
  GrpcTopicClassifier(const TopicsClientOptions& options,
                      std::shared_ptr<grpc::Channel> channel);
  // Classify of `items` as one request, or in halves when it would exceed
  // max_request_bytes.
  absl::StatusOr<std::vector<topics::Classification>> ClassifyInParts(
      absl::Span<const topics::TextItem> items, int top_k);
  // One request with retries, its answer checked and converted.
  absl::StatusOr<std::vector<topics::Classification>> ClassifyOnce(
      const v1::ClassifyRequest& request);
  absl::StatusOr<v1::ClassifyResponse> CallWithRetries(
      const v1::ClassifyRequest& request);

  // Constant after construction.
  const TopicsClientOptions options_;
  const std::unique_ptr<v1::TopicService::Stub> stub_;

  mutable absl::Mutex mu_;
  std::string model_version_ ABSL_GUARDED_BY(mu_);
};

// The topic client a service binary runs with: a GrpcTopicClassifier of
// `options` whose credentials come from `security`, or nullptr when
// `options.address` is empty (the binary then has no topic service;
// INVALID_ARGUMENT if `security` names any file, which would be ignored).
// The credentials' errors (MakeChannelCredentials), then Create's.
absl::StatusOr<std::unique_ptr<topics::TopicClassifier>> NewTopicClassifier(
    TopicsClientOptions options, const ClientTlsOptions& security);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_TOPICS_CLIENT_H_
