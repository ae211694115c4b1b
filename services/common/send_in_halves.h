// send_in_halves: a client's batch sent as one request while that request
// fits the server's message limit, and in halves (recursively) while it
// does not, the answers joined in item order.
#ifndef REACHRANK_SERVICES_COMMON_SEND_IN_HALVES_H_
#define REACHRANK_SERVICES_COMMON_SEND_IN_HALVES_H_

#include <cstddef>
#include <iterator>

#include "absl/types/span.h"

namespace reachrank::services {

// `build(part)` makes the request (a protobuf message) of a part of
// `items`; `send(request, part.size())` sends it and returns a StatusOr of
// a std::vector with one answer per item. A request over `max_bytes`
// serialized with two or more items is split into its first and second
// half, each sent the same way, first half first; one item goes as it is,
// whatever its size. The first error is returned, and nothing after it is
// sent.
template <typename T, typename Build, typename Send>
auto SendInHalves(absl::Span<const T> items, size_t max_bytes,
                  const Build& build, const Send& send)
    -> decltype(send(build(items), items.size())) {
  auto request = build(items);
  if (items.size() < 2 || request.ByteSizeLong() <= max_bytes) {
    return send(request, items.size());
  }
  const size_t half = items.size() / 2;
  auto first = SendInHalves(items.first(half), max_bytes, build, send);
  if (!first.ok()) return first.status();
  auto second = SendInHalves(items.subspan(half), max_bytes, build, send);
  if (!second.ok()) return second.status();
  first->insert(first->end(), std::make_move_iterator(second->begin()),
                std::make_move_iterator(second->end()));
  return first;
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_SEND_IN_HALVES_H_
