// The defaults tree (Hydra's defaults_list.py): which configs a composition merges, where, and in
// which order; the group choices made on the way (hydra.runtime.choices); `override` entries from
// any config of the tree and from the command line.
//
// Hydra's algorithm, which this follows step for step so that the results (merge order, choices
// order, the printed tree, the errors) are Hydra's:
//   - a virtual root with two children, hydra/config and the primary config, expanded in reverse
//     (the primary first);
//   - expanding a config: its `override` entries are registered first (a key already registered
//     keeps its value: the command line registers first, then the first config that names it),
//     then its entries are expanded from the last to the first, so that a later entry (an
//     experiment) registers its overrides before an earlier one (`db: mysql`) is expanded; the
//     children are then put back in written order;
//   - a group's choice is recorded the first time the group is reached (hence Hydra's choices
//     order: the primary's groups from its last entry up, then Hydra's own in reverse);
//   - once the tree is built, an override that matched nothing is an error.
#pragma once

#include "config/config_repository.hpp"

#include <hydra/config.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hydra::internal {

// One row of Hydra's final defaults list (--info defaults): the configs merged, in merge order.
struct DefaultsListRow {
  std::string config_path;  // "db/mysql", "config"
  std::string package;      // "db", "" for the root
  bool is_self = false;     // the config's own content, placed by its `_self_`
  std::string parent;       // config path of the config whose defaults list holds it, "<root>"
};

// `group=option` / `group=[a,b]` from the command line.
struct CliChoice {
  std::string key;  // "db", "db@backup"
  std::vector<std::string> options;
  bool multi = false;
  std::string input;  // as typed
};

// `~group`, `~group=option`, `group=null` from the command line.
struct CliDeletion {
  std::string key;
  std::optional<std::string> option;  // only this option is deleted
  std::string input;
};

struct DefaultsTreeRequest {
  std::shared_ptr<LoadedFile> primary;  // nullptr: no primary config
  std::string primary_name;             // its config path ("config", "sub/app")
  std::vector<CliChoice> choices;
  std::vector<CliDeletion> deletions;
  std::vector<DefaultEntry> appends;  // +group=option, appended to the primary's defaults list
  // MULTIRUN (Hydra's skip_missing): a mandatory group left `???` is skipped instead of an error,
  // so that the sweep can choose it.
  bool skip_missing = false;
};

struct MergeItem {
  std::shared_ptr<LoadedFile> file;
  std::string package;
};

struct DefaultsTree {
  std::vector<MergeItem> merge;                          // in merge order
  std::vector<DefaultsListRow> rows;                     // --info defaults
  std::vector<std::string> lines;                        // --info defaults-tree, indented
  std::vector<std::pair<std::string, Config>> choices;   // hydra.runtime.choices, in Hydra's order
  // skip_missing: the error a RUN reports for the first mandatory group left missing.
  std::optional<std::string> missing_choice;
};

// Throws UserError (one line naming the file or override) for Hydra's composition errors.
DefaultsTree build_defaults_tree(ConfigRepository& repo, const DefaultsTreeRequest& request);

}  // namespace hydra::internal
