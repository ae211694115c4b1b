#include "storage/merge_operator.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/counters.h"
#include "storage/rocks_options.h"
#include "storage/test_util.h"

namespace reachrank::storage {
namespace {

Counters One(uint32_t cell, int64_t value) {
  Counters c;
  c.Add(cell, value);
  return c;
}

TEST(MergeOperatorTest, FullMergeSumsExistingAndOperands) {
  CountersMergeOperator op;
  const std::string existing = One(1, 10).Encode();
  const std::string a = One(1, 5).Encode();
  const std::string b = One(2, -3).Encode();
  rocksdb::Slice existing_slice(existing);
  std::vector<rocksdb::Slice> operands = {a, b};
  std::string result;
  rocksdb::Slice existing_operand;
  rocksdb::MergeOperator::MergeOperationInput in("k", &existing_slice, operands,
                                                 nullptr);
  rocksdb::MergeOperator::MergeOperationOutput out(result, existing_operand);
  ASSERT_TRUE(op.FullMergeV2(in, &out));
  Counters sum;
  ASSERT_TRUE(Counters::Decode(result, &sum));
  EXPECT_EQ(sum.Get(1), 15);
  EXPECT_EQ(sum.Get(2), -3);
  EXPECT_EQ(op.corrupt_operands(), 0u);
}

TEST(MergeOperatorTest, PartialMergeSumsOperands) {
  CountersMergeOperator op;
  const std::string a = One(7, 1).Encode();
  const std::string b = One(7, 2).Encode();
  std::deque<rocksdb::Slice> operands = {a, b};
  std::string result;
  ASSERT_TRUE(op.PartialMergeMulti("k", operands, &result, nullptr));
  Counters sum;
  ASSERT_TRUE(Counters::Decode(result, &sum));
  EXPECT_EQ(sum, One(7, 3));
}

TEST(MergeOperatorTest, CorruptOperandIsSkippedAndCounted) {
  CountersMergeOperator op;
  const std::string good = One(3, 4).Encode();
  const std::string bad("\x03", 1);
  std::vector<rocksdb::Slice> operands = {good, bad};
  std::string result;
  rocksdb::Slice existing_operand;
  rocksdb::Slice corrupt_existing(bad);
  rocksdb::MergeOperator::MergeOperationInput in("k", &corrupt_existing,
                                                 operands, nullptr);
  rocksdb::MergeOperator::MergeOperationOutput out(result, existing_operand);
  ASSERT_TRUE(op.FullMergeV2(in, &out));
  Counters sum;
  ASSERT_TRUE(Counters::Decode(result, &sum));
  EXPECT_EQ(sum, One(3, 4));
  EXPECT_EQ(op.corrupt_operands(), 2u);
}

// Opens a raw database with the store's options.
class RawDb {
 public:
  RawDb(const std::string& path, int max_successive_merges) {
    StoreOptions options = testing::OptionsFor(path);
    options.max_successive_merges = max_successive_merges;
    setup_ = MakeRocksSetup(options);
    rocksdb::DB* db = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open(setup_.db_options, path, setup_.families,
                                  &handles_, &db)
                    .ok());
    db_.reset(db);
  }
  ~RawDb() {
    for (auto* h : handles_)
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* counters() { return handles_[kCfPostCounters]; }
  const RocksSetup& setup() const { return setup_; }

 private:
  RocksSetup setup_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

Counters ReadCounters(RawDb& raw, const std::string& key) {
  std::string value;
  EXPECT_TRUE(
      raw.db()->Get(rocksdb::ReadOptions(), raw.counters(), key, &value).ok());
  Counters c;
  EXPECT_TRUE(Counters::Decode(value, &c));
  return c;
}

TEST(MergeOperatorTest, RealDbMergesSumAcrossFlush) {
  testing::ScopedTempDir dir;
  RawDb raw(dir.path(), /*max_successive_merges=*/0);
  rocksdb::WriteOptions w;
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(
        raw.db()->Merge(w, raw.counters(), "p", One(1, i).Encode()).ok());
    if (i == 5)
      ASSERT_TRUE(
          raw.db()->Flush(rocksdb::FlushOptions(), raw.counters()).ok());
  }
  ASSERT_TRUE(
      raw.db()->Merge(w, raw.counters(), "p", One(9, -2).Encode()).ok());
  Counters want = One(1, 55);
  want.Add(9, -2);
  EXPECT_EQ(ReadCounters(raw, "p"), want);
  ASSERT_TRUE(raw.db()
                  ->CompactRange(rocksdb::CompactRangeOptions(), raw.counters(),
                                 nullptr, nullptr)
                  .ok());
  EXPECT_EQ(ReadCounters(raw, "p"), want);
}

TEST(MergeOperatorTest, MaxSuccessiveMergesFoldsOperandsAtWrite) {
  testing::ScopedTempDir dir;
  RawDb raw(dir.path(), /*max_successive_merges=*/3);
  rocksdb::WriteOptions w;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        raw.db()->Merge(w, raw.counters(), "hot", One(4, 1).Encode()).ok());
  }
  EXPECT_EQ(ReadCounters(raw, "hot"), One(4, 20));
  // Without folding 20 operands would be stacked on the key.
  std::vector<rocksdb::PinnableSlice> operands(32);
  rocksdb::GetMergeOperandsOptions opts;
  opts.expected_max_number_of_operands = 32;
  int count = 0;
  ASSERT_TRUE(raw.db()
                  ->GetMergeOperands(rocksdb::ReadOptions(), raw.counters(),
                                     "hot", operands.data(), &opts, &count)
                  .ok());
  EXPECT_LE(count, 4);
  EXPECT_GE(count, 1);
}

}  // namespace
}  // namespace reachrank::storage
