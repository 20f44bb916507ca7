/* Field kinds through the packet API: each kind set, read and formatted; bit packing, signed, little-endian, 64-bit. */
#include <craft/craft.h>

#include <arpa/inet.h>
#include <string.h>

#include "testutil.h"

/* The built-in layers. */
static CraftRegistry *registry;
/* The test layers below, alone. */
static CraftRegistry *test_registry;

/* Widths, byte orders and kinds the standard layers do not have. */
static const char test_definitions[] =
  "enum colors { red = 1, green = 2, \"dark-blue\" = 0x9000 }\n"
  "\n"
  "# 3 + 1 + 12 | 13 + 3 | 4 + 4 | 8 bits: fields that straddle bytes.\n"
  "layer Bits {\n"
  "    a: u3 = 5;\n"
  "    b: u1;\n"
  "    c: u12 hex;\n"
  "    d: u13;\n"
  "    e: u3 flags { one, two, four };\n"
  "    f: u4 = 0xf;\n"
  "    g: u4 flags { F, S, R, P };\n"
  "    h: u8 flags { A, B };\n"
  "}\n"
  "\n"
  "layer Signed {\n"
  "    sa: s8 = -5;\n"
  "    sb: s13;\n"
  "    pad: u3;\n"
  "    sc: s64;\n"
  "    sd: s32 le;\n"
  "}\n"
  "\n"
  "layer Wide {\n"
  "    le16: u16 le;\n"
  "    le24: u24 le;\n"
  "    le64: u64 le;\n"
  "    be64: u64;\n"
  "    be24: u24 = 0x123456;\n"
  "    color: u16 hex enum colors = 1;\n"
  "    shade: u16 enum colors;\n"
  "}\n"
  "\n"
  "layer Addr {\n"
  "    mac: mac = \"00:11:22:33:44:55\";\n"
  "    v4: ipv4 = \"192.0.2.1\";\n"
  "    v6: ipv6 = \"2001:db8::1\";\n"
  "    fixed: bytes(4);\n"
  "    rest: bytes;\n"
  "}\n";

/* ---- Helpers ---- */

/* A packet of the one test layer `name`. */
static CraftPacket *
new_layer (const char *name)
{
  g_autoptr (GError) error = NULL;
  CraftPacket *packet = craft_packet_new (test_registry);
  gboolean ok = craft_packet_push_layer (packet, name, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return packet;
}

static CraftPacket *
parse (const char *expression)
{
  g_autoptr (GError) error = NULL;
  CraftPacket *packet = craft_packet_new_from_expression (registry, expression, &error);
  g_assert_no_error (error);
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

#define assert_hex(packet, hex)                       \
  G_STMT_START                                        \
  {                                                   \
    g_autofree char *got_ = build_hex (packet);       \
    g_assert_cmpstr (got_, ==, hex);                  \
  }                                                   \
  G_STMT_END

static void
set_text (CraftPacket *packet, guint layer, const char *field, const char *text)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = craft_packet_set_text (packet, layer, field, text, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
set_uint (CraftPacket *packet, guint layer, const char *field, guint64 value)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = craft_packet_set_uint (packet, layer, field, value, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
set_bytes (CraftPacket *packet, guint layer, const char *field, const void *data, gsize length)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = craft_packet_set_bytes (packet, layer, field, data, length, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

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
    g_assert_nonnull (b_);                                                    \
    gsize n_;                                                                 \
    const guint8 *d_ = g_bytes_get_data (b_, &n_);                            \
    g_assert_cmpmem (d_, n_, data, length);                                   \
  }                                                                           \
  G_STMT_END

/* A call that fails with CRAFT_ERROR_<code> and a message containing `substring`. */
#define assert_fails(call, code, substring)                 \
  G_STMT_START                                              \
  {                                                         \
    g_autoptr (GError) e_ = NULL;                           \
    GError **error = &e_;                                   \
    g_assert_false (call);                                  \
    g_assert_error (e_, CRAFT_ERROR, CRAFT_ERROR_##code);   \
    assert_contains (e_->message, substring);               \
  }                                                         \
  G_STMT_END

/* Dissects `hex` as layer `name` of the test registry. */
static CraftPacket *
dissect_hex (const char *name, const char *hex)
{
  gsize len = strlen (hex) / 2;
  g_autofree guint8 *data = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  g_autoptr (GError) error = NULL;
  CraftPacket *packet = craft_packet_new_from_bytes (test_registry, name, data, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (packet);
  g_assert_cmpuint (craft_packet_get_n_findings (packet), ==, 0);
  return packet;
}

/* ---- Definitions ---- */

static void
test_kinds_names (void)
{
  g_test_summary ("Kinds and widths of the test layers' fields read back through the registry API.");
  const CraftLayerDef *addr = craft_registry_lookup_layer (test_registry, "Addr");
  const CraftLayerDef *sig = craft_registry_lookup_layer (test_registry, "Signed");
  g_assert_nonnull (addr);
  g_assert_nonnull (sig);
  static const struct {
    const char *kind;
    guint bits;
  } addr_fields[] = { { "mac", 48 }, { "ipv4", 32 }, { "ipv6", 128 }, { "bytes", 32 }, { "bytes", 0 } };
  g_assert_cmpuint (craft_layer_def_get_n_fields (addr), ==, G_N_ELEMENTS (addr_fields));
  for (guint i = 0; i < G_N_ELEMENTS (addr_fields); i++)
    {
      const CraftFieldDef *f = craft_layer_def_get_field (addr, i);
      g_assert_cmpstr (craft_field_def_get_kind_name (f), ==, addr_fields[i].kind);
      g_assert_cmpuint (craft_field_def_get_bits (f), ==, addr_fields[i].bits);
    }
  g_assert_cmpstr (craft_field_def_get_kind_name (craft_layer_def_get_field (sig, 0)), ==, "int");
  g_assert_cmpstr (craft_field_def_get_kind_name (craft_layer_def_get_field (sig, 2)), ==, "uint");
  g_assert_cmpuint (craft_field_def_get_bits (craft_layer_def_get_field (sig, 1)), ==, 13);
}

/* ---- Bit-level packing ---- */

static void
test_bits_packing (void)
{
  g_test_summary ("Fields of 1, 3, 4, 12 and 13 bits pack across byte boundaries and dissect back.");
  g_autoptr (CraftPacket) packet = new_layer ("Bits");
  /* Defaults: a=5, f=0xf, the rest 0: 101 0 | 000000000000 ... */
  assert_hex (packet, "a0000000f000");

  set_uint (packet, 0, "a", 5);
  set_uint (packet, 0, "b", 1);
  set_uint (packet, 0, "c", 0xabc);
  set_uint (packet, 0, "d", 0x1234);
  set_text (packet, 0, "e", "one+four");
  set_uint (packet, 0, "f", 0xa);
  set_text (packet, 0, "g", "FP");
  set_text (packet, 0, "h", "B");
  /* 101 1 101010111100 | 1001000110100 101 | 1010 1001 | 00000010 */
  assert_hex (packet, "babc91a5a902");

  /* Every value at its width's extremes does not spill into its neighbours. */
  g_autoptr (CraftPacket) ones = new_layer ("Bits");
  set_uint (ones, 0, "a", 0);
  set_uint (ones, 0, "b", 1);
  set_uint (ones, 0, "c", 0);
  set_uint (ones, 0, "d", 0x1fff);
  set_uint (ones, 0, "e", 0);
  set_uint (ones, 0, "f", 0);
  set_uint (ones, 0, "g", 0xf);
  assert_hex (ones, "1000fff80f00");

  /* Dissection reads back each field from its bits. */
  g_autoptr (CraftPacket) back = dissect_hex ("Bits", "babc91a5a902");
  g_assert_cmpuint (get_uint (back, 0, "a"), ==, 5);
  g_assert_cmpuint (get_uint (back, 0, "b"), ==, 1);
  g_assert_cmpuint (get_uint (back, 0, "c"), ==, 0xabc);
  g_assert_cmpuint (get_uint (back, 0, "d"), ==, 0x1234);
  g_assert_cmpuint (get_uint (back, 0, "e"), ==, 5);
  g_assert_cmpuint (get_uint (back, 0, "f"), ==, 0xa);
  g_assert_cmpuint (get_uint (back, 0, "g"), ==, 9);
  g_assert_cmpuint (get_uint (back, 0, "h"), ==, 2);
  assert_hex (back, "babc91a5a902");

  /* Spans are in bits from the packet's first bit. */
  static const struct {
    const char *field;
    guint offset, length;
  } spans[] = { { "a", 0, 3 },   { "b", 3, 1 },   { "c", 4, 12 },  { "d", 16, 13 },
                { "e", 29, 3 },  { "f", 32, 4 },  { "g", 36, 4 },  { "h", 40, 8 } };
  for (gsize i = 0; i < G_N_ELEMENTS (spans); i++)
    {
      guint offset = 0, length = 0;
      g_assert_true (craft_packet_get_span (back, 0, spans[i].field, &offset, &length));
      g_assert_cmpuint (offset, ==, spans[i].offset);
      g_assert_cmpuint (length, ==, spans[i].length);
    }
}

static void
test_bits_range (void)
{
  g_test_summary ("Odd widths refuse values past their range and keep the value they had.");
  g_autoptr (CraftPacket) packet = new_layer ("Bits");
  assert_fails (craft_packet_set_uint (packet, 0, "a", 8, error), VALUE,
                "8 is out of range for 3-bit field 'a' (0..7)");
  assert_fails (craft_packet_set_uint (packet, 0, "b", 2, error), VALUE,
                "2 is out of range for 1-bit field 'b' (0..1)");
  assert_fails (craft_packet_set_uint (packet, 0, "c", 0x1000, error), VALUE,
                "4096 is out of range for 12-bit field 'c' (0..4095)");
  assert_fails (craft_packet_set_uint (packet, 0, "d", 0x2000, error), VALUE, "(0..8191)");
  assert_fails (craft_packet_set_text (packet, 0, "d", "-1", error), VALUE,
                "-1 is out of range for 13-bit field 'd' (0..8191)");
  assert_fails (craft_packet_set_uint (packet, 0, "a", G_MAXUINT64, error), VALUE, "out of range");
  /* A failed set leaves the field as it was. */
  g_assert_cmpuint (get_uint (packet, 0, "a"), ==, 5);
  assert_hex (packet, "a0000000f000");
}

/* ---- Signed integers ---- */

static void
test_signed (void)
{
  g_test_summary ("Signed fields of 8, 13, 32 (little-endian) and 64 bits build, format and dissect negative numbers.");
  g_autoptr (CraftPacket) packet = new_layer ("Signed");
  /* The default -5, and zeros. */
  assert_hex (packet, "fb0000000000000000000000000000");
  assert_format (packet, 0, "sa", "-5");

  set_text (packet, 0, "sa", "-128");
  set_text (packet, 0, "sb", "-2");
  set_text (packet, 0, "sc", "-2");
  set_text (packet, 0, "sd", "-3");
  /* -128 | 1111111111110 000 | fffffffffffffffe | -3 little-endian */
  assert_hex (packet, "80fff0fffffffffffffffefdffffff");
  assert_format (packet, 0, "sa", "-128");
  assert_format (packet, 0, "sb", "-2");
  assert_format (packet, 0, "sc", "-2");
  assert_format (packet, 0, "sd", "-3");
  /* Read as integers, the low bits are the two's complement. */
  g_assert_cmpint ((gint8) get_uint (packet, 0, "sa"), ==, -128);
  g_assert_cmpint ((gint64) get_uint (packet, 0, "sc"), ==, -2);
  g_assert_cmpint ((gint32) get_uint (packet, 0, "sd"), ==, -3);

  /* set_uint takes a gint64 cast to guint64. */
  set_uint (packet, 0, "sa", (guint64) (gint64) 127);
  set_uint (packet, 0, "sb", (guint64) (gint64) -4096);
  set_uint (packet, 0, "sc", (guint64) G_MININT64);
  set_uint (packet, 0, "sd", (guint64) (gint64) G_MAXINT32);
  assert_format (packet, 0, "sa", "127");
  assert_format (packet, 0, "sb", "-4096");
  assert_format (packet, 0, "sc", "-9223372036854775808");
  assert_format (packet, 0, "sd", "2147483647");
  assert_hex (packet, "7f80008000000000000000ffffff7f");

  /* Through an expression too, numbers and text. */
  set_text (packet, 0, "sc", "9223372036854775807");
  assert_format (packet, 0, "sc", "9223372036854775807");
  set_text (packet, 0, "sc", "-0x8000000000000000");
  assert_format (packet, 0, "sc", "-9223372036854775808");

  /* Dissected negative numbers. */
  g_autoptr (CraftPacket) back = dissect_hex ("Signed", "80fff0fffffffffffffffefdffffff");
  assert_format (back, 0, "sa", "-128");
  assert_format (back, 0, "sb", "-2");
  assert_format (back, 0, "sc", "-2");
  assert_format (back, 0, "sd", "-3");
}

static void
test_signed_range (void)
{
  g_test_summary ("Signed fields refuse values past either end of their range.");
  g_autoptr (CraftPacket) packet = new_layer ("Signed");
  assert_fails (craft_packet_set_text (packet, 0, "sa", "128", error), VALUE,
                "128 is out of range for 8-bit signed field 'sa' (-128..127)");
  assert_fails (craft_packet_set_text (packet, 0, "sa", "-129", error), VALUE,
                "-129 is out of range for 8-bit signed field 'sa' (-128..127)");
  assert_fails (craft_packet_set_uint (packet, 0, "sa", 200, error), VALUE, "200 is out of range");
  assert_fails (craft_packet_set_text (packet, 0, "sb", "4096", error), VALUE,
                "4096 is out of range for 13-bit signed field 'sb' (-4096..4095)");
  assert_fails (craft_packet_set_text (packet, 0, "sc", "9223372036854775808", error), VALUE,
                "9223372036854775808 is out of range for 64-bit signed field 'sc' "
                "(-9223372036854775808..9223372036854775807)");
  assert_fails (craft_packet_set_text (packet, 0, "sc", "-9223372036854775809", error), VALUE,
                "-9223372036854775809 is out of range");
  assert_fails (craft_packet_set_text (packet, 0, "sc", "0xffffffffffffffff", error), VALUE, "out of range");
  assert_fails (craft_packet_set_text (packet, 0, "sc", "-18446744073709551616", error), VALUE, "out of range");
  assert_fails (craft_packet_set_text (packet, 0, "sd", "2147483648", error), VALUE,
                "(-2147483648..2147483647)");
  assert_format (packet, 0, "sa", "-5");
}

static void
test_signed_expression (void)
{
  g_test_summary ("Negative literals in an expression set signed fields; out of range is reported at the value.");
  /* Negative literals in an expression, for a signed field of a loaded definition. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) packet
    = craft_packet_new_from_expression (test_registry, "Signed(sa=-1, sb=-4096, sc=-9223372036854775808, sd=-0x10)",
                                        &error);
  g_assert_no_error (error);
  assert_format (packet, 0, "sa", "-1");
  assert_format (packet, 0, "sb", "-4096");
  assert_format (packet, 0, "sc", "-9223372036854775808");
  assert_format (packet, 0, "sd", "-16");
  assert_hex (packet, "ff80008000000000000000f0ffffff");

  g_autoptr (CraftPacket) bad = craft_packet_new_from_expression (test_registry, "Signed(sa=-129)", &error);
  g_assert_null (bad);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
  assert_contains (error->message, "-129 is out of range for 8-bit signed field 'sa' (-128..127)");
  CraftErrorLocation loc;
  g_assert_true (craft_error_get_location (error, &loc));
  g_assert_cmpuint (loc.column, ==, 11);
}

/* ---- Little-endian and 64-bit integers ---- */

static void
test_wide (void)
{
  g_test_summary ("Little-endian fields of 2, 3 and 8 bytes and 64-bit fields over their whole range.");
  g_autoptr (CraftPacket) packet = new_layer ("Wide");
  set_uint (packet, 0, "le16", 0x1234);
  set_uint (packet, 0, "le24", 0x123456);
  set_uint (packet, 0, "le64", G_GUINT64_CONSTANT (0x0102030405060708));
  set_uint (packet, 0, "be64", G_GUINT64_CONSTANT (0xfedcba9876543210));
  assert_hex (packet, "3412" "563412" "0807060504030201" "fedcba9876543210" "123456" "0001" "0000");
  g_assert_cmpuint (get_uint (packet, 0, "le64"), ==, G_GUINT64_CONSTANT (0x0102030405060708));
  g_assert_cmpuint (get_uint (packet, 0, "be64"), ==, G_GUINT64_CONSTANT (0xfedcba9876543210));
  assert_format (packet, 0, "be64", "18364758544493064720");

  /* The whole 64-bit range, in numbers and in text. */
  set_uint (packet, 0, "be64", G_MAXUINT64);
  set_text (packet, 0, "le64", "18446744073709551615");
  g_assert_cmpuint (get_uint (packet, 0, "be64"), ==, G_MAXUINT64);
  g_assert_cmpuint (get_uint (packet, 0, "le64"), ==, G_MAXUINT64);
  set_text (packet, 0, "le64", "0x8000000000000000");
  g_assert_cmpuint (get_uint (packet, 0, "le64"), ==, G_GUINT64_CONSTANT (0x8000000000000000));
  assert_fails (craft_packet_set_text (packet, 0, "be64", "18446744073709551616", error), VALUE,
                "18446744073709551616 is out of range for 64-bit field 'be64' (0..18446744073709551615)");
  /* A negative number never fits an unsigned field, even one of 64 bits. */
  assert_fails (craft_packet_set_text (packet, 0, "be64", "-1", error), VALUE,
                "-1 is out of range for 64-bit field 'be64'");
  g_autoptr (GError) expr_error = NULL;
  g_autoptr (CraftPacket) negative = craft_packet_new_from_expression (test_registry, "Wide(le64=-1)", &expr_error);
  g_assert_null (negative);
  g_assert_error (expr_error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
  assert_contains (expr_error->message, "-1 is out of range for 64-bit field 'le64' (0..18446744073709551615)");
  assert_fails (craft_packet_set_uint (packet, 0, "le24", 0x1000000, error), VALUE,
                "16777216 is out of range for 24-bit field 'le24' (0..16777215)");

  g_autoptr (CraftPacket) back
    = dissect_hex ("Wide", "3412" "563412" "0807060504030201" "fedcba9876543210" "abcdef" "9000" "0002");
  g_assert_cmpuint (get_uint (back, 0, "le16"), ==, 0x1234);
  g_assert_cmpuint (get_uint (back, 0, "le24"), ==, 0x123456);
  g_assert_cmpuint (get_uint (back, 0, "le64"), ==, G_GUINT64_CONSTANT (0x0102030405060708));
  g_assert_cmpuint (get_uint (back, 0, "be64"), ==, G_GUINT64_CONSTANT (0xfedcba9876543210));
  g_assert_cmpuint (get_uint (back, 0, "be24"), ==, 0xabcdef);
  assert_format (back, 0, "color", "dark-blue");
  assert_format (back, 0, "shade", "green");
}

/* ---- Enums ---- */

static void
test_enum_format (void)
{
  g_test_summary ("Enum fields format as names when they have one, as numbers otherwise (hex for hex fields).");
  g_autoptr (CraftPacket) packet = new_layer ("Wide");
  assert_format (packet, 0, "color", "red");
  set_text (packet, 0, "color", "dark-blue");
  g_assert_cmpuint (get_uint (packet, 0, "color"), ==, 0x9000);
  assert_format (packet, 0, "color", "dark-blue");
  /* A number without a name: hex for a hex field, decimal otherwise. */
  set_uint (packet, 0, "color", 0x1234);
  assert_format (packet, 0, "color", "0x1234");
  set_uint (packet, 0, "shade", 7);
  assert_format (packet, 0, "shade", "7");
  set_text (packet, 0, "shade", "green");
  assert_format (packet, 0, "shade", "green");
  assert_fails (craft_packet_set_text (packet, 0, "shade", "blue", error), VALUE,
                "'blue' is not a name for field 'shade' (names: red, green, dark-blue)");

  /* Standard layers: names where Scapy has them, numbers where not. */
  g_autoptr (CraftPacket) std = parse ("Ether(type=0x1234)/IP(proto=6)/TCP(dport=8443, sport=\"http_alt\")");
  assert_format (std, 0, "type", "0x1234");
  assert_format (std, 1, "proto", "tcp");
  assert_format (std, 2, "dport", "8443");
  assert_format (std, 2, "sport", "http_alt");
  set_uint (std, 0, "type", 0x0800);
  assert_format (std, 0, "type", "IPv4");
  set_uint (std, 1, "proto", 254);
  assert_format (std, 1, "proto", "254");
  /* The tree shows the name and the number. */
  g_autoptr (GError) error = NULL;
  g_autofree char *tree = craft_packet_show (std, &error);
  g_assert_no_error (error);
  assert_contains (tree, "type      = IPv4 (0x800)");
  assert_contains (tree, "proto     = 254\n");
  assert_contains (tree, "sport     = http_alt (8080)");
}

/* ---- Flags ---- */

static void
test_flags_format (void)
{
  g_test_summary ("Flag fields format as SA or MF+DF, as nothing when 0, as a number when unnamed bits are set.");
  g_autoptr (CraftPacket) packet = parse ("IP(flags=\"MF+DF\")/TCP(flags=\"SA\")");
  assert_format (packet, 0, "flags", "MF+DF");
  assert_format (packet, 1, "flags", "SA");
  set_uint (packet, 1, "flags", 0x1ff);
  assert_format (packet, 1, "flags", "FSRPAUECN");
  set_uint (packet, 1, "flags", 0);
  assert_format (packet, 1, "flags", "");
  set_uint (packet, 0, "flags", 0);
  assert_format (packet, 0, "flags", "");
  set_uint (packet, 0, "flags", 7);
  assert_format (packet, 0, "flags", "MF+DF+evil");
  set_text (packet, 0, "flags", "");
  g_assert_cmpuint (get_uint (packet, 0, "flags"), ==, 0);

  /* The tree adds the number; no flag shows the number alone. */
  set_text (packet, 1, "flags", "SA");
  g_autoptr (GError) show_error = NULL;
  g_autofree char *tree = craft_packet_show (packet, &show_error);
  g_assert_no_error (show_error);
  assert_contains (tree, "flags     = SA (0x12)");
  assert_contains (tree, "flags     = 0x0\n");

  g_autoptr (CraftPacket) bits = new_layer ("Bits");
  assert_format (bits, 0, "e", "");
  set_text (bits, 0, "e", "two");
  assert_format (bits, 0, "e", "two");
  set_text (bits, 0, "e", "four+one");
  assert_format (bits, 0, "e", "one+four");
  set_text (bits, 0, "g", "SRF");
  assert_format (bits, 0, "g", "FSR");
  assert_fails (craft_packet_set_text (bits, 0, "g", "X", error), VALUE,
                "'X' is not a flag of field 'g' (flags: F, S, R, P)");
  assert_fails (craft_packet_set_text (bits, 0, "e", "one+eight", error), VALUE,
                "'eight' is not a flag of field 'e' (flags: one, two, four)");
  /* Bits without a name show as a number, so the text reads back the same. */
  set_text (bits, 0, "h", "0x83");
  assert_format (bits, 0, "h", "0x83");
  g_autofree char *shown = format_field (bits, 0, "h");
  set_text (bits, 0, "h", shown);
  g_assert_cmpuint (get_uint (bits, 0, "h"), ==, 0x83);
  set_text (bits, 0, "h", "AB");
  assert_format (bits, 0, "h", "AB");
}

/* ---- Addresses and byte strings ---- */

static void
test_addresses (void)
{
  g_test_summary ("MAC, IPv4 and IPv6 fields from text or bytes, formatted canonically; bad text refused.");
  g_autoptr (CraftPacket) packet = new_layer ("Addr");
  /* Defaults from the definition's text. */
  assert_format (packet, 0, "mac", "00:11:22:33:44:55");
  assert_format (packet, 0, "v4", "192.0.2.1");
  assert_format (packet, 0, "v6", "2001:db8::1");

  set_text (packet, 0, "mac", "AA-BB-CC-DD-EE-0F");
  set_text (packet, 0, "v4", "255.255.255.255");
  set_text (packet, 0, "v6", "2001:0DB8:0000:0000:0000:0000:0000:00FF");
  assert_format (packet, 0, "mac", "aa:bb:cc:dd:ee:0f");
  assert_format (packet, 0, "v4", "255.255.255.255");
  assert_format (packet, 0, "v6", "2001:db8::ff");
  static const guint8 mac[] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x0f };
  static const guint8 v4[] = { 255, 255, 255, 255 };
  static const guint8 v6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff };
  assert_field_bytes (packet, 0, "mac", mac, sizeof mac);
  assert_field_bytes (packet, 0, "v4", v4, sizeof v4);
  assert_field_bytes (packet, 0, "v6", v6, sizeof v6);

  set_text (packet, 0, "v6", "::ffff:192.0.2.1");
  assert_format (packet, 0, "v6", "::ffff:192.0.2.1");
  set_text (packet, 0, "v6", "::");
  assert_format (packet, 0, "v6", "::");

  /* Raw bytes of the right size. */
  static const guint8 v6_bytes[] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
  set_bytes (packet, 0, "v6", v6_bytes, sizeof v6_bytes);
  assert_format (packet, 0, "v6", "fe80::211:22ff:fe33:4455");
  set_bytes (packet, 0, "mac", "\x01\x02\x03\x04\x05\x06", 6);
  assert_format (packet, 0, "mac", "01:02:03:04:05:06");
  set_bytes (packet, 0, "v4", "\x0a\x00\x00\x01", 4);
  assert_format (packet, 0, "v4", "10.0.0.1");
  assert_hex (packet, "010203040506" "0a000001" "fe800000000000000211" "22fffe334455" "00000000");

  /* Wrong sizes and bad text. */
  assert_fails (craft_packet_set_bytes (packet, 0, "mac", (const guint8 *) "\x01\x02", 2, error), VALUE,
                "field 'mac' of Addr is mac: it takes 6 bytes, not 2");
  assert_fails (craft_packet_set_bytes (packet, 0, "v6", v4, sizeof v4, error), VALUE, "it takes 16 bytes, not 4");
  assert_fails (craft_packet_set_text (packet, 0, "v6", "2001:db8::g", error), VALUE,
                "field 'v6': '2001:db8::g' is not an IPv6 address (expected text like 2001:db8::1)");
  assert_fails (craft_packet_set_text (packet, 0, "v6", "192.0.2.1", error), VALUE, "is not an IPv6 address");
  assert_fails (craft_packet_set_text (packet, 0, "v6", "1:2:3:4:5:6:7:8:9", error), VALUE, "is not an IPv6 address");
  assert_fails (craft_packet_set_text (packet, 0, "v4", "1.2.3.4.5", error), VALUE, "is not an IPv4 address");
  assert_fails (craft_packet_set_text (packet, 0, "v4", " 1.2.3.4", error), VALUE, "is not an IPv4 address");
  assert_fails (craft_packet_set_text (packet, 0, "mac", "00:11:22:33:44:55 ", error), VALUE, "is not a MAC address");
  assert_fails (craft_packet_set_text (packet, 0, "mac", "0:1:2:3:4", error), VALUE, "is not a MAC address");
  assert_fails (craft_packet_set_text (packet, 0, "mac", "0::1:2:3:4", error), VALUE, "is not a MAC address");
  /* The failures left the values alone. */
  assert_format (packet, 0, "mac", "01:02:03:04:05:06");
  assert_format (packet, 0, "v6", "fe80::211:22ff:fe33:4455");
}

static void
test_format_like_printf (void)
{
  g_test_summary ("Numbers and addresses format as printf and inet_ntop write them, over their whole range.");
  g_autoptr (CraftPacket) wide = new_layer ("Wide");
  g_autoptr (CraftPacket) sig = new_layer ("Signed");
  g_autoptr (CraftPacket) addr = new_layer ("Addr");
  /* Every length of decimal number, its edges, and the extremes. */
  for (guint64 power = 1;; power *= 10)
    {
      guint64 values[] = { power - 1, power, power + 1 };
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        {
          g_autofree char *want = g_strdup_printf ("%" G_GUINT64_FORMAT, values[i]);
          set_uint (wide, 0, "be64", values[i]);
          assert_format (wide, 0, "be64", want);
          gint64 negative = -(gint64) (values[i] & G_MAXINT64);
          g_autofree char *signed_want = g_strdup_printf ("%" G_GINT64_FORMAT, negative);
          set_uint (sig, 0, "sc", (guint64) negative);
          assert_format (sig, 0, "sc", signed_want);
        }
      if (power > G_MAXUINT64 / 10)
        break;
    }
  set_uint (wide, 0, "be64", G_MAXUINT64);
  assert_format (wide, 0, "be64", "18446744073709551615");
  /* Hex, for values without a name: every digit count. */
  for (guint64 value = 3; value <= 0xffff; value = value * 16 + 5)
    {
      g_autofree char *want = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", value);
      set_uint (wide, 0, "color", value);
      assert_format (wide, 0, "color", want);
    }
  set_uint (wide, 0, "color", 0);
  assert_format (wide, 0, "color", "0x0");
  /* Every byte value in every place of an IPv4 address and a MAC. */
  for (guint b = 0; b < 256; b++)
    for (guint at = 0; at < 4; at++)
      {
        guint8 v4[4] = { 10, 0, 200, 7 };
        v4[at] = (guint8) b;
        char want[INET_ADDRSTRLEN];
        g_assert_nonnull (inet_ntop (AF_INET, v4, want, sizeof want));
        set_bytes (addr, 0, "v4", v4, sizeof v4);
        assert_format (addr, 0, "v4", want);
        guint8 mac[6] = { 0, 0x11, 0xa0, 0x0f, 0xff, 0x42 };
        mac[at] = (guint8) b;
        g_autofree char *mac_want = g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                                                     mac[4], mac[5]);
        set_bytes (addr, 0, "mac", mac, sizeof mac);
        assert_format (addr, 0, "mac", mac_want);
      }
}

static void
test_bytes (void)
{
  g_test_summary ("Byte strings format as Python bytes literals; fixed sizes are cut or padded.");
  g_autoptr (CraftPacket) packet = new_layer ("Addr");
  set_text (packet, 0, "rest", "GET /");
  assert_field_bytes (packet, 0, "rest", "GET /", 5);
  assert_format (packet, 0, "rest", "b'GET /'");
  set_bytes (packet, 0, "rest", "a'b\\\n\r\t\x00\x7f\x80\xff", 11);
  assert_format (packet, 0, "rest", "b'a\\'b\\\\\\n\\r\\t\\x00\\x7f\\x80\\xff'");
  set_bytes (packet, 0, "rest", NULL, 0);
  assert_format (packet, 0, "rest", "b''");
  assert_field_bytes (packet, 0, "rest", "", 0);

  /* A fixed size is cut or zero-padded when built, as Scapy does. */
  set_bytes (packet, 0, "fixed", "ab", 2);
  assert_hex (packet, "001122334455" "c0000201" "20010db8000000000000000000000001" "61620000");
  set_text (packet, 0, "fixed", "abcdef");
  set_text (packet, 0, "rest", "z");
  assert_hex (packet, "001122334455" "c0000201" "20010db8000000000000000000000001" "61626364" "7a");

  /* A dissected byte string reads back. */
  g_autoptr (CraftPacket) back
    = dissect_hex ("Addr", "001122334455" "c0000201" "20010db8000000000000000000000001" "00ff0102" "68656c6c6f");
  static const guint8 fixed[] = { 0x00, 0xff, 0x01, 0x02 };
  assert_field_bytes (back, 0, "fixed", fixed, sizeof fixed);
  assert_field_bytes (back, 0, "rest", "hello", 5);
  assert_format (back, 0, "fixed", "b'\\x00\\xff\\x01\\x02'");
}

/* ---- Type errors through the API ---- */

static void
test_api_errors (void)
{
  g_test_summary ("The packet API reports unknown fields and kind mismatches.");
  g_autoptr (CraftPacket) packet = new_layer ("Addr");
  assert_fails (craft_packet_set_uint (packet, 0, "v4", 1, error), TYPE, "field 'v4' of Addr is ipv4, not an integer");
  assert_fails (craft_packet_set_bytes (packet, 0, "nope", (const guint8 *) "x", 1, error), UNKNOWN_FIELD,
                "layer Addr has no field 'nope' (fields: mac, v4, v6, fixed, rest)");
  assert_fails (craft_packet_set_text (packet, 0, "nope", "1", error), UNKNOWN_FIELD, "layer Addr has no field 'nope'");
  assert_fails (craft_packet_set_uint (packet, 0, "nope", 1, error), UNKNOWN_FIELD, "has no field 'nope'");
  assert_fails (craft_packet_unset (packet, 0, "nope", error), UNKNOWN_FIELD, "has no field 'nope'");
  assert_fails (craft_packet_set_text (packet, 1, "mac", "00:11:22:33:44:55", error), UNKNOWN_LAYER, "no layer 1");
  guint64 value;
  assert_fails (craft_packet_get_uint (packet, 0, "mac", &value, error), TYPE, "field 'mac' is mac, not an integer");
  g_autoptr (GError) format_error = NULL;
  g_assert_null (craft_packet_format_field (packet, 0, "nope", &format_error));
  g_assert_error (format_error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_FIELD);

  g_autoptr (CraftPacket) ints = new_layer ("Wide");
  assert_fails (craft_packet_set_bytes (ints, 0, "le16", (const guint8 *) "\x01\x02", 2, error), TYPE,
                "field 'le16' of Wide is an integer, not bytes");
  g_autoptr (GError) bytes_error = NULL;
  g_assert_null (craft_packet_get_bytes (ints, 0, "le16", &bytes_error));
  g_assert_error (bytes_error, CRAFT_ERROR, CRAFT_ERROR_TYPE);
  assert_fails (craft_packet_set_text (ints, 0, "le16", "twelve", error), TYPE,
                "field 'le16' is an integer; 'twelve' is not a number");

  /* unset returns a field to its default. */
  set_uint (ints, 0, "be24", 1);
  g_autoptr (GError) unset_error = NULL;
  g_assert_true (craft_packet_unset (ints, 0, "be24", &unset_error));
  g_assert_no_error (unset_error);
  g_assert_cmpuint (get_uint (ints, 0, "be24"), ==, 0x123456);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_autoptr (GError) error = NULL;
  registry = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (registry, &error));
  g_assert_no_error (error);
  test_registry = craft_registry_new ();
  g_assert_true (craft_registry_load_data (test_registry, "test-fields", test_definitions, -1, &error));
  g_assert_no_error (error);

  g_test_add_func ("/fields/kinds/names", test_kinds_names);
  g_test_add_func ("/fields/bits/packing", test_bits_packing);
  g_test_add_func ("/fields/bits/range", test_bits_range);
  g_test_add_func ("/fields/signed/values", test_signed);
  g_test_add_func ("/fields/signed/range", test_signed_range);
  g_test_add_func ("/fields/signed/expression", test_signed_expression);
  g_test_add_func ("/fields/wide/le-and-64-bit", test_wide);
  g_test_add_func ("/fields/enum/format", test_enum_format);
  g_test_add_func ("/fields/flags/format", test_flags_format);
  g_test_add_func ("/fields/addresses", test_addresses);
  g_test_add_func ("/fields/format-like-printf", test_format_like_printf);
  g_test_add_func ("/fields/bytes", test_bytes);
  g_test_add_func ("/fields/api-errors", test_api_errors);

  int status = g_test_run ();
  craft_registry_unref (test_registry);
  craft_registry_unref (registry);
  return status;
}
