#include "services/common/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "prometheus/exposer.h"
#include "prometheus/gauge.h"
#include "services/common/build_info.h"

namespace reachrank::services {
namespace {

prometheus::MetricFamily ProcessFamily(std::string name, std::string help,
                                       prometheus::MetricType type,
                                       double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return {std::move(name), std::move(help), type, {std::move(metric)}};
}

// Fields of /proc/self/stat after the command name (which may hold spaces
// and parentheses, hence the search for the last ')'): fields[0] is field 3,
// "state", of proc(5).
std::vector<std::string> StatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  size_t paren = line.rfind(')');
  if (paren == std::string::npos) return {};
  std::istringstream rest(line.substr(paren + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

// Never throws, unlike std::stod: a malformed field reads as 0.
double Num(const std::string& field) {
  return std::strtod(field.c_str(), nullptr);
}

// Seconds since the epoch at which the system booted, from /proc/stat.
double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double btime = 0;
      in >> btime;
      return btime;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // utime, stime, starttime, vsize and rss are fields 14, 15, 22, 23, 24.
  std::vector<std::string> stat = StatFields();
  if (stat.size() > 21 && ticks > 0) {
    out.push_back(ProcessFamily(
        "process_cpu_seconds_total", "User and system CPU time, seconds.",
        MetricType::Counter,
        (Num(stat[11]) + Num(stat[12])) / ticks));
    double boot = BootTimeSeconds();
    if (boot > 0) {
      out.push_back(ProcessFamily(
          "process_start_time_seconds",
          "Start time of the process since the Unix epoch, seconds.",
          MetricType::Gauge, boot + Num(stat[19]) / ticks));
    }
    out.push_back(ProcessFamily("process_virtual_memory_bytes",
                                "Virtual memory size, bytes.",
                                MetricType::Gauge, Num(stat[20])));
    out.push_back(ProcessFamily("process_resident_memory_bytes",
                                "Resident memory size, bytes.",
                                MetricType::Gauge, Num(stat[21]) * page));
  }
  std::error_code error;
  double fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end;
       !error && it != end; it.increment(error)) {
    ++fds;
  }
  if (!error) {
    out.push_back(ProcessFamily("process_open_fds", "Open file descriptors.",
                                MetricType::Gauge, fds));
  }
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.push_back(ProcessFamily("process_max_fds",
                                "Most open file descriptors allowed.",
                                MetricType::Gauge,
                                static_cast<double>(limit.rlim_cur)));
  }
  return out;
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::BuildGauge()
      .Name("reachrank_build_info")
      .Help("Build of the running binary; the value is always 1.")
      .Register(*registry_)
      .Add({{"version", std::string(BuildVersion())},
            {"revision", std::string(BuildRevision())}})
      .Set(1);
  extra_.push_back(std::make_shared<ProcessCollector>());
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
