#include <hunspell/hunspell.h>
#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

/// An anonymous file in memory (memfd_create, close-on-exec), for a
/// dictionary built into outreach: Hunspell reads dictionaries by path, and
/// `/proc/self/fd/N` is one with nothing written to disk. -1 on failure.
static inline int outreach_memory_file(const char *_Nonnull name) {
#ifdef SYS_memfd_create
  return (int)syscall(SYS_memfd_create, name, 1u);
#else
  return -1;
#endif
}

// Hunspell (Debian libhunspell-1.7-0, dictionaries from hunspell-en-us) is
// loaded on first use by a `spelling` rule, not when outreach starts.
#define OUTREACH_HUNSPELL_FUNCTIONS(X) X(Hunspell_create) X(Hunspell_destroy) X(Hunspell_spell) X(Hunspell_add_dic)

typedef struct {
#define OUTREACH_HUNSPELL_FIELD(name) __typeof__(name) *_Nonnull name;
  OUTREACH_HUNSPELL_FUNCTIONS(OUTREACH_HUNSPELL_FIELD)
#undef OUTREACH_HUNSPELL_FIELD
} outreach_hunspell_api;

/// Fills `api`; 1 when libhunspell and every function are there.
static inline int outreach_hunspell_load(outreach_hunspell_api *api) {
  void *library = dlopen("libhunspell-1.7.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!library) return 0;
#define OUTREACH_HUNSPELL_LOOKUP(name) \
  if (!(api->name = (__typeof__(name) *)dlsym(library, #name))) return 0;
  OUTREACH_HUNSPELL_FUNCTIONS(OUTREACH_HUNSPELL_LOOKUP)
#undef OUTREACH_HUNSPELL_LOOKUP
  return 1;
}
