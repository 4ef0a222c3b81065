#include <gmime/gmime.h>
#include <dlfcn.h>

// GMime is loaded on first use (dlopen), not when outreach starts: with
// GLib and GPGME it is some twenty libraries that `outreach lint` on a
// Markdown file has no use for. The functions outreach calls are looked up
// once into this table (dlsym on GMime finds GLib's functions too).
#define OUTREACH_GMIME_FUNCTIONS(X) \
  X(g_object_unref) X(g_type_check_instance_is_a) \
  X(g_date_time_new_from_unix_utc) X(g_date_time_unref) \
  X(g_mime_init) X(g_mime_charset_iconv_name) X(g_mime_iconv_open) X(g_mime_iconv_close) \
  X(g_mime_multipart_get_type) X(g_mime_part_get_type) X(g_mime_text_part_get_type) X(g_mime_message_part_get_type) \
  X(g_mime_content_type_is_type) \
  X(g_mime_data_wrapper_get_stream) X(g_mime_data_wrapper_new_with_stream) X(g_mime_data_wrapper_write_to_stream) \
  X(g_mime_data_wrapper_get_encoding) X(g_mime_encoding_init_decode) X(g_mime_encoding_outlen) X(g_mime_encoding_flush) \
  X(g_mime_format_options_new) X(g_mime_format_options_free) X(g_mime_format_options_set_newline_format) \
  X(g_mime_header_get_name) X(g_mime_header_get_offset) X(g_mime_header_get_raw_value) \
  X(g_mime_header_list_get_count) X(g_mime_header_list_get_header_at) \
  X(g_mime_message_new) X(g_mime_message_get_addresses) X(g_mime_message_get_message_id) \
  X(g_mime_message_get_mime_part) X(g_mime_message_get_subject) X(g_mime_message_set_date) \
  X(g_mime_message_set_message_id) X(g_mime_message_set_mime_part) X(g_mime_message_set_subject) \
  X(g_mime_multipart_add) X(g_mime_multipart_get_count) X(g_mime_multipart_get_part) \
  X(g_mime_multipart_new_with_subtype) X(g_mime_multipart_set_boundary) \
  X(g_mime_object_get_content_type) X(g_mime_object_get_content_type_parameter) X(g_mime_object_get_header_list) \
  X(g_mime_object_set_content_type_parameter) X(g_mime_object_set_header) X(g_mime_object_write_to_stream) \
  X(g_mime_parser_new) X(g_mime_parser_init_with_stream) X(g_mime_parser_construct_message) \
  X(g_mime_parser_get_headers_begin) X(g_mime_parser_set_format) \
  X(g_mime_parser_set_persist_stream) \
  X(g_mime_parser_options_new) X(g_mime_parser_options_free) X(g_mime_parser_options_set_warning_callback) \
  X(g_mime_part_get_content) X(g_mime_part_get_content_encoding) X(g_mime_part_is_attachment) X(g_mime_part_get_filename) \
  X(g_mime_part_set_content) X(g_mime_part_set_content_encoding) \
  X(g_mime_stream_fs_new) X(g_mime_stream_mem_get_byte_array) \
  X(g_mime_stream_mem_new) X(g_mime_stream_mem_new_with_buffer) X(g_mime_stream_substream) \
  X(g_mime_text_part_new_with_subtype) \
  X(internet_address_list_add) X(internet_address_mailbox_new) X(internet_address_set_charset)

typedef struct {
#define OUTREACH_GMIME_FIELD(name) __typeof__(name) *_Nonnull name;
  OUTREACH_GMIME_FUNCTIONS(OUTREACH_GMIME_FIELD)
#undef OUTREACH_GMIME_FIELD
} outreach_gmime_api;

/// Fills `api`; 1 when GMime 3 (libgmime-3.0.so.0) and every function are there.
static inline int outreach_gmime_load(outreach_gmime_api *api) {
  void *library = dlopen("libgmime-3.0.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!library) return 0;
#define OUTREACH_GMIME_LOOKUP(name) \
  if (!(api->name = (__typeof__(name) *)dlsym(library, #name))) return 0;
  OUTREACH_GMIME_FUNCTIONS(OUTREACH_GMIME_LOOKUP)
#undef OUTREACH_GMIME_LOOKUP
  return 1;
}

// GObject's type checks and casts are macros, which Swift does not import;
// these do the same through the table.
static inline int outreach_is_a(const outreach_gmime_api *api, void *object, GType type) {
  return object != NULL && api->g_type_check_instance_is_a((GTypeInstance *)object, type);
}
static inline int outreach_is_multipart(const outreach_gmime_api *api, GMimeObject *object) {
  return outreach_is_a(api, object, api->g_mime_multipart_get_type());
}
static inline int outreach_is_part(const outreach_gmime_api *api, GMimeObject *object) {
  return outreach_is_a(api, object, api->g_mime_part_get_type());
}
static inline int outreach_is_text_part(const outreach_gmime_api *api, GMimeObject *object) {
  return outreach_is_a(api, object, api->g_mime_text_part_get_type());
}
static inline int outreach_is_message_part(const outreach_gmime_api *api, GMimeObject *object) {
  return outreach_is_a(api, object, api->g_mime_message_part_get_type());
}
static inline void outreach_unref(const outreach_gmime_api *api, void *object) { api->g_object_unref(object); }
static inline GMimeMultipart *outreach_as_multipart(GMimeObject *object) { return (GMimeMultipart *)object; }
static inline GMimePart *outreach_as_part(GMimeObject *object) { return (GMimePart *)object; }
static inline GMimeTextPart *outreach_as_text_part(GMimeObject *object) { return (GMimeTextPart *)object; }
static inline GMimeObject *outreach_as_object(void *object) { return (GMimeObject *)object; }
static inline InternetAddress *outreach_as_address(void *object) { return (InternetAddress *)object; }
static inline gint64 outreach_stream_start(GMimeStream *stream) { return stream->bound_start; }
static inline gint64 outreach_stream_end(GMimeStream *stream) { return stream->bound_end; }
static inline GMimeStream *outreach_stream_super(GMimeStream *stream) { return stream->super_stream; }
