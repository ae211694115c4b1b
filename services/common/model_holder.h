// model_holder: a model that can be replaced while it serves. Readers take
// a shared_ptr to the current model and keep it for the length of their
// call, so a reload never pulls a model from under a call in flight; an old
// model is freed when its last reader lets go. A new model is loaded beside
// the serving one and swapped in only when it loaded cleanly, so a broken
// model never replaces a working one.
#ifndef REACHRANK_SERVICES_COMMON_MODEL_HOLDER_H_
#define REACHRANK_SERVICES_COMMON_MODEL_HOLDER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace reachrank::services {

// Thread-safe: Current() may be called from any number of threads while
// Reload() runs; reloads are serialised among themselves.
template <typename Model>
class ModelHolder {
 public:
  // Loads the model in a directory. Its error is what Reload returns.
  using Loader = std::function<absl::StatusOr<std::shared_ptr<Model>>(
      const std::string& dir)>;
  // Told of every swap, in swap order, while no other swap can happen:
  // `previous` is null for the first model.
  using SwapListener =
      std::function<void(const Model* previous, const Model& current)>;

  struct Swap {
    std::shared_ptr<Model> previous;  // null for the first model
    std::shared_ptr<Model> current;
  };

  // Holds no model until the first successful Reload. `configured_dir` is
  // what Reload("") loads.
  ModelHolder(std::string configured_dir, Loader loader,
              SwapListener on_swap = nullptr)
      : configured_dir_(std::move(configured_dir)),
        loader_(std::move(loader)),
        on_swap_(std::move(on_swap)) {}

  ModelHolder(const ModelHolder&) = delete;
  ModelHolder& operator=(const ModelHolder&) = delete;

  // The serving model; null before the first successful Reload. Never
  // waits for a load in progress.
  std::shared_ptr<Model> Current() const {
    absl::MutexLock lock(&mu_);
    return current_;
  }

  // Loads `dir` (empty: the configured directory) beside the serving model
  // and swaps it in. On a load error the serving model is unchanged and the
  // loader's error is returned.
  absl::StatusOr<Swap> Reload(const std::string& dir = "") {
    absl::MutexLock reload_lock(&reload_mu_);
    absl::StatusOr<std::shared_ptr<Model>> loaded =
        loader_(dir.empty() ? configured_dir_ : dir);
    if (!loaded.ok()) return loaded.status();
    if (*loaded == nullptr) return absl::InternalError("loader gave no model");
    Swap swap;
    swap.current = std::move(*loaded);
    {
      absl::MutexLock lock(&mu_);
      swap.previous = std::exchange(current_, swap.current);
    }
    if (on_swap_) on_swap_(swap.previous.get(), *swap.current);
    return swap;
  }

  const std::string& configured_dir() const { return configured_dir_; }

 private:
  // Constant after construction.
  const std::string configured_dir_;
  const Loader loader_;
  const SwapListener on_swap_;

  // Held for a whole Reload (load + swap + listener), never by readers.
  absl::Mutex reload_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<Model> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_MODEL_HOLDER_H_
