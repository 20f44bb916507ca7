/* Tests for reading captures (capture-read.c): pcap and pcapng through libpcap, filters, damage, odd files. */
#include <craft/craft.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

static char *tmpdir;

/* ---- Helpers ---- */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* The bytes of an expression, built by libcraft. */
static GBytes *
build (const char *expression)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, &error));
  g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (reg, expression, &error);
  g_assert_no_error (error);
  GBytes *bytes = craft_packet_build (packet, &error);
  g_assert_no_error (error);
  return bytes;
}

typedef struct {
  const char *expression;
  gint64 time_usec;
  guint snap;  /* captured bytes; 0 = all */
} Packet;

/* Writes a pcap file of `linktype` through libpcap, one record per packet. */
static void
write_pcap (const char *path, int linktype, const Packet *packets, gsize n)
{
  pcap_t *dead = pcap_open_dead (linktype, 65535);
  pcap_dumper_t *dumper = pcap_dump_open (dead, path);
  g_assert_nonnull (dumper);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GBytes) bytes = build (packets[i].expression);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      struct pcap_pkthdr h = { 0 };
      h.ts.tv_sec = packets[i].time_usec / G_USEC_PER_SEC;
      h.ts.tv_usec = packets[i].time_usec % G_USEC_PER_SEC;
      h.caplen = packets[i].snap != 0 ? packets[i].snap : (guint) len;
      h.len = (guint) len;
      pcap_dump ((u_char *) dumper, &h, data);
    }
  pcap_dump_close (dumper);
  pcap_close (dead);
}

static CraftCaptureReader *
open_ok (const char *path, const char *filter)
{
  g_autoptr (GError) error = NULL;
  CraftCaptureReader *reader = craft_capture_reader_open (path, filter, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reader);
  return reader;
}

/* Reads the next record, which must exist. */
static void
next_ok (CraftCaptureReader *reader, CraftCaptureRecord *record)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_capture_reader_next (reader, record, &error));
  g_assert_no_error (error);
}

/* The end of the file, with no error, and again after it. */
static void
assert_end (CraftCaptureReader *reader)
{
  CraftCaptureRecord record;
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (craft_capture_reader_next (reader, &record, &error));
      g_assert_no_error (error);
    }
}

static void
assert_record (const CraftCaptureRecord *record, guint64 number, const Packet *packet)
{
  g_autoptr (GBytes) bytes = build (packet->expression);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (record->number, ==, number);
  g_assert_cmpint (record->time_usec, ==, packet->time_usec);
  g_assert_cmpuint (record->length, ==, len);
  guint captured = packet->snap != 0 ? packet->snap : (guint) len;
  g_assert_cmpmem (record->data, record->captured, data, captured);
}

static const Packet three[] = {
  { "Ether(dst=\"00:11:22:33:44:55\",src=\"66:77:88:99:aa:bb\")/IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")"
    "/TCP(sport=1234,dport=80,flags=\"S\")",
    1700000000123456, 0 },
  { "Ether(dst=\"00:11:22:33:44:55\",src=\"66:77:88:99:aa:bb\")/IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")"
    "/UDP(sport=53,dport=1234)/\"answer\"",
    1700000000223456, 0 },
  { "Ether(dst=\"00:11:22:33:44:55\",src=\"66:77:88:99:aa:bb\")/IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")"
    "/TCP(sport=1234,dport=80,flags=\"A\")/\"GET / HTTP/1.0\"",
    1700000001000001, 0 },
};

/* Byte offset of record `index` (0-based) of a pcap file of `three`. */
static gsize
record_offset (guint index)
{
  gsize offset = 24;
  for (guint i = 0; i < index; i++)
    {
      g_autoptr (GBytes) bytes = build (three[i].expression);
      offset += 16 + g_bytes_get_size (bytes);
    }
  return offset;
}

/* Writes the first `length` bytes of `path` to `cut`. */
static void
truncate_copy (const char *path, const char *cut, gsize length)
{
  g_autofree char *text = NULL;
  gsize size;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &text, &size, &error));
  g_assert_cmpuint (length, <=, size);
  g_assert_true (g_file_set_contents (cut, text, (gssize) length, &error));
}

/* ---- pcap ---- */

static void
test_pcap_read (void)
{
  g_test_summary ("A pcap file's records come back in order with number, time, lengths and bytes; then the end.");
  g_autofree char *path = tmp_path ("three.pcap");
  write_pcap (path, DLT_EN10MB, three, G_N_ELEMENTS (three));
  g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
  g_assert_cmpint (craft_capture_reader_get_linktype (reader), ==, DLT_EN10MB);
  g_assert_cmpstr (craft_capture_reader_get_linktype_name (reader), ==, "EN10MB");
  for (guint i = 0; i < G_N_ELEMENTS (three); i++)
    {
      CraftCaptureRecord record;
      next_ok (reader, &record);
      assert_record (&record, i + 1, &three[i]);
    }
  assert_end (reader);
}

static void
test_pcap_snaplen (void)
{
  g_test_summary ("A record cut by a snap length has fewer bytes captured than it had on the wire.");
  g_autofree char *path = tmp_path ("snap.pcap");
  Packet cut = three[2];
  cut.snap = 40;
  write_pcap (path, DLT_EN10MB, &cut, 1);
  g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
  CraftCaptureRecord record;
  next_ok (reader, &record);
  g_assert_cmpuint (record.captured, ==, 40);
  g_assert_cmpuint (record.length, >, 40);
  assert_record (&record, 1, &cut);
  assert_end (reader);
}

static void
test_pcap_nanoseconds (void)
{
  g_test_summary ("A nanosecond pcap file's times come back in microseconds.");
  g_autofree char *path = tmp_path ("nano.pcap");
  pcap_t *dead = pcap_open_dead_with_tstamp_precision (DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
  pcap_dumper_t *dumper = pcap_dump_open (dead, path);
  g_autoptr (GBytes) bytes = build (three[0].expression);
  struct pcap_pkthdr h = { 0 };
  h.ts.tv_sec = 1700000000;
  h.ts.tv_usec = 123456789; /* nanoseconds in such a file */
  h.caplen = h.len = (guint) g_bytes_get_size (bytes);
  pcap_dump ((u_char *) dumper, &h, g_bytes_get_data (bytes, NULL));
  pcap_dump_close (dumper);
  pcap_close (dead);

  g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
  CraftCaptureRecord record;
  next_ok (reader, &record);
  g_assert_cmpint (record.time_usec, ==, 1700000000123456);
  assert_end (reader);
}

static void
test_pcap_header_only (void)
{
  g_test_summary ("A capture with a header and no packets reads as no packets, without error.");
  g_autofree char *path = tmp_path ("none.pcap");
  write_pcap (path, DLT_RAW, NULL, 0);
  g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
  g_assert_cmpint (craft_capture_reader_get_linktype (reader), ==, DLT_RAW);
  g_assert_cmpstr (craft_capture_reader_get_linktype_name (reader), ==, "RAW");
  assert_end (reader);
}

/* ---- pcapng ---- */

static void
put32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { (guint8) v, (guint8) (v >> 8), (guint8) (v >> 16), (guint8) (v >> 24) };
  g_byte_array_append (out, b, 4);
}

static void
put16 (GByteArray *out, guint16 v)
{
  guint8 b[2] = { (guint8) v, (guint8) (v >> 8) };
  g_byte_array_append (out, b, 2);
}

/* A little-endian pcapng file by hand: a section header, one interface of
 * `linktype` (with if_tsresol when `tsresol` is not 0) and one enhanced
 * packet block per packet, times in the interface's units. */
static GByteArray *
pcapng_blob (guint16 linktype, guint8 tsresol, const Packet *packets, gsize n)
{
  GByteArray *out = g_byte_array_new ();
  /* Section header block: type, length, byte-order magic, version 1.0, unknown section length. */
  put32 (out, 0x0a0d0d0a);
  put32 (out, 28);
  put32 (out, 0x1a2b3c4d);
  put16 (out, 1);
  put16 (out, 0);
  put32 (out, 0xffffffff);
  put32 (out, 0xffffffff);
  put32 (out, 28);
  /* Interface description block, with an if_tsresol option (code 9) and opt_endofopt. */
  guint32 idb_len = tsresol != 0 ? 20 + 8 + 4 : 20;
  put32 (out, 1);
  put32 (out, idb_len);
  put16 (out, linktype);
  put16 (out, 0);
  put32 (out, 0);
  if (tsresol != 0)
    {
      put16 (out, 9);
      put16 (out, 1);
      guint8 opt[4] = { tsresol, 0, 0, 0 };
      g_byte_array_append (out, opt, 4);
      put32 (out, 0);
    }
  put32 (out, idb_len);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GBytes) bytes = build (packets[i].expression);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      gsize padded = (len + 3) & ~(gsize) 3;
      guint64 ts = (guint64) packets[i].time_usec;
      if (tsresol == 9)
        ts *= 1000;
      put32 (out, 6);
      put32 (out, (guint32) (32 + padded));
      put32 (out, 0);
      put32 (out, (guint32) (ts >> 32));
      put32 (out, (guint32) ts);
      put32 (out, (guint32) len);
      put32 (out, (guint32) len);
      g_byte_array_append (out, data, (guint) len);
      static const guint8 zeros[4];
      g_byte_array_append (out, zeros, (guint) (padded - len));
      put32 (out, (guint32) (32 + padded));
    }
  return out;
}

static void
write_blob (const char *path, GByteArray *blob)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, (const char *) blob->data, blob->len, &error));
}

static void
test_pcapng_read (void)
{
  g_test_summary ("A pcapng file (hand-written blocks) reads like the pcap of the same packets, in microseconds "
                  "or nanoseconds.");
  for (guint8 tsresol = 0; tsresol <= 9; tsresol += 9)
    {
      g_autoptr (GByteArray) blob = pcapng_blob (1, tsresol, three, G_N_ELEMENTS (three));
      g_autofree char *path = tmp_path ("three.pcapng");
      write_blob (path, blob);
      g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
      g_assert_cmpint (craft_capture_reader_get_linktype (reader), ==, DLT_EN10MB);
      for (guint i = 0; i < G_N_ELEMENTS (three); i++)
        {
          CraftCaptureRecord record;
          next_ok (reader, &record);
          assert_record (&record, i + 1, &three[i]);
        }
      assert_end (reader);
    }
}

static void
test_pcapng_editcap (void)
{
  g_test_summary ("A pcap converted to pcapng by Wireshark's editcap reads back the same packets.");
  g_autofree char *editcap = g_find_program_in_path ("editcap");
  if (editcap == NULL)
    {
      g_test_skip ("editcap (wireshark-common) is not installed");
      return;
    }
  g_autofree char *pcap = tmp_path ("convert.pcap");
  g_autofree char *pcapng = tmp_path ("convert.pcapng");
  write_pcap (pcap, DLT_EN10MB, three, G_N_ELEMENTS (three));
  const char *argv[] = { editcap, "-F", "pcapng", pcap, pcapng, NULL };
  g_autoptr (GError) error = NULL;
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_autofree char *head = NULL;
  g_assert_true (g_file_get_contents (pcapng, &head, NULL, NULL));
  g_assert_cmpmem (head, 4, "\x0a\x0d\x0d\x0a", 4);
  g_autoptr (CraftCaptureReader) reader = open_ok (pcapng, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (three); i++)
    {
      CraftCaptureRecord record;
      next_ok (reader, &record);
      assert_record (&record, i + 1, &three[i]);
    }
  assert_end (reader);
}

/* ---- Filters ---- */

static void
test_filter (void)
{
  g_test_summary ("A BPF filter returns only matching packets, which keep their numbers in the file.");
  g_autofree char *path = tmp_path ("filter.pcap");
  write_pcap (path, DLT_EN10MB, three, G_N_ELEMENTS (three));
  g_autoptr (CraftCaptureReader) udp = open_ok (path, "udp");
  CraftCaptureRecord record;
  next_ok (udp, &record);
  assert_record (&record, 2, &three[1]);
  assert_end (udp);

  g_autoptr (CraftCaptureReader) tcp = open_ok (path, "tcp and dst port 80");
  next_ok (tcp, &record);
  assert_record (&record, 1, &three[0]);
  next_ok (tcp, &record);
  assert_record (&record, 3, &three[2]);
  assert_end (tcp);

  g_autoptr (CraftCaptureReader) none = open_ok (path, "icmp");
  assert_end (none);
}

static void
test_filter_bad (void)
{
  g_test_summary ("A filter libpcap cannot compile fails to open with SYNTAX and libpcap's reason.");
  g_autofree char *path = tmp_path ("badfilter.pcap");
  write_pcap (path, DLT_EN10MB, three, 1);
  const char *bad[] = { "tcp port", "frobnicate", "port 99999" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftCaptureReader) reader = craft_capture_reader_open (path, bad[i], &error);
      g_assert_null (reader);
      g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_SYNTAX);
      g_autofree char *start = g_strdup_printf ("bad filter '%s': ", bad[i]);
      g_assert_true (g_str_has_prefix (error->message, start));
      g_assert_cmpuint (strlen (error->message), >, strlen (start));
      g_assert_cmpint (craft_error_exit_status (error), ==, 2);
    }
}

/* ---- Damage ---- */

/* Reads `path`: `complete` packets of `three`, then an IO error that names
 * `number` and `offset`. */
static void
assert_damaged (const char *path, guint complete, guint number, gsize offset, const char *reason)
{
  g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
  CraftCaptureRecord record;
  for (guint i = 0; i < complete; i++)
    {
      next_ok (reader, &record);
      assert_record (&record, i + 1, &three[i]);
    }
  g_autoptr (GError) error = NULL;
  g_assert_false (craft_capture_reader_next (reader, &record, &error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_IO);
  g_autofree char *start = g_strdup_printf ("%s: packet %u at byte offset %zu: ", path, number, offset);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, start));
  g_assert_nonnull (strstr (error->message, reason));
  g_assert_cmpint (craft_error_exit_status (error), ==, 1);
  /* The reader stays at the damage: no more packets, no new error. */
  g_clear_error (&error);
  g_assert_false (craft_capture_reader_next (reader, &record, &error));
  g_assert_no_error (error);
}

static void
test_truncated (void)
{
  g_test_summary ("A file cut inside a record returns every complete packet, then IO naming the packet and the "
                  "byte offset where its record starts.");
  g_autofree char *path = tmp_path ("whole.pcap");
  g_autofree char *cut = tmp_path ("cut.pcap");
  write_pcap (path, DLT_EN10MB, three, G_N_ELEMENTS (three));
  gsize third = record_offset (2);
  /* Inside the third record's data, then inside its 16-byte header. */
  truncate_copy (path, cut, third + 16 + 10);
  assert_damaged (cut, 2, 3, third, "truncated");
  truncate_copy (path, cut, third + 5);
  assert_damaged (cut, 2, 3, third, "truncated");
  /* Inside the first record. */
  truncate_copy (path, cut, 24 + 16 + 1);
  assert_damaged (cut, 0, 1, 24, "truncated");
  /* Cut exactly between records: a shorter, whole file. */
  truncate_copy (path, cut, third);
  g_autoptr (CraftCaptureReader) reader = open_ok (cut, NULL);
  CraftCaptureRecord record;
  next_ok (reader, &record);
  next_ok (reader, &record);
  assert_end (reader);
}

static void
test_truncated_pcapng (void)
{
  g_test_summary ("A pcapng file cut inside a block reports the packet and the offset of its block.");
  g_autoptr (GByteArray) blob = pcapng_blob (1, 0, three, G_N_ELEMENTS (three));
  gsize third = blob->len;
  {
    g_autoptr (GBytes) last = build (three[2].expression);
    third -= 32 + ((g_bytes_get_size (last) + 3) & ~(gsize) 3);
  }
  g_byte_array_set_size (blob, (guint) third + 20);
  g_autofree char *path = tmp_path ("cut.pcapng");
  write_blob (path, blob);
  assert_damaged (path, 2, 3, third, "truncated");
}

static void
test_corrupt (void)
{
  g_test_summary ("A record whose captured length is absurd is reported as damage at that record.");
  g_autofree char *path = tmp_path ("whole2.pcap");
  write_pcap (path, DLT_EN10MB, three, G_N_ELEMENTS (three));
  g_autofree char *text = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (path, &text, &size, NULL));
  gsize second = record_offset (1);
  /* caplen of the second record (host byte order, as libpcap wrote it). */
  guint32 huge = 0x7fffffff;
  memcpy (text + second + 8, &huge, 4);
  g_autofree char *bad = tmp_path ("corrupt.pcap");
  g_assert_true (g_file_set_contents (bad, text, (gssize) size, NULL));
  assert_damaged (bad, 1, 2, second, "bigger than");
}

/* ---- Files that are not captures ---- */

static void
test_not_capture (void)
{
  g_test_summary ("An empty file, a text file, a folder and a missing file fail to open with IO and a reason.");
  static const struct {
    const char *name;
    const char *content; /* NULL: do not create */
    const char *reason;
  } cases[] = {
    { "empty.pcap", "", "the file is empty, not a pcap or pcapng capture" },
    { "text.pcap", "layer Foo { a: u8; }\nnot a capture at all\n", "unknown file format" },
    { "short.pcap", "\xd4\xc3\xb2\xa1\x02", "truncated" },
    { "missing.pcap", NULL, "No such file or directory" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = tmp_path (cases[i].name);
      if (cases[i].content != NULL)
        g_assert_true (g_file_set_contents (path, cases[i].content, -1, NULL));
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftCaptureReader) reader = craft_capture_reader_open (path, NULL, &error);
      g_assert_null (reader);
      g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_IO);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[i].reason));
    }
}

/* ---- Link types of other files ---- */

static void
test_linktype_name (void)
{
  g_test_summary ("The link type is libpcap's DLT value and name, for types craft knows and does not.");
  static const struct {
    int dlt;
    const char *name;
  } types[] = {
    { DLT_NULL, "NULL" }, { DLT_LINUX_SLL, "LINUX_SLL" }, { DLT_LINUX_SLL2, "LINUX_SLL2" },
    { DLT_IPV4, "IPV4" }, { DLT_IPV6, "IPV6" }, { DLT_IEEE802_11, "IEEE802_11" },
    { DLT_USER0, "DLT_147" }, /* libpcap has no name for it */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *path = tmp_path ("type.pcap");
      write_pcap (path, types[i].dlt, NULL, 0);
      g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
      g_assert_cmpint (craft_capture_reader_get_linktype (reader), ==, types[i].dlt);
      g_assert_cmpstr (craft_capture_reader_get_linktype_name (reader), ==, types[i].name);
    }
}

/* ---- Streaming ---- */

static void
test_many (void)
{
  g_test_summary ("50,000 records stream through with their numbers in order.");
  g_autofree char *path = tmp_path ("many.pcap");
  g_autoptr (GBytes) bytes = build (three[1].expression);
  pcap_t *dead = pcap_open_dead (DLT_EN10MB, 65535);
  pcap_dumper_t *dumper = pcap_dump_open (dead, path);
  struct pcap_pkthdr h = { 0 };
  h.caplen = h.len = (guint) g_bytes_get_size (bytes);
  for (guint i = 0; i < 50000; i++)
    {
      h.ts.tv_sec = i;
      pcap_dump ((u_char *) dumper, &h, g_bytes_get_data (bytes, NULL));
    }
  pcap_dump_close (dumper);
  pcap_close (dead);
  g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
  CraftCaptureRecord record;
  guint64 n = 0;
  while (craft_capture_reader_next (reader, &record, NULL))
    {
      g_assert_cmpuint (record.number, ==, ++n);
      g_assert_cmpint (record.time_usec, ==, (gint64) (n - 1) * G_USEC_PER_SEC);
    }
  g_assert_cmpuint (n, ==, 50000);
}

/* ---- Classic pcap read without libpcap's copies, compared with libpcap ---- */

/* put32() in big-endian order when `big`. */
static void
put32_in (GByteArray *blob, guint32 value, gboolean big)
{
  put32 (blob, big ? GUINT32_SWAP_LE_BE (value) : value);
}

/* A classic pcap file of `n` records of sizes 1 to 1499 (cycling), each
 * `extra` bytes longer on the wire; record `long_one` (if < n) claims more
 * captured bytes than the snap length `snap`. */
static char *
write_classic (const char *name, gboolean big, gboolean nanoseconds, guint snap, guint n, guint long_one)
{
  g_autoptr (GByteArray) blob = g_byte_array_new ();
  put32_in (blob, nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, big);
  put16 (blob, big ? GUINT16_SWAP_LE_BE (2) : 2);
  put16 (blob, big ? GUINT16_SWAP_LE_BE (4) : 4);
  put32_in (blob, 0, big);
  put32_in (blob, 0, big);
  put32_in (blob, snap, big);
  put32_in (blob, DLT_EN10MB, big);
  for (guint i = 0; i < n; i++)
    {
      guint captured = i == long_one ? snap + 100 : 1 + (i * 37) % 1499;
      put32_in (blob, 1700000000 + i, big);
      put32_in (blob, nanoseconds ? i * 1001 % 1000000000 : i * 7 % 1000000, big);
      put32_in (blob, captured, big);
      put32_in (blob, captured + 3, big);
      for (guint k = 0; k < captured; k++)
        g_byte_array_append (blob, (const guint8[]) { (guint8) (i + k) }, 1);
    }
  char *path = tmp_path (name);
  g_assert_true (g_file_set_contents (path, (const char *) blob->data, (gssize) blob->len, NULL));
  return path;
}

/* Every record of `path` as craft reads it equals libpcap's reading. */
static void
assert_same_as_libpcap (const char *path, guint expected)
{
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *pcap = pcap_open_offline_with_tstamp_precision (path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  g_assert_nonnull (pcap);
  g_autoptr (CraftCaptureReader) reader = open_ok (path, NULL);
  struct pcap_pkthdr *h;
  const u_char *data;
  guint n = 0;
  int status;
  while ((status = pcap_next_ex (pcap, &h, &data)) == 1)
    {
      CraftCaptureRecord record;
      next_ok (reader, &record);
      g_assert_cmpuint (record.number, ==, ++n);
      g_assert_cmpint (record.time_usec, ==, (gint64) h->ts.tv_sec * G_USEC_PER_SEC + h->ts.tv_usec);
      g_assert_cmpuint (record.length, ==, h->len);
      g_assert_cmpmem (record.data, record.captured, data, h->caplen);
    }
  g_assert_cmpint (status, ==, PCAP_ERROR_BREAK);
  pcap_close (pcap);
  assert_end (reader);
  g_assert_cmpuint (n, ==, expected);
}

static void
test_pcap_direct (void)
{
  g_test_summary ("Classic pcap records, read from craft's own buffer, are libpcap's: both byte orders, "
                  "nanoseconds, records across the 1 MiB buffer's end, and a record longer than the snap "
                  "length (left to libpcap) with records after it.");
  for (guint big = 0; big < 2; big++)
    for (guint nano = 0; nano < 2; nano++)
      {
        g_autofree char *name = g_strdup_printf ("direct-%u-%u.pcap", big, nano);
        /* About 2.2 MiB: the buffer is refilled mid-record. */
        g_autofree char *path = write_classic (name, big, nano, 65535, 3000, G_MAXUINT);
        assert_same_as_libpcap (path, 3000);
      }
  g_autofree char *path = write_classic ("direct-long.pcap", FALSE, FALSE, 1000, 40, 20);
  assert_same_as_libpcap (path, 40);
}

static void
test_pcap_fifo (void)
{
  g_test_summary ("A capture read through a named pipe (no second look at its start) gives every record.");
  g_autofree char *path = write_classic ("fifo-source.pcap", FALSE, FALSE, 65535, 50, G_MAXUINT);
  g_autofree char *fifo = tmp_path ("capture.fifo");
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_autofree char *command = g_strdup_printf ("sh -c 'cat \"%s\" > \"%s\"'", path, fifo);
  g_auto (GStrv) argv = NULL;
  g_assert_true (g_shell_parse_argv (command, NULL, &argv, NULL));
  GPid pid;
  g_assert_true (g_spawn_async (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                NULL));
  g_autoptr (CraftCaptureReader) reader = open_ok (fifo, NULL);
  CraftCaptureRecord record;
  for (guint i = 0; i < 50; i++)
    {
      next_ok (reader, &record);
      g_assert_cmpuint (record.captured, ==, 1 + (i * 37) % 1499);
      g_assert_cmpuint (record.data[0], ==, (guint8) i);
    }
  assert_end (reader);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  tmpdir = g_dir_make_tmp ("craft-test-capture-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/capture/pcap/read", test_pcap_read);
  g_test_add_func ("/capture/pcap/snaplen", test_pcap_snaplen);
  g_test_add_func ("/capture/pcap/nanoseconds", test_pcap_nanoseconds);
  g_test_add_func ("/capture/pcap/header-only", test_pcap_header_only);
  g_test_add_func ("/capture/pcap/direct", test_pcap_direct);
  g_test_add_func ("/capture/pcap/fifo", test_pcap_fifo);
  g_test_add_func ("/capture/pcapng/read", test_pcapng_read);
  g_test_add_func ("/capture/pcapng/editcap", test_pcapng_editcap);
  g_test_add_func ("/capture/filter/match", test_filter);
  g_test_add_func ("/capture/filter/bad", test_filter_bad);
  g_test_add_func ("/capture/damage/truncated", test_truncated);
  g_test_add_func ("/capture/damage/truncated-pcapng", test_truncated_pcapng);
  g_test_add_func ("/capture/damage/corrupt", test_corrupt);
  g_test_add_func ("/capture/not-capture", test_not_capture);
  g_test_add_func ("/capture/linktype-name", test_linktype_name);
  g_test_add_func ("/capture/many", test_many);

  int status = g_test_run ();
  craft_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
