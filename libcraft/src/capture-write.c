/* Writing captures: pcap (libpcap writes the header, records stream through a large buffer), pcapng by hand, to a temporary file renamed on success. */
#include <craft/capture.h>
#include <craft/error.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Packets are at most this long in a capture we write (as tcpdump's default). */
#define SNAPLEN 262144
/* Output buffer: large writes keep long sets fast. */
#define WRITE_BUFFER (1 << 20)

struct _CraftCaptureWriter {
  char *path;
  char *temp_path;
  FILE *file;
  char *buffer;
  CraftCaptureFormat format;
  pcap_t *dead;          /* pcap: libpcap writes the file header ... */
  pcap_dumper_t *dumper;
  guint8 *records;       /* ... and records are gathered here, then written WRITE_BUFFER at a time */
  gsize records_len;
  gboolean committed;
};

static gboolean
io_error (CraftCaptureWriter *w, GError **error, const char *what)
{
  int saved = errno;
  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s %s: %s", what, w->path, g_strerror (saved));
  return FALSE;
}

/* pcapng blocks are padded to 32 bits; lengths include the header and trailer. */
static gboolean
write_block (CraftCaptureWriter *w, guint32 type, const void *body, gsize body_len, const void *options,
             gsize options_len)
{
  guint32 total = (guint32) (12 + body_len + options_len);
  return fwrite (&type, 4, 1, w->file) == 1 && fwrite (&total, 4, 1, w->file) == 1
         && fwrite (body, 1, body_len, w->file) == body_len
         && (options_len == 0 || fwrite (options, 1, options_len, w->file) == options_len)
         && fwrite (&total, 4, 1, w->file) == 1;
}

/* Appends a pcapng option (code, length, value padded to 32 bits). */
static void
add_option (GByteArray *out, guint16 code, const void *value, gsize length)
{
  static const guint8 zeros[4];
  guint16 head[2] = { code, (guint16) length };
  g_byte_array_append (out, (const guint8 *) head, sizeof head);
  g_byte_array_append (out, value, (guint) length);
  g_byte_array_append (out, zeros, (guint) ((4 - length % 4) % 4));
}

static gboolean
write_pcapng_header (CraftCaptureWriter *w, int linktype)
{
  /* Section header: byte-order magic, version 1.0, section length unknown. */
  guint8 shb[16];
  guint32 magic = 0x1A2B3C4D;
  guint16 version[2] = { 1, 0 };
  gint64 length = -1;
  memcpy (shb, &magic, 4);
  memcpy (shb + 4, version, 4);
  memcpy (shb + 8, &length, 8);
  g_autoptr (GByteArray) shb_options = g_byte_array_new ();
  add_option (shb_options, 4, "craft", 5); /* shb_userappl */
  add_option (shb_options, 0, NULL, 0);
  /* Interface description: link type, snap length, microsecond timestamps (the default). */
  guint8 idb[8];
  guint16 lt[2] = { (guint16) linktype, 0 };
  guint32 snaplen = SNAPLEN;
  memcpy (idb, lt, 4);
  memcpy (idb + 4, &snaplen, 4);
  return write_block (w, 0x0A0D0D0A, shb, sizeof shb, shb_options->data, shb_options->len)
         && write_block (w, 0x00000001, idb, sizeof idb, NULL, 0);
}

/* Writes the gathered pcap records to the file. */
static gboolean
flush_records (CraftCaptureWriter *w, GError **error)
{
  if (w->records_len == 0)
    return TRUE;
  gsize len = w->records_len;
  w->records_len = 0;
  /* Straight to the descriptor, after what stdio holds (the file header):
   * fwrite() would copy a record buffer smaller than its own. */
  if (fflush (w->file) != 0)
    return io_error (w, error, "cannot write");
  int fd = fileno (w->file);
  for (gsize done = 0; done < len;)
    {
      ssize_t n = write (fd, w->records + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          errno = n == 0 ? EIO : errno;
          return io_error (w, error, "cannot write");
        }
      done += (gsize) n;
    }
  return TRUE;
}

CraftCaptureWriter *
craft_capture_writer_new (const char *path, CraftCaptureFormat format, int linktype, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  CraftCaptureWriter *w = g_new0 (CraftCaptureWriter, 1);
  w->path = g_strdup (path);
  w->format = format;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  w->temp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = g_mkstemp_full (w->temp_path, O_WRONLY, 0644);
  if (fd < 0)
    {
      io_error (w, error, "cannot create a temporary file for");
      g_clear_pointer (&w->temp_path, g_free);
      craft_capture_writer_free (w);
      return NULL;
    }
  w->file = fdopen (fd, "wb");
  w->buffer = g_malloc (WRITE_BUFFER);
  setvbuf (w->file, w->buffer, _IOFBF, WRITE_BUFFER);
  gboolean ok;
  if (format == CRAFT_CAPTURE_PCAP)
    {
      w->records = g_malloc (WRITE_BUFFER);
      w->dead = pcap_open_dead (linktype, SNAPLEN);
      w->dumper = w->dead ? pcap_dump_fopen (w->dead, w->file) : NULL;
      ok = w->dumper != NULL;
      if (!ok)
        g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "cannot write a pcap of link type %d to %s: %s", linktype,
                     path, w->dead ? pcap_geterr (w->dead) : "libpcap refused");
    }
  else
    ok = write_pcapng_header (w, linktype) || io_error (w, error, "cannot write");
  if (!ok)
    {
      craft_capture_writer_free (w);
      return NULL;
    }
  return w;
}

gboolean
craft_capture_writer_add (CraftCaptureWriter *w, const guint8 *data, gsize length, gint64 time_usec,
                          const char *comment, GError **error)
{
  g_return_val_if_fail (w != NULL && !w->committed, FALSE);
  guint32 captured = (guint32) MIN (length, (gsize) SNAPLEN);
  if (w->format == CRAFT_CAPTURE_PCAP)
    {
      /* The record libpcap's pcap_dump() writes (seconds, microseconds,
       * captured and original length, in host order), copied into one
       * large buffer: no stdio call per packet. */
      guint32 header[4] = { (guint32) (time_usec / G_USEC_PER_SEC), (guint32) (time_usec % G_USEC_PER_SEC),
                            captured, (guint32) length };
      if (WRITE_BUFFER - w->records_len < sizeof header + captured && !flush_records (w, error))
        return FALSE;
      if (sizeof header + captured > WRITE_BUFFER)
        return (fwrite (header, sizeof header, 1, w->file) == 1 && fwrite (data, 1, captured, w->file) == captured)
               || io_error (w, error, "cannot write");
      memcpy (w->records + w->records_len, header, sizeof header);
      memcpy (w->records + w->records_len + sizeof header, data, captured);
      w->records_len += sizeof header + captured;
      return TRUE;
    }
  /* Enhanced packet block: interface 0, timestamp in microseconds, lengths, data, comment. */
  guint32 body[5] = { 0, (guint32) ((guint64) time_usec >> 32), (guint32) time_usec, captured, (guint32) length };
  static const guint8 zeros[4];
  /* No allocation per packet without a comment. */
  g_autoptr (GByteArray) options = comment != NULL ? g_byte_array_new () : NULL;
  guint options_len = 0;
  if (comment != NULL)
    {
      add_option (options, 1, comment, MIN (strlen (comment), (gsize) G_MAXUINT16 - 4));
      add_option (options, 0, NULL, 0);
      options_len = options->len;
    }
  guint32 padded = (captured + 3) & ~3u;
  guint32 type = 6, total = (guint32) (12 + sizeof body + padded + options_len);
  gboolean ok = fwrite (&type, 4, 1, w->file) == 1 && fwrite (&total, 4, 1, w->file) == 1
                && fwrite (body, sizeof body, 1, w->file) == 1 && fwrite (data, 1, captured, w->file) == captured
                && fwrite (zeros, 1, padded - captured, w->file) == padded - captured
                && (options_len == 0 || fwrite (options->data, 1, options_len, w->file) == options_len)
                && fwrite (&total, 4, 1, w->file) == 1;
  return ok || io_error (w, error, "cannot write");
}

gboolean
craft_capture_writer_commit (CraftCaptureWriter *w, GError **error)
{
  g_return_val_if_fail (w != NULL && !w->committed, FALSE);
  if (!flush_records (w, error))
    return FALSE;
  if (w->dumper != NULL && pcap_dump_flush (w->dumper) != 0)
    return io_error (w, error, "cannot write");
  if (fflush (w->file) != 0 || ferror (w->file))
    return io_error (w, error, "cannot write");
  if (w->dumper != NULL)
    pcap_dump_close (w->dumper); /* closes the FILE too */
  else if (fclose (w->file) != 0)
    {
      w->file = NULL;
      return io_error (w, error, "cannot write");
    }
  w->dumper = NULL;
  w->file = NULL;
  if (g_rename (w->temp_path, w->path) != 0)
    return io_error (w, error, "cannot rename the finished capture to");
  w->committed = TRUE;
  return TRUE;
}

void
craft_capture_writer_free (CraftCaptureWriter *w)
{
  if (w == NULL)
    return;
  if (w->dumper != NULL)
    pcap_dump_close (w->dumper);
  else if (w->file != NULL)
    fclose (w->file);
  if (w->dead != NULL)
    pcap_close (w->dead);
  if (!w->committed && w->temp_path != NULL)
    g_unlink (w->temp_path);
  g_free (w->buffer);
  g_free (w->records);
  g_free (w->temp_path);
  g_free (w->path);
  g_free (w);
}
