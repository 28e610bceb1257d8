// libpng 1.6, driven from C so that its longjmp error handling stays out of Swift frames.
#include <png.h>
#include "png_rgb_reader.h"
