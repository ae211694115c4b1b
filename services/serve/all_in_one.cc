#include "services/serve/all_in_one.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/certificate_metrics.h"

namespace reachrank::serve {

AllInOne::AllInOne(const AllInOneOptions& options) : options_(options) {}

AllInOne::~AllInOne() { Shutdown().IgnoreError(); }

absl::StatusOr<std::unique_ptr<AllInOne>> AllInOne::Start(
    const AllInOneOptions& options) {
  std::unique_ptr<AllInOne> node(new AllInOne(options));
  if (!options.metrics_listen.empty()) {
    RR_RETURN_IF_ERROR(node->metrics_.Serve(options.metrics_listen));
  }
  RR_RETURN_IF_ERROR(node->OpenParts());
  services::ServerOptions server_options;
  server_options.listen = options.listen;
  server_options.shutdown_grace = options.shutdown_grace;
  server_options.tls = options.tls;
  if (!options.tls.cert_file.empty()) {
    node->metrics_.AddCollectable(
        std::make_shared<services::CertificateExpiryCollector>(
            options.tls.cert_file, options.tls.refresh_interval_s > 0));
  }
  server_options.auth = options.auth;
  server_options.max_concurrent_streams = options.max_concurrent_streams;
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(node->grpc_metrics_.NewInterceptorFactory());
  RR_ASSIGN_OR_RETURN(node->server_, services::GrpcServer::Start(
                                         server_options, node->HostedServices(),
                                         std::move(interceptors)));
  node->ingest_->classifier().Start();
  node->server_->SetServing(true);
  return node;
}

// The store, then the services over it, each core before its adapter.
absl::Status AllInOne::OpenParts() {
  storage::StoreOptions store_options;
  store_options.path = options_.data;
  store_options.sync = options_.sync;
  store_options.block_cache_bytes = options_.block_cache_bytes;
  store_options.upgrade_progress = options_.upgrade_progress;
  RR_ASSIGN_OR_RETURN(store_, storage::Store::Open(store_options));
  store_collector_ = std::make_shared<services::StoreStatsCollector>(*store_);
  metrics_.AddCollectable(store_collector_);

  topics_ = std::make_unique<topics_service::TopicsCore>(options_.topics_model,
                                                         topics_metrics_);
  RR_RETURN_IF_ERROR(topics_->Reload().status());
  topic_service_ = std::make_unique<topics_service::TopicServiceImpl>(
      *topics_, &topics_limit_);

  ingest::IngestCoreOptions ingest_options;
  ingest_options.classification.interval = options_.reclassify_interval;
  ingest_options.shard = options_.shard;
  ingest_ = std::make_unique<ingest::IngestCore>(
      *store_, topics_.get(), ingest_metrics_, ingest_options);
  ingest_service_ =
      std::make_unique<ingest::IngestServiceImpl>(*ingest_, &ingest_limit_);
  return OpenRanking();
}

absl::Status AllInOne::OpenRanking() {
  ranking::ScorerOptions scorer_options;
  scorer_options.features.context_ttl = ranking::kServingContextTtl;
  auto scorer = ranking::Scorer::Create(
      *store_, topics_.get(), std::move(scorer_options), options_.rank_model);
  if (!scorer.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("ranking model ", options_.rank_model, ": ",
                     scorer.status().message()));
  }
  scorer_ = std::move(*scorer);
  rank::RankCoreOptions rank_options;
  rank_options.model_dir = options_.rank_model;
  rank_options.shard = options_.shard;
  rank_service_ = std::make_unique<rank::RankingServiceImpl>(
      *scorer_, rank_metrics_, rank_options, &rank_limit_);
  return absl::OkStatus();
}

std::vector<services::HostedService> AllInOne::HostedServices() {
  return {{v1::IngestService::service_full_name(), ingest_service_.get(),
           &ingest_limit_},
          {v1::TopicService::service_full_name(), topic_service_.get(),
           &topics_limit_},
          {v1::RankingService::service_full_name(), rank_service_.get(),
           &rank_limit_}};
}

std::string AllInOne::ModelVersions() const {
  return "topics " + topics_->ModelVersion() + ", rank " +
         rank_service_->core().model_version();
}

absl::Status AllInOne::ReloadModels() {
  absl::Status topics = topics_->Reload().status();
  absl::Status rank = rank_service_->core().Reload().status();
  return topics.ok() ? rank : topics;
}

absl::Status AllInOne::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return absl::OkStatus();
  shut_down_ = true;
  if (server_ != nullptr) server_->Shutdown();
  if (ingest_ != nullptr) ingest_->classifier().Stop();
  if (store_ == nullptr) return absl::OkStatus();
  // Nothing may read the store once it closes: not even a scrape.
  metrics_.RemoveCollectable(store_collector_);
  metrics_.Stop();
  absl::Status flushed = store_->Flush();
  rank_service_.reset();
  scorer_.reset();
  ingest_service_.reset();
  ingest_.reset();
  store_.reset();
  return flushed;
}

}  // namespace reachrank::serve
