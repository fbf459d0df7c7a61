// The seed's example (seed/callbacks.md), in C++: same conf/ tree, same output.
#include <hydra/callback.hpp>
#include <hydra/main.hpp>
#include <hydra/plugin.hpp>

#include <iostream>
#include <string>

class MyCallback : public hydra::Callback {
 public:
  explicit MyCallback(const hydra::Config& params)
      : bucket_(hydra::get<std::string>(params, "bucket")), file_path_(hydra::get<std::string>(params, "file_path")) {}

  void on_job_end(const hydra::Config& /*config*/, const hydra::JobReturn& /*job_return*/) override {
    std::cout << "Job ended,uploading..." << std::endl;
    // uploading...
  }

 private:
  std::string bucket_;
  std::string file_path_;
};
HYDRA_CALLBACK(MyCallback)

void my_app(const hydra::Config& cfg) { std::cout << hydra::to_yaml(cfg) << std::endl; }

HYDRA_MAIN(my_app, "conf", "config")
