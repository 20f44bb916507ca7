/* Capture files: streaming pcap and pcapng reading (classic pcap in large blocks, the rest through libpcap), and writing that never leaves a partial file. */
#pragma once

#include <glib.h>
#include <craft/export.h>
#include <craft/registry.h>

G_BEGIN_DECLS

/* ---- reading ---- */

typedef struct _CraftCaptureReader CraftCaptureReader;

/* One packet of a capture. `data` is borrowed and valid until the next call
 * to craft_capture_reader_next() or the reader is freed. */
typedef struct {
  guint64 number;      /* 1-based position in the file, counting packets the filter skipped */
  gint64 time_usec;    /* capture time, microseconds since the epoch */
  guint captured;      /* bytes in `data` */
  guint length;        /* bytes the packet had on the wire */
  const guint8 *data;
} CraftCaptureRecord;

/* Opens a pcap or pcapng file for streaming. `bpf_filter` (may be NULL) is
 * compiled by libpcap for the file's link type; only matching packets are
 * returned. Errors: CRAFT_ERROR_IO (cannot open, not a capture),
 * CRAFT_ERROR_SYNTAX (bad filter, with libpcap's reason). Caller frees. */
CRAFT_API CraftCaptureReader *craft_capture_reader_open (const char *path, const char *bpf_filter, GError **error);

/* The file's link type (DLT_*) and its name ("EN10MB"). */
CRAFT_API int craft_capture_reader_get_linktype (CraftCaptureReader *reader);
CRAFT_API const char *craft_capture_reader_get_linktype_name (CraftCaptureReader *reader);

/* Reads the next packet into `record`. Returns FALSE at the end of the file
 * with `error` unset, or FALSE with CRAFT_ERROR_IO when the file is
 * truncated or corrupt, naming the packet number and byte offset. */
CRAFT_API gboolean craft_capture_reader_next (CraftCaptureReader *reader, CraftCaptureRecord *record,
                                              GError **error);

CRAFT_API void craft_capture_reader_free (CraftCaptureReader *reader);

/* ---- writing ---- */

typedef enum {
  CRAFT_CAPTURE_PCAP,
  CRAFT_CAPTURE_PCAPNG,  /* packets may carry a comment */
} CraftCaptureFormat;

typedef struct _CraftCaptureWriter CraftCaptureWriter;

/* Starts writing a capture of link type `linktype` to `path`. The packets go
 * to a temporary file in the same folder, renamed to `path` only by
 * craft_capture_writer_commit(), so a failure never leaves a truncated file.
 * Errors: CRAFT_ERROR_IO. Caller frees. */
CRAFT_API CraftCaptureWriter *craft_capture_writer_new (const char *path, CraftCaptureFormat format, int linktype,
                                                        GError **error);

/* Appends one packet. `comment` (may be NULL) is written in pcapng only. */
CRAFT_API gboolean craft_capture_writer_add (CraftCaptureWriter *writer, const guint8 *data, gsize length,
                                             gint64 time_usec, const char *comment, GError **error);

/* Flushes and renames the temporary file to its path. */
CRAFT_API gboolean craft_capture_writer_commit (CraftCaptureWriter *writer, GError **error);

/* Frees the writer; if it was not committed, its temporary file is removed. */
CRAFT_API void craft_capture_writer_free (CraftCaptureWriter *writer);

/* The link type that carries packets starting with `layer` (from the
 * definitions' `bind linktype N -> LAYER;`), or -1. */
CRAFT_API int craft_registry_get_linktype_for (CraftRegistry *reg, const CraftLayerDef *layer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CraftCaptureReader, craft_capture_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CraftCaptureWriter, craft_capture_writer_free)

G_END_DECLS
