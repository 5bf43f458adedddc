#ifndef OCULAR_COPENSSL_SHIM_H
#define OCULAR_COPENSSL_SHIM_H
#include <openssl/evp.h>
#endif
