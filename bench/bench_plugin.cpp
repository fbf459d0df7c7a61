// The benchmarks' plugin library: five callbacks that count on_run_start (Bench0..4), for
// resolving and constructing targets and for listing plugin files, and Noop, whose hooks are
// the SDK's empty defaults, for the dispatch benchmarks (a plugin's vtable: nothing to inline).
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

class Noop : public hydra::Callback {
 public:
  explicit Noop(const hydra::Config& /*params*/) {}
};
HYDRA_CALLBACK(Noop)
