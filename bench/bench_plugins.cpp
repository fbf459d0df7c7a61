// Plugin host benchmark (issue 6):
//   listing 200 plugin files on the search path            <= 100 ms (median)
//   resolving and constructing 100 callbacks from 20 libs  <=  30 ms (median; each run loads the 20)
// Compiled twice: with HYDRA_BENCH_PLUGIN it is the plugin (5 callbacks), else the driver.
//   bench_plugins --plugin FILE [--runs N] [--limit-list-ms X] [--limit-resolve-ms Y]
#ifdef HYDRA_BENCH_PLUGIN

#include <hydra/plugin.hpp>

#define HYDRA_BENCH_CALLBACK(Name)                                                \
  class Name : public hydra::Callback {                                            \
   public:                                                                         \
    explicit Name(const hydra::Config& params) : n_(hydra::get_or<int>(params, "n", 0)) {} \
    void on_run_start(const hydra::Config&, const hydra::RunInfo&) override { ++n_; } \
                                                                                   \
   private:                                                                        \
    int n_;                                                                        \
  };                                                                               \
  HYDRA_CALLBACK(Name)

HYDRA_BENCH_CALLBACK(Bench0)
HYDRA_BENCH_CALLBACK(Bench1)
HYDRA_BENCH_CALLBACK(Bench2)
HYDRA_BENCH_CALLBACK(Bench3)
HYDRA_BENCH_CALLBACK(Bench4)

#else

#include "plugin/internal/manifest.hpp"
#include "plugin/plugin_inventory.hpp"
#include "plugin/plugin_registry.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace hydra::internal;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void copy_plugin(const fs::path& plugin, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(plugin, to, fs::copy_options::overwrite_existing);
  const fs::path manifest = plugin::manifest_path(plugin);
  if (fs::exists(manifest)) {
    // The manifest names its library: rewrite that line for the copy.
    std::string text = plugin::format_manifest([&] {
      std::string error;
      auto m = *plugin::read_manifest(plugin, error);
      m.library = to.filename().string();
      return m;
    }());
    std::FILE* f = std::fopen(plugin::manifest_path(to).c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
}

}  // namespace

int main(int argc, char** argv) {
  fs::path plugin;
  int runs = 21;
  double limit_list = 0, limit_resolve = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--plugin") plugin = next();
    else if (a == "--runs") runs = std::stoi(next());
    else if (a == "--limit-list-ms") limit_list = std::stod(next());
    else if (a == "--limit-resolve-ms") limit_resolve = std::stod(next());
    else {
      std::cerr << "usage: bench_plugins --plugin FILE [--runs N] [--limit-list-ms X] [--limit-resolve-ms Y]\n";
      return 2;
    }
  }
  if (plugin.empty()) return std::cerr << "bench_plugins: --plugin FILE is required\n", 2;

  std::string pattern = (fs::temp_directory_path() / "hydra-bench-plugins-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) return std::cerr << "mkdtemp failed\n", 1;
  const fs::path root = pattern;

  // 200 plugin files with manifests, 20 per module dir, over two search dirs.
  std::vector<fs::path> list_dirs = {root / "list_a", root / "list_b"};
  for (int i = 0; i < 200; ++i)
    copy_plugin(plugin, list_dirs[i % 2] / ("pkg" + std::to_string(i / 20)) / ("libm" + std::to_string(i) + ".so"));
  // 20 libraries of 5 callbacks each, for 100 callbacks.
  const fs::path resolve_dir = root / "resolve";
  for (int i = 0; i < 20; ++i) copy_plugin(plugin, resolve_dir / "bench" / ("liblib" + std::to_string(i) + ".so"));

  std::vector<double> list_ms, list_load_ms, resolve_ms;
  std::size_t listed = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    auto reports = scan_plugins(PluginSearchPath{list_dirs}, InventoryOptions{false});
    list_ms.push_back(ms_since(t0));
    listed = 0;
    for (const auto& rep : reports)
      for (const auto& c : rep.candidates) listed += c.status == PluginCandidate::Status::ok;
  }
  for (int r = 0; r < std::max(3, runs / 4); ++r) {
    auto t0 = Clock::now();
    auto reports = scan_plugins(PluginSearchPath{list_dirs}, InventoryOptions{true});
    list_load_ms.push_back(ms_since(t0));
  }
  std::size_t made = 0;
  hydra::Config params;
  params.put("n", 1);
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    {
      PluginRegistry registry(PluginSearchPath{{resolve_dir}}, "bench_app");
      std::vector<CallbackHandle> callbacks;
      callbacks.reserve(100);
      for (int lib = 0; lib < 20; ++lib)
        for (int k = 0; k < 5; ++k)
          callbacks.push_back(registry.create_callback(
              "bench.lib" + std::to_string(lib) + ".Bench" + std::to_string(k), params, "hydra.callbacks.b"));
      made = callbacks.size();
    }  // callbacks, then libraries, released: the next run loads again
    resolve_ms.push_back(ms_since(t0));
  }
  std::error_code ec;
  fs::remove_all(root, ec);

  const double list_median = median(list_ms), load_median = median(list_load_ms), resolve_median = median(resolve_ms);
  std::printf("list %zu plugin files (ok: %zu), no loading:   median %.2f ms over %d runs (limit %.0f ms)\n",
              static_cast<std::size_t>(200), listed, list_median, runs, limit_list);
  std::printf("list 200 plugin files, loading each:          median %.2f ms over %zu runs (informational)\n",
              load_median, list_load_ms.size());
  std::printf("resolve+construct %zu callbacks from 20 libs: median %.2f ms over %d runs (limit %.0f ms)\n", made,
              resolve_median, runs, limit_resolve);
  bool ok = listed == 200 && made == 100;
  if (limit_list > 0 && list_median > limit_list) ok = false;
  if (limit_resolve > 0 && resolve_median > limit_resolve) ok = false;
  if (!ok) std::printf("FAILED\n");
  return ok ? 0 : 1;
}

#endif
