// Config composition micro benchmarks (issue 3): composing the seed config (limit 200 us) and
// composing the configs of a 1000-job sweep (limit 100 ms), as the multirun code does: one
// compose() per job with that job's overrides.
#include "config/compose.hpp"
#include "config/config_source.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using namespace hydra::internal;

ComposeRequest seed_request() {
  ComposeRequest request;
  request.app_name = "my_app";
  request.config_name = "config";
  request.sources = {ConfigSource::directory(HYDRA_SEED_CONF_DIR)};
  request.cwd = "/tmp";
  return request;
}

void BM_ComposeSeed(benchmark::State& state) {
  ComposeRequest request = seed_request();
  for (auto _ : state) benchmark::DoNotOptimize(compose(request));
}
BENCHMARK(BM_ComposeSeed)->Unit(benchmark::kMicrosecond);

// 1000 jobs of `foo=a,b,...` x `+n=range(0,100)` style sweep: 10 x 100 job configs.
void BM_Compose1000SweepJobs(benchmark::State& state) {
  ComposeRequest request = seed_request();
  std::vector<std::vector<std::string>> jobs;
  for (int a = 0; a < 10; ++a)
    for (int n = 0; n < 100; ++n) jobs.push_back({"foo=v" + std::to_string(a), "+n=" + std::to_string(n)});
  for (auto _ : state) {
    for (const auto& overrides : jobs) {
      request.overrides = overrides;
      benchmark::DoNotOptimize(compose(request));
    }
  }
}
BENCHMARK(BM_Compose1000SweepJobs)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
