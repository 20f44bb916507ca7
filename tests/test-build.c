/* The builder: defaults, computed lengths and checksums, bindings, user values, edits after dissecting, verify. */
#include <craft/craft.h>

#include "packet-private.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static CraftRegistry *registry;

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static CraftPacket *
parse (const char *expression)
{
  g_autoptr (GError) error = NULL;
  CraftPacket *p = craft_packet_new_from_expression (registry, expression, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
}

static GBytes *
build (CraftPacket *p)
{
  g_autoptr (GError) error = NULL;
  GBytes *bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static char *
to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_sized_new (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static GBytes *
from_hex (const char *hex)
{
  gsize n = strlen (hex) / 2;
  guint8 *data = g_malloc (MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (data, n);
}

static void
assert_builds (const char *expression, const char *hex)
{
  g_autoptr (CraftPacket) p = parse (expression);
  g_autoptr (GBytes) bytes = build (p);
  g_autofree char *got = to_hex (bytes);
  if (strcmp (got, hex) != 0)
    g_test_message ("%s", expression);
  g_assert_cmpstr (got, ==, hex);
}

static CraftPacket *
dissect_hex (const char *first, const char *hex)
{
  g_autoptr (GBytes) bytes = from_hex (hex);
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  CraftPacket *p = craft_packet_new_from_bytes (registry, first, data, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
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
set (CraftPacket *p, guint layer, const char *field, guint64 value)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_packet_set_uint (p, layer, field, value, &error));
  g_assert_no_error (error);
}

static void
set_text (CraftPacket *p, guint layer, const char *field, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_packet_set_text (p, layer, field, text, &error));
  g_assert_no_error (error);
}

static char *
format (CraftPacket *p, guint layer, const char *field)
{
  g_autoptr (GError) error = NULL;
  char *text = craft_packet_format_field (p, layer, field, &error);
  g_assert_no_error (error);
  return text;
}

/* The reference Internet checksum of RFC 1071, written out plainly: the
 * one's complement of the one's-complement sum of 16-bit big-endian words,
 * an odd last byte padded with zero. Over data that includes a correct
 * checksum it gives 0. */
static guint16
ref_sum (const guint8 *data, gsize len)
{
  guint32 sum = 0;
  for (gsize i = 0; i < len; i += 2)
    {
      sum += (guint32) data[i] << 8;
      if (i + 1 < len)
        sum += data[i + 1];
      while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >> 16);
    }
  return (guint16) ~sum;
}

static guint16
rd16 (const guint8 *d, gsize off)
{
  return (guint16) (d[off] << 8 | d[off + 1]);
}

/* The reference checksum over the IPv4 pseudo-header and a TCP/UDP segment
 * of the IP packet at `ip` in `data`. 0 when the segment's checksum is right. */
static guint16
ref_transport_sum (const guint8 *data, gsize ip, guint8 proto)
{
  gsize ihl = (data[ip] & 0xf) * 4u;
  gsize seg_len = rd16 (data, ip + 2) - ihl;
  g_autoptr (GByteArray) all = g_byte_array_new ();
  g_byte_array_append (all, data + ip + 12, 8);
  guint8 tail[4] = { 0, proto, (guint8) (seg_len >> 8), (guint8) seg_len };
  g_byte_array_append (all, tail, 4);
  g_byte_array_append (all, data + ip + ihl, (guint) seg_len);
  return ref_sum (all->data, all->len);
}

/* The address the kernel would send from toward `dst`, asked with a UDP
 * connect() (nothing is sent); 0.0.0.0 when there is no route. */
static void
kernel_source (const char *dst, char out[INET_ADDRSTRLEN])
{
  g_strlcpy (out, "0.0.0.0", INET_ADDRSTRLEN);
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  g_assert_cmpint (fd, >=, 0);
  struct sockaddr_in sin = { 0 };
  sin.sin_family = AF_INET;
  sin.sin_port = htons (9);
  g_assert_cmpint (inet_pton (AF_INET, dst, &sin.sin_addr), ==, 1);
  socklen_t len = sizeof sin;
  if (connect (fd, (struct sockaddr *) &sin, sizeof sin) == 0 && getsockname (fd, (struct sockaddr *) &sin, &len) == 0)
    inet_ntop (AF_INET, &sin.sin_addr, out, INET_ADDRSTRLEN);
  close (fd);
}

/* The MAC of the interface of the default route, found another way than the
 * library does (SIOCGIFHWADDR); all zeros when there is no default route. */
static void
default_interface_mac (guint8 mac[6])
{
  memset (mac, 0, 6);
  g_autofree char *table = NULL;
  if (!g_file_get_contents ("/proc/net/route", &table, NULL, NULL))
    return;
  g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char name[IF_NAMESIZE + 1];
      unsigned int destination, gateway, flags;
      if (sscanf (lines[i], "%16s %x %x %x", name, &destination, &gateway, &flags) != 4 || destination != 0
          || (flags & 1) == 0)
        continue;
      int fd = socket (AF_INET, SOCK_DGRAM, 0);
      struct ifreq req = { 0 };
      g_strlcpy (req.ifr_name, name, sizeof req.ifr_name);
      if (fd >= 0 && ioctl (fd, SIOCGIFHWADDR, &req) == 0)
        memcpy (mac, req.ifr_hwaddr.sa_data, 6);
      if (fd >= 0)
        close (fd);
      return;
    }
}

/* ------------------------------------------------------------------------
 * Defaults of each standard layer
 * ------------------------------------------------------------------------ */

static void
test_defaults_ether (void)
{
  g_test_summary (
    "Ether() is broadcast from the default route's interface, type 0x9000; toward lo its source is zero.");
  g_autoptr (CraftPacket) p = parse ("Ether()");
  g_autoptr (GBytes) bytes = build (p);
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (len, ==, 14);
  static const guint8 broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  g_assert_cmpmem (d, 6, broadcast, 6);
  /* As Scapy: with nothing above to route, the source is the MAC of the
   * interface of the default route (conf.iface). */
  guint8 mac[6];
  default_interface_mac (mac);
  g_assert_cmpmem (d + 6, 6, mac, 6);
  g_assert_cmpuint (rd16 (d, 12), ==, 0x9000);
  g_autofree char *type = format (p, 0, "type");
  g_assert_cmpstr (type, ==, "0x9000");

  /* Toward 127.0.0.1 the loopback interface has an all-zero MAC: Scapy's
   * bytes(Ether()/IP()). */
  assert_builds ("Ether()/IP()", "ffffffffffff0000000000000800450000140001000040007ce77f0000017f000001");
}

static void
test_defaults_dot1q (void)
{
  g_test_summary ("Dot1Q() is priority 0, VLAN 1, type 0, as Scapy builds it.");
  /* bytes(Dot1Q()) */
  assert_builds ("Dot1Q()", "00010000");
  g_autoptr (CraftPacket) p = parse ("Dot1Q()");
  g_autoptr (GBytes) bytes = build (p);
  (void) bytes;
  g_assert_cmpuint (get (p, 0, "prio"), ==, 0);
  g_assert_cmpuint (get (p, 0, "id"), ==, 0);
  g_assert_cmpuint (get (p, 0, "vlan"), ==, 1);
  g_assert_cmpuint (get (p, 0, "type"), ==, 0);
  /* bytes(Dot1Q(prio=7, id=1, vlan=4094)) */
  assert_builds ("Dot1Q(prio=7, id=1, vlan=4094)", "fffe0000");
}

static void
test_defaults_arp (void)
{
  g_test_summary ("ARP() fills lengths, who-has and the sender the kernel routes pdst from; user values win.");
  /* Toward 127.0.0.1 the source is 127.0.0.1 on lo, whose MAC is zero:
   * Scapy's bytes(ARP(pdst="127.0.0.1")). */
  assert_builds ("ARP(pdst=\"127.0.0.1\")", "00010800060400010000000000007f0000010000000000007f000001");

  g_autoptr (CraftPacket) p = parse ("ARP(pdst=\"192.0.2.1\")");
  g_autoptr (GBytes) bytes = build (p);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 28);
  g_assert_cmpuint (get (p, 0, "hwtype"), ==, 1);
  g_assert_cmpuint (get (p, 0, "ptype"), ==, 0x0800);
  g_assert_cmpuint (get (p, 0, "hwlen"), ==, 6);
  g_assert_cmpuint (get (p, 0, "plen"), ==, 4);
  g_assert_cmpuint (get (p, 0, "op"), ==, 1);
  g_autofree char *op = format (p, 0, "op");
  g_assert_cmpstr (op, ==, "who-has");
  g_autofree char *hwdst = format (p, 0, "hwdst");
  g_assert_cmpstr (hwdst, ==, "00:00:00:00:00:00");
  /* psrc is what the kernel's routing table says for pdst. */
  char want[INET_ADDRSTRLEN];
  kernel_source ("192.0.2.1", want);
  g_autofree char *psrc = format (p, 0, "psrc");
  g_assert_cmpstr (psrc, ==, want);
  /* A user's value wins over the route. */
  g_autoptr (CraftPacket) q = parse ("ARP(pdst=\"192.0.2.1\", psrc=\"198.51.100.7\", hwlen=8, plen=2)");
  g_autoptr (GBytes) qb = build (q);
  g_autofree char *qpsrc = format (q, 0, "psrc");
  g_assert_cmpstr (qpsrc, ==, "198.51.100.7");
  const guint8 *d = g_bytes_get_data (qb, NULL);
  g_assert_cmpuint (d[4], ==, 8);
  g_assert_cmpuint (d[5], ==, 2);
}

static void
test_defaults_ip (void)
{
  g_test_summary (
    "IP() is Scapy's 20-byte header from 127.0.0.1 to 127.0.0.1; other destinations take the routed source.");
  /* bytes(IP()): src 127.0.0.1 because the default dst is 127.0.0.1. */
  assert_builds ("IP()", "450000140001000040007ce77f0000017f000001");
  g_autoptr (CraftPacket) p = parse ("IP()");
  g_autoptr (GBytes) bytes = build (p);
  (void) bytes;
  g_assert_cmpuint (get (p, 0, "version"), ==, 4);
  g_assert_cmpuint (get (p, 0, "ihl"), ==, 5);
  g_assert_cmpuint (get (p, 0, "len"), ==, 20);
  g_assert_cmpuint (get (p, 0, "id"), ==, 1);
  g_assert_cmpuint (get (p, 0, "ttl"), ==, 64);
  g_assert_cmpuint (get (p, 0, "proto"), ==, 0);
  g_autofree char *src = format (p, 0, "src");
  g_assert_cmpstr (src, ==, "127.0.0.1");

  /* Toward another address, the source the kernel would pick. */
  g_autoptr (CraftPacket) q = parse ("IP(dst=\"192.0.2.1\")");
  g_autoptr (GBytes) qb = build (q);
  char want[INET_ADDRSTRLEN];
  kernel_source ("192.0.2.1", want);
  g_autofree char *qsrc = format (q, 0, "src");
  g_assert_cmpstr (qsrc, ==, want);
  g_assert_cmpuint (ref_sum (g_bytes_get_data (qb, NULL), 20), ==, 0);
}

static void
test_defaults_icmp (void)
{
  g_test_summary ("ICMP() is an echo-request with id and seq, as Scapy builds it.");
  /* bytes(ICMP()) */
  assert_builds ("ICMP()", "0800f7ff00000000");
  g_autoptr (CraftPacket) p = parse ("ICMP()");
  g_autoptr (GBytes) bytes = build (p);
  (void) bytes;
  g_autofree char *type = format (p, 0, "type");
  g_assert_cmpstr (type, ==, "echo-request");
  g_assert_true (craft_packet_has_field (p, 0, "id"));
  g_assert_true (craft_packet_has_field (p, 0, "seq"));
  g_assert_false (craft_packet_has_field (p, 0, "ts_ori"));
}

static void
test_defaults_tcp_udp (void)
{
  g_test_summary ("Bare TCP() and UDP() have Scapy's defaults and a checksum of 0: no pseudo-header below.");
  /* bytes(TCP()), bytes(UDP()): no IP below, no pseudo-header, checksum 0. */
  assert_builds ("TCP()", "0014005000000000000000005002200000000000");
  assert_builds ("UDP()", "0035003500080000");
  g_autoptr (CraftPacket) t = parse ("TCP()");
  g_autoptr (GBytes) tb = build (t);
  (void) tb;
  g_autofree char *flags = format (t, 0, "flags");
  g_assert_cmpstr (flags, ==, "S");
  g_autofree char *dport = format (t, 0, "dport");
  g_assert_cmpstr (dport, ==, "http");
  g_assert_cmpuint (get (t, 0, "window"), ==, 8192);
  g_assert_cmpuint (get (t, 0, "dataofs"), ==, 5);

  /* Without a pseudo-header a payload does not make a checksum appear either,
   * nor does a lower layer that offers none. */
  assert_builds ("TCP()/\"abc\"", "0014005000000000000000005002200000000000616263");
  assert_builds ("UDP()/\"abc\"", "00350035000b0000616263");
  g_autoptr (CraftPacket) e = parse ("Ether(src=\"00:11:22:33:44:55\")/UDP()");
  g_autoptr (GBytes) eb = build (e);
  (void) eb;
  g_assert_cmpuint (get (e, 1, "chksum"), ==, 0);
  g_assert_cmpuint (get (e, 1, "len"), ==, 8);
}

static void
test_defaults_raw_padding (void)
{
  g_test_summary ("Raw() and Padding() are empty; their loads go on the wire as given.");
  assert_builds ("Raw()", "");
  assert_builds ("Padding()", "");
  assert_builds ("Raw(load=\"ab\")", "6162");
  assert_builds ("\"ab\"/Padding(load=b\"\\x00\\x01\")", "61620001");
}

/* ------------------------------------------------------------------------
 * Computed lengths
 * ------------------------------------------------------------------------ */

static void
test_length_ip_options (void)
{
  g_test_summary ("IP.ihl counts options zero-padded to 4 bytes; IP.len counts header and payload.");
  static const struct {
    const char *options;
    guint ihl;
    const char *wire;
  } cases[] = {
    { "b\"\"", 5, "" },
    { "b\"\\x01\"", 6, "01000000" },
    { "b\"\\x01\\x01\\x01\"", 6, "01010100" },
    { "b\"\\x01\\x01\\x01\\x01\"", 6, "01010101" },
    { "b\"\\x01\\x01\\x01\\x01\\x01\"", 7, "0101010101000000" },
    { "b\"\\x94\\x04\\x00\\x00\\x01\\x01\\x01\\x00\"", 7, "9404000001010100" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *expression
        = g_strdup_printf ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", options=%s)/\"xyz\"", cases[i].options);
      g_autoptr (CraftPacket) p = parse (expression);
      g_autoptr (GBytes) bytes = build (p);
      gsize len;
      const guint8 *d = g_bytes_get_data (bytes, &len);
      g_assert_cmpuint (d[0] & 0xf, ==, cases[i].ihl);
      g_assert_cmpuint (get (p, 0, "ihl"), ==, cases[i].ihl);
      g_assert_cmpuint (len, ==, cases[i].ihl * 4 + 3);
      g_assert_cmpuint (rd16 (d, 2), ==, len);
      g_autofree char *all = to_hex (bytes);
      g_assert_true (strncmp (all + 40, cases[i].wire, strlen (cases[i].wire)) == 0);
      g_assert_cmpstr (all + 40 + strlen (cases[i].wire), ==, "78797a");
      g_assert_cmpuint (ref_sum (d, cases[i].ihl * 4), ==, 0);
      guint off, hdr, total;
      g_assert_true (craft_packet_get_layer_span (p, 0, &off, &hdr, &total));
      g_assert_cmpuint (hdr, ==, cases[i].ihl * 4);
      g_assert_cmpuint (total, ==, len);
    }
  /* Scapy: bytes(IP(src="192.0.2.1", dst="192.0.2.2", options=b"\x01\x01\x01")/UDP(sport=1, dport=2)/b"hello") */
  assert_builds (
    "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", options=b\"\\x01\\x01\\x01\")/UDP(sport=1, dport=2)/b\"hello\"",
    "46000025000100004011f3c2c0000201c00002020101010000010002000d37fb68656c6c6f");
}

static void
test_length_ip_udp (void)
{
  g_test_summary ("IP.len and UDP.len count what each layer carries, nested layers included.");
  g_autoptr (CraftPacket) p = parse ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP()/\"hello\"");
  g_autoptr (GBytes) bytes = build (p);
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 33);
  g_assert_cmpuint (rd16 (d, 2), ==, 33);
  g_assert_cmpuint (rd16 (d, 24), ==, 13);
  g_assert_cmpuint (get (p, 0, "len"), ==, 33);
  g_assert_cmpuint (get (p, 1, "len"), ==, 13);

  /* Nested lengths: an outer IP counts the whole inner packet. */
  g_autoptr (CraftPacket) q
    = parse ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/IP(src=\"10.0.0.1\", dst=\"10.0.0.2\")/UDP()/\"ab\"");
  g_autoptr (GBytes) qb = build (q);
  const guint8 *e = g_bytes_get_data (qb, NULL);
  g_assert_cmpuint (rd16 (e, 2), ==, 50);
  g_assert_cmpuint (rd16 (e, 22), ==, 30);
  g_assert_cmpuint (rd16 (e, 44), ==, 10);
  g_assert_cmpuint (e[9], ==, 4);
  g_assert_cmpuint (e[29], ==, 17);
}

static void
test_length_tcp_dataofs (void)
{
  g_test_summary ("TCP.dataofs counts options zero-padded to 4 bytes, and the checksum covers them.");
  static const struct {
    const char *options;
    guint dataofs;
  } cases[] = {
    { "b\"\"", 5 },
    { "b\"\\x01\"", 6 },
    { "b\"\\x02\\x04\\x05\\xb4\"", 6 },
    { "b\"\\x02\\x04\\x05\\xb4\\x01\"", 7 },
    { "b\"\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\"", 10 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *expression
        = g_strdup_printf ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP(options=%s)/\"data\"", cases[i].options);
      g_autoptr (CraftPacket) p = parse (expression);
      g_autoptr (GBytes) bytes = build (p);
      gsize len;
      const guint8 *d = g_bytes_get_data (bytes, &len);
      g_assert_cmpuint (d[20 + 12] >> 4, ==, cases[i].dataofs);
      g_assert_cmpuint (get (p, 1, "dataofs"), ==, cases[i].dataofs);
      g_assert_cmpuint (len, ==, 20 + cases[i].dataofs * 4 + 4);
      g_assert_cmpmem (d + len - 4, 4, "data", 4);
      g_assert_cmpuint (ref_transport_sum (d, 0, 6), ==, 0);
    }
  /* Scapy: bytes(IP(src="192.0.2.1", dst="192.0.2.2")/TCP(sport=1234, dport=80, flags="SA",
   * options=[("MSS", 1460), ("NOP", None)])/b"GET /"): the same option bytes, zero-padded. */
  assert_builds (
    "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP(sport=1234, dport=80, flags=\"SA\", "
    "options=b\"\\x02\\x04\\x05\\xb4\\x01\")/b\"GET /\"",
    "45000035000100004006f6bec0000201c000020204d2005000000000000000007012200013820000020405b401000000474554202f");
}

static void
test_length_arp (void)
{
  g_test_summary ("ARP.hwlen and ARP.plen are the sizes of the sender addresses.");
  g_autoptr (CraftPacket) p = parse ("ARP(psrc=\"192.0.2.1\", pdst=\"192.0.2.2\", hwsrc=\"00:11:22:33:44:55\")");
  g_autoptr (GBytes) bytes = build (p);
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (d[4], ==, 6);
  g_assert_cmpuint (d[5], ==, 4);
  guint off, hdr, total;
  g_assert_true (craft_packet_get_layer_span (p, 0, &off, &hdr, &total));
  g_assert_cmpuint (hdr, ==, 28);
}

/* ------------------------------------------------------------------------
 * Checksums, verified with the reference sum
 * ------------------------------------------------------------------------ */

static void
test_checksum_ip_header (void)
{
  g_test_summary ("The IP header checksum verifies with a reference RFC 1071 sum and covers only the header.");
  const char *expressions[] = {
    "IP()",
    "IP(src=\"192.0.2.1\", dst=\"198.51.100.200\", ttl=1, tos=0xfe, id=0xffff, flags=\"DF\", frag=100)",
    "IP(src=\"255.255.255.255\", dst=\"255.255.255.255\", ttl=255, id=65535, options=b\"\\xff\\xff\\xff\")/\"payload\"",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (expressions); i++)
    {
      g_autoptr (CraftPacket) p = parse (expressions[i]);
      g_autoptr (GBytes) bytes = build (p);
      const guint8 *d = g_bytes_get_data (bytes, NULL);
      guint ihl = (d[0] & 0xf) * 4u;
      g_assert_cmpuint (ref_sum (d, ihl), ==, 0);
      g_assert_cmpuint (get (p, 0, "chksum"), ==, rd16 (d, 10));
    }
  /* The header checksum does not cover the payload: a payload of the same
   * length gives the same checksum. */
  g_autoptr (CraftPacket) a = parse ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/\"aaaa\"");
  g_autoptr (CraftPacket) b = parse ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/\"bbbb\"");
  g_autoptr (GBytes) ab = build (a);
  (void) ab;
  g_autoptr (GBytes) bb = build (b);
  (void) bb;
  g_assert_cmpuint (get (a, 0, "chksum"), ==, get (b, 0, "chksum"));
}

static void
test_checksum_icmp (void)
{
  g_test_summary ("The ICMP checksum covers the message and what it carries, quoted packets included.");
  const char *expressions[] = {
    "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/ICMP()",
    "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/ICMP(id=0x1234, seq=7)/\"ping data\"",
    "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/ICMP(type=3, code=3)/IP(src=\"192.0.2.2\", dst=\"192.0.2.1\")/UDP()",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (expressions); i++)
    {
      g_autoptr (CraftPacket) p = parse (expressions[i]);
      g_autoptr (GBytes) bytes = build (p);
      gsize len;
      const guint8 *d = g_bytes_get_data (bytes, &len);
      g_assert_cmpuint (ref_sum (d, 20), ==, 0);
      g_assert_cmpuint (ref_sum (d + 20, len - 20), ==, 0);
      g_assert_cmpuint (get (p, 1, "chksum"), ==, rd16 (d, 22));
      g_assert_cmpuint (get (p, 1, "chksum"), !=, 0);
    }
  /* Scapy: bytes(IP(src="192.0.2.1", dst="192.0.2.2")/ICMP(type=3, code=3)/IP(src="192.0.2.2",
   * dst="192.0.2.1")/UDP(sport=5000, dport=53)): the quoted UDP checksum uses the quoted IP. */
  assert_builds (
    "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/ICMP(type=3, code=3)/IP(src=\"192.0.2.2\", "
    "dst=\"192.0.2.1\")/UDP(sport=5000, dport=53)",
    "45000038000100004001f6c0c0000201c00002020303811a000000004500001c000100004011f6ccc0000202c000020113880035"
    "0008681d");
}

static void
test_checksum_tcp_udp (void)
{
  g_test_summary ("TCP and UDP checksums cover the IPv4 pseudo-header, header and payload, odd lengths included.");
  static const struct {
    const char *expression;
    guint8 proto;
  } cases[] = {
    { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP()", 6 },
    { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP(flags=\"PA\", seq=123456789)/\"odd\"", 6 },
    { "IP(src=\"10.255.255.254\", dst=\"172.16.0.1\", options=b\"\\x01\\x01\\x01\\x01\")/TCP()/\"even\"", 6 },
    { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP()", 17 },
    { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP(sport=1, dport=2)/\"odd\"", 17 },
    { "IP(src=\"203.0.113.9\", dst=\"198.51.100.1\")/UDP()/\"an even payload!\"", 17 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CraftPacket) p = parse (cases[i].expression);
      g_autoptr (GBytes) bytes = build (p);
      const guint8 *d = g_bytes_get_data (bytes, NULL);
      g_assert_cmpuint (d[9], ==, cases[i].proto);
      g_assert_cmpuint (ref_sum (d, (d[0] & 0xf) * 4u), ==, 0);
      g_assert_cmpuint (ref_transport_sum (d, 0, cases[i].proto), ==, 0);
      g_assert_cmpuint (get (p, 1, "chksum"), !=, 0);
    }
  /* Behind Ether and Dot1Q the pseudo-header still comes from IP. */
  g_autoptr (CraftPacket) p
    = parse ("Ether(src=\"00:11:22:33:44:55\")/Dot1Q()/IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP()/\"x\"");
  g_autoptr (GBytes) bytes = build (p);
  g_assert_cmpuint (ref_transport_sum (g_bytes_get_data (bytes, NULL), 18, 6), ==, 0);
}

/* A UDP checksum that computes to 0 is sent as 0xffff (RFC 768): find a
 * two-byte payload for which the sum is 0. */
static void
test_checksum_udp_zero (void)
{
  g_test_summary ("A UDP checksum that computes to 0 is sent as 0xffff; a user's 0 stays 0.");
  guint8 seg[8 + 2] = { 0x00, 0x35, 0x00, 0x35, 0x00, 0x0a, 0, 0, 0, 0 };
  guint8 pseudo[12] = { 192, 0, 2, 1, 192, 0, 2, 2, 0, 17, 0, 10 };
  gint found = -1;
  for (guint v = 0; v < 0x10000 && found < 0; v++)
    {
      seg[8] = (guint8) (v >> 8), seg[9] = (guint8) v;
      guint8 all[22];
      memcpy (all, pseudo, 12);
      memcpy (all + 12, seg, 10);
      if (ref_sum (all, sizeof all) == 0)
        found = (gint) v;
    }
  g_assert_cmpint (found, >=, 0);
  g_autofree char *expression = g_strdup_printf ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP()/b\"\\x%02x\\x%02x\"",
                                                 (guint) found >> 8, (guint) found & 0xff);
  g_autoptr (CraftPacket) p = parse (expression);
  g_autoptr (GBytes) bytes = build (p);
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (rd16 (d, 26), ==, 0xffff);
  g_assert_cmpuint (get (p, 1, "chksum"), ==, 0xffff);
  /* 0xffff is the same one's-complement number as 0: the sum still verifies. */
  g_assert_cmpuint (ref_transport_sum (d, 0, 17), ==, 0);
  /* A user's 0 stays 0 ("no checksum"). */
  g_autofree char *zero = g_strdup_printf ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP(chksum=0)/b\"\\x%02x\\x%02x\"",
                                           (guint) found >> 8, (guint) found & 0xff);
  g_autoptr (CraftPacket) q = parse (zero);
  g_autoptr (GBytes) qb = build (q);
  g_assert_cmpuint (rd16 (g_bytes_get_data (qb, NULL), 26), ==, 0);
  /* Dissected, the 0xffff is kept and verifies. */
  g_autoptr (CraftPacket) r = craft_packet_new_from_bytes (registry, "IP", d, g_bytes_get_size (bytes), NULL);
  g_assert_cmpuint (craft_packet_verify (r), ==, 0);
}

/* ------------------------------------------------------------------------
 * A user's value always wins
 * ------------------------------------------------------------------------ */

static void
test_user_wins (void)
{
  g_test_summary ("A value the user sets wins over the computed one: checksums, lengths, IHL, EtherType.");
  /* Scapy: bytes(IP(src="192.0.2.1", dst="192.0.2.2", len=3)/UDP(len=3, chksum=0)) */
  assert_builds ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", len=3)/UDP(len=3, chksum=0)",
                 "45000003000100004011f6e5c0000201c00002020035003500030000");
  /* Scapy: bytes(IP(ihl=15)): the header stays 20 bytes. */
  assert_builds ("IP(ihl=15)", "4f00001400010000400072e77f0000017f000001");
  /* Scapy: bytes(Ether(dst="00:11:22:33:44:66", src="00:11:22:33:44:55", type=0x86dd)/IP(src="192.0.2.1",
   * dst="192.0.2.2")) */
  assert_builds (
    "Ether(dst=\"00:11:22:33:44:66\", src=\"00:11:22:33:44:55\", type=0x86dd)/IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")",
    "00112233446600112233445586dd45000014000100004000f6e5c0000201c0000202");
  /* Scapy: bytes(IP(src="192.0.2.1", dst="192.0.2.2", proto=17)/TCP()): the
   * pseudo-header still says TCP. */
  assert_builds ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", proto=17)/TCP()",
                 "45000028000100004011f6c0c0000201c0000202001400500000000000000000500220000b7b0000");

  g_autoptr (CraftPacket) p
    = parse ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", chksum=0)/TCP(chksum=0x1234, dataofs=8)/\"x\"");
  g_autoptr (GBytes) bytes = build (p);
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (rd16 (d, 10), ==, 0);
  g_assert_cmpuint (rd16 (d, 36), ==, 0x1234);
  g_assert_cmpuint (d[32] >> 4, ==, 8);
  /* The other computed fields are still computed. */
  g_assert_cmpuint (rd16 (d, 2), ==, 41);
  g_assert_cmpuint (d[9], ==, 6);

  /* Unsetting gives the computed value back. */
  g_assert_true (craft_packet_unset (p, 0, "chksum", NULL));
  g_autoptr (GBytes) again = build (p);
  g_assert_cmpuint (ref_sum (g_bytes_get_data (again, NULL), 20), ==, 0);
}

/* ------------------------------------------------------------------------
 * Bindings fill the lower layer's field
 * ------------------------------------------------------------------------ */

static void
test_bindings (void)
{
  g_test_summary ("The layer above fills the binding field below; dissect-only bindings and trailers do not.");
  static const struct {
    const char *expression;
    guint layer;
    const char *field;
    guint64 value;
  } cases[] = {
    { "Ether()/IP()", 0, "type", 0x0800 },
    { "Ether()/ARP()", 0, "type", 0x0806 },
    { "Ether()/Dot1Q()", 0, "type", 0x8100 },
    { "Ether()/Dot1Q()/IP()", 1, "type", 0x0800 },
    { "Ether()/Dot1Q()/ARP()", 1, "type", 0x0806 },
    { "Ether()/Dot1Q()/Dot1Q()", 1, "type", 0x8100 },
    { "Ether()/Dot1Q()/Dot1Q()", 0, "type", 0x8100 },
    { "IP()/TCP()", 0, "proto", 6 },
    { "IP()/UDP()", 0, "proto", 17 },
    { "IP()/ICMP()", 0, "proto", 1 },
    { "IP()/IP()", 0, "proto", 4 },
    { "IP()/\"raw\"", 0, "proto", 0 },
    { "Ether()/\"raw\"", 0, "type", 0x9000 },
    /* ICMP.type == 3 -> IP is for dissecting only: the type stays the default. */
    { "ICMP()/IP()", 0, "type", 8 },
    /* A trailer is not the layer above. */
    { "IP()/TCP()/Padding(load=\"xx\")", 0, "proto", 6 },
    { "Ether()/Padding(load=\"xx\")", 0, "type", 0x9000 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CraftPacket) p = parse (cases[i].expression);
      g_autoptr (GBytes) bytes = build (p);
      (void) bytes;
      if (get (p, cases[i].layer, cases[i].field) != cases[i].value)
        g_test_message ("%s", cases[i].expression);
      g_assert_cmpuint (get (p, cases[i].layer, cases[i].field), ==, cases[i].value);
    }
  /* Scapy: bytes(ICMP()/IP(src="192.0.2.1", dst="192.0.2.2")) */
  assert_builds ("ICMP()/IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")",
                 "0800f7ff0000000045000014000100004000f6e5c0000201c0000202");
  /* Ether type 0x88a8 -> Dot1Q is for dissecting only: building says 0x8100. */
  g_autoptr (CraftPacket) q = parse ("Ether()/Dot1Q()");
  g_autoptr (GBytes) qb = build (q);
  g_assert_cmpuint (rd16 (g_bytes_get_data (qb, NULL), 12), ==, 0x8100);
}

static void
test_padding_excluded (void)
{
  g_test_summary ("Padding is built last and left out of every length and checksum.");
  g_autoptr (CraftPacket) p = parse (
    "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP(sport=1234, dport=5678)/\"hi\"/Padding(load=b\"\\xaa\\xbb\\xcc\")");
  g_autoptr (GBytes) bytes = build (p);
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (len, ==, 33);
  g_assert_cmpuint (rd16 (d, 2), ==, 30);
  g_assert_cmpuint (rd16 (d, 24), ==, 10);
  g_assert_cmpuint (ref_sum (d, 20), ==, 0);
  g_assert_cmpuint (ref_transport_sum (d, 0, 17), ==, 0);
  g_assert_cmpmem (d + 30, 3, "\xaa\xbb\xcc", 3);
  /* Padding is built last wherever it is written, and its span says so. */
  g_autoptr (CraftPacket) q
    = parse ("Ether(src=\"00:11:22:33:44:55\")/Padding(load=\"PAD\")/IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")");
  g_autoptr (GBytes) qb = build (q);
  gsize qlen;
  const guint8 *e = g_bytes_get_data (qb, &qlen);
  g_assert_cmpuint (qlen, ==, 14 + 20 + 3);
  g_assert_cmpmem (e + 34, 3, "PAD", 3);
  g_assert_cmpuint (rd16 (e, 16), ==, 20);
  g_assert_cmpuint (rd16 (e, 12), ==, 0x0800);
  guint off, hdr, total;
  g_assert_true (craft_packet_get_layer_span (q, 1, &off, &hdr, &total));
  g_assert_cmpuint (off, ==, 34);
  g_assert_cmpuint (total, ==, 3);
  g_assert_true (craft_packet_get_layer_span (q, 0, &off, &hdr, &total));
  g_assert_cmpuint (total, ==, 34);

  /* Scapy: bytes(Ether(dst="00:11:22:33:44:66", src="00:11:22:33:44:55")/IP(src="192.0.2.1",
   * dst="192.0.2.2")/UDP(sport=1234, dport=5678)/"hi"/Padding(load=b"\xaa\xbb...")) */
  assert_builds ("Ether(dst=\"00:11:22:33:44:66\", src=\"00:11:22:33:44:55\")/IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/"
                 "UDP(sport=1234, dport=5678)/\"hi\"/Padding(load=b\"\\xaa\\xbb\\xcc\\xdd\")",
                 "00112233446600112233445508004500001e000100004011f6cac0000201c000020204d2162e000af86c6869aabbccdd");
}

/* ------------------------------------------------------------------------
 * Conditional fields
 * ------------------------------------------------------------------------ */

static void
test_conditional_icmp (void)
{
  g_test_summary ("ICMP fields appear and disappear with the type, with Scapy's bytes for each shape.");
  static const struct {
    guint type;
    const char *present;
    const char *absent;
    guint header;
  } cases[] = {
    { 0, "id seq", "ts_ori gw ptr reserved length addr_mask nexthopmtu unused", 8 },
    { 8, "id seq", "ts_ori ts_rx ts_tx gw unused", 8 },
    { 3, "reserved length nexthopmtu", "id seq gw ptr unused ts_ori", 8 },
    { 5, "gw", "id seq reserved length unused", 8 },
    { 11, "reserved length unused", "id seq gw ptr nexthopmtu", 8 },
    { 12, "ptr length unused", "id seq gw reserved nexthopmtu", 8 },
    { 13, "id seq ts_ori ts_rx ts_tx", "gw ptr unused addr_mask", 20 },
    { 14, "id seq ts_ori ts_rx ts_tx", "gw ptr unused", 20 },
    { 17, "id seq addr_mask", "ts_ori gw unused", 12 },
    { 9, "unused", "id seq gw ptr reserved length addr_mask nexthopmtu ts_ori", 8 },
    { 40, "unused", "id seq gw", 8 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *expression = g_strdup_printf ("ICMP(type=%u)", cases[i].type);
      g_autoptr (CraftPacket) p = parse (expression);
      g_autoptr (GBytes) bytes = build (p);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, cases[i].header);
      g_auto (GStrv) present = g_strsplit (cases[i].present, " ", -1);
      g_auto (GStrv) absent = g_strsplit (cases[i].absent, " ", -1);
      for (guint k = 0; present[k] != NULL; k++)
        {
          if (!craft_packet_has_field (p, 0, present[k]))
            g_test_message ("type %u: %s should be present", cases[i].type, present[k]);
          g_assert_true (craft_packet_has_field (p, 0, present[k]));
        }
      for (guint k = 0; absent[k] != NULL; k++)
        {
          if (craft_packet_has_field (p, 0, absent[k]))
            g_test_message ("type %u: %s should be absent", cases[i].type, absent[k]);
          g_assert_false (craft_packet_has_field (p, 0, absent[k]));
        }
      g_assert_cmpuint (ref_sum (g_bytes_get_data (bytes, NULL), cases[i].header), ==, 0);
    }

  /* Scapy's bytes for each shape. */
  assert_builds ("ICMP(type=3, code=3, nexthopmtu=1500)", "0303f720000005dc");
  assert_builds ("ICMP(type=5, gw=\"192.0.2.9\")", "050038f6c0000209");
  assert_builds ("ICMP(type=11, code=1)", "0b01f4fe00000000");
  assert_builds ("ICMP(type=12, ptr=4)", "0c00efff04000000");
  assert_builds ("ICMP(type=17, addr_mask=\"255.255.255.0\")", "1100effe00000000ffffff00");
  assert_builds ("ICMP(type=9)", "0900f6ff00000000");
  assert_builds ("ICMP(type=0, id=7, seq=9)", "0000ffef00070009");

  /* Fields appear and disappear as the type changes. */
  g_autoptr (CraftPacket) p = parse ("ICMP(id=5)");
  g_autoptr (GBytes) b1 = build (p);
  (void) b1;
  g_assert_true (craft_packet_has_field (p, 0, "id"));
  set (p, 0, "type", 5);
  g_autoptr (GBytes) b2 = build (p);
  (void) b2;
  g_assert_false (craft_packet_has_field (p, 0, "id"));
  g_assert_true (craft_packet_has_field (p, 0, "gw"));
  set (p, 0, "type", 0);
  g_autoptr (GBytes) b3 = build (p);
  g_assert_true (craft_packet_has_field (p, 0, "id"));
  g_assert_false (craft_packet_has_field (p, 0, "gw"));
  /* The value set while it was present comes back. */
  g_assert_cmpuint (get (p, 0, "id"), ==, 5);
  g_assert_cmpuint (rd16 (g_bytes_get_data (b3, NULL), 4), ==, 5);
}

/* Builds `p`, which must fail with VALUE and a message holding `message`,
 * located at `column` of the expression that gave the value (0: set through
 * the API, no location). */
static void
assert_build_refused (CraftPacket *p, guint column, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = craft_packet_build (p, &error);
  g_assert_null (bytes);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
  CraftErrorLocation at = { 0 };
  g_assert_cmpint (craft_error_get_location (error, &at), ==, column != 0);
  g_assert_cmpuint (at.column, ==, column);
  if (strstr (error->message, message) == NULL)
    g_error ("'%s' does not hold '%s'", error->message, message);
}

static void
test_conditional_alternatives (void)
{
  g_test_summary ("Through the API too, a build fails when the present alternative of a name (DNSRR.rdata, "
                  "ICMP.unused) refused the value the name was last given: after dissection, after a type change, "
                  "in copies and stacked copies; a new value, an unset or fuzzing clears it.");
  /* A dissected A record given text that is no address: the dissected address is not kept. */
  g_autoptr (CraftPacket) rr = dissect_hex ("DNSRR", "0000010001000000000004c0000201");
  set_text (rr, 0, "rdata", "abc");
  assert_build_refused (rr, 0, "DNSRR.rdata holds an IPv4 address when type is A: 'abc' is not an IPv4 address");
  /* Copies and packets stacked from it keep what was refused. */
  g_autoptr (CraftPacket) copy = craft_packet_copy (rr);
  assert_build_refused (copy, 0, "DNSRR.rdata holds an IPv4 address when type is A");
  g_autoptr (CraftPacket) stacked = parse ("DNSRR(type='TXT', rdata='x')");
  craft_packet_push_packet (stacked, rr);
  assert_build_refused (stacked, 0, "DNSRR.rdata holds an IPv4 address when type is A");
  /* Fuzzing fills only unset fields: the refused address is the user's, and stays refused. */
  g_autoptr (GRand) rng = g_rand_new_with_seed (3);
  g_autoptr (CraftPacket) fuzzed = craft_packet_fuzz (rr, rng, CRAFT_FUZZ_KEEP_COMPUTED);
  assert_build_refused (fuzzed, 0, "DNSRR.rdata holds an IPv4 address when type is A");
  /* The type that takes text makes it build. */
  set_text (rr, 0, "type", "TXT");
  g_autoptr (GBytes) txt = build (rr);
  g_autofree char *txt_hex = to_hex (txt);
  g_assert_cmpstr (txt_hex, ==, "000010000100000000000403616263");
  /* Back to A: refused again, whatever the order of the edits. */
  set_text (rr, 0, "type", "A");
  assert_build_refused (rr, 0, "'abc' is not an IPv4 address");
  /* A new value the address takes, or none (its default), builds. */
  set_text (rr, 0, "rdata", "192.0.2.7");
  g_autoptr (GBytes) a = build (rr);
  g_autofree char *a_hex = to_hex (a);
  g_assert_cmpstr (a_hex, ==, "0000010001000000000004c0000207");
  set_text (rr, 0, "rdata", "abc");
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_packet_unset (rr, 0, "rdata", &error));
  g_autoptr (GBytes) unset = build (rr);
  g_autofree char *unset_hex = to_hex (unset);
  g_assert_cmpstr (unset_hex, ==, "000001000100000000000400000000");
  /* Bytes of the wrong size for an IPv6 address. */
  g_autoptr (CraftPacket) aaaa = parse ("DNSRR(type='AAAA')");
  g_assert_true (craft_packet_set_bytes (aaaa, 0, "rdata", (const guint8 *) "\xc0\x00\x02\x01", 4, &error));
  assert_build_refused (aaaa, 0, "DNSRR.rdata holds an IPv6 address when type is AAAA: it takes 16 bytes, not 4");
  /* Fuzzing gives the refusing alternative a random value of its own when it is unset. */
  g_autoptr (CraftPacket) unset_type = parse ("DNSRR(rdata='abc', type='TXT')");
  g_assert_true (craft_packet_unset (unset_type, 0, "type", &error));
  assert_build_refused (unset_type, 13, "when type is A");
  guint built = 0;
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr (CraftPacket) f = craft_packet_fuzz (unset_type, rng, CRAFT_FUZZ_KEEP_COMPUTED);
      g_autoptr (GBytes) b = craft_packet_build (f, NULL);
      built += b != NULL;
    }
  g_assert_cmpuint (built, ==, 50);
  /* Integers: the 16-bit unused of type 11 refuses what only the 32-bit one of type 9 takes. */
  g_autoptr (CraftPacket) icmp = parse ("ICMP(type=9)");
  set (icmp, 0, "unused", 70000);
  g_autoptr (GBytes) nine = build (icmp);
  g_autofree char *nine_hex = to_hex (nine);
  g_assert_cmpstr (nine_hex, ==, "0900e58e00011170");
  set (icmp, 0, "type", 11);
  assert_build_refused (icmp, 0,
                        "ICMP.unused holds a 16-bit integer when type is time-exceeded: 70000 is out of range");
  set (icmp, 0, "unused", 7);
  g_autoptr (GBytes) eleven = build (icmp);
  g_autofree char *eleven_hex = to_hex (eleven);
  g_assert_cmpstr (eleven_hex, ==, "0b00f4f800000007");
  /* A value no alternative takes is refused when it is set, and changes nothing. */
  g_assert_false (craft_packet_set_uint (icmp, 0, "unused", G_GUINT64_CONSTANT (1) << 33, &error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
  g_autoptr (GBytes) still = build (icmp);
  g_assert_true (g_bytes_equal (still, eleven));
}

/* Builds `expression` of `reg`; its hex, or NULL with *error set. */
static char *
try_build (CraftRegistry *reg, const char *expression, GError **error)
{
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (reg, expression, error);
  if (p == NULL)
    return NULL;
  g_autoptr (GBytes) bytes = craft_packet_build (p, error);
  return bytes != NULL ? to_hex (bytes) : NULL;
}

static void
test_alternative_kinds (void)
{
  g_test_summary ("Alternatives of one name that differ in kind (a number or an address by another field) each "
                  "take what suits them, from a number, text or bytes; the present one must have taken it.");
  static const char definition[] = "layer Mixed \"Mixed value\" {\n"
                                   "    kind:  u8 = 1;\n"
                                   "    value: u16 if kind == 1 \"Number\" = 0;\n"
                                   "    value: ipv4 if kind == 2 \"Address\" = \"0.0.0.0\";\n"
                                   "}\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_data (reg, "mixed.pdl", definition, -1, &error));
  static const struct {
    const char *expr, *hex;
  } built[] = {
    { "Mixed(value=5)", "010005" },
    { "Mixed(value='7')", "010007" },
    { "Mixed(kind=2, value='192.0.2.1')", "02c0000201" },
    { "Mixed(value='192.0.2.1', kind=2)", "02c0000201" },
    { "Mixed(kind=2, value=b'\\x01\\x02\\x03\\x04')", "0201020304" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (built); i++)
    {
      g_autofree char *hex = try_build (reg, built[i].expr, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (hex, ==, built[i].hex);
    }
  static const struct {
    const char *expr;
    guint column;
    const char *message;
  } refused[] = {
    { "Mixed(kind=2, value=5)", 21, "Mixed.value holds an IPv4 address when kind is 2: give it as a string, not a "
                                    "number" },
    { "Mixed(value='192.0.2.1')", 13, "Mixed.value holds a 16-bit integer when kind is 1: field 'value' is an "
                                      "integer; '192.0.2.1' is not a number" },
    { "Mixed(value=b'\\x01\\x02\\x03\\x04')", 13, "Mixed.value holds a 16-bit integer when kind is 1: it "
                                                      "takes a number, not bytes" },
    { "Mixed(value=70000)", 13, "70000 is out of range for 16-bit field 'value'" },
    { "Mixed(value='x')", 13, "'x' is not a number" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) why = NULL;
      g_autofree char *hex = try_build (reg, refused[i].expr, &why);
      g_assert_null (hex);
      CraftErrorLocation at;
      g_assert_true (craft_error_get_location (why, &at));
      if (at.column != refused[i].column || strstr (why->message, refused[i].message) == NULL)
        g_error ("%s: column %u: %s", refused[i].expr, at.column, why->message);
    }
  /* Through the API: a number set, then the kind that makes it an address. */
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (reg, "Mixed()", &error);
  set (p, 0, "value", 9);
  g_autoptr (GBytes) nine = build (p);
  g_autofree char *nine_hex = to_hex (nine);
  g_assert_cmpstr (nine_hex, ==, "010009");
  set (p, 0, "kind", 2);
  assert_build_refused (p, 0, "Mixed.value holds an IPv4 address when kind is 2: give it as a string");
  set_text (p, 0, "value", "198.51.100.1");
  g_autoptr (GBytes) address = build (p);
  g_autofree char *address_hex = to_hex (address);
  g_assert_cmpstr (address_hex, ==, "02c6336401");
}

static void
test_icmp_timestamps (void)
{
  g_test_summary ("ICMP timestamp fields default to the milliseconds since midnight UTC at build time.");
  guint64 before = (guint64) (g_get_real_time () / 1000 % (24 * 3600 * 1000));
  g_autoptr (CraftPacket) p = parse ("ICMP(type=13)");
  g_autoptr (GBytes) bytes = build (p);
  guint64 after = (guint64) (g_get_real_time () / 1000 % (24 * 3600 * 1000));
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  const char *names[] = { "ts_ori", "ts_rx", "ts_tx" };
  for (guint i = 0; i < 3; i++)
    {
      guint64 ts = get (p, 0, names[i]);
      g_assert_cmpuint (ts, ==, (guint64) rd16 (d, 8 + 4 * i) << 16 | rd16 (d, 10 + 4 * i));
      if (after >= before) /* not across midnight */
        {
          g_assert_cmpuint (ts, >=, before);
          g_assert_cmpuint (ts, <=, after);
        }
    }
  g_assert_cmpuint (ref_sum (d, 20), ==, 0);
  /* A user's timestamp wins. */
  g_autoptr (CraftPacket) q = parse ("ICMP(type=14, ts_ori=1, ts_rx=2, ts_tx=3)");
  g_autoptr (GBytes) qb = build (q);
  g_autofree char *hex = to_hex (qb);
  g_assert_cmpstr (hex + 16, ==, "000000010000000200000003");
}

/* ------------------------------------------------------------------------
 * Built bytes compared with Scapy
 * ------------------------------------------------------------------------ */

static void
test_scapy_bytes (void)
{
  g_test_summary ("A few more expressions build exactly Scapy's bytes.");
  static const struct {
    const char *expression; /* the same in Scapy, which gave the hex */
    const char *hex;
  } cases[] = {
    { "Ether(dst=\"00:11:22:33:44:66\", src=\"00:11:22:33:44:55\")/Dot1Q(vlan=10)/Dot1Q(vlan=20)/IP(src=\"192.0.2.1\", "
      "dst=\"192.0.2.2\")/TCP(sport=1234, dport=80)",
      "0011223344660011223344558100000a81000014080045000028000100004006f6cbc0000201c000020204d20050000000000000000050"
      "02200006bd0000" },
    { "Ether(dst=\"00:11:22:33:44:66\", src=\"00:11:22:33:44:55\")/IP(src=\"192.0.2.1\", dst=\"198.51.100.2\")/"
      "TCP(sport=1234, dport=80, flags=\"SA\")",
      "0011223344660011223344550800450000280001000040068e98c0000201c633640204d200500000000000000000501220009e790000" },
    { "Ether(dst=\"ff:ff:ff:ff:ff:ff\", src=\"00:11:22:33:44:55\")/ARP(hwsrc=\"00:11:22:33:44:55\", "
      "psrc=\"192.0.2.1\", "
      "pdst=\"192.0.2.2\")",
      "ffffffffffff00112233445508060001080006040001001122334455c0000201000000000000c0000202" },
    { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/IP(src=\"10.0.0.1\", dst=\"10.0.0.2\")/TCP()",
      "4500003c000100004004f6b9c0000201c00002024500002800010000400666cd0a0000010a000002001400500000000000000000500220"
      "007b7c0000" },
    { "Ether(dst=\"00:11:22:33:44:66\", src=\"00:11:22:33:44:55\")/IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/"
      "UDP(sport=1234, dport=53)/b\"hi\"",
      "00112233446600112233445508004500001e000100004011f6cac0000201c000020204d20035000a0e666869" },
    { "Ether(dst=\"00:11:22:33:44:66\", src=\"00:11:22:33:44:55\")/IP(id=0x1234, src=\"10.9.8.7\", dst=\"10.1.2.3\", "
      "ttl=33, chksum=0xdead)/TCP(sport=1234, dport=80, seq=1000, flags=\"PA\", chksum=0xbeef)/b\"payload\"",
      "00112233446600112233445508004500002f123400002106dead0a0908070a01020304d20050000003e80000000050182000beef0000"
      "7061796c6f6164" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_builds (cases[i].expression, cases[i].hex);
}

/* ------------------------------------------------------------------------
 * Edit after dissect
 * ------------------------------------------------------------------------ */

/* Scapy: Ether(dst="00:11:22:33:44:66", src="00:11:22:33:44:55")/IP(id=0x1234, src="10.9.8.7",
 * dst="10.1.2.3", ttl=33, chksum=0xdead)/TCP(sport=1234, dport=80, seq=1000, flags="PA",
 * chksum=0xbeef)/b"payload": both checksums deliberately wrong. */
#define TCP_WRONG_SUMS                                                                                                 \
  "00112233446600112233445508004500002f123400002106dead0a0908070a01020304d20050000003e80000000050182000beef0000"       \
  "7061796c6f6164"
/* Scapy: Ether(...)/IP(id=0x4321, src="10.9.8.7", dst="10.1.2.3", flags="DF")/UDP(sport=4000, dport=53,
 * len=99)/b"query": UDP.len deliberately wrong. */
#define UDP_WRONG_LEN "001122334466001122334455080045000021432140004011d9970a0908070a0102030fa00035006381ad7175657279"

static void
assert_rebuilds_same (const char *first, const char *hex)
{
  g_autoptr (CraftPacket) p = dissect_hex (first, hex);
  g_autoptr (GBytes) bytes = build (p);
  g_autofree char *got = to_hex (bytes);
  g_assert_cmpstr (got, ==, hex);
  /* Twice, and a copy too. */
  g_autoptr (GBytes) again = build (p);
  g_autofree char *got2 = to_hex (again);
  g_assert_cmpstr (got2, ==, hex);
  g_autoptr (CraftPacket) copy = craft_packet_copy (p);
  g_autoptr (GBytes) cb = build (copy);
  g_autofree char *got3 = to_hex (cb);
  g_assert_cmpstr (got3, ==, hex);
}

static void
test_edit_unchanged (void)
{
  g_test_summary ("A dissected packet rebuilds to its bytes, wrong checksums and lengths included.");
  assert_rebuilds_same ("Ether", TCP_WRONG_SUMS);
  assert_rebuilds_same ("Ether", UDP_WRONG_LEN);
  /* IP.len larger than the data, and smaller (the rest is Padding). */
  assert_rebuilds_same ("IP", "4500003c000100004006f6cbc0000201c000020204d2005000000000000000005002200006bd0000");
  assert_rebuilds_same ("IP", "4500001a000100004006f6cbc0000201c000020204d2005000000000000000005002200006bd0000");
  /* A wrong IHL, a wrong protocol for the payload, odd bits set. */
  assert_rebuilds_same ("IP", "4f0000140001e0004006f6cbc0000201c0000202");
  assert_rebuilds_same ("Ether", "ffffffffffff0011223344558100e00a88a8000008004500");
}

static void
test_edit_payload (void)
{
  g_test_summary ("A new payload after dissecting recomputes IP.len and both checksums; wire values stay.");
  g_autoptr (CraftPacket) p = dissect_hex ("Ether", TCP_WRONG_SUMS);
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 4);
  set_text (p, 3, "load", "PAYLOAD!");
  g_autoptr (GBytes) bytes = build (p);
  g_autofree char *got = to_hex (bytes);
  /* Scapy: IP(id=0x1234, src="10.9.8.7", dst="10.1.2.3", ttl=33)/TCP(sport=1234, dport=80, seq=1000,
   * flags="PA")/b"PAYLOAD!": IP.len, IP.chksum and TCP.chksum recomputed, the rest from the wire. */
  g_assert_cmpstr (got, ==,
                   "0011223344660011223344550800"
                   "4500003012340000210669810a0908070a01020304d20050000003e800000000501820002bb700005041594c4f414421");
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (ref_sum (d + 14, 20), ==, 0);
  g_assert_cmpuint (ref_transport_sum (d, 14, 6), ==, 0);
  g_autofree char *src = format (p, 1, "src");
  g_assert_cmpstr (src, ==, "10.9.8.7");
  g_assert_cmpuint (get (p, 1, "id"), ==, 0x1234);
  g_assert_cmpuint (get (p, 1, "len"), ==, 48);
}

static void
test_edit_field (void)
{
  g_test_summary ("A changed field recomputes what was computed; values the user set stay as set.");
  g_autoptr (CraftPacket) p = dissect_hex ("Ether", TCP_WRONG_SUMS);
  set (p, 1, "ttl", 34);
  g_autoptr (GBytes) bytes = build (p);
  g_autofree char *got = to_hex (bytes);
  /* Scapy: IP(id=0x1234, src="10.9.8.7", dst="10.1.2.3", ttl=34)/TCP(sport=1234, dport=80, seq=1000,
   * flags="PA")/b"payload" */
  g_assert_cmpstr (got, ==,
                   "0011223344660011223344550800"
                   "4500002f12340000220668820a0908070a01020304d20050000003e80000000050182000ab7800007061796c6f6164");

  /* A checksum the user sets after dissecting is kept through later edits. */
  g_autoptr (CraftPacket) q = dissect_hex ("Ether", TCP_WRONG_SUMS);
  set (q, 1, "chksum", 0x1234);
  set (q, 1, "ttl", 34);
  g_autoptr (GBytes) qb = build (q);
  const guint8 *d = g_bytes_get_data (qb, NULL);
  g_assert_cmpuint (rd16 (d, 24), ==, 0x1234);
  g_assert_cmpuint (ref_transport_sum (d, 14, 6), ==, 0);
  g_assert_cmpuint (get (q, 2, "chksum"), ==, 0xab78);
  /* ... and a length set explicitly too, while the checksum follows it. */
  g_autoptr (CraftPacket) r = dissect_hex ("Ether", TCP_WRONG_SUMS);
  set (r, 1, "len", 100);
  g_autoptr (GBytes) rb = build (r);
  const guint8 *e = g_bytes_get_data (rb, NULL);
  g_assert_cmpuint (rd16 (e, 16), ==, 100);
  g_assert_cmpuint (ref_sum (e + 14, 20), ==, 0);
  /* The pseudo-header takes its length from IP.len once the user set it,
   * as Scapy does: 100 - 20 bytes, while the segment has 27. */
  guint8 all[12 + 27];
  memcpy (all, e + 14 + 12, 8);
  all[8] = 0, all[9] = 6, all[10] = 0, all[11] = 80;
  memcpy (all + 12, e + 34, 27);
  g_assert_cmpuint (g_bytes_get_size (rb), ==, 14 + 20 + 27);
  g_assert_cmpuint (ref_sum (all, sizeof all), ==, 0);
  /* Scapy: Ether(...)/IP(id=0x1234, src="10.9.8.7", dst="10.1.2.3", ttl=33, len=100)/TCP(sport=1234,
   * dport=80, seq=1000, flags="PA")/b"payload" */
  g_autofree char *rhex = to_hex (rb);
  g_assert_cmpstr (rhex, ==,
                   "001122334466001122334455080045000064123400002106694d0a0908070a01020304d20050000003e800000000"
                   "50182000ab4300007061796c6f6164");
}

static void
test_edit_udp (void)
{
  g_test_summary ("A changed UDP port recomputes UDP.len and UDP.chksum, as Scapy would build them.");
  g_autoptr (CraftPacket) p = dissect_hex ("Ether", UDP_WRONG_LEN);
  set_text (p, 2, "dport", "mdns");
  g_autoptr (GBytes) bytes = build (p);
  g_autofree char *got = to_hex (bytes);
  /* Scapy: IP(id=0x4321, src="10.9.8.7", dst="10.1.2.3", flags="DF")/UDP(sport=4000, dport=5353)/b"query" */
  g_assert_cmpstr (got, ==,
                   "0011223344660011223344550800"
                   "45000021432140004011d9970a0908070a0102030fa014e9000d6d4f7175657279");
  g_assert_cmpuint (get (p, 2, "len"), ==, 13);
  g_assert_cmpuint (get (p, 1, "flags"), ==, 2);
  g_assert_cmpuint (ref_transport_sum (g_bytes_get_data (bytes, NULL), 14, 17), ==, 0);
}

static void
test_edit_unknown_proto (void)
{
  g_test_summary ("IP.proto keeps its wire value after an edit when no binding knows the payload.");
  /* Scapy: IP(id=7, src="10.9.8.7", dst="10.1.2.3", proto=253)/b"opaque" */
  g_autoptr (CraftPacket) p = dissect_hex ("IP", "4500001a0007000040fd5bcd0a0908070a0102036f7061717565");
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 2);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (p, 1)), ==, "Raw");
  set (p, 0, "ttl", 1);
  set_text (p, 1, "load", "longer payload");
  g_autoptr (GBytes) bytes = build (p);
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (d[9], ==, 253);
  g_assert_cmpuint (d[8], ==, 1);
  g_assert_cmpuint (rd16 (d, 2), ==, 34);
  g_assert_cmpuint (ref_sum (d, 20), ==, 0);
  g_assert_cmpuint (rd16 (d, 4), ==, 7);
}

/* Fields that were absent on the wire get their defaults when an edit brings them in. */
static void
test_edit_conditional (void)
{
  g_test_summary ("Fields absent on the wire get their defaults when an edit makes them present.");
  /* Scapy: IP(src="192.0.2.1", dst="192.0.2.2")/ICMP(id=0x1234, seq=3) */
  const char *echo = "4500001c000100004001f6dcc0000201c00002020800e5c812340003";
  g_autoptr (CraftPacket) p = dissect_hex ("IP", echo);
  g_assert_false (craft_packet_has_field (p, 1, "ts_ori"));
  guint64 before = (guint64) (g_get_real_time () / 1000 % (24 * 3600 * 1000));
  set (p, 1, "type", 13);
  g_autoptr (GBytes) bytes = build (p);
  guint64 after = (guint64) (g_get_real_time () / 1000 % (24 * 3600 * 1000));
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 40);
  g_assert_cmpuint (rd16 (d, 2), ==, 40);
  g_assert_cmpuint (get (p, 1, "id"), ==, 0x1234);
  g_assert_cmpuint (get (p, 1, "seq"), ==, 3);
  if (after >= before)
    {
      g_assert_cmpuint (get (p, 1, "ts_ori"), >=, before);
      g_assert_cmpuint (get (p, 1, "ts_tx"), <=, after);
    }
  g_assert_cmpuint (ref_sum (d, 20), ==, 0);
  g_assert_cmpuint (ref_sum (d + 20, 20), ==, 0);
}

static void
test_edit_replace_payload (void)
{
  g_test_summary ("A new upper layer pushed on a dissected packet sets the binding field below it.");
  /* Scapy: IP(src="10.9.8.7", dst="10.1.2.3", proto=6): an IP header alone. */
  g_autoptr (CraftPacket) p = dissect_hex ("IP", "450000140001000040065cd00a0908070a010203");
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 1);
  g_autoptr (CraftPacket) udp = parse ("UDP(sport=1, dport=2)/\"x\"");
  craft_packet_push_packet (p, udp);
  g_autoptr (GBytes) bytes = build (p);
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 29);
  g_assert_cmpuint (d[9], ==, 17);
  g_assert_cmpuint (rd16 (d, 2), ==, 29);
  g_assert_cmpuint (ref_sum (d, 20), ==, 0);
  g_assert_cmpuint (ref_transport_sum (d, 0, 17), ==, 0);
  g_autofree char *src = format (p, 0, "src");
  g_assert_cmpstr (src, ==, "10.9.8.7");

  /* An Ethernet header that said ARP, now carrying IP. */
  g_autoptr (CraftPacket) e = dissect_hex ("Ether", "0011223344660011223344550806");
  g_autoptr (CraftPacket) ip = parse ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")");
  craft_packet_push_packet (e, ip);
  g_autoptr (GBytes) eb = build (e);
  g_assert_cmpuint (rd16 (g_bytes_get_data (eb, NULL), 12), ==, 0x0800);

  /* Pushed layers read their own values before any build, not this packet's bytes. */
  g_autoptr (CraftPacket) h = dissect_hex ("IP", "450000140001000040065cd00a0908070a010203");
  g_autoptr (CraftPacket) tcp = parse ("TCP(sport=1234)");
  craft_packet_push_packet (h, tcp);
  g_assert_cmpuint (get (h, 1, "sport"), ==, 1234);
  g_assert_cmpuint (get (h, 1, "dport"), ==, 80);
  g_assert_cmpuint (get (h, 1, "window"), ==, 8192);
  /* ... nor those of the packet they came from, once it was built. */
  g_autoptr (CraftPacket) built_udp = parse ("UDP(sport=7)/\"payload\"");
  g_autoptr (GBytes) ub = build (built_udp);
  (void) ub;
  g_autoptr (CraftPacket) h2 = dissect_hex ("IP", "450000140001000040065cd00a0908070a010203");
  craft_packet_push_packet (h2, built_udp);
  g_assert_cmpuint (get (h2, 1, "dport"), ==, 53);
  g_autoptr (GBytes) h2b = build (h2);
  g_assert_cmpuint (get (h2, 1, "len"), ==, 15);
  g_assert_cmpuint (get (h2, 0, "proto"), ==, 17);
  g_assert_cmpuint (ref_transport_sum (g_bytes_get_data (h2b, NULL), 0, 17), ==, 0);

  /* A wire value that already selects the new upper layer is kept. */
  g_autoptr (CraftPacket) d2 = dissect_hex ("Ether", "00112233446600112233445588a8");
  g_autoptr (CraftPacket) vlan = parse ("Dot1Q(vlan=5)");
  craft_packet_push_packet (d2, vlan);
  g_autoptr (GBytes) db = build (d2);
  g_assert_cmpuint (rd16 (g_bytes_get_data (db, NULL), 12), ==, 0x88a8);
}

/* ------------------------------------------------------------------------
 * Verify
 * ------------------------------------------------------------------------ */

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

static void
test_verify (void)
{
  g_test_summary ("Verify names each wrong checksum and length, and skips what cannot be judged.");
  g_autoptr (CraftPacket) p = dissect_hex ("Ether", TCP_WRONG_SUMS);
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);
  g_assert_cmpuint (craft_packet_verify (p), ==, 2);
  const CraftFinding *f = find_finding (p, "IP.chksum is 0xdead, should be 0x6982");
  g_assert_nonnull (f);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_CHECKSUM);
  g_assert_cmpuint (f->layer, ==, 1);
  g_assert_cmpint (f->field, ==, 9);
  g_assert_cmpuint (f->offset, ==, 24);
  g_assert_cmpuint (f->length, ==, 2);
  f = find_finding (p, "TCP.chksum is 0xbeef, should be 0xab78");
  g_assert_nonnull (f);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_CHECKSUM);
  g_assert_cmpuint (f->layer, ==, 2);
  g_assert_cmpuint (f->offset, ==, 14 + 20 + 16);
  /* Verifying does not change the packet. */
  g_autoptr (GBytes) bytes = build (p);
  g_autofree char *hex = to_hex (bytes);
  g_assert_cmpstr (hex, ==, TCP_WRONG_SUMS);

  g_autoptr (CraftPacket) u = dissect_hex ("Ether", UDP_WRONG_LEN);
  guint before = craft_packet_get_n_findings (u);
  /* "UDP length says 99, 13 bytes present"; and the 5 bytes to port 53 are a cut DNS header. */
  g_assert_cmpuint (before, ==, 2);
  g_assert_nonnull (find_finding (u, "UDP length says 99, 13 bytes present"));
  g_assert_nonnull (find_finding (u, "DNS.qdcount needs 2 bytes at offset 46, 1 present"));
  g_assert_cmpuint (craft_packet_verify (u), ==, 1);
  f = find_finding (u, "UDP.len is 99, should be 13");
  g_assert_nonnull (f);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_LENGTH);
  g_assert_cmpuint (f->offset, ==, 14 + 20 + 4);
  /* The checksum is right for the bytes sent, the wrong length in them
   * included (Scapy, dissecting them and recomputing it, gets 0x81ad): the
   * wrong length is no reason to call it wrong. */
  g_assert_null (find_finding (u, "UDP.chksum"));

  /* A UDP checksum of 0 means "none": nothing to report. Scapy: IP(src="192.0.2.1",
   * dst="192.0.2.2")/UDP(chksum=0)/b"abc" */
  g_autoptr (CraftPacket) z = dissect_hex ("IP", "4500001f000100004011f6c9c0000201c000020200350035000b0000616263");
  g_assert_cmpuint (craft_packet_verify (z), ==, 0);

  /* A correct packet verifies clean, twice. */
  g_autoptr (CraftPacket) good = parse ("Ether()/IP(dst=\"192.0.2.7\")/TCP(options=b\"\\x01\")/\"data\"");
  g_autoptr (GBytes) gb = build (good);
  g_autoptr (CraftPacket) gd
    = craft_packet_new_from_bytes (registry, "Ether", g_bytes_get_data (gb, NULL), g_bytes_get_size (gb), NULL);
  g_assert_cmpuint (craft_packet_verify (gd), ==, 0);
  g_assert_cmpuint (craft_packet_verify (gd), ==, 0);
  g_assert_cmpuint (craft_packet_get_n_findings (gd), ==, 0);

  /* A wrong IP header length and total length. */
  g_autoptr (CraftPacket) l = dissect_hex ("IP", "4500001e000100004011f6cac0000201c000020204d20035000a0e666869");
  g_assert_cmpuint (craft_packet_verify (l), ==, 0);
  g_autoptr (CraftPacket) l2 = dissect_hex ("IP", "4500001e000100004011ffffc0000201c000020204d20035000a0e666869");
  g_assert_cmpuint (craft_packet_verify (l2), ==, 1);
  g_assert_nonnull (find_finding (l2, "IP.chksum is 0xffff, should be 0xf6ca"));

  /* A bare TCP or UDP has no pseudo-header: its checksum cannot be judged. */
  g_autoptr (CraftPacket) bare_tcp = dissect_hex ("TCP", "0014005000000000000000005002200012340000");
  g_assert_cmpuint (craft_packet_verify (bare_tcp), ==, 0);
  g_autoptr (CraftPacket) bare_udp = dissect_hex ("UDP", "003500350008abcd");
  g_assert_cmpuint (craft_packet_verify (bare_udp), ==, 0);
  /* ... but its length can. */
  g_autoptr (CraftPacket) bare_len = dissect_hex ("UDP", "003500350007abcd");
  g_assert_cmpuint (craft_packet_verify (bare_len), ==, 1);
  g_assert_nonnull (find_finding (bare_len, "UDP.len is 7, should be 8"));

  /* A truly wrong UDP checksum, with what tshark computes
   * (udp.checksum_calculated): Scapy's IP(src="192.0.2.1", dst="192.0.2.2")/
   * UDP(sport=1234, dport=4000, chksum=0x1234)/b"abc". */
  g_autoptr (CraftPacket) bad_udp
    = dissect_hex ("IP", "4500001f000100004011f6c9c0000201c000020204d20fa0000b1234616263");
  g_assert_cmpuint (craft_packet_verify (bad_udp), ==, 1);
  f = find_finding (bad_udp, "UDP.chksum is 0x1234, should be 0xa2ff");
  g_assert_nonnull (f);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_CHECKSUM);

  /* Cut short by the end of the data, nothing can be judged: the dissection
   * already said what is missing. Scapy's TCP_WRONG_SUMS, 5 bytes short. */
  g_autoptr (GBytes) whole = from_hex (TCP_WRONG_SUMS);
  g_autoptr (CraftPacket) cut = craft_packet_new_from_bytes (registry, "Ether", g_bytes_get_data (whole, NULL),
                                                             g_bytes_get_size (whole) - 5, NULL);
  g_assert_cmpuint (craft_packet_get_n_findings (cut), ==, 1);
  g_assert_cmpuint (craft_packet_verify (cut), ==, 0);
}

/* Only the findings that start with `prefix`: how many. */
static guint
count_findings (CraftPacket *p, const char *prefix)
{
  guint n = 0;
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    n += g_str_has_prefix (craft_packet_get_finding (p, i)->message, prefix);
  return n;
}

static void
test_verify_in_place (void)
{
  g_test_summary ("Verify judges each computed field on the bytes as sent: a wrong inner count or length does "
                  "not make a right outer checksum look wrong.");
  /* Scapy: IP(src="192.0.2.1", dst="192.0.2.2")/UDP(sport=1234, dport=53)/DNS(qdcount=3,
   * qd=DNSQR(qname="example.com")): one question announced as three. tshark
   * (udp.checksum.status 1) and Scapy both call the UDP checksum 0xa729 good. */
  g_autoptr (CraftPacket) dns = dissect_hex ("IP", "45000039000100004011f6afc0000201c000020204d200350025a729000001"
                                                   "000003000000000000076578616d706c6503636f6d0000010001");
  guint before = craft_packet_get_n_findings (dns);
  g_assert_cmpuint (craft_packet_verify (dns), ==, 1);
  g_assert_nonnull (find_finding (dns, "DNS.qdcount is 3, should be 1"));
  g_assert_cmpuint (craft_packet_get_n_findings (dns), ==, before + 1);
  g_assert_null (find_finding (dns, "UDP.chksum"));

  /* A wrong IP total length (60, 32 bytes there) inside IP: the inner IP's
   * header checksum and the UDP or TCP checksum are right for the bytes
   * sent (the pseudo-header counts the length the IP header gives, as
   * Scapy's does: Scapy dissecting and recomputing them gets the same
   * values). Scapy: IP(src="192.0.2.1", dst="192.0.2.2")/IP(src="192.0.2.3",
   * dst="192.0.2.4", len=60)/UDP(sport=1, dport=2)/b"abcd", and the same with
   * TCP(sport=1, dport=2). */
  g_autoptr (CraftPacket) udp = dissect_hex ("IP", "45000034000100004004f6c1c0000201c00002024500003c000100004011f6a8c0"
                                                   "000203c000020400010002000cb6e861626364");
  g_assert_cmpuint (craft_packet_verify (udp), ==, 1);
  g_assert_nonnull (find_finding (udp, "IP.len is 60, should be 32"));
  g_assert_cmpuint (count_findings (udp, "IP.chksum"), ==, 0);
  g_assert_cmpuint (count_findings (udp, "UDP.chksum"), ==, 0);
  g_autoptr (CraftPacket) tcp
    = dissect_hex ("IP", "45000040000100004004f6b5c0000201c00002024500003c000100004006f6b3c0000203c0000204000100"
                         "0200000000000000005002200046fd000061626364");
  g_assert_cmpuint (craft_packet_verify (tcp), ==, 1);
  g_assert_nonnull (find_finding (tcp, "IP.len is 60, should be 44"));
  g_assert_cmpuint (count_findings (tcp, "IP.chksum"), ==, 0);
  g_assert_cmpuint (count_findings (tcp, "TCP.chksum"), ==, 0);

  /* The inner checksum wrong as well: it is named, and the outer ones,
   * right for the bytes sent, are not. */
  g_autoptr (CraftPacket) both = dissect_hex ("IP", "45000034000100004004f6c1c0000201c00002024500003c000100004011f6a8c0"
                                                    "000203c000020400010002000cbeef61626364");
  g_assert_cmpuint (craft_packet_verify (both), ==, 2);
  g_assert_nonnull (find_finding (both, "IP.len is 60, should be 32"));
  g_assert_nonnull (find_finding (both, "UDP.chksum is 0xbeef, should be 0xb6e8"));

  /* The example Telemetry over UDP with a wrong length, longer or shorter
   * than its header, as craft builds it: the length is named; its own
   * checksum and UDP's, right for the bytes sent, are not. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) examples = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (examples, &error));
  g_assert_true (craft_registry_load_dir (examples, CRAFT_SOURCE_DIR "/proto/examples", &error));
  g_assert_no_error (error);
  static const struct {
    guint length;
    const char *finding;
  } telemetry[] = { { 30, "Telemetry.length is 30, should be 24" }, { 10, "Telemetry.length is 10, should be 24" } };
  for (gsize i = 0; i < G_N_ELEMENTS (telemetry); i++)
    {
      g_autofree char *expression = g_strdup_printf (
        "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(sport=1234,dport=9999)/Telemetry(length=%u,note=b\"abcdefghij\")",
        telemetry[i].length);
      g_autoptr (CraftPacket) sent = craft_packet_new_from_expression (examples, expression, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) bytes = craft_packet_build (sent, &error);
      g_assert_no_error (error);
      g_autoptr (CraftPacket) got = craft_packet_new_from_bytes (examples, "IP", g_bytes_get_data (bytes, NULL),
                                                                 g_bytes_get_size (bytes), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (craft_packet_verify (got), ==, 1);
      g_assert_nonnull (find_finding (got, telemetry[i].finding));
      g_assert_cmpuint (count_findings (got, "UDP.chksum"), ==, 0);
      g_assert_cmpuint (count_findings (got, "Telemetry.checksum"), ==, 0);
    }
}

/* Computed defaults in a definition's own arithmetic: the corner cases of
 * signed 64-bit arithmetic wrap instead of being undefined (UBSan checks). */
static void
test_calc_overflow (void)
{
  g_test_summary ("Definition arithmetic wraps at the limits of 64 bits instead of being undefined.");
  static const char definition[] = "layer Wrap \"Wrap\" {\n"
                                   "    x: u64 = 0x7fffffffffffffff;\n"
                                   "    m: u64 = 0 - x - 1;\n"
                                   "    neg: u64 = -m;\n"
                                   "    quot: u64 = m / (0 - 1);\n"
                                   "    rem: u64 = m % (0 - 1);\n"
                                   "    zero: u64 = x / 0 + x % 0;\n"
                                   "}\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_data (reg, "wrap.pdl", definition, -1, &error));
  g_assert_no_error (error);
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (reg, "Wrap()", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = build (p);
  g_autofree char *hex = to_hex (bytes);
  g_assert_cmpstr (hex, ==,
                   "7fffffffffffffff"
                   "8000000000000000"
                   "8000000000000000"
                   "8000000000000000"
                   "0000000000000000"
                   "0000000000000000");
}

/* A field the binding to the layer above sets, read by a condition of its
 * own layer: the layout sees the bound value, not the default. */
static void
test_bound_field_in_condition (void)
{
  g_test_summary ("A condition on a field that a binding fills sees the bound value when the layer is laid out "
                  "(VXLAN()/Ether(): flags 0x0c make the next protocol present).");
  static const char definition[] = "layer Carrier { kind: u8 = 1; extra: u16 hex if kind == 2 = 0xabcd;\n"
                                   "  tail: u8 if kind != 2 = 0xee; }\n"
                                   "layer Cargo { x: u8 = 7; }\n"
                                   "layer Other { y: u8 = 9; }\n"
                                   "bind Carrier.kind == 2 -> Cargo;\n"
                                   "bind Carrier.kind == 3 -> Other;\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_data (reg, "carrier.pdl", definition, -1, &error));
  g_assert_no_error (error);
  static const struct {
    const char *expression, *hex;
  } cases[] = {
    { "Carrier()", "01ee" },
    { "Carrier()/Cargo()", "02abcd07" },
    { "Carrier()/Other()", "03ee09" },
    { "Carrier(kind=1)/Cargo()", "01ee07" },
    { "Carrier(extra=0x1234)/Cargo()", "02123407" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CraftPacket) p = craft_packet_new_from_expression (reg, cases[i].expression, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) bytes = build (p);
      g_autofree char *hex = to_hex (bytes);
      g_test_message ("%s", cases[i].expression);
      g_assert_cmpstr (hex, ==, cases[i].hex);
      /* The user's value is still unset: the next build binds afresh. */
      g_autoptr (GBytes) again = build (p);
      g_autofree char *hex_again = to_hex (again);
      g_assert_cmpstr (hex_again, ==, cases[i].hex);
    }
  /* Dissected, then its upper layer replaced: the bound field is recomputed
   * for the new one, and the layout follows. */
  g_autoptr (GBytes) wire = from_hex ("02abcd07");
  g_autoptr (CraftPacket) d
    = craft_packet_new_from_bytes (reg, "Carrier", g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_layers (d), ==, 2);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (d, 1)), ==, "Cargo");
  /* Built again as it came, unchanged. */
  g_autoptr (GBytes) same = build (d);
  g_autofree char *same_hex = to_hex (same);
  g_assert_cmpstr (same_hex, ==, "02abcd07");
  /* The built-in VXLAN over each of what it carries. */
  assert_builds ("VXLAN()/Ether(dst=\"00:11:22:33:44:55\",src=\"00:11:22:33:44:66\")",
                 "0c000003000000000011223344550011223344669000");
  assert_builds ("VXLAN()/IPv6(src=\"::1\",dst=\"::2\")",
                 "0c000002000000006000000000003b40000000000000000000000000000000010000000000000000000000000000"
                 "0002");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new ();
  if (!craft_registry_load_builtin (registry, &error))
    g_error ("%s", error->message);

  g_test_add_func ("/build/defaults/ether", test_defaults_ether);
  g_test_add_func ("/build/bound-field-in-condition", test_bound_field_in_condition);
  g_test_add_func ("/build/defaults/dot1q", test_defaults_dot1q);
  g_test_add_func ("/build/defaults/arp", test_defaults_arp);
  g_test_add_func ("/build/defaults/ip", test_defaults_ip);
  g_test_add_func ("/build/defaults/icmp", test_defaults_icmp);
  g_test_add_func ("/build/defaults/tcp-udp", test_defaults_tcp_udp);
  g_test_add_func ("/build/defaults/raw-padding", test_defaults_raw_padding);
  g_test_add_func ("/build/length/ip-options", test_length_ip_options);
  g_test_add_func ("/build/length/ip-udp", test_length_ip_udp);
  g_test_add_func ("/build/length/tcp-dataofs", test_length_tcp_dataofs);
  g_test_add_func ("/build/length/arp", test_length_arp);
  g_test_add_func ("/build/checksum/ip-header", test_checksum_ip_header);
  g_test_add_func ("/build/checksum/icmp", test_checksum_icmp);
  g_test_add_func ("/build/checksum/tcp-udp", test_checksum_tcp_udp);
  g_test_add_func ("/build/checksum/udp-zero", test_checksum_udp_zero);
  g_test_add_func ("/build/user-wins", test_user_wins);
  g_test_add_func ("/build/bindings", test_bindings);
  g_test_add_func ("/build/padding-excluded", test_padding_excluded);
  g_test_add_func ("/build/conditional/icmp", test_conditional_icmp);
  g_test_add_func ("/build/conditional/alternatives", test_conditional_alternatives);
  g_test_add_func ("/build/conditional/alternative-kinds", test_alternative_kinds);
  g_test_add_func ("/build/icmp-timestamps", test_icmp_timestamps);
  g_test_add_func ("/build/scapy-bytes", test_scapy_bytes);
  g_test_add_func ("/build/edit/unchanged", test_edit_unchanged);
  g_test_add_func ("/build/edit/payload", test_edit_payload);
  g_test_add_func ("/build/edit/field", test_edit_field);
  g_test_add_func ("/build/edit/udp", test_edit_udp);
  g_test_add_func ("/build/edit/unknown-proto", test_edit_unknown_proto);
  g_test_add_func ("/build/edit/conditional", test_edit_conditional);
  g_test_add_func ("/build/edit/replace-payload", test_edit_replace_payload);
  g_test_add_func ("/build/verify", test_verify);
  g_test_add_func ("/build/verify-in-place", test_verify_in_place);
  g_test_add_func ("/build/calc-overflow", test_calc_overflow);

  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
