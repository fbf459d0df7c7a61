#include "config/config_source.hpp"

#include "config/builtin_hydra.hpp"

#include "util/files.hpp"
#include "util/strings.hpp"

#include <hydra/main.hpp>

#include <algorithm>
#include <deque>
#include <mutex>
#include <system_error>

namespace hydra::internal {

namespace {

std::map<std::string, std::string_view>& embedded_files_mutable() {
  static std::map<std::string, std::string_view> files;
  return files;
}

struct BuiltinStore {
  std::mutex mutex;
  std::map<std::string, std::string_view> files;
  std::deque<std::string> storage;  // never shrinks: views handed out stay valid
  // rel -> the tree parsed at build time, for files still holding the text it was parsed from.
  std::map<std::string, std::string_view> trees;
};

}  // namespace

namespace {

BuiltinStore& builtin_store() {
  static BuiltinStore* store = [] {
    auto* s = new BuiltinStore();  // leaked on purpose: used until the very end of the process
    add_default_builtin_files(s->files, s->storage);
    // A tree is used only for the very text it was parsed from (the generator compiled the
    // same source, but this keeps a stale or differently configured build correct).
    for (const auto& prebuilt : prebuilt_builtin_configs()) {
      auto it = s->files.find(std::string(prebuilt.rel));
      if (it != s->files.end() && it->second == prebuilt.text) s->trees.emplace(it->first, prebuilt.tree);
    }
    return s;
  }();
  return *store;
}

bool has_yaml_ext(std::string_view name) {
  return name.size() > 5 && name.substr(name.size() - 5) == ".yaml";
}

void options_from_map(const std::map<std::string, std::string_view>& files, const std::string& group,
                      std::vector<std::string>& out) {
  std::string prefix = group.empty() ? std::string() : group + "/";
  for (auto it = files.lower_bound(prefix); it != files.end() && starts_with(it->first, prefix); ++it) {
    std::string_view rest = std::string_view(it->first).substr(prefix.size());
    if (rest.find('/') != std::string_view::npos || !has_yaml_ext(rest)) continue;
    out.emplace_back(rest.substr(0, rest.size() - 5));
  }
}

bool group_in_map(const std::map<std::string, std::string_view>& files, const std::string& group) {
  if (group.empty()) return true;
  std::string prefix = group + "/";
  auto it = files.lower_bound(prefix);
  return it != files.end() && starts_with(it->first, prefix);
}

bool safe_rel(const std::string& rel) {
  // No escaping the config dir through "..".
  for (const auto& part : split(rel, '/'))
    if (part == "..") return false;
  return true;
}

}  // namespace

const std::map<std::string, std::string_view>& embedded_config_files() { return embedded_files_mutable(); }

void register_builtin_config(const std::string& rel, std::string content) {
  auto& store = builtin_store();
  std::lock_guard lock(store.mutex);
  store.storage.push_back(std::move(content));
  store.files[rel] = store.storage.back();
  store.trees.erase(rel);
}

ConfigSource ConfigSource::directory(std::filesystem::path dir) {
  ConfigSource s;
  s.dir_ = std::move(dir);
  return s;
}

ConfigSource ConfigSource::embedded() {
  ConfigSource s;
  s.embedded_ = true;
  s.files_ = &embedded_config_files();
  return s;
}

ConfigSource ConfigSource::embedded(std::string app_name) {
  ConfigSource s = embedded();
  s.name_ = std::move(app_name);
  return s;
}

ConfigSource ConfigSource::builtin() {
  ConfigSource s;
  s.builtin_ = true;
  s.name_ = "hydra.conf";
  s.provider_ = "hydra";
  return s;
}

ConfigSource ConfigSource::in_memory(const std::map<std::string, std::string_view>& files, std::string name) {
  ConfigSource s;
  s.files_ = &files;
  s.name_ = std::move(name);
  return s;
}

std::optional<std::string_view> ConfigSource::read_view(const std::string& rel) const {
  if (builtin_) {
    auto& store = builtin_store();
    std::lock_guard lock(store.mutex);
    auto it = store.files.find(rel);
    if (it == store.files.end()) return std::nullopt;
    return it->second;
  }
  if (!files_) return std::nullopt;
  auto it = files_->find(rel);
  if (it == files_->end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> ConfigSource::prebuilt_tree(const std::string& rel, std::string_view text) const {
  if (!builtin_) return std::nullopt;
  auto& store = builtin_store();
  std::lock_guard lock(store.mutex);
  auto file = store.files.find(rel);
  auto tree = store.trees.find(rel);
  if (file == store.files.end() || tree == store.trees.end() || file->second.data() != text.data()) return std::nullopt;
  return tree->second;
}

namespace {

// snapshot_config_reads(): each file of a dir source as first read, for the rest of the process.
struct ReadSnapshot {
  std::mutex mutex;
  bool on = false;
  std::map<std::string, std::optional<std::string>> files;  // by path
};
ReadSnapshot& read_snapshot() {
  static ReadSnapshot snapshot;
  return snapshot;
}

}  // namespace

void snapshot_config_reads() {
  std::lock_guard lock(read_snapshot().mutex);
  read_snapshot().on = true;
}

std::optional<std::string> ConfigSource::read(const std::string& rel) const {
  if (builtin_ || files_) {
    auto view = read_view(rel);
    if (!view) return std::nullopt;
    return std::string(*view);
  }
  if (!safe_rel(rel)) return std::nullopt;
  ReadSnapshot& snapshot = read_snapshot();
  std::unique_lock lock(snapshot.mutex);
  if (!snapshot.on) {
    lock.unlock();
    return read_from_disk(rel);
  }
  const std::string key = (dir_ / rel).string();
  auto it = snapshot.files.find(key);
  if (it == snapshot.files.end()) it = snapshot.files.emplace(key, read_from_disk(rel)).first;
  return it->second;
}

std::optional<std::string> ConfigSource::read_from_disk(const std::string& rel) const {
  return read_regular_file(dir_ / rel);
}

bool ConfigSource::is_group(const std::string& group) const {
  if (builtin_) {
    auto& store = builtin_store();
    std::lock_guard lock(store.mutex);
    return group_in_map(store.files, group);
  }
  if (files_) return group_in_map(*files_, group);
  if (!safe_rel(group)) return false;
  std::error_code ec;
  return std::filesystem::is_directory(group.empty() ? dir_ : dir_ / group, ec);
}

std::vector<std::string> ConfigSource::group_options(const std::string& group) const {
  std::vector<std::string> out;
  if (builtin_) {
    auto& store = builtin_store();
    std::lock_guard lock(store.mutex);
    options_from_map(store.files, group, out);
  } else if (files_) {
    options_from_map(*files_, group, out);
  } else if (safe_rel(group)) {
    std::error_code ec;
    std::filesystem::directory_iterator it(group.empty() ? dir_ : dir_ / group, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      std::error_code ec2;
      if (has_yaml_ext(name) && it->is_regular_file(ec2)) out.push_back(name.substr(0, name.size() - 5));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string ConfigSource::describe() const {
  if (builtin_) return "pkg://" + name_;
  if (embedded_) return "embedded://" + name_;
  if (files_) return "memory://" + name_;
  return dir_.string();
}

}  // namespace hydra::internal

namespace hydra {

bool register_embedded_config(std::span<const EmbeddedFile> files) {
  auto& map = internal::embedded_files_mutable();
  for (const auto& f : files) map[f.path] = f.content;
  return true;
}

}  // namespace hydra

namespace hydra::internal {

std::vector<std::string> ConfigSource::list_files() const {
  std::vector<std::string> out;
  auto from_map = [&](const std::map<std::string, std::string_view>& files) {
    for (const auto& [rel, content] : files)
      if (has_yaml_ext(rel)) out.push_back(rel);
  };
  if (builtin_) {
    auto& store = builtin_store();
    std::lock_guard lock(store.mutex);
    from_map(store.files);
  } else if (files_) {
    from_map(*files_);
  } else {
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(dir_, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code ec2;
      if (!it->is_regular_file(ec2)) continue;
      std::string rel = std::filesystem::relative(it->path(), dir_, ec2).generic_string();
      if (!ec2 && has_yaml_ext(rel)) out.push_back(rel);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hydra::internal
