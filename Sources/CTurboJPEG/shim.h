// libjpeg-turbo 2.1's TurboJPEG API (tj*, not tj3*).
#include <turbojpeg.h>
