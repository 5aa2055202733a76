#include "xml_support.h"
#include <pthread.h>

void placet_xml_free(void *pointer) {
    if (pointer != NULL) {
        xmlFree(pointer);
    }
}

static pthread_once_t placet_xml_once = PTHREAD_ONCE_INIT;

static void placet_xml_initialize_once(void) {
    xmlInitParser();
}

void placet_xml_initialize(void) {
    pthread_once(&placet_xml_once, placet_xml_initialize_once);
}

static void placet_xml_silent_generic(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

void placet_xml_set_error_handler(void *context, xmlStructuredErrorFunc handler) {
    // Per thread in libxml2's threaded builds, so parses on other threads are not affected.
    xmlSetStructuredErrorFunc(context, handler);
    // Silence the generic (unstructured) handler too, so nothing is printed to stderr.
    xmlSetGenericErrorFunc(context, handler == NULL ? NULL : placet_xml_silent_generic);
}
