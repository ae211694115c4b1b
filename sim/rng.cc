#include "sim/rng.h"

#include <algorithm>

namespace reachrank::sim {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed) : seed_(seed) {
  uint64_t x = seed;
  for (uint64_t& s : s_) s = SplitMix64(x);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

Rng Rng::Fork(uint64_t key) const {
  uint64_t x = seed_ ^ (key * 0xd1342543de82ef95ull);
  return Rng(SplitMix64(x));
}

double Rng::Normal() {
  // 1 - Uniform() lies in (0, 1], so the log is finite.
  const double u1 = 1.0 - Uniform();
  const double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

int64_t Rng::Binomial(int64_t n, double p) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n < 40) {
    int64_t k = 0;
    for (int64_t i = 0; i < n; ++i) k += Bernoulli(p);
    return k;
  }
  const double mean = n * p;
  const double sd = std::sqrt(mean * (1 - p));
  const int64_t k = std::llround(Normal(mean, sd));
  return std::clamp<int64_t>(k, 0, n);
}

}  // namespace reachrank::sim
