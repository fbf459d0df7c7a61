// End-to-end benchmark: runs a command once to warm up, then N times (posix_spawn, in a scratch
// dir, stdout to /dev/null), and prints the median, min and max of the wall time, of the peak
// RSS and of the CPU time (user + system; wait4 rusage). bench/run.sh reads these lines.
//
//   hydra_e2e_bench [--runs N] [--limit-ms X] [--limit-mib Y] -- <command> [args...]
//
// Exit code 1 if a limit is given and the median exceeds it, so the figure can gate a build.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

struct Sample {
  double wall_ms;
  double cpu_ms;  // user + system: what the run cost, whatever else the machine was doing
  double rss_mib;
};

Sample run_once(std::vector<char*>& argv, const std::filesystem::path& cwd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  auto start = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::perror("posix_spawn");
    std::exit(2);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  auto end = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&actions);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "command failed (status %d)\n", status);
    std::exit(2);
  }
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return {std::chrono::duration<double, std::milli>(end - start).count(), ms(usage.ru_utime) + ms(usage.ru_stime),
          usage.ru_maxrss / 1024.0};
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 50;
  double limit_ms = 0, limit_mib = 0;
  int i = 1;
  for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--limit-ms") && i + 1 < argc) limit_ms = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--limit-mib") && i + 1 < argc) limit_mib = std::atof(argv[++i]);
  }
  if (i + 1 >= argc) {
    std::fprintf(stderr, "usage: %s [--runs N] [--limit-ms X] [--limit-mib Y] -- command [args...]\n", argv[0]);
    return 2;
  }
  // The command runs in a scratch dir: resolve a relative program path first.
  std::string program = std::filesystem::absolute(argv[i + 1]).string();
  std::vector<char*> command(argv + i + 1, argv + argc);
  command[0] = program.data();
  command.push_back(nullptr);
  auto cwd = std::filesystem::temp_directory_path() / ("hydra_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(cwd);

  // Each run in a dir of its own, as a user's run would be: runs sharing one would find the
  // previous runs' outputs/<date>/<time> taken and probe for a free <dir>_N, which no single run
  // pays. The dirs are removed only after the last run: deleting thousands of job dirs between
  // runs made the next run pay for the file system's clean-up (ext4 with online discard here).
  int run_number = 0;
  auto run_in_fresh_dir = [&]() {
    const auto dir = cwd / ("run" + std::to_string(run_number++));
    std::filesystem::create_directories(dir);
    return run_once(command, dir);
  };
  run_in_fresh_dir();  // warm the page cache
  std::vector<double> wall, cpu, rss;
  for (int r = 0; r < runs; ++r) {
    Sample s = run_in_fresh_dir();
    wall.push_back(s.wall_ms);
    cpu.push_back(s.cpu_ms);
    rss.push_back(s.rss_mib);
  }
  std::filesystem::remove_all(cwd);
  double median_ms = percentile(wall, 0.5), median_mib = percentile(rss, 0.5);
  std::printf("runs: %d\nwall median: %.2f ms  min: %.2f ms  max: %.2f ms\npeak RSS median: %.2f MiB  min: %.2f MiB  max: %.2f MiB\n",
              runs, median_ms, percentile(wall, 0.0), percentile(wall, 1.0), median_mib, percentile(rss, 0.0),
              percentile(rss, 1.0));
  std::printf("cpu median: %.2f ms  min: %.2f ms  max: %.2f ms\n", percentile(cpu, 0.5), percentile(cpu, 0.0),
              percentile(cpu, 1.0));
  bool ok = (limit_ms <= 0 || median_ms <= limit_ms) && (limit_mib <= 0 || median_mib <= limit_mib);
  if (limit_ms > 0 || limit_mib > 0) std::printf("limits (%.1f ms, %.1f MiB): %s\n", limit_ms, limit_mib, ok ? "met" : "EXCEEDED");
  return ok ? 0 : 1;
}
