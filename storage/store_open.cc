// Opening a database (primary or secondary), the schema check, and the
// operational methods of RocksStore.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

using Handles = std::vector<rocksdb::ColumnFamilyHandle*>;

// Refuses a database holding column families this version does not know
// (written by a newer reachrank). A missing database is fine.
absl::Status CheckFamilies(const rocksdb::DBOptions& db_options,
                           const std::string& path) {
  std::vector<std::string> existing;
  rocksdb::Status s =
      rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
  if (!s.ok()) return absl::OkStatus();  // new database: nothing to check
  for (const std::string& name : existing) {
    bool known = false;
    for (const char* ours : kCfNames) known = known || name == ours;
    if (!known) {
      return absl::FailedPreconditionError(
          absl::StrCat("database at ", path, " has column family '", name,
                       "' unknown to schema version ", kSchemaVersion,
                       "; it was written by a newer reachrank"));
    }
  }
  return absl::OkStatus();
}

absl::Status WrongSchema(const std::string& path, absl::string_view stored) {
  return absl::FailedPreconditionError(absl::StrCat(
      "database at ", path, " has schema version '", stored,
      "'; this build reads only version ", kSchemaVersion,
      " (a newer reachrank wrote it, or it is not a reachrank database)"));
}

// True when the posts family holds no key (a database created but never
// written, e.g. after a crash right at creation); the read's error when it
// cannot tell.
absl::StatusOr<bool> PostsEmpty(rocksdb::DB* db,
                                rocksdb::ColumnFamilyHandle* posts) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), posts));
  it->SeekToFirst();
  if (it->Valid()) return false;
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "read posts"));
  return true;
}

// Brings a primary's version 1 database to this version (store_upgrade.cc)
// and says what it did.
absl::StatusOr<std::string> Upgrade(rocksdb::DB* db, const Handles& handles,
                                    const StoreOptions& options) {
  const absl::Time start = absl::Now();
  const auto progress = [&options](int64_t read) {
    if (options.upgrade_progress) options.upgrade_progress(read);
  };
  RR_ASSIGN_OR_RETURN(UpgradeCounts counts,
                      UpgradeToVersion2(*db, handles, progress));
  const std::string mended = counts.index_mended == 0
                                 ? ""
                                 : absl::StrCat(", ", counts.index_mended,
                                                " author index entries mended");
  return absl::StrCat("database at ", options.path,
                      " upgraded from schema version 1 to ", kSchemaVersion,
                      ": author day rows rebuilt from ", counts.posts,
                      " posts and topic day rows from ", counts.classified,
                      " classified posts", mended, " in ",
                      absl::FormatDuration(absl::Trunc(absl::Now() - start,
                                                       absl::Milliseconds(1))));
}

// NOT_FOUND when `path` holds no database (no CURRENT file); the reason
// when it cannot be looked at (e.g. a directory without permission).
absl::Status CheckDatabaseExists(const std::string& path) {
  std::error_code error;
  const bool exists =
      std::filesystem::exists(std::filesystem::path(path) / "CURRENT", error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot look for a database at ", path, ": ", error.message()));
  }
  if (!exists)
    return absl::NotFoundError(absl::StrCat("no database at ", path));
  return absl::OkStatus();
}

// Checks the stored schema version; a primary writes it into an empty
// database that has none and upgrades a version 1 database. A secondary
// reads version 1 too: only where some engagement counts differs.
absl::StatusOr<OpenedSchema> CheckSchema(rocksdb::DB* db,
                                         const Handles& handles,
                                         const StoreOptions& options,
                                         bool secondary) {
  const std::string& path = options.path;
  std::string stored;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), handles[kCfMeta],
                              std::string(keys::kSchemaVersionKey), &stored);
  if (s.IsNotFound()) {
    if (secondary) return WrongSchema(path, "<missing>");
    RR_ASSIGN_OR_RETURN(bool empty, PostsEmpty(db, handles[kCfPosts]));
    if (!empty) return WrongSchema(path, "<missing>");
    rocksdb::WriteOptions sync;
    sync.sync = true;
    RR_RETURN_IF_ERROR(FromRocks(
        db->Put(sync, handles[kCfMeta], std::string(keys::kSchemaVersionKey),
                std::to_string(kSchemaVersion)),
        "write schema version"));
    return OpenedSchema{};
  }
  RR_RETURN_IF_ERROR(FromRocks(s, "read schema version"));
  int version = 0;
  if (!absl::SimpleAtoi(stored, &version)) return WrongSchema(path, stored);
  if (version == kSchemaVersion) return OpenedSchema{};
  if (version == 1 && secondary) return OpenedSchema{1, ""};
  if (version != 1) return WrongSchema(path, stored);
  RR_ASSIGN_OR_RETURN(std::string note, Upgrade(db, handles, options));
  return OpenedSchema{kSchemaVersion, std::move(note)};
}

void CloseHandles(rocksdb::DB* db, const Handles& handles) {
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
}

// Opens (primary, or secondary when `secondary_path` is set), checks the
// schema and wraps the result.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(
    const StoreOptions& options, const std::string* secondary_path) {
  // A secondary opens only a database its primary has created.
  if (secondary_path != nullptr || !options.create_if_missing) {
    RR_RETURN_IF_ERROR(CheckDatabaseExists(options.path));
  }
  if (secondary_path == nullptr) {
    // RocksDB creates only the last component of a missing path.
    std::error_code error;
    std::filesystem::create_directories(options.path, error);
    if (error) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create database directory ", options.path, ": ",
          error.message()));
    }
  }
  RocksSetup setup = MakeRocksSetup(options);
  RR_RETURN_IF_ERROR(CheckFamilies(setup.db_options, options.path));
  rocksdb::DB* raw = nullptr;
  Handles handles;
  rocksdb::Status s;
  if (secondary_path == nullptr) {
    s = rocksdb::DB::Open(setup.db_options, options.path, setup.families,
                          &handles, &raw);
  } else {
    setup.db_options.max_open_files = -1;  // required by secondaries
    s = rocksdb::DB::OpenAsSecondary(setup.db_options, options.path,
                                     *secondary_path, setup.families, &handles,
                                     &raw);
  }
  RR_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("open ", options.path)));
  std::unique_ptr<rocksdb::DB> db(raw);
  absl::StatusOr<OpenedSchema> schema =
      CheckSchema(db.get(), handles, options, secondary_path != nullptr);
  if (!schema.ok()) {
    CloseHandles(db.get(), handles);
    db->Close().PermitUncheckedError();
    return schema.status();
  }
  StoreOptions kept = options;
  kept.upgrade_progress = nullptr;  // used during the open only
  return std::unique_ptr<Store>(new RocksStore(
      std::move(kept), std::move(setup), secondary_path != nullptr,
      std::move(db), handles, *std::move(schema)));
}

// The directory `path` names (following symlinks): st_dev and st_ino, or
// zeros when it cannot be looked at.
std::pair<uint64_t, uint64_t> DirectoryAt(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {0, 0};
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

// The IDENTITY file of the database at `path` (RocksDB's id of it),
// without surrounding space; empty when there is none. UNAVAILABLE when it
// is there but cannot be read (EMFILE, EIO, a stale NFS handle): that says
// nothing about which database is there.
absl::StatusOr<std::string> ReadIdentity(const std::string& path) {
  const std::string file = absl::StrCat(path, "/IDENTITY");
  // POSIX reads: a stream's read error throws in libstdc++.
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return std::string();
  std::string id;
  bool failed = fd < 0;
  char buf[256];
  while (!failed && id.size() < 4096) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    failed = n < 0;
    if (n > 0) id.append(buf, static_cast<size_t>(n));
  }
  if (fd >= 0) close(fd);
  if (failed) {
    return absl::UnavailableError(absl::StrCat(
        "cannot read ", file, " now: keeping the view of the last catch-up"));
  }
  return std::string(absl::StripAsciiWhitespace(id));
}

// The id of the database `db` opened at `path`. A secondary's
// GetDbIdentity is empty (RocksDB 7.8), so the file comes first; a
// checkpoint no primary has opened yet has none.
std::string OpenedIdentity(const std::string& path, rocksdb::DB& db) {
  std::string id = ReadIdentity(path).value_or("");
  if (id.empty() && db.GetDbIdentity(id).ok()) {
    id = std::string(absl::StripAsciiWhitespace(id));
  }
  return id;
}

}  // namespace

int32_t DayOf(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  int64_t day = seconds / 86400;
  if (seconds % 86400 < 0) --day;  // floor for times before 1970
  return static_cast<int32_t>(day);
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(
    const StoreOptions& options) {
  return OpenStore(options, nullptr);
}

absl::StatusOr<std::unique_ptr<Store>> Store::OpenSecondary(
    const StoreOptions& options, const std::string& secondary_path) {
  return OpenStore(options, &secondary_path);
}

RocksStore::RocksStore(StoreOptions options, RocksSetup setup, bool secondary,
                       std::unique_ptr<rocksdb::DB> db, Handles handles,
                       OpenedSchema schema)
    : options_(std::move(options)),
      setup_(std::move(setup)),
      secondary_(secondary),
      db_(std::move(db)),
      handles_(std::move(handles)),
      schema_(std::move(schema)),
      directory_(DirectoryAt(options_.path)),
      identity_(OpenedIdentity(options_.path, *db_)) {
  write_options_.sync = options_.sync;
}

RocksStore::~RocksStore() {
  CloseHandles(db_.get(), handles_);
  db_->Close().PermitUncheckedError();
}

absl::Status RocksStore::TryCatchUpWithPrimary() {
  if (!secondary_) {
    return absl::FailedPreconditionError(
        "TryCatchUpWithPrimary: not a secondary instance");
  }
  // RocksDB asserts (and would otherwise replay one database's MANIFEST
  // over another's) when the directory now holds another database.
  RR_RETURN_IF_ERROR(CheckSameDatabase());
  return FromRocks(db_->TryCatchUpWithPrimary(), "catch up with primary");
}

absl::Status RocksStore::CheckSameDatabase() {
  std::error_code error;
  if (!std::filesystem::exists(options_.path + "/CURRENT", error)) {
    return absl::UnavailableError(absl::StrCat(
        "no database at ", options_.path,
        " now (removed, or being restored?): keeping the view of the last "
        "catch-up"));
  }
  auto replaced = [this](absl::string_view how) {
    return absl::FailedPreconditionError(
        absl::StrCat("the database at ", options_.path, " was replaced (", how,
                     "): a secondary follows only the database it opened; "
                     "open the new one (restart)"));
  };
  constexpr std::pair<uint64_t, uint64_t> kUnknown{0, 0};
  const std::pair<uint64_t, uint64_t> directory = DirectoryAt(options_.path);
  if (directory == kUnknown) {
    return absl::UnavailableError(
        absl::StrCat("cannot look at ", options_.path,
                     " now: keeping the view of the last catch-up"));
  }
  if (directory_ != kUnknown && directory != directory_) {
    return replaced("another directory is there now");
  }
  RR_ASSIGN_OR_RETURN(const std::string now, ReadIdentity(options_.path));
  absl::MutexLock lock(&identity_mu_);
  // A checkpoint gets its IDENTITY when a primary first opens it; one
  // that had an IDENTITY never loses it.
  if (identity_.empty()) identity_ = now;
  if (now != identity_) {
    return replaced(absl::StrCat("identity ", identity_, ", now ",
                                 now.empty() ? "none" : now));
  }
  return absl::OkStatus();
}

absl::Status RocksStore::CheckWritable() const {
  if (!secondary_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "the database is open as a read-only secondary instance");
}

absl::Status RocksStore::Write(rocksdb::WriteBatch* batch,
                               absl::string_view what) {
  return FromRocks(db_->Write(write_options_, batch), what);
}

absl::Status RocksStore::Flush() {
  RR_RETURN_IF_ERROR(CheckWritable());
  rocksdb::FlushOptions flush;
  flush.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> families(handles_.begin(),
                                                     handles_.end());
  RR_RETURN_IF_ERROR(FromRocks(db_->Flush(flush, families), "flush"));
  return FromRocks(db_->FlushWAL(/*sync=*/true), "flush WAL");
}

absl::Status RocksStore::Checkpoint(const std::string& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat("checkpoint directory ", dir, " already exists"));
  }
  std::filesystem::path parent = std::filesystem::path(dir).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (secondary_) RR_RETURN_IF_ERROR(TryCatchUpWithPrimary());
  rocksdb::Checkpoint* raw = nullptr;
  RR_RETURN_IF_ERROR(
      FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // A secondary cannot flush; its checkpoint copies the live WAL instead.
  uint64_t log_size_for_flush =
      secondary_ ? std::numeric_limits<uint64_t>::max() : 0;
  return FromRocks(checkpoint->CreateCheckpoint(dir, log_size_for_flush),
                   absl::StrCat("checkpoint into ", dir));
}

StoreStats RocksStore::Stats() {
  StoreStats out;
  rocksdb::Statistics& st = *setup_.statistics;
  out.block_cache_hit = st.getTickerCount(rocksdb::BLOCK_CACHE_HIT);
  out.block_cache_miss = st.getTickerCount(rocksdb::BLOCK_CACHE_MISS);
  out.write_stall_micros = st.getTickerCount(rocksdb::STALL_MICROS);
  auto sum = [this](const std::string& property) {
    uint64_t v = 0;
    return db_->GetAggregatedIntProperty(property, &v) ? v : uint64_t{0};
  };
  using P = rocksdb::DB::Properties;
  out.pending_compaction_bytes = sum(P::kEstimatePendingCompactionBytes);
  out.live_sst_bytes = sum(P::kLiveSstFilesSize);
  out.memtable_bytes = sum(P::kCurSizeAllMemTables);
  out.estimated_keys = sum(P::kEstimateNumKeys);
  uint64_t v = 0;
  if (db_->GetIntProperty(P::kNumRunningCompactions, &v)) {
    out.running_compactions = v;
  }
  if (db_->GetIntProperty(cf(kCfPending), P::kEstimateNumKeys, &v)) {
    out.pending_classification = v;
  }
  out.corrupt_merge_operands = setup_.merge_operator->corrupt_operands();
  return out;
}

absl::StatusOr<std::vector<std::optional<std::string>>> MultiGetRaw(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
    absl::Span<const std::string> keys) {
  const size_t n = keys.size();
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db->MultiGet(rocksdb::ReadOptions(), cf, n, slices.data(), values.data(),
               statuses.data());
  std::vector<std::optional<std::string>> out(n);
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    RR_RETURN_IF_ERROR(
        FromRocks(statuses[i], absl::StrCat("read ", cf->GetName())));
    out[i] = values[i].ToString();
  }
  return out;
}

absl::StatusOr<PostRecord> ParsePostRecord(absl::string_view id,
                                           absl::string_view value) {
  PostRecord record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(
        absl::StrCat("malformed record of post '", id, "'"));
  }
  return record;
}

absl::StatusOr<Counters> ParseCounters(absl::string_view what,
                                       absl::string_view value) {
  Counters counters;
  if (!Counters::Decode(value, &counters)) {
    return absl::DataLossError(absl::StrCat("malformed counters of ", what));
  }
  return counters;
}

}  // namespace reachrank::storage
