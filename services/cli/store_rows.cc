#include "services/cli/store_rows.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/scratch_dir.h"
#include "base/status_macros.h"
#include "ranking/model/file_util.h"
#include "storage/store.h"

namespace reachrank::cli {
namespace {

// The time `text` names — RFC 3339, or a date YYYY-MM-DD meaning its
// midnight UTC — or `otherwise` when it is empty; INVALID_ARGUMENT naming
// `flag` when it is neither.
absl::StatusOr<absl::Time> TimeFlag(absl::string_view flag,
                                    const std::string& text,
                                    absl::Time otherwise) {
  if (text.empty()) return otherwise;
  absl::Time t;
  std::string error, date_error;
  const bool parsed =
      absl::ParseTime(absl::RFC3339_full, text, &t, &error) ||
      absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &date_error);
  // ParseTime also reads "infinite-past" and "infinite-future".
  if (parsed && t != absl::InfinitePast() && t != absl::InfiniteFuture()) {
    return t;
  }
  if (parsed) error = "not a finite time";
  return absl::InvalidArgumentError(absl::StrCat(
      flag, ": not an RFC 3339 time or a YYYY-MM-DD date: ", error));
}

}  // namespace

absl::StatusOr<std::vector<ranking::AuthorRef>> ParseAuthors(
    const std::string& text, const std::string& source) {
  std::vector<ranking::AuthorRef> authors;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> parts =
        absl::StrSplit(line, absl::ByAnyChar(", \t"), absl::SkipEmpty());
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ":", line_number, ": expected a platform and an author id"));
    }
    authors.push_back({parts[0], parts[1]});
  }
  return authors;
}

absl::StatusOr<ranking::LabelConfigs> LoadLabels(const StoreRowsFlags& flags) {
  if (flags.labels.empty()) return ranking::LabelConfigs();
  return ranking::LabelConfigs::Load(flags.labels);
}

namespace {

// The rows of database `db`, for `authors`
// or, when the flags name no authors file, every author it has a record of.
absl::StatusOr<ranking::TrainingRows> ReadOneStore(
    const StoreRowsFlags& flags, const std::string& db,
    std::vector<ranking::AuthorRef> authors,
    const ranking::TrainingRowsOptions& options) {
  RR_ASSIGN_OR_RETURN(const auto secondary, ScratchDirectory::Create("rows"));
  storage::StoreOptions store_options;
  store_options.path = db;
  store_options.block_cache_bytes = static_cast<size_t>(flags.block_cache_mb)
                                    << 20;
  absl::StatusOr<std::unique_ptr<storage::Store>> opened =
      storage::Store::OpenSecondary(store_options, secondary->path());
  if (absl::IsNotFound(opened.status())) {  // as every command names it
    return absl::NotFoundError(
        absl::StrCat("--db: ", opened.status().message()));
  }
  RR_ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, std::move(opened));
  if (flags.authors.empty()) {
    RR_ASSIGN_OR_RETURN(authors, ranking::ListAllAuthors(*store));
  }
  return ranking::BuildTrainingRowsForAuthors(*store, authors, options);
}

}  // namespace

absl::StatusOr<ranking::TrainingRows> ReadStoreRows(
    const StoreRowsFlags& flags,
    std::function<void(size_t done, size_t total)> progress) {
  std::vector<ranking::AuthorRef> authors;
  if (!flags.authors.empty()) {
    RR_ASSIGN_OR_RETURN(std::string text,
                        ranking::ReadModelFile(flags.authors));
    RR_ASSIGN_OR_RETURN(authors, ParseAuthors(text, flags.authors));
  }
  ranking::TrainingRowsOptions options;
  const absl::Time now = absl::Now();
  RR_ASSIGN_OR_RETURN(options.cutoff, TimeFlag("--cutoff", flags.cutoff, now));
  if (options.cutoff > now) {
    // Posts whose horizon ends after now would be labelled from partial
    // counts: mostly "not reached".
    return absl::InvalidArgumentError(absl::StrCat(
        "--cutoff: ", flags.cutoff,
        " is after now; the labels of posts whose horizon has not ended are "
        "not known yet"));
  }
  RR_ASSIGN_OR_RETURN(
      options.since, TimeFlag("--since", flags.since, absl::InfinitePast()));
  if (options.since >= options.cutoff) {
    return absl::InvalidArgumentError(
        absl::StrCat("--since: must be before the cutoff (",
                     absl::FormatTime(absl::RFC3339_sec, options.cutoff,
                                      absl::UTCTimeZone()),
                     ")"));
  }
  RR_ASSIGN_OR_RETURN(options.labels, LoadLabels(flags));
  options.threads = static_cast<size_t>(flags.threads);
  for (double hours : flags.live_ages_hours) {
    if (!std::isfinite(hours) || hours <= 0 || hours > 24 * 3650) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--live-ages: ", hours, " is not a number of hours in (0, 87600]"));
    }
    options.live_ages.push_back(absl::Seconds(std::llround(hours * 3600)));
  }
  std::vector<ranking::TrainingRows> parts;
  size_t before = 0;  // posts of the databases read already
  size_t total = 0;   // posts of the one being read
  options.progress = [&](size_t done, size_t of) {
    total = of;
    if (progress) progress(before + done, before + of);
  };
  for (size_t i = 0; i < flags.dbs.size(); ++i) {
    RR_ASSIGN_OR_RETURN(ranking::TrainingRows rows,
                        ReadOneStore(flags, flags.dbs[i], authors, options));
    before += std::exchange(total, 0);
    parts.push_back(std::move(rows));
  }
  if (parts.size() == 1) return std::move(parts[0]);
  return ranking::MergeTrainingRows(std::move(parts));
}

}  // namespace reachrank::cli
