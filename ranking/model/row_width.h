// row_width: the one shape check every model applies to a batch of rows.
#ifndef REACHRANK_RANKING_MODEL_ROW_WIDTH_H_
#define REACHRANK_RANKING_MODEL_ROW_WIDTH_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reachrank::ranking {

// OK when rows of `n_features` values fit a model of `expected` features;
// INVALID_ARGUMENT saying both otherwise.
inline absl::Status CheckRowWidth(size_t n_features, size_t expected) {
  if (n_features == expected) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "rows have ", n_features, " features; the model expects ", expected));
}

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_MODEL_ROW_WIDTH_H_
