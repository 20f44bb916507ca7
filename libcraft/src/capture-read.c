/* Reading captures one packet at a time in constant memory: classic pcap records through pcap-records.c, pcapng and pipes through libpcap. */
#include <craft/craft.h>

#include "pcap-records.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The stdio buffer libpcap reads through: large reads keep long captures fast. */
#define READ_BUFFER (1 << 20)

struct _CraftCaptureReader {
  pcap_t *pcap;
  char *buffer;         /* the stream's buffer, freed after it is closed */
  gint64 offset;        /* where the next record starts, when counted (see record_offset()) */
  gboolean counted;     /* pcap records are counted (16-byte header + data), not asked of stdio */
  char *path;
  struct bpf_program filter;
  gboolean filtered;
  char *linktype_name;
  guint64 number;       /* packets read so far, the filter's rejects included */
  gboolean failed;      /* an error ended the file: nothing more is read */
  CraftPcapRecords *direct; /* a classic pcap file's records, read here rather than by libpcap, or NULL */
};

/* The byte offset the next read starts at: the start of the next record
 * (libpcap reads records through this stdio stream), or -1 on a pipe. In
 * pcapng, blocks that hold no packet (statistics, name resolution) are read
 * with the packet after them, so the offset may be that of such a block. */
static gint64
file_offset (CraftCaptureReader *reader)
{
  FILE *file = pcap_file (reader->pcap);
  return file != NULL ? (gint64) ftell (file) : -1;
}

/* The offset of the record about to be read. ftell() costs a system call,
 * so once a pcap file's first record shows that records are a 16-byte
 * header and the data (not one of the variants with longer headers), the
 * offsets are counted instead. pcapng has blocks of other kinds between
 * packets: there, stdio is asked every time. */
static gint64
record_offset (CraftCaptureReader *reader)
{
  return reader->counted ? reader->offset : file_offset (reader);
}

/* After a record of `captured` bytes was read from `offset`. */
static void
count_record (CraftCaptureReader *reader, gint64 offset, guint32 captured)
{
  if (reader->counted)
    reader->offset += 16 + (gint64) captured;
  else if (reader->number == 1 && offset >= 0 && pcap_major_version (reader->pcap) == 2)
    {
      gint64 next = file_offset (reader);
      reader->counted = next == offset + 16 + (gint64) captured;
      reader->offset = next;
    }
}

/* The records of a classic pcap file (microseconds or nanoseconds, either
 * byte order), which libpcap opened from `path` and whose first 4 bytes are
 * `magic` in the host's order, read straight from a large buffer (libpcap
 * copies every packet out of stdio); NULL for other files. */
static CraftPcapRecords *
records_of (pcap_t *pcap, const char *path, guint32 magic)
{
  gboolean nanoseconds;
  switch (pcap_is_swapped (pcap) ? GUINT32_SWAP_LE_BE (magic) : magic)
    {
    case 0xa1b2c3d4: nanoseconds = FALSE; break;
    case 0xa1b23c4d: nanoseconds = TRUE; break;
    default: return NULL;
    }
  /* The 24-byte file header is all libpcap read. */
  if (pcap_major_version (pcap) != 2 || pcap_snapshot (pcap) <= 0 || pcap_snapshot (pcap) > (1 << 24))
    return NULL;
  return craft__pcap_records_new (path, 24, pcap_is_swapped (pcap), nanoseconds, (guint32) pcap_snapshot (pcap));
}

CraftCaptureReader *
craft_capture_reader_open (const char *path, const char *bpf_filter, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  /* Microseconds whatever the file holds: libpcap scales nanosecond files.
   * A file (not standard input, "-") is opened here, to give its stream a
   * large buffer before libpcap reads from it. */
  pcap_t *pcap = NULL;
  char *buffer = NULL;
  CraftPcapRecords *direct = NULL;
  if (strcmp (path, "-") == 0)
    pcap = pcap_open_offline_with_tstamp_precision (path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  else
    {
      FILE *file = g_fopen (path, "rb");
      if (file == NULL)
        {
          int saved = errno;
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: %s", path, g_strerror (saved));
          return NULL;
        }
      buffer = g_malloc (READ_BUFFER);
      setvbuf (file, buffer, _IOFBF, READ_BUFFER);
      /* A regular file's first bytes say whether craft reads its records
       * itself; a pipe's cannot be read twice, so libpcap reads those. */
      guint32 magic = 0;
      struct stat st;
      if (fstat (fileno (file), &st) == 0 && S_ISREG (st.st_mode))
        {
          if (fread (&magic, 1, sizeof magic, file) != sizeof magic)
            magic = 0;
          if (fseek (file, 0, SEEK_SET) != 0)
            {
              int saved = errno;
              fclose (file);
              g_free (buffer);
              g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: %s", path, g_strerror (saved));
              return NULL;
            }
        }
      pcap = pcap_fopen_offline_with_tstamp_precision (file, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
      if (pcap == NULL)
        {
          fclose (file);
          g_clear_pointer (&buffer, g_free);
        }
      else
        direct = records_of (pcap, path, magic);
    }
  if (pcap == NULL)
    {
      /* libpcap calls a file too short for a header "truncated"; an empty
       * file is more plainly said to be empty. */
      GStatBuf st;
      if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size == 0)
        g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: the file is empty, not a pcap or pcapng capture",
                     path);
      else if (strstr (errbuf, path) != NULL)
        g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s", errbuf);
      else
        g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: %s", path, errbuf);
      return NULL;
    }
  CraftCaptureReader *reader = g_new0 (CraftCaptureReader, 1);
  reader->pcap = pcap;
  reader->buffer = buffer;
  reader->direct = direct;
  reader->path = g_strdup (path);
  int linktype = pcap_datalink (pcap);
  const char *name = pcap_datalink_val_to_name (linktype);
  reader->linktype_name = name != NULL ? g_strdup (name) : g_strdup_printf ("DLT_%d", linktype);
  if (bpf_filter != NULL)
    {
      /* The program is applied here, not by pcap_setfilter(): libpcap would
       * skip the packets it rejects unseen, and their numbers with them. */
      if (pcap_compile (pcap, &reader->filter, bpf_filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_SYNTAX, "bad filter '%s': %s", bpf_filter,
                       pcap_geterr (pcap));
          craft_capture_reader_free (reader);
          return NULL;
        }
      reader->filtered = TRUE;
    }
  return reader;
}

int
craft_capture_reader_get_linktype (CraftCaptureReader *reader)
{
  return pcap_datalink (reader->pcap);
}

const char *
craft_capture_reader_get_linktype_name (CraftCaptureReader *reader)
{
  return reader->linktype_name;
}

gboolean
craft_capture_reader_next (CraftCaptureReader *reader, CraftCaptureRecord *record, GError **error)
{
  g_return_val_if_fail (reader != NULL && record != NULL, FALSE);
  if (reader->failed)
    return FALSE;
  for (;;)
    {
      gint64 offset;
      struct pcap_pkthdr *header, direct_header;
      const u_char *data;
      int status;
      g_autofree char *problem = NULL;
      CraftPcapStatus direct = reader->direct == NULL ? CRAFT_PCAP_UNUSUAL
                               : craft__pcap_records_next (reader->direct, &direct_header, &data, &offset, &problem);
      if (direct == CRAFT_PCAP_UNUSUAL)
        {
          /* From here on libpcap reads, from the record the direct reading left. */
          if (reader->direct != NULL)
            {
              if (fseeko (pcap_file (reader->pcap), (off_t) offset, SEEK_SET) != 0)
                {
                  reader->failed = TRUE;
                  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: packet %" G_GUINT64_FORMAT
                               " at byte offset %" G_GINT64_FORMAT ": cannot seek there: %s", reader->path,
                               reader->number + 1, offset, g_strerror (errno));
                  return FALSE;
                }
              reader->counted = TRUE;
              reader->offset = offset;
              g_clear_pointer (&reader->direct, craft__pcap_records_free);
            }
          offset = record_offset (reader);
          status = pcap_next_ex (reader->pcap, &header, &data);
        }
      else
        {
          header = &direct_header;
          status = direct == CRAFT_PCAP_RECORD ? 1 : direct == CRAFT_PCAP_END ? PCAP_ERROR_BREAK : PCAP_ERROR;
        }
      if (status == PCAP_ERROR_BREAK)
        return FALSE;
      if (status != 1)
        {
          /* A record cut short, or one that cannot be (a length past the
           * limits): everything before it was returned. */
          reader->failed = TRUE;
          g_autofree char *where = offset >= 0 ? g_strdup_printf (" at byte offset %" G_GINT64_FORMAT, offset)
                                                : g_strdup ("");
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: packet %" G_GUINT64_FORMAT "%s: %s", reader->path,
                       reader->number + 1, where, problem != NULL ? problem : pcap_geterr (reader->pcap));
          return FALSE;
        }
      reader->number++;
      if (reader->direct == NULL)
        count_record (reader, offset, header->caplen);
      if (reader->filtered && pcap_offline_filter (&reader->filter, header, data) == 0)
        continue;
      record->number = reader->number;
      record->time_usec = (gint64) header->ts.tv_sec * G_USEC_PER_SEC + (gint64) header->ts.tv_usec;
      record->captured = header->caplen;
      record->length = header->len;
      record->data = data;
      return TRUE;
    }
}

void
craft_capture_reader_free (CraftCaptureReader *reader)
{
  if (reader == NULL)
    return;
  if (reader->filtered)
    pcap_freecode (&reader->filter);
  craft__pcap_records_free (reader->direct);
  pcap_close (reader->pcap); /* closes the stream too */
  g_free (reader->buffer);
  g_free (reader->path);
  g_free (reader->linktype_name);
  g_free (reader);
}
