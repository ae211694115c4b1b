// The merge operator of every counter column family: sums Counters.
#ifndef REACHRANK_STORAGE_MERGE_OPERATOR_H_
#define REACHRANK_STORAGE_MERGE_OPERATOR_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rocksdb/merge_operator.h"

namespace reachrank::storage {

// Sums Counters operands (and the existing value) cell by cell.
//
// A malformed operand or existing value is logged to the RocksDB info log,
// counted in corrupt_operands(), and skipped: the merge still succeeds with
// the well-formed rest. Failing the merge instead would fail every later
// read of the key and every compaction that meets it, which would stop the
// database from writing at all. Thread-safe (stateless apart from an atomic
// counter), as RocksDB requires.
class CountersMergeOperator final : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return "reachrank.CountersSum"; }

  bool FullMergeV2(const MergeOperationInput& in,
                   MergeOperationOutput* out) const override;
  bool PartialMergeMulti(const rocksdb::Slice& key,
                         const std::deque<rocksdb::Slice>& operands,
                         std::string* new_value,
                         rocksdb::Logger* logger) const override;
  bool AllowSingleOperand() const override { return false; }

  // Operands and values skipped as malformed since construction.
  uint64_t corrupt_operands() const {
    return corrupt_operands_.load(std::memory_order_relaxed);
  }

 private:
  mutable std::atomic<uint64_t> corrupt_operands_{0};
};

}  // namespace reachrank::storage

#endif  // REACHRANK_STORAGE_MERGE_OPERATOR_H_
