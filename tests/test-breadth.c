/* Protocol breadth (issue 6): NTP, GRE, VXLAN, IPv6 extension headers and ICMPv6 dissected from the wire, and malformed lengths reported as findings, never a crash or a hang. */
#include <craft/craft.h>

#include "craft-limits.h"

#include <string.h>

static CraftRegistry *registry;

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

/* Dissects a copy of exactly the bytes, so that ASan catches a read past them. */
static CraftPacket *
dissect (const char *first, const char *hex)
{
  g_autoptr (GByteArray) bytes = from_hex (hex);
  g_autofree guint8 *copy = g_memdup2 (bytes->data, bytes->len);
  g_autoptr (GError) error = NULL;
  CraftPacket *p = craft_packet_new_from_bytes (registry, first, copy, bytes->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  /* Every finding stays inside the data, and the packet still builds. */
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    {
      const CraftFinding *f = craft_packet_get_finding (p, i);
      g_assert_nonnull (f->message);
      g_assert_cmpuint (f->offset + f->length, <=, bytes->len);
    }
  g_autoptr (GBytes) rebuilt = craft_packet_build (p, NULL);
  (void) rebuilt;
  return p;
}

/* The layer names, "A / B / C". */
static char *
layer_names (CraftPacket *p)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < craft_packet_get_n_layers (p); i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " / " : "",
                            craft_layer_def_get_name (craft_packet_get_layer (p, i)));
  return g_string_free (out, FALSE);
}

static const CraftFinding *
find_kind (CraftPacket *p, CraftFindingKind kind, const char *prefix)
{
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    {
      const CraftFinding *f = craft_packet_get_finding (p, i);
      if (f->kind == kind && g_str_has_prefix (f->message, prefix))
        return f;
    }
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    g_test_message ("finding: %s", craft_packet_get_finding (p, i)->message);
  return NULL;
}

#define V6_HEADER(plen, nh) "60000000" plen nh "40" "20010db8000000000000000000000001" "20010db8000000000000000000000002"

/* ---- dissection by binding ---- */

static void
test_chains (void)
{
  g_test_summary ("NTP, VXLAN, GRE, IPv6 extension header chains, ICMPv6 messages and neighbour discovery options "
                  "dissect from the wire through their bindings and guards.");
  static const struct {
    const char *first, *hex, *layers;
  } cases[] = {
    /* UDP port 123, either side: NTP. */
    { "UDP", "9c40007b0038000023020a0000000000000000007f000001" "0000000000000000000000000000000000000000000000000000000000000000",
      "UDP / NTPHeader" },
    /* UDP 4789 with the I flag: VXLAN carrying Ethernet carrying IPv4. */
    { "UDP", "c35012b500320000" "0800000000006400" "0011223344660011223344550800" "4500001400010000400066e70a0000010a000002",
      "UDP / VXLAN / Ether / IP" },
    /* GRE with key and sequence number carrying IPv4. */
    { "GRE", "3000080000000001000000024500001400010000400066e70a0000010a000002", "GRE / IP" },
    /* IPv6, hop-by-hop, routing, fragment, destination options, then no next header. */
    { "IPv6", V6_HEADER ("0020", "00") "2b00010400000000" "2c00000000000000" "3c00000000000000" "3b00010400000000",
      "IPv6 / IPv6ExtHdrHopByHop / IPv6ExtHdrRouting / IPv6ExtHdrFragment / IPv6ExtHdrDestOpt" },
    /* Routing type 4 is the segment routing header (RFC 8754), by its
     * guard; other routing types stay the generic routing header. */
    { "IPv6", V6_HEADER ("0018", "2b") "3b02040000000000" "20010db8000000000000000000000005",
      "IPv6 / IPv6ExtHdrSegmentRouting" },
    { "IPv6", V6_HEADER ("0020", "00") "2b00010400000000" "3b02020100000000" "20010db8000000000000000000000005",
      "IPv6 / IPv6ExtHdrHopByHop / IPv6ExtHdrRouting" },
    { "IPv6", V6_HEADER ("0048", "2b") "2b04040101000000" "20010db8000000000000000000000005"
                                     "20010db8000000000000000000000006" "3a02000100000000"
                                     "20010db8000000000000000000000007" "8000000000010002",
      "IPv6 / IPv6ExtHdrSegmentRouting / IPv6ExtHdrRouting / ICMPv6EchoRequest" },
    /* ICMPv6: each type its own layer; a type none defines is ICMPv6Unknown. */
    { "IPv6", V6_HEADER ("0008", "3a") "8000000000010002", "IPv6 / ICMPv6EchoRequest" },
    { "IPv6", V6_HEADER ("0008", "3a") "c8000000deadbeef", "IPv6 / ICMPv6Unknown" },
    /* Neighbour solicitation with a source link-layer address option. */
    { "IPv6", V6_HEADER ("0020", "3a") "8700000000000000" "20010db8000000000000000000000002" "0101001122334455",
      "IPv6 / ICMPv6ND_NS / ICMPv6NDOptSrcLLAddr" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CraftPacket) p = dissect (cases[i].first, cases[i].hex);
      g_autofree char *names = layer_names (p);
      g_assert_cmpstr (names, ==, cases[i].layers);
    }
}

/* ---- malformed input ---- */

/* A neighbour discovery option of length 0 (RFC 4861: invalid) and one
 * whose length runs past the end of the packet. */
static void
test_nd_option_lengths (void)
{
  g_test_summary ("A neighbour discovery option of length 0, or running past the end, is a finding.");
  g_autoptr (CraftPacket) zero
    = dissect ("IPv6", V6_HEADER ("0020", "3a") "8700000000000000" "20010db8000000000000000000000002" "0100001122334455");
  g_assert_nonnull (find_kind (zero, CRAFT_FINDING_INVALID, "ICMPv6NDOptSrcLLAddr.extra"));

  g_autoptr (CraftPacket) past
    = dissect ("IPv6", V6_HEADER ("0020", "3a") "8700000000000000" "20010db8000000000000000000000002" "01c8001122334455");
  g_assert_nonnull (find_kind (past, CRAFT_FINDING_TRUNCATED, "ICMPv6NDOptSrcLLAddr.extra"));
}

/* Many options of length 0 in a row: each is a finding, none is read
 * forever, and the layer limit bounds the chain. */
static void
test_nd_zero_length_options (void)
{
  g_test_summary ("A neighbour solicitation followed by hundreds of zero-length options dissects promptly, within "
                  "the layer limit, with findings.");
  GString *hex = g_string_new (NULL);
  guint n = 400;
  g_string_append_printf (hex, "60000000%04x3aff", 24 + n * 8);
  g_string_append (hex, "20010db800000000000000000000000120010db8000000000000000000000002");
  g_string_append (hex, "8700000000000000" "20010db8000000000000000000000002");
  for (guint i = 0; i < n; i++)
    g_string_append (hex, "0100001122334455");
  gint64 start = g_get_monotonic_time ();
  g_autoptr (CraftPacket) p = dissect ("IPv6", hex->str);
  g_string_free (hex, TRUE);
  g_assert_cmpuint (craft_packet_get_n_layers (p), <=, CRAFT_MAX_LAYERS + 1);
  g_assert_nonnull (find_kind (p, CRAFT_FINDING_INVALID, "ICMPv6NDOptSrcLLAddr.extra"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* An extension header whose length runs past the end, and a chain that
 * announces more headers than the packet holds. */
static void
test_extension_header_lengths (void)
{
  g_test_summary ("An extension header longer than the packet, or a chain announcing more headers than there are "
                  "bytes, is a finding, never a read past the data.");
  g_autoptr (CraftPacket) long_hop = dissect ("IPv6", V6_HEADER ("0008", "00") "3bff010400000000");
  g_assert_nonnull (find_kind (long_hop, CRAFT_FINDING_TRUNCATED, "IPv6ExtHdrHopByHop.more"));

  /* Payload length 64, next header hop-by-hop -> destination options ->
   * fragment -> routing: only 16 bytes are there. */
  g_autoptr (CraftPacket) chain = dissect ("IPv6", V6_HEADER ("0040", "00") "3c00010400000000" "2c00010400000000");
  g_assert_cmpuint (craft_packet_get_n_findings (chain), >=, 1);
  g_autofree char *names = layer_names (chain);
  g_assert_true (g_str_has_prefix (names, "IPv6 / IPv6ExtHdrHopByHop / IPv6ExtHdrDestOpt"));
  g_assert_null (strstr (names, "IPv6ExtHdrRouting"));

  /* A cut fragment header, and a routing header whose addresses run out. */
  g_autoptr (CraftPacket) cut = dissect ("IPv6", V6_HEADER ("0008", "2c") "3b000000");
  g_assert_cmpuint (craft_packet_get_n_findings (cut), >=, 1);
  g_autoptr (CraftPacket) routing = dissect ("IPv6", V6_HEADER ("0018", "2b") "3b06000300000000" "20010db8000000000000000000000003");
  g_assert_nonnull (find_kind (routing, CRAFT_FINDING_TRUNCATED, "IPv6ExtHdrRouting.addresses"));

  /* A segment routing header whose last entry names more segments than its
   * length holds, and one whose length runs past the packet. */
  g_autoptr (CraftPacket) entries
    = dissect ("IPv6", V6_HEADER ("0018", "2b") "3b02040003000000" "20010db8000000000000000000000005");
  g_assert_cmpuint (craft_packet_get_n_findings (entries), >=, 1);
  g_autoptr (CraftPacket) srh_past
    = dissect ("IPv6", V6_HEADER ("0018", "2b") "3b06040000000000" "20010db8000000000000000000000005");
  g_assert_cmpuint (craft_packet_get_n_findings (srh_past), >=, 1);
}

/* A chain of destination options headers, each naming another, far deeper
 * than the layer limit: cut at CRAFT_MAX_LAYERS with a finding, promptly. */
static void
test_extension_header_chain_limit (void)
{
  g_test_summary ("A chain of extension headers deeper than the layer limit is cut there, with a finding.");
  guint n = CRAFT_MAX_LAYERS * 4;
  GString *hex = g_string_new (NULL);
  g_string_append_printf (hex, "60000000%04x3c40", n * 8);
  g_string_append (hex, "20010db800000000000000000000000120010db8000000000000000000000002");
  for (guint i = 0; i < n; i++)
    g_string_append (hex, "3c00010400000000");
  g_autoptr (CraftPacket) p = dissect ("IPv6", hex->str);
  g_string_free (hex, TRUE);
  g_assert_cmpuint (craft_packet_get_n_layers (p), <=, CRAFT_MAX_LAYERS + 1);
  g_assert_cmpuint (craft_packet_get_n_findings (p), >=, 1);
}

/* Whether dissecting the bytes from IPv6 and verifying finds a problem of that kind. */
static gboolean
has_finding (const char *hex, CraftFindingKind kind)
{
  g_autoptr (GByteArray) bytes = from_hex (hex);
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (registry, "IPv6", bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  craft_packet_verify (p);
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    if (craft_packet_get_finding (p, i)->kind == kind)
      return TRUE;
  return FALSE;
}

/* Scapy's bytes for UDP, TCP and ICMPv6 after extension headers (its
 * in6_chksum(): the upper layer's length and protocol, the final
 * destination of a routing header) verify when craft dissects them, and a
 * changed byte under the checksum does not. */
static void
test_extension_header_checksums (void)
{
  g_test_summary ("Upper-layer checksums after IPv6 extension headers, as Scapy computes them, verify on "
                  "dissection; a changed payload byte is a checksum finding.");
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (CRAFT_SOURCE_DIR, "tests", "vectors", "breadth.tsv", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint checked = 0, routed = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');
      if (tab == NULL || !g_str_has_prefix (lines[i], "IPv6(") || strstr (lines[i], "IPv6ExtHdr") == NULL
          || strstr (lines[i], "chksum=") != NULL || strstr (lines[i], "cksum=") != NULL
          || (strstr (lines[i], "UDP(") == NULL && strstr (lines[i], "TCP(") == NULL
              && strstr (lines[i], "ICMPv6") == NULL))
        continue;
      if (has_finding (tab + 1, CRAFT_FINDING_CHECKSUM))
        g_error ("%.*s: Scapy's checksum does not verify", (int) (tab - lines[i]), lines[i]);
      g_autofree char *bent = g_strdup (tab + 1);
      gsize n = strlen (bent);
      bent[n - 1] = bent[n - 1] == '0' ? '1' : '0';
      if (!has_finding (bent, CRAFT_FINDING_CHECKSUM))
        g_error ("%.*s: a changed last byte verifies", (int) (tab - lines[i]), lines[i]);
      checked++;
      routed += strstr (lines[i], "addresses=") != NULL;
    }
  g_test_message ("%u vectors, %u with routing addresses", checked, routed);
  g_assert_cmpuint (checked, >=, 20);
  g_assert_cmpuint (routed, >=, 3);
}

/* The number of findings of any kind after dissecting the bytes from IPv6 and verifying. */
static guint
n_findings (const char *hex)
{
  g_autoptr (GByteArray) bytes = from_hex (hex);
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (registry, "IPv6", bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  craft_packet_verify (p);
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    g_test_message ("finding: %s", craft_packet_get_finding (p, i)->message);
  return craft_packet_get_n_findings (p);
}

/* Routing headers as they travel (issue 6): segments left counts down to 0
 * at the final destination, where the IPv6 destination is the last address;
 * before that the upper-layer checksum covers the last address (RFC 8200
 * section 8.1), whatever the IPv6 destination. Bytes from Scapy 2.5:
 * IPv6(src="2001:db8::1", dst=D)/IPv6ExtHdrRouting(addresses=["2001:db8::5",
 * "2001:db8::6"], segleft=S)/UDP(sport=1000, dport=2000)/b"hello". */
static void
test_routing_header_in_transit (void)
{
  g_test_summary ("Type 0 and segment routing (type 4) headers with segments left 0 or more and correct "
                  "checksums verify with no finding; a wrong checksum is still a checksum finding.");
  static const struct
  {
    const char *what, *hex;
  } clean[] = {
    { "segleft 0 at the final destination",
      "6000000000352b4020010db800000000000000000000000120010db8000000000000000000000006"
      "110400000000000020010db800000000000000000000000520010db8000000000000000000000006"
      "03e807d0000d54d168656c6c6f" },
    { "segleft 1, at the first address",
      "6000000000352b4020010db800000000000000000000000120010db8000000000000000000000005"
      "110400010000000020010db800000000000000000000000520010db8000000000000000000000006"
      "03e807d0000d54d168656c6c6f" },
    { "segleft 2, at the first hop",
      "6000000000352b4020010db800000000000000000000000120010db8000000000000000000000002"
      "110400020000000020010db800000000000000000000000520010db8000000000000000000000006"
      "03e807d0000d54d168656c6c6f" },
    { "segleft 0, IPv6 destination not the last address",
      "6000000000352b4020010db800000000000000000000000120010db8000000000000000000000002"
      "110400000000000020010db800000000000000000000000520010db8000000000000000000000006"
      "03e807d0000d54d568656c6c6f" },
    /* Segment routing (type 4, RFC 8754): the segment list is in reverse
     * order, the final destination first. Scapy 2.5:
     * IPv6ExtHdrSegmentRouting(addresses=["2001:db8::5", "2001:db8::6"], segleft=S). */
    { "SRv6 segleft 1, at the first segment",
      "6000000000352b4020010db800000000000000000000000120010db8000000000000000000000006"
      "110404010100000020010db800000000000000000000000520010db8000000000000000000000006"
      "03e807d0000d54d268656c6c6f" },
    { "SRv6 segleft 0 at the final destination",
      "6000000000352b4020010db800000000000000000000000120010db8000000000000000000000005"
      "110404000100000020010db800000000000000000000000520010db8000000000000000000000006"
      "03e807d0000d54d268656c6c6f" },
    { "SRv6 segleft 0, IPv6 destination not the first address",
      "6000000000352b4020010db800000000000000000000000120010db8000000000000000000000006"
      "110404000100000020010db800000000000000000000000520010db8000000000000000000000006"
      "03e807d0000d54d168656c6c6f" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (clean); i++)
    {
      g_test_message ("%s", clean[i].what);
      g_assert_cmpuint (n_findings (clean[i].hex), ==, 0);
      /* The checksum of the other pseudo-header destination is wrong. */
      g_autofree char *wrong = g_strdup (clean[i].hex);
      char *sum = wrong + strlen (wrong) - 10 - 4;
      g_assert_true (g_str_has_prefix (sum, "54d"));
      sum[3] = sum[3] == '1' ? '5' : '1';
      g_assert_true (has_finding (wrong, CRAFT_FINDING_CHECKSUM));
      g_assert_cmpuint (n_findings (wrong), ==, 1);
    }
}

/* The NTP seconds (since 1900, modulo 2^32) of a g_get_real_time() value. */
static guint64
ntp_seconds (gint64 us)
{
  return (guint64) (us / G_USEC_PER_SEC + G_GINT64_CONSTANT (2208988800)) & 0xffffffffu;
}

static guint64
get_uint (CraftPacket *p, guint layer, const char *name)
{
  g_autoptr (GError) error = NULL;
  guint64 value = G_MAXUINT64;
  g_assert_true (craft_packet_get_uint (p, layer, name, &value, &error));
  g_assert_no_error (error);
  return value;
}

/* As Scapy 2.5's NTPHeader(), orig and sent default to the current time
 * (ntp_now()); given values stand, and a dissected one is kept through
 * edits and never a finding. */
static void
test_ntp_now (void)
{
  g_test_summary ("NTPHeader's orig and sent default to the time of the build; given or dissected values stand "
                  "and verify.");
  g_autoptr (GError) error = NULL;
  gint64 before = g_get_real_time ();
  g_autoptr (CraftPacket) p
    = craft_packet_new_from_expression (registry, "UDP(sport=123, dport=123)/NTPHeader()", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  gint64 after = g_get_real_time ();
  g_autoptr (CraftPacket) d = craft_packet_new_from_bytes (registry, "UDP", g_bytes_get_data (bytes, NULL),
                                                          g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (d, 1)), ==, "NTPHeader");
  const char *now_fields[] = { "orig", "sent" };
  for (guint i = 0; i < G_N_ELEMENTS (now_fields); i++)
    {
      guint64 seconds = get_uint (d, 1, now_fields[i]) >> 32;
      g_assert_cmpuint (seconds, >=, ntp_seconds (before));
      g_assert_cmpuint (seconds, <=, ntp_seconds (after));
    }
  g_assert_cmpuint (get_uint (d, 1, "ref"), ==, 0);
  g_assert_cmpuint (get_uint (d, 1, "recv"), ==, 0);

  /* Given values stand (in seconds, as Scapy): the vectors' NTPHeader(orig=0, sent=0). */
  g_autoptr (CraftPacket) zero = craft_packet_new_from_expression (registry, "NTPHeader(orig=0, sent=5)", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) zero_bytes = craft_packet_build (zero, &error);
  g_assert_no_error (error);
  g_autoptr (CraftPacket) z = craft_packet_new_from_bytes (registry, "NTPHeader", g_bytes_get_data (zero_bytes, NULL),
                                                          g_bytes_get_size (zero_bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (get_uint (z, 0, "orig"), ==, 0);
  g_assert_cmpuint (get_uint (z, 0, "sent"), ==, G_GUINT64_CONSTANT (5) << 32);
  /* A dissected value is no finding, and an edit elsewhere keeps it. */
  g_assert_cmpuint (craft_packet_verify (z), ==, 0);
  g_assert_true (craft_packet_set_uint (z, 0, "stratum", 3, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) edited = craft_packet_build (z, &error);
  g_assert_no_error (error);
  g_autoptr (CraftPacket) e = craft_packet_new_from_bytes (registry, "NTPHeader", g_bytes_get_data (edited, NULL),
                                                          g_bytes_get_size (edited), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (get_uint (e, 0, "stratum"), ==, 3);
  g_assert_cmpuint (get_uint (e, 0, "orig"), ==, 0);
  g_assert_cmpuint (get_uint (e, 0, "sent"), ==, G_GUINT64_CONSTANT (5) << 32);
}

/* Every prefix of every breadth vector, and each with one length-ish byte
 * set to 0xff: dissected from its first layer without a crash, findings
 * inside the data (dissect() checks), and rebuilt. */
static void
test_vector_prefixes (void)
{
  g_test_summary ("Every prefix of every breadth vector, and each with one byte set to 0xff, dissects safely.");
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (CRAFT_SOURCE_DIR, "tests", "vectors", "breadth.tsv", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint vectors = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');
      if (tab == NULL)
        continue;
      g_autofree char *first = g_strndup (lines[i], strcspn (lines[i], "(/"));
      const char *hex = tab + 1;
      gsize n = strlen (hex) / 2;
      for (gsize len = 0; len <= n; len++)
        {
          g_autofree char *prefix = g_strndup (hex, len * 2);
          g_autoptr (CraftPacket) p = dissect (first, prefix);
          (void) p;
        }
      for (gsize at = 0; at < n; at++)
        {
          g_autofree char *bent = g_strdup (hex);
          bent[at * 2] = 'f';
          bent[at * 2 + 1] = 'f';
          g_autoptr (CraftPacket) p = dissect (first, bent);
          (void) p;
        }
      vectors++;
    }
  g_test_message ("%u vectors, every prefix and every byte bent", vectors);
  g_assert_cmpuint (vectors, >=, 80);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_test_add_func ("/breadth/chains", test_chains);
  g_test_add_func ("/breadth/extension-header-checksums", test_extension_header_checksums);
  g_test_add_func ("/breadth/routing-header-in-transit", test_routing_header_in_transit);
  g_test_add_func ("/breadth/ntp-now", test_ntp_now);
  g_test_add_func ("/breadth/malformed/nd-option-lengths", test_nd_option_lengths);
  g_test_add_func ("/breadth/malformed/nd-zero-length-options", test_nd_zero_length_options);
  g_test_add_func ("/breadth/malformed/extension-header-lengths", test_extension_header_lengths);
  g_test_add_func ("/breadth/malformed/extension-header-chain-limit", test_extension_header_chain_limit);
  g_test_add_func ("/breadth/malformed/vector-prefixes", test_vector_prefixes);
  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
