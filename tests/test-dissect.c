/* The dissector: layers chosen by bindings, field values and spans, findings on malformed input, summaries. */
#include <craft/craft.h>

#include "craft-limits.h"
#include "packet-private.h"

#include <stdarg.h>
#include <string.h>

static CraftRegistry *registry;

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static GByteArray *
from_hex (const char *hex)
{
  GByteArray *out = g_byte_array_new ();
  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]));
      g_byte_array_append (out, &b, 1);
    }
  return out;
}

static char *
to_hex (const guint8 *data, gsize len)
{
  GString *out = g_string_sized_new (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static CraftPacket *
dissect (const char *first, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  CraftPacket *p = craft_packet_new_from_bytes (registry, first, data, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
}

static CraftPacket *
dissect_hex (const char *first, const char *hex)
{
  g_autoptr (GByteArray) bytes = from_hex (hex);
  return dissect (first, bytes->data, bytes->len);
}

/* Asserts that building `p` gives back exactly `data`. */
static void
assert_rebuilds (CraftPacket *p, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) built = craft_packet_build (p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (built);
  gsize blen;
  const guint8 *b = g_bytes_get_data (built, &blen);
  if (blen != len || (len > 0 && memcmp (b, data, len) != 0))
    {
      g_autofree char *want = to_hex (data, len);
      g_autofree char *got = to_hex (b, blen);
      g_assert_cmpstr (got, ==, want);
    }
}

/* Asserts the packet's layer names, a NULL-terminated list. */
static void
assert_layers (CraftPacket *p, ...)
{
  va_list args;
  va_start (args, p);
  GString *want = g_string_new (NULL), *got = g_string_new (NULL);
  for (const char *name = va_arg (args, const char *); name != NULL; name = va_arg (args, const char *))
    g_string_append_printf (want, "%s%s", want->len ? " " : "", name);
  va_end (args);
  for (guint i = 0; i < craft_packet_get_n_layers (p); i++)
    g_string_append_printf (got, "%s%s", got->len ? " " : "", craft_layer_def_get_name (craft_packet_get_layer (p, i)));
  g_assert_cmpstr (got->str, ==, want->str);
  g_string_free (want, TRUE);
  g_string_free (got, TRUE);
}

static guint64
get (CraftPacket *p, guint layer, const char *field)
{
  g_autoptr (GError) error = NULL;
  guint64 v = G_MAXUINT64;
  g_assert_true (craft_packet_get_uint (p, layer, field, &v, &error));
  g_assert_no_error (error);
  return v;
}

static void
assert_format (CraftPacket *p, guint layer, const char *field, const char *want)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = craft_packet_format_field (p, layer, field, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, want);
}

static void
assert_span (CraftPacket *p, guint layer, const char *field, guint bit_offset, guint bit_length)
{
  guint off = G_MAXUINT, len = G_MAXUINT;
  g_assert_true (craft_packet_get_span (p, layer, field, &off, &len));
  g_assert_cmpuint (off, ==, bit_offset);
  g_assert_cmpuint (len, ==, bit_length);
}

static void
assert_layer_span (CraftPacket *p, guint layer, guint offset, guint header, guint length)
{
  guint o = G_MAXUINT, h = G_MAXUINT, l = G_MAXUINT;
  g_assert_true (craft_packet_get_layer_span (p, layer, &o, &h, &l));
  g_assert_cmpuint (o, ==, offset);
  g_assert_cmpuint (h, ==, header);
  g_assert_cmpuint (l, ==, length);
}

static void
assert_summary (CraftPacket *p, const char *want)
{
  g_autofree char *summary = craft_packet_summary (p);
  g_assert_cmpstr (summary, ==, want);
}

/* The finding with this message, or NULL (listing the findings there are). */
static const CraftFinding *
find_finding (CraftPacket *p, const char *message)
{
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    if (strcmp (craft_packet_get_finding (p, i)->message, message) == 0)
      return craft_packet_get_finding (p, i);
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    g_test_message ("finding: %s", craft_packet_get_finding (p, i)->message);
  return NULL;
}

static const CraftFinding *
find_kind (CraftPacket *p, CraftFindingKind kind)
{
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    if (craft_packet_get_finding (p, i)->kind == kind)
      return craft_packet_get_finding (p, i);
  return NULL;
}

static gint
field_index (CraftPacket *p, guint layer, const char *name)
{
  const CraftLayerDef *def = craft_packet_get_layer (p, layer);
  for (guint i = 0; i < craft_layer_def_get_n_fields (def); i++)
    if (strcmp (craft_field_def_get_name (craft_layer_def_get_field (def, i)), name) == 0)
      return (gint) i;
  return -1;
}

/* Scapy: Ether(dst="00:11:22:33:44:66", src="00:11:22:33:44:55")/IP(src="192.0.2.1", dst="192.0.2.2",
 * options=b"\x94\x04\x00\x00", id=0xabcd)/TCP(sport=1234, dport=443, seq=0x01020304, ack=0x0a0b0c0d,
 * flags="PA", window=512, options=[("MSS", 1460), ("NOP", None), ("NOP", None), ("SAckOK", b"")])
 * /b"Hello, world": 78 bytes, every part present. */
#define FULL_TCP                                                                                                       \
  "001122334466001122334455080046000040abcd00004006b5e2c0000201c00002029404000004d201bb010203040a0b0c0d70180200bc02"   \
  "0000020405b40101040248656c6c6f2c20776f726c64"

/* ------------------------------------------------------------------------
 * Layers chosen by the bindings
 * ------------------------------------------------------------------------ */

static void
test_bindings_ether_ip (void)
{
  g_test_summary ("Ether's type and IP's protocol choose IP, TCP, UDP and ICMP.");
  /* Scapy: Ether(...)/IP(src="192.0.2.1", dst="198.51.100.2")/TCP(sport=1234, dport=80, flags="SA") */
  g_autoptr (CraftPacket) tcp = dissect_hex (
    "Ether",
    "0011223344660011223344550800450000280001000040068e98c0000201c633640204d200500000000000000000501220009e790000");
  assert_layers (tcp, "Ether", "IP", "TCP", NULL);
  g_assert_cmpuint (craft_packet_get_n_findings (tcp), ==, 0);
  /* Scapy: Ether(...)/IP(src="192.0.2.1", dst="192.0.2.2")/UDP(sport=1234, dport=53)/b"hi" */
  g_autoptr (CraftPacket) udp
    = dissect_hex ("Ether", "00112233446600112233445508004500001e000100004011f6cac0000201c000020204d20035000a0e666869");
  assert_layers (udp, "Ether", "IP", "UDP", "Raw", NULL);
  /* Scapy: Ether(...)/IP(src="192.0.2.1", dst="192.0.2.2")/ICMP(type=0, id=0x1234, seq=3)/b"ping" */
  g_autoptr (CraftPacket) icmp = dissect_hex (
    "Ether", "001122334466001122334455080045000020000100004001f6d8c0000201c000020200000ef81234000370696e67");
  assert_layers (icmp, "Ether", "IP", "ICMP", "Raw", NULL);
  g_assert_cmpuint (get (icmp, 2, "id"), ==, 0x1234);
  g_assert_cmpuint (get (icmp, 2, "seq"), ==, 3);
  g_assert_false (craft_packet_has_field (icmp, 2, "gw"));
}

static void
test_bindings_vlan (void)
{
  g_test_summary ("Stacked 802.1Q tags, 0x8100 and 0x88a8, dissect as Dot1Q.");
  /* Scapy: Ether(...)/Dot1Q(vlan=10)/Dot1Q(vlan=20)/IP(src="192.0.2.1", dst="192.0.2.2")/TCP(sport=1234, dport=80) */
  g_autoptr (CraftPacket) p
    = dissect_hex ("Ether", "0011223344660011223344558100000a81000014080045000028000100004006f6cb"
                            "c0000201c000020204d2005000000000000000005002200006bd0000");
  assert_layers (p, "Ether", "Dot1Q", "Dot1Q", "IP", "TCP", NULL);
  g_assert_cmpuint (get (p, 1, "vlan"), ==, 10);
  g_assert_cmpuint (get (p, 2, "vlan"), ==, 20);
  g_assert_cmpuint (get (p, 2, "type"), ==, 0x0800);
  /* Scapy: Ether(...)/Dot1AD(vlan=100)/Dot1Q(vlan=200)/IP(src="192.0.2.1", dst="192.0.2.2"): 0x88a8
   * is bound for dissecting. */
  g_autoptr (CraftPacket) ad
    = dissect_hex ("Ether", "00112233446600112233445588a80064810000c8080045000014000100004000f6e5c0000201c0000202");
  assert_layers (ad, "Ether", "Dot1Q", "Dot1Q", "IP", NULL);
  assert_format (ad, 0, "type", "n_802_1AD");
  g_assert_cmpuint (get (ad, 1, "vlan"), ==, 100);
  g_assert_cmpuint (get (ad, 2, "vlan"), ==, 200);
}

static void
test_bindings_arp (void)
{
  g_test_summary ("A minimum-size ARP frame dissects as Ether, ARP and 18 bytes of Padding.");
  /* Scapy: Ether(dst="ff:ff:ff:ff:ff:ff", src="00:11:22:33:44:55")/ARP(hwsrc="00:11:22:33:44:55",
   * psrc="192.0.2.1", pdst="192.0.2.2")/Padding(load=b"\x00" * 18): a minimum-size frame. */
  g_autoptr (GByteArray) bytes
    = from_hex ("ffffffffffff00112233445508060001080006040001001122334455c0000201000000000000c0000202"
                "000000000000000000000000000000000000");
  g_assert_cmpuint (bytes->len, ==, 60);
  g_autoptr (CraftPacket) p = dissect ("Ether", bytes->data, bytes->len);
  assert_layers (p, "Ether", "ARP", "Padding", NULL);
  assert_layer_span (p, 1, 14, 28, 28);
  assert_layer_span (p, 2, 42, 18, 18);
  assert_format (p, 1, "op", "who-has");
  assert_format (p, 1, "hwsrc", "00:11:22:33:44:55");
  assert_format (p, 1, "psrc", "192.0.2.1");
  assert_format (p, 1, "pdst", "192.0.2.2");
  g_assert_cmpuint (get (p, 1, "hwlen"), ==, 6);
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);
  assert_rebuilds (p, bytes->data, bytes->len);
}

static void
test_bindings_icmp_error (void)
{
  g_test_summary ("An ICMP error's payload is the quoted IP packet; an echo's is Raw.");
  /* Scapy: IP(src="192.0.2.1", dst="192.0.2.2")/ICMP(type=3, code=3)/IP(src="192.0.2.2",
   * dst="192.0.2.1")/UDP(sport=5000, dport=53) */
  g_autoptr (CraftPacket) p
    = dissect_hex ("IP", "45000038000100004001f6c0c0000201c00002020303811a000000004500001c0001000040"
                         "11f6ccc0000202c0000201138800350008681d");
  assert_layers (p, "IP", "ICMP", "IP", "UDP", NULL);
  assert_format (p, 1, "type", "dest-unreach");
  assert_format (p, 1, "code", "port-unreachable");
  assert_format (p, 2, "src", "192.0.2.2");
  g_assert_cmpuint (get (p, 3, "sport"), ==, 5000);
  g_assert_false (craft_packet_has_field (p, 1, "id"));
  g_assert_true (craft_packet_has_field (p, 1, "nexthopmtu"));
  g_assert_cmpuint (craft_packet_verify (p), ==, 0);
  /* An echo's payload is not a quoted packet. */
  g_autoptr (CraftPacket) echo = dissect_hex (
    "IP", "4500003000010000400100000000000000000000080000000000000045000014000100004000f6e5c0000201c0000202");
  assert_layers (echo, "IP", "ICMP", "Raw", NULL);
}

static void
test_bindings_ip_in_ip (void)
{
  g_test_summary ("IP protocol 4 carries IP.");
  /* Scapy: IP(src="192.0.2.1", dst="192.0.2.2")/IP(src="10.0.0.1", dst="10.0.0.2")/TCP() */
  g_autoptr (CraftPacket) p
    = dissect_hex ("IP", "4500003c000100004004f6b9c0000201c00002024500002800010000400666cd0a00000"
                         "10a000002001400500000000000000000500220007b7c0000");
  assert_layers (p, "IP", "IP", "TCP", NULL);
  assert_layer_span (p, 0, 0, 20, 60);
  assert_layer_span (p, 1, 20, 20, 40);
  assert_layer_span (p, 2, 40, 20, 20);
  assert_summary (p, "IP / IP / TCP 10.0.0.1:ftp_data > 10.0.0.2:http S");
}

static void
test_bindings_unknown (void)
{
  g_test_summary ("Payload no binding claims is Raw; an unknown first layer is the only error.");
  /* Scapy: Ether(..., type=0x88b5)/b"xyz" */
  g_autoptr (CraftPacket) e = dissect_hex ("Ether", "00112233446600112233445588b578797a");
  assert_layers (e, "Ether", "Raw", NULL);
  g_autoptr (GBytes) load = craft_packet_get_bytes (e, 1, "load", NULL);
  g_assert_cmpmem (g_bytes_get_data (load, NULL), g_bytes_get_size (load), "xyz", 3);
  /* Scapy: Ether(...)/IP(src="192.0.2.1", dst="192.0.2.2", proto=253)/b"unknown" */
  g_autoptr (CraftPacket) ip
    = dissect_hex ("Ether", "00112233446600112233445508004500001b0001000040fdf5e1c0000201c0000202756e6b6e6f776e");
  assert_layers (ip, "Ether", "IP", "Raw", NULL);
  assert_summary (ip, "Ether / 192.0.2.1 > 192.0.2.2 253 / Raw");
  /* A first layer that is not loaded is the only error. */
  g_autoptr (GError) error = NULL;
  CraftPacket *none = craft_packet_new_from_bytes (registry, "NoSuchLayer", (const guint8 *) "x", 1, &error);
  g_assert_null (none);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_LAYER);
}

/* ------------------------------------------------------------------------
 * Padding
 * ------------------------------------------------------------------------ */

static void
test_padding_ethernet (void)
{
  g_test_summary ("Bytes after IP.len in a minimum-size frame are Padding, outside every layer's length.");
  /* Scapy: Ether(...)/IP(src="192.0.2.1", dst="192.0.2.2")/TCP(sport=1234, dport=80)/Padding(load=b"\x00" * 6) */
  g_autoptr (GByteArray) bytes
    = from_hex ("001122334466001122334455080045000028000100004006f6cbc0000201c000020204d20050"
                "00000000000000005002200006bd0000000000000000");
  g_autoptr (CraftPacket) p = dissect ("Ether", bytes->data, bytes->len);
  assert_layers (p, "Ether", "IP", "TCP", "Padding", NULL);
  assert_layer_span (p, 3, 54, 6, 6);
  /* IP ends where its length says; Ether, which has no length, carries the whole frame. */
  assert_layer_span (p, 0, 0, 14, 60);
  assert_layer_span (p, 1, 14, 20, 40);
  g_autoptr (GBytes) load = craft_packet_get_bytes (p, 3, "load", NULL);
  g_assert_cmpuint (g_bytes_get_size (load), ==, 6);
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);
  g_assert_cmpuint (craft_packet_verify (p), ==, 0);
  assert_summary (p, "Ether / IP / TCP 192.0.2.1:1234 > 192.0.2.2:http S / Padding");
  assert_rebuilds (p, bytes->data, bytes->len);
}

static void
test_padding_nested (void)
{
  g_test_summary ("UDP padding inside IP's length comes before IP's padding, and both rebuild in place.");
  /* Scapy: Ether(...)/IP(src="192.0.2.1", dst="192.0.2.2", len=32)/UDP(sport=1, dport=2, len=10)
   * /b"abcd"/Padding(load=b"ZZZZ"): UDP ends 2 bytes before IP, IP 4 bytes before the frame. */
  g_autoptr (GByteArray) bytes
    = from_hex ("001122334466001122334455080045000020000100004011f6c8c0000201c000020200010002000ab70a616263645a5a5a5a");
  g_autoptr (CraftPacket) p = dissect ("Ether", bytes->data, bytes->len);
  /* Innermost padding first, as Scapy shows it. */
  assert_layers (p, "Ether", "IP", "UDP", "Raw", "Padding", "Padding", NULL);
  assert_layer_span (p, 0, 0, 14, 50);
  assert_layer_span (p, 1, 14, 20, 32);
  assert_layer_span (p, 2, 34, 8, 10);
  assert_layer_span (p, 3, 42, 2, 2);
  assert_layer_span (p, 4, 44, 2, 2);
  assert_layer_span (p, 5, 46, 4, 4);
  g_autoptr (GBytes) inner = craft_packet_get_bytes (p, 4, "load", NULL);
  g_assert_cmpmem (g_bytes_get_data (inner, NULL), g_bytes_get_size (inner), "cd", 2);
  g_autoptr (GBytes) outer = craft_packet_get_bytes (p, 5, "load", NULL);
  g_assert_cmpmem (g_bytes_get_data (outer, NULL), g_bytes_get_size (outer), "ZZZZ", 4);
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);
  assert_summary (p, "Ether / IP / UDP 192.0.2.1:1 > 192.0.2.2:2 / Raw / Padding / Padding");
  assert_rebuilds (p, bytes->data, bytes->len);

  /* Edited, the lengths are computed afresh with every padding left out of
   * them, as Scapy does. Scapy: p[UDP].dport = 7, then del p[IP].len,
   * p[IP].chksum, p[UDP].len and p[UDP].chksum. */
  g_assert_true (craft_packet_set_uint (p, 2, "dport", 7, NULL));
  g_autoptr (GBytes) built = craft_packet_build (p, NULL);
  g_autofree char *hex = to_hex (g_bytes_get_data (built, NULL), g_bytes_get_size (built));
  g_assert_cmpstr (hex, ==,
                   "00112233446600112233445508004500001e000100004011f6cac0000201c000020200010007000a1a6c6162"
                   "63645a5a5a5a");
}

/* ------------------------------------------------------------------------
 * Field values and byte spans
 * ------------------------------------------------------------------------ */

static void
test_fields_spans (void)
{
  g_test_summary ("Every field's value and bit span, and every layer's span, can be read back.");
  g_autoptr (GByteArray) bytes = from_hex (FULL_TCP);
  g_assert_cmpuint (bytes->len, ==, 78);
  g_autoptr (CraftPacket) p = dissect ("Ether", bytes->data, bytes->len);
  assert_layers (p, "Ether", "IP", "TCP", "Raw", NULL);
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);

  assert_format (p, 0, "dst", "00:11:22:33:44:66");
  assert_format (p, 0, "src", "00:11:22:33:44:55");
  assert_format (p, 0, "type", "IPv4");
  assert_span (p, 0, "dst", 0, 48);
  assert_span (p, 0, "src", 48, 48);
  assert_span (p, 0, "type", 96, 16);

  static const struct {
    const char *name;
    guint64 value;
    guint bit, bits;
  } ip[] = {
    { "version", 4, 112, 4 },  { "ihl", 6, 116, 4 },          { "tos", 0, 120, 8 },   { "len", 64, 128, 16 },
    { "id", 0xabcd, 144, 16 }, { "flags", 0, 160, 3 },        { "frag", 0, 163, 13 }, { "ttl", 64, 176, 8 },
    { "proto", 6, 184, 8 },    { "chksum", 0xb5e2, 192, 16 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ip); i++)
    {
      g_assert_cmpuint (get (p, 1, ip[i].name), ==, ip[i].value);
      assert_span (p, 1, ip[i].name, ip[i].bit, ip[i].bits);
    }
  assert_format (p, 1, "src", "192.0.2.1");
  assert_format (p, 1, "dst", "192.0.2.2");
  assert_format (p, 1, "proto", "tcp");
  assert_span (p, 1, "src", 208, 32);
  assert_span (p, 1, "dst", 240, 32);
  assert_span (p, 1, "options", 272, 32);
  g_autoptr (GBytes) options = craft_packet_get_bytes (p, 1, "options", NULL);
  g_assert_cmpmem (g_bytes_get_data (options, NULL), g_bytes_get_size (options), "\x94\x04\x00\x00", 4);

  static const struct {
    const char *name;
    guint64 value;
    guint bit, bits;
  } tcp[] = {
    { "sport", 1234, 304, 16 },     { "dport", 443, 320, 16 },  { "seq", 0x01020304, 336, 32 },
    { "ack", 0x0a0b0c0d, 368, 32 }, { "dataofs", 7, 400, 4 },   { "reserved", 0, 404, 3 },
    { "flags", 0x18, 407, 9 },      { "window", 512, 416, 16 }, { "chksum", 0xbc02, 432, 16 },
    { "urgptr", 0, 448, 16 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (tcp); i++)
    {
      g_assert_cmpuint (get (p, 2, tcp[i].name), ==, tcp[i].value);
      assert_span (p, 2, tcp[i].name, tcp[i].bit, tcp[i].bits);
    }
  assert_format (p, 2, "dport", "https");
  assert_format (p, 2, "flags", "PA");
  assert_span (p, 2, "options", 464, 64);
  assert_span (p, 3, "load", 528, 96);
  g_autoptr (GBytes) load = craft_packet_get_bytes (p, 3, "load", NULL);
  g_assert_cmpmem (g_bytes_get_data (load, NULL), g_bytes_get_size (load), "Hello, world", 12);

  assert_layer_span (p, 0, 0, 14, 78);
  assert_layer_span (p, 1, 14, 24, 64);
  assert_layer_span (p, 2, 38, 28, 40);
  assert_layer_span (p, 3, 66, 12, 12);
  g_assert_cmpuint (craft_packet_verify (p), ==, 0);

  /* Absent fields have no span; an edit makes spans stale until the next build. */
  guint off, len;
  g_assert_false (craft_packet_get_span (p, 2, "nosuchfield", &off, &len));
  g_assert_true (craft_packet_set_uint (p, 1, "ttl", 3, NULL));
  g_assert_false (craft_packet_get_span (p, 1, "ttl", &off, &len));
  g_autoptr (GBytes) built = craft_packet_build (p, NULL);
  (void) built;
  assert_span (p, 1, "ttl", 176, 8);
  g_assert_cmpuint (get (p, 1, "ttl"), ==, 3);

  g_autoptr (CraftPacket) icmp
    = dissect_hex ("IP", "45000038000100004001f6c0c0000201c00002020303811a000000004500001c000100"
                         "004011f6ccc0000202c0000201138800350008681d");
  g_assert_false (craft_packet_get_span (icmp, 1, "id", &off, &len));
  assert_span (icmp, 1, "nexthopmtu", 20 * 8 + 48, 16);
}

/* ------------------------------------------------------------------------
 * Malformed input
 * ------------------------------------------------------------------------ */

/* Every prefix of a full packet: findings say where it was cut, and
 * rebuilding gives back exactly the prefix. */
static void
test_malformed_truncated (void)
{
  g_test_summary ("Every prefix of a full packet is recorded as truncated and rebuilds to itself.");
  g_autoptr (GByteArray) full = from_hex (FULL_TCP);
  for (guint len = 0; len <= full->len; len++)
    {
      /* A copy of exactly `len` bytes, so that ASan catches a read past it. */
      guint8 *data = g_memdup2 (full->data, len);
      g_autoptr (CraftPacket) p = dissect ("Ether", data, len);
      guint n = craft_packet_get_n_findings (p);
      if (len == full->len)
        g_assert_cmpuint (n, ==, 0);
      else
        g_assert_cmpuint (n, >=, 1);
      for (guint i = 0; i < n; i++)
        {
          const CraftFinding *f = craft_packet_get_finding (p, i);
          g_assert_nonnull (f->message);
          g_assert_cmpuint (f->offset, <=, len);
          g_assert_cmpuint (f->offset + f->length, <=, len);
        }
      const CraftFinding *first = n > 0 ? craft_packet_get_finding (p, 0) : NULL;
      if (len < 14)
        {
          /* The Ethernet header itself is cut: field by field. */
          g_assert_cmpint (first->kind, ==, CRAFT_FINDING_TRUNCATED);
          g_assert_cmpuint (first->layer, ==, 0);
          /* The layer is dropped for Raw, so the finding names no field index; the message names it. */
          g_assert_cmpint (first->field, ==, -1);
          g_assert_cmpuint (first->offset, ==, len < 6 ? 0 : len < 12 ? 6 : 12);
          g_assert_cmpuint (first->length, ==, len - first->offset);
          g_assert_true (g_str_has_prefix (first->message, len < 6    ? "Ether.dst "
                                                           : len < 12 ? "Ether.src "
                                                                      : "Ether.type "));
          if (len == 0)
            {
              /* Nothing to hold the bytes: the finding's layer is one past the last. */
              g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 0);
              g_assert_cmpstr (first->message, ==, "Ether.dst needs 6 bytes at offset 0, 0 present");
            }
          else
            assert_layers (p, "Raw", NULL);
        }
      else if (len < 34)
        {
          g_assert_cmpint (first->kind, ==, CRAFT_FINDING_TRUNCATED);
          g_assert_cmpuint (first->layer, ==, 1);
          g_assert_cmpint (first->field, ==, -1);
          g_assert_true (g_str_has_prefix (first->message, "IP."));
          if (len == 14)
            {
              /* Ether says IPv4 and nothing follows. */
              assert_layers (p, "Ether", NULL);
              g_assert_cmpuint (first->layer, ==, 1);
              g_assert_cmpstr (first->message, ==, "IP.version needs 1 byte at offset 14, 0 present");
            }
          else
            assert_layers (p, "Ether", "Raw", NULL);
        }
      else if (len < full->len)
        {
          /* IP's header is there: its length says more than is present. */
          g_autofree char *message = g_strdup_printf ("IP length says 64, %u bytes present", len - 14);
          const CraftFinding *f = find_finding (p, message);
          g_assert_nonnull (f);
          g_assert_cmpint (f->kind, ==, CRAFT_FINDING_LENGTH);
          g_assert_cmpuint (f->layer, ==, 1);
          g_assert_cmpint (f->field, ==, -1);
          g_assert_cmpuint (f->offset, ==, 14);
          g_assert_cmpuint (f->length, ==, len - 14);
          if (len < 38)
            {
              /* The options are cut. */
              const CraftFinding *o = find_kind (p, CRAFT_FINDING_TRUNCATED);
              g_assert_nonnull (o);
              g_assert_cmpuint (o->layer, ==, 1);
              g_assert_cmpint (o->field, ==, field_index (p, 1, "options"));
              g_assert_cmpuint (o->offset, ==, 34);
            }
          else if (len < 66)
            {
              const CraftFinding *t = find_kind (p, CRAFT_FINDING_TRUNCATED);
              g_assert_nonnull (t);
              g_assert_cmpuint (t->layer, ==, 2);
              g_assert_cmpuint (t->offset, >=, 38);
            }
          else
            {
              /* Only the payload is cut: nothing but the length finding. */
              if (len == 66)
                assert_layers (p, "Ether", "IP", "TCP", NULL);
              else
                assert_layers (p, "Ether", "IP", "TCP", "Raw", NULL);
              g_assert_cmpuint (n, ==, 1);
            }
        }
      assert_rebuilds (p, data, len);
      /* The data is missing, not wrong: verify has nothing to add. */
      g_assert_cmpuint (craft_packet_verify (p), ==, 0);
      /* Summaries and trees of a cut packet work and change nothing. */
      g_autofree char *summary = craft_packet_summary (p);
      g_autofree char *show = craft_packet_show (p, NULL);
      (void) show;
      g_assert_nonnull (summary);
      assert_rebuilds (p, data, len);
      g_free (data);
    }
}

static void
test_malformed_ip_length (void)
{
  g_test_summary ("IP lengths larger or smaller than the data, or than the header, are findings.");
  /* IP.len says 60, the data has 40 bytes. */
  g_autoptr (GByteArray) longer
    = from_hex ("4500003c000100004006f6cbc0000201c000020204d2005000000000000000005002200006bd0000");
  g_autoptr (CraftPacket) p = dissect ("IP", longer->data, longer->len);
  const CraftFinding *f = find_finding (p, "IP length says 60, 40 bytes present");
  g_assert_nonnull (f);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_LENGTH);
  g_assert_cmpuint (f->layer, ==, 0);
  g_assert_cmpint (f->field, ==, -1);
  g_assert_cmpuint (f->offset, ==, 0);
  g_assert_cmpuint (f->length, ==, 40);
  assert_layers (p, "IP", "TCP", NULL);
  assert_rebuilds (p, longer->data, longer->len);

  /* IP.len says 30: TCP gets 10 bytes and is cut; the last 10 are Padding. */
  g_autoptr (GByteArray) shorter
    = from_hex ("4500001e000100004006f6cbc0000201c000020204d2005000000000000000005002200006bd0000");
  g_autoptr (CraftPacket) q = dissect ("IP", shorter->data, shorter->len);
  assert_layers (q, "IP", "Raw", "Padding", NULL);
  assert_layer_span (q, 0, 0, 20, 30);
  assert_layer_span (q, 1, 20, 10, 10);
  assert_layer_span (q, 2, 30, 10, 10);
  f = find_kind (q, CRAFT_FINDING_TRUNCATED);
  g_assert_nonnull (f);
  g_assert_cmpuint (f->layer, ==, 1);
  /* TCP was dropped for Raw: the finding points at the Raw layer, no field, and names TCP's field. */
  g_assert_cmpint (f->field, ==, -1);
  g_assert_cmpuint (f->offset, ==, 28);
  g_assert_cmpuint (f->length, ==, 2);
  g_assert_cmpstr (f->message, ==, "TCP.ack needs 4 bytes at offset 28, 2 present");
  assert_rebuilds (q, shorter->data, shorter->len);

  /* IP.len less than the header. */
  g_autoptr (GByteArray) tiny
    = from_hex ("4500000a000100004006f6cbc0000201c000020204d2005000000000000000005002200006bd0000");
  g_autoptr (CraftPacket) r = dissect ("IP", tiny->data, tiny->len);
  f = find_finding (r, "IP length says 10, less than its 20-byte header");
  g_assert_nonnull (f);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_LENGTH);
  g_assert_cmpuint (f->offset, ==, 0);
  g_assert_cmpuint (f->length, ==, 20);
  assert_layers (r, "IP", "TCP", NULL);
  assert_rebuilds (r, tiny->data, tiny->len);
}

static void
test_malformed_header_length (void)
{
  g_test_summary ("IHL and data offsets under 5 words, and options past the end, are findings.");
  /* IHL 4: less than the 5 words of the fixed header. */
  g_autoptr (GByteArray) ihl
    = from_hex ("44000028000100004006f6cbc0000201c000020204d2005000000000000000005002200006bd0000");
  g_autoptr (CraftPacket) p = dissect ("IP", ihl->data, ihl->len);
  const CraftFinding *f = find_kind (p, CRAFT_FINDING_INVALID);
  g_assert_nonnull (f);
  g_assert_cmpuint (f->layer, ==, 0);
  g_assert_cmpint (f->field, ==, field_index (p, 0, "options"));
  g_assert_cmpuint (f->offset, ==, 20);
  g_assert_cmpuint (f->length, ==, 0);
  g_assert_nonnull (strstr (f->message, "IP.options"));
  g_assert_cmpuint (get (p, 0, "ihl"), ==, 4);
  assert_rebuilds (p, ihl->data, ihl->len);

  /* TCP data offset 2. */
  g_autoptr (GByteArray) dataofs
    = from_hex ("45000028000100004006f6cbc0000201c000020204d2005000000000000000002002200006bd0000");
  g_autoptr (CraftPacket) q = dissect ("IP", dataofs->data, dataofs->len);
  assert_layers (q, "IP", "TCP", NULL);
  f = find_kind (q, CRAFT_FINDING_INVALID);
  g_assert_nonnull (f);
  g_assert_cmpuint (f->layer, ==, 1);
  g_assert_cmpint (f->field, ==, field_index (q, 1, "options"));
  g_assert_cmpuint (f->offset, ==, 40);
  assert_rebuilds (q, dataofs->data, dataofs->len);

  /* TCP data offset 15: 40 bytes of options, 8 present. */
  g_autoptr (GByteArray) past = from_hex ("45000030000100004006f6cbc0000201c000020204d20050000000000000000"
                                          "0f002200006bd0000020405b401010402");
  g_autoptr (CraftPacket) r = dissect ("IP", past->data, past->len);
  f = find_finding (r, "TCP.options should be 40 bytes, 8 present");
  g_assert_nonnull (f);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_TRUNCATED);
  g_assert_cmpuint (f->layer, ==, 1);
  g_assert_cmpint (f->field, ==, field_index (r, 1, "options"));
  g_assert_cmpuint (f->offset, ==, 40);
  g_assert_cmpuint (f->length, ==, 8);
  assert_rebuilds (r, past->data, past->len);

  /* ... and with a byte count that is not a multiple of 4: no alignment added. */
  g_autoptr (GByteArray) odd = from_hex ("4500002f000100004006f6cbc0000201c000020204d20050000000000000000"
                                         "0f002200006bd0000020405b4010104");
  g_autoptr (CraftPacket) s = dissect ("IP", odd->data, odd->len);
  g_assert_nonnull (find_finding (s, "TCP.options should be 40 bytes, 7 present"));
  assert_rebuilds (s, odd->data, odd->len);
}

/* Random bytes: dissection never reads out of bounds (ASan checks the
 * exact-size copies), and a dissected packet always rebuilds to its bytes. */
static void
test_malformed_random (void)
{
  g_test_summary ("Random bytes never crash the dissector and always rebuild to themselves.");
  static const char *others[] = { "Dot1Q", "ARP", "ICMP", "TCP", "UDP" };
  static const guint16 ethertypes[] = { 0x0800, 0x8100, 0x0806, 0x88a8 };
  guint reached = 0;
  for (guint iteration = 0; iteration < 10000; iteration++)
    {
      gsize len = (gsize) g_test_rand_int_range (0, 201);
      guint8 *data = g_malloc (MAX (len, 1));
      for (gsize i = 0; i < len; i++)
        data[i] = (guint8) g_test_rand_int_range (0, 256);
      /* Make plausible headers common enough to reach the upper layers. */
      if (len > 0 && iteration % 2 == 0)
        data[0] = (guint8) (0x40 | (data[0] & 0x0f));
      if (len > 13 && iteration % 3 == 0)
        {
          guint16 type = ethertypes[iteration / 3 % G_N_ELEMENTS (ethertypes)];
          data[12] = (guint8) (type >> 8), data[13] = (guint8) type;
        }
      if (len > 23 && iteration % 3 == 0)
        data[14] = 0x45, data[23] = (guint8) (iteration % 5 == 0 ? 1 : iteration % 5 == 1 ? 6 : 17);
      /* From Ether and IP every time, from the other layers in turn. */
      const char *firsts[] = { "Ether", "IP", others[iteration % G_N_ELEMENTS (others)] };
      for (gsize k = 0; k < G_N_ELEMENTS (firsts); k++)
        {
          guint8 *exact = g_memdup2 (data, len);
          g_autoptr (CraftPacket) p = dissect (firsts[k], exact, len);
          g_assert_cmpuint (craft_packet_get_n_layers (p), <=, CRAFT_MAX_LAYERS);
          for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
            {
              const CraftFinding *f = craft_packet_get_finding (p, i);
              g_assert_cmpuint (f->offset + f->length, <=, len);
              g_assert_cmpuint (f->layer, <=, craft_packet_get_n_layers (p));
            }
          assert_rebuilds (p, exact, len);
          for (guint i = 0; i < craft_packet_get_n_layers (p); i++)
            {
              const char *name = craft_layer_def_get_name (craft_packet_get_layer (p, i));
              if (strcmp (name, "TCP") == 0 || strcmp (name, "UDP") == 0 || strcmp (name, "ICMP") == 0)
                reached++;
            }
          if (iteration % 10 == 0)
            {
              g_autofree char *summary = craft_packet_summary (p);
              (void) summary;
              g_autofree char *show = craft_packet_show (p, NULL);
              (void) show;
              craft_packet_verify (p);
              assert_rebuilds (p, exact, len);
              g_autoptr (CraftPacket) copy = craft_packet_copy (p);
              assert_rebuilds (copy, exact, len);
              /* Edited, it builds (or fails cleanly) whatever the bytes were. */
              gint ip = craft_packet_find_layer (copy, "IP", 0);
              if (ip >= 0)
                {
                  g_assert_true (craft_packet_set_uint (copy, (guint) ip, "ttl", 1, NULL));
                  g_autoptr (GError) error = NULL;
                  g_autoptr (GBytes) edited = craft_packet_build (copy, &error);
                  g_assert_true ((edited == NULL) == (error != NULL));
                  g_autofree char *edited_summary = craft_packet_summary (copy);
                  (void) edited_summary;
                  if (edited != NULL)
                    {
                      g_autoptr (CraftPacket) again
                        = dissect (firsts[k], g_bytes_get_data (edited, NULL), g_bytes_get_size (edited));
                      guint before = craft_packet_get_n_findings (again);
                      guint added = craft_packet_verify (again);
                      if (added > 0)
                        {
                          g_autofree char *h1 = to_hex (exact, len);
                          g_autofree char *h2 = to_hex (g_bytes_get_data (edited, NULL), g_bytes_get_size (edited));
                          g_test_message ("%s %s -> %s: %s", firsts[k], h1, h2,
                                          craft_packet_get_finding (again, before)->message);
                        }
                      g_assert_cmpuint (added, ==, 0);
                    }
                }
            }
          g_free (exact);
        }
      g_free (data);
    }
  /* The random headers got past IP often enough to test the upper layers. */
  g_assert_cmpuint (reached, >, 1000);
}

/* More than CRAFT_MAX_PACKET_BYTES: the rest is left out, and said so. */
static void
test_malformed_too_large (void)
{
  g_test_summary ("Data past CRAFT_MAX_PACKET_BYTES is left out, with a finding.");
  gsize len = CRAFT_MAX_PACKET_BYTES + 10;
  guint8 *data = g_malloc0 (len);
  g_autoptr (CraftPacket) p = dissect ("Ether", data, len);
  g_free (data);
  g_autofree char *message
    = g_strdup_printf ("the packet is %zu bytes; only the first %u are dissected", len, CRAFT_MAX_PACKET_BYTES);
  const CraftFinding *f = find_finding (p, message);
  g_assert_nonnull (f);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_TRUNCATED);
  g_assert_cmpuint (f->offset, ==, CRAFT_MAX_PACKET_BYTES);
  assert_layers (p, "Ether", "Raw", NULL);
  assert_layer_span (p, 1, 14, CRAFT_MAX_PACKET_BYTES - 14, CRAFT_MAX_PACKET_BYTES - 14);
  g_assert_cmpuint (craft_packet_verify (p), ==, 0);
}

/* A chain of `depth` IP-in-IP headers; each outer length exceeds what it
 * carries by `slack` bytes, which become Padding. */
static GByteArray *
ip_chain (guint depth, guint slack)
{
  GByteArray *out = g_byte_array_new ();
  for (guint k = 0; k < depth; k++)
    {
      guint total = 20 * (depth - k) + slack * (depth - k);
      guint8 h[20] = { 0x45,
                       0,
                       (guint8) (total >> 8),
                       (guint8) total,
                       0,
                       1,
                       0,
                       0,
                       64,
                       k + 1 < depth ? 4 : 253,
                       0,
                       0,
                       10,
                       0,
                       0,
                       (guint8) k,
                       10,
                       0,
                       0,
                       (guint8) (k + 1) };
      guint32 sum = 0;
      for (guint i = 0; i < 20; i += 2)
        sum += (guint32) (h[i] << 8 | h[i + 1]);
      while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >> 16);
      h[10] = (guint8) (~sum >> 8), h[11] = (guint8) ~sum;
      g_byte_array_append (out, h, 20);
    }
  for (guint k = 0; k < depth * slack; k++)
    g_byte_array_append (out, (const guint8 *) "P", 1);
  return out;
}

static void
test_malformed_max_layers (void)
{
  g_test_summary ("A deep IP-in-IP chain stops at CRAFT_MAX_LAYERS, the rest as Raw.");
  for (guint slack = 0; slack <= 1; slack++)
    {
      g_autoptr (GByteArray) bytes = ip_chain (100, slack);
      g_autoptr (CraftPacket) p = dissect ("IP", bytes->data, bytes->len);
      guint n = craft_packet_get_n_layers (p);
      g_assert_cmpuint (n, <=, CRAFT_MAX_LAYERS);
      g_assert_cmpuint (n, >=, CRAFT_MAX_LAYERS / (slack + 1) - 2);
      g_autofree char *message
        = g_strdup_printf ("more than %d layers; the rest is left as raw bytes", CRAFT_MAX_LAYERS);
      const CraftFinding *f = find_finding (p, message);
      g_assert_nonnull (f);
      g_assert_cmpint (f->kind, ==, CRAFT_FINDING_INVALID);
      g_assert_cmpuint (f->offset + f->length, <=, bytes->len);
      assert_rebuilds (p, bytes->data, bytes->len);
      guint before = craft_packet_get_n_findings (p);
      guint added = craft_packet_verify (p);
      for (guint i = before; i < craft_packet_get_n_findings (p); i++)
        g_test_message ("%s", craft_packet_get_finding (p, i)->message);
      g_assert_cmpuint (added, ==, 0);
    }
  /* A chain within the limit dissects whole. */
  g_autoptr (GByteArray) small = ip_chain (10, 1);
  g_autoptr (CraftPacket) q = dissect ("IP", small->data, small->len);
  /* Ten IP, the innermost's one-byte payload, and a byte of padding for each of the nine outer ones. */
  g_assert_cmpuint (craft_packet_get_n_layers (q), ==, 10 + 1 + 9);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (q, 10)), ==, "Raw");
  g_assert_cmpuint (craft_packet_get_n_findings (q), ==, 0);
  assert_rebuilds (q, small->data, small->len);
}

/* ------------------------------------------------------------------------
 * Summaries and trees
 * ------------------------------------------------------------------------ */

static void
test_summary (void)
{
  g_test_summary ("Summaries read as Scapy's: the innermost layer that has one speaks.");
  static const struct {
    const char *first, *hex, *summary;
  } cases[] = {
    /* Every hex is Scapy's bytes for the expression, and the summary Scapy's, except where noted. */
    { "Ether",
      "0011223344660011223344550800450000280001000040068e98c0000201c633640204d200500000000000000000501220009e790000",
      "Ether / IP / TCP 192.0.2.1:1234 > 198.51.100.2:http SA" },
    { "Ether", "ffffffffffff00112233445508060001080006040001001122334455c0000201000000000000c0000202",
      "Ether / ARP who has 192.0.2.2 says 192.0.2.1" },
    { "Ether", "00112233445500112233446608060001080006040002001122334466c0000202001122334455c0000201",
      "Ether / ARP is at 00:11:22:33:44:66 says 192.0.2.2" },
    { "Ether", "0011223344660011223344558100000a0000",
      "Ether / 802.1q 00:11:22:33:44:55 > 00:11:22:33:44:66 (0x0) vlan 10" },
    { "IP", "4500001c000100004001f6dcc0000201c00002020800f7ff00000000",
      "IP / ICMP 192.0.2.1 > 192.0.2.2 echo-request 0" },
    { "Ether", "001122334466001122334455080045000020000100004001f6d8c0000201c000020200000ef81234000370696e67",
      "Ether / IP / ICMP 192.0.2.1 > 192.0.2.2 echo-reply 0 / Raw" },
    { "Ether", "00112233446600112233445588b578797a", "00:11:22:33:44:55 > 00:11:22:33:44:66 (0x88b5) / Raw" },
    { "Ether", "00112233446600112233445508004500001c000120054000d6d8c0000201c0000202667261676d656e74",
      "Ether / 192.0.2.1 > 192.0.2.2 hopopt frag:5 / Raw" },
    /* Scapy names the quoted layers IPerror / UDPerror; craft has one IP and one UDP. */
    { "IP",
      "45000038000100004001f6c0c0000201c00002020303811a000000004500001c000100004011f6ccc0000202c0000201138800350008681"
      "d",
      "IP / ICMP / IP / UDP 192.0.2.2:5000 > 192.0.2.1:domain" },
    /* Scapy calls the 0x88a8 tag Dot1AD. */
    { "Ether", "00112233446600112233445588a80064810000c8080045000014000100004000f6e5c0000201c0000202",
      "Ether / Dot1Q / Dot1Q / 192.0.2.1 > 192.0.2.2 hopopt" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CraftPacket) p = dissect_hex (cases[i].first, cases[i].hex);
      assert_summary (p, cases[i].summary);
    }
  /* A packet never built is built for its summary. */
  g_autoptr (CraftPacket) built = craft_packet_new_from_expression (
    registry, "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP(sport=1234, dport=22, flags=\"FA\")", NULL);
  assert_summary (built, "IP / TCP 192.0.2.1:1234 > 192.0.2.2:ssh FA");
  /* ... and built again once changed: the source follows the new destination. */
  g_autoptr (CraftPacket) routed = craft_packet_new_from_expression (registry, "IP()/ICMP()", NULL);
  assert_summary (routed, "IP / ICMP 127.0.0.1 > 127.0.0.1 echo-request 0");
  g_assert_true (craft_packet_set_text (routed, 0, "dst", "127.0.0.2", NULL));
  g_assert_true (craft_packet_set_text (routed, 1, "type", "echo-reply", NULL));
  assert_summary (routed, "IP / ICMP 127.0.0.1 > 127.0.0.2 echo-reply 0");
}

static void
test_show (void)
{
  g_test_summary ("The tree shows computed values and names beside numbers.");
  g_autoptr (CraftPacket) p = dissect_hex (
    "Ether",
    "0011223344660011223344550800450000280001000040068e98c0000201c633640204d200500000000000000000501220009e790000");
  g_autoptr (GError) error = NULL;
  g_autofree char *show = craft_packet_show (p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (show);
  const char *lines[] = {
    "###[ Ethernet ]###\n",
    "  type      = IPv4 (0x800)\n",
    "###[ IP ]###\n",
    "     len       = 40\n",
    "     proto     = tcp (6)\n",
    "     chksum    = 0x8e98\n",
    "     src       = 192.0.2.1\n",
    "###[ TCP ]###\n",
    "        dport     = http (80)\n",
    "        flags     = SA (0x12)\n",
    "        chksum    = 0x9e79\n",
    "        dataofs   = 5\n",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      if (strstr (show, lines[i]) == NULL)
        g_test_message ("%s", show);
      g_assert_nonnull (strstr (show, lines[i]));
    }
  /* Headings come in layer order. */
  g_assert_true (strstr (show, "###[ IP ]###") < strstr (show, "###[ TCP ]###"));

  /* Built from an expression, the tree shows the computed values. */
  g_autoptr (CraftPacket) q = craft_packet_new_from_expression (
    registry, "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP(sport=1234, dport=53)/\"hi\"", NULL);
  g_autofree char *tree = craft_packet_show (q, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (tree, "  len       = 30\n"));
  g_assert_nonnull (strstr (tree, "  chksum    = 0xf6ca\n"));
  g_assert_nonnull (strstr (tree, "  proto     = udp (17)\n"));
  g_assert_nonnull (strstr (tree, "     len       = 10\n"));
  g_assert_nonnull (strstr (tree, "     dport     = domain (53)\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new ();
  if (!craft_registry_load_builtin (registry, &error))
    g_error ("%s", error->message);

  g_test_add_func ("/dissect/bindings/ether-ip", test_bindings_ether_ip);
  g_test_add_func ("/dissect/bindings/vlan", test_bindings_vlan);
  g_test_add_func ("/dissect/bindings/arp", test_bindings_arp);
  g_test_add_func ("/dissect/bindings/icmp-error", test_bindings_icmp_error);
  g_test_add_func ("/dissect/bindings/ip-in-ip", test_bindings_ip_in_ip);
  g_test_add_func ("/dissect/bindings/unknown", test_bindings_unknown);
  g_test_add_func ("/dissect/padding/ethernet", test_padding_ethernet);
  g_test_add_func ("/dissect/padding/nested", test_padding_nested);
  g_test_add_func ("/dissect/fields-spans", test_fields_spans);
  g_test_add_func ("/dissect/malformed/truncated", test_malformed_truncated);
  g_test_add_func ("/dissect/malformed/ip-length", test_malformed_ip_length);
  g_test_add_func ("/dissect/malformed/header-length", test_malformed_header_length);
  g_test_add_func ("/dissect/malformed/random", test_malformed_random);
  g_test_add_func ("/dissect/malformed/max-layers", test_malformed_max_layers);
  g_test_add_func ("/dissect/malformed/too-large", test_malformed_too_large);
  g_test_add_func ("/dissect/summary", test_summary);
  g_test_add_func ("/dissect/show", test_show);

  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
