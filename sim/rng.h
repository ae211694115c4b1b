// A small, portable, seeded random source. The simulator promises
// byte-identical output for a seed with the same build and C library, so it
// does not use <random>'s distributions (their algorithms are
// implementation-defined); libm's exp/log/pow, which its callers use, may
// still round differently elsewhere (docs/simulator.md).
#ifndef REACHRANK_SIM_RNG_H_
#define REACHRANK_SIM_RNG_H_

#include <cmath>
#include <cstdint>

namespace reachrank::sim {

// xoshiro256** seeded by splitmix64. Not thread-safe; cheap to copy, and
// Fork() derives an independent stream for a sub-task.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  // An independent generator keyed by (this stream's seed, key).
  Rng Fork(uint64_t key) const;
  // Uniform in [0, 1).
  double Uniform() { return (Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal (Box-Muller, one value per call).
  double Normal();
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  double LogNormal(double log_mean, double log_sd) {
    return std::exp(Normal(log_mean, log_sd));
  }
  // Binomial(n, p): exact for small n, a rounded normal otherwise.
  int64_t Binomial(int64_t n, double p);

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

inline double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace reachrank::sim

#endif  // REACHRANK_SIM_RNG_H_
