// The library modules/needs_dep.cpp links against, kept out of that plugin's directory.
__attribute__((visibility("default"))) int bad_inputs_dependency_value() { return 1; }
