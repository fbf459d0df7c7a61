// JobReturn -> YAML (`<job dir>/.hydra/job_return.yaml`), so a sweep dir is a complete record
// that tools can read back (docs/spec.md §1). Out-of-process launchers hand JobReturns back in the tree
// codec instead (launch/job_process.hpp).
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>
#include <hydra/job_return.hpp>  // the record layout, describe_failure, format_time_utc

#include <filesystem>

namespace hydra::internal {

// Written atomically (temp file + rename).
void write_job_return(const std::filesystem::path& file, const JobReturn& job_return);

// `key: <node>` as YAML without building a tree around the node (a block indented under the key,
// or inline for scalars and empty containers): hydra.yaml and job_return.yaml are written per job.
std::string yaml_entry(const std::string& key, const Config& node);
void append_yaml_entry(std::string& out, const std::string& key, const Config& node);

}  // namespace hydra::internal
