// Helpers shared by the callbacks of this module (SDK only).
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>
#include <hydra/files.hpp>       // write_file_atomic
#include <hydra/job_return.hpp>  // job_return_record, format_time_utc

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

namespace hydra::experimental {

// Throws std::invalid_argument naming the first key of `params` that is not in `known`
// (keys starting with '_' are the host's, e.g. _strict_, and are ignored).
void check_params(const Config& params, std::initializer_list<std::string_view> known, const std::string& callback);

// A node on one line: scalars as their text, null as None (as Hydra prints a Python None),
// containers in YAML flow style ({a: 1, b: [x, y]}).
std::string one_line(const Config& node);

// "<type>: <message>" for an exception, else the message or the reason; "" when there is no error.
std::string describe_error(const JobError& error);

// Text of a scalar at `key`, or "" when missing / not a scalar.
std::string scalar_at(const Config& config, const std::string& key);

}  // namespace hydra::experimental
