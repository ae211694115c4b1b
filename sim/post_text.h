// How a simulated post looks: its text (a SIB-200 sentence of its topic in
// the author's language, with how-to or daily-life phrasing), media and
// hashtags.
#ifndef REACHRANK_SIM_POST_TEXT_H_
#define REACHRANK_SIM_POST_TEXT_H_

#include <string>

#include "reachrank/v1/common.pb.h"
#include "sim/corpus.h"
#include "sim/rng.h"
#include "sim/world.h"

namespace reachrank::sim {

// Builds the v1::Post for `planned`, drawing text and media from `rng`.
v1::Post MakePost(const World& world, const PlannedPost& planned,
                  const std::string& post_id, const Corpus& corpus, Rng& rng);

}  // namespace reachrank::sim

#endif  // REACHRANK_SIM_POST_TEXT_H_
