/* Lists of elements (list.c) and domain names (names.c): building from Scapy's syntax, reading back, and malformed input as findings. */
#include <craft/craft.h>

#include "craft-limits.h"
#include "packet-private.h"

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

static char *
build_hex (const char *expression)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, expression, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

/* Dissects `hex` from `first`; the bytes must rebuild unchanged whatever was found. */
static CraftPacket *
dissect_hex (const char *first, const char *hex)
{
  g_autoptr (GByteArray) bytes = from_hex (hex);
  g_autoptr (GError) error = NULL;
  CraftPacket *p = craft_packet_new_from_bytes (registry, first, bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) rebuilt = craft_packet_build (p, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (rebuilt, NULL), g_bytes_get_size (rebuilt), bytes->data, bytes->len);
  /* Showing it walks every list again: it must not fail either. */
  g_autofree char *shown = craft_packet_show (p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shown);
  g_autofree char *json = craft_packet_to_json (p, NULL);
  g_assert_nonnull (json);
  return p;
}

/* The finding whose message contains `text`, or NULL. */
static const CraftFinding *
find_finding (CraftPacket *p, const char *text)
{
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    if (strstr (craft_packet_get_finding (p, i)->message, text) != NULL)
      return craft_packet_get_finding (p, i);
  return NULL;
}

static void
assert_finding (CraftPacket *p, const char *text)
{
  if (find_finding (p, text) == NULL)
    {
      for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
        g_test_message ("finding: %s", craft_packet_get_finding (p, i)->message);
      g_error ("no finding says '%s'", text);
    }
}

static void
test_tcp_options_scapy (void)
{
  g_test_summary ("TCP options written as Scapy writes them build Scapy's bytes, the header length counting them.");
  g_autofree char *hex
    = build_hex ("TCP(options=[(\"MSS\",1460),(\"SAckOK\",b\"\"),(\"Timestamp\",(123,0)),(\"NOP\",None),(\"WScale\",7)])");
  g_assert_cmpstr (hex, ==, "001400500000000000000000a002200000000000020405b40402080a0000007b0000000001030307");
  g_autofree char *sack = build_hex ("TCP(options=[(\"SAck\",(1,2))])");
  g_assert_cmpstr (sack, ==, "0014005000000000000000008002200000000000050a00000001000000020000");
  g_autofree char *raw = build_hex ("TCP(options=[(99,b\"ab\")])");
  g_assert_cmpstr (raw, ==, "001400500000000000000000600220000000000063046162");
}

static void
test_tcp_options_read_back (void)
{
  g_test_summary ("Dissected TCP options come back as elements with their fields.");
  g_autoptr (CraftPacket) p = dissect_hex ("TCP", "001400500000000000000000a002200000000000020405b40402080a0000007b0000000001030307");
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);
  g_autofree char *options = craft_packet_format_field (p, 0, "options", NULL);
  g_assert_cmpstr (options, ==,
                   "[TCPOption_MSS(kind=MSS, len=4, mss=1460), TCPOption_SAckOK(kind=SAckOK, len=2), "
                   "TCPOption_Timestamp(kind=Timestamp, len=10, tsval=123, tsecr=0), TCPOption_NOP(kind=NOP), "
                   "TCPOption_WScale(kind=WScale, len=3, scale=7)]");
  g_autofree char *json = craft_packet_to_json (p, NULL);
  g_assert_nonnull (strstr (json, "\"options\":[{\"layer\":\"TCPOption_MSS\",\"fields\":{\"kind\":2,\"len\":4,\"mss\":1460}}"));
  g_autofree char *shown = craft_packet_show (p, NULL);
  g_assert_nonnull (strstr (shown, "   |###[ TCP option Timestamps ]###\n   |  kind      = Timestamp (8)\n"));
}

static void
test_ip_options_scapy (void)
{
  g_test_summary ("IP options as Scapy's IPOption_* layers build Scapy's bytes, padded to 32-bit words.");
  g_autofree char *rr = build_hex ("IP(options=[IPOption_RR(routers=[\"1.2.3.4\"])])");
  g_assert_cmpstr (rr, ==, "4700001c00010000400069d47f0000017f0000010707040102030400");
  g_autofree char *ts = build_hex ("IP(options=[IPOption_Timestamp()])");
  g_assert_cmpstr (ts, ==, "480000200001000040002cce7f0000017f000001440c09010000000000000000");
  g_autofree char *ra = build_hex ("IP(options=[IPOption_Router_Alert()])");
  g_assert_cmpstr (ra, ==, "46000018000100004000e7de7f0000017f00000194040000");
}

static void
test_option_length_zero (void)
{
  g_test_summary ("A TCP option of length 0 or 1 is a finding; the list stops there, nothing loops.");
  /* dataofs 6: four bytes of options, MSS with length 0. */
  g_autoptr (CraftPacket) zero = dissect_hex ("TCP", "0014005000000000000000006002200000000000" "02000000");
  assert_finding (zero, "TCP.options: TCPOption_MSS at offset 20 says it is 0 bytes, less than the 4 of its fields");
  const CraftFinding *f = find_finding (zero, "says it is 0 bytes");
  g_assert_cmpint (f->field, ==, 10);
  g_assert_cmpuint (f->offset, ==, 20);
  g_autoptr (CraftPacket) one = dissect_hex ("TCP", "0014005000000000000000006002200000000000" "63010000");
  assert_finding (one, "TCPOption at offset 20 says it is 1 bytes");
  g_autofree char *shown = craft_packet_format_field (one, 0, "options", NULL);
  g_assert_cmpstr (shown, ==, "[b'c\\x01\\x00\\x00']");
}

static void
test_option_past_end (void)
{
  g_test_summary ("An option whose length runs past the end of the options is a truncation finding.");
  g_autoptr (CraftPacket) p = dissect_hex ("TCP", "0014005000000000000000006002200000000000" "01630805");
  assert_finding (p, "TCPOption at offset 21 says it is 8 bytes, past the end of the list (3 left)");
  g_autofree char *options = craft_packet_format_field (p, 0, "options", NULL);
  g_assert_cmpstr (options, ==, "[TCPOption_NOP(kind=NOP), b'c\\x08\\x05']");
  /* An option cut by the end of the header: its fields do not fit. */
  g_autoptr (CraftPacket) cut = dissect_hex ("TCP", "0014005000000000000000006002200000000000" "01010108");
  assert_finding (cut, "TCP.options: TCPOption_Timestamp.len needs 1 byte at offset 24, 0 present");
  /* IP: a record route whose length is past the header. */
  g_autoptr (CraftPacket) ip
    = dissect_hex ("IP", "4600001800010000400000007f0000017f000001" "07280400");
  assert_finding (ip, "IP.options: IPOption_RR at offset 20 says it is 40 bytes, past the end of the list (4 left)");
}

static void
test_element_limit (void)
{
  g_test_summary ("A list longer than CRAFT_MAX_LIST_ELEMENTS_PER_FIELD elements is read up to the limit.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_assert_true (craft_registry_load_data (reg, "many.pdl",
                                           "layer Many { opts: list of tcp_options; }\n", -1, &error));
  g_assert_no_error (error);
  gsize n = CRAFT_MAX_LIST_ELEMENTS_PER_FIELD + 10;
  g_autofree guint8 *nops = g_malloc (n);
  memset (nops, 1, n);
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "Many", nops, n, &error);
  g_assert_no_error (error);
  g_assert_nonnull (find_finding (p, "Many.opts: more than 1024 elements; the rest is not read"));
  g_autoptr (GBytes) rebuilt = craft_packet_build (p, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (rebuilt), ==, n);
}

static void
test_list_errors (void)
{
  g_test_summary ("Elements of the wrong kind, unknown names and too many values are errors with a column.");
  static const struct {
    const char *expression, *message;
    guint column;
  } cases[] = {
    { "TCP(options=[(\"MSS\",1,2)])", "MSS takes 1 value, not 2", 14 },
    { "TCP(options=[(\"NOP\",5)])", "NOP takes 0 values, not 1", 14 },
    { "TCP(options=[IPOption_NOP()])", "IPOption_NOP is not an element of tcp_options", 14 },
    { "TCP(options=[(\"Timestamp\",(1,\"x\"))])", "'x' is not a number", 30 },
    { "IP(options=5)", "field 'options' is a list of ip_options", 12 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, cases[i].expression, &error);
      g_test_message ("%s: %s", cases[i].expression, error ? error->message : "accepted");
      g_assert_null (p);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      CraftErrorLocation at;
      g_assert_true (craft_error_get_location (error, &at));
      g_assert_cmpuint (at.column, ==, cases[i].column);
    }
}


/* A DNS response over UDP: IP and UDP headers, then `dns` (hex). */
#define IP_UDP_53 "45000000000100004011f691c0000201c000020200350d0500000000"

static CraftPacket *
dissect_dns (const char *dns_hex)
{
  g_autofree char *hex = g_strconcat (IP_UDP_53, dns_hex, NULL);
  return dissect_hex ("IP", hex);
}

static void
test_dns_compression (void)
{
  g_test_summary ("Compressed names read back through their pointers, counted from the DNS layer's start.");
  g_autoptr (CraftPacket) p
    = dissect_dns ("000781800001000200000000076578616d706c6503636f6d0000010001c00c000100010000012c0004c0000209"
                   "c00c00050001000000100002c00c");
  gint dns = craft_packet_find_layer (p, "DNS", 0);
  g_assert_cmpint (dns, ==, 2);
  g_autofree char *an = craft_packet_format_field (p, 2, "an", NULL);
  g_assert_cmpstr (an, ==,
                   "[DNSRR(rrname=example.com., type=A, rclass=IN, ttl=300, rdlen=4, rdata=192.0.2.9), "
                   "DNSRR(rrname=example.com., type=CNAME, rclass=IN, ttl=16, rdlen=2, rdata=example.com.)]");
  g_autofree char *json = craft_packet_to_json (p, NULL);
  g_assert_nonnull (strstr (json, "\"an\":[{\"layer\":\"DNSRR\",\"fields\":{\"rrname\":\"example.com.\""));
  /* The summary names the first answer's data, as Scapy's does; a query, the first question. */
  g_autofree char *summary = craft_packet_summary (p);
  g_assert_cmpstr (summary, ==, "IP / UDP / DNS Ans 192.0.2.9");
  g_autoptr (CraftPacket) query = dissect_dns ("00010000000100000000000001610000010001");
  g_autofree char *asked = craft_packet_summary (query);
  g_assert_cmpstr (asked, ==, "IP / UDP / DNS Qry a.");
  g_autoptr (CraftPacket) empty = dissect_dns ("000100000000000000000000");
  g_autofree char *nothing = craft_packet_summary (empty);
  g_assert_cmpstr (nothing, ==, "IP / UDP / DNS Qry");
}

static void
test_dns_bad_pointers (void)
{
  g_test_summary ("A name pointing at itself, forward, past the end, or through too many pointers is a finding.");
  static const struct {
    const char *dns, *finding;
  } cases[] = {
    /* qname is a pointer to itself (offset 12). */
    { "000100000001000000000000c00c00010001", "DNSQR.qname: a compression pointer points forward or at itself (a loop)" },
    /* A pointer forward, to offset 20. */
    { "000100000001000000000000c01400010001016100", "points forward or at itself" },
    /* A pointer past the end of the message. */
    { "000100000001000000000000c3ff00010001", "points past the end of the data" },
    /* A label runs past the end. */
    { "0001000000010000000000003f6162", "the name runs past the end of the data" },
    /* Reserved label bits 01. */
    { "00010000000100000000000041616200010001", "reserved bits" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].dns);
      g_autoptr (CraftPacket) p = dissect_dns (cases[i].dns);
      assert_finding (p, cases[i].finding);
    }
  /* Five questions whose names are one label of 31 pointers each, every
   * pointer to the one before it (the first to the first label): a sixth
   * question's name points at the last, a chain of 155 pointers, more than
   * CRAFT_MAX_NAME_POINTERS. */
  GString *m = g_string_new ("000100000006000000000000");
  guint previous = 12;
  for (guint q = 0; q < 5; q++)
    {
      guint start = 12 + 68 * q;
      g_string_append (m, "3e");
      for (guint j = 0; j < 31; j++)
        {
          g_string_append_printf (m, "%04x", 0xc000 | previous);
          previous = start + 1 + 2 * j;
        }
      g_string_append (m, "0000010001");
    }
  g_string_append_printf (m, "%04x00010001", 0xc000 | previous);
  g_autofree char *chain = g_string_free (m, FALSE);
  g_autoptr (CraftPacket) deep = dissect_dns (chain);
  assert_finding (deep, "DNSQR.qname: the name follows too many compression pointers");
  const CraftFinding *f = find_finding (deep, "too many compression pointers");
  g_assert_cmpuint (f->offset, ==, 28 + 12 + 68 * 5);
}

static void
test_dns_counts (void)
{
  g_test_summary ("Counts larger than the records present are findings; counts are computed from the sections.");
  g_autoptr (CraftPacket) p = dissect_dns ("000100000003000000000000016100000100010162000001");
  assert_finding (p, "DNS.qd:");
  g_autofree char *hex = build_hex ("DNS(qd=DNSQR(qname=\"a\")/DNSQR(qname=\"b\"), an=DNSRR(rrname=\"a\"))");
  g_assert_cmpstr (hex, ==, "000001000002000100000000016100000100010162000001000101610000010001000000000004" "00000000");
}

static void
test_dns_txt (void)
{
  g_test_summary ("A TXT record's rdata is character-strings, each with its length byte, whether given as text, "
                  "bytes or a list of them; a list given to it is one value, and reads back as that list.");
  static const struct {
    const char *rdata, *rdlen, *wire;
  } cases[] = {
    { "'abc'", "0004", "03616263" },
    { "b'abc'", "0004", "03616263" },
    { "b'a\\x00b'", "0004", "03610062" },
    { "['abc', 'de']", "0007", "03616263026465" },
    { "[b'abc', 'de']", "0007", "03616263026465" },
    { "['abc', '', 'de']", "0007", "03616263026465" },
    { "[]", "0000", "" },
    { "''", "0000", "" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* The type may come after the list: the list is read once the type is known. */
      for (int order = 0; order < 2; order++)
        {
          g_autofree char *expression
            = order == 0 ? g_strdup_printf ("DNSRR(rrname='a.', type='TXT', rdata=%s)", cases[i].rdata)
                         : g_strdup_printf ("DNSRR(rrname='a.', rdata=%s, type='TXT')", cases[i].rdata);
          g_autoptr (GError) error = NULL;
          g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, expression, &error);
          g_assert_no_error (error);
          g_test_message ("%s", expression);
          g_assert_cmpuint (craft_packet_get_n_members (p), ==, 1);
          g_autofree char *hex = build_hex (expression);
          g_autofree char *want = g_strconcat ("0161000010000100000000", cases[i].rdlen, cases[i].wire, NULL);
          g_assert_cmpstr (hex, ==, want);
        }
    }
  /* Read back, the strings show as the list that builds them again. */
  g_autoptr (CraftPacket) read = dissect_hex ("DNSRR", "0161000010000100000000000703616263026465");
  g_autofree char *shown = craft_packet_format_field (read, 0, "rdata", NULL);
  g_assert_cmpstr (shown, ==, "[b'abc', b'de']");
  g_autofree char *again = build_hex ("DNSRR(rrname='a.', type='TXT', rdata=[b'abc', b'de'])");
  g_assert_cmpstr (again, ==, "0161000010000100000000000703616263026465");
  /* Inside a DNS message too. */
  g_autofree char *message = build_hex ("DNS(an=DNSRR(rrname='a.', type='TXT', rdata=['abc', 'de']))");
  g_assert_cmpstr (message, ==,
                   "00000100000100010000000003777777076578616d706c6503636f6d0000010001"
                   "0161000010000100000000000703616263026465");
  /* Any other rdata still makes a set of a list, and so does any other field. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) a = craft_packet_new_from_expression (
    registry, "DNSRR(rrname='a.', type='A', rdata=['192.0.2.1', '192.0.2.2'])", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_members (a), ==, 2);
  g_autoptr (CraftPacket) ports
    = craft_packet_new_from_expression (registry, "UDP(dport=[53,80])/DNSRR(type='TXT', rdata=['x'])", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_members (ports), ==, 2);
  /* A list of strings holds strings. */
  g_autoptr (CraftPacket) bad
    = craft_packet_new_from_expression (registry, "DNSRR(type='TXT', rdata=['abc', 7])", &error);
  g_assert_null (bad);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE);
  g_assert_nonnull (
    strstr (error->message, "field 'rdata' holds charstrings: each item of its list is a string or bytes, not"));
  CraftErrorLocation at;
  g_assert_true (craft_error_get_location (error, &at));
  g_assert_cmpuint (at.column, ==, 33);
}

/* Builds `expression` with `reg` and returns its bytes as hex. */
static char *
build_hex_with (CraftRegistry *reg, const char *expression)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (reg, expression, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_members (p), ==, 1);
  g_autoptr (GBytes) bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static void
test_charstrings_kind (void)
{
  g_test_summary ("Any field of character-strings takes a list as one value: a field of its own, and an "
                  "element's value field given in a (name, value) tuple.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_assert_true (craft_registry_load_data (reg, "text.pdl",
                                           "layer Texts { n: u8 = len(text); text: charstrings(n); }\n"
                                           "layer TextOpt {\n  code: u8 = 16;\n  len: u8 = len(layer) - 2;\n"
                                           "  text: charstrings(len);\n"
                                           "  element of text_opts \"txt\" (text) if code == 16;\n"
                                           "  length = len + 2;\n}\n"
                                           "layer Holder { opts: list of text_opts; }\n",
                                           -1, &error));
  g_assert_no_error (error);
  g_autofree char *own = build_hex_with (reg, "Texts(text=['ab', b'c'])");
  g_assert_cmpstr (own, ==, "050261620163");
  g_autofree char *one = build_hex_with (reg, "Texts(text=b'ab')");
  g_assert_cmpstr (one, ==, "03026162");
  g_autofree char *element = build_hex_with (reg, "Holder(opts=[('txt', ['ab', 'c'])])");
  g_assert_cmpstr (element, ==, "1005026162" "0163");
  g_autoptr (CraftPacket) bad
    = craft_packet_new_from_expression (reg, "Holder(opts=[('txt', ['ab', None])])", &error);
  g_assert_null (bad);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE);
  g_assert_nonnull (strstr (error->message, "field 'text' holds charstrings"));
}

static void
test_dns_answers (void)
{
  g_test_summary ("A DNS response answers the query of its id, and only a response does.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) query = craft_packet_new_from_expression (
    registry, "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(sport=3333,dport=53)/DNS(id=77,qd=DNSQR(qname=\"a.example\"))",
    &error);
  g_assert_no_error (error);
  static const struct {
    const char *reply;
    gboolean answers;
  } cases[] = {
    { "IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/UDP(sport=53,dport=3333)/DNS(id=77,qr=1)", TRUE },
    { "IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/UDP(sport=53,dport=3333)/DNS(id=78,qr=1)", FALSE },
    { "IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/UDP(sport=53,dport=3333)/DNS(id=77,qr=0)", FALSE },
  };
  g_autoptr (GBytes) q = craft_packet_build (query, &error);
  (void) q;
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CraftPacket) reply = craft_packet_new_from_expression (registry, cases[i].reply, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) r = craft_packet_build (reply, &error);
      g_assert_no_error (error);
      g_autoptr (CraftPacket) read = craft_packet_new_from_bytes (registry, "IP", g_bytes_get_data (r, NULL),
                                                                  g_bytes_get_size (r), &error);
      g_assert_cmpint (craft_packet_answers (read, query), ==, cases[i].answers);
    }
}

static void
test_dns_tcp_length (void)
{
  g_test_summary ("Over TCP a DNS message has its 2-byte length, computed, and reads back through it.");
  g_autofree char *hex
    = build_hex ("IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/TCP(sport=3333,dport=53,flags=\"PA\")/DNS(id=21,qd=DNSQR(qname=\"example.com\"))");
  /* Scapy 2.5's bytes. */
  g_assert_true (g_str_has_suffix (hex, "001d0015010000010000000000000" "76578616d706c6503636f6d0000010001"));
  g_autoptr (CraftPacket) p = dissect_hex ("IP", hex);
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);
  guint64 length = 0;
  g_assert_true (craft_packet_get_uint (p, 2, "length", &length, NULL));
  g_assert_cmpuint (length, ==, 29);
  g_autoptr (CraftPacket) udp = dissect_dns ("000100000000000000000000");
  g_assert_false (craft_packet_has_field (udp, 2, "length"));
}

/* A Python bytes literal of `hex`, for an expression. */
static char *
bytes_literal (const char *hex)
{
  GString *out = g_string_new ("b\"");
  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    g_string_append_printf (out, "\\x%c%c", hex[i], hex[i + 1]);
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static gboolean
says_should_be (CraftPacket *p)
{
  return find_finding (p, "should be") != NULL;
}

static void
test_dns_tcp_stream (void)
{
  g_test_summary ("Over TCP a DNS message ends where its length says (the next one in the segment is Padding); "
                  "one that runs past its segment is truncated, and nothing in it is judged.");
  const char *tcp = "IP(src=\"192.0.2.2\",dst=\"192.0.2.1\")/TCP(sport=53,dport=3333,flags=\"PA\")";
  g_autofree char *first_expr = g_strdup_printf (
    "%s/DNS(id=1,qr=1,qd=DNSQR(qname=\"a.example\"),an=DNSRR(rrname=\"a.example\",rdata=\"192.0.2.1\"))", tcp);
  g_autofree char *second_expr = g_strdup_printf ("%s/DNS(id=2,qr=1,rcode=3,qd=DNSQR(qname=\"b.example\"))", tcp);
  g_autofree char *first_hex = build_hex (first_expr);
  g_autofree char *second_hex = build_hex (second_expr);
  /* The messages, their length first, after the 40 bytes of IP and TCP. */
  const char *first = first_hex + 80, *second = second_hex + 80;
  g_assert_true (g_str_has_prefix (first, "00"));

  g_autofree char *both = g_strconcat (first, second, NULL);
  g_autofree char *both_literal = bytes_literal (both);
  g_autofree char *both_expr = g_strdup_printf ("%s/%s", tcp, both_literal);
  g_autofree char *both_hex = build_hex (both_expr);
  g_autoptr (CraftPacket) p = dissect_hex ("IP", both_hex);
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 4);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (p, 2)), ==, "DNS");
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (p, 3)), ==, "Padding");
  guint64 id = 0, length = 0;
  g_assert_true (craft_packet_get_uint (p, 2, "id", &id, NULL));
  g_assert_true (craft_packet_get_uint (p, 2, "length", &length, NULL));
  g_assert_cmpuint (id, ==, 1);
  g_assert_cmpuint (length, ==, strlen (first) / 2 - 2);
  g_assert_cmpuint (craft__packet_layer (p, 3)->start, ==, 40 + strlen (first) / 2);
  g_assert_cmpuint (craft__packet_layer (p, 3)->end, ==, strlen (both_hex) / 2);
  g_assert_cmpuint (craft_packet_verify (p), ==, 0);
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);

  /* The first 15 bytes of a message: its header, the start of a name. */
  g_autofree char *start = g_strndup (first, 30);
  g_autofree char *start_literal = bytes_literal (start);
  g_autofree char *start_expr = g_strdup_printf ("%s/%s", tcp, start_literal);
  g_autofree char *start_hex = build_hex (start_expr);
  g_autoptr (CraftPacket) cut = dissect_hex ("IP", start_hex);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (cut, 2)), ==, "DNS");
  g_autofree char *want = g_strdup_printf ("DNS length says %zu, 15 bytes present: truncated, the rest may follow "
                                           "in the stream", strlen (first) / 2);
  const CraftFinding *f = find_finding (cut, want);
  if (f == NULL)
    assert_finding (cut, want);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_TRUNCATED);
  g_assert_cmpuint (f->layer, ==, 2);
  g_assert_true (craft__packet_layer (cut, 2)->cut);
  /* Its lengths and TCP's checksum would be judged on bytes that are not
   * there: they are not judged at all. */
  g_assert_cmpuint (craft_packet_verify (cut), ==, 0);
  g_assert_false (says_should_be (cut));

  /* The rest of that message, read as one from its middle: truncated too. */
  g_autofree char *rest_literal = bytes_literal (first + 30);
  g_autofree char *rest_expr = g_strdup_printf ("%s/%s", tcp, rest_literal);
  g_autofree char *rest_hex = build_hex (rest_expr);
  g_autoptr (CraftPacket) rest = dissect_hex ("IP", rest_hex);
  assert_finding (rest, "bytes present: truncated, the rest may follow in the stream");
  g_assert_cmpuint (craft_packet_verify (rest), ==, 0);
  g_assert_false (says_should_be (rest));

  /* Over UDP the length does not apply: the datagram ends the message. */
  g_autoptr (CraftPacket) udp = dissect_dns ("00018183000100000000000001620000010001");
  g_assert_false (craft_packet_has_field (udp, 2, "length"));
  g_assert_cmpuint (craft__packet_layer (udp, 2)->end, ==, craft__packet_layer (udp, 1)->end);
}

static void
test_dhcp (void)
{
  g_test_summary ("DHCP options as Scapy writes them, read back typed; a reply answers the request of its xid.");
  const char *discover = "IP(src=\"0.0.0.0\",dst=\"255.255.255.255\")/UDP(sport=68,dport=67)/BOOTP(xid=0x99)"
                         "/DHCP(options=[(\"message-type\",\"discover\"),(\"requested_addr\",\"192.0.2.9\"),"
                         "(\"param_req_list\",[1,3,6]),\"end\"])";
  g_autofree char *hex = build_hex (discover);
  g_assert_true (g_str_has_suffix (hex, "63825363" "350101" "3204c0000209" "3703010306" "ff"));
  g_autoptr (CraftPacket) p = dissect_hex ("IP", hex);
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 0);
  g_autofree char *options = craft_packet_format_field (p, 3, "options", NULL);
  g_assert_cmpstr (options, ==,
                   "[DHCPOpt_MessageType(code=message-type, len=1, type=discover), DHCPOpt_RequestedAddr(code="
                   "requested_addr, len=4, addr=192.0.2.9), DHCPOpt_ParamReqList(code=param_req_list, len=3, "
                   "params=b'\\x01\\x03\\x06'), DHCPOpt_End(code=end)]");
  /* The BOOTP rule alone: a broadcast request is not answered from the address it went to. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) request = craft_packet_new_from_expression (
    registry, "BOOTP(xid=0x99)/DHCP(options=[(\"message-type\",\"discover\"),\"end\"])", &error);
  g_assert_no_error (error);
  static const struct {
    const char *reply;
    gboolean answers;
  } cases[] = {
    { "BOOTP(op=2,xid=0x99)/DHCP(options=[(\"message-type\",\"offer\"),\"end\"])", TRUE },
    { "BOOTP(op=2,xid=0x98)/DHCP(options=[(\"message-type\",\"offer\"),\"end\"])", FALSE },
    { "BOOTP(op=1,xid=0x99)/DHCP(options=[(\"message-type\",\"discover\"),\"end\"])", FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *reply_hex = build_hex (cases[i].reply);
      g_autoptr (CraftPacket) reply = dissect_hex ("BOOTP", reply_hex);
      g_assert_cmpint (craft_packet_find_layer (reply, "DHCP", 0), ==, 1);
      g_assert_cmpint (craft_packet_answers (reply, request), ==, cases[i].answers);
    }
  /* An option whose length runs past the end of the message. */
  g_autofree char *bad = g_strndup (hex, strlen (hex) - 2 * 5);
  g_autofree char *cut = g_strconcat (bad, "37ff0103", NULL);
  g_autoptr (CraftPacket) broken = dissect_hex ("BOOTP", cut + 2 * 28);
  assert_finding (broken, "DHCP.options: DHCPOpt_ParamReqList at offset");
}

static void
test_depth_limit (void)
{
  g_test_summary ("Lists inside elements of lists stop at CRAFT_MAX_LIST_DEPTH levels, with a finding.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_assert_true (craft_registry_load_data (reg, "nest.pdl", "layer Nest { a: u8; b: list of Nest; }\n", -1, &error));
  g_assert_no_error (error);
  guint8 bytes[3 * CRAFT_MAX_LIST_DEPTH];
  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) i;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "Nest", bytes, sizeof bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (find_finding (p, "lists nested more than 8 deep are not read"));
  g_autoptr (GBytes) rebuilt = craft_packet_build (p, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (rebuilt, NULL), g_bytes_get_size (rebuilt), bytes, sizeof bytes);
  /* Built from elements, nested three deep. */
  g_autoptr (CraftPacket) built = craft_packet_new_from_expression (reg, "Nest(a=1,b=[Nest(a=2,b=[Nest(a=3)])])", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) three = craft_packet_build (built, &error);
  g_assert_cmpmem (g_bytes_get_data (three, NULL), g_bytes_get_size (three), "\x01\x02\x03", 3);
}

static void
test_random_bytes (void)
{
  g_test_summary ("Random bytes read as TCP and IP options, DNS and DHCP never crash, hang or change on rebuild.");
  static const struct {
    const char *first, *prefix;
  } where[] = {
    { "TCP", "00140050000000000000000000022000000000" },    /* dataofs from the first random byte */
    { "IP", "4" },                                          /* IHL from the first random nibble */
    { "DNS", "" },
    { "BOOTP", "" },
    { "DHCP", "63825363" },
  };
  g_autoptr (GRand) rng = g_rand_new_with_seed (6);
  for (gsize w = 0; w < G_N_ELEMENTS (where); w++)
    for (guint round = 0; round < 300; round++)
      {
        gsize n = (gsize) g_rand_int_range (rng, 0, 300);
        GString *hex = g_string_new (where[w].prefix);
        for (gsize i = 0; i < n; i++)
          {
            /* Mostly small values: lengths, counts and pointers that point somewhere. */
            guint8 b = g_rand_boolean (rng) ? (guint8) g_rand_int_range (rng, 0, 16) : (guint8) g_rand_int (rng);
            if (g_rand_int_range (rng, 0, 16) == 0)
              b = 0xc0;
            g_string_append_printf (hex, "%02x", b);
          }
        if (hex->len % 2 != 0)
          g_string_append_c (hex, '0');
        g_autoptr (CraftPacket) p = dissect_hex (where[w].first, hex->str);
        (void) p;
        g_string_free (hex, TRUE);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_test_add_func ("/lists/tcp-options/scapy", test_tcp_options_scapy);
  g_test_add_func ("/lists/tcp-options/read-back", test_tcp_options_read_back);
  g_test_add_func ("/lists/ip-options/scapy", test_ip_options_scapy);
  g_test_add_func ("/lists/malformed/length-zero-one", test_option_length_zero);
  g_test_add_func ("/lists/malformed/past-end", test_option_past_end);
  g_test_add_func ("/lists/malformed/element-limit", test_element_limit);
  g_test_add_func ("/lists/errors", test_list_errors);
  g_test_add_func ("/lists/dns/compression", test_dns_compression);
  g_test_add_func ("/lists/dns/bad-pointers", test_dns_bad_pointers);
  g_test_add_func ("/lists/dns/counts", test_dns_counts);
  g_test_add_func ("/lists/dns/answers", test_dns_answers);
  g_test_add_func ("/lists/dns/txt", test_dns_txt);
  g_test_add_func ("/lists/charstrings", test_charstrings_kind);
  g_test_add_func ("/lists/dns/tcp-length", test_dns_tcp_length);
  g_test_add_func ("/lists/dns/tcp-stream", test_dns_tcp_stream);
  g_test_add_func ("/lists/dhcp", test_dhcp);
  g_test_add_func ("/lists/malformed/depth-limit", test_depth_limit);
  g_test_add_func ("/lists/malformed/random-bytes", test_random_bytes);
  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
