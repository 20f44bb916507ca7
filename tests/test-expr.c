/* Expressions to packets: keywords to fields, value conversion, payloads, dissection, every error at its column. */
#include <craft/craft.h>

#include "model.h"

#include <string.h>

#include "testutil.h"

/* The built-in layers, and nothing of the user's. */
static CraftRegistry *registry;

/* ---- Helpers ---- */

static CraftPacket *
parse (const char *expression)
{
  g_autoptr (GError) error = NULL;
  CraftPacket *packet = craft_packet_new_from_expression (registry, expression, &error);
  if (error != NULL)
    g_test_message ("%s: %s", expression, error->message);
  g_assert_no_error (error);
  g_assert_nonnull (packet);
  return packet;
}

static char *
to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static char *
build_hex (CraftPacket *packet)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = craft_packet_build (packet, &error);
  g_assert_no_error (error);
  return to_hex (bytes);
}

static char *
expression_hex (const char *expression)
{
  g_autoptr (CraftPacket) packet = parse (expression);
  return build_hex (packet);
}

#define assert_builds(expression, hex)                    \
  G_STMT_START                                            \
  {                                                       \
    g_autofree char *got_ = expression_hex (expression);  \
    g_assert_cmpstr (got_, ==, hex);                      \
  }                                                       \
  G_STMT_END

/* Both expressions build the same bytes. */
#define assert_same_bytes(a, b)                 \
  G_STMT_START                                  \
  {                                             \
    g_autofree char *a_ = expression_hex (a);   \
    g_autofree char *b_ = expression_hex (b);   \
    g_assert_cmpstr (a_, ==, b_);               \
  }                                             \
  G_STMT_END

/* The layer names joined by '/'. Caller frees. */
static char *
layer_names (CraftPacket *packet)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < craft_packet_get_n_layers (packet); i++)
    g_string_append_printf (out, "%s%s", i ? "/" : "", craft_layer_def_get_name (craft_packet_get_layer (packet, i)));
  return g_string_free (out, FALSE);
}

#define assert_layers(packet, names)                    \
  G_STMT_START                                          \
  {                                                     \
    g_autofree char *got_ = layer_names (packet);       \
    g_assert_cmpstr (got_, ==, names);                  \
  }                                                     \
  G_STMT_END

static guint64
get_uint (CraftPacket *packet, guint layer, const char *field)
{
  g_autoptr (GError) error = NULL;
  guint64 value = 0;
  gboolean ok = craft_packet_get_uint (packet, layer, field, &value, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return value;
}

static char *
format_field (CraftPacket *packet, guint layer, const char *field)
{
  g_autoptr (GError) error = NULL;
  char *text = craft_packet_format_field (packet, layer, field, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

#define assert_format(packet, layer, field, expected)               \
  G_STMT_START                                                      \
  {                                                                 \
    g_autofree char *got_ = format_field (packet, layer, field);    \
    g_assert_cmpstr (got_, ==, expected);                           \
  }                                                                 \
  G_STMT_END

#define assert_field_bytes(packet, layer, field, data, length)                \
  G_STMT_START                                                                \
  {                                                                           \
    g_autoptr (GError) e_ = NULL;                                             \
    g_autoptr (GBytes) b_ = craft_packet_get_bytes (packet, layer, field, &e_); \
    g_assert_no_error (e_);                                                   \
    gsize n_;                                                                 \
    const guint8 *d_ = g_bytes_get_data (b_, &n_);                            \
    g_assert_cmpmem (d_, n_, data, length);                                   \
  }                                                                           \
  G_STMT_END

/* Parses `expression`, which must fail, and returns the error. */
static GError *
expression_error (const char *expression)
{
  GError *error = NULL;
  CraftPacket *packet = craft_packet_new_from_expression (registry, expression, &error);
  if (packet != NULL)
    {
      g_test_message ("%s: unexpectedly accepted", expression);
      craft_packet_unref (packet);
    }
  g_assert_null (packet);
  g_assert_nonnull (error);
  g_test_message ("%s: %s", expression, error->message);
  return error;
}

/* The expression fails with CRAFT_ERROR_<code> at 1-based column `col`, and
 * its message contains `substring`. */
#define assert_expr_error(expression, code, col, substring)       \
  G_STMT_START                                                    \
  {                                                               \
    g_autoptr (GError) e_ = expression_error (expression);        \
    g_assert_error (e_, CRAFT_ERROR, CRAFT_ERROR_##code);         \
    CraftErrorLocation loc_ = { 0 };                              \
    g_assert_true (craft_error_get_location (e_, &loc_));         \
    g_assert_null (loc_.file);                                    \
    g_assert_cmpuint (loc_.line, ==, 0);                          \
    g_assert_cmpuint (loc_.column, ==, col);                      \
    assert_contains (e_->message, substring);                     \
  }                                                               \
  G_STMT_END

/* ---- Keywords to the fields of every standard layer ---- */

/* Every field of every layer, set by keyword with Scapy's names; the bytes
 * are Scapy 2.5's bytes(expression).hex(). Scapy takes TCP options as a list
 * of tuples, so its expression there was options=[("NOP", None)] * 4. */
static const struct {
  const char *expression;
  const char *hex;
} scapy_layers[] = {
  { "Ether(dst=\"00:11:22:33:44:55\", src=\"66:77:88:99:aa:bb\", type=0x88b5)/Raw(load=b\"\\x01\\x02\")",
    "00112233445566778899aabb88b50102" },
  { "Ether(dst=\"00:11:22:33:44:55\", src=\"66:77:88:99:aa:bb\")/Dot1Q(prio=5, id=1, vlan=0xabc, type=0x88b5)"
    "/Raw(load=b\"x\")",
    "00112233445566778899aabb8100babc88b578" },
  { "ARP(hwtype=1, ptype=0x0800, hwlen=6, plen=4, op=\"is-at\", hwsrc=\"00:11:22:33:44:55\", psrc=\"192.0.2.1\", "
    "hwdst=\"66:77:88:99:aa:bb\", pdst=\"192.0.2.2\")",
    "0001080006040002001122334455c000020166778899aabbc0000202" },
  { "IP(version=4, ihl=6, tos=0x10, len=24, id=0x1234, flags=\"DF\", frag=0, ttl=3, proto=253, chksum=0xbeef, "
    "src=\"192.0.2.1\", dst=\"192.0.2.2\", options=b\"\\x01\\x01\\x01\\x00\")",
    "461000181234400003fdbeefc0000201c000020201010100" },
  { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", flags=\"MF+DF\", frag=100, proto=\"tcp\")/Raw(load=b\"abcdefgh\")",
    "4500001c0001606440069673c0000201c00002026162636465666768" },
  { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", tos=0xff, id=65535, ttl=255, frag=8191)",
    "45ff0014ffff1fffff0016e8c0000201c0000202" },
  { "ICMP(type=\"echo-request\", code=0, chksum=0x1234, id=7, seq=9)", "0800123400070009" },
  { "ICMP(type=13, id=1, seq=2, ts_ori=100, ts_rx=200, ts_tx=300)", "0d00f0a40001000200000064000000c80000012c" },
  { "ICMP(type=5, code=1, gw=\"192.0.2.9\")", "050138f5c0000209" },
  { "ICMP(type=12, ptr=20, length=3, unused=7)", "0c00dff514030007" },
  { "ICMP(type=\"dest-unreach\", code=\"fragmentation-needed\", reserved=0, length=2, nexthopmtu=1400)",
    "0304f78100020578" },
  { "ICMP(type=17, id=1, seq=1, addr_mask=\"255.255.255.0\")", "1100effc00010001ffffff00" },
  { "ICMP(type=9, unused=5)", "0900f6fa00000005" },
  /* The 32-bit "unused" of this type, not the 16-bit one of types 11 and 12. */
  { "ICMP(type=9, unused=70000)", "0900e58e00011170" },
  { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP(sport=1234, dport=\"https\", seq=1, ack=2, dataofs=6, reserved=0, "
    "flags=\"PA\", window=100, chksum=0x1234, urgptr=5, options=b\"\\x01\\x01\\x01\\x01\")",
    "4500002c000100004006f6c7c0000201c000020204d201bb0000000100000002601800641234000501010101" },
  { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP(seq=4294967295, sport=0, dport=65535)",
    "45000028000100004006f6cbc0000201c00002020000ffffffffffff00000000500220000bdf0000" },
  { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP(flags=\"\")",
    "45000028000100004006f6cbc0000201c0000202001400500000000000000000500020000b7d0000" },
  { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/TCP(flags=0x1ff)",
    "45000028000100004006f6cbc0000201c000020200140050000000000000000051ff2000097e0000" },
  { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP(sport=\"domain\", dport=5353, len=12, chksum=0)/Raw(load=b\"abcd\")",
    "45000020000100004011f6c8c0000201c0000202003514e9000c000061626364" },
  { "Raw(load=b\"ab\")/Padding(load=b\"\\x00\\x00\")", "61620000" },
};

static void
test_layers_scapy_bytes (void)
{
  g_test_summary ("Every field of every standard layer set by keyword builds Scapy's bytes.");
  for (gsize i = 0; i < G_N_ELEMENTS (scapy_layers); i++)
    {
      g_test_message ("%s", scapy_layers[i].expression);
      assert_builds (scapy_layers[i].expression, scapy_layers[i].hex);
    }
}

/* Every field of every built-in layer takes a keyword of its own name and
 * reads back the value given. */
static void
test_layers_every_field (void)
{
  g_test_summary ("Each field of each built-in layer takes a keyword of its name and reads back its value.");
  static const guint8 some_bytes[] = { 0x01, 0x02, 0x00, 0xff };
  guint checked = 0;
  for (guint i = 0; i < craft_registry_get_n_layers (registry); i++)
    {
      const CraftLayerDef *layer = craft_registry_get_layer (registry, i);
      const char *name = craft_layer_def_get_name (layer);
      for (guint k = 0; k < craft_layer_def_get_n_fields (layer); k++)
        {
          const CraftFieldDef *field = craft_layer_def_get_field (layer, k);
          const char *fname = craft_field_def_get_name (field);
          const char *kind = craft_field_def_get_kind_name (field);
          const char *value = NULL, *shown = NULL;
          /* An alternative of another kind under the same name (a DNS
           * record's rdata) shows only when its condition holds: test-lists
           * sets those with the condition. */
          gboolean alternative = FALSE;
          for (guint j = 0; j < k; j++)
            {
              const CraftFieldDef *earlier = craft_layer_def_get_field (layer, j);
              alternative |= strcmp (craft_field_def_get_name (earlier), fname) == 0
                             && strcmp (craft_field_def_get_kind_name (earlier), kind) != 0;
            }
          if (alternative)
            continue;
          if (strcmp (kind, "uint") == 0 || strcmp (kind, "int") == 0)
            value = "1";
          else if (strcmp (kind, "mac") == 0)
            value = "\"02:00:5E:10:00:01\"", shown = "02:00:5e:10:00:01";
          else if (strcmp (kind, "ipv4") == 0)
            value = "\"192.0.2.7\"", shown = "192.0.2.7";
          else if (strcmp (kind, "ipv6") == 0)
            value = "\"2001:DB8:0::7\"", shown = "2001:db8::7";
          else if (strcmp (kind, "bytes") == 0)
            value = "b\"\\x01\\x02\\x00\\xff\"";
          else if (strcmp (kind, "list") == 0)
            value = "[]", shown = "[]";
          else if (strcmp (kind, "dnsname") == 0)
            value = "\"example.com\"", shown = "example.com.";
          else
            g_assert_not_reached ();
          g_autofree char *expression = g_strdup_printf ("%s(%s=%s)", name, fname, value);
          g_test_message ("%s", expression);
          g_autoptr (CraftPacket) packet = parse (expression);
          assert_layers (packet, name);
          if (shown != NULL)
            assert_format (packet, 0, fname, shown);
          else if (strcmp (kind, "bytes") == 0)
            assert_field_bytes (packet, 0, fname, some_bytes, sizeof some_bytes);
          else if (field->ntp_time)
            /* A number given a timestamp is seconds (32.32 fixed point), as in Scapy. */
            g_assert_cmpuint (get_uint (packet, 0, fname), ==, G_GUINT64_CONSTANT (1) << 32);
          else
            g_assert_cmpuint (get_uint (packet, 0, fname), ==, 1);
          checked++;
        }
    }
  /* Ether 3, Dot1Q 4, ARP 9, IP 13, ICMP 16, TCP 11, UDP 4, Raw 1, Padding 1. */
  g_assert_cmpuint (checked, >=, 62);
}

/* ---- Integers ---- */

static void
test_int_bases (void)
{
  g_test_summary ("Integers in decimal, hex, octal, binary and as text all give the same value.");
  const char *same[] = { "ttl=10", "ttl=0xa", "ttl=0XA", "ttl=0o12", "ttl=0b1010", "ttl=1_0", "ttl=\"10\"",
                         "ttl=\"0x0a\"", "ttl=\"0o12\"", "ttl=\"0b1010\"", "ttl=\"+10\"" };
  for (gsize i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autofree char *expression = g_strdup_printf ("IP(%s)", same[i]);
      g_test_message ("%s", expression);
      g_autoptr (CraftPacket) packet = parse (expression);
      g_assert_cmpuint (get_uint (packet, 0, "ttl"), ==, 10);
    }
}

static void
test_int_limits (void)
{
  g_test_summary ("The largest and smallest values of each width are accepted; -0 is 0.");
  g_autoptr (CraftPacket) packet
    = parse ("IP(version=15, ihl=0, ttl=255, id=0xffff, frag=8191, flags=7)/TCP(seq=0xffffffff, ack=0, urgptr=0)");
  g_assert_cmpuint (get_uint (packet, 0, "version"), ==, 15);
  g_assert_cmpuint (get_uint (packet, 0, "ihl"), ==, 0);
  g_assert_cmpuint (get_uint (packet, 0, "ttl"), ==, 255);
  g_assert_cmpuint (get_uint (packet, 0, "id"), ==, 0xffff);
  g_assert_cmpuint (get_uint (packet, 0, "frag"), ==, 8191);
  g_assert_cmpuint (get_uint (packet, 0, "flags"), ==, 7);
  g_assert_cmpuint (get_uint (packet, 1, "seq"), ==, 0xffffffff);
  /* Zero is in range for an unsigned field, even written negative. */
  g_autoptr (CraftPacket) zero = parse ("IP(ttl=-0, tos=\"-0\")");
  g_assert_cmpuint (get_uint (zero, 0, "ttl"), ==, 0);
  g_assert_cmpuint (get_uint (zero, 0, "tos"), ==, 0);
}

static void
test_int_bool (void)
{
  g_test_summary ("True and False are 1 and 0.");
  g_autoptr (CraftPacket) packet = parse ("IP(ttl=True, tos=False)");
  g_assert_cmpuint (get_uint (packet, 0, "ttl"), ==, 1);
  g_assert_cmpuint (get_uint (packet, 0, "tos"), ==, 0);
}

/* ---- Strings for addresses, enums and flags ---- */

static void
test_text_addresses (void)
{
  g_test_summary ("MAC and IPv4 fields take their usual text forms.");
  g_autoptr (CraftPacket) packet = parse ("Ether(dst=\"AA:BB:CC:DD:EE:FF\", src=\"00-11-22-33-44-55\")"
                                          "/ARP(hwdst=\"0:1:2:3:4:5\", pdst=\"198.51.100.254\")");
  assert_format (packet, 0, "dst", "aa:bb:cc:dd:ee:ff");
  assert_format (packet, 0, "src", "00:11:22:33:44:55");
  assert_format (packet, 1, "hwdst", "00:01:02:03:04:05");
  assert_format (packet, 1, "pdst", "198.51.100.254");
  static const guint8 pdst[] = { 198, 51, 100, 254 };
  assert_field_bytes (packet, 1, "pdst", pdst, sizeof pdst);
}

static void
test_text_enums (void)
{
  g_test_summary ("Enum fields take their names, including names that depend on another field.");
  g_autoptr (CraftPacket) packet = parse ("Ether(type=\"IPv6\")/IP(proto=\"udp\")/TCP(sport=\"ssh\", dport=\"https\")");
  g_assert_cmpuint (get_uint (packet, 0, "type"), ==, 0x86dd);
  g_assert_cmpuint (get_uint (packet, 1, "proto"), ==, 17);
  g_assert_cmpuint (get_uint (packet, 2, "sport"), ==, 22);
  g_assert_cmpuint (get_uint (packet, 2, "dport"), ==, 443);
  assert_format (packet, 1, "proto", "udp");
  assert_format (packet, 2, "dport", "https");

  g_autoptr (CraftPacket) arp = parse ("ARP(op=\"is-at\", hwtype=\"Ethernet (10Mb)\")");
  g_assert_cmpuint (get_uint (arp, 0, "op"), ==, 2);
  g_assert_cmpuint (get_uint (arp, 0, "hwtype"), ==, 1);

  /* Names that depend on another field are accepted whatever it holds, as
   * in Scapy; they are shown only for the type they belong to. */
  g_autoptr (CraftPacket) icmp = parse ("ICMP(type=\"dest-unreach\", code=\"port-unreachable\")");
  g_assert_cmpuint (get_uint (icmp, 0, "code"), ==, 3);
  assert_format (icmp, 0, "code", "port-unreachable");
  g_autoptr (CraftPacket) other = parse ("ICMP(type=\"echo-request\", code=\"port-unreachable\")");
  g_assert_cmpuint (get_uint (other, 0, "code"), ==, 3);
  assert_format (other, 0, "code", "3");

  /* A number in a string is a number for an enum field too. */
  g_autoptr (CraftPacket) number = parse ("IP(proto=\"6\")");
  g_assert_cmpuint (get_uint (number, 0, "proto"), ==, 6);
  assert_format (number, 0, "proto", "tcp");
}

static void
test_text_flags (void)
{
  g_test_summary ("Flag fields take Scapy's strings: SA, MF+DF, and the empty string for none.");
  g_autoptr (CraftPacket) tcp = parse ("TCP(flags=\"SA\")");
  g_assert_cmpuint (get_uint (tcp, 0, "flags"), ==, 0x12);
  assert_format (tcp, 0, "flags", "SA");

  g_autoptr (CraftPacket) order = parse ("TCP(flags=\"AS\")");
  g_assert_cmpuint (get_uint (order, 0, "flags"), ==, 0x12);
  assert_format (order, 0, "flags", "SA");

  g_autoptr (CraftPacket) all = parse ("TCP(flags=\"FSRPAUECN\")");
  g_assert_cmpuint (get_uint (all, 0, "flags"), ==, 0x1ff);

  g_autoptr (CraftPacket) ip = parse ("IP(flags=\"MF+DF\")");
  g_assert_cmpuint (get_uint (ip, 0, "flags"), ==, 3);
  assert_format (ip, 0, "flags", "MF+DF");
  g_autoptr (CraftPacket) evil = parse ("IP(flags=\"evil\")");
  g_assert_cmpuint (get_uint (evil, 0, "flags"), ==, 4);

  /* The empty string is no flag at all: 0, shown as nothing. */
  g_autoptr (CraftPacket) none = parse ("IP(flags=\"\")/TCP(flags=\"\")");
  g_assert_cmpuint (get_uint (none, 0, "flags"), ==, 0);
  g_assert_cmpuint (get_uint (none, 1, "flags"), ==, 0);
  assert_format (none, 0, "flags", "");
  assert_format (none, 1, "flags", "");

  /* Numbers, in text or not, are the bits themselves. */
  g_autoptr (CraftPacket) numbers = parse ("IP(flags=2)/TCP(flags=\"0x12\")");
  assert_format (numbers, 0, "flags", "DF");
  assert_format (numbers, 1, "flags", "SA");
}

/* ---- Bytes ---- */

static void
test_bytes_fields (void)
{
  g_test_summary ("Byte fields take bytes or text; addresses take raw bytes of their size.");
  g_autoptr (CraftPacket) packet
    = parse ("IP(options=b\"\\x94\\x04\\x00\\x00\")/Raw(load=\"text\")/Raw(load=b\"\\x00\\xff\")/Raw(load=\"\")");
  static const guint8 options[] = { 0x94, 0x04, 0x00, 0x00 };
  assert_field_bytes (packet, 0, "options", options, sizeof options);
  assert_field_bytes (packet, 1, "load", "text", 4);
  assert_field_bytes (packet, 2, "load", "\x00\xff", 2);
  assert_field_bytes (packet, 3, "load", "", 0);
  assert_format (packet, 2, "load", "b'\\x00\\xff'");

  /* Text is UTF-8 bytes. */
  g_autoptr (CraftPacket) utf8 = parse ("Raw(load=\"\xc3\xa9\")");
  assert_field_bytes (utf8, 0, "load", "\xc3\xa9", 2);

  /* Bytes of the right length are an address as is. */
  g_autoptr (CraftPacket) raw_addr
    = parse ("Ether(dst=b\"\\x00\\x11\\x22\\x33\\x44\\x55\")/IP(dst=b\"\\xc0\\x00\\x02\\x01\")");
  assert_format (raw_addr, 0, "dst", "00:11:22:33:44:55");
  assert_format (raw_addr, 1, "dst", "192.0.2.1");

  /* IP options are zero-padded to whole words, as the header length counts them. */
  assert_builds ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", options=b\"\\x01\")",
                 "46000018000100004000f4e1c0000201c000020201000000");
}

/* ---- None ---- */

static void
test_none_resets (void)
{
  g_test_summary ("None leaves a field to its default or computed value.");
  /* None leaves a field to the builder: its default or computed value. */
  assert_same_bytes ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", ttl=None, chksum=None, len=None, ihl=None)",
                     "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")");
  assert_same_bytes ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", proto=None)/UDP(len=None, chksum=None)/\"x\"",
                     "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP()/\"x\"");
  assert_same_bytes ("Ether(dst=None, src=\"00:11:22:33:44:55\", type=None)/ARP(pdst=None, psrc=\"192.0.2.1\", "
                     "hwsrc=\"00:11:22:33:44:55\")",
                     "Ether(src=\"00:11:22:33:44:55\")/ARP(psrc=\"192.0.2.1\", hwsrc=\"00:11:22:33:44:55\")");
  g_autoptr (CraftPacket) packet = parse ("TCP(flags=None, options=None)");
  g_autofree char *hex = build_hex (packet);
  (void) hex;
  g_assert_cmpuint (get_uint (packet, 0, "flags"), ==, 0x02);
  g_assert_cmpuint (get_uint (packet, 0, "dataofs"), ==, 5);
}

/* ---- Payloads ---- */

static void
test_payload_bare (void)
{
  g_test_summary ("A bare string or bytes in a stack becomes a Raw layer.");
  g_autoptr (CraftPacket) text = parse ("IP()/\"GET /\"");
  assert_layers (text, "IP/Raw");
  assert_field_bytes (text, 1, "load", "GET /", 5);

  g_autoptr (CraftPacket) bytes = parse ("IP()/UDP()/b\"\\x00\\x01\"/\"x\"");
  assert_layers (bytes, "IP/UDP/Raw/Raw");
  assert_field_bytes (bytes, 2, "load", "\x00\x01", 2);
  assert_field_bytes (bytes, 3, "load", "x", 1);

  g_autoptr (CraftPacket) alone = parse ("'just bytes'");
  assert_layers (alone, "Raw");
  g_autofree char *hex = build_hex (alone);
  g_assert_cmpstr (hex, ==, "6a757374206279746573");

  g_autoptr (CraftPacket) empty = parse ("IP()/\"\"");
  assert_layers (empty, "IP/Raw");
  assert_field_bytes (empty, 1, "load", "", 0);

  assert_builds ("IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/\"GET /\"",
                 "45000019000100004000f6e0c0000201c0000202474554202f");
}

/* ---- Positional bytes: dissection ---- */

static void
test_positional_dissect (void)
{
  g_test_summary ("A positional bytes argument is dissected from that layer; keywords apply after.");
  /* IP(src="192.0.2.1", dst="192.0.2.2")/TCP(sport=1234, dport=80, flags="S")/"hi", from Scapy. */
  static const char wire[] = "IP(b\"\\x45\\x00\\x00\\x2a\\x00\\x01\\x00\\x00\\x40\\x06\\xf6\\xc9\\xc0\\x00\\x02\\x01"
                             "\\xc0\\x00\\x02\\x02\\x04\\xd2\\x00\\x50\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                             "\\x50\\x02\\x20\\x00\\x9e\\x51\\x00\\x00hi\")";
  g_autoptr (CraftPacket) packet = parse (wire);
  assert_layers (packet, "IP/TCP/Raw");
  g_assert_cmpuint (get_uint (packet, 1, "sport"), ==, 1234);
  assert_format (packet, 0, "src", "192.0.2.1");
  assert_format (packet, 1, "flags", "S");
  assert_field_bytes (packet, 2, "load", "hi", 2);
  g_autofree char *hex = build_hex (packet);
  g_assert_cmpstr (hex, ==, "4500002a000100004006f6c9c0000201c000020204d200500000000000000000500220009e5100006869");

  /* Keywords apply to the dissected layer, after dissection. */
  g_autofree char *with_ttl = g_strdup_printf ("%.*s, ttl=3)", (int) strlen (wire) - 1, wire);
  g_autoptr (CraftPacket) changed = parse (with_ttl);
  assert_layers (changed, "IP/TCP/Raw");
  g_assert_cmpuint (get_uint (changed, 0, "ttl"), ==, 3);
  g_assert_cmpuint (get_uint (changed, 1, "dport"), ==, 80);

  /* Raw("abc") is Raw(load=b"abc"), text or bytes. */
  g_autoptr (CraftPacket) raw = parse ("Raw(\"abc\")/Raw(b\"\\x00d\")");
  assert_layers (raw, "Raw/Raw");
  assert_field_bytes (raw, 0, "load", "abc", 3);
  assert_field_bytes (raw, 1, "load", "\x00" "d", 2);

  /* No bytes: the layer with every field unset, as Scapy's IP(b""). */
  assert_same_bytes ("IP(b\"\", src=\"192.0.2.1\", dst=\"192.0.2.2\")", "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")");

  /* Bytes too short for the layer are kept as Raw when nothing is set on it. */
  g_autoptr (CraftPacket) short_ip = parse ("Ether(src=\"00:11:22:33:44:55\")/IP(b\"\\x45\\x00\")");
  assert_layers (short_ip, "Ether/Raw");

  /* A dissected stack is followed by what comes after it. */
  g_autoptr (CraftPacket) stacked
    = parse ("Ether(b\"\\x00\\x11\\x22\\x33\\x44\\x55\\x66\\x77\\x88\\x99\\xaa\\xbb\\x08\\x06\")"
             "/ARP(pdst=\"192.0.2.9\", psrc=\"192.0.2.1\", hwsrc=\"66:77:88:99:aa:bb\")");
  assert_layers (stacked, "Ether/ARP");
  assert_format (stacked, 0, "dst", "00:11:22:33:44:55");
  assert_format (stacked, 0, "type", "ARP");
}

/* ---- Stacking ---- */

static void
test_stack_nested (void)
{
  g_test_summary ("Deep stacks build Scapy's bytes; bare layer names need no parentheses.");
  /* Q-in-Q and an ICMP error quoting a datagram, from Scapy. */
  assert_builds ("Ether(dst=\"00:11:22:33:44:55\", src=\"66:77:88:99:aa:bb\")/Dot1Q(vlan=10)/Dot1Q(vlan=20)"
                 "/IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP(sport=1, dport=2)/\"hi\"",
                 "00112233445566778899aabb8100000a8100001408004500001e000100004011f6cac0000201c0000202"
                 "00010002000a136a6869");
  assert_builds ("IP(src=\"192.0.2.254\", dst=\"192.0.2.1\")/ICMP(type=3, code=3)"
                 "/IP(src=\"192.0.2.1\", dst=\"198.51.100.2\")/UDP(sport=1234, dport=53)",
                 "45000038000100004001f5c4c00002fec00002010303e94d000000004500001c0001000040118e99c0000201c633640204d2"
                 "003500080ea0");

  /* Bare names are layers with every field unset. */
  g_autoptr (CraftPacket) bare = parse ("Ether/IP/TCP");
  assert_layers (bare, "Ether/IP/TCP");
  g_autoptr (CraftPacket) layer = parse ("IP");
  assert_layers (layer, "IP");
}

/* ---- Errors, each at its column ---- */

static void
test_error_unknown_layer (void)
{
  g_test_summary ("An unknown layer is reported at its name.");
  assert_expr_error ("Foo()", UNKNOWN_LAYER, 1, "unknown layer 'Foo'");
  assert_expr_error ("Ether()/IP()/Tcp(dport=80)", UNKNOWN_LAYER, 14, "unknown layer 'Tcp'");
  assert_expr_error ("IP/Nope", UNKNOWN_LAYER, 4, "unknown layer 'Nope'");
  assert_expr_error ("  ip()", UNKNOWN_LAYER, 3, "unknown layer 'ip'");
  /* The first unknown layer is reported, even when a later field is also bad. */
  assert_expr_error ("IP(ttl=1)/Bad(x=1)/IP(tll=2)", UNKNOWN_LAYER, 11, "'Bad'");
}

static void
test_error_unknown_field (void)
{
  g_test_summary ("An unknown keyword is reported at its name, with the layer's fields.");
  assert_expr_error ("IP(tll=3)", UNKNOWN_FIELD, 4,
                     "layer IP has no field 'tll' (fields: version, ihl, tos, len, id, flags, frag, ttl, proto, "
                     "chksum, src, dst, options)");
  assert_expr_error ("Ether()/TCP(sport=1, flag=\"S\")", UNKNOWN_FIELD, 22,
                     "layer TCP has no field 'flag' (fields: sport, dport, seq, ack, dataofs, reserved, flags, window, "
                     "chksum, urgptr, options)");
  assert_expr_error ("UDP(dport=53,  source=1)", UNKNOWN_FIELD, 16,
                     "layer UDP has no field 'source' (fields: sport, dport, len, chksum)");
  assert_expr_error ("Raw(data=b\"x\")", UNKNOWN_FIELD, 5, "layer Raw has no field 'data' (fields: load)");
  /* A field named twice in a layer (conditional alternatives) is listed once. */
  assert_expr_error ("ICMP(foo=1)", UNKNOWN_FIELD, 6, "nexthopmtu, unused)");
  /* Keywords are checked against the layer dissected from positional bytes. */
  assert_expr_error ("Raw(b\"x\", ttl=1)", UNKNOWN_FIELD, 11, "layer Raw has no field 'ttl'");
}

static void
test_error_out_of_range (void)
{
  g_test_summary ("A value too large for its field is reported at the value with the range.");
  assert_expr_error ("IP(ttl=300)", VALUE, 8, "300 is out of range for 8-bit field 'ttl' (0..255)");
  assert_expr_error ("IP(ttl=256)", VALUE, 8, "256 is out of range for 8-bit field 'ttl' (0..255)");
  assert_expr_error ("IP(id=0x10000)", VALUE, 7, "65536 is out of range for 16-bit field 'id' (0..65535)");
  assert_expr_error ("IP(frag=8192)", VALUE, 9, "8192 is out of range for 13-bit field 'frag' (0..8191)");
  assert_expr_error ("IP(version=16)", VALUE, 12, "16 is out of range for 4-bit field 'version' (0..15)");
  assert_expr_error ("IP(flags=8)", VALUE, 10, "8 is out of range for 3-bit field 'flags' (0..7)");
  assert_expr_error ("Dot1Q(id=2)", VALUE, 10, "2 is out of range for 1-bit field 'id' (0..1)");
  assert_expr_error ("TCP(seq=4294967296)", VALUE, 9, "4294967296 is out of range for 32-bit field 'seq'");
  assert_expr_error ("TCP(flags=0x200)", VALUE, 11, "512 is out of range for 9-bit field 'flags' (0..511)");
  /* Numbers in text are checked the same way, at the string's column. */
  assert_expr_error ("IP(ttl=\"0x100\")", VALUE, 8, "256 is out of range for 8-bit field 'ttl' (0..255)");
  assert_expr_error ("IP(ttl=\"99999999999999999999\")", VALUE, 8, "99999999999999999999 is out of range");
  /* After a good keyword, the bad one is reported at its own value. */
  assert_expr_error ("IP()/TCP(dport=\"https\", reserved=8)", VALUE, 34,
                     "8 is out of range for 3-bit field 'reserved'");
  /* The value's column, deep in a stack. */
  assert_expr_error ("Ether()/IP(dst=\"192.0.2.1\")/UDP(sport=1, dport=70000)", VALUE, 48,
                     "70000 is out of range for 16-bit field 'dport' (0..65535)");
}

static void
test_error_negative_unsigned (void)
{
  g_test_summary ("A negative number for an unsigned field is out of range, however written.");
  assert_expr_error ("IP(ttl=-1)", VALUE, 8, "-1 is out of range for 8-bit field 'ttl' (0..255)");
  assert_expr_error ("TCP(seq=-5)", VALUE, 9, "-5 is out of range for 32-bit field 'seq' (0..4294967295)");
  assert_expr_error ("IP(ttl=\"-1\")", VALUE, 8, "-1 is out of range for 8-bit field 'ttl' (0..255)");
  assert_expr_error ("IP(ttl=-0x80)", VALUE, 8, "-128 is out of range for 8-bit field 'ttl'");
  /* A magnitude that would wrap around to a small number. */
  assert_expr_error ("IP(ttl=\"-18446744073709551615\")", VALUE, 8, "-18446744073709551615 is out of range");
  assert_expr_error ("IP(ttl=-9223372036854775808)", VALUE, 8, "-9223372036854775808 is out of range");
}

static void
test_error_wrong_type (void)
{
  g_test_summary ("Numbers for address and byte fields, and text that is no number, are type errors.");
  assert_expr_error ("IP(dst=1)", TYPE, 8, "field 'dst' is ipv4: give it as a string, not a number");
  assert_expr_error ("IP(src=3232235521)", TYPE, 8, "field 'src' is ipv4");
  assert_expr_error ("Ether(dst=0)", TYPE, 11, "field 'dst' is mac");
  assert_expr_error ("Ether(src=True)", TYPE, 11, "field 'src' is mac");
  assert_expr_error ("Raw(load=3)", TYPE, 10, "field 'load' is bytes: give it as a string, not a number");
  assert_expr_error ("IP(options=0)", TYPE, 12, "field 'options' is a list of ip_options");
  assert_expr_error ("IP(ttl=\"abc\")", TYPE, 8, "field 'ttl' is an integer; 'abc' is not a number");
  assert_expr_error ("IP(ttl=\"\")", TYPE, 8, "field 'ttl' is an integer; '' is not a number");
  assert_expr_error ("IP(ttl=\" 5\")", TYPE, 8, "' 5' is not a number");
  assert_expr_error ("IP(ttl=\"5 \")", TYPE, 8, "'5 ' is not a number");
  assert_expr_error ("IP(ttl=\"0x\")", TYPE, 8, "'0x' is not a number");
  assert_expr_error ("IP(ttl=\"--5\")", TYPE, 8, "'--5' is not a number");
  assert_expr_error ("IP(ttl=\"1.5\")", TYPE, 8, "field 'ttl' is an integer; '1.5' is not a whole number");
  assert_expr_error ("IP(ttl=1.5)", TYPE, 8, "field 'ttl' is an integer; '1.5' is not a whole number");
  assert_expr_error ("IP(ttl=[1, 2.5])", TYPE, 12, "'2.5' is not a whole number");
  assert_expr_error ("IP(dst=1.5)", TYPE, 8, "field 'dst' is ipv4: give it as a string, not a number");
  assert_expr_error ("TCP(window=b\"\\x01\")", TYPE, 12, "is not a number");
}

/* NTP timestamps (ntp_time): seconds since 1900 as Scapy takes them, dates as tshark shows them. */
static void
test_ntp_time (void)
{
  g_test_summary ("A timestamp takes seconds since 1900 (integer or fraction, as Scapy computes it) or a UTC date, "
                  "and shows as tshark does, era 1 from 2036 on.");
  static const struct {
    const char *value;
    guint64 raw;
    const char *shown;
  } cases[] = {
    { "0", 0, "NULL" },
    { "3900000000", G_GUINT64_CONSTANT (3900000000) << 32, "Aug  2, 2023 21:20:00.000000000 UTC" },
    { "3900000000.5", G_GUINT64_CONSTANT (3900000000) << 32 | 0x80000000u, "Aug  2, 2023 21:20:00.500000000 UTC" },
    /* Scapy's double arithmetic: 0.1 of a second at this size is 0x19999800. */
    { "3900000000.1", G_GUINT64_CONSTANT (3900000000) << 32 | 0x19999800u, "Aug  2, 2023 21:20:00.099999904 UTC" },
    { "3.9e9", G_GUINT64_CONSTANT (3900000000) << 32, "Aug  2, 2023 21:20:00.000000000 UTC" },
    { "\"Aug  2, 2023 21:20:00.25 UTC\"", G_GUINT64_CONSTANT (3900000000) << 32 | 0x40000000u,
      "Aug  2, 2023 21:20:00.250000000 UTC" },
    { "\"Wed Aug  2 21:20:00 2023\"", G_GUINT64_CONSTANT (3900000000) << 32, "Aug  2, 2023 21:20:00.000000000 UTC" },
    { "\"2023-08-02T21:20:00.75Z\"", G_GUINT64_CONSTANT (3900000000) << 32 | 0xc0000000u,
      "Aug  2, 2023 21:20:00.750000000 UTC" },
    /* Below 2^31 seconds is era 1, as Wireshark reads it; and back. */
    { "1", G_GUINT64_CONSTANT (1) << 32, "Feb  7, 2036 06:28:17.000000000 UTC" },
    { "\"Feb  7, 2036 06:28:17 UTC\"", G_GUINT64_CONSTANT (1) << 32, "Feb  7, 2036 06:28:17.000000000 UTC" },
    { "\"NULL\"", 0, "NULL" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *expression = g_strdup_printf ("NTPHeader(sent=%s)", cases[i].value);
      g_test_message ("%s", expression);
      g_autoptr (CraftPacket) packet = parse (expression);
      g_assert_cmpuint (get_uint (packet, 0, "sent"), ==, cases[i].raw);
      assert_format (packet, 0, "sent", cases[i].shown);
      /* What is shown reads back as the same timestamp, to the nanosecond shown. */
      g_autofree char *again = g_strdup_printf ("NTPHeader(sent=\"%s\")", cases[i].shown);
      g_autoptr (CraftPacket) reread = parse (again);
      guint64 back = get_uint (reread, 0, "sent");
      g_assert_cmpuint (back >> 32, ==, cases[i].raw >> 32);
      g_assert_cmpint (ABS ((gint64) (back & 0xffffffffu) - (gint64) (cases[i].raw & 0xffffffffu)), <=, 5);
    }
  assert_expr_error ("NTPHeader(sent=\"yesterday\")", VALUE, 16, "'yesterday' is not an NTP time");
  assert_expr_error ("NTPHeader(sent=4294967296)", VALUE, 16, "outside what an NTP timestamp holds");
  assert_expr_error ("NTPHeader(sent=\"Jan  1, 1950 00:00:00 UTC\")", VALUE, 16, "outside what an NTP timestamp holds");
  assert_expr_error ("NTPHeader(sent=-1.5)", VALUE, 16, "'-1.5' is not an NTP time");
}

static void
test_error_bad_address (void)
{
  g_test_summary ("Malformed MAC and IPv4 text, and raw addresses of the wrong size, are refused.");
  assert_expr_error ("IP(dst=\"192.0.2\")", VALUE, 8,
                     "field 'dst': '192.0.2' is not an IPv4 address (expected dotted quad like 192.0.2.1)");
  assert_expr_error ("IP(src=\"192.0.2.256\")", VALUE, 8, "'192.0.2.256' is not an IPv4 address");
  assert_expr_error ("IP(src=\"\")", VALUE, 8, "'' is not an IPv4 address");
  assert_expr_error ("IP(src=\"2001:db8::1\")", VALUE, 8, "'2001:db8::1' is not an IPv4 address");
  assert_expr_error ("ARP(pdst=\"example.com\")", VALUE, 10, "'example.com' is not an IPv4 address");
  assert_expr_error ("Ether(dst=\"00:11:22:33:44\")", VALUE, 11,
                     "field 'dst': '00:11:22:33:44' is not a MAC address "
                     "(expected six hex pairs like 00:11:22:33:44:55)");
  assert_expr_error ("Ether(dst=\"00:11:22:33:44:55:66\")", VALUE, 11, "is not a MAC address");
  assert_expr_error ("Ether(dst=\"00:11:22:33:44:5g\")", VALUE, 11, "is not a MAC address");
  assert_expr_error ("Ether(dst=\"00:11-22:33:44:55\")", VALUE, 11, "is not a MAC address");
  assert_expr_error ("Ether(dst=\"001122334455\")", VALUE, 11, "is not a MAC address");
  assert_expr_error ("Ether(dst=\"000:11:22:33:44:55\")", VALUE, 11, "is not a MAC address");
  assert_expr_error ("Ether(dst=\"00:11:22:33:44:55:\")", VALUE, 11, "is not a MAC address");
  assert_expr_error ("Ether(src=\"\")", VALUE, 11, "'' is not a MAC address");
  /* Raw bytes for an address must be exactly its size. */
  assert_expr_error ("IP(dst=b\"\\x01\\x02\\x03\")", VALUE, 8, "field 'dst' of IP is ipv4: it takes 4 bytes, not 3");
  assert_expr_error ("Ether(dst=b\"\")", VALUE, 11, "it takes 6 bytes, not 0");
}

static void
test_error_unknown_enum_name (void)
{
  g_test_summary ("An unknown enum name is reported with the names the field knows.");
  assert_expr_error ("IP(proto=\"foo\")", VALUE, 10,
                     "'foo' is not a name for field 'proto' (names: hopopt, icmp, igmp, ggp, ipencap, st, tcp, egp, "
                     "igp, pup, udp, hmp, …)");
  assert_expr_error ("TCP(dport=\"HTTP\")", VALUE, 11,
                     "'HTTP' is not a name for field 'dport' (names: ftp_data, ftp, ssh");
  assert_expr_error ("ARP(op=\"who\")", VALUE, 8,
                     "'who' is not a name for field 'op' (names: who-has, is-at, RARP-req");
  assert_expr_error ("Ether(type=\"ipv4\")", VALUE, 12, "(names: IPv4, ARP,");
  /* Names that depend on another field list those of every choice. */
  assert_expr_error ("ICMP(type=3, code=\"nope\")", VALUE, 19,
                     "'nope' is not a name for field 'code' (names: network-unreachable, host-unreachable,");
  assert_expr_error ("ICMP(type=\"echo\")", VALUE, 11, "(names: echo-reply, dest-unreach,");
}

static void
test_error_unknown_flag (void)
{
  g_test_summary ("An unknown flag is reported with the flags the field has.");
  assert_expr_error ("TCP(flags=\"SX\")", VALUE, 11,
                     "'X' is not a flag of field 'flags' (flags: F, S, R, P, A, U, E, C, N)");
  assert_expr_error ("TCP(flags=\"s\")", VALUE, 11, "'s' is not a flag of field 'flags'");
  assert_expr_error ("TCP(flags=\"S\xc3\xa9\")", VALUE, 11, "'\xc3\xa9' is not a flag of field 'flags'");
  assert_expr_error ("TCP(flags=\"S+A\")", VALUE, 11, "'+' is not a flag");
  assert_expr_error ("IP(flags=\"MF+XX\")", VALUE, 10, "'XX' is not a flag of field 'flags' (flags: MF, DF, evil)");
  assert_expr_error ("IP(flags=\"MFDF\")", VALUE, 10, "'MFDF' is not a flag");
  assert_expr_error ("IP(flags=\"MF+\")", VALUE, 10, "'' is not a flag");
}

static void
test_error_unsupported (void)
{
  g_test_summary ("Lists and tuples that are not packet sets are refused where they stand (sets: test-set.c).");
  assert_expr_error ("IP(ttl=[])", VALUE, 8, "an empty list makes no packets");
  assert_expr_error ("IP(ttl=())", UNSUPPORTED, 8, "a tuple is a range (low, high) of integers");
  assert_expr_error ("IP(ttl=(1, 2, 3))", UNSUPPORTED, 8, "a tuple is a range (low, high) of integers");
  assert_expr_error ("TCP(options=[(\"Bogus\", 1)])", VALUE, 15, "'Bogus' is not an element of tcp_options");
  assert_expr_error ("IP(dst=(\"192.0.2.1\", \"192.0.2.2\"))", UNSUPPORTED, 8, "a tuple is a range");
}

static void
test_error_nested_packet (void)
{
  g_test_summary ("Packets are values only of list fields, and only the list's own elements.");
  assert_expr_error ("IP(options=IP())", TYPE, 12, "IP is not an element of ip_options (field 'options')");
  assert_expr_error ("ICMP(type=3)/Raw(load=IP()/UDP())", UNSUPPORTED, 23, "packets as field values");
  assert_expr_error ("IP(ttl=TCP()/\"x\")", UNSUPPORTED, 8, "packets as field values");
}

static void
test_error_positional (void)
{
  g_test_summary ("At most one positional argument, and only bytes or text.");
  assert_expr_error ("IP(b\"\", b\"\")", SYNTAX, 9,
                     "IP() takes at most one positional argument (the bytes to dissect)");
  assert_expr_error ("Raw(\"a\", \"b\", \"c\")", SYNTAX, 10, "Raw() takes at most one positional argument");
  assert_expr_error ("IP(3)", TYPE, 4,
                     "the positional argument of IP() is the bytes to dissect: a string or bytes, not integer");
  assert_expr_error ("Ether()/IP(None)", TYPE, 12, "not None");
  assert_expr_error ("IP([b\"x\"])", TYPE, 4, "not list");
  assert_expr_error ("IP(TCP())", TYPE, 4, "the positional argument of IP()");
  /* Keywords cannot be set when the bytes do not dissect as the layer. */
  assert_expr_error ("IP(b\"\\x45\", ttl=3)", VALUE, 4, "these bytes do not dissect as IP (IP.tos");
}

static void
test_error_nul_in_text (void)
{
  g_test_summary ("Text for an integer or an address cannot hold a NUL byte.");
  assert_expr_error ("IP(dst=\"192.0.2.1\\x00\")", VALUE, 8, "field 'dst': text with a NUL byte");
  assert_expr_error ("IP(ttl=\"\\x005\")", VALUE, 8, "field 'ttl': text with a NUL byte");
  assert_expr_error ("TCP(flags=\"S\\0\")", VALUE, 11, "text with a NUL byte");
  assert_expr_error ("Ether(src=b\"00:11:22:33:44:55\")", VALUE, 11, "it takes 6 bytes, not 17");
  /* Byte fields take NUL like any other byte. */
  g_autoptr (CraftPacket) packet = parse ("Raw(load=\"a\\x00b\")");
  assert_field_bytes (packet, 0, "load", "a\x00" "b", 3);
}

static void
test_error_stack_operand (void)
{
  g_test_summary ("Only layers and payloads go between slashes.");
  /* The parser takes only layers and payloads between slashes. */
  assert_expr_error ("IP()/None", SYNTAX, 6, "expected a layer name, a string or bytes after '/'");
  assert_expr_error ("IP()/(1, 2)", SYNTAX, 6, "expected a layer name, a string or bytes after '/'");
  assert_expr_error ("IP()/[TCP()]", SYNTAX, 6, "expected a layer name, a string or bytes after '/'");
  assert_expr_error ("3/IP()", SYNTAX, 1, "expected a layer name, a string or bytes");
}

static void
test_error_syntax (void)
{
  g_test_summary ("Parse errors come through with their column.");
  /* The parser's errors come through with their column. */
  assert_expr_error ("IP(ttl=5", SYNTAX, 9, "expected ')' or ','");
  assert_expr_error ("", SYNTAX, 1, "");
  assert_expr_error ("IP(ttl=1, ttl=2)", SYNTAX, 11, "keyword argument 'ttl' repeated");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_autoptr (GError) error = NULL;
  registry = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (registry, &error));
  g_assert_no_error (error);

  g_test_add_func ("/expr/layers/scapy-bytes", test_layers_scapy_bytes);
  g_test_add_func ("/expr/layers/every-field", test_layers_every_field);

  g_test_add_func ("/expr/int/bases", test_int_bases);
  g_test_add_func ("/expr/ntp-time", test_ntp_time);
  g_test_add_func ("/expr/int/limits", test_int_limits);
  g_test_add_func ("/expr/int/bool", test_int_bool);

  g_test_add_func ("/expr/text/addresses", test_text_addresses);
  g_test_add_func ("/expr/text/enums", test_text_enums);
  g_test_add_func ("/expr/text/flags", test_text_flags);

  g_test_add_func ("/expr/bytes/fields", test_bytes_fields);
  g_test_add_func ("/expr/none/resets", test_none_resets);
  g_test_add_func ("/expr/payload/bare", test_payload_bare);
  g_test_add_func ("/expr/positional/dissect", test_positional_dissect);
  g_test_add_func ("/expr/stack/nested", test_stack_nested);

  g_test_add_func ("/expr/error/unknown-layer", test_error_unknown_layer);
  g_test_add_func ("/expr/error/unknown-field", test_error_unknown_field);
  g_test_add_func ("/expr/error/out-of-range", test_error_out_of_range);
  g_test_add_func ("/expr/error/negative-unsigned", test_error_negative_unsigned);
  g_test_add_func ("/expr/error/wrong-type", test_error_wrong_type);
  g_test_add_func ("/expr/error/bad-address", test_error_bad_address);
  g_test_add_func ("/expr/error/unknown-enum-name", test_error_unknown_enum_name);
  g_test_add_func ("/expr/error/unknown-flag", test_error_unknown_flag);
  g_test_add_func ("/expr/error/not-a-set", test_error_unsupported);
  g_test_add_func ("/expr/error/nested-packet", test_error_nested_packet);
  g_test_add_func ("/expr/error/positional", test_error_positional);
  g_test_add_func ("/expr/error/nul-in-text", test_error_nul_in_text);
  g_test_add_func ("/expr/error/stack-operand", test_error_stack_operand);
  g_test_add_func ("/expr/error/syntax", test_error_syntax);

  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
