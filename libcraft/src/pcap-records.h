/* Classic pcap records read straight from a large buffer, each packet's bytes returned where they lie. */
#pragma once

#include <glib.h>
#include <pcap/pcap.h>

G_BEGIN_DECLS

typedef struct _CraftPcapRecords CraftPcapRecords;

typedef enum {
  CRAFT_PCAP_RECORD,    /* a record: its header and bytes */
  CRAFT_PCAP_END,       /* the file ends between records */
  CRAFT_PCAP_DAMAGED,   /* the file ends inside a record: *problem says how */
  CRAFT_PCAP_UNUSUAL,   /* a record longer than the file's snap length, at *offset: for libpcap
                         * to read as it reads such records */
} CraftPcapStatus;

/* Reads the records of the file at `path` from byte `offset` (after the
 * file header) through a descriptor of its own, past stdio and its copies.
 * `swapped`: the file's byte order is not the host's; `nanoseconds`: its
 * times are; `snapshot`: its snap length, as libpcap settled it. NULL if
 * the file cannot be opened again. */
CraftPcapRecords *craft__pcap_records_new (const char *path, gint64 offset, gboolean swapped, gboolean nanoseconds,
                                           guint32 snapshot);

void craft__pcap_records_free (CraftPcapRecords *records);

/* The next record: its header (times in microseconds) and its bytes,
 * borrowed until the next call; *offset is where it starts in the file.
 * *problem (DAMAGED) is owned by the caller. */
CraftPcapStatus craft__pcap_records_next (CraftPcapRecords *records, struct pcap_pkthdr *header,
                                          const guint8 **data, gint64 *offset, char **problem);

G_END_DECLS
