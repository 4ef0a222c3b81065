#include <gsf/gsf-input.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-utils.h>
#include <gsf/gsf-output.h>
#include <gsf/gsf-output-memory.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-outfile-msole.h>
#include <dlfcn.h>

// libgsf (Debian libgsf-1-114; headers from libgsf-1-dev), GNOME's reader of
// OLE2 compound files, the container of Outlook's .msg files. Loaded on the
// first .msg, not when outreach starts (dlsym on libgsf finds GLib's
// functions too).
#define OUTREACH_GSF_FUNCTIONS(X) \
  X(gsf_init) X(gsf_input_memory_new) X(gsf_infile_msole_new) X(gsf_infile_num_children) \
  X(gsf_infile_name_by_index) X(gsf_infile_child_by_index) X(gsf_input_size) X(gsf_input_read) \
  X(g_object_unref) X(g_error_free)

// One field, and one dlsym, per function of a table (both tables below).
#define OUTREACH_GSF_FIELD(name) __typeof__(name) *_Nonnull name;
#define OUTREACH_GSF_LOOKUP(name) \
  if (!(api->name = (__typeof__(name) *)dlsym(library, #name))) return 0;

typedef struct {
  OUTREACH_GSF_FUNCTIONS(OUTREACH_GSF_FIELD)
} outreach_gsf_api;

/// Fills `api`; 1 when libgsf (libgsf-1.so.114) and every function are there.
static inline int outreach_gsf_load(outreach_gsf_api *api) {
  void *library = dlopen("libgsf-1.so.114", RTLD_NOW | RTLD_LOCAL);
  if (!library) return 0;
  OUTREACH_GSF_FUNCTIONS(OUTREACH_GSF_LOOKUP)
  return 1;
}

// libgsf's writer, for the tests: they build .msg files of their own.
#define OUTREACH_GSF_WRITER_FUNCTIONS(X) \
  X(gsf_init) X(gsf_output_memory_new) X(gsf_output_memory_get_bytes) X(gsf_output_size) \
  X(gsf_outfile_msole_new) X(gsf_outfile_new_child) X(gsf_output_write) X(gsf_output_close) X(g_object_unref)

typedef struct {
  OUTREACH_GSF_WRITER_FUNCTIONS(OUTREACH_GSF_FIELD)
} outreach_gsf_writer_api;

static inline int outreach_gsf_writer_load(outreach_gsf_writer_api *api) {
  void *library = dlopen("libgsf-1.so.114", RTLD_NOW | RTLD_LOCAL);
  if (!library) return 0;
  OUTREACH_GSF_WRITER_FUNCTIONS(OUTREACH_GSF_LOOKUP)
  return 1;
}

// GObject's casts are macros, which Swift does not import.
static inline int outreach_gsf_close_outfile(const outreach_gsf_writer_api *api, GsfOutfile *outfile) {
  return api->gsf_output_close((GsfOutput *)outfile);
}
static inline const guint8 *outreach_gsf_memory_bytes(const outreach_gsf_writer_api *api, GsfOutput *sink) {
  return api->gsf_output_memory_get_bytes((GsfOutputMemory *)sink);
}
