#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
// call: one typed wrapper for each kind of value.
typedef size_t (*outreach_curl_io)(char *, size_t, size_t, void *);

static inline CURLcode outreach_curl_long(CURL *curl, CURLoption option, long value) {
  return curl_easy_setopt(curl, option, value);
}
static inline CURLcode outreach_curl_string(CURL *curl, CURLoption option, const char *value) {
  return curl_easy_setopt(curl, option, value);
}
static inline CURLcode outreach_curl_pointer(CURL *curl, CURLoption option, void *value) {
  return curl_easy_setopt(curl, option, value);
}
static inline CURLcode outreach_curl_size(CURL *curl, CURLoption option, curl_off_t value) {
  return curl_easy_setopt(curl, option, value);
}
static inline CURLcode outreach_curl_function(CURL *curl, CURLoption option, outreach_curl_io function) {
  return curl_easy_setopt(curl, option, function);
}
