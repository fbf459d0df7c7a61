// Every YAML file hydra-cpp writes (config.yaml, hydra.yaml, overrides.yaml, multirun.yaml,
// job_return.yaml, the experimental callbacks' job_config.yaml / job_info.yaml / report.yaml) is
// read back by PyYAML, as Python Hydra and its tools read them: with yaml.safe_load and with
// OmegaConf's loader (when python3-omegaconf is there), which must agree, and the values must be
// the ones hydra-cpp meant (a string that looks like a number, bool, date or YAML indicator stays a
// string; floats stay floats). Needs /usr/bin/python3 with python3-yaml (cmake/setup-deps.sh
// installs it for the test run).
#include "support/apps.hpp"

#include <gtest/gtest.h>

#include <map>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

// Prints "<relative path>\t<json of the loaded document>" for every .yaml file under argv[1].
constexpr const char* kReadBack = R"PY(
import json, pathlib, sys, yaml
loaders = [yaml.SafeLoader]
try:
    from omegaconf._utils import get_yaml_loader
    loaders.append(get_yaml_loader())
except ImportError:
    pass
root = pathlib.Path(sys.argv[1])
for path in sorted(root.rglob('*.yaml')):
    text = path.read_text(encoding='utf-8')
    dumps = set()
    for loader in loaders:
        try:
            dumps.add(json.dumps(yaml.load(text, Loader=loader), ensure_ascii=False, default=repr))
        except Exception as e:
            print(f'{path.relative_to(root)}\tERROR {type(e).__name__}: {e}'.replace('\n', ' '))
            dumps = None
            break
    if dumps is None:
        continue
    if len(dumps) != 1:
        print(f'{path.relative_to(root)}\tLOADERS DISAGREE {sorted(dumps)}')
        continue
    print(f'{path.relative_to(root)}\t{dumps.pop()}')
)PY";

// Each written file's JSON as PyYAML reads it, by path relative to `root`.
std::map<std::string, std::string> read_back_with_pyyaml(const fs::path& root) {
  auto probe = run_process({"/usr/bin/python3", "-c", "import yaml"}, root);
  if (probe.exit_code != 0) {
    ADD_FAILURE() << "/usr/bin/python3 with python3-yaml is needed (cmake/setup-deps.sh --slurm installs it): "
                  << probe.err;
    return {};
  }
  auto r = run_process({"/usr/bin/python3", "-c", kReadBack, root.string()}, root);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> files;
  for (const auto& line : lines_of(r.out)) {
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    files[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return files;
}

void expect_every_file_loads(const std::map<std::string, std::string>& files, std::size_t at_least) {
  EXPECT_GE(files.size(), at_least);
  for (const auto& [path, json] : files) {
    EXPECT_NE(json.rfind("ERROR", 0), 0u) << path << ": " << json;
    EXPECT_NE(json.rfind("LOADERS DISAGREE", 0), 0u) << path << ": " << json;
  }
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kLongWords =
    "word word word word word word word word word word word word word word word word word word word word";

// Command-line values that YAML 1.1 would retype if written plain; Hydra's grammar makes each a string
// (or a float for 1e-3 / 5e-05 / inf; .inf is a string in the grammar, as Python Hydra 1.3.5 reads it),
// and PyYAML must read the same back.
const std::vector<std::string> kTrickyOverrides = {
    "+a=0x1F",          "+b='1:20'",   "+c=2001-01-01", "+d=yes",    "+e=1e-3",        "+f=5e-05",
    "+g='='",           "+h=' lead'",  "+i='a: b'",     "+j=null",   "+k='#hash'",     "+l='ünï'",
    "+m='" + kLongWords + "'", "+n='1.0'", "+o=017", "+p='~'", "+q=1e16", "+r=.inf", "+s=inf"};

}  // namespace

TEST(YamlFilesReadByPyYaml, RunWithTrickyOverrides) {
  ScratchDir dir;
  std::vector<std::string> argv = {MY_APP, "hydra.run.dir=out"};
  argv.insert(argv.end(), kTrickyOverrides.begin(), kTrickyOverrides.end());
  auto r = run_process(argv, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = read_back_with_pyyaml(dir.path());
  expect_every_file_loads(files, 3);
  ASSERT_TRUE(files.count("out/.hydra/config.yaml")) << r.out;
  const std::string& config = files["out/.hydra/config.yaml"];
  for (const char* pair :
       {R"("a": "0x1F")", R"("b": "1:20")", R"("c": "2001-01-01")", R"("d": "yes")", R"("e": 0.001)", R"("f": 5e-05)",
        R"("g": "=")", R"("h": " lead")", R"("i": "a: b")", R"("j": null)", R"("k": "#hash")", R"("l": "ünï")",
        R"("n": "1.0")", R"("o": "017")", R"("p": "~")", R"("q": 1e+16)", R"("r": ".inf")", R"("s": Infinity)"})
    EXPECT_TRUE(contains(config, pair)) << pair << "\n" << config;
  EXPECT_TRUE(contains(config, "\"m\": \"" + kLongWords + "\"")) << config;
  // overrides.yaml: the override strings exactly as given.
  EXPECT_TRUE(contains(files["out/.hydra/overrides.yaml"], R"("+b='1:20'")")) << files["out/.hydra/overrides.yaml"];
  EXPECT_TRUE(contains(files["out/.hydra/overrides.yaml"], R"("+a=0x1F")"));
  // hydra.yaml: the default kv_sep '=' (PyYAML fails on a bare =) and the task overrides.
  const std::string& hydra = files["out/.hydra/hydra.yaml"];
  EXPECT_TRUE(contains(hydra, R"("kv_sep": "=")")) << hydra;
  EXPECT_TRUE(contains(hydra, R"("+c=2001-01-01")")) << hydra;
}

TEST(YamlFilesReadByPyYaml, SweepWithJobReturnsPickledJobInfoAndReport) {
  ScratchDir dir;
  auto r = run_process(
      lifecycle_argv({"-m", "foo=0x1F,2001-01-01,yes,'1:20'", "hydra.sweep.dir=sweep",
                      "+hydra.callbacks.pickle={_target_: hydra.experimental.callbacks.PickleJobInfoCallback}",
                      "+hydra.callbacks.report={_target_: hydra.experimental.callbacks.SweepReportCallback}"}),
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto files = read_back_with_pyyaml(dir.path());
  // multirun.yaml, report.yaml, and per job config/hydra/overrides/job_return/job_config/job_info.
  expect_every_file_loads(files, 2 + 4 * 6);
  const char* values[] = {"0x1F", "2001-01-01", "yes", "1:20"};
  for (int job = 0; job < 4; ++job) {
    std::string prefix = "sweep/" + std::to_string(job) + "/.hydra/";
    std::string value = values[job];
    EXPECT_TRUE(contains(files[prefix + "config.yaml"], "\"foo\": \"" + value + "\"")) << files[prefix + "config.yaml"];
    EXPECT_TRUE(contains(files[prefix + "job_config.yaml"], "\"foo\": \"" + value + "\""));
    EXPECT_TRUE(contains(files[prefix + "job_return.yaml"], "\"return_value\": \"ret-" + value + "\""))
        << files[prefix + "job_return.yaml"];
    EXPECT_TRUE(contains(files[prefix + "job_info.yaml"], "\"return_value\": \"ret-" + value + "\""))
        << files[prefix + "job_info.yaml"];
    EXPECT_TRUE(contains(files[prefix + "hydra.yaml"], R"("kv_sep": "=")"));
  }
  EXPECT_TRUE(contains(files["sweep/multirun.yaml"], R"("kv_sep": "=")")) << files["sweep/multirun.yaml"];
  const std::string& report = files["sweep/report.yaml"];
  EXPECT_TRUE(contains(report, R"("overrides": ["foo=0x1F"])")) << report;
  EXPECT_TRUE(contains(report, R"("return_value": "ret-1:20")")) << report;
  EXPECT_TRUE(contains(report, R"("completed": 4)")) << report;
}
