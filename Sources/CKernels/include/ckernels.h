#ifndef LOOM_CKERNELS_H
#define LOOM_CKERNELS_H
#include <stdint.h>
#include <stddef.h>
#endif
