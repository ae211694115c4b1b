// Ports, temp directories, child processes and HTTP scraping for tests.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "services/common/test_support.h"

namespace reachrank::testing {
namespace {

absl::Status Errno(const std::string& what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// The directories MakeTempDir made in this process and not yet removed.
absl::Mutex temp_dirs_mu;
std::vector<std::string>& TempDirs() ABSL_EXCLUSIVE_LOCKS_REQUIRED(temp_dirs_mu) {
  static auto* dirs = new std::vector<std::string>;  // used until exit
  return *dirs;
}

// At exit: removes the directories when no test of the process failed;
// otherwise keeps them (their logs and databases) and names them.
void RemoveTempDirsUnlessFailed() {
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  if (unit.failed_test_count() == 0 && !unit.ad_hoc_test_result().Failed()) {
    RemoveTempDirs();
    return;
  }
  absl::MutexLock lock(&temp_dirs_mu);
  for (const std::string& dir : TempDirs()) {
    std::fprintf(stderr, "a test failed; kept %s\n", dir.c_str());
  }
}

sockaddr_in LoopbackAddress(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// A port the kernel gave to a socket bound to 127.0.0.1:0, released.
absl::StatusOr<int> PickReleasedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Errno("socket");
  sockaddr_in addr = LoopbackAddress(0);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    absl::Status status = Errno("bind 127.0.0.1:0");
    close(fd);
    return status;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

absl::StatusOr<int> PickFreePort() {
  // A port released here may come back from the kernel before the process
  // it was for has bound it: never hand out one twice.
  static absl::Mutex given_mu(absl::kConstInit);
  static auto* given = new absl::flat_hash_set<int>();
  for (int attempt = 0; attempt < 100; ++attempt) {
    absl::StatusOr<int> port = PickReleasedPort();
    if (!port.ok()) return port.status();
    absl::MutexLock lock(&given_mu);
    if (given->insert(*port).second) return *port;
  }
  return absl::UnavailableError("no loopback port not handed out before");
}

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

absl::StatusOr<std::string> MakeTempDir(const std::string& prefix) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return absl::InternalError("no temp directory: " + ec.message());
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) return Errno("mkdtemp " + pattern);
  static const bool at_exit = std::atexit(RemoveTempDirsUnlessFailed) == 0;
  (void)at_exit;
  absl::MutexLock lock(&temp_dirs_mu);
  TempDirs().push_back(pattern);
  return pattern;
}

void RemoveTempDirs() {
  absl::MutexLock lock(&temp_dirs_mu);
  for (const std::string& dir : TempDirs()) {
    std::error_code ignored;  // a child may still be writing: best effort
    std::filesystem::remove_all(dir, ignored);
  }
  TempDirs().clear();
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::string& path, const std::vector<std::string>& args,
    const std::string& log_path) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return Errno("fork");
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!log_path.empty()) {
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
      }
    }
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

ChildProcess::~ChildProcess() { Kill(); }

absl::Status ChildProcess::Signal(int sig) {
  if (reaped_) return absl::FailedPreconditionError("process already reaped");
  if (kill(pid_, sig) != 0) return Errno("kill");
  return absl::OkStatus();
}

absl::StatusOr<int> ChildProcess::Wait(absl::Duration timeout) {
  if (reaped_) return absl::FailedPreconditionError("process already reaped");
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return status;
    }
    if (r < 0 && errno != EINTR) return Errno("waitpid");
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("pid ", pid_, " still running"));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

void ChildProcess::Kill() {
  if (reaped_) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

absl::StatusOr<std::string> ScrapeMetrics(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Errno("socket");
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr = LoopbackAddress(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    absl::Status status = Errno(absl::StrCat("connect to port ", port));
    close(fd);
    return status;
  }
  std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    absl::Status status = Errno("send");
    close(fd);
    return status;
  }
  std::string answer;
  char buf[16384];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) answer.append(buf, n);
  close(fd);
  size_t body = answer.find("\r\n\r\n");
  if (answer.rfind("HTTP/1.", 0) != 0 || body == std::string::npos ||
      answer.find(" 200 ") > answer.find("\r\n")) {
    return absl::InternalError("bad HTTP answer: " + answer.substr(0, 80));
  }
  return answer.substr(body + 4);
}

absl::StatusOr<double> MetricValue(const std::string& body,
                                   const std::string& series) {
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    if (!absl::StartsWith(line, series) || line.size() <= series.size() ||
        line[series.size()] != ' ') {
      continue;
    }
    double value = 0;
    if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) return value;
  }
  return absl::NotFoundError("no sample " + series);
}

}  // namespace reachrank::testing
