// CXMLSupport: C helpers for libxml2 that Swift 6 cannot express directly.
#ifndef PLACET_XML_SUPPORT_H
#define PLACET_XML_SUPPORT_H
#include <libxml/xmlversion.h>
// Same view of libxml2 as the CLibXML2 shim: without the ICU fields (see shim.h).
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function-pointer variable; strict concurrency will not let Swift touch it.
void placet_xml_free(void *pointer);

// Runs libxml2's one-time initialisation; safe to call repeatedly.
void placet_xml_initialize(void);

// Installs (or, with NULL, removes) a structured error handler for this thread's parses.
void placet_xml_set_error_handler(void *context, xmlStructuredErrorFunc handler);

#endif
