// CLibXML2: the system libxml2 (Debian's libxml2-dev), for XML manifests, XSD validation
// and XML reports. Only the headers Placet uses.
#ifndef PLACET_CLIBXML2_SHIM_H
#define PLACET_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, so encoding.h would include the system's unicode/*.h,
// which clash with Foundation's own ICU module in the same Swift module. Placet never
// touches the ICU fields of xmlCharEncodingHandler (only pointers to it), so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
#endif
