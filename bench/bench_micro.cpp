// Micro benchmarks (Google Benchmark), issue 9:
//   dispatching one event through a CallbackChain of 1, 8 and 64 no-op callbacks, against the
//   same number of direct virtual calls on the same objects (the floor: target <= 2x per callback);
//   composing the seed config; resolving and constructing a target; the YAML of a job's three
//   files (.hydra/config.yaml, hydra.yaml, overrides.yaml).
// The callbacks come from the bench plugin library (dlopen'ed at run time), so neither the chain
// nor the floor can be devirtualised or inlined. Run: `cmake --build build --target bench_micro`.
#include "callbacks/callback_chain.hpp"
#include "config/compose.hpp"
#include "config/config_source.hpp"
#include "config/interpolation.hpp"
#include "job/job_return_io.hpp"
#include "job/job_runner.hpp"
#include "plugin/plugin_registry.hpp"

#include <benchmark/benchmark.h>

#include <hydra/config.hpp>

#include <string>
#include <vector>

namespace {

using namespace hydra::internal;
using hydra::Config;

PluginRegistry bench_registry() { return PluginRegistry(PluginSearchPath{{HYDRA_BENCH_PLUGIN_ROOT}}, "bench_app"); }

// hydra.callbacks with `n` entries of the no-op callback.
Config noop_callbacks(int n) {
  Config callbacks(hydra::Value(hydra::NodeKind::Map, ""));
  for (int i = 0; i < n; ++i) callbacks.put("cb" + std::to_string(i) + "._target_", "hydra_bench.callbacks.Noop");
  return callbacks;
}

void BM_DispatchChain(benchmark::State& state) {
  PluginRegistry registry = bench_registry();
  CallbackChain chain = CallbackChain::create(noop_callbacks(static_cast<int>(state.range(0))), registry, false);
  const Config config;
  const hydra::RunInfo run{"config", nullptr, {}};
  for (auto _ : state) {
    chain.on_run_start(config, run);
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_callback"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DispatchChain)->Arg(1)->Arg(8)->Arg(64);

// The floor: the same callbacks called directly through their vtables.
void BM_DispatchDirectVirtual(benchmark::State& state) {
  PluginRegistry registry = bench_registry();
  std::vector<CallbackHandle> callbacks;
  for (int i = 0; i < state.range(0); ++i)
    callbacks.push_back(registry.create_callback("hydra_bench.callbacks.Noop", Config(), "hydra.callbacks.cb"));
  const Config config;
  const hydra::RunInfo run{"config", nullptr, {}};
  for (auto _ : state) {
    for (auto& callback : callbacks) {
      hydra::Callback* target = callback.get();
      benchmark::DoNotOptimize(target);  // the compiler cannot know the dynamic type
      target->on_run_start(config, run);
    }
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_callback"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DispatchDirectVirtual)->Arg(1)->Arg(8)->Arg(64);

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

// One whole-config pass as a job makes them: a copy, and a copy with every ${...} resolved.
void BM_CopySeedConfig(benchmark::State& state) {
  const Config config = compose(seed_request()).config;
  for (auto _ : state) benchmark::DoNotOptimize(Config(config));
}
BENCHMARK(BM_CopySeedConfig)->Unit(benchmark::kMicrosecond);

void BM_ResolveSeedConfig(benchmark::State& state) {
  Config config = compose(seed_request()).config;
  config.put("hydra.runtime.output_dir", "/tmp/out");
  for (auto _ : state) benchmark::DoNotOptimize(resolve_all(config, ResolveOptions{std::chrono::system_clock::now(), false}));
}
BENCHMARK(BM_ResolveSeedConfig)->Unit(benchmark::kMicrosecond);

// A fresh registry each time: locate the library, load it, check it, construct, release.
void BM_ResolveConstructFirstUse(benchmark::State& state) {
  Config params;
  params.put("n", 1);
  for (auto _ : state) {
    PluginRegistry registry = bench_registry();
    benchmark::DoNotOptimize(registry.create_callback("hydra_bench.callbacks.Bench0", params, "hydra.callbacks.b"));
  }
}
BENCHMARK(BM_ResolveConstructFirstUse)->Unit(benchmark::kMicrosecond);

// The library loaded already (the second callback of a run from the same plugin).
void BM_ResolveConstructLoaded(benchmark::State& state) {
  Config params;
  params.put("n", 1);
  PluginRegistry registry = bench_registry();
  CallbackHandle keep_loaded = registry.create_callback("hydra_bench.callbacks.Bench1", params, "hydra.callbacks.a");
  for (auto _ : state)
    benchmark::DoNotOptimize(registry.create_callback("hydra_bench.callbacks.Bench0", params, "hydra.callbacks.b"));
}
BENCHMARK(BM_ResolveConstructLoaded)->Unit(benchmark::kMicrosecond);

// The text of a job's three files, from the composed seed config, as the job runner emits them.
void BM_EmitJobFiles(benchmark::State& state) {
  ComposeRequest request = seed_request();
  const Config config = compose(request).config;
  const std::vector<std::string> overrides = {"x=1", "+hydra.callbacks.timer={_target_:t.T}"};
  for (auto _ : state) {
    benchmark::DoNotOptimize(hydra::to_yaml(task_part(config)));
    benchmark::DoNotOptimize(yaml_entry("hydra", config.get_child("hydra")));
    benchmark::DoNotOptimize(hydra::to_yaml(hydra::make_sequence(overrides)));
  }
}
BENCHMARK(BM_EmitJobFiles)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
