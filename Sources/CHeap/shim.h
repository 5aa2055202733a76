// CHeap: glibc's malloc tuning (mallopt), which the Glibc module leaves out; see
// Sources/placet/HeapSettings.swift for what Placet sets and why.
#ifndef PLACET_CHEAP_SHIM_H
#define PLACET_CHEAP_SHIM_H
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#endif
