#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <dlfcn.h>

// libcmark-gfm's core extensions (GFM tables) are loaded on first use
// (dlopen), not when outreach starts: most emails have no `|` and never
// need them, and linking them costs every start its relocations.
typedef struct {
  void (*_Nonnull ensure_registered)(void);
  int (*_Nonnull row_is_header)(cmark_node *_Nonnull node);
} outreach_cmark_extensions_api;

static inline int outreach_cmark_extensions_load(outreach_cmark_extensions_api *_Nonnull api) {
  void *library = dlopen("libcmark-gfm-extensions.so.0.29.0.gfm.6", RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) library = dlopen("libcmark-gfm-extensions.so", RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) return 0;
  void *ensure = dlsym(library, "cmark_gfm_core_extensions_ensure_registered");
  void *header = dlsym(library, "cmark_gfm_extensions_get_table_row_is_header");
  if (ensure == NULL || header == NULL) return 0;
  api->ensure_registered = (void (*)(void))ensure;
  api->row_is_header = (int (*)(cmark_node *))header;
  return 1;
}
