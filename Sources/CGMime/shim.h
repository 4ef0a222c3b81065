#include <gmime/gmime.h>

// GObject's type checks and casts are macros, which Swift does not import.
static inline int outreach_is_multipart(GMimeObject *object) { return GMIME_IS_MULTIPART(object); }
static inline int outreach_is_part(GMimeObject *object) { return GMIME_IS_PART(object); }
static inline int outreach_is_text_part(GMimeObject *object) { return GMIME_IS_TEXT_PART(object); }
static inline int outreach_is_message_part(GMimeObject *object) { return GMIME_IS_MESSAGE_PART(object); }
static inline GMimeMultipart *outreach_as_multipart(GMimeObject *object) { return GMIME_MULTIPART(object); }
static inline GMimePart *outreach_as_part(GMimeObject *object) { return GMIME_PART(object); }
static inline GMimeTextPart *outreach_as_text_part(GMimeObject *object) { return GMIME_TEXT_PART(object); }
static inline GMimeObject *outreach_as_object(void *object) { return GMIME_OBJECT(object); }
static inline void outreach_unref(void *object) { g_object_unref(object); }
static inline gint64 outreach_stream_start(GMimeStream *stream) { return stream->bound_start; }
static inline gint64 outreach_stream_end(GMimeStream *stream) { return stream->bound_end; }
static inline GMimeStream *outreach_stream_super(GMimeStream *stream) { return stream->super_stream; }
static inline InternetAddress *outreach_as_address(void *object) { return INTERNET_ADDRESS(object); }
