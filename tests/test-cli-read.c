/* Tests for `craft read`: summaries, trees, JSON Lines, filters, damage, link types, tshark as the field
 * oracle on crafted and real captures, and reading in constant memory. */
#include <craft/craft.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

extern char **environ;

static char *tmpdir;
static char *config_home;

/* ---- Running craft ---- */

/* The environment craft runs in: no user definitions, English messages,
 * CRAFT_PROTO_PATH as given (unset when NULL). */
static char **
craft_environment (const char *proto_path)
{
  return craft_test_environment (config_home, proto_path);
}

static void
run_craft_in (Run *run, const char *proto_path, const char *const *args)
{
  craft_test_run_tool (run, NULL, config_home, proto_path, args);
}

#define run_craft(run, ...) run_craft_in (run, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* ---- Making captures ---- */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

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

/* Writes `expressions` (NULL-terminated) to a pcap of `linktype`, packet i
 * at 1700000000 + i seconds and i microseconds. */
static char *
write_capture (const char *name, int linktype, const char *const *expressions)
{
  char *path = tmp_path (name);
  pcap_t *dead = pcap_open_dead (linktype, 65535);
  pcap_dumper_t *dumper = pcap_dump_open (dead, path);
  g_assert_nonnull (dumper);
  for (guint i = 0; expressions[i] != NULL; i++)
    {
      g_autoptr (GBytes) bytes = build (expressions[i]);
      struct pcap_pkthdr h = { 0 };
      h.ts.tv_sec = 1700000000 + i;
      h.ts.tv_usec = i;
      h.caplen = h.len = (guint) g_bytes_get_size (bytes);
      pcap_dump ((u_char *) dumper, &h, g_bytes_get_data (bytes, NULL));
    }
  pcap_dump_close (dumper);
  pcap_close (dead);
  return path;
}

#define ETHER "Ether(dst=\"00:11:22:33:44:55\",src=\"66:77:88:99:aa:bb\")/"
#define IP4 "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")"
#define IP6 "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")"

static const char *const mixed[] = {
  ETHER IP4 "/TCP(sport=1234,dport=80,flags=\"S\")",
  ETHER IP4 "/UDP(sport=5353,dport=53)/\"query\"",
  ETHER IP4 "/ICMP(id=7,seq=3)/\"ping\"",
  ETHER IP6 "/TCP(sport=40000,dport=443,flags=\"PA\",seq=1000,ack=2000)/\"hello\"",
  ETHER IP6 "/UDP(sport=1,dport=2)",
  ETHER "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\",ttl=1,chksum=0x1234)/TCP(sport=1,dport=2,flags=\"R\",chksum=0)",
  NULL,
};

/* ---- tshark as the field oracle ---- */

static gboolean
have_tshark (void)
{
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  if (tshark == NULL)
    g_test_skip ("tshark is not installed");
  return tshark != NULL;
}

/* tshark's dissection of `path` (-T json), one element per packet. Duplicate
 * keys are merged into arrays (--no-duplicate-keys) so that none is lost. */
static JsonNode *
tshark_json (const char *path)
{
  const char *argv[] = { "tshark", "-r", path, "-T", "json", "--no-duplicate-keys", NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  /* A temporary HOME keeps the user's Wireshark profile out. */
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "HOME", config_home, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  JsonNode *root = json_node_copy (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return root;
}

/* A tshark value as a number: decimal or 0x hex text; the first of several. */
static guint64
tshark_number (JsonObject *layer, const char *name)
{
  JsonNode *node = json_object_get_member (layer, name);
  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_ARRAY (node))
    node = json_array_get_element (json_node_get_array (node), 0);
  const char *text = json_node_get_string (node);
  g_assert_nonnull (text);
  return g_ascii_strtoull (text, NULL, 0);
}

static const char *
tshark_string (JsonObject *layer, const char *name)
{
  JsonNode *node = json_object_get_member (layer, name);
  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_ARRAY (node))
    node = json_array_get_element (json_node_get_array (node), 0);
  return json_node_get_string (node);
}

/* One field compared: craft's JSON field against tshark's field. */
typedef struct {
  const char *craft;
  const char *tshark;
  gboolean text;  /* compare as strings (addresses) */
} FieldPair;

typedef struct {
  const char *craft_layer;
  const char *tshark_layer;
  FieldPair fields[12];
} LayerPair;

/* A number field and a text field. */
#define N(craft, tshark) { craft, tshark, FALSE }
#define S(craft, tshark) { craft, tshark, TRUE }

static const LayerPair layer_pairs[] = {
  { "Ether", "eth", { S ("dst", "eth.dst"), S ("src", "eth.src"), N ("type", "eth.type") } },
  { "CookedLinux", "sll",
    { N ("pkttype", "sll.pkttype"), N ("lladdrtype", "sll.hatype"), N ("lladdrlen", "sll.halen"),
      N ("proto", "sll.etype") } },
  { "CookedLinuxV2", "sll",
    { N ("proto", "sll.etype"), N ("ifindex", "sll.ifindex"), N ("lladdrtype", "sll.hatype"),
      N ("pkttype", "sll.pkttype"), N ("lladdrlen", "sll.halen") } },
  { "Loopback", "null", { N ("type", "null.family") } },
  { "IP", "ip",
    { N ("version", "ip.version"), N ("len", "ip.len"), N ("id", "ip.id"), N ("flags", "ip.flags"),
      N ("ttl", "ip.ttl"), N ("proto", "ip.proto"), N ("chksum", "ip.checksum"), S ("src", "ip.src"),
      S ("dst", "ip.dst") } },
  { "IPv6", "ipv6",
    { N ("version", "ipv6.version"), N ("tc", "ipv6.tclass"), N ("fl", "ipv6.flow"), N ("plen", "ipv6.plen"),
      N ("nh", "ipv6.nxt"), N ("hlim", "ipv6.hlim"), S ("src", "ipv6.src"), S ("dst", "ipv6.dst") } },
  { "TCP", "tcp",
    { N ("sport", "tcp.srcport"), N ("dport", "tcp.dstport"), N ("seq", "tcp.seq_raw"), N ("ack", "tcp.ack_raw"),
      N ("flags", "tcp.flags"), N ("window", "tcp.window_size_value"), N ("chksum", "tcp.checksum"),
      N ("urgptr", "tcp.urgent_pointer") } },
  { "UDP", "udp",
    { N ("sport", "udp.srcport"), N ("dport", "udp.dstport"), N ("len", "udp.length"),
      N ("chksum", "udp.checksum") } },
  { "ICMP", "icmp",
    { N ("type", "icmp.type"), N ("code", "icmp.code"), N ("chksum", "icmp.checksum"), N ("id", "icmp.ident"),
      N ("seq", "icmp.seq") } },
  /* Timestamps as dates, the text tshark shows. */
  { "NTPHeader", "ntp",
    { N ("stratum", "ntp.stratum"), N ("precision", "ntp.precision"), S ("ref", "ntp.reftime"),
      S ("orig", "ntp.org"), S ("recv", "ntp.rec"), S ("sent", "ntp.xmt") } },
};

#undef N
#undef S

/* Compares craft's JSON of one packet with tshark's, layer by layer, for
 * every layer both dissect; stops after ICMP, whose quoted packet tshark
 * nests inside it. Returns how many fields agreed. */
static guint
compare_packet (JsonObject *craft, JsonObject *tshark_packet, guint64 number)
{
  JsonObject *layers = json_object_get_object_member (
    json_object_get_object_member (tshark_packet, "_source"), "layers");
  JsonObject *frame = json_object_get_object_member (layers, "frame");
  g_assert_cmpuint (json_object_get_int_member (craft, "n"), ==, tshark_number (frame, "frame.number"));
  g_assert_cmpuint (json_object_get_int_member (craft, "len"), ==, tshark_number (frame, "frame.len"));
  g_assert_cmpuint (json_object_get_int_member (craft, "n"), ==, number);
  /* Seconds and microseconds, as tshark writes the epoch time with nanoseconds. */
  g_autofree char *time = g_strdup_printf ("%.6f", json_object_get_double_member (craft, "time"));
  g_assert_true (g_str_has_prefix (tshark_string (frame, "frame.time_epoch"), time));
  guint agreed = 0;
  JsonArray *craft_layers = json_object_get_array_member (craft, "layers");
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (craft_layers); i++)
    {
      JsonObject *layer = json_array_get_object_element (craft_layers, i);
      const char *name = json_object_get_string_member (layer, "layer");
      JsonObject *fields = json_object_get_object_member (layer, "fields");
      for (gsize k = 0; k < G_N_ELEMENTS (layer_pairs); k++)
        {
          const LayerPair *pair = &layer_pairs[k];
          if (strcmp (pair->craft_layer, name) != 0 || g_hash_table_contains (seen, name))
            continue;
          g_hash_table_add (seen, (gpointer) pair->craft_layer);
          g_assert_true (json_object_has_member (layers, pair->tshark_layer));
          JsonNode *node = json_object_get_member (layers, pair->tshark_layer);
          if (JSON_NODE_HOLDS_ARRAY (node)) /* IP in IP: the first is the outer one */
            node = json_array_get_element (json_node_get_array (node), 0);
          JsonObject *theirs = json_node_get_object (node);
          for (const FieldPair *f = pair->fields; f->craft != NULL; f++)
            {
              if (!json_object_has_member (fields, f->craft))
                continue;
              g_test_message ("packet %" G_GUINT64_FORMAT " %s.%s vs %s", number, name, f->craft, f->tshark);
              if (f->text)
                g_assert_cmpstr (json_object_get_string_member (fields, f->craft), ==,
                                 tshark_string (theirs, f->tshark));
              else
                g_assert_cmpuint ((guint64) json_object_get_int_member (fields, f->craft), ==,
                                  tshark_number (theirs, f->tshark));
              agreed++;
            }
        }
      if (strcmp (name, "ICMP") == 0)
        break;
    }
  /* Every standard layer tshark saw at the top, craft saw too. */
  static const char *const standard[][2] = { { "ip", "IP" }, { "ipv6", "IPv6" }, { "tcp", "TCP" },
                                             { "udp", "UDP" }, { "icmp", "ICMP" }, { "eth", "Ether" },
                                             { "sll", NULL }, { "null", "Loopback" } };
  for (gsize k = 0; k < G_N_ELEMENTS (standard); k++)
    if (standard[k][1] != NULL && json_object_has_member (layers, standard[k][0]))
      g_assert_true (g_hash_table_contains (seen, standard[k][1]));
  return agreed;
}

/* Runs `craft read --json` and tshark on `path`; every packet must agree.
 * Returns the number of packets. */
static guint
compare_with_tshark (const char *path)
{
  g_auto (Run) run = { 0 };
  run_craft (&run, "read", "--json", path);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_auto (GStrv) lines = g_strsplit (run.out, "\n", -1);
  g_autoptr (JsonNode) tshark = tshark_json (path);
  JsonArray *packets = json_node_get_array (tshark);
  guint n = json_array_get_length (packets);
  g_assert_cmpuint (craft_test_count_lines (run.out), ==, n);
  guint agreed = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      agreed += compare_packet (json_node_get_object (json_parser_get_root (parser)),
                                json_array_get_object_element (packets, i), i + 1);
    }
  g_test_message ("%s: %u packets, %u fields agree with tshark", path, n, agreed);
  g_assert_cmpuint (agreed, >=, n * 5);
  return n;
}

/* ---- Summaries, trees, JSON ---- */

static void
test_summary (void)
{
  g_test_summary ("craft read prints one line per packet: number, time in seconds with six decimals, summary.");
  g_autofree char *path = write_capture ("mixed.pcap", DLT_EN10MB, mixed);
  g_auto (Run) run = { 0 };
  run_craft (&run, "read", path);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpstr (run.out, ==,
                   "1 1700000000.000000 Ether / IP / TCP 192.0.2.1:1234 > 192.0.2.2:http S\n"
                   "2 1700000001.000001 Ether / IP / UDP 192.0.2.1:mdns > 192.0.2.2:domain / Raw\n"
                   "3 1700000002.000002 Ether / IP / ICMP 192.0.2.1 > 192.0.2.2 echo-request 0 / Raw\n"
                   "4 1700000003.000003 Ether / IPv6 / TCP 2001:db8::1:40000 > 2001:db8::2:https PA / Raw\n"
                   "5 1700000004.000004 Ether / IPv6 / UDP 2001:db8::1:1 > 2001:db8::2:2\n"
                   "6 1700000005.000005 Ether / IP / TCP 192.0.2.1:1 > 192.0.2.2:2 R\n");
}

static void
test_fields (void)
{
  g_test_summary ("-e LAYER.field prints those fields of each packet, tab-separated, empty where a packet has "
                  "none, as tshark -T fields; -c and -f apply; a bad name exits 2 naming it.");
  g_autofree char *path = write_capture ("fields.pcap", DLT_EN10MB, mixed);
  g_auto (Run) run = { 0 };
  run_craft (&run, "read", "-e", "IP.src", "-e", "IPv6.dst", "-e", "UDP.dport", "-e", "TCP.sport", "-e",
             "ICMP.seq", "-e", "IP.ttl", "-e", "Ether.src", path);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpstr (run.out, ==,
                   "192.0.2.1\t\t\t1234\t\t64\t66:77:88:99:aa:bb\n"
                   "192.0.2.1\t\t53\t\t\t64\t66:77:88:99:aa:bb\n"
                   "192.0.2.1\t\t\t\t3\t64\t66:77:88:99:aa:bb\n"
                   "\t2001:db8::2\t\t40000\t\t\t66:77:88:99:aa:bb\n"
                   "\t2001:db8::2\t2\t\t\t\t66:77:88:99:aa:bb\n"
                   "192.0.2.1\t\t\t1\t\t1\t66:77:88:99:aa:bb\n");
  g_auto (Run) filtered = { 0 };
  run_craft (&filtered, "read", "-c", "1", "-f", "udp", "-e", "UDP.sport", "-e", "Raw.load", path);
  g_assert_cmpint (filtered.status, ==, 0);
  g_assert_cmpstr (filtered.out, ==, "5353\tb'query'\n");
  g_auto (Run) bad = { 0 };
  run_craft (&bad, "read", "-e", "IP.nope", path);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_cmpstr (bad.out, ==, "");
  assert_contains (bad.err, "field 'IP.nope': IP has no field 'nope'");
  g_auto (Run) both = { 0 };
  run_craft (&both, "read", "--json", "-e", "IP.src", path);
  g_assert_cmpint (both.status, ==, 2);
  assert_contains (both.err, "-V, --json and -e cannot be used together");

  /* The same values as tshark's fields. */
  if (!have_tshark ())
    return;
  const char *argv[] = { "tshark", "-r", path, "-T", "fields", "-e", "ip.src", "-e", "ipv6.dst", "-e",
                         "udp.dstport", "-e", "tcp.srcport", "-e", "icmp.seq", "-e", "ip.ttl", "-e", "eth.src", NULL };
  g_autofree char *out = NULL;
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (run.out, ==, out);
}

static void
test_count_filter (void)
{
  g_test_summary ("-c N stops after N packets; -f BPF reads matching packets, which keep their numbers; the two "
                  "combine; a bad filter exits 2 with libpcap's reason.");
  g_autofree char *path = write_capture ("count.pcap", DLT_EN10MB, mixed);
  g_auto (Run) two = { 0 };
  run_craft (&two, "read", "-c", "2", path);
  g_assert_cmpint (two.status, ==, 0);
  g_assert_cmpuint (craft_test_count_lines (two.out), ==, 2);
  g_assert_true (g_str_has_prefix (two.out, "1 1700000000.000000 "));

  g_auto (Run) udp = { 0 };
  run_craft (&udp, "read", "-f", "udp", path);
  g_assert_cmpint (udp.status, ==, 0);
  g_assert_cmpuint (craft_test_count_lines (udp.out), ==, 2);
  g_assert_true (g_str_has_prefix (udp.out, "2 1700000001.000001 Ether / IP / UDP"));
  assert_contains (udp.out, "\n5 1700000004.000004 Ether / IPv6 / UDP");

  g_auto (Run) both = { 0 };
  run_craft (&both, "read", "--filter", "tcp", "--count", "2", "--json", path);
  g_assert_cmpint (both.status, ==, 0);
  g_assert_cmpuint (craft_test_count_lines (both.out), ==, 2);
  g_assert_true (g_str_has_prefix (both.out, "{\"n\":1,"));
  assert_contains (both.out, "\n{\"n\":4,");

  g_auto (Run) bad = { 0 };
  run_craft (&bad, "read", "-f", "tcp port", path);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_cmpstr (bad.out, ==, "");
  g_assert_true (g_str_has_prefix (bad.err, "craft: bad filter 'tcp port': "));

  static const char *const counts[] = { "0", "-3", "x" };
  for (gsize i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_auto (Run) run = { 0 };
      run_craft (&run, "read", "-c", counts[i], path);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
    }
}

static void
test_verbose (void)
{
  g_test_summary ("-V prints each packet's tree under a heading, then what is wrong with it.");
  g_autofree char *path = write_capture ("verbose.pcap", DLT_EN10MB, mixed);
  g_auto (Run) run = { 0 };
  run_craft (&run, "read", "-V", "-f", "tcp[13] & 4 != 0", path);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==,
                   "Packet 6 at 1700000005.000005: 54 bytes on the wire\n"
                   "###[ Ethernet ]###\n"
                   "  dst       = 00:11:22:33:44:55\n"
                   "  src       = 66:77:88:99:aa:bb\n"
                   "  type      = IPv4 (0x800)\n"
                   "###[ IP ]###\n"
                   "     version   = 4\n"
                   "     ihl       = 5\n"
                   "     tos       = 0x0\n"
                   "     len       = 40\n"
                   "     id        = 1\n"
                   "     flags     = 0x0\n"
                   "     frag      = 0\n"
                   "     ttl       = 1\n"
                   "     proto     = tcp (6)\n"
                   "     chksum    = 0x1234\n"
                   "     src       = 192.0.2.1\n"
                   "     dst       = 192.0.2.2\n"
                   "     options   = []\n"
                   "###[ TCP ]###\n"
                   "        sport     = 1\n"
                   "        dport     = 2\n"
                   "        seq       = 0\n"
                   "        ack       = 0\n"
                   "        dataofs   = 5\n"
                   "        reserved  = 0\n"
                   "        flags     = R (0x4)\n"
                   "        window    = 8192\n"
                   "        chksum    = 0x0\n"
                   "        urgptr    = 0\n"
                   "        options   = []\n"
                   "!!! IP.chksum is 0x1234, should be 0x35cc\n"
                   "!!! TCP.chksum is 0x0, should be 0xbda\n"
                   "\n");
  g_auto (Run) both = { 0 };
  run_craft (&both, "read", "-V", "--json", path);
  g_assert_cmpint (both.status, ==, 2);
  g_assert_cmpstr (both.out, ==, "");
  assert_contains (both.err, "-V, --json and -e cannot be used together");
}

/* Bytes [from, to) of DNS message `dns` over TCP, its 2-byte length first,
 * as a Python bytes literal for an expression (to past the end: all). */
static char *
dns_over_tcp (const char *dns, gsize from, gsize to)
{
  g_autofree char *expression = g_strdup_printf ("TCP(sport=53,dport=40000)/%s", dns);
  g_autoptr (GBytes) bytes = build (expression);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  GString *out = g_string_new ("b\"");
  gsize end = to < size - 20 ? 20 + to : size;
  for (gsize i = 20 + from; i < end; i++)
    g_string_append_printf (out, "\\x%02x", data[i]);
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static void
test_dns_over_tcp (void)
{
  g_test_summary ("DNS over TCP: a message split over segments is read as truncated in the first, with no verdict "
                  "on its lengths or TCP's checksum; two messages in one segment are a DNS message and Padding.");
  const char *answer = "DNS(id=7,qr=1,qd=DNSQR(qname=\"www.example.com\"),an=DNSRR(rrname=\"www.example.com\","
                       "rdata=\"192.0.2.9\"))";
  const char *other = "DNS(id=10,qr=1,rcode=3,qd=DNSQR(qname=\"nowhere.example.com\"))";
  g_autofree char *head = dns_over_tcp (answer, 0, 15);
  g_autofree char *tail = dns_over_tcp (answer, 15, G_MAXSIZE);
  g_autofree char *whole = dns_over_tcp (answer, 0, G_MAXSIZE);
  g_autofree char *next = dns_over_tcp (other, 0, G_MAXSIZE);
  /* Both literals joined: b"\x00..." b"\x00..." is one literal less its quotes in the middle. */
  g_autofree char *two = g_strdup_printf ("%.*s%s", (int) strlen (whole) - 1, whole, next + 2);
#define SERVER ETHER "IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/TCP(sport=53,dport=40000,flags=\"PA\",seq="
  g_autofree char *first = g_strdup_printf (SERVER "1000)/%s", head);
  g_autofree char *second = g_strdup_printf (SERVER "1015)/%s", tail);
  g_autofree char *third = g_strdup_printf (SERVER "1066)/%s", two);
#undef SERVER
  const char *const packets[] = { first, second, third, NULL };
  g_autofree char *path = write_capture ("dns-tcp.pcap", DLT_EN10MB, packets);

  g_auto (Run) run = { 0 };
  run_craft (&run, "read", path);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_auto (GStrv) lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, "1 1700000000.000000 Ether / IP / TCP / DNS Ans / Raw");
  /* The rest of the message, read from its middle as a message: whatever it says, it is not whole. */
  g_assert_true (g_str_has_prefix (lines[1], "2 1700000001.000001 Ether / IP / TCP / DNS "));
  g_assert_cmpstr (lines[2], ==, "3 1700000002.000002 Ether / IP / TCP / DNS Ans 192.0.2.9 / Padding");

  g_auto (Run) tree = { 0 };
  run_craft (&tree, "read", "-V", "-c", "1", path);
  g_assert_cmpint (tree.status, ==, 0);
  assert_contains (tree.out, "           length    = 64\n           id        = 7\n");
  assert_contains (tree.out, "!!! DNS length says 66, 15 bytes present: truncated, the rest may follow in the stream\n");
  g_assert_null (strstr (tree.out, "should be"));

  g_auto (Run) json = { 0 };
  run_craft (&json, "read", "--json", path);
  g_assert_cmpint (json.status, ==, 0);
  g_auto (GStrv) objects = g_strsplit (json.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (objects), ==, 4);
  assert_contains (objects[2], "{\"layer\":\"DNS\",\"fields\":{\"length\":64,\"id\":7,");
  assert_contains (objects[2], "{\"layer\":\"Padding\",\"fields\":{\"load\":\"0025000a8103000100000000000007"
                               "6e6f7768657265076578616d706c6503636f6d0000010001\"}}]}");
}

static void
test_json_lines (void)
{
  g_test_summary ("--json prints one JSON object per line, what craft_packet_to_json() gives for each packet.");
  g_autofree char *path = write_capture ("json.pcap", DLT_EN10MB, mixed);
  g_auto (Run) run = { 0 };
  run_craft (&run, "read", "--json", path);
  g_assert_cmpint (run.status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 7);
  g_assert_cmpstr (lines[6], ==, "");
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, NULL));
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr (GBytes) bytes = build (mixed[i]);
      g_autoptr (CraftPacket) packet = craft_packet_new_from_bytes (reg, "Ether", g_bytes_get_data (bytes, NULL),
                                                                    g_bytes_get_size (bytes), NULL);
      CraftCaptureRecord record = { i + 1, (1700000000 + (gint64) i) * G_USEC_PER_SEC + i,
                                    (guint) g_bytes_get_size (bytes), (guint) g_bytes_get_size (bytes), NULL };
      g_autofree char *expected = craft_packet_to_json (packet, &record);
      g_assert_cmpstr (lines[i], ==, expected);
    }
  assert_contains (lines[0], "{\"layer\":\"TCP\",\"fields\":{\"sport\":1234,\"dport\":80,\"seq\":0,\"ack\":0,"
                             "\"dataofs\":5,\"reserved\":0,\"flags\":2,");
  assert_contains (lines[3], "{\"layer\":\"IPv6\",\"fields\":{\"version\":6,\"tc\":0,\"fl\":0,\"plen\":25,"
                             "\"nh\":6,\"hlim\":64,\"src\":\"2001:db8::1\",\"dst\":\"2001:db8::2\"}}");
  assert_contains (lines[3], "{\"layer\":\"Raw\",\"fields\":{\"load\":\"68656c6c6f\"}}");
}

static void
test_tshark_crafted (void)
{
  g_test_summary ("On crafted packets, craft read --json agrees with tshark -T json on addresses, TTL, lengths, "
                  "IDs, checksums (wrong ones too), ports, TCP flags, sequence numbers, ICMP and IPv6 fields.");
  if (!have_tshark ())
    return;
  g_autofree char *path = write_capture ("tshark.pcap", DLT_EN10MB, mixed);
  g_assert_cmpuint (compare_with_tshark (path), ==, 6);
}

static void
test_tshark_ntp (void)
{
  g_test_summary ("NTP timestamps given as seconds, fractions and dates read back as the dates tshark shows, "
                  "NULL for 0 and era 1 (2036 on) for small values.");
  if (!have_tshark ())
    return;
  static const char *const ntp[] = {
    ETHER IP4 "/UDP(sport=123,dport=123)/NTPHeader(orig=0,sent=3900000000.1,recv=1,ref=3899999000)",
    ETHER IP4 "/UDP(sport=40000,dport=123)/NTPHeader(mode=3,orig=3900000000.5,sent=4294967295.999999,"
              "recv=\"2023-08-02T21:20:00.25Z\",ref=\"Wed Aug  2 21:20:00 2023\")",
    ETHER IP6 "/UDP(sport=123,dport=40000)/NTPHeader(mode=4,stratum=1,ref_id=b\"GPS\",orig=2208988800,"
              "sent=\"Feb  7, 2036 06:28:15.75 UTC\",recv=\"Feb  7, 2036 06:28:16 UTC\")",
    NULL,
  };
  g_autofree char *path = write_capture ("ntp.pcap", DLT_EN10MB, ntp);
  g_assert_cmpuint (compare_with_tshark (path), ==, 3);
}

/* The first member named `key` anywhere in a tshark JSON object: IPv6
 * extension headers are subtrees of tshark's ipv6 layer. */
static JsonObject *
tshark_subtree (JsonObject *object, const char *key)
{
  if (json_object_has_member (object, key))
    return json_object_get_object_member (object, key);
  g_autoptr (GList) members = json_object_get_members (object);
  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *node = json_object_get_member (object, m->data);
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *found = tshark_subtree (json_node_get_object (node), key);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

/* The fields of the layer named `name` in one packet of craft's JSON, or NULL. */
static JsonObject *
craft_layer_fields (JsonObject *packet, const char *name)
{
  JsonArray *layers = json_object_get_array_member (packet, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      if (strcmp (json_object_get_string_member (layer, "layer"), name) == 0)
        return json_object_get_object_member (layer, "fields");
    }
  return NULL;
}

static void
test_tshark_segment_routing (void)
{
  g_test_summary ("Segment routing headers (RFC 8754) read by craft read --json as tshark reads them: next header, "
                  "lengths, type, segments left, last entry, flags, tag and the segment list; a routing header of "
                  "another type stays the generic layer; the upper-layer checksums craft builds over the first "
                  "segment are the ones tshark verifies, and a wrong one is a finding in both.");
  if (!have_tshark ())
    return;
  static const char *const srh[] = {
    ETHER IP6 "/IPv6ExtHdrSegmentRouting(addresses=[\"2001:db8::5\",\"2001:db8::6\",\"2001:db8::7\"],segleft=2,"
              "tag=0x1234,oam=1,alert=1)/UDP(sport=1,dport=2)/\"abc\"",
    ETHER "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::5\")/IPv6ExtHdrSegmentRouting(addresses=[\"2001:db8::5\","
          "\"2001:db8::6\"],segleft=0,protected=1,hmac=1)/UDP(sport=1,dport=2)/\"abc\"",
    ETHER IP6 "/IPv6ExtHdrSegmentRouting(addresses=[\"2001:db8::5\",\"2001:db8::6\"],tlv_objects=["
              "IPv6ExtHdrSegmentRoutingTLVIngressNode(ingress_node=\"2001:db8::a\"),"
              "IPv6ExtHdrSegmentRoutingTLVPadN(padding=b\"\\x00\\x00\")])/TCP(sport=1000,dport=2000)",
    ETHER IP6 "/IPv6ExtHdrSegmentRouting(addresses=[\"2001:db8::5\",\"2001:db8::6\"])/UDP(sport=1,dport=2,chksum=1)",
    ETHER IP6 "/IPv6ExtHdrRouting(addresses=b\"\\x20\\x01\\x0d\\xb8\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
              "\\x00\\x00\\x05\")/UDP(sport=1,dport=2)",
    NULL,
  };
  g_autofree char *path = write_capture ("srh.pcap", DLT_EN10MB, srh);
  g_auto (Run) run = { 0 };
  run_craft (&run, "read", "--json", path);
  g_assert_cmpint (run.status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (run.out, "\n", -1);
  g_autoptr (JsonNode) tshark = tshark_json (path);
  JsonArray *packets = json_node_get_array (tshark);
  g_assert_cmpuint (json_array_get_length (packets), ==, 5);
  guint agreed = 0;
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      JsonObject *packet = json_node_get_object (json_parser_get_root (parser));
      JsonObject *theirs = tshark_subtree (json_array_get_object_element (packets, i), "ipv6.routing");
      g_assert_nonnull (theirs);
      JsonObject *mine = craft_layer_fields (packet, "IPv6ExtHdrSegmentRouting");
      if (i == 4)
        {
          /* Type 0: the generic routing header. */
          g_assert_null (mine);
          mine = craft_layer_fields (packet, "IPv6ExtHdrRouting");
          g_assert_nonnull (mine);
          g_assert_cmpuint (json_object_get_int_member (mine, "type"), ==, tshark_number (theirs, "ipv6.routing.type"));
          g_assert_cmpuint (json_object_get_int_member (mine, "type"), ==, 0);
          continue;
        }
      g_assert_nonnull (mine);
      static const char *const same[][2] = {
        { "nh", "ipv6.routing.nxt" }, { "len", "ipv6.routing.len" }, { "type", "ipv6.routing.type" },
        { "segleft", "ipv6.routing.segleft" }, { "lastentry", "ipv6.routing.srh.last_entry" },
      };
      for (gsize k = 0; k < G_N_ELEMENTS (same); k++)
        {
          g_test_message ("packet %u %s vs %s", i + 1, same[k][0], same[k][1]);
          g_assert_cmpuint (json_object_get_int_member (mine, same[k][0]), ==, tshark_number (theirs, same[k][1]));
          agreed++;
        }
      /* Scapy's flag bits, most significant first, make up the flags byte. */
      static const char *const bits[] = { "unused1", "protected", "oam", "alert", "hmac" };
      guint64 flags = (guint64) json_object_get_int_member (mine, "unused2");
      for (guint k = 0; k < G_N_ELEMENTS (bits); k++)
        flags |= (guint64) json_object_get_int_member (mine, bits[k]) << (7 - k);
      g_assert_cmpuint (flags, ==, tshark_number (theirs, "ipv6.routing.srh.flags"));
      /* tshark shows the tag as bytes, "12:34". */
      g_autofree char *tag = g_strdup_printf ("%02x:%02x", (guint) (json_object_get_int_member (mine, "tag") >> 8),
                                              (guint) (json_object_get_int_member (mine, "tag") & 0xff));
      g_assert_cmpstr (tag, ==, tshark_string (theirs, "ipv6.routing.srh.tag"));
      JsonArray *segments = json_object_get_array_member (mine, "addresses");
      JsonNode *addrs = json_object_get_member (theirs, "ipv6.routing.srh.addr");
      g_assert_true (JSON_NODE_HOLDS_ARRAY (addrs));
      g_assert_cmpuint (json_array_get_length (segments), ==, json_array_get_length (json_node_get_array (addrs)));
      for (guint k = 0; k < json_array_get_length (segments); k++)
        {
          JsonObject *segment = json_object_get_object_member (json_array_get_object_element (segments, k), "fields");
          g_assert_cmpstr (json_object_get_string_member (segment, "addr"), ==,
                           json_array_get_string_element (json_node_get_array (addrs), k));
        }
      agreed += 3;
    }
  g_test_message ("%u fields agree with tshark", agreed);
  g_assert_cmpuint (agreed, ==, 4 * 8);

  /* Checksums: tshark's verdicts (1 good, 0 bad) and craft's findings. */
  const char *argv[] = { "tshark", "-r", path, "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                         "-T", "fields", "-e", "udp.checksum.status", "-e", "tcp.checksum.status", NULL };
  g_autofree char *out = NULL;
  int status;
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "HOME", config_home, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "1\t\n1\t\n\t1\n0\t\n1\t\n");
  g_auto (Run) verbose = { 0 };
  run_craft (&verbose, "read", "-V", path);
  g_assert_cmpint (verbose.status, ==, 0);
  g_auto (GStrv) packets_v = g_strsplit (verbose.out, "Packet ", -1);
  g_assert_cmpuint (g_strv_length (packets_v), ==, 6);
  for (guint i = 1; i <= 5; i++)
    g_assert_cmpint (strstr (packets_v[i], "!!! UDP.chksum is 0x1, should be") != NULL, ==, i == 4);
}

/* The number after `prefix` in `text` (0x hex or decimal), or -1 when `prefix` is not there. */
static gint64
number_after (const char *text, const char *prefix)
{
  const char *at = strstr (text, prefix);
  return at != NULL ? (gint64) g_ascii_strtoull (at + strlen (prefix), NULL, 0) : -1;
}

static void
test_checksum_verdicts (void)
{
  g_test_summary ("craft read -V judges UDP and TCP checksums as tshark does: a wrong DNS count does not make "
                  "a right checksum wrong, and a wrong one should be tshark's value.");
  if (!have_tshark ())
    return;
  static const char *const packets[] = {
    ETHER IP4 "/UDP(sport=1234,dport=53)/DNS(qdcount=3,qd=DNSQR(qname=\"example.com\"))",
    ETHER IP4 "/UDP(sport=1234,dport=53)/DNS(id=7,qr=1,ancount=2,qd=DNSQR(qname=\"a.example\"),"
              "an=DNSRR(rrname=\"a.example\",rdata=\"192.0.2.9\"))",
    ETHER IP4 "/UDP(sport=1234,dport=4000,chksum=0x1234)/\"abc\"",
    ETHER IP4 "/TCP(sport=1234,dport=4000,flags=\"PA\",chksum=0x1)/\"abc\"",
    ETHER IP4 "/TCP(sport=1234,dport=4000,flags=\"PA\")/\"abc\"",
    NULL,
  };
  g_autofree char *path = write_capture ("verdicts.pcap", DLT_EN10MB, packets);
  const char *argv[] = { "tshark", "-r", path, "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                         "-T", "fields", "-E", "separator=;", "-e", "udp.checksum.status", "-e",
                         "udp.checksum_calculated", "-e", "tcp.checksum.status", "-e", "tcp.checksum_calculated",
                         NULL };
  g_autofree char *out = NULL;
  int status;
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "HOME", config_home, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_auto (GStrv) verdicts = g_strsplit (out, "\n", -1);
  g_auto (Run) verbose = { 0 };
  run_craft (&verbose, "read", "-V", path);
  g_assert_cmpint (verbose.status, ==, 0);
  g_auto (GStrv) trees = g_strsplit (verbose.out, "Packet ", -1);
  guint n = g_strv_length ((char **) packets);
  g_assert_cmpuint (g_strv_length (trees), ==, n + 1);
  g_assert_cmpuint (g_strv_length (verdicts), >=, n);
  guint bad = 0;
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) v = g_strsplit (verdicts[i], ";", -1);
      g_assert_cmpuint (g_strv_length (v), ==, 4);
      const char *tree = trees[i + 1];
      gboolean udp = v[0][0] != '\0';
      const char *layer_status = udp ? v[0] : v[2];
      gint64 calculated = (gint64) g_ascii_strtoull (udp ? v[1] : v[3], NULL, 0);
      g_test_message ("packet %u: tshark %s: %s", i + 1, udp ? "udp" : "tcp", verdicts[i]);
      g_assert_true (strcmp (layer_status, "0") == 0 || strcmp (layer_status, "1") == 0);
      gint64 said = number_after (tree, udp ? "!!! UDP.chksum is " : "!!! TCP.chksum is ");
      if (strcmp (layer_status, "1") == 0)
        {
          g_assert_cmpint (said, ==, -1);
          continue;
        }
      g_assert_cmpint (said, >=, 0);
      g_assert_cmpint (number_after (tree, ", should be "), ==, calculated);
      bad++;
    }
  /* The UDP checksum 0x1234 and the TCP checksum 0x1. */
  g_assert_cmpuint (bad, ==, 2);
  g_assert_nonnull (strstr (trees[1], "!!! DNS.qdcount is 3, should be 1"));
  g_assert_nonnull (strstr (trees[2], "!!! DNS.ancount is 2, should be 1"));
}

/* A craft JSON value as tshark's -T fields text shows it: numbers in
 * decimal, addresses as they are, a list of addresses comma-separated,
 * bytes (hex in craft's JSON) as the text they hold. */
static char *
craft_value_text (JsonNode *node, gboolean text)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      GString *out = g_string_new (NULL);
      JsonArray *items = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *fields = json_object_get_object_member (json_array_get_object_element (items, i), "fields");
          g_string_append_printf (out, "%s%s", i ? "," : "", json_object_get_string_member (fields, "addr"));
        }
      return g_string_free (out, FALSE);
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  const char *s = json_node_get_string (node);
  if (!text)
    return g_strdup (s);
  GString *out = g_string_new (NULL);
  for (gsize i = 0; s[i] != '\0' && s[i + 1] != '\0'; i += 2)
    g_string_append_c (out, (char) (g_ascii_xdigit_value (s[i]) << 4 | g_ascii_xdigit_value (s[i + 1])));
  return g_string_free (out, FALSE);
}

static void
test_tshark_dhcp_options (void)
{
  g_test_summary ("DHCP options beyond the common ones (time offset, NTP servers, broadcast address, T1 and T2, "
                  "maximum message size, vendor class, default TTL, interface MTU, TFTP server name, a classless "
                  "static route), built from Scapy's names, read by craft read --json as tshark reads them.");
  if (!have_tshark ())
    return;
  static const char *const dhcp[] = {
    ETHER "IP(src=\"192.0.2.1\",dst=\"192.0.2.9\")/UDP(sport=67,dport=68)/BOOTP(op=2,yiaddr=\"192.0.2.9\",xid=20,"
          "chaddr=b\"\\x00\\x11\\x22\\x33\\x44\\x55\")/DHCP(options=[(\"message-type\",\"ack\"),(\"time_zone\",3600),"
          "(\"NTP_server\",\"192.0.2.5\",\"192.0.2.6\"),(\"broadcast_address\",\"192.0.2.255\"),"
          "(\"renewal_time\",1800),(\"rebinding_time\",3150),(\"max_dhcp_size\",1400),"
          "(\"vendor_class_id\",\"MSFT 5.0\"),(\"default_ttl\",64),"
          "(\"interface-mtu\",1500),(\"tftp_server_name\",\"tftp.example\"),(\"classless_static_routes\","
          "DHCPClasslessRoute(prefix=24,dest=b\"\\xc6\\x33\\x64\",router=\"192.0.2.1\")),\"end\"])",
    NULL,
  };
  static const struct {
    const char *layer, *field, *tshark;
    gboolean text;  /* bytes that hold text */
  } pairs[] = {
    { "DHCPOpt_MessageType", "type", "dhcp.option.dhcp", FALSE },
    { "DHCPOpt_TimeZone", "offset", "dhcp.option.time_offset", FALSE },
    { "DHCPOpt_NTPServer", "addrs", "dhcp.option.ntp_server", FALSE },
    { "DHCPOpt_BroadcastAddress", "addr", "dhcp.option.broadcast_address", FALSE },
    { "DHCPOpt_RenewalTime", "time", "dhcp.option.renewal_time_value", FALSE },
    { "DHCPOpt_RebindingTime", "time", "dhcp.option.rebinding_time_value", FALSE },
    { "DHCPOpt_MaxDHCPSize", "size", "dhcp.option.dhcp_max_message_size", FALSE },
    { "DHCPOpt_VendorClassId", "id", "dhcp.option.vendor_class_id", TRUE },
    { "DHCPOpt_DefaultTTL", "ttl", "dhcp.option.default_ip_ttl", FALSE },
    { "DHCPOpt_InterfaceMTU", "mtu", "dhcp.option.interface_mtu", FALSE },
    { "DHCPOpt_TFTPServerName", "name", "dhcp.option.tftp_server_name", TRUE },
  };
  g_autofree char *path = write_capture ("dhcp-options.pcap", DLT_EN10MB, dhcp);
  g_auto (Run) run = { 0 };
  run_craft (&run, "read", "--json", path);
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, run.out, -1, NULL));
  JsonObject *options_of = craft_layer_fields (json_node_get_object (json_parser_get_root (parser)), "DHCP");
  g_assert_nonnull (options_of);
  JsonArray *options = json_object_get_array_member (options_of, "options");

  GPtrArray *argv = g_ptr_array_new ();
  const char *head[] = { "tshark", "-r", path, "-T", "fields", "-E", "separator=|", "-E", "aggregator=,", NULL };
  for (guint i = 0; head[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) head[i]);
  for (gsize k = 0; k < G_N_ELEMENTS (pairs); k++)
    {
      g_ptr_array_add (argv, (gpointer) "-e");
      g_ptr_array_add (argv, (gpointer) pairs[k].tshark);
    }
  g_ptr_array_add (argv, (gpointer) "-e");
  g_ptr_array_add (argv, (gpointer) "dhcp.option.classless_static_route");
  g_ptr_array_add (argv, NULL);
  g_autofree char *out = NULL;
  int status;
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "HOME", config_home, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, NULL));
  g_ptr_array_free (argv, TRUE);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_strchomp (out);
  g_auto (GStrv) theirs = g_strsplit (out, "|", -1);
  g_assert_cmpuint (g_strv_length (theirs), ==, G_N_ELEMENTS (pairs) + 1);
  for (gsize k = 0; k < G_N_ELEMENTS (pairs); k++)
    {
      JsonNode *value = NULL;
      for (guint i = 0; i < json_array_get_length (options) && value == NULL; i++)
        {
          JsonObject *option = json_array_get_object_element (options, i);
          if (strcmp (json_object_get_string_member (option, "layer"), pairs[k].layer) == 0)
            value = json_object_get_member (json_object_get_object_member (option, "fields"), pairs[k].field);
        }
      g_assert_nonnull (value);
      g_autofree char *mine = craft_value_text (value, pairs[k].text);
      g_test_message ("%s.%s = %s, %s = %s", pairs[k].layer, pairs[k].field, mine, pairs[k].tshark, theirs[k]);
      g_assert_cmpstr (mine, ==, theirs[k]);
    }
  /* The route: tshark shows its bytes, prefix length, significant octets, router. */
  JsonObject *route = NULL;
  for (guint i = 0; i < json_array_get_length (options); i++)
    {
      JsonObject *option = json_array_get_object_element (options, i);
      if (strcmp (json_object_get_string_member (option, "layer"), "DHCPOpt_ClasslessStaticRoutes") == 0)
        route = json_object_get_object_member (
          json_array_get_object_element (
            json_object_get_array_member (json_object_get_object_member (option, "fields"), "routes"), 0),
          "fields");
    }
  g_assert_nonnull (route);
  guint router[4];
  g_assert_cmpint (sscanf (json_object_get_string_member (route, "router"), "%u.%u.%u.%u", &router[0], &router[1],
                           &router[2], &router[3]),
                   ==, 4);
  g_autofree char *mine = g_strdup_printf ("%02x%s%02x%02x%02x%02x", (guint) json_object_get_int_member (route, "prefix"),
                                           json_object_get_string_member (route, "dest"), router[0], router[1],
                                           router[2], router[3]);
  g_assert_cmpstr (mine, ==, "18c63364c0000201");
  g_assert_cmpstr (mine, ==, theirs[G_N_ELEMENTS (pairs)]);
}

/* ---- Link types ---- */

static void
test_linktypes (void)
{
  g_test_summary ("BSD loopback, raw IP with IPv4 and IPv6 mixed, IPv4, IPv6, SLL and SLL2 captures dissect from "
                  "their link layer, in agreement with tshark.");
  static const char *const null_packets[] = {
    "Loopback()/" IP4 "/ICMP()",
    "Loopback(type=30)/" IP6 "/UDP(sport=1,dport=2)/\"x\"",
    "Loopback(type=24)/" IP6 "/TCP(flags=\"S\")",
    "Loopback(type=28)/" IP6 "/TCP(flags=\"SA\")",
    NULL,
  };
  static const char *const raw_packets[] = {
    IP4 "/UDP(sport=1,dport=2)", IP6 "/UDP(sport=3,dport=4)", IP4 "/TCP(flags=\"F\")", IP6 "/TCP(flags=\"S\")",
    NULL,
  };
  static const char *const ipv4_packets[] = { IP4 "/ICMP(type=0,id=1,seq=2)", NULL };
  static const char *const ipv6_packets[] = { IP6 "/TCP(sport=22,dport=5000)", NULL };
  static const char *const sll_packets[] = {
    "CookedLinux(pkttype=4,lladdrtype=772,lladdrlen=6)/" IP4 "/UDP(sport=1234,dport=53)",
    "CookedLinux(pkttype=0,lladdrtype=1,lladdrlen=6,src=b\"\\x00\\x11\\x22\\x33\\x44\\x55\\x00\\x00\")/" IP6
    "/TCP()",
    NULL,
  };
  static const char *const sll2_packets[] = {
    "CookedLinuxV2(ifindex=2,pkttype=1,lladdrtype=1,lladdrlen=6)/" IP4 "/ICMP()",
    "CookedLinuxV2(ifindex=1,lladdrtype=772)/" IP6 "/UDP()",
    NULL,
  };
  static const struct {
    const char *name;
    int linktype;
    const char *const *packets;
    const char *summary;
  } files[] = {
    { "null.pcap", DLT_NULL, null_packets,
      "1 1700000000.000000 Loopback / IP / ICMP 192.0.2.1 > 192.0.2.2 echo-request 0\n"
      "2 1700000001.000001 Loopback / IPv6 / UDP 2001:db8::1:1 > 2001:db8::2:2 / Raw\n"
      "3 1700000002.000002 Loopback / IPv6 / TCP 2001:db8::1:ftp_data > 2001:db8::2:http S\n"
      "4 1700000003.000003 Loopback / IPv6 / TCP 2001:db8::1:ftp_data > 2001:db8::2:http SA\n" },
    { "raw.pcap", DLT_RAW, raw_packets,
      "1 1700000000.000000 IP / UDP 192.0.2.1:1 > 192.0.2.2:2\n"
      "2 1700000001.000001 IPv6 / UDP 2001:db8::1:3 > 2001:db8::2:4\n"
      "3 1700000002.000002 IP / TCP 192.0.2.1:ftp_data > 192.0.2.2:http F\n"
      "4 1700000003.000003 IPv6 / TCP 2001:db8::1:ftp_data > 2001:db8::2:http S\n" },
    { "ipv4.pcap", DLT_IPV4, ipv4_packets, "1 1700000000.000000 IP / ICMP 192.0.2.1 > 192.0.2.2 echo-reply 0\n" },
    { "ipv6.pcap", DLT_IPV6, ipv6_packets, "1 1700000000.000000 IPv6 / TCP 2001:db8::1:ssh > 2001:db8::2:5000 S\n" },
    { "sll.pcap", DLT_LINUX_SLL, sll_packets,
      "1 1700000000.000000 CookedLinux / IP / UDP 192.0.2.1:1234 > 192.0.2.2:domain\n"
      "2 1700000001.000001 CookedLinux / IPv6 / TCP 2001:db8::1:ftp_data > 2001:db8::2:http S\n" },
    { "sll2.pcap", DLT_LINUX_SLL2, sll2_packets,
      "1 1700000000.000000 CookedLinuxV2 / IP / ICMP 192.0.2.1 > 192.0.2.2 echo-request 0\n"
      "2 1700000001.000001 CookedLinuxV2 / IPv6 / UDP 2001:db8::1:domain > 2001:db8::2:domain\n" },
  };
  gboolean tshark = have_tshark ();
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = write_capture (files[i].name, files[i].linktype, files[i].packets);
      g_auto (Run) run = { 0 };
      run_craft (&run, "read", path);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (run.err, ==, "");
      g_assert_cmpstr (run.out, ==, files[i].summary);
      if (tshark)
        compare_with_tshark (path);
    }
}

static void
test_unknown_linktype (void)
{
  g_test_summary ("A capture of a link type no definition is bound to exits 2 naming the link type; a definition "
                  "that binds it makes the capture readable.");
  static const char *const one[] = { "Raw(b\"\\x01\\x02\\x03\")", NULL };
  g_autofree char *user0 = write_capture ("user0.pcap", DLT_USER0, one);
  g_auto (Run) run = { 0 };
  run_craft (&run, "read", user0);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_autofree char *expected = g_strdup_printf (
    "craft: %s: no definition is bound to link type DLT_147 (147); a definition file can add one with "
    "'bind linktype 147 -> LAYER;'\n",
    user0);
  g_assert_cmpstr (run.err, ==, expected);

  g_autofree char *wifi = write_capture ("wifi.pcap", DLT_IEEE802_11, one);
  g_auto (Run) w = { 0 };
  run_craft (&w, "read", "--json", wifi);
  g_assert_cmpint (w.status, ==, 2);
  assert_contains (w.err, "link type IEEE802_11 (105)");

  /* A definition for it on CRAFT_PROTO_PATH. */
  g_autofree char *dir = tmp_path ("user0-proto");
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_autofree char *pdl = g_build_filename (dir, "user0.pdl", NULL);
  g_assert_true (g_file_set_contents (pdl, "layer Mine { a: u8; b: u16; }\nbind linktype 147 -> Mine;\n", -1, NULL));
  g_auto (Run) mine = { 0 };
  run_craft_in (&mine, dir, (const char *const[]){ "read", "--json", user0, NULL });
  g_assert_cmpint (mine.status, ==, 0);
  assert_contains (mine.out, "\"layers\":[{\"layer\":\"Mine\",\"fields\":{\"a\":1,\"b\":515}}]}");
  g_remove (pdl);
  g_rmdir (dir);
}

/* ---- Damage and odd files ---- */

static void
test_damaged (void)
{
  g_test_summary ("A damaged capture prints every packet before the damage, then the packet number and byte "
                  "offset of the damage, and exits 1.");
  g_autofree char *path = write_capture ("whole.pcap", DLT_EN10MB, mixed);
  g_autofree char *text = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (path, &text, &size, NULL));
  /* Cut inside the fourth record's data. */
  gsize fourth = 24;
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (GBytes) bytes = build (mixed[i]);
      fourth += 16 + g_bytes_get_size (bytes);
    }
  g_autofree char *cut = tmp_path ("cut.pcap");
  g_assert_true (g_file_set_contents (cut, text, (gssize) fourth + 16 + 30, NULL));
  static const char *const modes[] = { NULL, "--json", "-V" };
  for (gsize m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_auto (Run) run = { 0 };
      if (modes[m] == NULL)
        run_craft (&run, "read", cut);
      else
        run_craft (&run, "read", modes[m], cut);
      g_assert_cmpint (run.status, ==, 1);
      if (modes[m] == NULL)
        g_assert_cmpuint (craft_test_count_lines (run.out), ==, 3);
      else if (strcmp (modes[m], "--json") == 0)
        g_assert_cmpuint (craft_test_count_lines (run.out), ==, 3);
      else
        assert_contains (run.out, "Packet 3 at");
      g_autoptr (GBytes) bytes = build (mixed[3]);
      g_autofree char *expected
        = g_strdup_printf ("craft: %s: packet 4 at byte offset %zu: truncated dump file; tried to read %zu captured "
                           "bytes, only got 30\n",
                           cut, fourth, g_bytes_get_size (bytes));
      g_assert_cmpstr (run.err, ==, expected);
    }
  /* -c that stops before the damage never reaches it. */
  g_auto (Run) early = { 0 };
  run_craft (&early, "read", "-c", "3", cut);
  g_assert_cmpint (early.status, ==, 0);
  g_assert_cmpstr (early.err, ==, "");
}

static void
test_not_capture (void)
{
  g_test_summary ("An empty file, a text file and a missing file exit 1 with the reason; usage errors exit 2.");
  g_autofree char *empty = tmp_path ("empty.pcap");
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_auto (Run) e = { 0 };
  run_craft (&e, "read", empty);
  g_assert_cmpint (e.status, ==, 1);
  g_assert_cmpstr (e.out, ==, "");
  g_autofree char *expected = g_strdup_printf ("craft: %s: the file is empty, not a pcap or pcapng capture\n", empty);
  g_assert_cmpstr (e.err, ==, expected);

  g_autofree char *text = tmp_path ("text.pcap");
  g_assert_true (g_file_set_contents (text, "hello, world\n", -1, NULL));
  g_auto (Run) t = { 0 };
  run_craft (&t, "read", text);
  g_assert_cmpint (t.status, ==, 1);
  g_autofree char *expected_text = g_strdup_printf ("craft: %s: unknown file format\n", text);
  g_assert_cmpstr (t.err, ==, expected_text);

  g_autofree char *missing = tmp_path ("missing.pcap");
  g_auto (Run) m = { 0 };
  run_craft (&m, "read", missing);
  g_assert_cmpint (m.status, ==, 1);
  g_autofree char *expected_missing = g_strdup_printf ("craft: %s: No such file or directory\n", missing);
  g_assert_cmpstr (m.err, ==, expected_missing);

  g_auto (Run) none = { 0 };
  run_craft_in (&none, NULL, (const char *const[]){ "read", NULL });
  g_assert_cmpint (none.status, ==, 2);
  assert_contains (none.err, "expected one capture file");
  g_auto (Run) two = { 0 };
  run_craft (&two, "read", empty, text);
  g_assert_cmpint (two.status, ==, 2);
  g_auto (Run) bogus = { 0 };
  run_craft (&bogus, "read", "--bogus", empty);
  g_assert_cmpint (bogus.status, ==, 2);

  g_auto (Run) help = { 0 };
  run_craft (&help, "read", "--help");
  g_assert_cmpint (help.status, ==, 0);
  assert_contains (help.out, "craft read [OPTION");
  assert_contains (help.out, "-V, --verbose");
  assert_contains (help.out, "--json");
  assert_contains (help.out, "-f, --filter=BPF");
  assert_contains (help.out, "-c, --count=N");
}

/* ---- A real capture by real programs ---- */

typedef struct {
  GPid pid;
  char *path;
  int err_fd;  /* kept open until it stops: it reports its counts there on the way out */
} Tcpdump;

/* Starts tcpdump writing `path` and waits until it is capturing. FALSE if
 * it cannot (not installed, no permission). */
static gboolean
tcpdump_start (Tcpdump *t, const char *path, const char *interface, const char *linktype)
{
  g_autofree char *tcpdump = g_find_program_in_path ("tcpdump");
  if (tcpdump == NULL)
    return FALSE;
  const char *argv[16];
  guint n = 0;
  argv[n++] = tcpdump;
  argv[n++] = "-i";
  argv[n++] = interface;
  if (linktype != NULL)
    {
      argv[n++] = "-y";
      argv[n++] = linktype;
    }
  /* Each packet as it comes, not in blocks a timer releases: the capture
   * stops right after the traffic. */
  argv[n++] = "--immediate-mode";
  argv[n++] = "-U";
  argv[n++] = "-n";
  argv[n++] = "-w";
  argv[n++] = path;
  argv[n++] = "host 127.0.0.1 or host ::1";
  argv[n] = NULL;
  int err_fd = -1;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, &t->pid, NULL, NULL, &err_fd, &error))
    return FALSE;
  t->path = g_strdup (path);
  /* tcpdump says "listening on ..." once the capture runs. */
  GString *said = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gboolean listening = FALSE;
  while (!listening && g_get_monotonic_time () < deadline)
    {
      struct pollfd pfd = { err_fd, POLLIN, 0 };
      if (poll (&pfd, 1, 200) <= 0)
        continue;
      char buf[256];
      ssize_t got = read (err_fd, buf, sizeof buf);
      if (got <= 0)
        break;
      g_string_append_len (said, buf, got);
      listening = strstr (said->str, "listening on") != NULL;
    }
  g_test_message ("tcpdump -i %s: %s", interface, said->str);
  g_string_free (said, TRUE);
  t->err_fd = err_fd;
  if (!listening)
    {
      kill (t->pid, SIGTERM);
      waitpid (t->pid, NULL, 0);
      g_spawn_close_pid (t->pid);
      close (err_fd);
      g_clear_pointer (&t->path, g_free);
    }
  return listening;
}

/* Stops tcpdump as a user would (SIGINT): it writes what it has and exits. */
static void
tcpdump_stop (Tcpdump *t)
{
  g_assert_cmpint (kill (t->pid, SIGINT), ==, 0);
  int status;
  g_assert_cmpint (waitpid (t->pid, &status, 0), ==, t->pid);
  g_spawn_close_pid (t->pid);
  char buf[512];
  ssize_t got = read (t->err_fd, buf, sizeof buf - 1);
  buf[MAX (got, 0)] = '\0';
  g_test_message ("tcpdump stopped: %s", buf);
  close (t->err_fd);
  g_free (t->path);
}

/* A TCP connection with a request and an answer, and a UDP datagram, over
 * the loopback address of `family`. FALSE if the family has no loopback. */
static gboolean
loopback_traffic (int family)
{
  struct sockaddr_storage addr = { 0 };
  socklen_t len;
  if (family == AF_INET)
    {
      struct sockaddr_in *in = (struct sockaddr_in *) &addr;
      in->sin_family = AF_INET;
      in->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      len = sizeof *in;
    }
  else
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &addr;
      in6->sin6_family = AF_INET6;
      in6->sin6_addr = in6addr_loopback;
      len = sizeof *in6;
    }
  int listener = socket (family, SOCK_STREAM, 0);
  g_assert_cmpint (listener, >=, 0);
  if (bind (listener, (struct sockaddr *) &addr, len) != 0)
    {
      close (listener);
      return FALSE;
    }
  g_assert_cmpint (listen (listener, 1), ==, 0);
  struct sockaddr_storage bound;
  socklen_t bound_len = sizeof bound;
  g_assert_cmpint (getsockname (listener, (struct sockaddr *) &bound, &bound_len), ==, 0);
  int client = socket (family, SOCK_STREAM, 0);
  g_assert_cmpint (connect (client, (struct sockaddr *) &bound, bound_len), ==, 0);
  int server = accept (listener, NULL, NULL);
  g_assert_cmpint (server, >=, 0);
  static const char request[] = "GET / HTTP/1.0\r\n\r\n", answer[] = "HTTP/1.0 200 OK\r\n\r\nhello";
  char buf[64];
  g_assert_cmpint (send (client, request, sizeof request - 1, 0), ==, sizeof request - 1);
  g_assert_cmpint (recv (server, buf, sizeof buf, 0), ==, sizeof request - 1);
  g_assert_cmpint (send (server, answer, sizeof answer - 1, 0), ==, sizeof answer - 1);
  g_assert_cmpint (recv (client, buf, sizeof buf, 0), ==, sizeof answer - 1);
  close (client);
  g_assert_cmpint (recv (server, buf, sizeof buf, 0), ==, 0);
  close (server);
  close (listener);

  int receiver = socket (family, SOCK_DGRAM, 0);
  g_assert_cmpint (bind (receiver, (struct sockaddr *) &addr, len), ==, 0);
  bound_len = sizeof bound;
  g_assert_cmpint (getsockname (receiver, (struct sockaddr *) &bound, &bound_len), ==, 0);
  int sender = socket (family, SOCK_DGRAM, 0);
  g_assert_cmpint (sendto (sender, "datagram", 8, 0, (struct sockaddr *) &bound, bound_len), ==, 8);
  g_assert_cmpint (recv (receiver, buf, sizeof buf, 0), ==, 8);
  close (sender);
  close (receiver);
  return TRUE;
}

/* Sends a UDP datagram carrying `marker` to the IPv4 loopback. */
static void
send_marker (const char *marker)
{
  struct sockaddr_in to = { 0 };
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  to.sin_port = htons (9); /* discard: nobody listens, nothing answers but ICMP */
  int sock = socket (AF_INET, SOCK_DGRAM, 0);
  g_assert_cmpint (sendto (sock, marker, strlen (marker), 0, (struct sockaddr *) &to, sizeof to), ==,
                   (gssize) strlen (marker));
  close (sock);
}

/* Whether the capture at `path` (perhaps still being written) holds a packet with `marker` in it. */
static gboolean
capture_has (const char *path, const char *marker)
{
  g_autoptr (CraftCaptureReader) reader = craft_capture_reader_open (path, NULL, NULL);
  CraftCaptureRecord record;
  gsize n = strlen (marker);
  while (reader != NULL && craft_capture_reader_next (reader, &record, NULL))
    for (gsize i = 0; i + n <= record.captured; i++)
      if (memcmp (record.data + i, marker, n) == 0)
        return TRUE;
  return FALSE;
}

static void
test_real_capture (void)
{
  g_test_summary ("tcpdump captures ping and TCP and UDP over loopback (Ethernet on lo, SLL and SLL2 on any); "
                  "craft read --json agrees with tshark on every packet, field by field.");
  if (!have_tshark ())
    return;
  g_autofree char *ping = g_find_program_in_path ("ping");
  struct {
    const char *name, *interface, *linktype;
    Tcpdump t;
    gboolean running;
  } captures[] = {
    { "lo.pcap", "lo", NULL, { 0, NULL, -1 }, FALSE },
    { "any-sll.pcap", "any", "LINUX_SLL", { 0, NULL, -1 }, FALSE },
    { "any-sll2.pcap", "any", "LINUX_SLL2", { 0, NULL, -1 }, FALSE },
  };
  gboolean any = FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (captures); i++)
    {
      g_autofree char *path = tmp_path (captures[i].name);
      captures[i].running = tcpdump_start (&captures[i].t, path, captures[i].interface, captures[i].linktype);
      any |= captures[i].running;
    }
  if (!any)
    {
      g_test_skip ("tcpdump is not installed or cannot capture on lo (it needs root or CAP_NET_RAW)");
      return;
    }
  if (ping != NULL)
    {
      const char *argv[] = { ping, "-c", "3", "-i", "0.2", "-W", "2", "127.0.0.1", NULL };
      int status;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, NULL, NULL, &status, NULL));
    }
  g_assert_true (loopback_traffic (AF_INET));
  gboolean v6 = loopback_traffic (AF_INET6);
  /* tcpdump may take a while to write what it captured (-U writes each
   * packet, but it gets them from the kernel in batches): a last datagram
   * marks the end of the traffic, and each capture is stopped once it is in. */
  static const char marker[] = "craft-test: end of traffic";
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (gsize i = 0; i < G_N_ELEMENTS (captures); i++)
    while (captures[i].running && !capture_has (captures[i].t.path, marker))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        send_marker (marker);
        g_usleep (100 * 1000);
      }
  for (gsize i = 0; i < G_N_ELEMENTS (captures); i++)
    {
      if (!captures[i].running)
        continue;
      g_autofree char *path = g_strdup (captures[i].t.path);
      tcpdump_stop (&captures[i].t);
      guint n = compare_with_tshark (path);
      g_assert_cmpuint (n, >, 0);
      /* At least a handshake, data and a UDP datagram per address family;
       * loopback TCP may fold ACKs into data, and a loaded machine may drop
       * an echo, so only a floor is certain. The point is the field-by-field
       * agreement above, packet by packet. */
      g_assert_cmpuint (n, >=, captures[i].linktype != NULL ? 1u : 4u + (v6 ? 4u : 0u));
      g_auto (Run) run = { 0 };
      run_craft (&run, "read", path);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpuint (craft_test_count_lines (run.out), ==, n);
      const char *link = captures[i].linktype == NULL ? "Ether" : strcmp (captures[i].linktype, "LINUX_SLL") == 0
                                                                      ? "CookedLinux"
                                                                      : "CookedLinuxV2";
      /* On "any" a busy machine drops some of the loopback copies (each
       * packet is seen twice there); what was captured is compared above,
       * and the traffic itself is checked once, on lo. */
      if (captures[i].linktype != NULL)
        {
          g_remove (path);
          continue;
        }
      g_autofree char *tcp4 = g_strdup_printf (" %s / IP / TCP 127.0.0.1:", link);
      g_autofree char *udp4 = g_strdup_printf (" %s / IP / UDP 127.0.0.1:", link);
      assert_contains (run.out, tcp4);
      assert_contains (run.out, udp4);
      assert_contains (run.out, " PA / Raw\n");
      if (ping != NULL)
        {
          g_autofree char *icmp = g_strdup_printf (" %s / IP / ICMP 127.0.0.1 > 127.0.0.1 echo-request 0 / Raw", link);
          assert_contains (run.out, icmp);
        }
      if (v6)
        {
          g_autofree char *tcp6 = g_strdup_printf (" %s / IPv6 / TCP ::1:", link);
          assert_contains (run.out, tcp6);
        }
      g_remove (path);
    }
}

/* ---- Constant memory ---- */

/* The high-water mark of a process's resident memory (VmHWM), in KiB, or
 * -1 once it has exited. */
static long
vm_hwm_kib (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  if (!g_file_get_contents (path, &status, NULL, NULL))
    return -1;
  const char *line = strstr (status, "\nVmHWM:");
  return line != NULL ? strtol (line + strlen ("\nVmHWM:"), NULL, 10) : -1;
}

/* Runs craft with `args`, its output to /dev/null, and returns its peak
 * resident memory in KiB. getrusage() cannot tell: the child's maximum
 * includes the memory of this process, which the child was a copy of until
 * it ran craft. So VmHWM is sampled until the end; it only grows. */
static long
peak_rss_kib (const char *const *args, int *status)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) CRAFT_TOOL);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_auto (GStrv) envp = craft_environment (NULL);
  /* AddressSanitizer keeps freed memory in a quarantine (256 MiB by
   * default) before reusing it, which would measure the quarantine rather
   * than craft. A small one still catches a use soon after a free. */
  const char *asan = g_environ_getenv (envp, "ASAN_OPTIONS");
  g_autofree char *options = g_strdup_printf ("%s%squarantine_size_mb=4", asan ? asan : "", asan ? ":" : "");
  envp = g_environ_setenv (envp, "ASAN_OPTIONS", options, TRUE);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  g_assert_cmpint (posix_spawn (&pid, CRAFT_TOOL, &actions, NULL, (char **) argv->pdata, envp), ==, 0);
  posix_spawn_file_actions_destroy (&actions);
  long peak = -1;
  int wait_status;
  for (;;)
    {
      long now = vm_hwm_kib (pid);
      peak = MAX (peak, now);
      pid_t done = waitpid (pid, &wait_status, WNOHANG);
      g_assert_cmpint (done, >=, 0);
      if (done == pid)
        break;
      g_usleep (10 * 1000);
    }
  g_assert_true (WIFEXITED (wait_status));
  *status = WEXITSTATUS (wait_status);
  g_assert_cmpint (peak, >, 0);
  return peak;
}

static void
test_constant_memory (void)
{
  g_test_summary ("Reading 200,000 packets (50,000 under AddressSanitizer, which makes each take ten times "
                  "longer) as JSON streams: peak RSS stays under 64 MiB and barely above that of reading 2,000.");
#if defined(__SANITIZE_ADDRESS__)
  static const guint counts[] = { 2000, 50000 };
#else
  static const guint counts[] = { 2000, 200000 };
#endif
  long peak[2];
  g_autoptr (GBytes) bytes = build (mixed[3]);
  for (guint c = 0; c < 2; c++)
    {
      g_autofree char *name = g_strdup_printf ("large-%u.pcap", counts[c]);
      g_autofree char *path = tmp_path (name);
      pcap_t *dead = pcap_open_dead (DLT_EN10MB, 65535);
      pcap_dumper_t *dumper = pcap_dump_open (dead, path);
      struct pcap_pkthdr h = { 0 };
      h.caplen = h.len = (guint) g_bytes_get_size (bytes);
      for (guint i = 0; i < counts[c]; i++)
        {
          h.ts.tv_sec = 1700000000 + i / 1000;
          h.ts.tv_usec = i % 1000;
          pcap_dump ((u_char *) dumper, &h, g_bytes_get_data (bytes, NULL));
        }
      pcap_dump_close (dumper);
      pcap_close (dead);
      int status;
      gint64 start = g_get_monotonic_time ();
      peak[c] = peak_rss_kib ((const char *const[]){ "read", "--json", path, NULL }, &status);
      g_test_message ("%u packets: peak RSS %ld KiB, %.1f s", counts[c], peak[c],
                      (g_get_monotonic_time () - start) / 1e6);
      g_assert_cmpint (status, ==, 0);
      g_remove (path);
    }
  g_assert_cmpint (peak[1], <, 64 * 1024);
  /* Twenty-five or a hundred times the packets may not cost more than a few MiB more. */
  g_assert_cmpint (peak[1] - peak[0], <, 8 * 1024);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  tmpdir = g_dir_make_tmp ("craft-test-cli-read-XXXXXX", &error);
  g_assert_no_error (error);
  config_home = g_build_filename (tmpdir, "config", NULL);
  g_assert_cmpint (g_mkdir (config_home, 0700), ==, 0);

  g_test_add_func ("/cli-read/summary", test_summary);
  g_test_add_func ("/cli-read/count-filter", test_count_filter);
  g_test_add_func ("/cli-read/verbose", test_verbose);
  g_test_add_func ("/cli-read/json-lines", test_json_lines);
  g_test_add_func ("/cli-read/dns-over-tcp", test_dns_over_tcp);
  g_test_add_func ("/cli-read/tshark/crafted", test_tshark_crafted);
  g_test_add_func ("/cli-read/tshark/ntp", test_tshark_ntp);
  g_test_add_func ("/cli-read/tshark/segment-routing", test_tshark_segment_routing);
  g_test_add_func ("/cli-read/tshark/dhcp-options", test_tshark_dhcp_options);
  g_test_add_func ("/cli-read/linktypes", test_linktypes);
  g_test_add_func ("/cli-read/unknown-linktype", test_unknown_linktype);
  g_test_add_func ("/cli-read/damaged", test_damaged);
  g_test_add_func ("/cli-read/not-capture", test_not_capture);
  g_test_add_func ("/cli-read/fields", test_fields);
  g_test_add_func ("/cli-read/tshark/real-capture", test_real_capture);
  g_test_add_func ("/cli-read/tshark/checksum-verdicts", test_checksum_verdicts);
  g_test_add_func ("/cli-read/constant-memory", test_constant_memory);

  int status = g_test_run ();
  craft_test_remove_tree (tmpdir);
  g_free (config_home);
  g_free (tmpdir);
  return status;
}
