// The override grammar: keys, typed values, functions, sweeps and what the grammar rejects, each
// expectation taken from Python Hydra 1.3.5 run on the same override.
#include "config/overrides.hpp"
#include "config/sweep.hpp"
#include "launch/sweep_plan.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

using namespace hydra;
using namespace hydra::internal;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

Config value(const std::string& text) { return parse_override("x=" + text).config_value(); }
std::string yaml(const std::string& text) { return to_yaml(value(text)); }
std::string error(const std::string& override_text) { return error_of([&] { parse_override(override_text); }); }

std::vector<std::string> sweep_values(const std::string& text) {
  GroupOptions options = [](const std::string& group) {
    return group == "db" ? std::vector<std::string>{"mysql", "postgres", "sqlite"} : std::vector<std::string>{};
  };
  return enumerate_sweep(parse_override(text), options).values;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST(OverrideKey, KindsPackagesAndHydraKeys) {
  Override o = parse_override("+db@backup=mysql");
  EXPECT_EQ(o.kind, Override::Kind::Add);
  EXPECT_EQ(o.key_or_group(), "db");
  EXPECT_EQ(*o.package(), "backup");
  EXPECT_EQ(o.key_element(), "+db@backup");
  EXPECT_EQ(parse_override("++a.b=1").kind, Override::Kind::ForceAdd);
  Override d = parse_override("~a.b");
  EXPECT_EQ(d.kind, Override::Kind::Delete);
  EXPECT_FALSE(d.value);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(d.parsed));
  EXPECT_TRUE(parse_override("hydra.run.dir=x").is_hydra());
  EXPECT_TRUE(parse_override("hydra/job_logging=disabled").is_hydra());
  EXPECT_FALSE(parse_override("hydrant=1").is_hydra());
  EXPECT_EQ(parse_override("a.0.b=1").key, "a.0.b");
  EXPECT_EQ(parse_override("$k-x_1=1").key, "$k-x_1");
}

TEST(OverrideKey, RejectedWithTheColumn) {
  EXPECT_NE(error("foo").find("expected key=value"), std::string::npos);
  EXPECT_NE(error("=1").find("the key is empty"), std::string::npos);
  EXPECT_NE(error("i = 2").find("Invalid override 'i = 2': ' ' is not allowed in a key"), std::string::npos);
  EXPECT_NE(error("i = 2").find("at column 2"), std::string::npos);
  EXPECT_NE(error(" x=2").find("at column 1"), std::string::npos);
  EXPECT_NE(error("a@b@c=1").find("at most one '@'"), std::string::npos);
  EXPECT_NE(error("a..b=1").find("'a..b' has an empty key segment at column 3"), std::string::npos);
  EXPECT_NE(error("+/db=x").find("at column 2"), std::string::npos);  // Hydra: no leading '/' in an override
  EXPECT_NE(error("+1a=2").find("'1a' is not a valid key segment"), std::string::npos);
  EXPECT_NE(error("+1=2").find("'1' is not a valid key segment"), std::string::npos);
  EXPECT_NE(error("a@b/c=1").find("a package cannot hold '/'"), std::string::npos);
  EXPECT_EQ(parse_override("+a.1=2").key, "a.1");
  EXPECT_EQ(parse_override("hydra/launcher@x.y=basic").key, "hydra/launcher@x.y");
  EXPECT_EQ(parse_override("x@=1").key, "x@");
}

TEST(OverrideValue, TypedAsTheGrammarTypesThem) {
  EXPECT_EQ(value("1").data(), Value(NodeKind::Int, "1"));
  EXPECT_EQ(value("1_000").data(), Value(NodeKind::Int, "1000"));
  EXPECT_EQ(value("+1").data(), Value(NodeKind::Int, "1"));
  EXPECT_EQ(value("1.5").data(), Value(NodeKind::Float, "1.5"));
  EXPECT_EQ(yaml("1e3"), "1000.0\n");
  EXPECT_EQ(yaml(".5"), "0.5\n");
  EXPECT_EQ(yaml("5."), "5.0\n");
  EXPECT_EQ(yaml("nan"), ".nan\n");
  EXPECT_EQ(yaml("-inf"), "-.inf\n");
  EXPECT_EQ(value("true").data(), Value::boolean(true));
  EXPECT_EQ(value("TRUE").data(), Value::boolean(true));
  EXPECT_EQ(value("NuLl").data().kind(), NodeKind::Null);
  EXPECT_EQ(value("007").data(), Value::string("007"));  // 0 then 07: tokens joined into a string
  EXPECT_EQ(value("1.5.3").data(), Value::string("1.5.3"));
  EXPECT_EQ(value("'1'").data(), Value::string("1"));
  EXPECT_EQ(value("\"1\"").data(), Value::string("1"));
  EXPECT_EQ(value("'a,b'").data(), Value::string("a,b"));
  EXPECT_EQ(value("'a\\'b'").data(), Value::string("a'b"));
  EXPECT_EQ(value("'a\\\\'").data(), Value::string("a\\"));
  EXPECT_EQ(value("'é'").data(), Value::string("é"));
  EXPECT_EQ(value("hello world").data(), Value::string("hello world"));
  EXPECT_EQ(value("  padded  ").data(), Value::string("padded"));
  EXPECT_EQ(value("").data(), Value::string(""));
  EXPECT_EQ(value("???").data().kind(), NodeKind::Missing);
  EXPECT_EQ(value("${a.b}").data(), Value::string("${a.b}"));
  EXPECT_EQ(value("'${a.b}'").data(), Value::string("${a.b}"));
  EXPECT_EQ(value("outputs/${now:%Y}/x").data(), Value::string("outputs/${now:%Y}/x"));
  EXPECT_EQ(value("a\\,b").data(), Value::string("a,b"));
  EXPECT_EQ(value("http://x.y:80/p").data(), Value::string("http://x.y:80/p"));
  EXPECT_EQ(value("a:b").data(), Value::string("a:b"));
  EXPECT_EQ(yaml("[a, 1, 'x', [b], {k: v}]"), "- a\n- 1\n- x\n- - b\n- k: v\n");
  EXPECT_EQ(yaml("{_target_:my_app.MyCallback1,label:CliCallback, num: 2, sub: {x: [1,2]}}"),
            "_target_: my_app.MyCallback1\nlabel: CliCallback\nnum: 2\nsub:\n  x:\n  - 1\n  - 2\n");
  EXPECT_EQ(yaml("{a:1,a:2}"), "a: 2\n");  // a Python dict: the last one wins
  EXPECT_EQ(value("[]").data().kind(), NodeKind::Sequence);
  EXPECT_EQ(value("{}").data().kind(), NodeKind::Map);
}

TEST(OverrideValue, Casts) {
  EXPECT_EQ(yaml("int(3.5)"), "3\n");
  EXPECT_EQ(yaml("int(-3.5)"), "-3\n");
  EXPECT_EQ(yaml("int('5')"), "5\n");
  EXPECT_EQ(yaml("int(true)"), "1\n");
  EXPECT_EQ(yaml("float(1)"), "1.0\n");
  EXPECT_EQ(yaml("float('1e3')"), "1000.0\n");
  EXPECT_EQ(yaml("str(1)"), "'1'\n");
  EXPECT_EQ(yaml("str(true)"), "'true'\n");
  EXPECT_EQ(yaml("str(1.5)"), "'1.5'\n");
  EXPECT_EQ(yaml("str([1,2])"), "- '1'\n- '2'\n");
  EXPECT_EQ(yaml("str({a:1})"), "a: '1'\n");
  EXPECT_EQ(yaml("int({a:1.5})"), "a: 1\n");
  EXPECT_EQ(yaml("bool(1)"), "true\n");
  EXPECT_EQ(yaml("bool(0)"), "false\n");
  EXPECT_EQ(yaml("bool('False')"), "false\n");
  EXPECT_EQ(yaml("[1,str(2)]"), "- 1\n- '2'\n");
  EXPECT_EQ(yaml("float(value=2)"), "2.0\n");
}

TEST(OverrideValue, BadCastsAreHydrasErrors) {
  EXPECT_EQ(error("x=int(abc)"),
            "Error parsing override 'x=int(abc)': ValueError while evaluating 'int(abc)': invalid literal for int() with base 10: 'abc'");
  EXPECT_EQ(error("x=bool(yes)"), "Error parsing override 'x=bool(yes)': ValueError while evaluating 'bool(yes)': Cannot cast 'yes' to bool");
  EXPECT_EQ(error("x=float(abc)"),
            "Error parsing override 'x=float(abc)': ValueError while evaluating 'float(abc)': could not convert string to float: 'abc'");
  EXPECT_NE(error("x=int(inf)").find("OverflowError while evaluating 'int(inf)': cannot convert float infinity to integer"),
            std::string::npos);
  EXPECT_NE(error("x=str(range(1,3))").find("Range can only be cast to int or float"), std::string::npos);
  EXPECT_NE(error("x=str(interval(1,3))").find("Intervals cannot be cast to str"), std::string::npos);
  EXPECT_NE(error("x=int(1,value=2)").find("cannot use both position and named arguments"), std::string::npos);
}

TEST(OverrideValue, UnknownFunctionsAndBadArgumentsAreErrors) {
  EXPECT_EQ(error("x=nosuch(1)"),
            "Error parsing override 'x=nosuch(1)': Unknown function 'nosuch'. Available: "
            "bool,choice,float,glob,int,interval,range,shuffle,sort,str,tag");
  EXPECT_EQ(error("x=range(1,a)"),
            "Error parsing override 'x=range(1,a)': TypeError while evaluating 'range(1,a)': mismatch type argument stop: str is "
            "incompatible with Optional[Union[int, float]]");
  EXPECT_NE(error("x=shuffle(1,2,seed=3)").find("got an unexpected keyword argument 'seed'"), std::string::npos);
  EXPECT_NE(error("x=tag(a,1)").find("mismatch type argument args[1]: int is incompatible with Union[str, Sweep]"),
            std::string::npos);
  EXPECT_NE(error("x=tag(a,b)").find("Last argument to tag() must be a choice(), range() or interval()"), std::string::npos);
  EXPECT_NE(error("x=choice()").find("ValueError while evaluating 'choice()': empty choice is not legal"), std::string::npos);
  EXPECT_NE(error("x=range()").find("missing a required argument: 'start'"), std::string::npos);
  EXPECT_NE(error("x=choice(a=1,2)").find("positional argument follows keyword argument"), std::string::npos);
  EXPECT_NE(error("x=sort(1,a)").find("'<' not supported between instances of 'str' and 'int'"), std::string::npos);
}

TEST(OverrideValue, GrammarRejectionsNameTheColumn) {
  EXPECT_NE(error("x=é").find("'é' is not allowed in an unquoted value (quote the value: key='...') at column 3"),
            std::string::npos);
  EXPECT_NE(error("x=~").find("at column 3"), std::string::npos);
  EXPECT_NE(error("x=(").find("unexpected '(' (expected a value) at column 3"), std::string::npos);
  EXPECT_NE(error("x=[1,2").find("missing ']' at column 7"), std::string::npos);
  EXPECT_NE(error("x={a:1").find("missing '}'"), std::string::npos);
  EXPECT_NE(error("x={a 1}").find("expected ':' after dict key"), std::string::npos);
  EXPECT_NE(error("x=1,,2").find("unexpected ',' (expected a value) at column 5"), std::string::npos);
  EXPECT_NE(error("x=a=b").find("unexpected '=' (expected ',' or the end of the value) at column 4"), std::string::npos);
  EXPECT_NE(error("x=a)").find("unexpected ')'"), std::string::npos);
  EXPECT_NE(error("x='a' ").find("at column 6"), std::string::npos);
  EXPECT_NE(error("x='abc").find("unterminated quoted string (') at column 3"), std::string::npos);
  EXPECT_NE(error("x=${n").find("unterminated interpolation"), std::string::npos);
  EXPECT_NE(error("x=int(1").find("missing ')' to close 'int('"), std::string::npos);
  EXPECT_NE(error("x=[choice(1,2)]").find("cannot be inside a list or dict"), std::string::npos);
}

TEST(OverrideSweep, KindsAndValues) {
  EXPECT_FALSE(parse_override("x=[a,b]").is_sweep());
  EXPECT_FALSE(parse_override("x={a:1,b:2}").is_sweep());
  EXPECT_FALSE(parse_override("x='a,b'").is_sweep());
  EXPECT_FALSE(parse_override("x=a\\,b").is_sweep());
  EXPECT_FALSE(parse_override("x=${oc.env:A,b}").is_sweep());
  EXPECT_FALSE(parse_override("x=shuffle([1,2])").is_sweep());
  EXPECT_TRUE(parse_override("x=a,b").is_simple_sweep());
  EXPECT_TRUE(parse_override("x=[1,2],[3]").is_simple_sweep());
  EXPECT_TRUE(parse_override("x=int(1,2)").is_simple_sweep());
  EXPECT_TRUE(parse_override("x=range(1,3)").is_sweep());
  EXPECT_FALSE(parse_override("x=range(1,3)").is_simple_sweep());

  EXPECT_EQ(sweep_values("x=a, b ,c"), (Strings{"a", "b", "c"}));
  EXPECT_EQ(sweep_values("x='a b',c"), (Strings{"'a b'", "c"}));
  EXPECT_EQ(sweep_values("x=choice('a b',c)"), (Strings{"a\\ b", "c"}));  // choice() unquotes its arguments
  EXPECT_EQ(sweep_values("x=true,false"), (Strings{"True", "False"}));   // Python's str(True)
  EXPECT_EQ(sweep_values("x=1e3,x\\,y"), (Strings{"1000.0", "x\\,y"}));
  EXPECT_EQ(sweep_values("x=[1,2],{k:v}"), (Strings{"[1,2]", "{k:v}"}));
  EXPECT_EQ(sweep_values("x=range(3)"), (Strings{"0", "1", "2"}));
  EXPECT_EQ(sweep_values("x=range(3,0,-1)"), (Strings{"3", "2", "1"}));
  EXPECT_EQ(sweep_values("x=range(0.5,1.5,0.5)"), (Strings{"0.5", "1.0"}));
  EXPECT_EQ(sweep_values("x=range(0,1,0.25)"), (Strings{"0.0", "0.25", "0.5", "0.75"}));
  EXPECT_EQ(sweep_values("x=float(range(1,3))"), (Strings{"1.0", "2.0"}));
  EXPECT_EQ(sweep_values("x=int(range(1.0,3.0))"), (Strings{"1", "2"}));
  EXPECT_EQ(sweep_values("x=str(choice(1,2))"), (Strings{"1", "2"}));  // as Hydra writes str values back
  EXPECT_EQ(sweep_values("x=int(1,2.5)"), (Strings{"1", "2"}));
  EXPECT_EQ(sweep_values("x=sort(3,1,2)"), (Strings{"1", "2", "3"}));
  EXPECT_EQ(sweep_values("x=sort(c,a,b,reverse=true)"), (Strings{"c", "b", "a"}));
  EXPECT_EQ(sweep_values("x=sort(range(3,0,-1))"), (Strings{"1", "2", "3"}));
  EXPECT_EQ(sweep_values("x=sort(range(1,4),reverse=true)"), (Strings{"3", "2", "1"}));
  EXPECT_EQ(sweep_values("x=sort(choice(b,a))"), (Strings{"a", "b"}));
  EXPECT_EQ(sweep_values("db=glob(*)"), (Strings{"mysql", "postgres", "sqlite"}));
  EXPECT_EQ(sweep_values("db=glob([m*,s*],exclude=sq*)"), (Strings{"mysql"}));
  EXPECT_EQ(yaml("sort(list=[1,3,2],reverse=true)"), "- 3\n- 2\n- 1\n");

  Strings shuffled = sweep_values("x=shuffle(1,2,3,4,5)");
  std::sort(shuffled.begin(), shuffled.end());
  EXPECT_EQ(shuffled, (Strings{"1", "2", "3", "4", "5"}));
  Strings shuffled_range = sweep_values("x=shuffle(range(5))");
  std::sort(shuffled_range.begin(), shuffled_range.end());
  EXPECT_EQ(shuffled_range, (Strings{"0", "1", "2", "3", "4"}));
}

TEST(OverrideSweep, IntervalAndTagsAreParsedForAnOptimizingSweeper) {
  Override o = parse_override("lr=tag(log,interval(0.001,1))");
  ASSERT_TRUE(o.is_sweep());
  EXPECT_EQ(o.sweep().type, Sweep::Type::Interval);
  EXPECT_EQ(o.sweep().start.number, 0.001);
  EXPECT_EQ(o.sweep().stop.number, 1.0);
  EXPECT_EQ(o.sweep().tags, (std::set<std::string>{"log"}));
  EXPECT_EQ(parse_override("x=int(interval(1.5,3.5))").sweep().start.text, "1");
  EXPECT_EQ(parse_override("x=tag(a,b,sweep=choice(1,2))").sweep().tags, (std::set<std::string>{"a", "b"}));
  EXPECT_NE(error_of([] { sweep_values("lr=interval(0,1)"); }).find("BasicSweeper does not support sweep type : INTERVAL_SWEEP"),
            std::string::npos);
}

TEST(OverrideText, WrittenBackAsHydraWritesAJobsOverride) {
  auto back = [](const std::string& text) { return element_text(parse_override("x=" + text).element()); };
  EXPECT_EQ(back("int(3.5)"), "3");
  EXPECT_EQ(back("'x y'"), "'x y'");
  EXPECT_EQ(back("\"q\""), "\"q\"");
  EXPECT_EQ(back("'x\\'y'"), "'x\\'y'");
  EXPECT_EQ(back("a\\ b"), "a\\ b");
  EXPECT_EQ(back("null"), "null");
  EXPECT_EQ(back("[1, 'a', {k: v}]"), "[1,'a',{k:v}]");
  EXPECT_EQ(back("1e16"), "1e+16");
  EXPECT_EQ(back("0.0001"), "0.0001");
  EXPECT_EQ(back("0.00001"), "1e-05");
  EXPECT_EQ(back("123456789.5"), "123456789.5");
}

TEST(SweepPlan, ParamsFirstAndTheCommandLineReplacesInPlace) {
  Config params;
  params.put_child("b", Config(Value::string("1,2")));
  params.put_child("c", Config(Value(NodeKind::Int, "5")));
  auto none = [](const std::string&) { return Strings{}; };
  auto jobs = plan_sweep(parse_overrides({"a=7,8", "b=3"}), params, none);
  EXPECT_EQ(jobs, (std::vector<Strings>{{"b=3", "c=5", "a=7"}, {"b=3", "c=5", "a=8"}}));
  jobs = plan_sweep(parse_overrides({"x=1", "x=2,3", "~y"}), Config(), none);
  EXPECT_EQ(jobs, (std::vector<Strings>{{"x=2", "~y=null"}, {"x=3", "~y=null"}}));
}
