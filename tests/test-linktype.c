/* Tests for link-type layers, IPv6 and `guard`: choosing among layers bound to the same value or link type. */
#include <craft/craft.h>

#include <glib.h>
#include <string.h>

#include "model.h"

static CraftRegistry *
builtin (void)
{
  g_autoptr (GError) error = NULL;
  CraftRegistry *reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, &error));
  g_assert_no_error (error);
  return reg;
}

static GBytes *
from_hex (const char *hex)
{
  gsize n = strlen (hex) / 2;
  guint8 *data = g_malloc (n + 1);
  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (data, n);
}

static CraftPacket *
dissect (CraftRegistry *reg, const char *first, const char *hex)
{
  g_autoptr (GBytes) bytes = from_hex (hex);
  g_autoptr (GError) error = NULL;
  CraftPacket *packet
    = craft_packet_new_from_bytes (reg, first, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return packet;
}

/* The names of a packet's layers, joined by '/'. */
static char *
layer_names (CraftPacket *packet)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < craft_packet_get_n_layers (packet); i++)
    g_string_append_printf (out, "%s%s", i ? "/" : "",
                            craft_layer_def_get_name (craft_packet_get_layer (packet, i)));
  return g_string_free (out, FALSE);
}

static void
assert_layers (CraftRegistry *reg, const char *first, const char *hex, const char *names)
{
  g_autoptr (CraftPacket) packet = dissect (reg, first, hex);
  g_autofree char *got = layer_names (packet);
  g_assert_cmpstr (got, ==, names);
}

static void
assert_uint (CraftPacket *packet, guint layer, const char *field, guint64 expected)
{
  guint64 value;
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_packet_get_uint (packet, layer, field, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (value, ==, expected);
}

/* ---- Scapy's bytes for the new layers ---- */

/* Scapy 2.5's bytes(expression).hex() and summary(). */
static const struct {
  const char *expression;
  const char *hex;
  const char *summary;
} scapy[] = {
  { "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/TCP(sport=1234,dport=80,flags=\"SA\")/\"GET /\"",
    "600000000019064020010db800000000000000000000000120010db800000000000000000000000204d20050000000000000000050122000"
    "64d10000474554202f",
    "IPv6 / TCP 2001:db8::1:1234 > 2001:db8::2:http SA / Raw" },
  { "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\",hlim=7,tc=3,fl=0x12345)/UDP(sport=1234,dport=9)/\"hi\"",
    "60312345000a110720010db800000000000000000000000120010db800000000000000000000000204d20009000a37216869",
    "IPv6 / UDP 2001:db8::1:1234 > 2001:db8::2:discard / Raw" },
  { "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/UDP(sport=1,dport=2)",
    "45000044000100004029f68cc0000201c0000202600000000008114020010db800000000000000000000000120010db80000000000000000"
    "00000002000100020008a466",
    "IP / IPv6 / UDP 2001:db8::1:1 > 2001:db8::2:2" },
  { "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/TCP()",
    "600000000028044020010db800000000000000000000000120010db800000000000000000000000245000028000100004006f6cbc0000201"
    "c0000202001400500000000000000000500220000b7b0000",
    "IPv6 / IP / TCP 192.0.2.1:ftp_data > 192.0.2.2:http S" },
  { "CookedLinux(pkttype=4,lladdrtype=772,lladdrlen=6,src=b\"\\x00\\x11\\x22\\x33\\x44\\x55\\x00\\x00\")"
    "/IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(sport=1234,dport=53)",
    "000403040006001122334455000008004500001c000100004011f6ccc0000201c000020204d20035000876d3",
    "CookedLinux / IP / UDP 192.0.2.1:1234 > 192.0.2.2:domain" },
  { "CookedLinuxV2(ifindex=3,pkttype=1,lladdrtype=1,lladdrlen=6)/IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")"
    "/UDP(sport=1234,dport=53)",
    "86dd000000000003000101060000000000000000600000000008114020010db800000000000000000000000120010db80000000000000000"
    "0000000204d2003500089f62",
    "CookedLinuxV2 / IPv6 / UDP 2001:db8::1:1234 > 2001:db8::2:domain" },
  { "Ether(dst=\"00:11:22:33:44:55\",src=\"66:77:88:99:aa:bb\")/IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")"
    "/TCP(sport=1,dport=2,flags=\"S\")",
    "00112233445566778899aabb86dd600000000014064020010db800000000000000000000000120010db80000000000000000000000020001"
    "0002000000000000000050022000346b0000",
    NULL /* Scapy names port 1 tcpmux */ },
  { "Loopback()/IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/ICMP()",
    "020000004500001c000100004001f6dcc0000201c00002020800f7ff00000000",
    "Loopback / IP / ICMP 192.0.2.1 > 192.0.2.2 echo-request 0" },
};

static void
test_scapy_bytes (void)
{
  g_test_summary ("IPv6, CookedLinux, CookedLinuxV2 and Loopback build Scapy's bytes and summaries (IPv6 "
                  "pseudo-header checksums included), and dissect back to the same layers.");
  g_autoptr (CraftRegistry) reg = builtin ();
  for (gsize i = 0; i < G_N_ELEMENTS (scapy); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (reg, scapy[i].expression, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) built = craft_packet_build (packet, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) expected = from_hex (scapy[i].hex);
      g_assert_cmpmem (g_bytes_get_data (built, NULL), g_bytes_get_size (built), g_bytes_get_data (expected, NULL),
                       g_bytes_get_size (expected));
      if (scapy[i].summary != NULL)
        {
          g_autofree char *summary = craft_packet_summary (packet);
          g_assert_cmpstr (summary, ==, scapy[i].summary);
        }
      /* Dissected from its first layer, it has the same layers and verifies. */
      g_autofree char *built_names = layer_names (packet);
      const char *first = craft_layer_def_get_name (craft_packet_get_layer (packet, 0));
      g_autoptr (CraftPacket) back = dissect (reg, first, scapy[i].hex);
      g_autofree char *names = layer_names (back);
      g_assert_cmpstr (names, ==, built_names);
      g_assert_cmpuint (craft_packet_verify (back), ==, 0);
      g_assert_cmpuint (craft_packet_get_n_findings (back), ==, 0);
    }
}

static void
test_ipv6_fields (void)
{
  g_test_summary ("IPv6 dissects Scapy's fields; Payload Length bounds the payload, the rest is Padding.");
  g_autoptr (CraftRegistry) reg = builtin ();
  /* The second vector, with two bytes of padding after it. */
  g_autoptr (CraftPacket) packet
    = dissect (reg, "IPv6",
               "60312345000a110720010db800000000000000000000000120010db800000000000000000000000204d20009000a37216869"
               "0000");
  g_autofree char *names = layer_names (packet);
  g_assert_cmpstr (names, ==, "IPv6/UDP/Raw/Padding");
  assert_uint (packet, 0, "version", 6);
  assert_uint (packet, 0, "tc", 3);
  assert_uint (packet, 0, "fl", 0x12345);
  assert_uint (packet, 0, "plen", 10);
  assert_uint (packet, 0, "nh", 17);
  assert_uint (packet, 0, "hlim", 7);
  g_autofree char *src = craft_packet_format_field (packet, 0, "src", NULL);
  g_assert_cmpstr (src, ==, "2001:db8::1");
  g_autofree char *nh = craft_packet_format_field (packet, 0, "nh", NULL);
  g_assert_cmpstr (nh, ==, "UDP");
  g_assert_cmpuint (craft_packet_verify (packet), ==, 0);

  /* A wrong UDP checksum over IPv6 is found against the IPv6 pseudo-header. */
  g_autoptr (CraftPacket) bad
    = dissect (reg, "IPv6",
               "60312345000a110720010db800000000000000000000000120010db800000000000000000000000204d20009000a37206869");
  g_assert_cmpuint (craft_packet_verify (bad), ==, 1);
  g_assert_nonnull (strstr (craft_packet_get_finding (bad, 0)->message, "should be 0x3721"));
}

/* ---- Link types ---- */

static void
test_linktype_layers (void)
{
  g_test_summary ("Each link type craft reads is bound to its first layer, and that layer to what it carries.");
  g_autoptr (CraftRegistry) reg = builtin ();
  static const struct {
    int linktype;
    const char *hex;
    const char *names;
  } cases[] = {
    /* DLT_NULL: AF_INET 2 and each system's AF_INET6, little-endian. */
    { 0, "020000004500001c000100004001f6dcc0000201c00002020800f7ff00000000", "Loopback/IP/ICMP" },
    { 0, "18000000600000000000" "3b40" "00000000000000000000000000000001" "00000000000000000000000000000001",
      "Loopback/IPv6" },
    { 0, "1c000000600000000000" "3b40" "00000000000000000000000000000001" "00000000000000000000000000000001",
      "Loopback/IPv6" },
    { 0, "1e000000600000000000" "3b40" "00000000000000000000000000000001" "00000000000000000000000000000001",
      "Loopback/IPv6" },
    { 0, "07000000abcd", "Loopback/Raw" },
    /* SLL and SLL2 with IPv4, IPv6 and ARP. */
    { 113, "000403040006001122334455000008004500001c000100004011f6ccc0000201c000020204d20035000876d3",
      "CookedLinux/IP/UDP" },
    { 113, "0001" "0001" "0006" "66778899aabb0000" "0806" "0001080006040001001122334455c0000201000000000000c0000202",
      "CookedLinux/ARP" },
    { 276,
      "86dd000000000003000101060000000000000000600000000008114020010db800000000000000000000000120010db8000000000000"
      "00000000000204d2003500089f62",
      "CookedLinuxV2/IPv6/UDP" },
    /* Raw IP: the version chooses. */
    { 12, "4500001c000100004001f6dcc0000201c00002020800f7ff00000000", "IP/ICMP" },
    { 12, "6000000000003b4000000000000000000000000000000001" "00000000000000000000000000000001", "IPv6" },
    { 101, "4500001c000100004001f6dcc0000201c00002020800f7ff00000000", "IP/ICMP" },
    { 228, "4500001c000100004001f6dcc0000201c00002020800f7ff00000000", "IP/ICMP" },
    { 229, "6000000000003b4000000000000000000000000000000001" "00000000000000000000000000000001", "IPv6" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) bytes = from_hex (cases[i].hex);
      const CraftLayerDef *first = craft_registry_lookup_linktype_for_data (
        reg, cases[i].linktype, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_assert_nonnull (first);
      assert_layers (reg, craft_layer_def_get_name (first), cases[i].hex, cases[i].names);
    }
}

static void
test_raw_ip_guard (void)
{
  g_test_summary ("On raw IP the guards choose IP for version 4 and IPv6 for version 6; another version, or no "
                  "byte at all, is Raw; a link type with one layer takes it whatever the bytes; none is NULL.");
  g_autoptr (CraftRegistry) reg = builtin ();
  const CraftLayerDef *ip = craft_registry_lookup_layer (reg, "IP");
  const CraftLayerDef *ipv6 = craft_registry_lookup_layer (reg, "IPv6");
  const CraftLayerDef *raw = craft_registry_lookup_layer (reg, "Raw");
  static const guint8 v4[] = { 0x45 }, v6[] = { 0x60 }, v5[] = { 0x50 }, v0[] = { 0x00 };
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 12, v4, 1) == ip);
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 12, v6, 1) == ipv6);
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 12, v5, 1) == raw);
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 12, v0, 1) == raw);
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 12, v4, 0) == raw);
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 12, NULL, 0) == raw);
  /* One layer per link type: no choice to make. */
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 228, v6, 1) == ip);
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 229, v4, 1) == ipv6);
  g_assert_true (craft_registry_lookup_linktype_for_data (reg, 1, v4, 1)
                 == craft_registry_lookup_layer (reg, "Ether"));
  g_assert_null (craft_registry_lookup_linktype_for_data (reg, 147, v4, 1));
  g_assert_null (craft_registry_lookup_linktype (reg, 147));

  /* Ether.type 0x0800 has one layer: a bad version still dissects as IP. */
  assert_layers (reg, "Ether",
                 "000000000000000000000000" "0800" "5500001c000100004001f6dcc0000201c00002020800f7ff00000000",
                 "Ether/IP/ICMP");
}

static void
test_linktype_for (void)
{
  g_test_summary ("craft_registry_get_linktype_for gives the link type a capture of packets starting with a "
                  "layer is written with: DLT_RAW for IP and IPv6 alike, -1 for a layer with none.");
  g_autoptr (CraftRegistry) reg = builtin ();
  static const struct {
    const char *layer;
    int linktype;
  } cases[] = {
    { "Ether", 1 }, { "IP", 12 }, { "IPv6", 12 }, { "CookedLinux", 113 }, { "CookedLinuxV2", 276 },
    { "Loopback", 0 }, { "TCP", -1 }, { "Raw", -1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (craft_registry_get_linktype_for (reg, craft_registry_lookup_layer (reg, cases[i].layer)), ==,
                     cases[i].linktype);
}

/* ---- guard ---- */

/* Two layers bound to the same UDP port, told apart by a leading field. */
static const char guarded[] = "layer Alpha {\n"
                              "  magic: u16;\n"
                              "  kind: u4;\n"
                              "  spare: u4;\n"
                              "  value: u8;\n"
                              "  guard magic == 0xa1fa && kind in { 1, 2 };\n"
                              "}\n"
                              "layer Beta {\n"
                              "  magic: u16;\n"
                              "  value: u32 le;\n"
                              "  guard magic == 0xbe7a && (value & 0xff) != 0;\n"
                              "}\n"
                              "layer Gamma {\n"
                              "  kind: u8;\n"
                              "  guard kind == 7;\n"
                              "}\n"
                              "bind UDP.dport == 7777 -> Alpha;\n"
                              "bind UDP.dport == 7777 -> Beta;\n"
                              "bind UDP.dport == 8888 -> Gamma;\n";

static CraftRegistry *
guarded_registry (void)
{
  CraftRegistry *reg = builtin ();
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_registry_load_data (reg, "guarded.pdl", guarded, -1, &error));
  g_assert_no_error (error);
  return reg;
}

/* IP/UDP to `dport` carrying `payload` (hex), as built by craft. */
static char *
udp_hex (guint dport, const char *payload)
{
  g_autoptr (CraftRegistry) reg = builtin ();
  g_autofree char *expression
    = g_strdup_printf ("IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(sport=1,dport=%u)", dport);
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (reg, expression, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) payload_bytes = from_hex (payload);
  g_assert_true (craft_packet_push_layer (packet, "Raw", &error));
  g_assert_true (craft_packet_set_bytes (packet, 2, "load", g_bytes_get_data (payload_bytes, NULL),
                                         g_bytes_get_size (payload_bytes), &error));
  g_autoptr (GBytes) bytes = craft_packet_build (packet, &error);
  g_assert_no_error (error);
  GString *hex = g_string_new (NULL);
  for (gsize i = 0; i < g_bytes_get_size (bytes); i++)
    g_string_append_printf (hex, "%02x", ((const guint8 *) g_bytes_get_data (bytes, NULL))[i]);
  return g_string_free (hex, FALSE);
}

static void
test_guard_choose (void)
{
  g_test_summary ("Among layers bound to the same value, dissection takes the first whose guard holds, else Raw; "
                  "a guard that would read past the payload does not hold; a lone candidate ignores its guard.");
  g_autoptr (CraftRegistry) reg = guarded_registry ();
  static const struct {
    guint dport;
    const char *payload;
    const char *names;
  } cases[] = {
    { 7777, "a1fa1005", "IP/UDP/Alpha" },         /* Alpha's guard holds (Beta, newer, would fail) */
    { 7777, "a1fa2005", "IP/UDP/Alpha" },
    { 7777, "a1fa3005", "IP/UDP/Raw" },           /* kind 3: neither */
    { 7777, "be7a01000000", "IP/UDP/Beta" },      /* value 1, little-endian */
    { 7777, "be7a00010000", "IP/UDP/Raw" },       /* value 0x100: low byte 0 */
    { 7777, "be7a01", "IP/UDP/Raw" },             /* Beta's guard reads 6 bytes; 3 are there */
    { 7777, "a1", "IP/UDP/Raw" },
    { 7777, "", "IP/UDP" },
    { 8888, "07", "IP/UDP/Gamma" },
    { 8888, "08", "IP/UDP/Gamma" },               /* the only candidate: taken anyway */
    { 9999, "07", "IP/UDP/Raw" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *hex = udp_hex (cases[i].dport, cases[i].payload);
      g_test_message ("%u %s", cases[i].dport, cases[i].payload);
      assert_layers (reg, "IP", hex, cases[i].names);
    }

  /* The newest binding still comes first: a later layer without a guard takes the port. */
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_registry_load_data (reg, "delta.pdl",
                                           "layer Delta { x: u8; }\nbind UDP.dport == 7777 -> Delta;\n", -1, &error));
  g_assert_no_error (error);
  g_autofree char *hex = udp_hex (7777, "a1fa1005");
  assert_layers (reg, "IP", hex, "IP/UDP/Delta/Raw");
}

static void
test_guard_compiled (void)
{
  g_test_summary ("A guard compiles to the bit offsets of the fields it reads and the bytes it needs.");
  g_autoptr (CraftRegistry) reg = guarded_registry ();
  const CraftLayerDef *alpha = craft_registry_lookup_layer (reg, "Alpha");
  g_assert_nonnull (alpha->guard);
  g_assert_cmpuint (alpha->guard_bytes, ==, 3);
  const CraftLayerDef *beta = craft_registry_lookup_layer (reg, "Beta");
  g_assert_cmpuint (beta->guard_bytes, ==, 6);
  const CraftLayerDef *ip = craft_registry_lookup_layer (reg, "IP");
  g_assert_cmpuint (ip->guard_bytes, ==, 1);
  g_assert_null (craft_registry_lookup_layer (reg, "TCP")->guard);
  static const guint8 kind1[] = { 0xa1, 0xfa, 0x1f }, kind1_short[] = { 0xa1, 0xfa };
  g_assert_true (craft__layer_guard_holds (alpha, kind1, sizeof kind1));
  g_assert_false (craft__layer_guard_holds (alpha, kind1_short, sizeof kind1_short));
  g_assert_true (craft__layer_guard_holds (craft_registry_lookup_layer (reg, "TCP"), NULL, 0));
}

static void
test_guard_errors (void)
{
  g_test_summary ("A guard may read only integer fields at a fixed place and use no function; errors say where "
                  "and why.");
  static const struct {
    const char *text;
    guint line, column;
    const char *message;
  } cases[] = {
    { "layer L {\n  a: u8;\n  b: bytes(a);\n  c: u8;\n  guard c == 1;\n}\n", 5, 9,
      "a guard reads only fields at a fixed place: 'c' follows 'b', which is of variable size" },
    { "layer L {\n  a: u8;\n  b: u8 if a == 1;\n  c: u8;\n  guard a == 1 && c == 2;\n}\n", 5, 19,
      "a guard reads only fields at a fixed place: 'c' follows 'b', which is conditional" },
    { "layer L {\n  a: u8;\n  b: u8 if a == 1;\n  guard b == 2;\n}\n", 4, 9,
      "a guard reads only fields that are always present; 'b' is conditional" },
    { "layer L {\n  a: ipv4;\n  guard a == 1;\n}\n", 3, 9, "a guard reads integer fields; 'a' is ipv4" },
    { "layer L {\n  a: u8;\n  guard len(payload) > 2;\n}\n", 3, 9,
      "a guard is tested on the bytes before the layer is read: it cannot use len()" },
    /* A function of a field is placed at the field's name, as elsewhere. */
    { "layer L {\n  a: u8;\n  guard is_set(a);\n}\n", 3, 16,
      "a guard is tested on the bytes before the layer is read: it cannot use is_set()" },
    { "layer L {\n  a: u8;\n  guard b == 1;\n}\n", 3, 9, "'b' is not a field of layer 'L'" },
    { "layer L {\n  a: u8;\n  guard a == 1;\n  guard a == 2;\n}\n", 4, 3, "layer 'L' already has a guard" },
    { "layer L {\n  a: u8;\n  guard a ==;\n}\n", 3, 13, "expected a number, a field name, a function or '(', found ';'" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CraftRegistry) reg = builtin ();
      g_autoptr (GError) error = NULL;
      g_assert_false (craft_registry_load_data (reg, "g.pdl", cases[i].text, -1, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      CraftErrorLocation loc;
      g_assert_true (craft_error_get_location (error, &loc));
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpuint (loc.line, ==, cases[i].line);
      g_assert_cmpuint (loc.column, ==, cases[i].column);
    }
  /* Fields after a variable one are fine when the guard does not read them. */
  g_autoptr (CraftRegistry) reg = builtin ();
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_registry_load_data (
    reg, "ok.pdl", "layer L {\n  a: u8;\n  b: bytes(a);\n  c: u8;\n  guard a > 0 ? a < 9 : 0;\n}\n", -1, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/linktype/scapy-bytes", test_scapy_bytes);
  g_test_add_func ("/linktype/ipv6-fields", test_ipv6_fields);
  g_test_add_func ("/linktype/layers", test_linktype_layers);
  g_test_add_func ("/linktype/raw-ip-guard", test_raw_ip_guard);
  g_test_add_func ("/linktype/linktype-for", test_linktype_for);
  g_test_add_func ("/linktype/guard/choose", test_guard_choose);
  g_test_add_func ("/linktype/guard/compiled", test_guard_compiled);
  g_test_add_func ("/linktype/guard/errors", test_guard_errors);
  return g_test_run ();
}
