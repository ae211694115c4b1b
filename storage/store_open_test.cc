// Opening: schema check, secondary instances, statistics.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "storage/raw_db_testing.h"
#include "storage/rocks_options.h"
#include "storage/store.h"
#include "storage/test_util.h"

namespace reachrank::storage {
namespace {

using ::reachrank::storage::testing::MakeEvent;
using ::reachrank::storage::testing::MakePost;
using ::reachrank::storage::testing::OptionsFor;
using ::reachrank::storage::testing::T0;
using ::testing::HasSubstr;

// Writes `value` as the stored schema version, bypassing the store.
void OverwriteSchemaVersion(const std::string& path, const std::string& value) {
  testing::RawDatabase raw(path);
  ASSERT_TRUE(raw.ok());
  EXPECT_TRUE(raw.db()
                  .Put(rocksdb::WriteOptions(), raw.cf(kCfMeta),
                       std::string(keys::kSchemaVersionKey), value)
                  .ok());
}

TEST(StoreOpenTest, CreatesAndReopensCurrentSchema) {
  testing::ScopedTempDir dir;
  ASSERT_TRUE(Store::Open(OptionsFor(dir.path())).ok());
  auto again = Store::Open(OptionsFor(dir.path()));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE((*again)->is_secondary());
  EXPECT_EQ((*again)->TryCatchUpWithPrimary().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(StoreOpenTest, CreatesMissingParentDirectories) {
  testing::ScopedTempDir dir;
  auto store = Store::Open(OptionsFor(dir.Sub("a/b/db")));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->PutPosts({MakePost("p1", "alice", T0())}).ok());
}

// Without create_if_missing a path without a database is NOT_FOUND, and
// nothing is created there (a missing directory, or an empty one).
TEST(StoreOpenTest, WithoutCreateIfMissingNoDatabaseIsNotFound) {
  testing::ScopedTempDir dir;
  StoreOptions options = OptionsFor(dir.Sub("none"));
  options.create_if_missing = false;
  auto store = Store::Open(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(store.status().message(), HasSubstr("no database at"));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("none")));
  options.path = dir.Sub("empty");
  ASSERT_TRUE(std::filesystem::create_directory(options.path));
  EXPECT_EQ(Store::Open(options).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(std::filesystem::is_empty(options.path));
  // A database that is there opens.
  ASSERT_TRUE(Store::Open(OptionsFor(dir.Sub("db"))).ok());
  options.path = dir.Sub("db");
  EXPECT_TRUE(Store::Open(options).ok());
}

// A path that cannot be looked at (here a symbolic link to itself, which
// fails with ELOOP even for root) is an error naming it, not an exception.
TEST(StoreOpenTest, APathThatCannotBeLookedAtIsAnError) {
  testing::ScopedTempDir dir;
  std::filesystem::create_directory_symlink(dir.Sub("loop"), dir.Sub("loop"));
  StoreOptions options = OptionsFor(dir.Sub("loop"));
  options.create_if_missing = false;
  auto store = Store::Open(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(),
              HasSubstr("cannot look for a database at " + dir.Sub("loop")));
}

TEST(StoreOpenTest, SecondaryOfMissingDatabaseFails) {
  testing::ScopedTempDir dir;
  auto store =
      Store::OpenSecondary(OptionsFor(dir.Sub("none")), dir.Sub("secondary"));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
}

TEST(StoreOpenTest, NewerSchemaIsRefused) {
  testing::ScopedTempDir dir;
  ASSERT_TRUE(Store::Open(OptionsFor(dir.path())).ok());
  OverwriteSchemaVersion(dir.path(), std::to_string(kSchemaVersion + 1));
  auto store = Store::Open(OptionsFor(dir.path()));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      std::string(store.status().message()),
      HasSubstr(absl::StrCat("schema version '", kSchemaVersion + 1, "'")));
}

TEST(StoreOpenTest, UnknownSchemaIsRefused) {
  testing::ScopedTempDir dir;
  ASSERT_TRUE(Store::Open(OptionsFor(dir.path())).ok());
  OverwriteSchemaVersion(dir.path(), "v1-beta");
  EXPECT_EQ(Store::Open(OptionsFor(dir.path())).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(StoreOpenTest, UnknownColumnFamilyIsRefused) {
  testing::ScopedTempDir dir;
  ASSERT_TRUE(Store::Open(OptionsFor(dir.path())).ok());
  {
    testing::RawDatabase raw(dir.path());
    ASSERT_TRUE(raw.ok());
    rocksdb::ColumnFamilyHandle* extra = nullptr;
    ASSERT_TRUE(raw.db()
                    .CreateColumnFamily(rocksdb::ColumnFamilyOptions(),
                                        "from_the_future", &extra)
                    .ok());
    raw.db().DestroyColumnFamilyHandle(extra).PermitUncheckedError();
  }
  auto store = Store::Open(OptionsFor(dir.path()));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr("from_the_future"));
}

// A new database at `path`, open, holding post p1 by alice with 2 likes;
// nullptr (after a test failure) when it cannot be made.
std::unique_ptr<Store> OpenWithTwoLikes(const std::string& path) {
  auto primary = Store::Open(OptionsFor(path));
  EXPECT_TRUE(primary.ok()) << primary.status();
  if (!primary.ok()) return nullptr;
  EXPECT_TRUE((*primary)->PutPosts({MakePost("p1", "alice", T0())}).ok());
  EXPECT_TRUE(
      (*primary)
          ->RecordEvents({MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE, T0(), 2)},
                         T0())
          .ok());
  return *std::move(primary);
}

// A secondary (files under `secondary_dir`) of the database OpenWithTwoLikes
// fills at `path`, whose primary is closed again; nullptr on failure.
std::unique_ptr<Store> SecondaryOfTwoLikes(const std::string& path,
                                           const std::string& secondary_dir) {
  if (OpenWithTwoLikes(path) == nullptr) return nullptr;
  auto secondary = Store::OpenSecondary(OptionsFor(path), secondary_dir);
  EXPECT_TRUE(secondary.ok()) << secondary.status();
  return secondary.ok() ? *std::move(secondary) : nullptr;
}

TEST(StoreOpenTest, SecondaryCatchesUpWithPrimary) {
  testing::ScopedTempDir dir;
  std::unique_ptr<Store> primary = OpenWithTwoLikes(dir.Sub("db"));
  ASSERT_NE(primary, nullptr);

  auto secondary =
      Store::OpenSecondary(OptionsFor(dir.Sub("db")), dir.Sub("secondary"));
  ASSERT_TRUE(secondary.ok()) << secondary.status();
  Store& reader = **secondary;
  EXPECT_TRUE(reader.is_secondary());
  auto likes = [&reader] {
    auto c = reader.PostCounters("p1");
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->ByType(v1::EVENT_TYPE_LIKE) : -1;
  };
  EXPECT_EQ(likes(), 2);

  ASSERT_TRUE(
      primary
          ->RecordEvents({MakeEvent("e2", "p1", v1::EVENT_TYPE_LIKE, T0(), 3)},
                         T0())
          .ok());
  ASSERT_TRUE(primary->Flush().ok());
  ASSERT_TRUE(
      primary
          ->RecordEvents({MakeEvent("e3", "p1", v1::EVENT_TYPE_LIKE, T0(), 4)},
                         T0())
          .ok());
  EXPECT_EQ(likes(), 2);  // not yet caught up
  ASSERT_TRUE(reader.TryCatchUpWithPrimary().ok());
  EXPECT_EQ(likes(), 9);  // flushed SST and live WAL both seen

  EXPECT_EQ(reader.PutPosts({MakePost("p2", "alice", T0())}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(reader.RecordEvents({}, T0()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// Likes counted on post p1 by `store`, -1 when they cannot be read.
int64_t LikesOf(Store& store) {
  auto c = store.PostCounters("p1");
  return c.ok() ? c->ByType(v1::EVENT_TYPE_LIKE) : -1;
}

// The database under a secondary removed, then another created at its
// path (a restore, a replaced volume): catch-ups fail, naming why, and the
// secondary keeps its view (RocksDB itself asserts on the new MANIFEST).
TEST(StoreOpenTest, SecondaryRefusesToFollowAReplacedDatabase) {
  testing::ScopedTempDir dir;
  const std::string path = dir.Sub("db");
  std::unique_ptr<Store> primary = OpenWithTwoLikes(path);
  ASSERT_NE(primary, nullptr);
  auto secondary = Store::OpenSecondary(OptionsFor(path), dir.Sub("secondary"));
  ASSERT_TRUE(secondary.ok()) << secondary.status();
  Store& reader = **secondary;
  primary.reset();

  std::filesystem::remove_all(path);
  const absl::Status gone = reader.TryCatchUpWithPrimary();
  EXPECT_EQ(gone.code(), absl::StatusCode::kUnavailable) << gone;
  EXPECT_THAT(std::string(gone.message()), HasSubstr("no database at " + path));
  EXPECT_EQ(LikesOf(reader), 2);

  auto replacement = Store::Open(OptionsFor(path));
  ASSERT_TRUE(replacement.ok()) << replacement.status();
  ASSERT_TRUE((*replacement)->PutPosts({MakePost("p1", "bob", T0())}).ok());
  ASSERT_TRUE((*replacement)->Flush().ok());
  const absl::Status replaced = reader.TryCatchUpWithPrimary();
  EXPECT_EQ(replaced.code(), absl::StatusCode::kFailedPrecondition) << replaced;
  EXPECT_THAT(std::string(replaced.message()),
              HasSubstr("the database at " + path + " was replaced"));
  EXPECT_EQ(LikesOf(reader), 2);

  // A checkpoint has no IDENTITY until a primary opens it: its secondary
  // catches up before and after, and then tells a replacement apart.
  ASSERT_TRUE((*replacement)->Checkpoint(dir.Sub("copy")).ok());
  replacement->reset();
  ASSERT_FALSE(std::filesystem::exists(dir.Sub("copy") + "/IDENTITY"));
  auto of_copy =
      Store::OpenSecondary(OptionsFor(dir.Sub("copy")), dir.Sub("secondary3"));
  ASSERT_TRUE(of_copy.ok()) << of_copy.status();
  EXPECT_TRUE((*of_copy)->TryCatchUpWithPrimary().ok());
  {
    auto writer = Store::Open(OptionsFor(dir.Sub("copy")));
    ASSERT_TRUE(writer.ok()) << writer.status();
    EXPECT_TRUE((*of_copy)->TryCatchUpWithPrimary().ok());
  }
  std::filesystem::remove_all(dir.Sub("copy"));
  ASSERT_TRUE(Store::Open(OptionsFor(dir.Sub("copy"))).ok());
  EXPECT_EQ((*of_copy)->TryCatchUpWithPrimary().code(),
            absl::StatusCode::kFailedPrecondition);

  // A secondary of the new database follows it.
  auto fresh = Store::OpenSecondary(OptionsFor(path), dir.Sub("secondary2"));
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_TRUE((*fresh)->TryCatchUpWithPrimary().ok());
  EXPECT_EQ(LikesOf(**fresh), 0);
}

// Restores move a checkpoint in by renaming directories, and checkpoints
// have no IDENTITY until a primary opens them: the secondary tells the
// directory it opened from the one there now.
TEST(StoreOpenTest, SecondaryRefusesACheckpointMovedInPlaceOfItsDatabase) {
  testing::ScopedTempDir dir;
  const std::string path = dir.Sub("db");
  {
    std::unique_ptr<Store> primary = OpenWithTwoLikes(path);
    ASSERT_NE(primary, nullptr);
    ASSERT_TRUE(primary->Checkpoint(dir.Sub("first")).ok());
    ASSERT_TRUE(primary->Checkpoint(dir.Sub("second")).ok());
  }
  auto of_db = Store::OpenSecondary(OptionsFor(path), dir.Sub("s1"));
  ASSERT_TRUE(of_db.ok()) << of_db.status();
  auto of_first =
      Store::OpenSecondary(OptionsFor(dir.Sub("first")), dir.Sub("s2"));
  ASSERT_TRUE(of_first.ok()) << of_first.status();
  ASSERT_TRUE((*of_first)->TryCatchUpWithPrimary().ok());

  std::filesystem::rename(path, dir.Sub("db.away"));
  std::filesystem::rename(dir.Sub("second"), path);
  const absl::Status db_replaced = (*of_db)->TryCatchUpWithPrimary();
  EXPECT_EQ(db_replaced.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(db_replaced.message()),
              HasSubstr("another directory is there now"));

  std::filesystem::rename(dir.Sub("first"), dir.Sub("first.away"));
  std::filesystem::rename(path, dir.Sub("first"));  // no IDENTITY either
  EXPECT_EQ((*of_first)->TryCatchUpWithPrimary().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LikesOf(**of_first), 2);  // the view it had is kept
}

// A restore that copies a checkpoint's files into the same directory
// leaves no IDENTITY where the database had one.
TEST(StoreOpenTest, SecondaryRefusesADatabaseThatLostItsIdentity) {
  testing::ScopedTempDir dir;
  const std::string path = dir.Sub("db");
  std::unique_ptr<Store> secondary = SecondaryOfTwoLikes(path, dir.Sub("s"));
  ASSERT_NE(secondary, nullptr);
  ASSERT_TRUE(secondary->TryCatchUpWithPrimary().ok());
  ASSERT_TRUE(std::filesystem::remove(path + "/IDENTITY"));
  const absl::Status status = secondary->TryCatchUpWithPrimary();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr(", now none"));
}

// An IDENTITY that cannot be read says nothing about which database is
// there: the view is kept, and the secondary is not told to go.
TEST(StoreOpenTest, AnUnreadableIdentityIsUnavailableNotReplaced) {
  testing::ScopedTempDir dir;
  const std::string path = dir.Sub("db");
  std::unique_ptr<Store> secondary = SecondaryOfTwoLikes(path, dir.Sub("s"));
  ASSERT_NE(secondary, nullptr);
  const std::string identity = path + "/IDENTITY";
  std::filesystem::rename(identity, dir.Sub("IDENTITY.kept"));
  std::filesystem::create_directory(identity);  // there, but not readable
  const absl::Status status = secondary->TryCatchUpWithPrimary();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("cannot read"));
  std::filesystem::remove(identity);
  std::filesystem::rename(dir.Sub("IDENTITY.kept"), identity);
  EXPECT_TRUE(secondary->TryCatchUpWithPrimary().ok());
}

TEST(StoreOpenTest, CheckpointOfLivePrimaryOpensWithItsData) {
  testing::ScopedTempDir dir;
  std::unique_ptr<Store> primary = OpenWithTwoLikes(dir.Sub("db"));
  ASSERT_NE(primary, nullptr);

  ASSERT_TRUE(primary->Checkpoint(dir.Sub("backups/c1")).ok());
  // Written after the checkpoint: not in it.
  ASSERT_TRUE(
      primary
          ->RecordEvents({MakeEvent("e2", "p1", v1::EVENT_TYPE_LIKE, T0(), 5)},
                         T0())
          .ok());
  EXPECT_EQ(primary->Checkpoint(dir.Sub("backups/c1")).code(),
            absl::StatusCode::kAlreadyExists);

  auto restored = Store::Open(OptionsFor(dir.Sub("backups/c1")));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(LikesOf(**restored), 2);
  EXPECT_EQ(LikesOf(*primary), 7);
}

TEST(StoreOpenTest, CheckpointOfSecondaryHoldsPrimaryWrites) {
  testing::ScopedTempDir dir;
  auto primary = Store::Open(OptionsFor(dir.Sub("db")));
  ASSERT_TRUE(primary.ok()) << primary.status();
  ASSERT_TRUE((*primary)->PutPosts({MakePost("p1", "alice", T0())}).ok());
  ASSERT_TRUE((*primary)->Flush().ok());
  auto secondary =
      Store::OpenSecondary(OptionsFor(dir.Sub("db")), dir.Sub("secondary"));
  ASSERT_TRUE(secondary.ok()) << secondary.status();
  // Only in the primary's WAL when the checkpoint is taken.
  ASSERT_TRUE(
      (*primary)
          ->RecordEvents({MakeEvent("e1", "p1", v1::EVENT_TYPE_LIKE, T0(), 3)},
                         T0())
          .ok());

  absl::Status made = (*secondary)->Checkpoint(dir.Sub("c2"));
  ASSERT_TRUE(made.ok()) << made;
  auto restored = Store::Open(OptionsFor(dir.Sub("c2")));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(LikesOf(**restored), 3);
}

TEST(StoreOpenTest, StatsReportReadsAndKeys) {
  testing::ScopedTempDir dir;
  auto store = Store::Open(OptionsFor(dir.path()));
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<PostRecord> posts;
  for (int i = 0; i < 100; ++i) {
    posts.push_back(MakePost("p" + std::to_string(i), "alice", T0()));
  }
  ASSERT_TRUE((*store)->PutPosts(posts).ok());
  ASSERT_TRUE((*store)->Flush().ok());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE((*store)->GetPost("p" + std::to_string(i)).ok());
  }
  StoreStats stats = (*store)->Stats();
  EXPECT_GT(stats.block_cache_hit + stats.block_cache_miss, 0u);
  EXPECT_GT(stats.block_cache_hit, 0u);
  EXPECT_GT(stats.live_sst_bytes, 0u);
  EXPECT_GE(stats.estimated_keys, 100u);
  EXPECT_EQ(stats.pending_classification, 100u);
  EXPECT_EQ(stats.corrupt_merge_operands, 0u);
}

TEST(StoreOpenTest, CorruptCounterOperandIsSkippedAndReported) {
  testing::ScopedTempDir dir;
  ASSERT_TRUE(Store::Open(OptionsFor(dir.path())).ok());
  {
    testing::RawDatabase raw(dir.path());
    ASSERT_TRUE(raw.ok());
    Counters good;
    good.Add(7, 5);
    rocksdb::WriteOptions w;
    auto* cf = raw.cf(kCfPostCounters);
    EXPECT_TRUE(raw.db().Merge(w, cf, "p1", good.Encode()).ok());
    EXPECT_TRUE(raw.db().Merge(w, cf, "p1", std::string("\x03", 1)).ok());
    EXPECT_TRUE(raw.db().Merge(w, cf, "p1", good.Encode()).ok());
  }
  auto store = Store::Open(OptionsFor(dir.path()));
  ASSERT_TRUE(store.ok()) << store.status();
  auto counters = (*store)->PostCounters("p1");
  ASSERT_TRUE(counters.ok()) << counters.status();
  EXPECT_EQ(counters->Get(7), 10);
  EXPECT_GE((*store)->Stats().corrupt_merge_operands, 1u);
  // A flush folds the operands through the merge operator, and succeeds.
  ASSERT_TRUE((*store)->Flush().ok());
  counters = (*store)->PostCounters("p1");
  ASSERT_TRUE(counters.ok()) << counters.status();
  EXPECT_EQ(counters->Get(7), 10);
}

}  // namespace
}  // namespace reachrank::storage
