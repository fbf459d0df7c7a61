# Shared by smoke.sh and fuzz.sh (sourced): where things are, how the fuzz build is made, and the
# seed corpus of each target, gathered from the test corpora at run time.

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "${fuzz_dir}/../.." && pwd)
fuzz_targets=(yaml overrides interpolation)

# configure_and_build <build-dir>: a Clang build with coverage instrumentation, ASan and UBSan,
# of the fuzz executables only (-O1 -g, assertions kept).
configure_and_build() {
  local build_dir=$1
  # A build dir first configured with another compiler cannot switch to Clang in place: start over.
  if [[ -f "${build_dir}/CMakeCache.txt" ]] &&
     ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++-14$' "${build_dir}/CMakeCache.txt"; then
    echo "fuzz: ${build_dir} was configured with another compiler; reconfiguring it for clang++-14" >&2
    rm -rf "${build_dir}/CMakeCache.txt" "${build_dir}/CMakeFiles"
  fi
  cmake -S "${repo_root}" -B "${build_dir}" \
    -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DHYDRA_BUILD_FUZZ=ON -DHYDRA_BUILD_BENCH=OFF >/dev/null
  cmake --build "${build_dir}" --target fuzz_all -j2
}

is_fuzz_target() {
  local t
  for t in "${fuzz_targets[@]}"; do [[ $1 == "$t" ]] && return 0; done
  return 1
}

# A file name for a seed taken from `path`, unique per source file.
seed_name() { printf '%s' "$1" | md5sum | cut -c1-16; }

# collect_seeds <target> <dir>: the checked-in seeds and regressions of <target>, plus inputs of
# the same shape taken from the test corpora (tests/compose/cases, tests/unit/data, examples).
collect_seeds() {
  local target=$1 out=$2 file
  mkdir -p "${out}"
  cp "${fuzz_dir}/seeds/${target}/"* "${out}/"
  cp "${fuzz_dir}/regressions/${target}/"* "${out}/" 2>/dev/null || true
  local yaml_files
  mapfile -t yaml_files < <(find "${repo_root}/tests/compose/cases" "${repo_root}/tests/unit/data" \
                                 "${repo_root}/examples" -name '*.yaml' -type f | sort)
  case ${target} in
    yaml)
      for file in "${yaml_files[@]}"; do cp "${file}" "${out}/$(seed_name "${file}")"; done ;;
    overrides)
      # The command-line overrides of each compose case (its argv minus flags and their values).
      for file in "${repo_root}"/tests/compose/cases/*/argv; do
        grep -v -e '^-' -e '^$' "${file}" >"${out}/$(seed_name "${file}")" || rm -f "${out}/$(seed_name "${file}")"
      done ;;
    interpolation)
      # Every `key: value` line holding an interpolation, as key=value lines, one file per source.
      for file in "${yaml_files[@]}" "${repo_root}"/tests/compose/cases/*/argv; do
        grep -h '\${' "${file}" | sed -E 's/^[[:space:]+-]*([A-Za-z0-9_.]+)[:=][[:space:]]*/\1=/' \
          >"${out}/$(seed_name "${file}")" || rm -f "${out}/$(seed_name "${file}")"
      done ;;
  esac
}

# run_fuzzer <build-dir> <target> <corpus-dir> <artifact-dir> <seconds> [extra libFuzzer flags...]
# Runs one target; new interesting inputs go to <corpus-dir>, crashes to <artifact-dir>.
# Exit status: libFuzzer's (0 = nothing found).
run_fuzzer() {
  local build_dir=$1 target=$2 corpus=$3 artifacts=$4 seconds=$5
  shift 5
  local seeds="${corpus}.seeds"
  rm -rf "${seeds}"
  collect_seeds "${target}" "${seeds}"
  mkdir -p "${corpus}" "${artifacts}"
  # -timeout: one input taking this long is a hang; -rss_limit_mb: a runaway allocation is a bug.
  nice -n 10 "${build_dir}/tests/fuzz/fuzz_${target}" \
    -max_total_time="${seconds}" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
    -dict="${fuzz_dir}/dict/${target}.dict" -artifact_prefix="${artifacts}/" \
    -print_final_stats=1 "$@" "${corpus}" "${seeds}"
}

# report_artifacts <target> <artifact-dir> [since-file]: the inputs that crashed, leaked or hung
# (only those newer than since-file, if given), and what to do with them.
report_artifacts() {
  local target=$1 artifacts=$2 since=${3:-} file found=0
  for file in "${artifacts}"/crash-* "${artifacts}"/leak-* "${artifacts}"/timeout-* \
              "${artifacts}"/oom-* "${artifacts}"/slow-unit-*; do
    [[ -e ${file} ]] || continue
    [[ -z ${since} || ${file} -nt ${since} ]] || continue
    found=1
    echo "fuzz_${target}: failing input: ${file}"
  done
  if ((found)); then
    echo "  reproduce: <build-dir>/tests/fuzz/fuzz_${target} <input>"
    echo "  after the fix, keep it: cp <input> ${fuzz_dir}/regressions/${target}/<what-it-was>"
  fi
}
