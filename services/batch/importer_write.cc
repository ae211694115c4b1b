// The writing half of the importer (importer.h): batches of parsed lines
// into the store, posts before their events.
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "services/batch/draft_input.h"
#include "services/batch/importer.h"
#include "services/batch/json_errors.h"
#include "services/ingest/post_classifier.h"
#include "services/ingest/validation.h"

namespace reachrank::batch {
namespace {

constexpr size_t kEventsPerWrite = 10000;
constexpr int kTopK = 3;  // as the ingest service classifies

// Classifies the posts' texts (when a classifier is given) into records.
absl::StatusOr<std::vector<storage::PostRecord>> ToRecords(
    const std::vector<ImportRecord>& batch,
    topics::TopicClassifier* classifier, absl::Time now) {
  std::vector<storage::PostRecord> records(batch.size());
  std::vector<topics::TextItem> items;
  for (size_t i = 0; i < batch.size(); ++i) {
    *records[i].mutable_post() = batch[i].post;
    records[i].set_language(batch[i].post.language());
    records[i].set_updated_ms(absl::ToUnixMillis(now));
    items.push_back(ingest::PostItem(records[i]));
  }
  if (classifier == nullptr) return records;
  for (size_t start = 0; start < items.size();
       start += topics::kMaxBatchItems) {
    const size_t n = std::min(topics::kMaxBatchItems, items.size() - start);
    RR_ASSIGN_OR_RETURN(
        auto classes,
        classifier->Classify(absl::MakeConstSpan(items).subspan(start, n),
                             kTopK));
    for (size_t k = 0; k < classes.size() && k < n; ++k) {
      storage::PostRecord& r = records[start + k];
      for (v1::TopicScore& score : ingest::TopicScores(classes[k])) {
        *r.add_topics() = std::move(score);
      }
      r.set_language(ingest::StoredLanguage(r, classes[k]));
      r.set_classified(true);
    }
  }
  return records;
}

// Why the store did not count an event, or OK.
absl::Status StoreRefusal(storage::EventOutcome outcome, absl::Duration skew) {
  switch (outcome) {
    case storage::EventOutcome::kUnknownPost:
      return absl::FailedPreconditionError("post_id: no such post");
    case storage::EventOutcome::kBeforePost:
      return absl::InvalidArgumentError(
          absl::StrCat("at: must not be more than ", absl::FormatDuration(skew),
                       " before its post's created_at"));
    default:
      return absl::OkStatus();
  }
}

absl::Time Clock(const ImportOptions& options) {
  return options.now == absl::InfinitePast() ? absl::Now() : options.now;
}

}  // namespace

void ReportRefusedEvents(const std::vector<ImportRecord>& batch,
                         const std::vector<RefusedEvent>& refused,
                         int64_t unlisted, ImportSummary& summary,
                         const RejectFn& reject) {
  if (refused.empty() && unlisted == 0) return;
  absl::flat_hash_map<absl::string_view, size_t> record_of;  // event id
  for (size_t i = 0; i < batch.size(); ++i) {
    for (const v1::EngagementEvent& e : batch[i].events) {
      record_of.emplace(e.event_id(), i);
    }
  }
  std::vector<int64_t> count(batch.size(), 0);
  std::vector<const absl::Status*> first(batch.size(), nullptr);
  for (const RefusedEvent& r : refused) {
    auto it = record_of.find(r.event_id);
    if (it == record_of.end()) {
      ++unlisted;  // not an id of this batch: report it with the unnamed
      continue;
    }
    if (count[it->second]++ == 0) first[it->second] = &r.reason;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (count[i] == 0) continue;
    ++summary.rejected_lines;
    if (!reject) continue;
    reject(batch[i].line,
           absl::Status(
               first[i]->code(),
               absl::StrFormat("post %s: %d of the line's %d events "
                               "refused (the others counted): %s",
                               batch[i].post.post_id(), count[i],
                               batch[i].events.size(), first[i]->message())));
  }
  if (unlisted == 0 || batch.empty()) return;
  ++summary.rejected_lines;
  if (reject) {
    reject(batch.front().line,
           absl::InvalidArgumentError(absl::StrFormat(
               "%d more events of lines %d-%d refused, not named by the "
               "destination",
               unlisted, batch.front().line, batch.back().line)));
  }
}

absl::Status StoreImportWriter::WritePosts(
    const std::vector<ImportRecord>& batch, absl::Time now,
    ImportSummary& summary, const RejectFn& reject) {
  if (batch.empty()) return absl::OkStatus();
  RR_ASSIGN_OR_RETURN(auto records, ToRecords(batch, classifier_, now));
  RR_ASSIGN_OR_RETURN(auto put, store_.PutPosts(records));
  for (const storage::PutPostResult& r : put) {
    ++(r.created ? summary.posts_created : summary.posts_updated);
  }
  std::vector<v1::EngagementEvent> events;
  for (const ImportRecord& r : batch) {
    events.insert(events.end(), r.events.begin(), r.events.end());
  }
  std::vector<RefusedEvent> refused;
  for (size_t start = 0; start < events.size(); start += kEventsPerWrite) {
    const size_t n = std::min(kEventsPerWrite, events.size() - start);
    RR_ASSIGN_OR_RETURN(
        storage::RecordResult result,
        store_.RecordEvents(absl::MakeConstSpan(events).subspan(start, n), now));
    summary.events_accepted += result.accepted;
    summary.events_duplicate += result.duplicates;
    for (size_t k = 0; k < result.outcomes.size(); ++k) {
      absl::Status why =
          StoreRefusal(result.outcomes[k], store_.event_clock_skew());
      if (!why.ok()) refused.push_back({events[start + k].event_id(), why});
    }
  }
  ReportRefusedEvents(batch, refused, 0, summary, reject);
  return absl::OkStatus();
}

absl::Status StoreImportWriter::WriteAuthors(
    absl::Span<const v1::Author> authors) {
  return store_.PutAuthors(authors);
}

absl::StatusOr<ImportSummary> ImportPosts(std::istream& in,
                                          storage::Store& store,
                                          topics::TopicClassifier* classifier,
                                          const ImportOptions& options,
                                          const RejectFn& reject) {
  StoreImportWriter writer(store, classifier);
  return ImportPosts(in, writer, options, reject);
}

absl::StatusOr<int64_t> ImportAuthors(std::istream& in, storage::Store& store,
                                      absl::Time now, const RejectFn& reject,
                                      const ShardSlice& shard) {
  StoreImportWriter writer(store, nullptr);
  return ImportAuthors(in, writer, now, reject, shard);
}

absl::StatusOr<ImportSummary> ImportPosts(std::istream& in,
                                          ImportWriter& writer,
                                          const ImportOptions& options,
                                          const RejectFn& reject) {
  ImportSummary summary;
  LineReader reader(in);
  std::vector<ImportRecord> batch;
  const size_t batch_posts = std::max<size_t>(1, options.batch_posts);
  for (InputLine line; reader.Next(&line);) {
    ++summary.lines;
    absl::StatusOr<ImportRecord> record =
        line.status.ok() ? ParseImportLine(line.text, Clock(options))
                         : absl::StatusOr<ImportRecord>(line.status);
    if (!record.ok()) {
      ++summary.rejected_lines;
      if (reject) reject(line.line, record.status());
      continue;
    }
    if (!options.shard.Owns(record->post.platform(), record->post.author_id())) {
      ++summary.other_shards;
      continue;
    }
    record->line = line.line;
    batch.push_back(*std::move(record));
    if (batch.size() < batch_posts) continue;
    RR_RETURN_IF_ERROR(
        writer.WritePosts(batch, Clock(options), summary, reject));
    batch.clear();
    if (options.progress) options.progress(summary.lines);
  }
  RR_RETURN_IF_ERROR(reader.status());
  if (!batch.empty()) {
    RR_RETURN_IF_ERROR(
        writer.WritePosts(batch, Clock(options), summary, reject));
  }
  if (options.progress) options.progress(summary.lines);
  return summary;
}

absl::StatusOr<int64_t> ImportAuthors(std::istream& in, ImportWriter& writer,
                                      absl::Time now, const RejectFn& reject,
                                      const ShardSlice& shard) {
  LineReader reader(in);
  std::vector<v1::Author> batch;
  int64_t written = 0;
  for (InputLine line; reader.Next(&line);) {
    v1::Author author;
    absl::Status status = line.status;
    if (status.ok()) {
      auto parsed =
          google::protobuf::util::JsonStringToMessage(line.text, &author);
      status = parsed.ok()
                   ? ingest::ValidateAuthor(author, now)
                   : absl::InvalidArgumentError(
                         "not an Author in JSON: " +
                         ReadableJsonError(parsed.message().as_string()));
    }
    if (!status.ok()) {
      if (reject) reject(line.line, status);
      continue;
    }
    if (!shard.Owns(author.platform(), author.author_id())) continue;
    batch.push_back(std::move(author));
    if (batch.size() < 1000) continue;
    RR_RETURN_IF_ERROR(writer.WriteAuthors(batch));
    written += static_cast<int64_t>(batch.size());
    batch.clear();
  }
  RR_RETURN_IF_ERROR(reader.status());
  if (!batch.empty()) RR_RETURN_IF_ERROR(writer.WriteAuthors(batch));
  return written + static_cast<int64_t>(batch.size());
}

}  // namespace reachrank::batch
