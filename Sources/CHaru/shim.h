#ifndef ORDRECON_CHARU_SHIM_H
#define ORDRECON_CHARU_SHIM_H
// libharu (Debian: libhpdf-dev, 2.3.0). Its API has no variadic functions, so Swift can call
// it directly; Debian ships no pkg-config file, hence `link "hpdf"` in the module map.
#include <hpdf.h>
#endif
