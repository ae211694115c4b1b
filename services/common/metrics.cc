#include "services/common/metrics.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "prometheus/exposer.h"
#include "prometheus/gauge.h"

#ifndef REACHRANK_BUILD_VERSION
#define REACHRANK_BUILD_VERSION "unknown"
#endif
#ifndef REACHRANK_BUILD_REVISION
#define REACHRANK_BUILD_REVISION "unknown"
#endif

namespace reachrank::services {

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::BuildGauge()
      .Name("reachrank_build_info")
      .Help("Build of the running binary; the value is always 1.")
      .Register(*registry_)
      .Add({{"version", REACHRANK_BUILD_VERSION},
            {"revision", REACHRANK_BUILD_REVISION}})
      .Set(1);
}

Metrics::~Metrics() { Stop(); }

absl::Status Metrics::Serve(const std::string& listen) {
  absl::MutexLock lock(&mu_);
  if (exposer_ != nullptr) {
    return absl::FailedPreconditionError("metrics endpoint already serving");
  }
  // prometheus-cpp (civetweb) reports a failed bind by throwing; keep the
  // exception inside this function.
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, /*threads=*/2);
  } catch (const std::exception& e) {
    return absl::UnavailableError("cannot serve metrics on " + listen + ": " +
                                  e.what());
  }
  exposer_->RegisterCollectable(registry_);
  for (const auto& c : extra_) exposer_->RegisterCollectable(c);
  return absl::OkStatus();
}

int Metrics::port() const {
  absl::MutexLock lock(&mu_);
  if (exposer_ == nullptr) return 0;
  std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void Metrics::AddCollectable(
    std::shared_ptr<prometheus::Collectable> collectable) {
  absl::MutexLock lock(&mu_);
  if (exposer_ != nullptr) exposer_->RegisterCollectable(collectable);
  extra_.push_back(std::move(collectable));
}

void Metrics::RemoveCollectable(
    const std::shared_ptr<prometheus::Collectable>& c) {
  absl::MutexLock lock(&mu_);
  if (exposer_ != nullptr) exposer_->RemoveCollectable(c);
  extra_.erase(std::remove(extra_.begin(), extra_.end(), c), extra_.end());
}

void Metrics::Stop() {
  std::unique_ptr<prometheus::Exposer> exposer;
  {
    absl::MutexLock lock(&mu_);
    exposer = std::move(exposer_);
  }
  // The destructor joins civetweb's threads; do it outside the lock.
  exposer.reset();
}

}  // namespace reachrank::services
