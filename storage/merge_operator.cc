#include "storage/merge_operator.h"

#include "rocksdb/env.h"
#include "storage/counters.h"

namespace reachrank::storage {
namespace {

// Adds `operand` to `sum`; on malformed input logs, counts and skips it.
void AddOperand(const rocksdb::Slice& key, const rocksdb::Slice& operand,
                rocksdb::Logger* logger, std::atomic<uint64_t>* corrupt,
                Counters* sum) {
  Counters value;
  if (Counters::Decode(absl::string_view(operand.data(), operand.size()),
                       &value)) {
    sum->AddAll(value);
    return;
  }
  corrupt->fetch_add(1, std::memory_order_relaxed);
  if (logger != nullptr) {
    rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, logger,
                 "reachrank.CountersSum: skipped malformed operand of %zu "
                 "bytes for key %s",
                 operand.size(), key.ToString(/*hex=*/true).c_str());
  }
}

}  // namespace

bool CountersMergeOperator::FullMergeV2(const MergeOperationInput& in,
                                        MergeOperationOutput* out) const {
  Counters sum;
  if (in.existing_value != nullptr) {
    AddOperand(in.key, *in.existing_value, in.logger, &corrupt_operands_, &sum);
  }
  for (const rocksdb::Slice& operand : in.operand_list) {
    AddOperand(in.key, operand, in.logger, &corrupt_operands_, &sum);
  }
  out->new_value.clear();
  sum.EncodeTo(&out->new_value);
  return true;
}

bool CountersMergeOperator::PartialMergeMulti(
    const rocksdb::Slice& key, const std::deque<rocksdb::Slice>& operands,
    std::string* new_value, rocksdb::Logger* logger) const {
  Counters sum;
  for (const rocksdb::Slice& operand : operands) {
    AddOperand(key, operand, logger, &corrupt_operands_, &sum);
  }
  new_value->clear();
  sum.EncodeTo(new_value);
  return true;
}

}  // namespace reachrank::storage
