// libxml2 is built with ICU on Debian, and its encoding.h then pulls in
// <unicode/ucnv.h>. Foundation ships its own copy of those ICU headers, so
// both in one Swift module clash ("UErrorCode has different definitions").
// outreach never touches libxml2's converters, so the ICU part is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
