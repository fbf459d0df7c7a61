# The installed package, tried from the outside (issue 6):
#   cmake -DMAIN_BUILD=<build dir> -DWORK=<scratch dir> -DDOC=docs/plugin-authors.md
#         -DCXX=<compiler> [-DBUILD_TYPE=Release] -P run_consumer_test.cmake
# 1. installs the main build into <WORK>/stage (nothing outside WORK is touched, nothing downloaded);
# 2. writes the project of docs/plugin-authors.md (every `<!-- file: x -->` block) to <WORK>/src;
# 3. configures, builds, tests and installs it against <WORK>/stage only;
# 4. runs the installed app, loading the plugin through HYDRA_PLUGIN_PATH and through
#    --plugin-dir, and checks the hooks fire in the order of docs/spec.md §2; checks hydra-plugins on the installed
#    and on a stripped plugin, pkg-config, and that the installed prefix still works once moved.
cmake_minimum_required(VERSION 3.25)
foreach(v MAIN_BUILD SOURCE_DIR WORK DOC CXX)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_consumer_test.cmake: -D${v}= is required")
  endif()
endforeach()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()

set(stage "${WORK}/stage")
set(src "${WORK}/src")
set(build "${WORK}/build")
set(prefix "${WORK}/prefix")
set(plugins "${prefix}/lib/hydra-cpp/plugins")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# run(<name> [ENV k=v...] [EXPECT_RC rc] [DIR dir] COMMAND ...): output in ${name}_out.
function(run name)
  cmake_parse_arguments(ARG "ANY_RC" "EXPECT_RC;DIR" "ENV;COMMAND" ${ARGN})
  if(NOT DEFINED ARG_EXPECT_RC)
    set(ARG_EXPECT_RC 0)
  endif()
  if(NOT ARG_DIR)
    set(ARG_DIR "${WORK}")
  endif()
  # A clean environment for what matters here: no plugin path or debug unless asked.
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env --unset=HYDRA_PLUGIN_PATH --unset=HYDRA_DEBUG_PLUGINS ${ARG_ENV} ${ARG_COMMAND}
    WORKING_DIRECTORY "${ARG_DIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT ARG_ANY_RC AND NOT "${rc}" STREQUAL "${ARG_EXPECT_RC}")
    string(REPLACE ";" " " shown "${ARG_COMMAND}")
    message(FATAL_ERROR "[${name}] `${shown}` exited ${rc}, expected ${ARG_EXPECT_RC}:\n${out}")
  endif()
  set(${name}_out "${out}" PARENT_SCOPE)
  set(${name}_rc "${rc}" PARENT_SCOPE)
endfunction()

# expect_in_order(<name> <text> needle...): each needle occurs after the previous one.
function(expect_in_order name text)
  set(rest "${text}")
  foreach(needle IN LISTS ARGN)
    string(FIND "${rest}" "${needle}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "[${name}] expected '${needle}' (after the previous lines) in:\n${text}")
    endif()
    string(LENGTH "${needle}" len)
    math(EXPR at "${at} + ${len}")
    string(SUBSTRING "${rest}" ${at} -1 rest)
  endforeach()
endfunction()

function(expect_absent name text needle)
  string(FIND "${text}" "${needle}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "[${name}] did not expect '${needle}' in:\n${text}")
  endif()
endfunction()

# The main build's sanitizers, if any, apply to what is built here too.
if(NOT DEFINED CXX_FLAGS)
  set(CXX_FLAGS "")
endif()

# --- 1. install ------------------------------------------------------------------------------
run(install COMMAND "${CMAKE_COMMAND}" --install "${MAIN_BUILD}" --prefix "${stage}")
foreach(f lib/cmake/HydraCpp/HydraCppConfig.cmake lib/cmake/HydraCpp/HydraCppConfigVersion.cmake
          lib/cmake/HydraCpp/HydraCppTargets.cmake lib/cmake/HydraCpp/HydraCppHelpers.cmake
          lib/cmake/HydraCpp/HydraEmbedConfig.cmake lib/pkgconfig/hydra-cpp-sdk.pc lib/pkgconfig/hydra-cpp.pc
          include/hydra/plugin.hpp include/hydra/callback.hpp include/hydra/main.hpp include/hydra/testing.hpp
          bin/hydra-plugins lib/libhydra_core.so share/doc/hydra-cpp/LICENSE
          lib/hydra-cpp/plugins/hydra_examples/libtimer.so lib/hydra-cpp/plugins/hydra_examples/libtimer.so.hydra-manifest)
  if(NOT EXISTS "${stage}/${f}")
    message(FATAL_ERROR "[install] ${stage}/${f} is missing")
  endif()
endforeach()
# SameMajorVersion: what find_package(HydraCpp <version>) accepts.
function(version_compatible requested out)
  set(PACKAGE_FIND_VERSION "${requested}")
  string(REPLACE "." ";" parts "${requested}")
  list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
  list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
  set(PACKAGE_FIND_VERSION_RANGE FALSE)
  set(CMAKE_SIZEOF_VOID_P 8)
  include("${stage}/lib/cmake/HydraCpp/HydraCppConfigVersion.cmake")
  set(${out} "${PACKAGE_VERSION_COMPATIBLE}" PARENT_SCOPE)
endfunction()
file(STRINGS "${stage}/lib/cmake/HydraCpp/HydraCppConfigVersion.cmake" version_line REGEX "set\\(PACKAGE_VERSION \"")
string(REGEX MATCH "([0-9]+)\\.([0-9]+)" installed_version "${version_line}")
set(major "${CMAKE_MATCH_1}")
math(EXPR next_major "${major} + 1")
version_compatible("${major}.0" same)
version_compatible("${next_major}.0" next)
if(NOT same OR next)
  message(FATAL_ERROR "[version] HydraCppConfigVersion.cmake (${installed_version}) should accept ${major}.0 and "
                      "refuse ${next_major}.0 (SameMajorVersion): got ${same} / ${next}")
endif()
file(READ "${stage}/lib/cmake/HydraCpp/HydraCppTargets.cmake" targets_file)
expect_in_order(targets "${targets_file}" "HydraCpp::sdk" "HydraCpp::core" "HydraCpp::hydra-plugins")
expect_in_order(targets "${targets_file}" "HydraCpp::sdk_testing")
# Relocatable: no build or source paths in the package files.
foreach(f HydraCppConfig.cmake HydraCppTargets.cmake)
  file(READ "${stage}/lib/cmake/HydraCpp/${f}" text)
  expect_absent(${f} "${text}" "${MAIN_BUILD}")
  expect_absent(${f} "${text}" "${SOURCE_DIR}")
endforeach()

# --- 2. the project of docs/plugin-authors.md -------------------------------------------------
file(READ "${DOC}" doc)
set(marker "<!-- file: ")
set(files "")
while(TRUE)
  string(FIND "${doc}" "${marker}" at)
  if(at EQUAL -1)
    break()
  endif()
  string(LENGTH "${marker}" mlen)
  math(EXPR at "${at} + ${mlen}")
  string(SUBSTRING "${doc}" ${at} -1 doc)
  string(FIND "${doc}" " -->" end)
  string(SUBSTRING "${doc}" 0 ${end} name)
  # The fenced block right after the marker: from the end of its ``` line to the closing ```.
  string(FIND "${doc}" "```" open)
  string(SUBSTRING "${doc}" ${open} -1 doc)
  string(FIND "${doc}" "\n" eol)
  math(EXPR eol "${eol} + 1")
  string(SUBSTRING "${doc}" ${eol} -1 doc)
  string(FIND "${doc}" "\n```" close)
  math(EXPR close "${close} + 1")
  string(SUBSTRING "${doc}" 0 ${close} content)
  string(SUBSTRING "${doc}" ${close} -1 doc)
  file(WRITE "${src}/${name}" "${content}")
  list(APPEND files "${name}")
endwhile()
foreach(f CMakeLists.txt plugins/run_logger.hpp plugins/run_logger.cpp app/train.cpp app/conf/config.yaml
          tests/test_run_logger.cpp)
  if(NOT f IN_LIST files)
    message(FATAL_ERROR "[doc] docs/plugin-authors.md has no '<!-- file: ${f} -->' block (found: ${files})")
  endif()
endforeach()

# --- 3. configure, build, test, install against the stage only --------------------------------
run(configure COMMAND "${CMAKE_COMMAND}" -S "${src}" -B "${build}" "-DCMAKE_CXX_COMPILER=${CXX}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" "-DCMAKE_PREFIX_PATH=${stage}" "-DCMAKE_INSTALL_PREFIX=${prefix}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_MODULE_LINKER_FLAGS=${CXX_FLAGS}" "-DCMAKE_SHARED_LINKER_FLAGS=${CXX_FLAGS}")
run(build COMMAND "${CMAKE_COMMAND}" --build "${build}" -j 2)
run(unit_test COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${build}" --output-on-failure)
run(install_app COMMAND "${CMAKE_COMMAND}" --install "${build}")
foreach(f bin/train lib/hydra-cpp/plugins/acme/libcallbacks.so lib/hydra-cpp/plugins/acme/libcallbacks.so.hydra-manifest)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "[install_app] ${prefix}/${f} is missing")
  endif()
endforeach()

# --- 4. the installed app loads the plugin; hooks in the order of docs/spec.md §2 (RUN) ---------------------------
set(app "${prefix}/bin/train")
file(MAKE_DIRECTORY "${WORK}/run_env" "${WORK}/run_cli" "${WORK}/run_none")
set(run_order "demo: on_run_start config" "demo: on_job_start #0" "training with lr=0.25"
              "demo: on_job_end #0 COMPLETED" "demo: on_run_end COMPLETED")
run(via_env DIR "${WORK}/run_env" ENV "HYDRA_PLUGIN_PATH=${plugins}" COMMAND "${app}" lr=0.25)
expect_in_order(via_env "${via_env_out}" ${run_order})
run(via_cli DIR "${WORK}/run_cli" COMMAND "${app}" --plugin-dir "${plugins}" lr=0.25)
expect_in_order(via_cli "${via_cli_out}" ${run_order})
# Neither: the plugin is not found (so the two runs above found it through them).
run(via_none DIR "${WORK}/run_none" EXPECT_RC 1 COMMAND "${app}" lr=0.25)
expect_in_order(via_none "${via_none_out}" "Error locating target 'acme.callbacks.RunLogger'"
                "full_key: hydra.callbacks.logger")
# Every decision on stderr, when asked.
run(debug DIR "${WORK}/run_env" ENV "HYDRA_PLUGIN_PATH=${plugins}" HYDRA_DEBUG_PLUGINS=1 COMMAND "${app}")
expect_in_order(debug "${debug_out}" "[hydra plugins] search path: " "${plugins}"
                "[hydra plugins]   candidate ${plugins}/acme/libcallbacks.so" "agrees with its manifest"
                "found factory 'RunLogger'")

# MULTIRUN through the installed package's own launchers: a package without them fails here.
run(multirun DIR "${WORK}/run_cli" COMMAND "${app}" --plugin-dir "${plugins}" -m lr=0.1,0.2)
expect_in_order(multirun "${multirun_out}" "demo: on_multirun_start config" "demo: on_job_start #0"
                "demo: on_job_end #0 COMPLETED" "demo: on_job_start #1" "demo: on_job_end #1 COMPLETED"
                "demo: on_multirun_end 2 jobs")

# --- 5. diagnostics from the installed tool -----------------------------------------------------
set(tool "${stage}/bin/hydra-plugins")
run(list COMMAND "${tool}" list --plugin-dir "${plugins}")
expect_in_order(list "${list_out}" "Plugin search path" "  ${plugins}" "${stage}/lib/hydra-cpp/plugins"
                "    acme.callbacks: ${plugins}/acme/libcallbacks.so" "      status: ok"
                "      factories: RunLogger (callback)" "      abi: 2." "manifest: yes"
                "    hydra_examples.timer: ${stage}/lib/hydra-cpp/plugins/hydra_examples/libtimer.so"
                "      status: ok")
# Stripped (as distribution packaging does): still listed, from the manifest, without loading.
file(MAKE_DIRECTORY "${WORK}/stripped/acme")
find_program(STRIP strip REQUIRED)
run(strip COMMAND "${STRIP}" --strip-unneeded "${plugins}/acme/libcallbacks.so" -o "${WORK}/stripped/acme/libcallbacks.so")
file(COPY_FILE "${plugins}/acme/libcallbacks.so.hydra-manifest" "${WORK}/stripped/acme/libcallbacks.so.hydra-manifest")
run(inspect COMMAND "${tool}" inspect --no-load "${WORK}/stripped/acme/libcallbacks.so")
expect_in_order(inspect "${inspect_out}" "status: ok" "factories: RunLogger (callback)"
                "listed from: manifest (symbols stripped); manifest: yes; loaded: no")
run(stripped_run DIR "${WORK}/run_cli" COMMAND "${app}" --plugin-dir "${WORK}/stripped" lr=0.25)
expect_in_order(stripped_run "${stripped_run_out}" ${run_order})

# --- 6. pkg-config ------------------------------------------------------------------------------
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(pc_env "PKG_CONFIG_PATH=${stage}/lib/pkgconfig")
  run(pc_cflags ENV ${pc_env} COMMAND "${PKG_CONFIG}" --cflags hydra-cpp-sdk)
  run(pc_libs ENV ${pc_env} COMMAND "${PKG_CONFIG}" --libs hydra-cpp-sdk)
  string(STRIP "${pc_cflags_out}" cflags)
  string(STRIP "${pc_libs_out}" libs)
  separate_arguments(cflags UNIX_COMMAND "${cflags}")
  separate_arguments(libs UNIX_COMMAND "${libs}")
  file(MAKE_DIRECTORY "${WORK}/pc_plugins/acme")
  separate_arguments(extra UNIX_COMMAND "${CXX_FLAGS}")
  run(pc_build COMMAND "${CXX}" -shared -fPIC -fvisibility=hidden ${extra} ${cflags} "${src}/plugins/run_logger.cpp"
      -Wl,--no-undefined ${libs} -o "${WORK}/pc_plugins/acme/libcallbacks.so")
  run(pc_inspect COMMAND "${tool}" inspect "${WORK}/pc_plugins/acme/libcallbacks.so")
  expect_in_order(pc_inspect "${pc_inspect_out}" "status: ok" "factories: RunLogger (callback)")
else()
  message(STATUS "[pkg-config] skipped: pkg-config not found")
endif()

# --- 7. the installed prefix is relocatable ----------------------------------------------------
file(COPY "${stage}/" DESTINATION "${WORK}/moved")
run(moved COMMAND "${WORK}/moved/bin/hydra-plugins" list)
expect_in_order(moved "${moved_out}" "  ${WORK}/moved/lib/hydra-cpp/plugins"
                "    hydra_examples.timer: ${WORK}/moved/lib/hydra-cpp/plugins/hydra_examples/libtimer.so"
                "      status: ok")

message(STATUS "consumer test passed (project files: ${files})")
