#include <hydra/plugin.hpp>

#include <string>

namespace {

class NeedsParam : public hydra::Callback {
 public:
  explicit NeedsParam(const hydra::Config& params) : file_path_(hydra::get<std::string>(params, "file_path")) {}

 private:
  std::string file_path_;
};

}  // namespace

HYDRA_CALLBACK(NeedsParam)
