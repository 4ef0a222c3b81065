// libxml2 is built with ICU on Debian, and its encoding.h then pulls in
// <unicode/ucnv.h>. Foundation ships its own copy of those ICU headers, so
// both in one Swift module clash ("UErrorCode has different definitions").
// outreach never touches libxml2's converters, so the ICU part is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <dlfcn.h>

// libxml2 (and ICU behind it) is loaded on first use (dlopen), when an HTML
// body is read, not when outreach starts.
#define OUTREACH_XML_FUNCTIONS(X) X(htmlReadMemory) X(xmlDocGetRootElement) X(xmlFreeDoc)

typedef struct {
#define OUTREACH_XML_FIELD(name) __typeof__(name) *_Nonnull name;
  OUTREACH_XML_FUNCTIONS(OUTREACH_XML_FIELD)
#undef OUTREACH_XML_FIELD
} outreach_xml_api;

/// Fills `api`; 1 when libxml2 (libxml2.so.2) and every function are there.
static inline int outreach_xml_load(outreach_xml_api *api) {
  void *library = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!library) return 0;
#define OUTREACH_XML_LOOKUP(name) \
  if (!(api->name = (__typeof__(name) *)dlsym(library, #name))) return 0;
  OUTREACH_XML_FUNCTIONS(OUTREACH_XML_LOOKUP)
#undef OUTREACH_XML_LOOKUP
  return 1;
}
