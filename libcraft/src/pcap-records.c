/* Classic pcap records read straight from a large buffer, each packet's bytes returned where they lie. */
#include "pcap-records.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define RECORD_HEADER 16
#define MIN_BUFFER (1 << 20)

struct _CraftPcapRecords {
  int fd;              /* its own descriptor of the file (owned) */
  gboolean swapped, nanoseconds;
  guint32 snapshot;
  guint8 *buffer;
  gsize size;          /* of buffer */
  gsize start, end;    /* the bytes read and not yet returned: buffer[start, end) */
  gint64 offset;       /* the file offset of buffer[start] */
  gboolean eof;        /* the last read reached the end of the file */
  int error;           /* errno of a failed read, or 0 */
};

CraftPcapRecords *
craft__pcap_records_new (const char *path, gint64 offset, gboolean swapped, gboolean nanoseconds, guint32 snapshot)
{
  int fd = g_open (path, O_RDONLY, 0);
  if (fd < 0)
    return NULL;
  if (lseek (fd, (off_t) offset, SEEK_SET) != (off_t) offset)
    {
      close (fd);
      return NULL;
    }
  CraftPcapRecords *r = g_new0 (CraftPcapRecords, 1);
  r->fd = fd;
  r->offset = offset;
  r->swapped = swapped;
  r->nanoseconds = nanoseconds;
  r->snapshot = snapshot;
  /* Room for two of the largest records, so that a refill always completes one. */
  r->size = MAX ((gsize) MIN_BUFFER, 2 * (RECORD_HEADER + (gsize) snapshot));
  r->buffer = g_malloc (r->size);
  return r;
}

void
craft__pcap_records_free (CraftPcapRecords *records)
{
  if (records == NULL)
    return;
  close (records->fd);
  g_free (records->buffer);
  g_free (records);
}

/* Makes at least `wanted` bytes available from r->start, if the file has them. */
static void
fill (CraftPcapRecords *r, gsize wanted)
{
  if (r->end - r->start >= wanted || r->eof)
    return;
  memmove (r->buffer, r->buffer + r->start, r->end - r->start);
  r->end -= r->start;
  r->start = 0;
  while (r->end < wanted && !r->eof)
    {
      gssize got = read (r->fd, r->buffer + r->end, r->size - r->end);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        r->error = errno;
      r->eof = got <= 0;
      r->end += got > 0 ? (gsize) got : 0;
    }
}

static guint32
field (const CraftPcapRecords *r, const guint8 *at)
{
  guint32 v;
  memcpy (&v, at, 4);
  return r->swapped ? GUINT32_SWAP_LE_BE (v) : v;
}

CraftPcapStatus
craft__pcap_records_next (CraftPcapRecords *r, struct pcap_pkthdr *header, const guint8 **data, gint64 *offset,
                          char **problem)
{
  fill (r, RECORD_HEADER);
  gsize left = r->end - r->start;
  *offset = r->offset;
  if (r->error != 0)
    {
      *problem = g_strdup_printf ("cannot read the file: %s", g_strerror (r->error));
      return CRAFT_PCAP_DAMAGED;
    }
  if (left == 0)
    return CRAFT_PCAP_END;
  if (left < RECORD_HEADER)
    {
      *problem = g_strdup_printf ("truncated dump file; tried to read %d header bytes, only got %zu", RECORD_HEADER,
                                  left);
      return CRAFT_PCAP_DAMAGED;
    }
  const guint8 *h = r->buffer + r->start;
  guint32 captured = field (r, h + 8);
  if (captured > r->snapshot)
    return CRAFT_PCAP_UNUSUAL; /* libpcap knows what to make of these (cut to the snap length, or rejected) */
  fill (r, RECORD_HEADER + (gsize) captured);
  h = r->buffer + r->start;
  left = r->end - r->start;
  if (r->error != 0)
    {
      *problem = g_strdup_printf ("cannot read the file: %s", g_strerror (r->error));
      return CRAFT_PCAP_DAMAGED;
    }
  if (left < RECORD_HEADER + (gsize) captured)
    {
      *problem = g_strdup_printf ("truncated dump file; tried to read %u captured bytes, only got %zu", captured,
                                  left - RECORD_HEADER);
      return CRAFT_PCAP_DAMAGED;
    }
  guint32 fraction = field (r, h + 4);
  header->ts.tv_sec = (time_t) field (r, h);
  header->ts.tv_usec = (suseconds_t) (r->nanoseconds ? fraction / 1000 : fraction);
  header->caplen = captured;
  header->len = field (r, h + 12);
  *data = h + RECORD_HEADER;
  r->start += RECORD_HEADER + captured;
  r->offset += RECORD_HEADER + (gint64) captured;
  return CRAFT_PCAP_RECORD;
}
