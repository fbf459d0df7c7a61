#include "job/job_return_io.hpp"

#include "util/errors.hpp"
#include "util/files.hpp"

#include <hydra/job_return.hpp>

#include <ctime>
#include <iomanip>
#include <sstream>

namespace hydra::internal {

void append_yaml_entry(std::string& out, const std::string& key, const Config& node) {
  // Emitted at its depth, as PyYAML writes the node inside its document (continuation lines of a
  // folded or multi-line string indented for that depth, blank lines in it empty).
  detail::emit_entry(out, key, node, 0);
}

std::string yaml_entry(const std::string& key, const Config& node) {
  std::string out;
  append_yaml_entry(out, key, node);
  return out;
}

void write_job_return(const std::filesystem::path& file, const JobReturn& job_return) {
  // The small fields through a tree; cfg and hydra_cfg (the bulk) emitted in place, not copied.
  std::string text = to_yaml(job_return_head(job_return));
  append_yaml_entry(text, "cfg", job_return.cfg);
  append_yaml_entry(text, "hydra_cfg", job_return.hydra_cfg);
  write_file_atomic(file, text);
}

}  // namespace hydra::internal
