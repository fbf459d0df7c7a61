# CTest include (after the discovered tests): the SLURM launcher tests get the label `slurm` and a
# lock on the one local cluster, so they never run in parallel with each other. Set here because
# gtest_discover_tests (CMake 3.25) cannot pass a list-valued LABELS property.
if(it_test_slurm_launcher_TESTS)
  set_tests_properties(${it_test_slurm_launcher_TESTS} PROPERTIES LABELS "integration;slurm"
                       RESOURCE_LOCK hydra_slurm_cluster TIMEOUT 300)
endif()
