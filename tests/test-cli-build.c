/* The craft build command: sets, -c, and captures written with -w (pcap, pcapng with comments, never partial). */
#define _GNU_SOURCE /* memmem */
#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "testutil.h"

static char *tmpdir;

/* Runs craft with `args`; returns the exit status, output in *out / *err (may be NULL). */
static int
run_craft (const char *const *args, char **out, char **err)
{
  g_auto (Run) run = { 0 };
  craft_test_run_tool (&run, NULL, tmpdir, NULL, args);
  if (out != NULL)
    *out = g_steal_pointer (&run.out);
  if (err != NULL)
    *err = g_steal_pointer (&run.err);
  return run.status;
}

/* Every packet of a capture as hex, one per line, through libpcap. */
static char *
capture_hex (const char *path, int *linktype)
{
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline (path, errbuf);
  if (p == NULL)
    g_error ("%s", errbuf);
  *linktype = pcap_datalink (p);
  GString *out = g_string_new (NULL);
  struct pcap_pkthdr *h;
  const u_char *data;
  while (pcap_next_ex (p, &h, &data) == 1)
    {
      g_assert_cmpuint (h->caplen, ==, h->len);
      for (guint i = 0; i < h->caplen; i++)
        g_string_append_printf (out, "%02x", data[i]);
      g_string_append_c (out, '\n');
    }
  pcap_close (p);
  return g_string_free (out, FALSE);
}

static const char *set_expr = "Ether(src=\"00:11:22:33:44:55\",dst=\"00:11:22:33:44:66\")/IP(src=\"192.0.2.1\","
                              "dst=\"192.0.2.0/31\")/UDP(sport=1234,dport=[53,123])/\"hello\"";

static void
test_write_pcap (void)
{
  g_test_summary ("build -w FILE writes an Ethernet pcap whose packets are exactly the --hex members.");
  g_autofree char *path = g_build_filename (tmpdir, "set.pcap", NULL);
  g_autofree char *hex = NULL;
  const char *hex_args[] = { "build", "--hex", set_expr, NULL };
  g_assert_cmpint (run_craft (hex_args, &hex, NULL), ==, 0);
  g_assert_cmpuint (craft_test_count_lines (hex), ==, 4);
  const char *args[] = { "build", "-w", path, set_expr, NULL };
  g_autofree char *out = NULL;
  g_assert_cmpint (run_craft (args, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  int linktype;
  g_autofree char *written = capture_hex (path, &linktype);
  g_assert_cmpint (linktype, ==, DLT_EN10MB);
  g_assert_cmpstr (written, ==, hex);
}

static void
test_write_raw_ip (void)
{
  g_test_summary ("A packet starting at IP is written with a raw IP link type.");
  g_autofree char *path = g_build_filename (tmpdir, "ip.pcap", NULL);
  const char *args[] = { "build", "-w", path, "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/ICMP()", NULL };
  g_assert_cmpint (run_craft (args, NULL, NULL), ==, 0);
  int linktype;
  g_autofree char *written = capture_hex (path, &linktype);
  g_assert_true (linktype == DLT_RAW || linktype == 228 /* DLT_IPV4 */ || linktype == 12);
  g_assert_true (g_str_has_prefix (written, "4500001c"));
}

static void
test_write_pcapng_comment (void)
{
  g_test_summary ("A .pcapng name writes pcapng with the expression as each packet's comment.");
  g_autofree char *path = g_build_filename (tmpdir, "set.pcapng", NULL);
  const char *args[] = { "build", "-c", "2", "-w", path, set_expr, NULL };
  g_assert_cmpint (run_craft (args, NULL, NULL), ==, 0);
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* Section header block magic, then one comment per packet (2 rounds of 4). */
  g_assert_cmpmem (contents, 4, "\x0a\x0d\x0d\x0a", 4);
  guint comments = 0;
  for (const char *p = contents; (p = memmem (p, len - (p - contents), set_expr, strlen (set_expr))) != NULL; p++)
    comments++;
  g_assert_cmpuint (comments, ==, 8);
  int linktype;
  g_autofree char *written = capture_hex (path, &linktype);
  g_assert_cmpuint (craft_test_count_lines (written), ==, 8);
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  if (tshark != NULL)
    {
      g_autofree char *out = NULL;
      const char *argv[] = { "tshark", "-r", path, "-T", "fields", "-e", "frame.comment", NULL };
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, &out, NULL, NULL, NULL));
      g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
      g_assert_cmpstr (lines[0], ==, set_expr);
      g_assert_cmpstr (lines[7], ==, set_expr);
    }
}

static void
test_repeat (void)
{
  g_test_summary ("-c N repeats the whole set N times; -c 0 is refused.");
  g_autofree char *out = NULL;
  const char *args[] = { "build", "-c", "3", "TCP(dport=[1,2])", NULL };
  g_assert_cmpint (run_craft (args, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "TCP ftp_data > 1 S\nTCP ftp_data > 2 S\nTCP ftp_data > 1 S\nTCP ftp_data > 2 S\n"
                            "TCP ftp_data > 1 S\nTCP ftp_data > 2 S\n");
  const char *zero[] = { "build", "-c", "0", "TCP()", NULL };
  g_assert_cmpint (run_craft (zero, NULL, NULL), ==, 2);
}

static void
test_write_failures (void)
{
  g_test_summary ("A capture that cannot be written leaves no file; a bad expression writes nothing.");
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-dir", "x.pcap", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "build", "-w", missing, "IP()", NULL };
  g_assert_cmpint (run_craft (args, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no-such-dir"));
  g_autofree char *path = g_build_filename (tmpdir, "bad.pcap", NULL);
  const char *bad[] = { "build", "-w", path, "IP(ttl=999)", NULL };
  g_assert_cmpint (run_craft (bad, NULL, NULL), ==, 2);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  const char *nolink[] = { "build", "-w", path, "TCP()", NULL };
  g_autofree char *err2 = NULL;
  g_assert_cmpint (run_craft (nolink, NULL, &err2), ==, 2);
  g_assert_nonnull (strstr (err2, "link type"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Counts files in tmpdir whose name starts with `prefix`. */
static guint
count_files (const char *prefix)
{
  g_autoptr (GDir) dir = g_dir_open (tmpdir, 0, NULL);
  guint n = 0;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_prefix (name, prefix);
  return n;
}

static void
test_interrupt_leaves_nothing (void)
{
  g_test_summary ("Interrupting a long write removes the unfinished capture: no file, no temporary left.");
  g_autofree char *path = g_build_filename (tmpdir, "huge.pcap", NULL);
  const char *argv[] = { CRAFT_TOOL, "build", "-w", path, "IP(src=\"192.0.2.1\",dst=\"10.0.0.0/8\")/TCP(dport=(1,65535))", NULL };
  GPid pid;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL));
  /* Wait until the temporary file exists and grows, then interrupt. */
  for (int i = 0; i < 200 && count_files (".huge.pcap") == 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (count_files (".huge.pcap"), ==, 1);
  kill (pid, SIGTERM);
  int status;
  waitpid (pid, &status, 0);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 128 + SIGTERM);
  g_assert_cmpuint (count_files (".huge.pcap"), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_million_constant_memory (void)
{
  g_test_summary ("A set of 1,048,576 packets streams to a capture in bounded memory and reads back whole.");
  g_autofree char *path = g_build_filename (tmpdir, "million.pcap", NULL);
  const char *argv[] = { CRAFT_TOOL, "build", "-w", path,
                         "Ether(src=\"00:11:22:33:44:55\",dst=\"00:11:22:33:44:66\")/IP(src=\"192.0.2.1\","
                         "dst=\"10.0.0.0/12\")/UDP(sport=1234,dport=9)/\"012345678901234567\"",
                         NULL };
  /* Under AddressSanitizer freed memory waits in a quarantine of up to
   * 256 MiB; a small one keeps the measure about craft, not the sanitizer. */
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "ASAN_OPTIONS",
                                         "quarantine_size_mb=1:thread_local_quarantine_size_kb=64", TRUE);
  GPid pid;
  g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL));
  int status;
  struct rusage usage;
  g_assert_cmpint (wait4 (pid, &status, 0, &usage), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_test_message ("peak RSS %ld KiB", usage.ru_maxrss);
  /* The sanitizers add their own overhead; the set itself must not count. */
  g_assert_cmpint (usage.ru_maxrss, <, 64 * 1024);
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline (path, errbuf);
  g_assert_nonnull (p);
  struct pcap_pkthdr *h;
  const u_char *data;
  guint64 n = 0;
  guint8 last[4] = { 0 };
  while (pcap_next_ex (p, &h, &data) == 1)
    {
      n++;
      g_assert_cmpuint (h->caplen, ==, 60);
      memcpy (last, data + 30, 4);
    }
  pcap_close (p);
  g_assert_cmpuint (n, ==, 1048576);
  g_assert_cmpmem (last, 4, "\x0a\x0f\xff\xff", 4);
  g_unlink (path);
}

static void
test_txt_strings (void)
{
  g_test_summary ("A TXT record given a list of strings builds one packet, Scapy's bytes; a list of anything else "
                  "given to it is refused with its column; a list given to a port is still a set.");
  const char *expr = "IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/UDP(sport=53,dport=3333)/"
                     "DNS(qr=1,an=DNSRR(rrname=\"a.\",type=\"TXT\",rdata=[\"abc\",b\"de\"]))";
  const char *hex_args[] = { "build", "--hex", expr, NULL };
  g_autofree char *hex = NULL;
  g_assert_cmpint (run_craft (hex_args, &hex, NULL), ==, 0);
  /* /usr/bin/python3 -c 'from scapy.all import *; print(raw(<expr>).hex())' */
  g_assert_cmpstr (hex, ==,
                   "45000051000100004011f697c0000202c000020100350d05003d759600008100000100010000000003777777"
                   "076578616d706c6503636f6d00000100010161000010000100000000000703616263026465\n");
  const char *summary_args[] = { "build", expr, NULL };
  g_autofree char *summary = NULL;
  g_assert_cmpint (run_craft (summary_args, &summary, NULL), ==, 0);
  g_assert_cmpstr (summary, ==, "IP / UDP / DNS Ans [b'abc', b'de']\n");
  const char *bad_args[] = { "build", "DNSRR(type='TXT',rdata=['abc',7])", NULL };
  g_autofree char *err = NULL;
  g_assert_cmpint (run_craft (bad_args, NULL, &err), ==, 2);
  assert_contains (err, "column 31: field 'rdata' holds charstrings: each item of its list is a string or bytes");
  const char *set_args[] = { "build", "--hex", "UDP(dport=[53,80])/DNS(an=DNSRR(type='TXT',rdata=['x']))", NULL };
  g_autofree char *set = NULL;
  g_assert_cmpint (run_craft (set_args, &set, NULL), ==, 0);
  g_assert_cmpuint (craft_test_count_lines (set), ==, 2);
}

static void
test_alternatives_valid (void)
{
  g_test_summary ("A name with conditional alternatives (DNSRR.rdata by type, ICMP.unused by type) builds Scapy's "
                  "bytes for every value its present alternative takes, whichever keyword comes first.");
  /* /usr/bin/python3 -c 'from scapy.all import *; print([raw(p).hex() for p in <expr>])' */
  static const struct {
    const char *expr, *hex;
  } cases[] = {
    { "DNSRR(type='TXT', rdata='abc')", "000010000100000000000403616263\n" },
    { "DNSRR(rdata='abc', type='TXT')", "000010000100000000000403616263\n" },
    { "DNSRR(type='A', rdata='192.0.2.1')", "0000010001000000000004c0000201\n" },
    { "DNSRR(rdata='192.0.2.1')", "0000010001000000000004c0000201\n" },
    { "DNSRR(type='AAAA', rdata='2001:db8::1')", "00001c000100000000001020010db8000000000000000000000001\n" },
    { "DNSRR(type='NS', rdata='ns.example.')", "000002000100000000000c026e73076578616d706c6500\n" },
    { "DNSRR(type=99, rdata=b'\\x01')", "000063000100000000000101\n" },
    { "DNSRR(type='TXT', rdata=['abc','de'])", "000010000100000000000703616263026465\n" },
    { "DNSRR(type='A', rdata=['192.0.2.1','192.0.2.2'])",
      "0000010001000000000004c0000201\n0000010001000000000004c0000202\n" },
    { "ICMP(type=9, unused=70000)", "0900e58e00011170\n" },
    { "ICMP(type=11, unused=7)", "0b00f4f800000007\n" },
    /* No alternative is present for type 3: the value goes nowhere, as Scapy drops it. */
    { "ICMP(type=3, unused=5)", "0300fcff00000000\n" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { "build", "--hex", cases[i].expr, NULL };
      g_autofree char *out = NULL, *err = NULL;
      int status = run_craft (args, &out, &err);
      if (status != 0 || g_strcmp0 (out, cases[i].hex) != 0)
        g_error ("%s: exit %d, '%s', '%s'", cases[i].expr, status, out, err);
    }
}

static void
test_alternatives_refused (void)
{
  g_test_summary ("A value the present alternative of its name cannot take (rdata 'abc' for type A, a set member, "
                  "unused 70000 for type 11) fails with exit 2 at the value's column, saying what the field holds "
                  "there and why the value is not that; no packet is written, no default built in its place.");
  static const struct {
    const char *expr, *message;
  } cases[] = {
    { "DNSRR(type='A', rdata='abc')",
      "craft: column 23: DNSRR.rdata holds an IPv4 address when type is A: 'abc' is not an IPv4 address "
      "(expected dotted quad like 192.0.2.1)\n"
      "  DNSRR(type='A', rdata='abc')\n"
      "                        ^\n" },
    /* The second member of the set; the first is not built either, as Scapy refuses the whole list. */
    { "DNSRR(rdata=['1.2.3.4','abc'])",
      "craft: column 24: DNSRR.rdata holds an IPv4 address when type is A: 'abc' is not an IPv4 address "
      "(expected dotted quad like 192.0.2.1)\n"
      "  DNSRR(rdata=['1.2.3.4','abc'])\n"
      "                         ^\n" },
    { "DNSRR(rdata='abc')", "column 13: DNSRR.rdata holds an IPv4 address when type is A: 'abc' is not" },
    { "DNSRR(type='A', rdata=b'\\x01\\x02')", "column 23: DNSRR.rdata holds an IPv4 address when type is A: "
                                                "it takes 4 bytes, not 2" },
    { "DNSRR(type='AAAA', rdata='1.2.3.4')", "column 26: DNSRR.rdata holds an IPv6 address when type is AAAA: "
                                             "'1.2.3.4' is not an IPv6 address" },
    { "DNSRR(type='AAAA', rdata='192.0.2.0/30')", "column 26: DNSRR.rdata holds an IPv6 address when type is "
                                                  "AAAA: it takes 16 bytes, not 4" },
    { "DNSRR(type=['A','AAAA'], rdata='1.2.3.4')", "column 32: DNSRR.rdata holds an IPv6 address when type is "
                                                   "AAAA" },
    { "DNSRR(type=['NS','A'], rdata=['ns.example.','192.0.2.1'])", "column 31: DNSRR.rdata holds an IPv4 address "
                                                                   "when type is A: 'ns.example.' is not an IPv4" },
    /* With TXT first, the list is one value, TXT's strings, as Scapy reads it; type A cannot take those. */
    { "DNSRR(type=['TXT','A'], rdata=['abc','192.0.2.1'])", "column 31: DNSRR.rdata holds an IPv4 address when "
                                                            "type is A: it takes 4 bytes, not 14" },
    { "UDP()/DNS(an=DNSRR(type='A', rdata='abc'))", "column 36: DNSRR.rdata holds an IPv4 address when type is A" },
    { "ICMP(type=11, unused=70000)", "column 22: ICMP.unused holds a 16-bit integer when type is time-exceeded: "
                                     "70000 is out of range for 16-bit field 'unused' (0..65535)" },
    { "ICMP(type=11, unused=(65534,65536))", "column 22: ICMP.unused holds a 16-bit integer when type is "
                                             "time-exceeded: 65536 is out of range" },
    { "ICMP(type=12, unused=[1,70000])", "column 25: ICMP.unused holds a 16-bit integer when type is "
                                         "parameter-problem: 70000 is out of range" },
  };
  g_autofree char *path = g_build_filename (tmpdir, "refused.pcap", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { "build", "--hex", cases[i].expr, NULL };
      g_autofree char *out = NULL, *err = NULL;
      int status = run_craft (args, &out, &err);
      if (status != 2 || g_strcmp0 (out, "") != 0 || strstr (err, cases[i].message) == NULL)
        g_error ("%s: exit %d, '%s', '%s'", cases[i].expr, status, out, err);
      const char *write_args[] = { "build", "-w", path, cases[i].expr, NULL };
      g_assert_cmpint (run_craft (write_args, NULL, NULL), ==, 2);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  /* A range is checked at its ends when read: the member inside it that
   * fails (type 28, AAAA) fails when it is built, at the same column. */
  const char *range_args[] = { "build", "--hex", "DNSRR(type=(27,29), rdata='1.2.3.4')", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (run_craft (range_args, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "00001b0001000000000007312e322e332e34\n");
  assert_contains (err, "column 27: DNSRR.rdata holds an IPv6 address when type is AAAA: '1.2.3.4' is not an IPv6");
  const char *range_write[] = { "build", "-w", path, "Ether()/IP()/UDP()/DNSRR(type=(27,29), rdata='1.2.3.4')", NULL };
  g_autofree char *err2 = NULL;
  g_assert_cmpint (run_craft (range_write, NULL, &err2), ==, 2);
  assert_contains (err2, "column 46: DNSRR.rdata holds an IPv6 address when type is AAAA");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_set_in_element (void)
{
  g_test_summary ("A set inside an element of a list field (DNS(an=DNSRR(ttl=[1,2]))), which Scapy expands into "
                  "packets, is refused at its column rather than built as its first member alone.");
  const char *args[] = { "build", "--hex", "UDP()/DNS(an=DNSRR(type=(27,29), rdata='1.2.3.4'))", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (run_craft (args, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  assert_contains (err, "column 25: field 'type' of DNSRR: a set of values (a list, a range or a network) inside an "
                        "element of field 'an' is not supported yet");
  const char *list_args[] = { "build", "--hex", "DNS(an=DNSRR(ttl=[1,2]))", NULL };
  g_autofree char *err2 = NULL;
  g_assert_cmpint (run_craft (list_args, NULL, &err2), ==, 2);
  assert_contains (err2, "column 18: field 'ttl' of DNSRR: a set of values");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("craft-test-build-XXXXXX", NULL);
  g_test_add_func ("/cli-build/write-pcap", test_write_pcap);
  g_test_add_func ("/cli-build/write-raw-ip", test_write_raw_ip);
  g_test_add_func ("/cli-build/write-pcapng-comment", test_write_pcapng_comment);
  g_test_add_func ("/cli-build/repeat", test_repeat);
  g_test_add_func ("/cli-build/txt-strings", test_txt_strings);
  g_test_add_func ("/cli-build/alternatives/valid", test_alternatives_valid);
  g_test_add_func ("/cli-build/alternatives/refused", test_alternatives_refused);
  g_test_add_func ("/cli-build/set-in-element", test_set_in_element);
  g_test_add_func ("/cli-build/write-failures", test_write_failures);
  g_test_add_func ("/cli-build/interrupt-leaves-nothing", test_interrupt_leaves_nothing);
  g_test_add_func ("/cli-build/million-constant-memory", test_million_constant_memory);
  int status = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
  (void) system (cmd);
  g_free (tmpdir);
  return status;
}
