#include <curl/curl.h>
#include <dlfcn.h>

// libcurl is loaded on first use (dlopen), not when outreach starts: it
// pulls in some thirty libraries (TLS, LDAP, SSH, HTTP/2, ...) that would
// cost every `outreach lint` a few milliseconds. The functions outreach
// calls are looked up once into this table.
#define OUTREACH_CURL_FUNCTIONS(X) \
  X(curl_global_init)              \
  X(curl_easy_init)                \
  X(curl_easy_perform)             \
  X(curl_easy_cleanup)             \
  X(curl_easy_strerror)            \
  X(curl_easy_setopt)

typedef struct {
#define OUTREACH_CURL_FIELD(name) __typeof__(name) *_Nonnull name;
  OUTREACH_CURL_FUNCTIONS(OUTREACH_CURL_FIELD)
#undef OUTREACH_CURL_FIELD
} outreach_curl_api;

/// Fills `api`; 1 when libcurl (libcurl.so.4) and every function are there.
static inline int outreach_curl_load(outreach_curl_api *api) {
  void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!library) return 0;
#define OUTREACH_CURL_LOOKUP(name) \
  if (!(api->name = (__typeof__(name) *)dlsym(library, #name))) return 0;
  OUTREACH_CURL_FUNCTIONS(OUTREACH_CURL_LOOKUP)
#undef OUTREACH_CURL_LOOKUP
  return 1;
}

// curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper
// for each kind of value.
typedef size_t (*outreach_curl_io)(char *, size_t, size_t, void *);

static inline CURLcode outreach_curl_long(const outreach_curl_api *api, CURL *curl, CURLoption option, long value) {
  return (api->curl_easy_setopt)(curl, option, value);
}
static inline CURLcode outreach_curl_string(const outreach_curl_api *api, CURL *curl, CURLoption option, const char *value) {
  return (api->curl_easy_setopt)(curl, option, value);
}
static inline CURLcode outreach_curl_pointer(const outreach_curl_api *api, CURL *curl, CURLoption option, void *value) {
  return (api->curl_easy_setopt)(curl, option, value);
}
static inline CURLcode outreach_curl_size(const outreach_curl_api *api, CURL *curl, CURLoption option, curl_off_t value) {
  return (api->curl_easy_setopt)(curl, option, value);
}
static inline CURLcode outreach_curl_function(const outreach_curl_api *api, CURL *curl, CURLoption option, outreach_curl_io function) {
  return (api->curl_easy_setopt)(curl, option, function);
}
