// A shared library that is not a hydra-cpp plugin: no hydracb section.
extern "C" __attribute__((visibility("default"))) int host_test_plain_function() { return 7; }
