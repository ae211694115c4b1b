// Status propagation macros. Debian's Abseil (20220623) predates
// ABSL_RETURN_IF_ERROR / ASSIGN_OR_RETURN, so we keep the equivalents here.
#ifndef REACHRANK_BASE_STATUS_MACROS_H_
#define REACHRANK_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the current function with `expr`'s status if it is not OK.
#define RR_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::absl::Status rr_status_ = (expr);          \
    if (!rr_status_.ok()) return rr_status_;     \
  } while (0)

#define RR_CONCAT_INNER_(a, b) a##b
#define RR_CONCAT_(a, b) RR_CONCAT_INNER_(a, b)

// `RR_ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value of a StatusOr or
// returns its error status.
#define RR_ASSIGN_OR_RETURN(lhs, expr) \
  RR_ASSIGN_OR_RETURN_IMPL_(RR_CONCAT_(rr_statusor_, __LINE__), lhs, expr)
#define RR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // REACHRANK_BASE_STATUS_MACROS_H_
