// An app with resolvers of its own (hydra::register_resolver), registered in main before
// run_app. The task prints `key=value` for each key listed in `read`, and reads nothing else:
// the tests show that a value the task does not read cannot fail the run.
#include <hydra/main.hpp>
#include <hydra/resolver.hpp>

#include <iostream>
#include <stdexcept>

namespace {

// ${scale:x,factor}: x * factor; an int for two ints, as Python's * gives.
hydra::Config scale(const hydra::ResolverArgs& args) {
  if (args.size() != 2) throw std::invalid_argument("scale takes 2 numbers: ${scale:x,factor}");
  if (args[0].data().kind() == hydra::NodeKind::Int && args[1].data().kind() == hydra::NodeKind::Int)
    return hydra::make_node(hydra::get<long long>(args[0], "") * hydra::get<long long>(args[1], ""));
  return hydra::make_node(hydra::get<double>(args[0], "") * hydra::get<double>(args[1], ""));
}

// ${join:[a, b],sep}: the items of a list as one string.
hydra::Config join(const hydra::ResolverArgs& args) {
  if (args.size() != 2 || !hydra::is_sequence(args[0])) throw std::invalid_argument("join takes a list and a separator");
  std::string out;
  for (const auto& [key, item] : args[0]) out += (out.empty() ? "" : hydra::get<std::string>(args[1], "")) + hydra::get<std::string>(item, "");
  return hydra::make_node(out);
}

// ${fail:why}: throws, as a resolver whose input is wrong does.
hydra::Config fail(const hydra::ResolverArgs& args) {
  throw std::runtime_error("cannot compute " + (args.empty() ? std::string("it") : hydra::get<std::string>(args[0], "")));
}

void task(const hydra::Config& cfg) {
  for (const auto& [index, key] : cfg.get_child("read")) {
    std::string name = hydra::get<std::string>(key, "");
    std::string value = hydra::get<std::string>(cfg, name);  // read before anything is printed
    std::cout << name << "=" << value << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  hydra::register_resolver("scale", scale);
  hydra::register_resolver("join", join);
  hydra::register_resolver("fail", fail);
  return hydra::run_app(argc, argv, {"resolver_app", "conf", "config", hydra::detail::make_task(&task)});
}
