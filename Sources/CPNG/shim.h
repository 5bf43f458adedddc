#ifndef OCULAR_CPNG_SHIM_H
#define OCULAR_CPNG_SHIM_H
#include <png.h>
#endif
