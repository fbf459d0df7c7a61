// The floor for the seed example's figure: a program linked exactly like my_app (hydra_add_app:
// libhydra_core and what it pulls in, loaded and initialised at start) that does nothing.
// What my_app costs beyond this is what hydra-cpp costs.
#include <hydra/main.hpp>

int main() {
  // Keeps libhydra_core a real dependency (a linker with --as-needed would drop an unused one).
  int (*volatile keep)(int, char**, const hydra::AppSpec&) = &hydra::run_app;
  (void)keep;
  return 0;
}
