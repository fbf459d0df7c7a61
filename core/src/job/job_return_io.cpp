#include "job/job_return_io.hpp"

#include "util/errors.hpp"
#include "util/files.hpp"

#include <hydra/job_return.hpp>

#include <ctime>
#include <iomanip>
#include <sstream>

namespace hydra::internal {

std::string yaml_entry(const std::string& key, const Config& node) {
  if (!node.data().is_container() || node.empty()) {
    Config single;  // a leaf: cheap to copy
    single.push_back({key, node});
    return to_yaml(single);
  }
  Config key_only;
  key_only.push_back({key, Config()});
  std::string head = to_yaml(key_only);  // "<key>: {}\n", the key quoted as YAML needs
  std::string out = head.substr(0, head.size() - std::string_view(" {}\n").size()) + "\n";
  std::string body = to_yaml(node);
  // A block sequence sits flush under its key (PyYAML style); a map is indented by two.
  const std::string indent = is_sequence(node) ? "" : "  ";
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    out += indent;
    out.append(body, start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

void write_job_return(const std::filesystem::path& file, const JobReturn& job_return) {
  // The small fields through a tree; cfg and hydra_cfg (the bulk) emitted in place, not copied.
  write_file_atomic(file, to_yaml(job_return_head(job_return)) + yaml_entry("cfg", job_return.cfg) +
                              yaml_entry("hydra_cfg", job_return.hydra_cfg));
}


}  // namespace hydra::internal
