#include "services/batch/progress.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace reachrank::batch {

std::optional<int64_t> CountNewlines(const std::string& path) {
  struct stat st;
  if (path == "-" || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return std::nullopt;
  std::vector<char> buf(1 << 20);
  int64_t lines = 0;
  bool ends_with_newline = true;
  for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), f)) > 0;) {
    lines += std::count(buf.data(), buf.data() + n, '\n');
    ends_with_newline = buf[n - 1] == '\n';
  }
  std::fclose(f);
  return lines + (ends_with_newline ? 0 : 1);
}

std::string FormatProgress(int64_t done, std::optional<int64_t> total,
                           absl::Duration elapsed, int64_t done_at_start,
                           absl::string_view unit) {
  const double seconds = std::max(absl::ToDoubleSeconds(elapsed), 1e-3);
  const double rate = static_cast<double>(done - done_at_start) / seconds;
  if (!total.has_value() || *total <= 0) {
    return absl::StrFormat("%d %s  %.0f/s", done, unit, rate);
  }
  const double fraction =
      std::min(1.0, static_cast<double>(done) / static_cast<double>(*total));
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string eta = "--:--";
  if (rate > 0) {
    const int64_t left = static_cast<int64_t>(
        static_cast<double>(std::max<int64_t>(*total - done, 0)) / rate);
    eta = absl::StrFormat("%d:%02d", left / 60, left % 60);
  }
  return absl::StrFormat("[%s%s] %d/%d %3.0f%%  %.0f/s  ETA %s",
                         std::string(filled, '#'),
                         std::string(kWidth - filled, '.'), done, *total,
                         100 * fraction, rate, eta);
}

ProgressBar::ProgressBar(std::ostream& out, std::string label, std::string unit,
                         std::optional<int64_t> total, int64_t done_at_start)
    : out_(out),
      label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      done_at_start_(done_at_start),
      started_(absl::Now()) {}

void ProgressBar::Update(int64_t done) {
  const absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(200)) return;
  last_draw_ = now;
  out_ << "\r" << label_ << ": "
       << FormatProgress(done, total_, now - started_, done_at_start_, unit_)
       << "\x1b[K" << std::flush;
}

void ProgressBar::Finish(int64_t done) {
  last_draw_ = absl::InfinitePast();
  Update(done);
  out_ << "\n" << std::flush;
}

TerminalProgress::TerminalProgress(std::string label)
    : label_(std::move(label)), terminal_(isatty(STDERR_FILENO) == 1) {}

void TerminalProgress::Update(int64_t done, int64_t total) {
  if (!terminal_ || finished_) return;
  if (bar_ == nullptr) {
    bar_ = std::make_unique<ProgressBar>(std::cerr, label_, "", total, 0);
  }
  done_ = done;
  if (done < total) {
    bar_->Update(done);
    return;
  }
  bar_->Finish(done);
  finished_ = true;
}

void TerminalProgress::Finish() {
  if (bar_ == nullptr || finished_) return;
  bar_->Finish(done_);
  finished_ = true;
}

}  // namespace reachrank::batch
