// CBLAS from OpenBLAS (Debian installs it under openblas-pthread/, which pkg-config names).
#include <cblas.h>
// Lets the engine size OpenBLAS's own threads so they do not fight its thread pool.
void openblas_set_num_threads(int num_threads);
