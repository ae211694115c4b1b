// Listing every author a database holds, and deleting one author's data:
// how a shard sheds the authors that moved to another shard.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace reachrank::storage {
namespace {

// The first key past every key that starts with `prefix`, which ends in
// the NUL separator: the same bytes with that NUL raised to 0x01. Key parts
// hold no NUL, so no other owner's key falls below it.
std::string PrefixEnd(std::string prefix) {
  prefix.back() = '\x01';
  return prefix;
}

// The authors-family key of the author of an author_posts key.
absl::StatusOr<std::string> AuthorKeyOfPostEntry(absl::string_view key) {
  keys::AuthorPostKeyParts parts;
  if (!keys::DecodeAuthorPostKey(key, &parts)) {
    return absl::DataLossError(absl::StrCat(
        "malformed author_posts key of ", key.size(), " bytes"));
  }
  return keys::AuthorKey(parts.platform, parts.author_id);
}

absl::StatusOr<AuthorId> ToAuthorId(absl::string_view author_key) {
  keys::AuthorKeyParts parts;
  if (!keys::DecodeAuthorKey(author_key, &parts)) {
    return absl::DataLossError(absl::StrCat("malformed author key of ",
                                            author_key.size(), " bytes"));
  }
  return AuthorId{std::string(parts.platform), std::string(parts.author_id)};
}

}  // namespace

// Merges two sorted streams of author keys: the authors family's keys and
// the author parts of the author_posts keys, each author's posts skipped
// with one Seek. Both orders agree because AuthorPostPrefix is AuthorKey
// followed by NUL and key parts hold no NUL.
absl::StatusOr<std::vector<AuthorId>> RocksStore::ListAuthorIds(
    size_t limit, const std::optional<AuthorId>& start_after) {
  std::unique_ptr<rocksdb::Iterator> records(
      db_->NewIterator(rocksdb::ReadOptions(), cf(kCfAuthors)));
  std::unique_ptr<rocksdb::Iterator> posts(
      db_->NewIterator(rocksdb::ReadOptions(), cf(kCfAuthorPosts)));
  const std::optional<std::string> after = AuthorKeyOf(start_after);
  SeekPast(records.get(), after);
  if (after.has_value()) {
    posts->Seek(PrefixEnd(*after + '\0'));
  } else {
    posts->SeekToFirst();
  }
  std::vector<AuthorId> out;
  while (out.size() < limit && (records->Valid() || posts->Valid())) {
    std::optional<std::string> of_record, of_posts;
    if (records->Valid()) of_record = records->key().ToString();
    if (posts->Valid()) {
      RR_ASSIGN_OR_RETURN(of_posts, AuthorKeyOfPostEntry(ToView(posts->key())));
    }
    const std::string next =
        !of_posts.has_value() || (of_record.has_value() && *of_record < *of_posts)
            ? *of_record
            : *of_posts;
    RR_ASSIGN_OR_RETURN(out.emplace_back(), ToAuthorId(next));
    if (of_record == next) records->Next();
    if (of_posts == next) posts->Seek(PrefixEnd(next + '\0'));
  }
  RR_RETURN_IF_ERROR(FromRocks(records->status(), "list authors"));
  RR_RETURN_IF_ERROR(FromRocks(posts->status(), "list authors' posts"));
  return out;
}

void RocksStore::StageDeletePost(absl::string_view post_id, bool pending,
                                 rocksdb::WriteBatch* batch) {
  batch->Delete(cf(kCfPosts), ToSlice(post_id)).PermitUncheckedError();
  batch->Delete(cf(kCfPostCounters), ToSlice(post_id)).PermitUncheckedError();
  const std::string hours = keys::PostHourPrefix(post_id);
  batch->DeleteRange(cf(kCfPostHourCounters), hours, PrefixEnd(hours))
      .PermitUncheckedError();
  // Classified posts have no pending key; deleting one anyway would leave a
  // tombstone for the pending scans to skip.
  if (pending) {
    batch->Delete(cf(kCfPending), ToSlice(post_id)).PermitUncheckedError();
  }
}

absl::StatusOr<int64_t> RocksStore::DeleteAuthor(const AuthorId& author) {
  RR_RETURN_IF_ERROR(CheckWritable());
  if (!keys::IsValidPart(author.platform) ||
      !keys::IsValidPart(author.author_id)) {
    return absl::InvalidArgumentError(
        "platform and author_id must be non-empty");
  }
  absl::MutexLock lock(&write_mu_);
  rocksdb::WriteBatch batch;
  const std::string prefix =
      keys::AuthorPostPrefix(author.platform, author.author_id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf(kCfAuthorPosts)));
  int64_t deleted = 0;
  for (it->Seek(prefix);
       it->Valid() && absl::StartsWith(ToView(it->key()), prefix); it->Next()) {
    keys::AuthorPostKeyParts parts;
    if (!keys::DecodeAuthorPostKey(ToView(it->key()), &parts)) {
      return absl::DataLossError(absl::StrCat("malformed author_posts key of ",
                                              it->key().size(), " bytes"));
    }
    // The entry's value is the top topic, empty while the post is pending.
    StageDeletePost(parts.post_id, it->value().empty(), &batch);
    batch.Delete(cf(kCfAuthorPosts), it->key()).PermitUncheckedError();
    ++deleted;
  }
  RR_RETURN_IF_ERROR(FromRocks(it->status(), "list the author's posts"));
  batch.Delete(cf(kCfAuthors), keys::AuthorKey(author.platform, author.author_id))
      .PermitUncheckedError();
  const std::string days = keys::DayPrefix(author.platform, author.author_id);
  batch.DeleteRange(cf(kCfAuthorDayCounters), days, PrefixEnd(days))
      .PermitUncheckedError();
  RR_RETURN_IF_ERROR(Write(&batch, "delete author"));
  return deleted;
}

}  // namespace reachrank::storage
