// JobReturn <-> YAML (`<job dir>/.hydra/job_return.yaml`), so a sweep dir is a complete record
// that tools, out-of-process launchers and rerun can read back (SPEC §1).
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>
#include <hydra/job_return.hpp>  // the record layout, describe_failure, format_time_utc

#include <filesystem>

namespace hydra::internal {

Config job_return_to_config(const JobReturn& job_return);
// Throws UserError naming `source` if a field is missing or has the wrong type.
JobReturn job_return_from_config(const Config& node, const std::string& source);

// Written atomically (temp file + rename).
void write_job_return(const std::filesystem::path& file, const JobReturn& job_return);

// `key: <node>` as YAML without building a tree around the node (a block indented under the key,
// or inline for scalars and empty containers): hydra.yaml and job_return.yaml are written per job.
std::string yaml_entry(const std::string& key, const Config& node);

// format_time_utc (SDK) read back; errors name `source`.
std::chrono::system_clock::time_point parse_time(const std::string& text, const std::string& source);


}  // namespace hydra::internal
