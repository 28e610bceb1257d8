// libpng 1.6's simplified read API.
#include <png.h>
