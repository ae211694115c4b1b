// Authors and the per-author post index.
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {

absl::Status RocksStore::PutAuthors(absl::Span<const v1::Author> authors) {
  RR_RETURN_IF_ERROR(CheckWritable());
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < authors.size(); ++i) {
    const v1::Author& a = authors[i];
    if (!keys::IsValidPart(a.platform()) || !keys::IsValidPart(a.author_id())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "authors[", i, "]: platform and author_id must be non-empty"));
    }
    batch
        .Put(cf(kCfAuthors), keys::AuthorKey(a.platform(), a.author_id()),
             a.SerializeAsString())
        .PermitUncheckedError();
  }
  return Write(&batch, "put authors");
}

absl::StatusOr<v1::Author> RocksStore::GetAuthor(absl::string_view platform,
                                                 absl::string_view author_id) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kCfAuthors),
                               keys::AuthorKey(platform, author_id), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("author '", author_id, "' on '", platform, "' not found"));
  }
  RR_RETURN_IF_ERROR(FromRocks(s, "read author"));
  v1::Author author;
  if (!author.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat(
        "malformed record of author '", author_id, "' on '", platform, "'"));
  }
  return author;
}

absl::StatusOr<std::vector<v1::Author>> RocksStore::ListAuthors(
    size_t limit, const std::optional<AuthorId>& start_after) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf(kCfAuthors)));
  SeekPast(it.get(), AuthorKeyOf(start_after));
  std::vector<v1::Author> out;
  for (; it->Valid() && out.size() < limit; it->Next()) {
    v1::Author& author = out.emplace_back();
    const rocksdb::Slice value = it->value();
    if (!author.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError(absl::StrCat(
          "malformed author record under key of ", it->key().size(), " bytes"));
    }
  }
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "list authors"));
  return out;
}

absl::StatusOr<std::vector<AuthorPostEntry>> RocksStore::AuthorPosts(
    absl::string_view platform, absl::string_view author_id, absl::Time until,
    size_t limit) {
  const std::string prefix = keys::AuthorPostPrefix(platform, author_id);
  const int64_t until_ms = absl::ToUnixMillis(until);
  // Every key of a post created at or before `until` sorts below `seek`.
  std::string seek = prefix;
  // ToUnixMillis saturates (InfiniteFuture: every post); so does this.
  keys::AppendOrdered64(
      until_ms == std::numeric_limits<int64_t>::max() ? until_ms : until_ms + 1,
      &seek);
  rocksdb::Slice lower(prefix);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read, cf(kCfAuthorPosts)));
  std::vector<AuthorPostEntry> out;
  for (it->SeekForPrev(seek); it->Valid() && out.size() < limit; it->Prev()) {
    keys::AuthorPostKeyParts parts;
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(prefix)) break;
    if (!keys::DecodeAuthorPostKey(ToView(key), &parts)) {
      return absl::DataLossError("malformed author_posts key");
    }
    if (parts.created_ms > until_ms) continue;
    out.push_back(
        {parts.created_ms, std::string(parts.post_id), it->value().ToString()});
  }
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "read author posts"));
  return out;
}

}  // namespace reachrank::storage
