// Unit tests of the config area: YAML I/O, sources, composition, overrides, interpolation.
#include "config/builtin_hydra.hpp"
#include "config/compose.hpp"
#include "config/config_source.hpp"
#include "config/interpolation.hpp"
#include "config/overrides.hpp"
#include "config/tree.hpp"
#include "config/tree_codec.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <hydra/main.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <optional>

using namespace hydra;
using namespace hydra::internal;

namespace {

const std::string kData = std::string(HYDRA_TEST_SOURCE_DIR) + "/data/config";

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UserError& e) {
    return e.what();
  } catch (const hydra::ConfigError& e) {  // reading an unresolved value
    return e.what();
  }
  return "<no error>";
}

ComposedConfig run(const std::string& app, const std::string& name, std::vector<std::string> overrides = {},
                   RunMode mode = RunMode::RUN) {
  ComposeRequest req;
  req.app_name = "my_app";
  req.config_name = name;
  req.overrides = parse_overrides(overrides);
  req.sources = {ConfigSource::directory(kData + "/" + app + "/conf")};
  req.cwd = "/work/cwd";
  req.mode = mode;
  return compose(req);
}

std::string yaml_at(const Config& root, const std::string& key) {
  const Config* node = find_node(root, key);
  if (!node) return "<missing " + key + ">";
  return to_yaml(*node);
}

Config without_hydra(Config root) {
  auto it = root.find("hydra");
  if (it != root.not_found()) root.erase(root.to_iterator(it));
  return root;
}

std::vector<std::string> keys(const Config& node) {
  std::vector<std::string> out;
  for (const auto& [k, v] : node) out.push_back(k);
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------------ YAML

TEST(Yaml, TypesAndRoundTrip) {
  const std::string text =
      "b: 1\n"
      "a: '1'\n"
      "f: 1.0\n"
      "t: true\n"
      "nul: null\n"
      "ns: 'null'\n"
      "m: ???\n"
      "e_map: {}\n"
      "e_list: []\n"
      "s: hello world\n"
      "lst:\n"
      "- x: 1\n"
      "  why:\n"
      "  - 2\n"
      "  - '3'\n"
      "- plain\n"
      "- - nested\n"
      "nested:\n"
      "  z: 1\n"
      "  a: 2\n";
  Config cfg = parse_yaml(text, "t.yaml");
  EXPECT_EQ(keys(cfg), (std::vector<std::string>{"b", "a", "f", "t", "nul", "ns", "m", "e_map", "e_list", "s", "lst", "nested"}));
  EXPECT_EQ(cfg.get_child("b").data().kind(), NodeKind::Int);
  EXPECT_EQ(cfg.get_child("a").data().kind(), NodeKind::String);
  EXPECT_EQ(cfg.get_child("f").data().kind(), NodeKind::Float);
  EXPECT_EQ(cfg.get_child("t").data().kind(), NodeKind::Bool);
  EXPECT_EQ(cfg.get_child("nul").data().kind(), NodeKind::Null);
  EXPECT_EQ(cfg.get_child("ns").data().kind(), NodeKind::String);
  EXPECT_EQ(cfg.get_child("m").data().kind(), NodeKind::Missing);
  EXPECT_EQ(cfg.get_child("e_map").data().kind(), NodeKind::Map);
  EXPECT_EQ(cfg.get_child("e_list").data().kind(), NodeKind::Sequence);
  EXPECT_EQ(cfg.get<int>("b"), 1);
  EXPECT_EQ(cfg.get<std::string>("a"), "1");
  EXPECT_EQ(keys(cfg.get_child("nested")), (std::vector<std::string>{"z", "a"}));
  std::string emitted = to_yaml(cfg);
  EXPECT_EQ(emitted, text);
  Config again = parse_yaml(emitted, "again");
  EXPECT_TRUE(same_tree(cfg, again));
}

TEST(Yaml, EmptyDocumentIsEmptyMap) {
  Config cfg = parse_yaml("", "empty.yaml");
  EXPECT_EQ(cfg.data().kind(), NodeKind::Map);
  EXPECT_TRUE(cfg.empty());
  EXPECT_TRUE(parse_yaml("# only a comment\n", "c.yaml").empty());
}

TEST(Yaml, SyntaxErrorNamesFileLineColumn) {
  std::string msg = error_of([] { load_yaml_file(kData + "/compose/conf/broken.yaml"); });
  EXPECT_NE(msg.find("broken.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("broken.yaml:4:3: end of map not found"), std::string::npos) << msg;
  msg = error_of([] { parse_yaml("a: 1\n  b: 2\n", "x.yaml"); });
  EXPECT_EQ(msg.rfind("x.yaml:2:", 0), 0u) << msg;
}

TEST(Yaml, DuplicateKeyIsAnError) {
  std::string msg = error_of([] { parse_yaml("a: 1\na: 2\n", "dup.yaml"); });
  EXPECT_NE(msg.find("dup.yaml:2:1: duplicate key 'a'"), std::string::npos) << msg;
}

// parse_yaml builds the tree from yaml-cpp's events: anchors, aliases and keys as YAML::Load read them.
TEST(Yaml, AnchorsAndAliasesFromParseEvents) {
  Config cfg = parse_yaml("base: &b {x: 1, y: [a, b]}\ncopy: *b\n&k key: &v 7\nvalue_of_key: *k\nn: *v\n"
                          "? *v\n: seven\nnull_key: &z\nz_alias: *z\nlist: [&s one, *s]\n",
                          "anchors.yaml");
  EXPECT_EQ(yaml_at(cfg, "copy"), "x: 1\n'y':\n- a\n- b\n");
  EXPECT_EQ(cfg.get_child("value_of_key").data(), Value::string("key"));
  EXPECT_EQ(cfg.get_child("n").data(), Value(NodeKind::Int, "7"));
  EXPECT_EQ(cfg.get<std::string>("7"), "seven");  // an aliased key is the anchored scalar's text
  EXPECT_EQ(cfg.get_child("z_alias").data().kind(), NodeKind::Null);
  EXPECT_EQ(yaml_at(cfg, "list"), "- one\n- one\n");
}

TEST(Yaml, BadAliasesAndKeysAreErrors) {
  EXPECT_EQ(error_of([] { parse_yaml("a: &m {x: 1}\n? *m\n: v\n", "k.yaml"); }),
            "k.yaml:2:3: map keys must be plain strings (found a map as key)");
  EXPECT_EQ(error_of([] { parse_yaml("? [a, b]\n: v\n", "k.yaml"); }),
            "k.yaml:1:3: map keys must be plain strings (found a sequence as key)");
  EXPECT_NE(error_of([] { parse_yaml("a: &x [1, *x]\n", "self.yaml"); })
                .find("self.yaml:1:11: an alias (*name) inside the node it names repeats that node forever"),
            std::string::npos);
  // Each alias of the one before nests a level deeper, and an alias deep in brackets adds its
  // levels to theirs: past 1000 levels it is an error, not a stack overflow in the tree's copy or
  // destructor. (A chain alone reaches the 200000-value limit first.)
  std::string chain = "l0: &a0 [x]\n";
  for (int i = 1; i <= 520; ++i)
    chain += "l" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + "]\n";
  chain += "deep: " + std::string(490, '[') + "*a520" + std::string(490, ']') + "\n";
  EXPECT_NE(error_of([&] { parse_yaml(chain, "deep.yaml"); }).find("deep.yaml:522:497: nested more than 1000 levels deep"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_yaml("a: 1\n---\nb: 2\n", "two.yaml"); }).find("two.yaml:2:1: more than one YAML document"),
            std::string::npos);
}

TEST(Yaml, LoadMissingFileIsUserError) {
  EXPECT_NE(error_of([] { load_yaml_file(kData + "/nope.yaml"); }).find("nope.yaml"), std::string::npos);
}

// ----------------------------------------------------------------------------------- sources

TEST(Sources, DirectoryAndBuiltin) {
  auto dir = ConfigSource::directory(kData + "/compose/conf");
  EXPECT_TRUE(dir.is_group("db"));
  EXPECT_FALSE(dir.is_group("nope"));
  EXPECT_EQ(dir.group_options("db"), (std::vector<std::string>{"mysql", "postgres"}));
  EXPECT_TRUE(dir.read("db/mysql.yaml"));
  EXPECT_FALSE(dir.read("db/oracle.yaml"));
  EXPECT_FALSE(dir.read("../compose/conf/config.yaml"));
  auto builtin = ConfigSource::builtin();
  EXPECT_EQ(builtin.group_options("hydra/job_logging"),
            (std::vector<std::string>{"default", "disabled", "none", "stdout"}));
  EXPECT_EQ(builtin.group_options("hydra/hydra_logging"),
            (std::vector<std::string>{"default", "disabled", "hydra_debug", "none"}));
  EXPECT_TRUE(builtin.is_group("hydra/launcher"));
  EXPECT_EQ(builtin.describe(), "pkg://hydra.conf");
  auto groups = list_config_groups({dir});
  bool found = false;
  for (const auto& [g, opts] : groups)
    if (g == "hydra/job_logging") found = opts == std::vector<std::string>{"default", "disabled", "none", "stdout"};
  EXPECT_TRUE(found);
}

TEST(Sources, EmbeddedRegistrationAndCompose) {
  static const EmbeddedFile files[] = {
      {"emb_config.yaml", "defaults:\n  - emb_group: one\n  - _self_\nx: 1\n"},
      {"emb_group/one.yaml", "v: 2\n"},
      {"emb_group/two.yaml", "v: 3\n"},
  };
  EXPECT_TRUE(register_embedded_config(files));
  auto emb = ConfigSource::embedded("my_app");
  EXPECT_TRUE(emb.is_embedded());
  EXPECT_EQ(emb.describe(), "embedded://my_app");
  EXPECT_EQ(emb.group_options("emb_group"), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(*emb.read("emb_group/two.yaml"), "v: 3\n");
  ComposeRequest req;
  req.app_name = "my_app";
  req.config_name = "emb_config";
  req.sources = {emb};
  req.overrides = parse_overrides({"emb_group=two"});
  auto out = compose(req);
  EXPECT_EQ(to_yaml(without_hydra(out.config)), "emb_group:\n  v: 3\nx: 1\n");
  EXPECT_EQ(yaml_at(out.config, "hydra.runtime.config_sources"),
            "- path: hydra.conf\n  schema: pkg\n  provider: hydra\n- path: my_app\n  schema: embedded\n"
            "  provider: main\n");
}

TEST(Sources, RegisterBuiltinGroupOption) {
  register_builtin_config("hydra/launcher/unit_test_launcher.yaml", "_target_: hydra.launchers.UnitTest\nn_jobs: 2\n");
  auto out = run("seed", "config", {"hydra/launcher=unit_test_launcher"});
  EXPECT_EQ(yaml_at(out.config, "hydra.launcher"), "_target_: hydra.launchers.UnitTest\nn_jobs: 2\n");
  EXPECT_EQ(yaml_at(out.config, "hydra.runtime.choices.hydra/launcher"), "unit_test_launcher\n");
}

TEST(Sources, BuiltinTreesParsedAtBuildTimeAreWhatParseYamlGives) {
  auto builtin = ConfigSource::builtin();
  ASSERT_FALSE(prebuilt_builtin_configs().empty());
  for (const auto& prebuilt : prebuilt_builtin_configs()) {
    std::string rel(prebuilt.rel);
    SCOPED_TRACE(rel);
    auto text = builtin.read_view(rel);
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, prebuilt.text);
    auto tree = builtin.prebuilt_tree(rel, *text);
    ASSERT_TRUE(tree);
    TreeReader reader(*tree);
    EXPECT_TRUE(same_tree(reader.tree(), parse_yaml(std::string(*text), rel)));
    EXPECT_TRUE(reader.at_end());
  }
  EXPECT_FALSE(ConfigSource::directory(kData + "/compose/conf").prebuilt_tree("hydra/config.yaml", ""));
}

TEST(Sources, ReplacedBuiltinFileIsParsedFromItsNewText) {
  auto builtin = ConfigSource::builtin();
  const std::string rel = "hydra/launcher/basic.yaml";
  auto before = builtin.read_view(rel);
  ASSERT_TRUE(before && builtin.prebuilt_tree(rel, *before));
  register_builtin_config(rel, std::string(*before));  // same text, new storage: the tree no longer applies
  auto after = builtin.read_view(rel);
  ASSERT_TRUE(after);
  EXPECT_FALSE(builtin.prebuilt_tree(rel, *after));
  EXPECT_FALSE(builtin.prebuilt_tree(rel, *before));
  auto out = run("seed", "config");
  EXPECT_EQ(yaml_at(out.config, "hydra.launcher"), "_target_: hydra.launchers.BasicLauncher\n");
}

// ------------------------------------------------------------------------------ composition

TEST(Compose, SeedExample) {
  auto out = run("seed", "config");
  EXPECT_EQ(to_yaml(without_hydra(out.config)), "foo: bar\n");
  EXPECT_EQ(yaml_at(out.config, "hydra.callbacks"),
            "my_callback:\n  _target_: my_app.MyCallback\n  bucket: my_s3_bucket\n  file_path: ./test.pt\n");
  EXPECT_EQ(keys(out.config).front(), "hydra");
}

TEST(Compose, HydraNodeDefaults) {
  auto out = run("seed", "config", {"foo=baz", "hydra.job.chdir=true"});
  const Config& c = out.config;
  EXPECT_EQ(c.get<std::string>("hydra.run.dir"), "outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}");
  EXPECT_EQ(c.get<std::string>("hydra.sweep.dir"), "multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}");
  EXPECT_EQ(c.get<std::string>("hydra.sweep.subdir"), "${hydra.job.num}");
  EXPECT_EQ(c.get<std::string>("hydra.launcher._target_"), "hydra.launchers.BasicLauncher");
  EXPECT_EQ(c.get<std::string>("hydra.sweeper._target_"), "hydra.sweepers.BasicSweeper");
  EXPECT_EQ(c.get_child("hydra.sweeper.max_batch_size").data().kind(), NodeKind::Null);
  EXPECT_EQ(c.get<std::string>("hydra.job_logging.handlers.file.filename"), "${hydra.runtime.output_dir}/${hydra.job.name}.log");
  EXPECT_EQ(c.get<std::string>("hydra.hydra_logging.formatters.simple.format"), "[%(asctime)s][HYDRA] %(message)s");
  EXPECT_EQ(c.get<std::string>("hydra.job.name"), "my_app");
  EXPECT_EQ(c.get<std::string>("hydra.job.config_name"), "config");
  EXPECT_EQ(c.get<std::string>("hydra.runtime.cwd"), "/work/cwd");
  EXPECT_EQ(c.get<std::string>("hydra.runtime.version_base"), "1.3");
  EXPECT_EQ(c.get_child("hydra.runtime.version").data().kind(), NodeKind::String);
  EXPECT_FALSE(c.get<std::string>("hydra.runtime.version").empty());
  EXPECT_EQ(c.get_child("hydra.runtime.output_dir").data().kind(), NodeKind::Missing);
  EXPECT_EQ(c.get_child("hydra.job.id").data().kind(), NodeKind::Missing);
  EXPECT_EQ(c.get_child("hydra.job.num").data().kind(), NodeKind::Missing);
  EXPECT_EQ(c.get_child("hydra.mode").data().kind(), NodeKind::Null);
  EXPECT_EQ(c.get<bool>("hydra.job.chdir"), true);
  EXPECT_EQ(c.get<std::string>("hydra.output_subdir"), ".hydra");
  EXPECT_EQ(c.get<std::string>("hydra.help.template").substr(0, 22), "${hydra.help.header}\n=");
  // Hydra's order: the tree is expanded from the last entry up (checked with Python Hydra 1.3.5).
  EXPECT_EQ(yaml_at(c, "hydra.runtime.choices"),
            "hydra/env: default\nhydra/callbacks: null\nhydra/job_logging: default\nhydra/hydra_logging: default\n"
            "hydra/hydra_help: default\nhydra/help: default\nhydra/sweeper: basic\nhydra/launcher: basic\n"
            "hydra/output: default\n");
  // hydra/callbacks: [my_callback] is a multi-select: Hydra records no choice for it (the
  // built-in `callbacks: null` stays recorded, as Python Hydra 1.3.5 shows).
  EXPECT_EQ(keys(c.get_child("hydra")),
            (std::vector<std::string>{"run", "sweep", "launcher", "sweeper", "help", "hydra_help", "hydra_logging",
                                      "job_logging", "env", "mode", "searchpath", "callbacks", "strict_callbacks",
                                      "plugin_path", "output_subdir", "overrides", "job", "runtime", "verbose"}));
  EXPECT_EQ(yaml_at(c, "hydra.overrides"), "hydra:\n- hydra.job.chdir=true\ntask:\n- foo=baz\n");
  EXPECT_EQ(out.task_overrides, (std::vector<std::string>{"foo=baz"}));
  EXPECT_EQ(out.hydra_overrides, (std::vector<std::string>{"hydra.job.chdir=true"}));
  EXPECT_EQ(c.get<std::string>("hydra.job.override_dirname"), "foo=baz");
  std::string sources = yaml_at(c, "hydra.runtime.config_sources");
  EXPECT_NE(sources.find("- path: " + kData + "/seed/conf\n  schema: file\n  provider: main\n"), std::string::npos)
      << sources;
}

TEST(Compose, LoggingDisabledGroup) {
  auto out = run("seed", "config", {"hydra/job_logging=disabled"});
  EXPECT_EQ(yaml_at(out.config, "hydra.job_logging"), "version: 1\nroot:\n  level: ERROR\ndisable_existing_loggers: true\n");
  EXPECT_EQ(yaml_at(out.config, "hydra.runtime.choices.hydra/job_logging"), "disabled\n");
  EXPECT_EQ(out.hydra_overrides, (std::vector<std::string>{"hydra/job_logging=disabled"}));
  auto out2 = run("compose", "with_override");
  EXPECT_EQ(out2.config.get<bool>("hydra.job_logging.disable_existing_loggers"), true);
  EXPECT_EQ(out2.config.get<std::string>("db.driver"), "postgres");
  EXPECT_EQ(out2.config.get<std::string>("hydra.hydra_logging.root.level"), "INFO");
  // The command line beats an `override` entry.
  auto out3 = run("compose", "with_override", {"db=mysql"});
  EXPECT_EQ(out3.config.get<std::string>("db.driver"), "mysql");
}

TEST(Compose, DefaultsListForms) {
  auto out = run("compose", "config");
  const Config& c = out.config;
  // group: option, merged with the primary's own values (_self_ last).
  EXPECT_EQ(yaml_at(c, "db"), "driver: mysql\nport: 3306\nuser: me\n");
  // optional with a missing option: skipped.
  EXPECT_FALSE(find_node(c, "extra"));
  // group@pkg, with nested relative defaults under the parent's package.
  EXPECT_EQ(yaml_at(c, "srv"), "db:\n  file: test.db\nname: apache\n");
  // plain config name: merged at the parent's package.
  EXPECT_EQ(c.get<int>("other_key"), 5);
  EXPECT_EQ(keys(without_hydra(c)), (std::vector<std::string>{"db", "srv", "other_key", "foo", "num", "s", "nested"}));
  // As Python Hydra 1.3.5 lists them: last entry first, the nested group under its package's key, an
  // optional group whose option is absent included.
  EXPECT_EQ(yaml_at(c, "hydra.runtime.choices"),
            "server@srv: apache\nserver/db@srv.db: sqlite\nextra: none_such\ndb: mysql\n"
            "hydra/env: default\nhydra/callbacks: null\nhydra/job_logging: default\nhydra/hydra_logging: default\n"
            "hydra/hydra_help: default\nhydra/help: default\nhydra/sweeper: basic\nhydra/launcher: basic\n"
            "hydra/output: default\n");
}

TEST(Compose, SelfPosition) {
  EXPECT_EQ(yaml_at(run("compose", "self_first").config, "db"), "driver: mysql\nextra: kept\nport: 3306\n");
  EXPECT_EQ(yaml_at(run("compose", "no_self").config, "db"), "driver: mysql\nport: 1\n");
}

TEST(Compose, MultiSelect) {
  auto out = run("compose", "multi");
  EXPECT_EQ(yaml_at(out.config, "feat"), "x: 1\nshared: b\nw: 2\n");
  EXPECT_FALSE(find_node(out.config, "hydra.runtime.choices.feat"));  // Hydra records no multi-select choice
  auto swapped = run("compose", "multi", {"feat=[b,a]"});
  EXPECT_EQ(yaml_at(swapped.config, "feat"), "w: 2\nshared: a\nx: 1\n");
}

TEST(Compose, PackageHeadersAndEntryPackages) {
  auto out = run("compose", "headers");
  // As Hydra 1.3 with version_base=None: `# @package _group_` is a key named _group_, and a plain
  // comment before `# @package` ends the header (explicit/e.yaml's header is not read).
  EXPECT_EQ(yaml_at(out.config, "_group_"), "in_group: 1\n");
  EXPECT_EQ(out.config.get<int>("at_root"), 1);
  EXPECT_EQ(out.config.get<std::string>("explicit.value"), "deep");
  EXPECT_FALSE(find_node(out.config, "a"));
  auto pk = run("compose", "entry_pkg");
  EXPECT_EQ(yaml_at(pk.config, "backup"), "driver: postgres\nport: 5432\n");
  EXPECT_EQ(pk.config.get<std::string>("driver"), "mysql");
  // An absolute group inside a group option: group path from the root, package under the parent's.
  auto abs = run("compose", "nested_abs");
  EXPECT_EQ(yaml_at(abs.config, "server"), "db:\n  driver: postgres\n  port: 5432\nname: nginx\n");
}

TEST(Compose, NoPrimaryConfig) {
  auto out = run("compose", "", {"+db=postgres"});
  EXPECT_EQ(to_yaml(without_hydra(out.config)), "db:\n  driver: postgres\n  port: 5432\n");
  EXPECT_EQ(out.config.get_child("hydra.job.config_name").data().kind(), NodeKind::Null);
}

TEST(Compose, Errors) {
  std::string msg = error_of([] { run("compose", "nope"); });
  EXPECT_EQ(msg.rfind("Cannot find primary config 'nope'. Check that it's in your config search path.", 0), 0u) << msg;
  EXPECT_NE(msg.find(kData + "/compose/conf"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pkg://hydra.conf"), std::string::npos) << msg;

  msg = error_of([] { run("compose", "bad_option"); });
  EXPECT_NE(msg.find("Could not find 'db/oracle'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bad_option.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Available options in 'db': mysql, postgres"), std::string::npos) << msg;

  msg = error_of([] { run("compose", "must"); });
  EXPECT_NE(msg.find("You must specify 'db', e.g, db=<OPTION>"), std::string::npos) << msg;
  EXPECT_EQ(run("compose", "must", {"db=postgres"}).config.get<int>("db.port"), 5432);

  msg = error_of([] { run("compose", "bad_defaults"); });
  EXPECT_NE(msg.find("bad_defaults.yaml: 'defaults' must be a list"), std::string::npos) << msg;

  msg = error_of([] { run("compose", "missing_plain"); });
  EXPECT_NE(msg.find("Could not load 'does_not_exist'"), std::string::npos) << msg;

  msg = error_of([] { run("compose", "broken"); });
  EXPECT_NE(msg.find("broken.yaml:4:3: end of map not found"), std::string::npos) << msg;

  msg = error_of([] { run("compose", "clash"); });
  EXPECT_NE(msg.find("Error merging '" + kData + "/compose/conf/seq_a.yaml': Cannot merge a sequence into the map a"),
            std::string::npos)
      << msg;

  msg = error_of([] { run("ordering", "list_form"); });
  EXPECT_NE(msg.find("list_form.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("hydra.callbacks"), std::string::npos) << msg;
  EXPECT_NE(msg.find("callbacks are a map"), std::string::npos) << msg;
}

// ------------------------------------------------------------------------------- overrides

TEST(ComposeOverrides, KeyOverrides) {
  auto out = run("compose", "config",
                 {"num=2", "s=3", "foo='1'", "+new.deep=x y", "++num=7", "++brand=new", "~nested.a", "~nested.maybe=null",
                  "+nested.maybe2=1", "nested.list=[3]", "nested.missing=set"});
  const Config& c = out.config;
  EXPECT_EQ(c.get<int>("num"), 7);
  EXPECT_EQ(c.get_child("s").data(), Value(NodeKind::Int, "3"));
  EXPECT_EQ(c.get_child("foo").data(), Value::string("1"));
  EXPECT_EQ(c.get<std::string>("new.deep"), "x y");
  EXPECT_EQ(c.get<std::string>("brand"), "new");
  EXPECT_EQ(yaml_at(c, "nested"), "list:\n- 3\nmissing: set\nmaybe2: 1\n");
  EXPECT_EQ(c.get<std::string>("hydra.job.override_dirname"),
            "++brand=new,++num=7,+nested.maybe2=1,+new.deep=x y,foo='1',nested.list=[3],"
            "nested.missing=set,num=2,s=3,~nested.a,~nested.maybe=null");
}

TEST(ComposeOverrides, DictValueMergesIntoMap) {
  // OmegaConf.update(merge=True), as Hydra applies key=value: existing keys keep their position;
  // in struct mode key={...} changes keys only, +key={...} may add them.
  auto out = run("compose", "config", {"+nested={a: 5, extra: e}"});
  EXPECT_EQ(yaml_at(out.config, "nested"), "a: 5\nlist:\n- 1\n- 2\nmissing: ???\nmaybe: null\nextra: e\n");
  auto changed = run("compose", "config", {"nested={a: 5}"});
  EXPECT_EQ(yaml_at(changed.config, "nested.a"), "5\n");
  EXPECT_NE(error_of([] { run("compose", "config", {"nested={a: 5, extra: e}"}); })
                .find("Could not override 'nested'. To append to your config use +nested={a: 5, extra: e}"),
            std::string::npos);
  auto scalar = run("compose", "config", {"nested=5"});
  EXPECT_EQ(yaml_at(scalar.config, "nested"), "5\n");
}

TEST(ComposeOverrides, GroupOverrides) {
  auto out = run("compose", "config", {"db=postgres", "server@srv=nginx", "extra=present", "+feat=a"});
  EXPECT_EQ(yaml_at(out.config, "db"), "driver: postgres\nport: 5432\nuser: me\n");
  EXPECT_EQ(out.config.get<bool>("extra.flag"), true);
  EXPECT_EQ(yaml_at(out.config, "hydra.runtime.choices.extra"), "present\n");
  EXPECT_EQ(yaml_at(out.config, "hydra.runtime.choices.feat"), "a\n");
  EXPECT_EQ(keys(without_hydra(out.config)).back(), "feat");  // +group goes after the primary's _self_
  auto del = run("compose", "config", {"~db", "~server@srv=apache"});
  EXPECT_EQ(yaml_at(del.config, "db"), "user: me\n");
  EXPECT_FALSE(find_node(del.config, "srv"));
}

TEST(ComposeOverrides, ErrorMessages) {
  auto msg = [](std::vector<std::string> ov) { return error_of([&] { run("compose", "config", ov); }); };
  EXPECT_EQ(msg({"nope=1"}), "Could not override 'nope'. To append to your config use +nope=1");
  EXPECT_EQ(msg({"nested.nope=1"}), "Could not override 'nested.nope'. To append to your config use +nested.nope=1");
  EXPECT_EQ(msg({"+num=2"}),
            "Could not append to config. An item is already at 'num'. Use ++num=2 to override it, or num=2 to change it");
  EXPECT_EQ(msg({"~nope"}), "Could not delete from config. 'nope' does not exist.");
  EXPECT_EQ(msg({"~num=5"}), "Could not delete from config. The value of 'num' is 1 and not 5.");
  EXPECT_EQ(msg({"nested.list={a: 1}"}),
            "Error merging override nested.list={a: 1}: Cannot merge a map into the sequence nested.list");
  EXPECT_EQ(msg({"foo=a,b"}).substr(0, 38), "Ambiguous value for argument 'foo=a,b'");
  std::string m = msg({"db=oracle"});
  EXPECT_NE(m.find("In override 'db=oracle': Could not find 'db/oracle'"), std::string::npos) << m;
  EXPECT_NE(m.find("Available options in 'db': mysql, postgres"), std::string::npos) << m;
  m = msg({"db=mysqll"});
  EXPECT_NE(m.find("Did you mean db=mysql?"), std::string::npos) << m;
  EXPECT_EQ(msg({"feat=a"}),
            "Could not override 'feat'. No match in the defaults list. To append to your default list use +feat=a");
  EXPECT_EQ(msg({"~feat"}), "Could not delete 'feat'. No match in the defaults list");
  m = msg({"+db=postgres"});
  EXPECT_NE(m.find("Multiple values for db. To override a value use 'override db: postgres'"), std::string::npos) << m;
  m = msg({"~server@srv=nginx"});
  EXPECT_NE(m.find("Could not delete 'server@srv=nginx'. No match in the defaults list"), std::string::npos) << m;
  m = msg({"hydra/job_logging=nope"});
  EXPECT_NE(m.find("Available options in 'hydra/job_logging': default, disabled"), std::string::npos) << m;
  m = msg({"+a.b=1", "+a.b.c=2"});
  EXPECT_NE(m.find("cannot put a map at 'a.b'"), std::string::npos) << m;
}

TEST(ComposeOverrides, MultirunLeavesSweepsOut) {
  auto out = run("compose", "config", {"num=5,6", "db=mysql,postgres", "s=x"}, RunMode::MULTIRUN);
  EXPECT_EQ(out.config.get<int>("num"), 1);
  EXPECT_EQ(out.config.get<std::string>("s"), "x");
  EXPECT_EQ(out.task_overrides, (std::vector<std::string>{"num=5,6", "db=mysql,postgres", "s=x"}));
  EXPECT_NE(error_of([] { run("compose", "config", {"hydra.job.chdir=true,false"}, RunMode::MULTIRUN); })
                .find("sweeping over Hydra's configuration is not supported"),
            std::string::npos);
}

// A sweep composes its jobs through one session: each job must come out as compose() gives it,
// whatever the session composed before (the merged defaults of a tree key are shared), errors too.
TEST(ComposeSession, EveryJobComposesAsComposeDoes) {
  const std::vector<std::vector<std::string>> jobs = {
      {"num=5"}, {"num=6", "s=x"}, {"db=postgres", "num=7"}, {"num=8"}, {"db=postgres", "+x=1"},
      {"~db", "num=9"}, {"db=oracle"}, {"nope=1"}, {"hydra.job.name=other", "num=1"}, {"server@srv=nginx"},
      {"num=5"}, {"+feat=a", "db=postgres"}, {"db=postgres", "+feat=a"}, {"hydra.searchpath=[/nonexistent]"}};
  ComposeRequest base;
  base.app_name = "my_app";
  base.config_name = "config";
  base.sources = {ConfigSource::directory(kData + "/compose/conf")};
  base.cwd = "/work/cwd";
  base.mode = RunMode::MULTIRUN;
  ComposeSession session(base);
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& overrides : jobs) {
      const std::string what = join(overrides, " ");
      std::optional<ComposedConfig> expected, got;
      const std::string expected_error = error_of([&] { expected = run("compose", "config", overrides, RunMode::MULTIRUN); });
      const std::string error = error_of([&] { got = session.compose(parse_overrides(overrides)); });
      ASSERT_EQ(error, expected_error) << what;
      if (!expected) continue;
      EXPECT_EQ(to_yaml(got->config), to_yaml(expected->config)) << what;
      EXPECT_EQ(got->task_overrides, expected->task_overrides) << what;
      EXPECT_EQ(got->hydra_overrides, expected->hydra_overrides) << what;
      EXPECT_EQ(got->defaults_tree, expected->defaults_tree) << what;
      EXPECT_EQ(got->missing_choice, expected->missing_choice) << what;
      EXPECT_EQ(got->sources.size(), expected->sources.size()) << what;
    }
}

TEST(ComposeOverrides, CallbackOrdering) {
  auto keys_of = [](const ComposedConfig& c) { return keys(c.config.get_child("hydra.callbacks")); };
  EXPECT_EQ(keys_of(run("ordering", "config")), (std::vector<std::string>{"my_callback1", "my_callback2"}));
  EXPECT_EQ(keys_of(run("ordering", "reversed")), (std::vector<std::string>{"my_callback2", "my_callback1"}));
  EXPECT_EQ(yaml_at(run("ordering", "reversed").config, "hydra.callbacks"),
            "my_callback2:\n  _target_: my_app.MyCallback2\n  param2: val2\nmy_callback1:\n  _target_: my_app.MyCallback1\n"
            "  param1: val1\n");
  auto added = run("ordering", "config", {"+hydra.callbacks.x={_target_:a.B,label:C}"});
  EXPECT_EQ(keys_of(added), (std::vector<std::string>{"my_callback1", "my_callback2", "x"}));
  EXPECT_EQ(yaml_at(added.config, "hydra.callbacks.x"), "_target_: a.B\nlabel: C\n");
  auto modified = run("ordering", "config", {"hydra.callbacks.my_callback1.param1=changed"});
  EXPECT_EQ(keys_of(modified), (std::vector<std::string>{"my_callback1", "my_callback2"}));
  EXPECT_EQ(modified.config.get<std::string>("hydra.callbacks.my_callback1.param1"), "changed");
  auto deleted = run("ordering", "config", {"~hydra.callbacks.my_callback1"});
  EXPECT_EQ(keys_of(deleted), (std::vector<std::string>{"my_callback2"}));
  auto nulled = run("ordering", "config", {"hydra.callbacks.my_callback1=null"});
  EXPECT_EQ(nulled.config.get_child("hydra.callbacks.my_callback1").data().kind(), NodeKind::Null);
  EXPECT_EQ(error_of([] { run("ordering", "config", {"hydra.callbacks=[{_target_:my_app.MyCallback1}]"}); }),
            "Error merging override hydra.callbacks=[{_target_:my_app.MyCallback1}]: "
            "Cannot merge a sequence into the map hydra.callbacks (callbacks are a map: name -> {_target_: ...})");
}

// ----------------------------------------------------------------------------- interpolation

TEST(Interpolation, AllForms) {
  ::setenv("HYDRA_TEST_ENV_VAR", "from_env", 1);
  ::unsetenv("HYDRA_TEST_UNSET_VAR");
  Config root = load_yaml_file(kData + "/compose/conf/interp.yaml");
  root.put_child("hydra.runtime.cwd", Config(Value::string("/the/cwd")));
  ResolveOptions opt;
  std::tm tm{};
  tm.tm_year = 2024 - 1900;
  tm.tm_mon = 2;
  tm.tm_mday = 5;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  opt.now = std::chrono::system_clock::from_time_t(std::mktime(&tm));
  opt.strict = false;  // missing_value stays
  Config r = resolve_all(root, opt);
  EXPECT_EQ(r.get<std::string>("paths.full"), "/data/demo");
  EXPECT_EQ(r.get_child("paths.port").data(), Value(NodeKind::Int, "8080"));
  EXPECT_EQ(yaml_at(r, "paths.copy"), "name: demo\nport: 8080\nratio: 0.5\n'on': true\nnothing: null\n");
  EXPECT_EQ(r.get<std::string>("paths.sibling"), "/data");
  EXPECT_EQ(r.get<std::string>("paths.parent"), "demo");
  EXPECT_EQ(r.get<std::string>("paths.escaped"), "${paths.root}");
  EXPECT_EQ(r.get<std::string>("paths.mixed"), "port=8080 on=True");
  EXPECT_EQ(r.get<std::string>("paths.cwd"), "/the/cwd");
  EXPECT_EQ(r.get<std::string>("paths.date"), "2024-03-05");
  EXPECT_EQ(r.get<std::string>("paths.env"), "from_env");
  EXPECT_EQ(r.get<std::string>("paths.env_default"), "fallback");
  EXPECT_EQ(r.get<std::string>("paths.env_nested"), "demo");
  EXPECT_EQ(r.get_child("paths.select").data(), Value(NodeKind::Int, "8080"));
  EXPECT_EQ(r.get_child("paths.select_default").data(), Value(NodeKind::Int, "42"));
  EXPECT_EQ(r.get<std::string>("paths.chain"), "/data/demo");
  EXPECT_EQ(yaml_at(r, "list"), "- demo\n- k: demo\n");
  EXPECT_EQ(r.get_child("missing_value").data().kind(), NodeKind::Missing);
  // A sub-node resolved on its own, relative refs use its key.
  Config sub = resolve(root, root.get_child("paths"), "paths", opt);
  EXPECT_EQ(sub.get<std::string>("sibling"), "/data");
}

TEST(Interpolation, Errors) {
  ResolveOptions strict;
  auto err = [&](const std::string& yaml) {
    return error_of([&] { resolve_all(parse_yaml(yaml, "t"), strict); });
  };
  EXPECT_EQ(err("a: ${x.y}\n"), "Interpolation key 'x.y' not found (at a)");
  EXPECT_EQ(err("a:\n  b: ${c}\nc: ${a.b}\n"), "Interpolation cycle: a.b -> c -> a.b. Break the loop in one of these keys");
  EXPECT_NE(err("a: ???\nb: ${a}\n").find("Interpolation key 'a' is a missing value"), std::string::npos);
  EXPECT_NE(err("a: ${oc.env:HYDRA_TEST_UNSET_VAR}\n").find("Environment variable 'HYDRA_TEST_UNSET_VAR' not found (at a)"),
            std::string::npos);
  EXPECT_NE(err("a: ${foo:bar}\n").find("Unsupported interpolation type 'foo'"), std::string::npos);
  EXPECT_NE(err("a: ${b\nb: 1\n").find("Unterminated interpolation"), std::string::npos);
  // Lazy: an unresolvable value becomes an Unresolved node, printed as written; reading it throws
  // an error naming the key, the interpolation and the cause.
  ResolveOptions lazy;
  lazy.strict = false;
  Config r = resolve_all(parse_yaml("a: ???\nb: ${a}\nc: x${nope}\n", "t"), lazy);
  EXPECT_EQ(r.get_child("b").data().as_written(), "${a}");
  EXPECT_EQ(to_yaml(r), "a: ???\nb: ${a}\nc: x${nope}\n");
  EXPECT_EQ(error_of([&] { hydra::get<std::string>(r, "c"); }),
            "Key 'c' cannot be resolved: x${nope}: Interpolation key 'nope' not found (at c)");
  EXPECT_EQ(error_of([&] { r.get<int>("c"); }),
            "Key 'c' cannot be resolved: x${nope}: Interpolation key 'nope' not found (at c)");
  EXPECT_EQ(error_of([&] { hydra::get_or<std::string>(r, "b", "fallback"); }).substr(0, 40),
            "Key 'b' cannot be resolved: ${a}: Interp");
}

// Lazy and keep_missing passes see a leaf naming a ??? value without evaluating it; the result
// must be what evaluating (and failing) gave.
TEST(Interpolation, LeavesNamingMissingValues) {
  const Config root = parse_yaml("m: ???\nsub:\n  m: ???\na: ${m}\nb: pre/${m}/${nope}\nc: ${nope}/${m}\n"
                                 "d: ${hydra:m}\nhydra:\n  m: ???\ne:\n  r: ${.m}\n  m: ???\nf: ${sub.m}\n",
                                 "t");
  ResolveOptions lazy;
  lazy.strict = false;
  Config r = resolve_all(root, lazy);
  for (const char* key : {"a", "b", "c", "e.r", "f"}) {
    EXPECT_EQ(r.get_child(key).data().kind(), NodeKind::Unresolved) << key;
    EXPECT_EQ(r.get_child(key).data().as_written(), root.get<std::string>(key)) << key;
  }
  EXPECT_EQ(r.get_child("b").data().unresolved_error(),
            "Key 'b' cannot be resolved: pre/${m}/${nope}: Interpolation key 'm' is a missing value (?\?\?) (at b). "
            "Set it, e.g. on the command line: m=<value>");
  EXPECT_EQ(r.get_child("d").data().kind(), NodeKind::Null);  // ${hydra:...} selects: ??? is null
  // keep_missing (--cfg job --resolve, OmegaConf.resolve): ??? when the first reference is the ???
  // one; a missing key before it is still an error.
  ResolveOptions keep;
  keep.keep_missing = true;
  EXPECT_EQ(resolve(root, root.get_child("b"), "b", keep).data().kind(), NodeKind::Missing);
  EXPECT_EQ(error_of([&] { resolve(root, root.get_child("c"), "c", keep); }), "Interpolation key 'nope' not found (at c)");
}

TEST(Interpolation, ComposedHydraNode) {
  auto out = run("seed", "config");
  ResolveOptions opt;
  opt.strict = false;
  Config r = resolve_all(out.config, opt);
  EXPECT_EQ(r.get<std::string>("hydra.help.header"), "my_app is powered by Hydra.\n");
  EXPECT_EQ(r.get<std::string>("hydra.run.dir").substr(0, 8), "outputs/");
  EXPECT_EQ(r.get_child("hydra.sweep.subdir").data().as_written(), "${hydra.job.num}");  // ??? behind it: unresolved
}
