/* Tests for the definition language and loading: every construct's compiled form, every error with its place, load order. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include <craft/craft.h>

#include "craft-limits.h"
#include "kinds.h"
#include "model.h"

#define ORIGIN "test.pdl"

/* ---- Helpers ---- */

static CraftRegistry *
builtin_registry (void)
{
  g_autoptr (GError) error = NULL;
  CraftRegistry *reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, &error));
  g_assert_no_error (error);
  return reg;
}

/* Loads `text` into `reg`, which must succeed. */
static void
load_ok (CraftRegistry *reg, const char *text)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = craft_registry_load_data (reg, ORIGIN, text, -1, &error);
  if (error != NULL)
    {
      g_autofree char *where = craft_error_format (error);
      g_test_message ("unexpected error: %s", where);
    }
  g_assert_no_error (error);
  g_assert_true (ok);
}

/* A registry with nothing but `text`. */
static CraftRegistry *
registry_from (const char *text)
{
  CraftRegistry *reg = craft_registry_new ();
  load_ok (reg, text);
  return reg;
}

static const CraftLayerDef *
layer (CraftRegistry *reg, const char *name)
{
  const CraftLayerDef *l = craft_registry_lookup_layer (reg, name);
  g_assert_nonnull (l);
  return l;
}

static const CraftFieldDef *
field (const CraftLayerDef *l, const char *name)
{
  gint index = craft__layer_def_field_index (l, name);
  g_assert_cmpint (index, >=, 0);
  return craft_layer_def_get_field (l, (guint) index);
}

/* Everything a failed load must leave as it was. */
typedef struct {
  GPtrArray *layers;
  guint n_bindings;
  guint n_enums;
  const CraftLayerDef *fallback;
  const CraftLayerDef *trailer;
} Snapshot;

static Snapshot
snapshot (CraftRegistry *reg)
{
  Snapshot s = { g_ptr_array_new (), reg->bindings->len, reg->enums->len, reg->fallback, reg->trailer };
  for (guint i = 0; i < craft_registry_get_n_layers (reg); i++)
    g_ptr_array_add (s.layers, (gpointer) craft_registry_get_layer (reg, i));
  return s;
}

static void
assert_unchanged (CraftRegistry *reg, Snapshot *s)
{
  g_assert_cmpuint (craft_registry_get_n_layers (reg), ==, s->layers->len);
  for (guint i = 0; i < s->layers->len; i++)
    {
      const CraftLayerDef *l = g_ptr_array_index (s->layers, i);
      g_assert_true (craft_registry_get_layer (reg, i) == l);
      g_assert_true (craft_registry_lookup_layer (reg, l->name) == l);
    }
  g_assert_cmpuint (reg->bindings->len, ==, s->n_bindings);
  g_assert_cmpuint (reg->enums->len, ==, s->n_enums);
  g_assert_true (reg->fallback == s->fallback);
  g_assert_true (reg->trailer == s->trailer);
  g_ptr_array_unref (s->layers);
}

/* Loads `text` into `reg` expecting an error of `code` at line:column whose
 * message contains `message`, and checks the registry did not change. */
static void
assert_load_fails (CraftRegistry *reg, const char *text, gssize length, CraftError code, guint line, guint column,
                   const char *message)
{
  Snapshot before = snapshot (reg);
  g_autoptr (GError) error = NULL;
  g_assert_false (craft_registry_load_data (reg, ORIGIN, text, length, &error));
  g_assert_error (error, CRAFT_ERROR, (gint) code);
  if (strstr (error->message, message) == NULL)
    g_assert_cmpstr (error->message, ==, message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  CraftErrorLocation loc;
  g_assert_true (craft_error_get_location (error, &loc));
  g_assert_cmpstr (loc.file, ==, ORIGIN);
  g_assert_cmpuint (loc.line, ==, line);
  g_assert_cmpuint (loc.column, ==, column);
  assert_unchanged (reg, &before);
}

/* An expression tree written back as text, names resolved through the layer. */
static void
dump_calc (GString *out, const CraftCalc *c, const CraftLayerDef *l)
{
  static const char *const ops[] = {
    [CRAFT_OP_ADD] = "+", [CRAFT_OP_SUB] = "-", [CRAFT_OP_MUL] = "*", [CRAFT_OP_DIV] = "/",
    [CRAFT_OP_MOD] = "%", [CRAFT_OP_AND] = "&", [CRAFT_OP_OR] = "|", [CRAFT_OP_XOR] = "^",
    [CRAFT_OP_SHL] = "<<", [CRAFT_OP_SHR] = ">>", [CRAFT_OP_EQ] = "==", [CRAFT_OP_NE] = "!=",
    [CRAFT_OP_LT] = "<", [CRAFT_OP_LE] = "<=", [CRAFT_OP_GT] = ">", [CRAFT_OP_GE] = ">=",
    [CRAFT_OP_LAND] = "&&", [CRAFT_OP_LOR] = "||", [CRAFT_OP_IN] = "in", [CRAFT_OP_ELSE] = "?:",
  };
  static const char *const spans[] = { "header", "layer", "payload", "pseudo", "", "upper" };
  const char *fname = NULL;
  if (c->name != NULL)
    {
      /* Resolved names must point at the field of that name. */
      fname = craft_field_def_get_name (craft_layer_def_get_field (l, c->field));
      g_assert_cmpstr (fname, ==, c->name);
    }
  switch (c->type)
    {
    case CRAFT_CALC_CONST: g_string_append_printf (out, "%" G_GUINT64_FORMAT, c->num); break;
    case CRAFT_CALC_FIELD: g_string_append_printf (out, "%s%s", c->request ? "request." : "", fname); break;
    case CRAFT_CALC_LEN:
      g_string_append_printf (out, "%slen(%s)", c->request ? "request." : "",
                              c->span == CRAFT_SPAN_FIELD ? fname : spans[c->span]);
      break;
    case CRAFT_CALC_CHECKSUM:
    case CRAFT_CALC_CRC32:
      g_string_append (out, c->type == CRAFT_CALC_CHECKSUM ? "inet_checksum(" : "crc32(");
      for (guint i = 0; i < c->items->len; i++)
        {
          const CraftCalc *span = g_ptr_array_index (c->items, i);
          g_assert_cmpint (span->type, ==, CRAFT_CALC_LEN);
          g_string_append_printf (out, "%s%s", i ? ", " : "",
                                  span->span == CRAFT_SPAN_FIELD
                                    ? craft_field_def_get_name (craft_layer_def_get_field (l, span->field))
                                    : spans[span->span]);
        }
      g_string_append_c (out, ')');
      break;
    case CRAFT_CALC_SOURCE_IP: g_string_append_printf (out, "source_ip(%s)", fname); break;
    case CRAFT_CALC_SOURCE_MAC: g_string_append (out, "source_mac()"); break;
    case CRAFT_CALC_NEXT_HOP_MAC: g_string_append (out, "next_hop_mac()"); break;
    case CRAFT_CALC_QUOTING: g_string_append (out, "quoting()"); break;
    case CRAFT_CALC_CLOCK_MS: g_string_append (out, "clock_ms()"); break;
    case CRAFT_CALC_NTP_NOW: g_string_append (out, "ntp_now()"); break;
    case CRAFT_CALC_BOUND:
      g_string_append_printf (out, "bound(%s)", c->span == CRAFT_SPAN_UPPER ? "upper" : fname);
      break;
    case CRAFT_CALC_IS_SET: g_string_append_printf (out, "is_set(%s)", fname); break;
    case CRAFT_CALC_COUNT: g_string_append_printf (out, "count(%s)", fname); break;
    case CRAFT_CALC_LOWER_IS: g_string_append_printf (out, "lower_is(%s)", c->layer_name); break;
    case CRAFT_CALC_MAX:
    case CRAFT_CALC_MIN:
      g_string_append (out, c->type == CRAFT_CALC_MAX ? "max(" : "min(");
      dump_calc (out, c->a, l);
      g_string_append (out, ", ");
      dump_calc (out, c->b, l);
      g_string_append_c (out, ')');
      break;
    case CRAFT_CALC_COND:
      g_string_append_c (out, '(');
      dump_calc (out, c->a, l);
      g_string_append (out, " ? ");
      dump_calc (out, c->b, l);
      g_string_append (out, " : ");
      dump_calc (out, g_ptr_array_index (c->items, 0), l);
      g_string_append_c (out, ')');
      break;
    case CRAFT_CALC_SET:
      g_string_append_c (out, '{');
      for (guint i = 0; i < c->items->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          dump_calc (out, g_ptr_array_index (c->items, i), l);
        }
      g_string_append_c (out, '}');
      break;
    case CRAFT_CALC_NEG:
    case CRAFT_CALC_NOT:
      g_string_append_c (out, c->type == CRAFT_CALC_NEG ? '-' : '!');
      dump_calc (out, c->a, l);
      break;
    case CRAFT_CALC_BINARY:
      g_string_append_c (out, '(');
      dump_calc (out, c->a, l);
      g_string_append_printf (out, " %s ", ops[c->op]);
      dump_calc (out, c->b, l);
      g_string_append_c (out, ')');
      break;
    }
}

static char *
calc_text (const CraftCalc *c, const CraftLayerDef *l)
{
  GString *out = g_string_new (NULL);
  dump_calc (out, c, l);
  return g_string_free (out, FALSE);
}

static void
assert_calc (const CraftCalc *c, const CraftLayerDef *l, const char *want)
{
  g_assert_nonnull (c);
  g_autofree char *text = calc_text (c, l);
  g_assert_cmpstr (text, ==, want);
}

static GBytes *
build (CraftRegistry *reg, const char *expression)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (reg, expression, &error);
  g_assert_no_error (error);
  GBytes *bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static void
assert_bytes_hex (GBytes *bytes, const char *hex)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  GString *got = g_string_new (NULL);
  for (gsize i = 0; i < size; i++)
    g_string_append_printf (got, "%02x", data[i]);
  g_assert_cmpstr (got->str, ==, hex);
  g_string_free (got, TRUE);
}

static void
assert_uint (CraftPacket *p, guint index, const char *name, guint64 want)
{
  g_autoptr (GError) error = NULL;
  guint64 value = G_MAXUINT64;
  g_assert_true (craft_packet_get_uint (p, index, name, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (value, ==, want);
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_unlink (path), ==, 0);
}

static char *
make_dir (const char *parent, const char *name)
{
  char *path = g_build_filename (parent, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  return path;
}

/* Sets the two variables loading reads, remembering what they were. */
typedef struct {
  char *proto_path;
  char *config;
} SavedEnv;

static SavedEnv
env_set (const char *proto_path, const char *config)
{
  SavedEnv saved = { g_strdup (g_getenv (CRAFT_PROTO_PATH_ENV)), g_strdup (g_getenv ("XDG_CONFIG_HOME")) };
  if (proto_path != NULL)
    g_setenv (CRAFT_PROTO_PATH_ENV, proto_path, TRUE);
  else
    g_unsetenv (CRAFT_PROTO_PATH_ENV);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  return saved;
}

static void
env_restore (SavedEnv *saved)
{
  if (saved->proto_path != NULL)
    g_setenv (CRAFT_PROTO_PATH_ENV, saved->proto_path, TRUE);
  else
    g_unsetenv (CRAFT_PROTO_PATH_ENV);
  if (saved->config != NULL)
    g_setenv ("XDG_CONFIG_HOME", saved->config, TRUE);
  else
    g_unsetenv ("XDG_CONFIG_HOME");
  g_free (saved->proto_path);
  g_free (saved->config);
}

/* ---- Files that load ---- */

static void
test_empty (void)
{
  g_test_summary ("An empty file, or one of only blanks and comments, is valid and adds nothing.");
  static const char *const texts[] = {
    "", "\n\n", "   \t\r\n", "# only a comment", "# a comment\n# and another\n", "/* a C comment */",
    "/* spanning\n   lines */\n# then this\n",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (CraftRegistry) reg = craft_registry_new ();
      load_ok (reg, texts[i]);
      g_assert_cmpuint (craft_registry_get_n_layers (reg), ==, 0);
      g_assert_cmpuint (reg->bindings->len, ==, 0);
      g_assert_cmpuint (reg->enums->len, ==, 0);
    }
  /* An empty text with an explicit length of 0, not NUL-terminated. */
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_registry_load_data (reg, ORIGIN, "layer", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (craft_registry_get_n_layers (reg), ==, 0);
}

static void
test_comments (void)
{
  g_test_summary ("'#' comments run to the end of the line and C comments anywhere between tokens; "
                  "CRLF line ends and tabs are blanks.");
  g_autoptr (CraftRegistry) reg = registry_from ("# A header comment.\r\n"
                                                 "layer /* between */ C # after the name\r\n"
                                                 "{\r\n"
                                                 "\ta:/**/u8 = 1 # a trailing comment; b: u8;\r\n"
                                                 "\t;b: u8 \"not # a comment\" = /* x */ 2;\r\n"
                                                 "}\r\n");
  const CraftLayerDef *l = layer (reg, "C");
  g_assert_cmpuint (craft_layer_def_get_n_fields (l), ==, 2);
  g_assert_cmpstr (craft_field_def_get_name (craft_layer_def_get_field (l, 0)), ==, "a");
  g_assert_cmpstr (craft_field_def_get_description (field (l, "b")), ==, "not # a comment");
  g_assert_cmpuint (field (l, "b")->default_num, ==, 2);
  g_assert_cmpstr (craft_field_def_get_default_text (field (l, "b")), ==, "2");
}

static void
test_integer_widths (void)
{
  g_test_summary ("Every width u1…u64 and s1…s64 compiles to an integer field of that many bits, packed at bit "
                  "level, and builds.");
  GString *text = g_string_new ("layer W {\n");
  for (guint bits = 1; bits <= 64; bits++)
    g_string_append_printf (text, "  u%u: u%u;\n  s%u: s%u;\n", bits, bits, bits, bits);
  g_string_append (text, "}\n");
  g_autoptr (CraftRegistry) reg = registry_from (text->str);
  g_string_free (text, TRUE);
  const CraftLayerDef *l = layer (reg, "W");
  g_assert_cmpuint (craft_layer_def_get_n_fields (l), ==, 128);
  for (guint bits = 1; bits <= 64; bits++)
    {
      const CraftFieldDef *u = craft_layer_def_get_field (l, 2 * (bits - 1));
      const CraftFieldDef *s = craft_layer_def_get_field (l, 2 * (bits - 1) + 1);
      g_assert_cmpstr (craft_field_def_get_kind_name (u), ==, "uint");
      g_assert_cmpstr (craft_field_def_get_kind_name (s), ==, "int");
      g_assert_cmpuint (craft_field_def_get_bits (u), ==, bits);
      g_assert_cmpuint (craft_field_def_get_bits (s), ==, bits);
      g_assert_false (u->little_endian);
      g_assert_false (u->hex);
      g_assert_cmpint (u->size_mode, ==, CRAFT_SIZE_FIXED);
      g_assert_cmpint (u->default_mode, ==, CRAFT_DEFAULT_NONE);
      g_assert_cmpstr (craft_field_def_get_default_text (u), ==, "");
    }
  /* 2 × (1 + 2 + … + 64) bits = 4160 bits = 520 zero bytes. */
  g_autoptr (GBytes) bytes = build (reg, "W()");
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 520);
}

static void
test_integer_modifiers (void)
{
  g_test_summary ("'le' makes whole-byte integers little-endian, 'hex' is a display hint, signed defaults "
                  "may be negative.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer LE {\n"
                                                 "  a: u16 le hex = 0x1234;\n"
                                                 "  b: u24 le = 0x0a0b0c;\n"
                                                 "  c: u32 hex le = 0x01020304;\n"
                                                 "  d: s8 = -2;\n"
                                                 "  e: s64 le = -1;\n"
                                                 "  f: u64 = 0xffffffffffffffff;\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "LE");
  g_assert_true (field (l, "a")->little_endian);
  g_assert_true (field (l, "a")->hex);
  g_assert_true (field (l, "b")->little_endian);
  g_assert_false (field (l, "b")->hex);
  g_assert_true (field (l, "c")->little_endian && field (l, "c")->hex);
  g_assert_false (field (l, "d")->little_endian);
  g_assert_cmpuint (field (l, "d")->default_num, ==, (guint64) -2);
  g_assert_cmpstr (craft_field_def_get_default_text (field (l, "d")), ==, "-2");
  g_assert_cmpuint (field (l, "f")->default_num, ==, G_MAXUINT64);
  g_autoptr (GBytes) bytes = build (reg, "LE()");
  assert_bytes_hex (bytes, "3412" "0c0b0a" "04030201" "fe" "ffffffffffffffff" "ffffffffffffffff");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "LE", g_bytes_get_data (bytes, NULL),
                                                           g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  assert_uint (p, 0, "a", 0x1234);
  assert_uint (p, 0, "c", 0x01020304);
  g_autofree char *a = craft_packet_format_field (p, 0, "a", &error);
  g_assert_cmpstr (a, ==, "0x1234");
}

static void
test_addresses (void)
{
  g_test_summary ("mac, ipv4 and ipv6 are fixed-size address kinds whose defaults are written as text.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer A {\n"
                                                 "  m: mac = \"00:11:22:33:44:55\";\n"
                                                 "  v4: ipv4 = \"192.0.2.1\";\n"
                                                 "  v6: ipv6 = \"2001:db8::1\";\n"
                                                 "  none: ipv4;\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "A");
  static const struct { const char *name, *kind; guint bits; gsize size; } want[] = {
    { "m", "mac", 48, 6 }, { "v4", "ipv4", 32, 4 }, { "v6", "ipv6", 128, 16 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    {
      const CraftFieldDef *f = field (l, want[i].name);
      g_assert_cmpstr (craft_field_def_get_kind_name (f), ==, want[i].kind);
      g_assert_cmpuint (craft_field_def_get_bits (f), ==, want[i].bits);
      g_assert_cmpint (f->default_mode, ==, CRAFT_DEFAULT_CONST);
      g_assert_cmpuint (g_bytes_get_size (f->default_bytes), ==, want[i].size);
    }
  g_assert_cmpint (field (l, "none")->default_mode, ==, CRAFT_DEFAULT_NONE);
  g_assert_cmpstr (craft_field_def_get_default_text (field (l, "v4")), ==, "\"192.0.2.1\"");
  g_autoptr (GBytes) bytes = build (reg, "A()");
  assert_bytes_hex (bytes, "001122334455" "c0000201" "20010db8000000000000000000000001" "00000000");
}

static void
test_bytes (void)
{
  g_test_summary ("bytes(N) is fixed, bytes(expr) is sized by earlier fields, bare bytes runs to the end; "
                  "align pads a variable string.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer B {\n"
                                                 "  fixed: bytes(4) = \"ab\";\n"
                                                 "  n: u8 = len(sized);\n"
                                                 "  sized: bytes(n * 2 - 1) align 4 = \"xyz\";\n"
                                                 "  rest: bytes;\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "B");
  const CraftFieldDef *fixed = field (l, "fixed"), *sized = field (l, "sized"), *rest = field (l, "rest");
  g_assert_cmpstr (craft_field_def_get_kind_name (fixed), ==, "bytes");
  g_assert_cmpint (fixed->size_mode, ==, CRAFT_SIZE_FIXED);
  g_assert_cmpuint (craft_field_def_get_bits (fixed), ==, 32);
  g_assert_null (fixed->size_calc);
  g_assert_cmpint (sized->size_mode, ==, CRAFT_SIZE_EXPR);
  g_assert_cmpuint (craft_field_def_get_bits (sized), ==, 0);
  assert_calc (sized->size_calc, l, "((n * 2) - 1)");
  g_assert_cmpuint (sized->align, ==, 4);
  g_assert_cmpint (rest->size_mode, ==, CRAFT_SIZE_REST);
  g_assert_cmpuint (rest->align, ==, 0);
  g_assert_cmpuint (craft_field_def_get_bits (rest), ==, 0);
  assert_calc (field (l, "n")->default_calc, l, "len(sized)");
}

static void
test_enums (void)
{
  g_test_summary ("Enumerations: top-level with identifier and string names, inline, by field, shared and "
                  "replaced by a later file.");
  g_autoptr (CraftRegistry) reg = registry_from ("enum color { red = 1, \"light blue\" = 0x10, dark_red = -1, }\n"
                                                 "enum empty { }\n"
                                                 "enum codes_a { \"a-one\" = 1 }\n"
                                                 "enum codes_b { b_one = 1, b_two = 2 }\n"
                                                 "layer E {\n"
                                                 "  c: u8 enum color = \"light blue\";\n"
                                                 "  d: u16 enum { up = 1, \"down\" = 2 } = \"down\";\n"
                                                 "  sel: u8 enum { a = 0, b = 1 } = 1;\n"
                                                 "  code: u8 enum by sel { 0: codes_a, 1: codes_b, } = \"b_two\";\n"
                                                 "  s: s8 enum color = dark_red_is_not_a_default_name_here;\n"
                                                 "  dark_red_is_not_a_default_name_here: u8;\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "E");
  const CraftEnum *color = craft__registry_lookup_enum (reg, "color");
  g_assert_nonnull (color);
  g_assert_cmpuint (color->values->len, ==, 3);
  g_assert_cmpstr (craft__enum_lookup_value (color, 1)->name, ==, "red");
  g_assert_cmpstr (craft__enum_lookup_value (color, 16)->name, ==, "light blue");
  g_assert_cmpuint (craft__enum_lookup_name (color, "dark_red")->value, ==, G_MAXUINT64);
  g_assert_cmpuint (craft__registry_lookup_enum (reg, "empty")->values->len, ==, 0);
  g_assert_true (field (l, "c")->enumeration == color);
  g_assert_cmpuint (field (l, "c")->default_num, ==, 16);
  const CraftEnum *inline_enum = field (l, "d")->enumeration;
  g_assert_nonnull (inline_enum);
  g_assert_cmpuint (craft__enum_lookup_name (inline_enum, "down")->value, ==, 2);
  g_assert_cmpuint (field (l, "d")->default_num, ==, 2);
  /* Inline enums get names no definition can write, so they never collide. */
  g_assert_cmpstr (field (l, "d")->enumeration->name, ==, "E.d#0");
  g_assert_cmpstr (field (l, "sel")->enumeration->name, ==, "E.sel#1");
  const CraftFieldDef *code = field (l, "code");
  g_assert_null (code->enumeration);
  g_assert_cmpint (code->enum_selector, ==, craft__layer_def_field_index (l, "sel"));
  g_assert_cmpuint (code->enum_choices->len, ==, 2);
  g_assert_cmpuint (g_array_index (code->enum_choices, CraftEnumChoice, 0).value, ==, 0);
  g_assert_true (g_array_index (code->enum_choices, CraftEnumChoice, 0).enumeration
                 == craft__registry_lookup_enum (reg, "codes_a"));
  g_assert_true (g_array_index (code->enum_choices, CraftEnumChoice, 1).enumeration
                 == craft__registry_lookup_enum (reg, "codes_b"));
  g_assert_cmpuint (code->default_num, ==, 2);
  /* An identifier after '=' is an expression (a field), not an enum name. */
  g_assert_cmpint (field (l, "s")->default_mode, ==, CRAFT_DEFAULT_COMPUTED);

  /* Formatting uses the names, the one chosen by the selector for `code`. */
  g_autoptr (GBytes) bytes = build (reg, "E(c=1)");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "E", g_bytes_get_data (bytes, NULL),
                                                           g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_autofree char *c = craft_packet_format_field (p, 0, "c", &error);
  g_autofree char *d = craft_packet_format_field (p, 0, "d", &error);
  g_autofree char *cd = craft_packet_format_field (p, 0, "code", &error);
  g_assert_cmpstr (c, ==, "red");
  g_assert_cmpstr (d, ==, "down");
  g_assert_cmpstr (cd, ==, "b_two");

  /* A later file may define an enum of the same name: new fields use it, old ones keep theirs. */
  load_ok (reg, "enum color { green = 2 }\nlayer E2 { c: u8 enum color; }\n");
  g_assert_true (field (layer (reg, "E2"), "c")->enumeration != color);
  g_assert_true (field (l, "c")->enumeration == color);
  g_assert_nonnull (craft__enum_lookup_name (field (layer (reg, "E2"), "c")->enumeration, "green"));
}

static void
test_flags (void)
{
  g_test_summary ("Flag sets: names of bit 0 up, one-character names read as \"SA\", longer ones as "
                  "\"a+b\"; as many names as bits.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer F {\n"
                                                 "  short: u3 flags { F, S, R } = \"SR\";\n"
                                                 "  long: u3 flags { ack, \"urgent\", more, } = \"ack+more\";\n"
                                                 "  none: u2 flags { } = 0;\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "F");
  const CraftFieldDef *s = field (l, "short"), *lg = field (l, "long");
  g_assert_cmpuint (s->flag_names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (s->flag_names, 1), ==, "S");
  g_assert_true (s->single_char_flags);
  g_assert_cmpuint (s->default_num, ==, 6);
  g_assert_false (lg->single_char_flags);
  g_assert_cmpstr (g_ptr_array_index (lg->flag_names, 1), ==, "urgent");
  g_assert_cmpuint (lg->default_num, ==, 5);
  g_assert_cmpuint (field (l, "none")->flag_names->len, ==, 0);
  g_autoptr (GBytes) bytes = build (reg, "F()");
  assert_bytes_hex (bytes, "d4"); /* 110 101 00 */
}

static void
test_conditions (void)
{
  g_test_summary ("'if' makes a field conditional on earlier fields; conditional fields may share a name.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer K {\n"
                                                 "  type: u8 = 1;\n"
                                                 "  x: u16 if type == 1;\n"
                                                 "  x: u32 if type in { 2, 3 };\n"
                                                 "  y: u8 if !is_set(x) && type != 9;\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "K");
  g_assert_cmpuint (craft_layer_def_get_n_fields (l), ==, 4);
  assert_calc (craft_layer_def_get_field (l, 1)->condition, l, "(type == 1)");
  assert_calc (craft_layer_def_get_field (l, 2)->condition, l, "(type in {2, 3})");
  assert_calc (field (l, "y")->condition, l, "(!is_set(x) && (type != 9))");
  g_assert_null (field (l, "type")->condition);
  g_autoptr (GBytes) one = build (reg, "K()");
  assert_bytes_hex (one, "01" "0000" "00");
  g_autoptr (GBytes) three = build (reg, "K(type=3)");
  assert_bytes_hex (three, "03" "00000000" "00");
}

static void
test_defaults (void)
{
  g_test_summary ("Defaults: numbers, negative numbers, names and flags as strings, address text, computed "
                  "expressions (filled by the builder, marked deferred or host-dependent), and their text.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer D {\n"
                                                 "  hl: u8 = len(header) / 4;\n"
                                                 "  n: u8 = 0x2a;\n"
                                                 "  text: u8 = \"42\";\n"
                                                 "  s: s16 = -300;\n"
                                                 "  ck: u16 = inet_checksum(header);\n"
                                                 "  crc: u32 = crc32(header, payload);\n"
                                                 "  ms: u32 = clock_ms();\n"
                                                 "  dst: ipv4 = \"198.51.100.7\";\n"
                                                 "  src: ipv4 = source_ip(dst);\n"
                                                 "  mac: mac = source_mac();\n"
                                                 "  plain: u8;\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "D");
  const CraftFieldDef *hl = field (l, "hl");
  g_assert_cmpint (hl->default_mode, ==, CRAFT_DEFAULT_COMPUTED);
  assert_calc (hl->default_calc, l, "(len(header) / 4)");
  g_assert_false (hl->deferred);
  g_assert_true (hl->derived);
  g_assert_cmpstr (craft_field_def_get_default_text (hl), ==, "len(header) / 4");
  g_assert_cmpint (field (l, "n")->default_mode, ==, CRAFT_DEFAULT_CONST);
  g_assert_cmpuint (field (l, "n")->default_num, ==, 42);
  g_assert_cmpstr (craft_field_def_get_default_text (field (l, "n")), ==, "0x2a");
  g_assert_cmpuint (field (l, "text")->default_num, ==, 42);
  g_assert_cmpuint (field (l, "s")->default_num, ==, (guint64) -300);
  g_assert_true (field (l, "ck")->deferred);
  g_assert_true (field (l, "ck")->derived);
  assert_calc (field (l, "crc")->default_calc, l, "crc32(header, payload)");
  g_assert_true (field (l, "crc")->deferred);
  g_assert_false (field (l, "ms")->deferred);
  g_assert_false (field (l, "ms")->derived);
  assert_calc (field (l, "src")->default_calc, l, "source_ip(dst)");
  g_assert_false (field (l, "src")->derived);
  assert_calc (field (l, "mac")->default_calc, l, "source_mac()");
  g_assert_cmpstr (craft_field_def_get_default_text (field (l, "mac")), ==, "source_mac()");
  g_assert_cmpint (field (l, "plain")->default_mode, ==, CRAFT_DEFAULT_NONE);
  g_assert_cmpstr (craft_field_def_get_default_text (field (l, "plain")), ==, "");
}

static void
test_expressions (void)
{
  g_test_summary ("The expression grammar: C precedence and associativity, '?:' and 'a ?: b', 'in' sets, "
                  "unary operators and every function.");
  static const struct { const char *text, *tree; } cases[] = {
    { "a + b * c", "(a + (b * c))" },
    { "(a + b) * c", "((a + b) * c)" },
    { "a - b - c", "((a - b) - c)" },
    { "a / 2 % 3", "((a / 2) % 3)" },
    { "a << 2 | b & 1 ^ c", "((a << 2) | ((b & 1) ^ c))" },
    { "a == 1 && b != 2 || c < 3", "(((a == 1) && (b != 2)) || (c < 3))" },
    { "a <= b == b >= c", "((a <= b) == (b >= c))" },
    { "a > b >> 1", "(a > (b >> 1))" },
    { "a<b", "(a < b)" },
    { "a<<b", "(a << b)" },
    { "a||b|c&&a&b", "(a || ((b | c) && (a & b)))" },
    { "a ?: 5", "(a ?: 5)" },
    { "a ? b : c ? 1 : 2", "(a ? b : (c ? 1 : 2))" },
    { "a + 1 ? b : c", "((a + 1) ? b : c)" },
    { "a in { 1, 2, 3, }", "(a in {1, 2, 3})" },
    { "!(a in {1}) || b in {c + 1}", "(!(a in {1}) || (b in {(c + 1)}))" },
    { "-a % 3", "(-a % 3)" },
    { "- -a", "--a" },
    { "max(a, b) - min(1, c)", "(max(a, b) - min(1, c))" },
    { "len(header) + len(layer) + len(payload) + len(b)", "(((len(header) + len(layer)) + len(payload)) + len(b))" },
    { "inet_checksum(pseudo, layer)", "inet_checksum(pseudo, layer)" },
    { "inet_checksum(a, b)", "inet_checksum(a, b)" },
    { "crc32(header)", "crc32(header)" },
    { "bound(a) + is_set(b) + clock_ms()", "((bound(a) + is_set(b)) + clock_ms())" },
    { "0x10 * 0", "(16 * 0)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("layer X { a: u8; b: u8; c: u16; x: u32 = %s; }", cases[i].text);
      g_autoptr (CraftRegistry) reg = registry_from (text);
      const CraftLayerDef *l = layer (reg, "X");
      assert_calc (field (l, "x")->default_calc, l, cases[i].tree);
      g_assert_cmpstr (craft_field_def_get_default_text (field (l, "x")), ==, cases[i].text);
    }
}

static void
test_descriptions (void)
{
  g_test_summary ("A layer's title defaults to its name and its description to its title; fields carry "
                  "descriptions; strings keep their escapes' meaning.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer Bare { a: u8; }\n"
                                                 "layer Titled \"The Title\" { a: u8 \"first\" \"second wins\"; }\n"
                                                 "layer Described \"T\" {\n"
                                                 "  a: u8 \"say \\\"hi\\\"\\tnow\";\n"
                                                 "  description \"A longer text — with UTF-8\";\n"
                                                 "}\n");
  const CraftLayerDef *bare = layer (reg, "Bare"), *titled = layer (reg, "Titled"), *d = layer (reg, "Described");
  g_assert_cmpstr (craft_layer_def_get_name (bare), ==, "Bare");
  g_assert_cmpstr (craft_layer_def_get_title (bare), ==, "Bare");
  g_assert_cmpstr (craft_layer_def_get_description (bare), ==, "Bare");
  g_assert_cmpstr (craft_field_def_get_description (field (bare, "a")), ==, "");
  g_assert_cmpstr (craft_layer_def_get_title (titled), ==, "The Title");
  g_assert_cmpstr (craft_layer_def_get_description (titled), ==, "The Title");
  g_assert_cmpstr (craft_field_def_get_description (field (titled, "a")), ==, "second wins");
  g_assert_cmpstr (craft_layer_def_get_description (d), ==, "A longer text — with UTF-8");
  g_assert_cmpstr (craft_field_def_get_description (field (d, "a")), ==, "say \"hi\"\tnow");
  g_assert_cmpstr (d->file, ==, ORIGIN);
}

static void
test_statements (void)
{
  g_test_summary ("Layer statements: length with and without a condition, pseudo, route, summary with and "
                  "without a condition, fallback, trailer and stream, in any order relative to the fields.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer S {\n"
                                                 "  summary if kind == 1 \"S {dst} kind {kind} {lower.src}\";\n"
                                                 "  summary \"S plain\";\n"
                                                 "  route dst;\n"
                                                 "  kind: u8 = 1;\n"
                                                 "  total: u16 = len(layer);\n"
                                                 "  src: ipv4;\n"
                                                 "  dst: ipv4 = \"192.0.2.9\";\n"
                                                 "  length = total - 0;\n"
                                                 "  pseudo src, dst, u8(0), u8(bound(kind)), u16(len(payload)), u32(7);\n"
                                                 "}\n"
                                                 "layer Opaque { load: bytes; fallback; }\n"
                                                 "layer Pad { load: bytes; trailer; }\n"
                                                 "layer U { a: ipv4; pseudo a, u32(len(upper)), u8(bound(upper)); }\n"
                                                 "layer R { n: u8; addrs: bytes; last: ipv4;\n"
                                                 "  pseudo a = tail(addrs) if n != 0; pseudo b = last;\n"
                                                 "  pseudo a = head(addrs) if n == 0; }\n"
                                                 "layer M { stream; n: u16 if lower_is(S); length = n + 2 if lower_is(S); }\n");
  const CraftLayerDef *s = layer (reg, "S");
  g_assert_cmpint (s->route_field, ==, craft__layer_def_field_index (s, "dst"));
  assert_calc (s->length, s, "(total - 0)");
  g_assert_null (s->length_if);
  g_assert_false (s->stream);
  const CraftLayerDef *m = layer (reg, "M");
  assert_calc (m->length, m, "(n + 2)");
  assert_calc (m->length_if, m, "lower_is(S)");
  g_assert_true (m->stream);
  g_assert_cmpuint (s->summaries->len, ==, 2);
  const CraftSummary *first = &g_array_index (s->summaries, CraftSummary, 0);
  assert_calc (first->condition, s, "(kind == 1)");
  g_assert_cmpstr (first->format, ==, "S {dst} kind {kind} {lower.src}");
  g_assert_null (g_array_index (s->summaries, CraftSummary, 1).condition);
  g_assert_nonnull (s->pseudo);
  g_assert_cmpuint (s->pseudo->len, ==, 6);
  const CraftPseudoItem *items = (const CraftPseudoItem *) s->pseudo->data;
  g_assert_cmpint (items[0].field, ==, craft__layer_def_field_index (s, "src"));
  g_assert_cmpint (items[1].field, ==, craft__layer_def_field_index (s, "dst"));
  g_assert_cmpint (items[2].field, ==, -1);
  g_assert_cmpuint (items[2].bits, ==, 8);
  assert_calc (items[2].calc, s, "0");
  assert_calc (items[3].calc, s, "bound(kind)");
  g_assert_cmpuint (items[4].bits, ==, 16);
  assert_calc (items[4].calc, s, "len(payload)");
  g_assert_cmpuint (items[5].bits, ==, 32);
  g_assert_false (s->fallback);
  g_assert_false (s->trailer);
  g_assert_true (layer (reg, "Opaque")->fallback);
  g_assert_true (reg->fallback == layer (reg, "Opaque"));
  g_assert_true (layer (reg, "Pad")->trailer);
  g_assert_true (reg->trailer == layer (reg, "Pad"));
  g_assert_null (layer (reg, "Opaque")->pseudo);
  g_assert_cmpint (layer (reg, "Opaque")->route_field, ==, -1);

  /* `upper`, in a pseudo-header: the layer the checksum is for. */
  const CraftLayerDef *u = layer (reg, "U");
  const CraftPseudoItem *uitems = (const CraftPseudoItem *) u->pseudo->data;
  assert_calc (uitems[1].calc, u, "len(upper)");
  assert_calc (uitems[2].calc, u, "bound(upper)");
  g_assert_null (u->pseudo_overrides);
  /* Replacements of another layer's pseudo-header items. */
  const CraftLayerDef *r = layer (reg, "R");
  g_assert_null (r->pseudo);
  g_assert_nonnull (r->pseudo_overrides);
  g_assert_cmpuint (r->pseudo_overrides->len, ==, 3);
  const CraftPseudoOverride *o = (const CraftPseudoOverride *) r->pseudo_overrides->data;
  g_assert_cmpstr (o[0].item, ==, "a");
  g_assert_true (o[0].tail);
  assert_calc (o[0].field, r, "addrs");
  assert_calc (o[0].condition, r, "(n != 0)");
  g_assert_cmpstr (o[1].item, ==, "b");
  g_assert_false (o[1].tail);
  g_assert_false (o[1].head);
  assert_calc (o[1].field, r, "last");
  g_assert_null (o[1].condition);
  g_assert_cmpstr (o[2].item, ==, "a");
  g_assert_true (o[2].head);
  g_assert_false (o[2].tail);
  assert_calc (o[2].field, r, "addrs");
  assert_calc (o[2].condition, r, "(n == 0)");
}

static void
test_keyword_names (void)
{
  g_test_summary ("A name followed by ':' is a field even when it spells a statement or modifier keyword; "
                  "without ':' it is a statement.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer N {\n"
                                                 "  length: u16 = len(layer);\n"
                                                 "  summary: u8 hex = 1;\n"
                                                 "  description: u8 \"a field named description\";\n"
                                                 "  route: ipv4;\n"
                                                 "  le: u8; hex: u8; if: u8 if le == 1; enum: u8 enum { x = 1 };\n"
                                                 "  in: u8 = in + 1;\n"
                                                 "  length = length;\n"
                                                 "  summary \"{summary} {description}\";\n"
                                                 "  description \"layer text\";\n"
                                                 "  route route;\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "N");
  g_assert_cmpuint (craft_layer_def_get_n_fields (l), ==, 9);
  static const char *const names[] = { "length", "summary", "description", "route", "le", "hex", "if", "enum", "in" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (craft_field_def_get_name (craft_layer_def_get_field (l, i)), ==, names[i]);
  assert_calc (l->length, l, "length");
  g_assert_cmpstr (craft_layer_def_get_description (l), ==, "layer text");
  g_assert_cmpint (l->route_field, ==, 3);
  g_assert_true (field (l, "summary")->hex);
  assert_calc (field (l, "if")->condition, l, "(le == 1)");
  assert_calc (field (l, "in")->default_calc, l, "(in + 1)");
}

static void
test_bindings (void)
{
  g_test_summary ("'bind L.f == v -> U' (optionally 'for dissect') and 'bind linktype N -> U' compile to "
                  "resolved rows; the bound field is marked; a later binding takes precedence.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  guint before = reg->bindings->len;
  load_ok (reg, "layer Lo { proto: u8 = 0; }\n"
                "layer Up { v: u8; }\n"
                "bind Lo.proto == 0x11 -> Up;\n"
                "  bind Lo.proto == 0x12 -> Up for dissect;\n"
                "bind linktype 147 -> Lo;\n");
  g_assert_cmpuint (reg->bindings->len, ==, before + 3);
  /* Newest first, the file's own in their order. */
  const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, 0);
  g_assert_cmpstr (b->lower_name, ==, "Lo");
  g_assert_cmpstr (b->field_name, ==, "proto");
  g_assert_cmpstr (b->upper_name, ==, "Up");
  g_assert_cmpuint (b->value, ==, 0x11);
  g_assert_false (b->dissect_only);
  g_assert_cmpstr (b->file, ==, ORIGIN);
  g_assert_cmpuint (b->line, ==, 3);
  g_assert_cmpuint (b->column, ==, 6);
  g_assert_true (b->lower == layer (reg, "Lo"));
  g_assert_true (b->upper == layer (reg, "Up"));
  g_assert_cmpint (b->field, ==, 0);
  b = &g_array_index (reg->bindings, CraftBinding, 1);
  g_assert_true (b->dissect_only);
  g_assert_cmpuint (b->value, ==, 0x12);
  g_assert_cmpuint (b->line, ==, 4);
  g_assert_cmpuint (b->column, ==, 8);
  b = &g_array_index (reg->bindings, CraftBinding, 2);
  g_assert_null (b->lower_name);
  g_assert_null (b->lower);
  g_assert_cmpuint (b->value, ==, 147);
  g_assert_true (field (layer (reg, "Lo"), "proto")->bound);
  g_assert_false (field (layer (reg, "Up"), "v")->bound);
  g_assert_true (craft_registry_lookup_linktype (reg, 147) == layer (reg, "Lo"));
  g_assert_true (craft_registry_lookup_linktype (reg, 1) == layer (reg, "Ether"));
  g_assert_null (craft_registry_lookup_linktype (reg, 4242));

  /* Building sets the lower field from the binding; dissecting follows both rows. */
  g_autoptr (GBytes) bytes = build (reg, "Lo()/Up(v=5)");
  assert_bytes_hex (bytes, "1105");
  static const guint8 dissect_only[] = { 0x12, 0x07 };
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "Lo", dissect_only, sizeof dissect_only, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 2);
  g_assert_true (craft_packet_get_layer (p, 1) == layer (reg, "Up"));

  /* A later file's binding for the same value wins for dissecting and for the link type. */
  load_ok (reg, "layer Other { w: u8; }\nbind Lo.proto == 0x12 -> Other;\nbind linktype 147 -> Other;\n");
  g_autoptr (CraftPacket) q = craft_packet_new_from_bytes (reg, "Lo", dissect_only, sizeof dissect_only, &error);
  g_assert_no_error (error);
  g_assert_true (craft_packet_get_layer (q, 1) == layer (reg, "Other"));
  g_assert_true (craft_registry_lookup_linktype (reg, 147) == layer (reg, "Other"));
}

static void
test_later_binding_wins (void)
{
  g_test_summary ("A user's binding for a value a built-in binding already claims takes over dissection, "
                  "while building the built-in pair still sets the value.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  load_ok (reg, "layer MyUDP { sport: u16; dport: u16; }\nbind IP.proto == 17 -> MyUDP for dissect;\n");
  g_autoptr (GBytes) bytes = build (reg, "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP(sport=1, dport=2, chksum=0)");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "IP", g_bytes_get_data (bytes, NULL),
                                                           g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  assert_uint (p, 0, "proto", 17);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (p, 1)), ==, "MyUDP");
  assert_uint (p, 1, "dport", 2);
}

/* ---- A protocol invented here, round trip ---- */

/* Gizmo, over UDP port 9999. The first byte packs a 3-bit version and a
 * 5-bit kind; flags use multi-character names; len counts the layer and what
 * it carries; chksum is the Internet checksum of the same; seq exists only in
 * data messages; a note is sized by the byte before it. */
static const char gizmo_pdl[] = "# Gizmo: a protocol invented for the tests.\n"
                                "enum gizmo_kind { hello = 1, data = 2, \"good-bye\" = 3 }\n"
                                "\n"
                                "layer Gizmo \"Gizmo test protocol\" {\n"
                                "    version:  u3 \"Protocol version\" = 2;\n"
                                "    kind:     u5 enum gizmo_kind \"Message kind\" = \"hello\";\n"
                                "    flags:    u8 flags { ack, urgent, more } \"Flags\" = \"ack+more\";\n"
                                "    len:      u16 \"Bytes of header and payload\" = len(layer);\n"
                                "    chksum:   u16 hex \"Internet checksum of the message\" = inet_checksum(layer);\n"
                                "    seq:      u32 if kind == 2 \"Sequence number, data messages only\" = 7;\n"
                                "    note_len: u8 \"Length of the note\" = len(note);\n"
                                "    note:     bytes(note_len) \"A note\";\n"
                                "\n"
                                "    description \"A protocol invented for the tests\";\n"
                                "    length = len;\n"
                                "    summary \"Gizmo {kind} {flags}\";\n"
                                "}\n"
                                "\n"
                                "bind UDP.dport == 9999 -> Gizmo;\n";

static void
test_roundtrip (void)
{
  g_test_summary ("A protocol written in a test string loads, builds the bytes worked out by hand, and "
                  "dissects back to the same values.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  load_ok (reg, gizmo_pdl);
  g_autoptr (GError) error = NULL;

  /* Gizmo: version 2, kind data (2): 010 00010 = 0x42; flags ack+more = 0x05;
   * len = 13 header bytes + 3 payload = 0x0010; seq 7; note_len 2; "hi"; then "xyz".
   * Checksum: 0x4205 + 0x0010 + 0x0000 + 0x0007 + 0x0268 + 0x6978 + 0x797a = 0x12776,
   * folded 0x2777, complemented 0xd888. UDP: sport 1234, dport 9999 from the
   * binding, len 8 + 16 = 24, checksum given as 0x1234 (a user's value wins). */
  const char *data_hex = "04d2270f00181234" "42050010d888" "00000007" "02" "6869" "78797a";
  g_autoptr (CraftPacket) built
    = craft_packet_new_from_expression (reg, "UDP(sport=1234, chksum=0x1234)/Gizmo(kind=\"data\", note=\"hi\")/\"xyz\"",
                                        &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (built, &error);
  g_assert_no_error (error);
  assert_bytes_hex (bytes, data_hex);

  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "UDP", g_bytes_get_data (bytes, NULL),
                                                           g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 3);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (p, 1)), ==, "Gizmo");
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (p, 2)), ==, "Raw");
  assert_uint (p, 0, "dport", 9999);
  assert_uint (p, 1, "version", 2);
  assert_uint (p, 1, "kind", 2);
  assert_uint (p, 1, "flags", 5);
  assert_uint (p, 1, "len", 16);
  assert_uint (p, 1, "chksum", 0xd888);
  assert_uint (p, 1, "seq", 7);
  assert_uint (p, 1, "note_len", 2);
  g_autoptr (GBytes) note = craft_packet_get_bytes (p, 1, "note", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (note, NULL), g_bytes_get_size (note), "hi", 2);
  g_autoptr (GBytes) load = craft_packet_get_bytes (p, 2, "load", &error);
  g_assert_cmpmem (g_bytes_get_data (load, NULL), g_bytes_get_size (load), "xyz", 3);
  g_autofree char *kind = craft_packet_format_field (p, 1, "kind", &error);
  g_autofree char *flags = craft_packet_format_field (p, 1, "flags", &error);
  g_assert_cmpstr (kind, ==, "data");
  g_assert_cmpstr (flags, ==, "ack+more");
  g_autofree char *summary = craft_packet_summary (p);
  g_assert_nonnull (strstr (summary, "Gizmo data ack+more"));

  /* Dissected from Gizmo on, every computed field checks out. */
  g_autoptr (CraftPacket) g = craft_packet_new_from_bytes (reg, "Gizmo", (const guint8 *) g_bytes_get_data (bytes, NULL) + 8,
                                                           g_bytes_get_size (bytes) - 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_verify (g), ==, 0);

  /* Without kind data, seq is absent: 0x41; len 9 + 3 = 0x000c; checksum
   * 0x4105 + 0x000c + 0x0268 + 0x6978 + 0x797a = 0x1266b → 0x266c → 0xd993. */
  g_autoptr (GBytes) hello = build (reg, "Gizmo(note=\"hi\")/\"xyz\"");
  assert_bytes_hex (hello, "4105000cd993026869" "78797a");
  g_autoptr (CraftPacket) h = craft_packet_new_from_bytes (reg, "Gizmo", g_bytes_get_data (hello, NULL),
                                                           g_bytes_get_size (hello), &error);
  g_assert_no_error (error);
  g_assert_false (craft_packet_has_field (h, 0, "seq"));
  g_assert_true (craft_packet_has_field (h, 0, "note"));
  assert_uint (h, 0, "chksum", 0xd993);
  g_assert_cmpuint (craft_packet_verify (h), ==, 0);

  /* A user's value always wins: a deliberately wrong checksum and length. */
  g_autoptr (GBytes) wrong = build (reg, "Gizmo(chksum=0, len=99)");
  assert_bytes_hex (wrong, "41050063" "0000" "00");
}

/* ---- Errors, each at its place ---- */

typedef struct {
  const char *name;
  const char *summary;
  gboolean builtin;  /* load into a registry holding the built-in layers */
  const char *text;
  gssize length;     /* -1: up to the NUL */
  CraftError code;
  guint line, column;
  const char *message;
} ErrorCase;

#define SYNTAX CRAFT_ERROR_SYNTAX
#define DEFINITION CRAFT_ERROR_DEFINITION

/* Columns are counted by hand in the text; the comment shows the place. */
static const ErrorCase error_cases[] = {
  { "unexpected-token", "A token where another is required.", FALSE,
    "layer L { a: u8 = 1 }\n", -1, SYNTAX, 1, 21, "expected ';' after the field, found '}'" },
  { "unexpected-top-level", "Only layer, enum and bind start a definition.", FALSE,
    "\n  42\n", -1, SYNTAX, 2, 3, "expected 'layer', 'enum' or 'bind', found 42" },
  { "unexpected-word", "An unknown word at the top level.", FALSE,
    "layer L { a: u8; }\nlayre M { }\n", -1, SYNTAX, 2, 1, "expected 'layer', 'enum' or 'bind', found 'layre'" },
  { "missing-brace", "A layer opens with '{'.", FALSE,
    "layer L \"T\" a: u8;\n", -1, SYNTAX, 1, 13, "expected '{' to open the layer, found 'a'" },
  { "layer-name", "A layer needs a name.", FALSE,
    "layer { }", -1, SYNTAX, 1, 7, "expected the layer's name, found '{'" },
  { "unknown-type", "A type that is not a kind.", FALSE,
    "layer L {\n  a: float;\n}\n", -1, DEFINITION, 2, 6, "unknown type 'float'" },
  { "unknown-type-kind-name", "Kind names of integers are not types.", FALSE,
    "layer L {\n  a: uint;\n}\n", -1, DEFINITION, 2, 6, "unknown type 'uint'" },
  { "unknown-type-suffix", "Digits then letters are not a width.", FALSE,
    "layer L { a: u7x; }", -1, DEFINITION, 1, 14, "unknown type 'u7x'" },
  { "type-missing", "A field needs a type.", FALSE,
    "layer L { a: ; }", -1, SYNTAX, 1, 14, "expected a type (u8, u16, s32, u4…, mac, ipv4, ipv6, bytes), found ';'" },
  { "width-0", "Integers are at least 1 bit.", FALSE,
    "layer L { a: u0; }", -1, DEFINITION, 1, 14, "integer width must be 1 to 64 bits: 'u0'" },
  { "width-65", "Integers are at most 64 bits.", FALSE,
    "layer L { a: s65; }", -1, DEFINITION, 1, 14, "integer width must be 1 to 64 bits: 's65'" },
  { "width-huge", "A width too large for any integer.", FALSE,
    "layer L { a: u99999999999999999999999; }", -1, DEFINITION, 1, 14, "1 to 64 bits: 'u99999999999999999999999'" },
  { "unknown-enum", "An enum name no file defined.", FALSE,
    "layer L { a: u8 enum nope; }", -1, DEFINITION, 1, 22, "no enum named 'nope' is defined" },
  { "unknown-enum-by", "An enum name in 'enum by'.", FALSE,
    "layer L { t: u8; c: u8 enum by t { 3: nope }; }", -1, DEFINITION, 1, 39, "no enum named 'nope'" },
  { "enum-by-later-field", "'enum by' names an earlier field.", FALSE,
    "layer L { c: u8 enum by t { }; t: u8; }", -1, DEFINITION, 1, 25, "'t' is not a field declared before 'c'" },
  { "enum-by-itself", "'enum by' cannot name its own field.", FALSE,
    "layer L { a: u8 enum by a { }; }", -1, DEFINITION, 1, 25, "'a' is not a field declared before 'a'" },
  { "enum-by-address", "'enum by' needs an integer selector.", FALSE,
    "layer L { m: mac; a: u8 enum by m { }; }", -1, DEFINITION, 1, 33, "can only depend on an integer field" },
  { "enum-on-address", "Only integers have enums.", FALSE,
    "layer L { a: mac enum e; }", -1, DEFINITION, 1, 18, "only integer fields can have an enum" },
  { "enum-twice-on-field", "A field has one enum.", FALSE,
    "enum e { x = 1 }\nlayer L { a: u8 enum e enum e; }", -1, DEFINITION, 2, 24, "at most one enum" },
  { "duplicate-enum-value-name", "A name appears once in an enum.", FALSE,
    "enum e { a = 1, b = 2, a = 3 }", -1, DEFINITION, 1, 24, "name 'a' appears twice in enum 'e'" },
  { "duplicate-inline-enum-name", "A name appears once in an inline enum.", FALSE,
    "layer L {\n  a: u8 enum { \"x y\" = 1, \"x y\" = 2 };\n}", -1, DEFINITION, 2, 27, "name 'x y' appears twice" },
  { "empty-enum-name", "An enum name is not empty.", FALSE,
    "enum e { \"\" = 1 }", -1, DEFINITION, 1, 10, "an enum name cannot be empty" },
  { "duplicate-enum", "An enum is defined once per file.", FALSE,
    "enum e { a = 1 }\nenum e { b = 2 }\n", -1, DEFINITION, 2, 6, "enum 'e' is defined twice in this file" },
  { "enum-value-missing", "An enum name needs '= value'.", FALSE,
    "enum e { a = 1, b }", -1, SYNTAX, 1, 19, "expected '=' after the name, found '}'" },
  { "enum-separator", "Enum entries are separated by ','.", FALSE,
    "enum e { a = 1 b = 2 }", -1, SYNTAX, 1, 16, "expected ',' or '}', found 'b'" },
  { "duplicate-layer", "A layer is defined once per file.", FALSE,
    "layer L { a: u8; }\nlayer L { b: u8; }\n", -1, DEFINITION, 2, 7, "layer 'L' is defined twice in this file" },
  { "duplicate-field", "Two unconditional fields cannot share a name.", FALSE,
    "layer L {\n  a: u8;\n  a: u8;\n}\n", -1, DEFINITION, 3, 3, "layer 'L' has two fields named 'a'" },
  { "duplicate-field-one-conditional", "Sharing a name needs both fields conditional.", FALSE,
    "layer L {\n  t: u8;\n  a: u8 if t == 1;\n  a: u16;\n}\n", -1, DEFINITION, 4, 3, "two fields named 'a'" },
  { "statement-without-colon", "A field name without ':' is read as an unknown statement.", FALSE,
    "layer L {\n  ttl u8 = 64;\n}\n", -1, SYNTAX, 2, 3,
    "expected a field ('name: type') or one of description, length, pseudo, route, summary, guard, wireshark, wireshark_table, wireshark_addresses, answer, "
    "answers, quotes, identity, resolve, element, fallback, trailer, stream, heuristic; found 'ttl'" },
  { "misspelled-statement", "A misspelled statement keyword.", FALSE,
    "layer L {\n  a: u8;\n  lenght = a;\n}\n", -1, SYNTAX, 3, 3, "found 'lenght'" },
  { "statement-with-colon", "A statement keyword with ':' is a field, so its type is checked.", FALSE,
    "layer L {\n  description: \"text\";\n}\n", -1, SYNTAX, 2, 16, "expected a type" },
  { "statement-description-string", "description takes a string.", FALSE,
    "layer L { description 5; }", -1, SYNTAX, 1, 23, "expected the description as a string, found 5" },
  { "statement-length-equals", "length takes '='.", FALSE,
    "layer L { a: u8; length a; }", -1, SYNTAX, 1, 25, "expected '=' after 'length', found 'a'" },
  { "statement-semicolon", "A statement ends with ';'.", FALSE,
    "layer L { fallback }", -1, SYNTAX, 1, 20, "expected ';' at the end of the statement, found '}'" },
  { "unknown-function", "A function that does not exist.", FALSE,
    "layer L { a: u8 = foo(1); }", -1, DEFINITION, 1, 19, "unknown function 'foo'" },
  { "function-close", "A function's arguments end with ')'.", FALSE,
    "layer L { a: u8 = max(1, 2; }", -1, SYNTAX, 1, 27, "expected ')' to close the function's arguments, found ';'" },
  { "span-pseudo", "len() cannot measure the pseudo-header.", FALSE,
    "layer L { a: u8 = len(pseudo); }", -1, DEFINITION, 1, 23, "len() cannot measure the pseudo-header" },
  { "span-number", "len() takes a span, not a number.", FALSE,
    "layer L { a: u8 = len(3); }", -1, SYNTAX, 1, 23, "expected header, layer, payload or a field name, found 3" },
  { "span-unknown-field", "len() of a name that is not a field.", FALSE,
    "layer L { a: u8 = len(zz); }", -1, DEFINITION, 1, 23, "'zz' is not a field of layer 'L'" },
  { "checksum-span", "Checksum coverage is a list of spans.", FALSE,
    "layer L { a: u16 = inet_checksum(header, 2); }", -1, SYNTAX, 1, 42,
    "expected header, layer, payload, pseudo or a field name, found 2" },
  { "size-uses-layer-length", "A size cannot depend on the layer's extent.", FALSE,
    "layer L { n: u8; b: bytes(len(layer) - 1); }", -1, DEFINITION, 1, 27,
    "a size is evaluated while the fields are read, before the layer's extent is known: it cannot use len(layer)" },
  { "condition-uses-checksum", "A condition cannot depend on the layer's bytes.", FALSE,
    "layer L { n: u8; b: u8 if crc32(header) == 0; }", -1, DEFINITION, 1, 27, "it cannot use crc32()" },
  { "byte-field-not-aligned", "Addresses start on a byte boundary.", FALSE,
    "layer L {\n  a: u4;\n  b: ipv4;\n  c: u4;\n}\n", -1, DEFINITION, 3, 3,
    "field 'b' of layer 'L' starts 4 bits into a byte" },
  { "le-field-not-aligned", "Little-endian integers start on a byte boundary.", FALSE,
    "layer L {\n  a: u4;\n  b: u16 le;\n  c: u4;\n}\n", -1, DEFINITION, 3, 3, "starts 4 bits into a byte" },
  { "header-not-whole-bytes", "A header is a whole number of bytes.", FALSE,
    "layer L {\n  a: u4;\n}\n", -1, DEFINITION, 1, 7, "the fields of layer 'L' end 4 bits into a byte" },
  { "le-odd-width", "'le' needs whole bytes.", FALSE,
    "layer L { a: u12 le; }", -1, DEFINITION, 1, 18, "'le' applies to integers of whole bytes" },
  { "le-on-address", "'le' needs an integer.", FALSE,
    "layer L { a: mac le; }", -1, DEFINITION, 1, 18, "'le' applies to integers" },
  { "flags-on-signed", "Flag sets are unsigned.", FALSE,
    "layer L { a: s8 flags { x }; }", -1, DEFINITION, 1, 17, "only unsigned integer fields can be flag sets" },
  { "flags-on-address", "Flag sets are integers.", FALSE,
    "layer L { a: ipv4 flags { x }; }", -1, DEFINITION, 1, 19, "only unsigned integer fields can be flag sets" },
  { "too-many-flags", "No more flag names than bits.", FALSE,
    "layer L { a: u2 flags { x, y, z }; b: u6; }", -1, DEFINITION, 1, 31, "more flag names than the field's 2 bits" },
  { "duplicate-flag", "A flag name appears once.", FALSE,
    "layer L { a: u8 flags { x, y, x }; }", -1, DEFINITION, 1, 31, "flag 'x' appears twice" },
  { "flags-twice", "A field has one set of flags.", FALSE,
    "layer L { a: u8 flags { x } flags { y }; }", -1, DEFINITION, 1, 29, "at most one set of flags" },
  { "flag-with-plus", "'+' separates flag names.", FALSE,
    "layer L { a: u8 flags { \"a+b\" }; }", -1, DEFINITION, 1, 25, "cannot be empty or contain '+'" },
  { "default-out-of-range", "A default must fit the width.", FALSE,
    "layer L {\n  a: u4 = 16;\n}\n", -1, DEFINITION, 2, 11, "16 is out of range for 4-bit field 'a' (0..15)" },
  { "default-negative-unsigned", "An unsigned default is not negative.", FALSE,
    "layer L { a: u8 = -1; }", -1, DEFINITION, 1, 19, "-1 is out of range for 8-bit field 'a'" },
  { "default-signed-range", "A signed default fits its range.", FALSE,
    "layer L { a: s8 = -129; }", -1, DEFINITION, 1, 19, "-129 is out of range for 8-bit signed field 'a' (-128..127)" },
  { "default-string-range", "A default written as a string must fit too.", FALSE,
    "layer L { a: u4 = \"0x10\"; }", -1, DEFINITION, 1, 19, "16 is out of range for 4-bit field 'a'" },
  { "default-enum-name", "A string default must be a number or a name.", FALSE,
    "layer L { a: u8 enum { x = 1 } = \"y\"; }", -1, DEFINITION, 1, 34, "'y' is not a name for field 'a'" },
  { "default-flag-name", "A flag default uses known flags.", FALSE,
    "layer L { a: u8 flags { x } = \"q\"; }", -1, DEFINITION, 1, 31, "'q' is not a flag of field 'a'" },
  { "default-not-number", "A string default of an integer field is a number or a name.", FALSE,
    "layer L { a: u8 = \"many\"; }", -1, DEFINITION, 1, 19, "'many' is not a number" },
  { "default-number-for-address", "Address defaults are written as strings.", FALSE,
    "layer L { a: ipv4 = 5; }", -1, DEFINITION, 1, 21, "field 'a' is of kind ipv4: its default is written as a string" },
  { "default-bad-address", "An address default must parse.", FALSE,
    "layer L {\n  a: mac = \"00:11\";\n}", -1, DEFINITION, 2, 12, "'00:11' is not a MAC address" },
  { "default-bad-ipv6", "An IPv6 default must parse.", FALSE,
    "layer L { a: ipv6 = \"1.2.3.4\"; }", -1, DEFINITION, 1, 21, "'1.2.3.4' is not an IPv6 address" },
  { "default-too-long", "A fixed-size string's default fits it.", FALSE,
    "layer L { a: bytes(2) = \"abc\"; }", -1, DEFINITION, 1, 25, "the default is 3 bytes; field 'a' holds 2" },
  { "default-computed-bytes", "A byte string's default is a string.", FALSE,
    "layer L { a: bytes = len(header); }", -1, DEFINITION, 1, 22, "field 'a' holds bytes" },
  { "default-address-for-integer", "source_ip() gives an address, not an integer.", FALSE,
    "layer L { d: ipv4; a: u32 = 1 + source_ip(d); }", -1, DEFINITION, 1, 43,
    "field 'a' is an integer: source_ip() gives an address" },
  { "default-mac-for-integer", "source_mac() gives an address, not an integer.", FALSE,
    "layer L { a: u64 = source_mac(); }", -1, DEFINITION, 1, 20, "source_mac() gives an address" },
  { "default-ip-for-mac", "A MAC's computed default is source_mac().", FALSE,
    "layer L { d: ipv4; a: mac = source_ip(d); }", -1, DEFINITION, 1, 29,
    "field 'a' is of kind mac: its computed default must be source_mac()" },
  { "default-source-ip-kind", "source_ip() reads a destination of the same kind.", FALSE,
    "layer L { d: ipv6; s: ipv4 = source_ip(d); }", -1, DEFINITION, 1, 40,
    "source_ip(d) fills a field of kind ipv4 from one of kind ipv6" },
  { "size-later-field", "A size uses earlier fields.", FALSE,
    "layer L {\n  b: bytes(n);\n  n: u8;\n}\n", -1, DEFINITION, 2, 12,
    "a size can only use fields declared before it, and 'n' is not" },
  { "condition-later-field", "A condition uses earlier fields.", FALSE,
    "layer L {\n  a: u8 if b == 1;\n  b: u8;\n}\n", -1, DEFINITION, 2, 12,
    "a condition can only use fields declared before it, and 'b' is not" },
  { "condition-itself", "A condition cannot read its own field.", FALSE,
    "layer L { a: u8 if a; }", -1, DEFINITION, 1, 20, "a condition can only use fields declared before it" },
  { "condition-unknown-field", "A condition names a field.", FALSE,
    "layer L { a: u8 if nope; }", -1, DEFINITION, 1, 20, "'nope' is not a field of layer 'L'" },
  { "second-condition", "A field has one condition.", FALSE,
    "layer L { a: u8; b: u8 if a if a; }", -1, DEFINITION, 1, 29, "a field has at most one condition" },
  { "default-unknown-field", "A default names a field.", FALSE,
    "layer L {\n  a: u8 = b * 2;\n}\n", -1, DEFINITION, 2, 11, "'b' is not a field of layer 'L'" },
  { "summary-unknown-field", "A summary names fields.", FALSE,
    "layer L {\n  a: u8;\n  summary \"A={a} B={b}\";\n}\n", -1, DEFINITION, 3, 20,
    "summary names 'b', which is not a field of layer 'L'" },
  { "summary-unclosed-brace", "A summary reference is closed.", FALSE,
    "layer L { a: u8; summary \"x {a\"; }", -1, DEFINITION, 1, 29, "summary has '{' without '}'" },
  { "summary-condition-field", "A summary condition names fields.", FALSE,
    "layer L { a: u8; summary if b \"x\"; }", -1, DEFINITION, 1, 29, "'b' is not a field of layer 'L'" },
  { "summary-string", "A summary is a string.", FALSE,
    "layer L { summary = \"x\"; }", -1, SYNTAX, 1, 19, "expected the summary template as a string, found '='" },
  { "route-unknown", "route names a field.", FALSE,
    "layer L { a: ipv4; route b; }", -1, DEFINITION, 1, 26, "'b' is not a field of layer 'L'" },
  { "route-not-address", "route names an IP address field.", FALSE,
    "layer L { a: u32; route a; }", -1, DEFINITION, 1, 25, "route needs an IPv4 or IPv6 address field" },
  { "pseudo-signed", "Pseudo-header integers are unsigned whole bytes.", FALSE,
    "layer L { a: u8; pseudo s8(a); }", -1, DEFINITION, 1, 25, "pseudo-header integers are u8, u16, u24 … u64, not s8" },
  { "pseudo-odd-width", "Pseudo-header integers are whole bytes.", FALSE,
    "layer L { a: u8; pseudo a, u12(a); }", -1, DEFINITION, 1, 28, "not u12" },
  { "pseudo-variable-field", "Pseudo-header fields are fixed size.", FALSE,
    "layer L { a: bytes; pseudo a; }", -1, DEFINITION, 1, 28, "pseudo-header field 'a' must be whole bytes of fixed size" },
  { "pseudo-upper-elsewhere", "`upper` names the checksummed layer only in a pseudo-header.", FALSE,
    "layer L { a: u8 = len(upper); }", -1, DEFINITION, 1, 23, "'upper' is not a field of layer 'L'" },
  { "pseudo-replace-integer", "A pseudo-header item is replaced by bytes, not an integer.", FALSE,
    "layer L { a: u8; pseudo dst = a; }", -1, DEFINITION, 1, 31,
    "a pseudo-header item is replaced by an address or byte-string field; 'a' is" },
  { "pseudo-replace-unknown", "A replacement names a field of its layer.", FALSE,
    "layer L { a: u8; pseudo dst = tail(b) if a; }", -1, DEFINITION, 1, 36, "'b' is not a field of layer 'L'" },
  { "pseudo-replace-tail-unclosed", "tail( is closed.", FALSE,
    "layer L { a: bytes; pseudo dst = tail(a; }", -1, SYNTAX, 1, 40, "expected ')' to close tail(" },
  { "pseudo-replace-head-unclosed", "head( is closed.", FALSE,
    "layer L { a: bytes; pseudo dst = head(a; }", -1, SYNTAX, 1, 40, "expected ')' to close head(" },
  { "pseudo-replace-head-field", "head() names a field of the layer.", FALSE,
    "layer L { a: u8; pseudo dst = head(b) if a; }", -1, DEFINITION, 1, 36, "'b' is not a field of layer 'L'" },
  { "pseudo-twice", "A layer has one pseudo-header.", FALSE,
    "layer L { a: u8; pseudo a; pseudo a; }", -1, DEFINITION, 1, 28, "layer 'L' already has a pseudo-header" },
  { "pseudo-unknown-field", "Pseudo-header items name fields.", FALSE,
    "layer L { a: u8; pseudo a, u16(zz); }", -1, DEFINITION, 1, 32, "'zz' is not a field of layer 'L'" },
  { "pseudo-value-address", "Pseudo-header values are integers.", FALSE,
    "layer L { a: u8; pseudo u32(source_mac()); }", -1, DEFINITION, 1, 29,
    "a pseudo-header value is an integer: source_mac() gives an address" },
  { "summary-condition-address", "Summary conditions are integers.", FALSE,
    "layer L { a: ipv4; summary if source_ip(a) \"x\"; }", -1, DEFINITION, 1, 41,
    "a condition is an integer: source_ip() gives an address" },
  { "length-address", "The length statement is an integer.", FALSE,
    "layer L { a: ipv4; length = source_ip(a); }", -1, DEFINITION, 1, 39, "the length is an integer" },
  { "length-condition-address", "The length's condition is an integer.", FALSE,
    "layer L { a: ipv4; length = 4 if source_ip(a); }", -1, DEFINITION, 1, 44,
    "the length's condition is an integer" },
  { "length-condition-missing", "'if' after a length needs a condition.", FALSE,
    "layer L { a: u8; length = a if ; }", -1, SYNTAX, 1, 32, "found ';'" },
  { "length-condition-unknown-field", "The length's condition reads fields of the layer.", FALSE,
    "layer L { a: u8; length = a if b == 1; }", -1, DEFINITION, 1, 32, "'b'" },
  { "bind-unknown-lower", "A binding names loaded layers.", TRUE,
    "bind Nope.x == 1 -> UDP;", -1, DEFINITION, 1, 6, "no layer named 'Nope' is loaded" },
  { "bind-unknown-upper", "A binding names loaded layers.", TRUE,
    "bind UDP.dport == 1 -> Nope;", -1, DEFINITION, 1, 24, "no layer named 'Nope' is loaded" },
  { "bind-later-layer", "A binding names layers defined before it.", FALSE,
    "layer A { x: u8; }\nbind A.x == 1 -> B;\nlayer B { y: u8; }\n", -1, DEFINITION, 2, 18,
    "no layer named 'B' is loaded" },
  { "bind-unknown-field", "A binding names a field of the lower layer.", TRUE,
    "bind UDP.nope == 1 -> UDP;", -1, DEFINITION, 1, 10, "layer 'UDP' has no field 'nope'" },
  { "bind-value-range", "A binding's value fits the field.", TRUE,
    "bind UDP.dport == 65536 -> UDP;", -1, DEFINITION, 1, 19, "65536 is out of range for 16-bit field 'dport'" },
  { "bind-value-negative", "A binding's value is not negative for an unsigned field.", TRUE,
    "bind UDP.dport ==\n  -1 -> UDP;", -1, DEFINITION, 2, 3, "-1 is out of range" },
  { "bind-value-too-large", "A number larger than 64 bits.", TRUE,
    "bind UDP.dport == 18446744073709551616 -> UDP;", -1, SYNTAX, 1, 19, "number 18446744073709551616 is too large" },
  { "bind-address-field", "Bindings test integer fields.", TRUE,
    "bind IP.src == 1 -> UDP;", -1, DEFINITION, 1, 16, "bindings can only test integer fields; 'IP.src' is ipv4" },
  { "bind-single-equals", "A binding uses '=='.", TRUE,
    "bind UDP.dport = 1 -> UDP;", -1, SYNTAX, 1, 18, "expected '=' ('=='), found 1" },
  { "bind-arrow", "A binding uses '->'.", TRUE,
    "bind UDP.dport == 1 => UDP;", -1, SYNTAX, 1, 21, "expected '-' ('->'), found '='" },
  { "bind-for", "'for' is followed by 'dissect'.", TRUE,
    "bind UDP.dport == 1 -> UDP for build;", -1, SYNTAX, 1, 32, "expected 'dissect' after 'for', found 'build'" },
  { "bind-linktype-range", "A link type is an int.", TRUE,
    "bind linktype 4294967296 -> UDP;", -1, DEFINITION, 1, 15, "a link type is 0 to" },
  { "in-without-set", "'in' takes a set.", FALSE,
    "layer L { a: u8; b: u8 if a in 3; }", -1, SYNTAX, 1, 32, "'in' needs a set on its right" },
  { "set-without-in", "A set only follows 'in'.", FALSE,
    "layer L { a: u8 = {1}; }", -1, SYNTAX, 1, 19, "a set { … } can only follow 'in'" },
  { "set-unclosed", "A set is closed by '}'.", FALSE,
    "layer L { a: u8; b: u8 if a in { 1, 2 ; }", -1, SYNTAX, 1, 39, "expected ',' or '}', found ';'" },
  { "ternary-colon", "'?' needs ':'.", FALSE,
    "layer L { a: u8; b: u8 = a ? 1 ; }", -1, SYNTAX, 1, 32, "expected ':' between the two branches, found ';'" },
  { "unclosed-paren", "'(' needs ')'.", FALSE,
    "layer L { a: u8 = (1 + 2; }", -1, SYNTAX, 1, 25, "expected ')' to close the parenthesis, found ';'" },
  { "operand-missing", "An operator needs an operand.", FALSE,
    "layer L { a: u8 = 1 + ; }", -1, SYNTAX, 1, 23, "expected a number, a field name, a function or '(', found ';'" },
  { "align-on-integer", "align applies to byte strings.", FALSE,
    "layer L { a: u8 align 4; }", -1, DEFINITION, 1, 17, "align applies to byte strings of variable size" },
  { "align-range", "An alignment is 1 to 64.", FALSE,
    "layer L { a: bytes align 65; }", -1, DEFINITION, 1, 26, "an alignment is 1 to 64 bytes" },
  { "bytes-zero", "A fixed size is at least one byte.", FALSE,
    "layer L { a: bytes(0); }", -1, DEFINITION, 1, 20, "a fixed size is 1 to 65535 bytes" },
  { "bytes-too-large", "A fixed size is at most 65535 bytes.", FALSE,
    "layer L { a: bytes( 65536 ); }", -1, DEFINITION, 1, 21, "a fixed size is 1 to 65535 bytes" },
  { "bytes-negative", "A fixed size is not negative.", FALSE,
    "layer L { a: bytes(-4); }", -1, DEFINITION, 1, 20, "a fixed size is 1 to 65535 bytes" },
  { "number-too-large", "Integers are at most 64 bits.", FALSE,
    "layer L { a: u64 = 0x10000000000000000; }", -1, SYNTAX, 1, 20, "number 0x10000000000000000 is too large" },
  { "number-malformed", "Numbers are decimal or hexadecimal.", FALSE,
    "layer L { a: u8 = 12ab; }", -1, SYNTAX, 1, 19, "malformed number '12ab'" },
  { "number-hex-empty", "0x needs digits.", FALSE,
    "layer L { a: u8 = 0x; }", -1, SYNTAX, 1, 19, "malformed number '0x'" },
  { "number-binary", "0b is not a number prefix in definitions.", FALSE,
    "layer L { a: u8 = 0b101; }", -1, SYNTAX, 1, 19, "malformed number '0b101'" },
  { "non-ascii-token", "A character outside a string or comment.", FALSE,
    "layer L { a: u8 é; }", -1, SYNTAX, 1, 17, "expected ';' after the field, found 'é'" },
  { "control-character", "A control character between tokens.", FALSE,
    "layer L { a: u8 \f; }", -1, SYNTAX, 1, 17, "found a control character (U+000C)" },
  { "columns-count-characters", "Columns count characters, not bytes.", FALSE,
    "layer L { a: u8 \"ééé — ü\" = 300; }", -1, DEFINITION, 1, 29, "300 is out of range" },
  { "string-escape-nul", "A string escape cannot make a NUL byte.", FALSE,
    "layer L \"a\\0b\" { }", -1, SYNTAX, 1, 9, "a string cannot contain a NUL byte" },
  { "string-escape-nul-wrapped", "Octal escapes wrap at 256.", FALSE,
    "layer L \"\\\\ \\400\" { }", -1, SYNTAX, 1, 9, "a string cannot contain a NUL byte" },
  { "string-escape-utf8", "A string escape cannot make invalid UTF-8.", FALSE,
    "layer L {\n  a: u8 \"caf\\351\";\n}", -1, SYNTAX, 2, 9, "not valid UTF-8" },
  { "nul-byte", "The text cannot hold a NUL byte.", FALSE,
    "layer L {\n  a: u8;\0\n}", 19, SYNTAX, 2, 9, "definition text contains a NUL byte" },
  { "invalid-utf8", "The text is UTF-8.", FALSE,
    "# comment \xff\nlayer L { }", -1, SYNTAX, 1, 11, "definition text is not valid UTF-8 (byte 0xff)" },
  { "invalid-utf8-after-multibyte", "The UTF-8 error column counts characters.", FALSE,
    "layer L {\n# é\xc3\x28\n}", -1, SYNTAX, 2, 4, "not valid UTF-8 (byte 0xc3)" },
  { "unterminated-string", "A string is closed before the end of the file.", FALSE,
    "layer L \"Title {\n  a: u8;\n}\n", -1, SYNTAX, 1, 9, "unterminated string" },
  { "unterminated-comment", "A C comment is closed before the end of the file.", FALSE,
    "layer L {\n  a: u8; /* a: u8;\n}\n", -1, SYNTAX, 2, 10, "unterminated comment" },
  { "eof-in-layer", "End of file before the layer's '}'.", FALSE,
    "layer L {\n  a: u8;\n", -1, SYNTAX, 3, 1, "end of file inside layer 'L' (opened on line 1)" },
  { "eof-in-field", "End of file in the middle of a field.", FALSE,
    "layer L {\n  a: u8", -1, SYNTAX, 2, 8, "expected ';' after the field, found end of file" },
  { "eof-in-expression", "End of file in the middle of an expression.", FALSE,
    "layer L {\n  a: u8 = (1 +\n\n", -1, SYNTAX, 4, 1, "found end of file" },
  { "eof-in-enum", "End of file inside an enum.", FALSE,
    "enum e { a = 1,", -1, SYNTAX, 1, 16, "found end of file" },
  { "eof-in-bind", "End of file inside a binding.", TRUE,
    "bind UDP.dport == 7 ->", -1, SYNTAX, 1, 23, "expected the upper layer's name, found end of file" },
  /* A list default is read once the file's layers are loaded: its errors are at their place in it. */
  { "list-default-syntax", "A list default that does not parse: the error is at the token, in the file.", FALSE,
    "layer E { a: u8 = 1; }\nlayer H {\n  n: u8 = count(items);\n  items: list count(n) of E = [E(), E()le];\n}\n",
    -1, DEFINITION, 4, 40, "the default of H.items, [E(), E()le]: expected ']' or ','" },
  { "list-default-next-line", "A list default written over two lines: the error is on the second.", FALSE,
    "layer E { a: u8 = 1; }\nlayer H {\n  n: u8 = count(items);\n  items: list count(n) of E = [E(),\n"
    "    E(b=3)];\n}\n",
    -1, DEFINITION, 5, 7, "layer E has no field 'b' (fields: a)" },
  { "list-default-utf8", "Columns in a list default count characters.", FALSE,
    "layer E { a: u8 = 1; }\nlayer H {\n  n: u8 = count(items);\n"
    "  items: list count(n) of E = [E(), \"\xc3\xa9\" le];\n}\n",
    -1, DEFINITION, 4, 41, "expected ']' or ','" },
  { "location-after-multibyte-comments", "Columns count characters after comments of multi-byte characters.",
    FALSE, "# \xc3\xa9 \xe2\x80\x94 \xc3\xbc\nlayer L { /* \xe2\x98\x83 \xe2\x86\x92 */ a: u8 = 300; }", -1,
    DEFINITION, 2, 29, "300 is out of range" },
  { "summary-unknown-field-multibyte", "An error found once the layer is complete points back at the summary, "
    "counting its characters.", FALSE,
    "layer L {\n  a: u8 \"\xc3\xa9\";\n  summary \"\xc3\xa9 \xe2\x86\x92 {a} \xc3\xbc={b}\"; # \xe2\x98\x83\n"
    "  c: u8;\n}\n", -1, DEFINITION, 3, 22, "summary names 'b', which is not a field of layer 'L'" },
  { "list-default-not-element", "A list default holds elements of its list.", FALSE,
    "layer E { a: u8 = 1; }\nlayer X { a: u8; }\nlayer H {\n  n: u8 = count(items);\n"
    "  items: list count(n) of E = [E(), X()];\n}\n",
    -1, DEFINITION, 5, 37, "X is not an element of E (field 'items')" },
};

static void
test_error_case (gconstpointer data)
{
  const ErrorCase *e = data;
  g_test_summary (e->summary);
  g_autoptr (CraftRegistry) reg = e->builtin ? builtin_registry () : craft_registry_new ();
  assert_load_fails (reg, e->text, e->length, e->code, e->line, e->column, e->message);
  /* Both codes are bad input for the craft tool. */
  g_autoptr (GError) error = NULL;
  g_assert_false (craft_registry_load_data (reg, ORIGIN, e->text, e->length, &error));
  g_assert_cmpint (craft_error_exit_status (error), ==, 2);
}

static void
test_error_too_many_fields (void)
{
  g_test_summary ("A layer has at most CRAFT_MAX_FIELDS_PER_LAYER fields; the error names the first one too many.");
  GString *text = g_string_new ("layer L {\n");
  for (guint i = 0; i < 256; i++)
    g_string_append_printf (text, "  f%u: u8;\n", i);
  g_autofree char *full = g_strconcat (text->str, "}\n", NULL);
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  load_ok (reg, full);
  g_assert_cmpuint (craft_layer_def_get_n_fields (layer (reg, "L")), ==, 256);
  g_string_append (text, "  one_more: u8;\n}\n");
  GString *fixed = g_string_new (text->str);
  g_string_replace (fixed, "layer L {", "layer M {", 1);
  g_string_free (text, TRUE);
  g_autoptr (CraftRegistry) reg2 = craft_registry_new ();
  assert_load_fails (reg2, fixed->str, -1, DEFINITION, 258, 3, "a layer has at most 256 fields");
  g_string_free (fixed, TRUE);
}

static void
test_error_nesting (void)
{
  g_test_summary ("Expressions nest at most CRAFT_MAX_DEFINITION_NESTING deep; the error is at the token one "
                  "level too deep, and no depth crashes.");
  for (guint depth = CRAFT_MAX_DEFINITION_NESTING; depth <= CRAFT_MAX_DEFINITION_NESTING + 1; depth++)
    {
      GString *text = g_string_new ("layer L { a: u8 = ");
      for (guint i = 0; i < depth; i++)
        g_string_append_c (text, '(');
      g_string_append_c (text, '1');
      for (guint i = 0; i < depth; i++)
        g_string_append_c (text, ')');
      g_string_append (text, "; }");
      g_autoptr (CraftRegistry) reg = craft_registry_new ();
      if (depth <= CRAFT_MAX_DEFINITION_NESTING)
        load_ok (reg, text->str);
      else
        /* "layer L { a: u8 = " is 18 characters; the '1' follows the parentheses. */
        assert_load_fails (reg, text->str, -1, SYNTAX, 1, 18 + depth + 1, "expression nested more than 32 deep");
      g_string_free (text, TRUE);
    }
  /* Unary operators, sets and function arguments nest too. */
  GString *text = g_string_new ("layer L { a: u8; b: u8 = ");
  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "-!(max(a in {");
  /* Each "-!(max(a in {" (13 characters) nests 5 levels: the 7th's '(' opens level 33, so the error is at
   * its "max", 3 characters into it; the expression starts at column 26. */
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  assert_load_fails (reg, text->str, -1, SYNTAX, 1, 26 + 13 * 6 + 3, "expression nested more than 32 deep");
  g_string_free (text, TRUE);
}

static void
test_error_long_chain (void)
{
  g_test_summary ("A long chain of operators builds a deep tree: it is bounded, so compiling and evaluating "
                  "never exhaust the stack.");
  for (guint n = 1000; n <= 100000; n += 99000)
    {
      GString *text = g_string_new ("layer L { a: u64 = 1");
      for (guint i = 0; i < n; i++)
        g_string_append (text, "+1");
      g_string_append (text, "; }");
      g_autoptr (CraftRegistry) reg = craft_registry_new ();
      if (n == 1000)
        {
          load_ok (reg, text->str);
          g_autoptr (GBytes) bytes = build (reg, "L()");
          assert_bytes_hex (bytes, "00000000000003e9");
        }
      else
        /* The 1001st '+' follows "layer L { a: u64 = 1" (20 characters) and 1000 "+1". */
        assert_load_fails (reg, text->str, -1, SYNTAX, 1, 20 + 2000 + 1, "an expression has at most 1000 operators");
      g_string_free (text, TRUE);
    }
}

static void
assert_calc_at (const CraftCalc *c, CraftCalcType type, guint line, guint column)
{
  g_assert_nonnull (c);
  g_assert_cmpint (c->type, ==, type);
  g_assert_cmpuint (c->line, ==, line);
  g_assert_cmpuint (c->column, ==, column);
}

static void
test_locations (void)
{
  g_test_summary ("The places the compiled form keeps (expression nodes, defaults, bindings) are the line and "
                  "the column in characters, after comments and strings of multi-byte characters and tabs.");
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  load_ok (reg, "# \xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \xe2\x80\x94 a comment of multi-byte characters\n"
                /* b's default: 'a' at 37, '+' at 39, '1' at 49 (after a tab and a comment). */
                "layer L { /* \xc3\xa9 \xe2\x86\x92 */ a: u8; b: u16 = a +\t/* \xc3\xbc */ 1;\n"
                /* c's default: '(' at 11, 'a' at 12, '*' at 14, '-' at 19. */
                "  c: u8 = (a * 2) - len(header); # \xc3\x9f\n"
                "}\n"
                /* The bindings' lower layers at 6 and 34. */
                "bind L.a == 1 -> L; /* \xe2\x98\x83 */ bind L.b == 2 -> L;\n");
  const CraftLayerDef *l = craft_registry_lookup_layer (reg, "L");
  const CraftFieldDef *b = g_ptr_array_index (l->fields, 1);
  assert_calc_at (b->default_calc, CRAFT_CALC_BINARY, 2, 39);
  assert_calc_at (b->default_calc->a, CRAFT_CALC_FIELD, 2, 37);
  assert_calc_at (b->default_calc->b, CRAFT_CALC_CONST, 2, 49);
  g_assert_cmpuint (b->default_line, ==, 2);
  g_assert_cmpuint (b->default_column, ==, 37);
  const CraftFieldDef *c = g_ptr_array_index (l->fields, 2);
  assert_calc_at (c->default_calc, CRAFT_CALC_BINARY, 3, 19);
  assert_calc_at (c->default_calc->a, CRAFT_CALC_BINARY, 3, 14);
  assert_calc_at (c->default_calc->a->a, CRAFT_CALC_FIELD, 3, 12);
  g_assert_cmpuint (c->default_line, ==, 3);
  g_assert_cmpuint (c->default_column, ==, 11);
  const CraftBinding *first = &g_array_index (reg->bindings, CraftBinding, 0);
  const CraftBinding *second = &g_array_index (reg->bindings, CraftBinding, 1);
  g_assert_cmpstr (first->field_name, ==, "a");
  g_assert_cmpuint (first->line, ==, 5);
  g_assert_cmpuint (first->column, ==, 6);
  g_assert_cmpstr (second->field_name, ==, "b");
  g_assert_cmpuint (second->line, ==, 5);
  g_assert_cmpuint (second->column, ==, 34);
}

static void
test_large (void)
{
  g_test_summary ("Large files load in time linear in their size: a 200,000-character line, 20,000 layers, "
                  "enums and bindings (regression: columns were counted from the line start for every token).");
  GString *text = g_string_new ("layer Big { a: u8; b: u8 if a in {");
  for (guint i = 0; i < 50000; i++)
    g_string_append (text, "1, ");
  g_string_append (text, "2 }; c: u8 = 1000; }\n");
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  /* "layer Big { a: u8; b: u8 if a in {" is 34 characters, then 50000 × "1, " and "2 }; c: u8 = ". */
  assert_load_fails (reg, text->str, -1, DEFINITION, 1, 34 + 150000 + 13 + 1, "1000 is out of range");
  g_string_truncate (text, 0);
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "enum e%u { v = %u }\nlayer L%u { t: u8 enum e%u; }\nbind L%u.t == %u -> Big;\n", i,
                            i % 256, i, i, i, i % 256);
  g_string_prepend (text, "layer Big { a: u8; }\n");
  load_ok (reg, text->str);
  g_assert_cmpuint (craft_registry_get_n_layers (reg), ==, 20001);
  g_assert_cmpuint (reg->bindings->len, ==, 20000);
  g_assert_cmpstr (g_array_index (reg->bindings, CraftBinding, 0).lower_name, ==, "L0");
  g_string_free (text, TRUE);
}

/* ---- All or nothing, replacement ---- */

static void
test_all_or_nothing (void)
{
  g_test_summary ("A file with an error adds none of its enums, layers or bindings, even those before the "
                  "error, and replaces nothing.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  assert_load_fails (reg,
                     "enum fine { a = 1 }\n"
                     "layer Fine { x: u8 enum fine; }\n"
                     "layer UDP { sport: u16; dport: u16; len: u16; chksum: u16; }\n"
                     "layer Raw { load: bytes; }\n"
                     "layer Pad2 { load: bytes; trailer; }\n"
                     "bind UDP.dport == 7 -> Fine;\n"
                     "bind linktype 1 -> Fine;\n"
                     "layer Broken { y: u7; }\n",
                     -1, DEFINITION, 8, 7, "end 7 bits into a byte");
  g_assert_null (craft_registry_lookup_layer (reg, "Fine"));
  g_assert_null (craft__registry_lookup_enum (reg, "fine"));
  g_assert_true (craft_registry_lookup_linktype (reg, 1) == layer (reg, "Ether"));
  g_assert_cmpstr (craft_layer_def_get_description (layer (reg, "UDP")), ==, "User Datagram Protocol");
  /* The registry still works. */
  g_autoptr (GBytes) bytes = build (reg, "UDP(chksum=0)");
  assert_bytes_hex (bytes, "0035003500080000");
}

static void
test_replace_layer (void)
{
  g_test_summary ("A later layer of the same name replaces the earlier one in place; bindings follow it by name.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  guint n = craft_registry_get_n_layers (reg);
  gint index = -1;
  for (guint i = 0; i < n; i++)
    if (craft_registry_get_layer (reg, i) == layer (reg, "UDP"))
      index = (gint) i;
  const CraftLayerDef *old = layer (reg, "UDP");
  load_ok (reg, "layer UDP \"UDP (mine)\" {\n"
                "  sport: u16 = 7; dport: u16 = 7; len: u16 = len(layer); chksum: u16 = 0; extra: u8 = 0x42;\n"
                "  length = len;\n"
                "}\n");
  g_assert_cmpuint (craft_registry_get_n_layers (reg), ==, n);
  g_assert_true (craft_registry_get_layer (reg, (guint) index) == layer (reg, "UDP"));
  g_assert_true (layer (reg, "UDP") != old);
  g_assert_cmpstr (craft_layer_def_get_title (layer (reg, "UDP")), ==, "UDP (mine)");
  g_autoptr (GBytes) bytes = build (reg, "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP()");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "IP", g_bytes_get_data (bytes, NULL),
                                                           g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  assert_uint (p, 0, "proto", 17);
  g_assert_true (craft_packet_get_layer (p, 1) == layer (reg, "UDP"));
  assert_uint (p, 1, "extra", 0x42);
  assert_uint (p, 1, "len", 9);
}

static void
test_replace_breaks_binding (void)
{
  g_test_summary ("A layer that would no longer fit a binding on its fields is refused, at its name, and "
                  "the old layer stays.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  load_ok (reg, "layer Foo { v: u8; }\n"
                "bind UDP.dport == 300 -> Foo;\n");
  /* No field dport any more. */
  assert_load_fails (reg, "\nlayer UDP { sport: u16; len: u16; }\n", -1, DEFINITION, 2, 7,
                     "layer 'UDP' no longer fits the binding UDP.dport == 300 -> Foo (test.pdl:2:6): it has no "
                     "field 'dport'");
  /* A dport too narrow for the bound value. */
  assert_load_fails (reg, "layer UDP { sport: u16; dport: u8; }\n", -1, DEFINITION, 1, 7,
                     "300 is out of range for 8-bit field 'dport'");
  /* A dport that is not an integer. */
  assert_load_fails (reg, "layer UDP { sport: u16; dport: bytes(2); }\n", -1, DEFINITION, 1, 7,
                     "bindings can only test integer fields");
  /* A binding written in the same file, before the layer that replaces its lower one. */
  assert_load_fails (reg, "bind UDP.len == 5 -> Foo;\nlayer UDP { sport: u16; dport: u16; }\n", -1, DEFINITION, 2,
                     7, "UDP.len == 5 -> Foo (test.pdl:1:6): it has no field 'len'");
  g_assert_cmpint (craft__layer_def_field_index (layer (reg, "UDP"), "len"), >=, 0);
  /* A replacement that keeps the field is fine. */
  load_ok (reg, "layer UDP { sport: u16; dport: u16; }\n");
  g_assert_cmpint (craft__layer_def_field_index (layer (reg, "UDP"), "len"), ==, -1);
}

/* ---- Loading from files and folders ---- */

static void
test_load_file (void)
{
  g_test_summary ("A file loads with its path as the origin of layers and errors; a missing file is an I/O "
                  "error.");
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("craft-pdl-XXXXXX", &error);
  g_assert_no_error (error);
  write_file (tmp, "good.pdl", "layer Good { a: u8; }\n");
  write_file (tmp, "bad.pdl", "layer Bad {\n  a: u9;\n}\n");
  g_autofree char *good = g_build_filename (tmp, "good.pdl", NULL);
  g_autofree char *bad = g_build_filename (tmp, "bad.pdl", NULL);
  g_autofree char *missing = g_build_filename (tmp, "missing.pdl", NULL);
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_file (reg, good, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (layer (reg, "Good")->file, ==, good);
  g_assert_false (craft_registry_load_file (reg, bad, &error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_DEFINITION);
  CraftErrorLocation loc;
  g_assert_true (craft_error_get_location (error, &loc));
  g_assert_cmpstr (loc.file, ==, bad);
  g_assert_cmpuint (loc.line, ==, 1);
  g_assert_cmpuint (loc.column, ==, 7);
  g_autofree char *formatted = craft_error_format (error);
  g_autofree char *want = g_strdup_printf ("%s:1:7: the fields of layer 'Bad' end 1 bits into a byte; a header is "
                                           "a whole number of bytes", bad);
  g_assert_cmpstr (formatted, ==, want);
  g_clear_error (&error);
  g_assert_false (craft_registry_load_file (reg, missing, &error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_IO);
  g_assert_cmpint (craft_error_exit_status (error), ==, 1);
  g_assert_null (craft_registry_lookup_layer (reg, "Bad"));
  remove_tree (tmp);
}

static void
test_load_dir (void)
{
  g_test_summary ("A folder's *.pdl files load in name order, other files are ignored, a missing folder is "
                  "fine, and the first bad file stops loading.");
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("craft-pdl-XXXXXX", &error);
  g_assert_no_error (error);
  /* 20-upper binds to a layer of 10-lower: works only in name order. */
  write_file (tmp, "20-upper.pdl", "layer Upper { v: u8; }\nbind Lower.next == 1 -> Upper;\n");
  write_file (tmp, "10-lower.pdl", "layer Lower { next: u8; }\n");
  write_file (tmp, "README", "not a definition {{{");
  write_file (tmp, "notes.pdl.txt", "not a definition either");
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_dir (reg, tmp, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (craft_registry_get_n_layers (reg), ==, 2);
  g_assert_cmpstr (craft_layer_def_get_name (craft_registry_get_layer (reg, 0)), ==, "Lower");
  g_autofree char *missing = g_build_filename (tmp, "missing", NULL);
  g_assert_true (craft_registry_load_dir (reg, missing, &error));
  g_assert_no_error (error);

  write_file (tmp, "30-bad.pdl", "layer Bad { a: u8 = 256; }\n");
  write_file (tmp, "40-never.pdl", "layer Never { a: u8; }\n");
  g_autoptr (CraftRegistry) reg2 = craft_registry_new ();
  g_assert_false (craft_registry_load_dir (reg2, tmp, &error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_DEFINITION);
  CraftErrorLocation loc;
  g_assert_true (craft_error_get_location (error, &loc));
  g_autofree char *bad = g_build_filename (tmp, "30-bad.pdl", NULL);
  g_assert_cmpstr (loc.file, ==, bad);
  g_assert_cmpuint (loc.line, ==, 1);
  g_assert_cmpuint (loc.column, ==, 21);
  g_assert_nonnull (craft_registry_lookup_layer (reg2, "Upper"));
  g_assert_null (craft_registry_lookup_layer (reg2, "Bad"));
  g_assert_null (craft_registry_lookup_layer (reg2, "Never"));
  remove_tree (tmp);
}

static void
test_load_order (void)
{
  g_test_summary ("craft_registry_new_default() loads built-in, then each CRAFT_PROTO_PATH folder (missing and "
                  "empty entries skipped), then $XDG_CONFIG_HOME/craft/proto; later layers replace earlier.");
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("craft-pdl-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *a = make_dir (tmp, "a");
  g_autofree char *b = make_dir (tmp, "b");
  g_autofree char *config = make_dir (tmp, "config");
  g_autofree char *user = make_dir (config, "craft/proto");
  g_autofree char *missing = g_build_filename (tmp, "missing", NULL);
  write_file (a, "marker.pdl", "layer Marker \"from a\" { v: u8 = 1; }\nlayer OnlyA { v: u8; }\n");
  write_file (b, "marker.pdl", "layer Marker \"from b\" { v: u8 = 2; }\n");
  write_file (user, "marker.pdl", "layer Marker \"from the user\" { v: u8 = 3; }\n");
  g_autofree char *path = g_strjoin (":", a, "", missing, b, NULL);
  SavedEnv saved = env_set (path, config);

  g_autoptr (CraftRegistry) reg = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_assert_nonnull (reg);
  g_assert_cmpstr (craft_layer_def_get_title (layer (reg, "Marker")), ==, "from the user");
  g_assert_nonnull (craft_registry_lookup_layer (reg, "OnlyA"));
  g_assert_nonnull (craft_registry_lookup_layer (reg, "Ether"));
  g_autoptr (GBytes) marker = build (reg, "Marker()");
  assert_bytes_hex (marker, "03");

  /* Without the user's file, the last CRAFT_PROTO_PATH folder wins. */
  g_autofree char *user_marker = g_build_filename (user, "marker.pdl", NULL);
  g_assert_cmpint (g_unlink (user_marker), ==, 0);
  g_autoptr (CraftRegistry) reg2 = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (craft_layer_def_get_title (layer (reg2, "Marker")), ==, "from b");

  /* The user's folder can redefine a built-in layer, which bindings then reach. */
  write_file (user, "udp.pdl",
              "# My UDP: the standard header plus a byte.\n"
              "layer UDP \"UDP (user)\" {\n"
              "  sport: u16 = 53; dport: u16 = 53; len: u16 = len(layer); chksum: u16 hex = 0; extra: u8 = 0x42;\n"
              "  length = len;\n"
              "}\n");
  g_autoptr (CraftRegistry) reg3 = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (craft_layer_def_get_title (layer (reg3, "UDP")), ==, "UDP (user)");
  g_autoptr (GBytes) udp = build (reg3, "UDP()");
  assert_bytes_hex (udp, "003500350009000042");
  g_autoptr (GBytes) ip_udp = build (reg3, "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP()");
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg3, "IP", g_bytes_get_data (ip_udp, NULL),
                                                           g_bytes_get_size (ip_udp), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (craft_layer_def_get_title (craft_packet_get_layer (p, 1)), ==, "UDP (user)");
  assert_uint (p, 1, "extra", 0x42);

  /* A bad file anywhere fails the whole default registry, naming the file. */
  write_file (b, "zz-bad.pdl", "layer Z {\n  z: nope;\n}\n");
  g_assert_null (craft_registry_new_default (&error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_DEFINITION);
  CraftErrorLocation loc;
  g_assert_true (craft_error_get_location (error, &loc));
  g_autofree char *bad = g_build_filename (b, "zz-bad.pdl", NULL);
  g_assert_cmpstr (loc.file, ==, bad);
  g_assert_cmpuint (loc.line, ==, 2);
  g_assert_cmpuint (loc.column, ==, 6);
  g_clear_error (&error);

  /* Without CRAFT_PROTO_PATH, only the built-in set and the user's folder. */
  env_restore (&saved);
  saved = env_set (NULL, config);
  g_autoptr (CraftRegistry) reg4 = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_assert_null (craft_registry_lookup_layer (reg4, "Marker"));
  g_assert_cmpstr (craft_layer_def_get_title (layer (reg4, "UDP")), ==, "UDP (user)");

  env_restore (&saved);
  remove_tree (tmp);
}

/* The built-in layers with Scapy's field names, in Scapy's order. */
static const struct {
  const char *layer;
  const char *fields[24];
} builtin_layers[] = {
  { "Raw", { "load" } },
  { "Padding", { "load" } },
  { "Ether", { "dst", "src", "type" } },
  { "Dot1Q", { "prio", "id", "vlan", "type" } },
  { "ARP", { "hwtype", "ptype", "hwlen", "plen", "op", "hwsrc", "psrc", "hwdst", "pdst" } },
  { "IPOption_EOL", { "copy_flag", "optclass", "option" } },
  { "IPOption_NOP", { "copy_flag", "optclass", "option" } },
  { "IPOptionAddress", { "addr" } },
  { "IPOption_RR", { "copy_flag", "optclass", "option", "length", "pointer", "routers" } },
  { "IPOption_LSRR", { "copy_flag", "optclass", "option", "length", "pointer", "routers" } },
  { "IPOption_SSRR", { "copy_flag", "optclass", "option", "length", "pointer", "routers" } },
  { "IPOption_Timestamp", { "copy_flag", "optclass", "option", "length", "pointer", "oflw", "flg", "internet_address", "timestamp" } },
  { "IPOption_MTU_Probe", { "copy_flag", "optclass", "option", "length", "mtu" } },
  { "IPOption_Router_Alert", { "copy_flag", "optclass", "option", "length", "alert" } },
  { "IPOption", { "copy_flag", "optclass", "option", "length", "value" } },
  { "IP", { "version", "ihl", "tos", "len", "id", "flags", "frag", "ttl", "proto", "chksum", "src", "dst",
            "options" } },
  { "ICMP", { "type", "code", "chksum", "id", "seq", "ts_ori", "ts_rx", "ts_tx", "gw", "ptr", "reserved", "length",
              "addr_mask", "nexthopmtu", "unused", "unused" } },
  { "TCPOption_EOL", { "kind" } },
  { "TCPOption_NOP", { "kind" } },
  { "TCPOption_MSS", { "kind", "len", "mss" } },
  { "TCPOption_WScale", { "kind", "len", "scale" } },
  { "TCPOption_SAckOK", { "kind", "len" } },
  { "TCPSAckEdge", { "edge" } },
  { "TCPOption_SAck", { "kind", "len", "edges" } },
  { "TCPOption_Timestamp", { "kind", "len", "tsval", "tsecr" } },
  { "TCPOption_UTO", { "kind", "len", "timeout" } },
  { "TCPOption", { "kind", "len", "value" } },
  { "TCP", { "sport", "dport", "seq", "ack", "dataofs", "reserved", "flags", "window", "chksum", "urgptr",
             "options" } },
  { "UDP", { "sport", "dport", "len", "chksum" } },
  { "DNSQR", { "qname", "qtype", "qclass" } },
  { "DNSRR", { "rrname", "type", "rclass", "ttl", "rdlen", "rdata", "rdata", "rdata", "rdata", "rdata" } },
  { "DNSRRMX", { "rrname", "type", "rclass", "ttl", "rdlen", "preference", "exchange" } },
  { "DNSRRSOA", { "rrname", "type", "rclass", "ttl", "rdlen", "mname", "rname", "serial", "refresh", "retry", "expire", "minimum" } },
  { "DNSRRSRV", { "rrname", "type", "rclass", "ttl", "rdlen", "priority", "weight", "port", "target" } },
  { "DNS", { "length", "id", "qr", "opcode", "aa", "tc", "rd", "ra", "z", "ad", "cd", "rcode", "qdcount", "ancount", "nscount", "arcount", "qd", "an", "ns", "ar" } },
  { "BOOTP", { "op", "htype", "hlen", "hops", "xid", "secs", "flags", "ciaddr", "yiaddr", "siaddr", "giaddr", "chaddr", "sname", "file" } },
  { "DHCPOpt_Pad", { "code" } },
  { "DHCPOpt_End", { "code" } },
  { "DHCPAddress", { "addr" } },
  { "DHCPOpt_SubnetMask", { "code", "len", "mask" } },
  { "DHCPOpt_TimeZone", { "code", "len", "offset" } },
  { "DHCPOpt_Router", { "code", "len", "addrs" } },
  { "DHCPOpt_TimeServer", { "code", "len", "addrs" } },
  { "DHCPOpt_IENNameServer", { "code", "len", "addrs" } },
  { "DHCPOpt_NameServer", { "code", "len", "addrs" } },
  { "DHCPOpt_LogServer", { "code", "len", "addrs" } },
  { "DHCPOpt_CookieServer", { "code", "len", "addrs" } },
  { "DHCPOpt_LPRServer", { "code", "len", "addrs" } },
  { "DHCPOpt_ImpressServers", { "code", "len", "addrs" } },
  { "DHCPOpt_ResourceLocationServers", { "code", "len", "addrs" } },
  { "DHCPOpt_Hostname", { "code", "len", "name" } },
  { "DHCPOpt_BootSize", { "code", "len", "size" } },
  { "DHCPOpt_DumpPath", { "code", "len", "path" } },
  { "DHCPOpt_Domain", { "code", "len", "domain" } },
  { "DHCPOpt_SwapServer", { "code", "len", "addr" } },
  { "DHCPOpt_RootDiskPath", { "code", "len", "path" } },
  { "DHCPOpt_ExtensionsPath", { "code", "len", "path" } },
  { "DHCPOpt_IPForwarding", { "code", "len", "enabled" } },
  { "DHCPOpt_NonLocalSourceRouting", { "code", "len", "enabled" } },
  { "DHCPOpt_PolicyFilter", { "code", "len", "addrs" } },
  { "DHCPOpt_MaxDgramReassSize", { "code", "len", "size" } },
  { "DHCPOpt_DefaultTTL", { "code", "len", "ttl" } },
  { "DHCPOpt_PMTUTimeout", { "code", "len", "timeout" } },
  { "DHCPOpt_PathMTUPlateauTable", { "code", "len", "mtu" } },
  { "DHCPOpt_InterfaceMTU", { "code", "len", "mtu" } },
  { "DHCPOpt_AllSubnetsLocal", { "code", "len", "enabled" } },
  { "DHCPOpt_BroadcastAddress", { "code", "len", "addr" } },
  { "DHCPOpt_PerformMaskDiscovery", { "code", "len", "enabled" } },
  { "DHCPOpt_MaskSupplier", { "code", "len", "enabled" } },
  { "DHCPOpt_RouterDiscovery", { "code", "len", "enabled" } },
  { "DHCPOpt_RouterSolicitationAddress", { "code", "len", "addr" } },
  { "DHCPOpt_StaticRoutes", { "code", "len", "addrs" } },
  { "DHCPOpt_TrailerEncapsulation", { "code", "len", "enabled" } },
  { "DHCPOpt_ARPCacheTimeout", { "code", "len", "timeout" } },
  { "DHCPOpt_IEEE8023Encapsulation", { "code", "len", "enabled" } },
  { "DHCPOpt_TCPTTL", { "code", "len", "ttl" } },
  { "DHCPOpt_TCPKeepaliveInterval", { "code", "len", "interval" } },
  { "DHCPOpt_TCPKeepaliveGarbage", { "code", "len", "enabled" } },
  { "DHCPOpt_NISDomain", { "code", "len", "domain" } },
  { "DHCPOpt_NISServer", { "code", "len", "addrs" } },
  { "DHCPOpt_NTPServer", { "code", "len", "addrs" } },
  { "DHCPOpt_VendorSpecific", { "code", "len", "value" } },
  { "DHCPOpt_NetBIOSServer", { "code", "len", "addrs" } },
  { "DHCPOpt_NetBIOSDistServer", { "code", "len", "addrs" } },
  { "DHCPOpt_NetBIOSNodeType", { "code", "len", "type" } },
  { "DHCPOpt_NetBIOSScope", { "code", "len", "scope" } },
  { "DHCPOpt_FontServers", { "code", "len", "addrs" } },
  { "DHCPOpt_XDisplayManager", { "code", "len", "addrs" } },
  { "DHCPOpt_RequestedAddr", { "code", "len", "addr" } },
  { "DHCPOpt_LeaseTime", { "code", "len", "time" } },
  { "DHCPOpt_OptionOverload", { "code", "len", "overload" } },
  { "DHCPOpt_MessageType", { "code", "len", "type" } },
  { "DHCPOpt_ServerId", { "code", "len", "addr" } },
  { "DHCPOpt_ParamReqList", { "code", "len", "params" } },
  { "DHCPOpt_ErrorMessage", { "code", "len", "message" } },
  { "DHCPOpt_MaxDHCPSize", { "code", "len", "size" } },
  { "DHCPOpt_RenewalTime", { "code", "len", "time" } },
  { "DHCPOpt_RebindingTime", { "code", "len", "time" } },
  { "DHCPOpt_VendorClassId", { "code", "len", "id" } },
  { "DHCPOpt_ClientId", { "code", "len", "id" } },
  { "DHCPOpt_NWIPDomainName", { "code", "len", "domain" } },
  { "DHCPOpt_NISPlusDomain", { "code", "len", "domain" } },
  { "DHCPOpt_NISPlusServer", { "code", "len", "addrs" } },
  { "DHCPOpt_TFTPServerName", { "code", "len", "name" } },
  { "DHCPOpt_BootFileName", { "code", "len", "name" } },
  { "DHCPOpt_MobileIPHomeAgent", { "code", "len", "addrs" } },
  { "DHCPOpt_SMTPServer", { "code", "len", "addrs" } },
  { "DHCPOpt_POP3Server", { "code", "len", "addrs" } },
  { "DHCPOpt_NNTPServer", { "code", "len", "addrs" } },
  { "DHCPOpt_WWWServer", { "code", "len", "addrs" } },
  { "DHCPOpt_FingerServer", { "code", "len", "addrs" } },
  { "DHCPOpt_IRCServer", { "code", "len", "addrs" } },
  { "DHCPOpt_StreetTalkServer", { "code", "len", "addrs" } },
  { "DHCPOpt_StreetTalkDirAssistance", { "code", "len", "addrs" } },
  { "DHCPOpt_UserClass", { "code", "len", "value" } },
  { "DHCPOpt_SLPServiceAgent", { "code", "len", "value" } },
  { "DHCPOpt_SLPServiceScope", { "code", "len", "value" } },
  { "DHCPOpt_ClientFQDN", { "code", "len", "value" } },
  { "DHCPOpt_RelayAgentInformation", { "code", "len", "value" } },
  { "DHCPOpt_NDSServer", { "code", "len", "addrs" } },
  { "DHCPOpt_NDSTreeName", { "code", "len", "name" } },
  { "DHCPOpt_NDSContext", { "code", "len", "context" } },
  { "DHCPOpt_BCMSControllerNames", { "code", "len", "value" } },
  { "DHCPOpt_BCMSControllerAddress", { "code", "len", "addrs" } },
  { "DHCPOpt_ClientLastTransactionTime", { "code", "len", "time" } },
  { "DHCPOpt_AssociatedIP", { "code", "len", "addrs" } },
  { "DHCPOpt_PXEClientArchitecture", { "code", "len", "value" } },
  { "DHCPOpt_PXEClientNetworkInterface", { "code", "len", "value" } },
  { "DHCPOpt_PXEClientMachineIdentifier", { "code", "len", "value" } },
  { "DHCPOpt_UAPServers", { "code", "len", "value" } },
  { "DHCPOpt_PCode", { "code", "len", "value" } },
  { "DHCPOpt_TCode", { "code", "len", "value" } },
  { "DHCPOpt_NetInfoServerAddress", { "code", "len", "addrs" } },
  { "DHCPOpt_NetInfoServerTag", { "code", "len", "value" } },
  { "DHCPOpt_DefaultURL", { "code", "len", "url" } },
  { "DHCPOpt_AutoConfig", { "code", "len", "value" } },
  { "DHCPOpt_NameServiceSearch", { "code", "len", "service" } },
  { "DHCPOpt_SubnetSelection", { "code", "len", "addr" } },
  { "DHCPClasslessRoute", { "prefix", "dest", "router" } },
  { "DHCPOpt_ClasslessStaticRoutes", { "code", "len", "routes" } },
  { "DHCPOpt_VendorClass", { "code", "len", "value" } },
  { "DHCPOpt_VendorSpecificInformation", { "code", "len", "value" } },
  { "DHCPOpt_TFTPServerIPAddress", { "code", "len", "addr" } },
  { "DHCPOpt_PANAAgent", { "code", "len", "addrs" } },
  { "DHCPOpt_V4LoST", { "code", "len", "value" } },
  { "DHCPOpt_CAPWAPACV4", { "code", "len", "addrs" } },
  { "DHCPOpt_SIPUAServiceDomains", { "code", "len", "value" } },
  { "DHCPOpt_RDNSSSelection", { "code", "len", "value" } },
  { "DHCPOpt_TFTPServerAddress", { "code", "len", "addrs" } },
  { "DHCPOpt_V4PortParams", { "code", "len", "value" } },
  { "DHCPOpt_V4CaptivePortal", { "code", "len", "url" } },
  { "DHCPOpt_MUDURL", { "code", "len", "url" } },
  { "DHCPOpt_PXELinuxMagic", { "code", "len", "value" } },
  { "DHCPOpt_PXELinuxConfigurationFile", { "code", "len", "value" } },
  { "DHCPOpt_PXELinuxPathPrefix", { "code", "len", "value" } },
  { "DHCPOpt_PXELinuxRebootTime", { "code", "len", "value" } },
  { "DHCPOpt_Option6RD", { "code", "len", "value" } },
  { "DHCPOpt_V4AccessDomain", { "code", "len", "value" } },
  { "DHCPOption", { "code", "len", "value" } },
  { "DHCP", { "magic", "options" } },
  { "IPv6", { "version", "tc", "fl", "plen", "nh", "hlim", "src", "dst" } },
  { "IPv6ExtHdrHopByHop", { "nh", "len", "options", "more" } },
  { "IPv6ExtHdrDestOpt", { "nh", "len", "options", "more" } },
  { "IPv6ExtHdrRouting", { "nh", "len", "type", "segleft", "reserved", "addresses" } },
  { "IPv6SRHSegment", { "addr" } },
  { "IPv6ExtHdrSegmentRoutingTLVPad1", { "type" } },
  { "IPv6ExtHdrSegmentRoutingTLVIngressNode", { "type", "len", "reserved", "flags", "ingress_node" } },
  { "IPv6ExtHdrSegmentRoutingTLVEgressNode", { "type", "len", "reserved", "flags", "egress_node" } },
  { "IPv6ExtHdrSegmentRoutingTLVPadN", { "type", "len", "padding" } },
  { "IPv6ExtHdrSegmentRoutingTLV", { "type", "len", "value" } },
  { "IPv6ExtHdrSegmentRouting", { "nh", "len", "type", "segleft", "lastentry", "unused1", "protected", "oam", "alert",
                                  "hmac", "unused2", "tag", "addresses", "tlv_objects" } },
  { "IPv6ExtHdrFragment", { "nh", "res1", "offset", "res2", "m", "id" } },
  { "ICMPv6Unknown", { "type", "code", "cksum", "msgbody" } },
  { "ICMPv6DestUnreach", { "type", "code", "cksum", "length", "unused" } },
  { "ICMPv6PacketTooBig", { "type", "code", "cksum", "mtu" } },
  { "ICMPv6TimeExceeded", { "type", "code", "cksum", "length", "unused" } },
  { "ICMPv6ParamProblem", { "type", "code", "cksum", "ptr" } },
  { "ICMPv6EchoRequest", { "type", "code", "cksum", "id", "seq", "data" } },
  { "ICMPv6EchoReply", { "type", "code", "cksum", "id", "seq", "data" } },
  { "ICMPv6ND_RS", { "type", "code", "cksum", "res" } },
  { "ICMPv6ND_RA", { "type", "code", "cksum", "chlim", "M", "O", "H", "prf", "P", "res", "routerlifetime", "reachabletime", "retranstimer" } },
  { "ICMPv6ND_NS", { "type", "code", "cksum", "res", "tgt" } },
  { "ICMPv6ND_NA", { "type", "code", "cksum", "R", "S", "O", "res", "tgt" } },
  { "ICMPv6MLQuery", { "type", "code", "cksum", "mrd", "reserved", "mladdr" } },
  { "ICMPv6MLReport", { "type", "code", "cksum", "mrd", "reserved", "mladdr" } },
  { "ICMPv6MLDone", { "type", "code", "cksum", "mrd", "reserved", "mladdr" } },
  { "ICMPv6ND_Redirect", { "type", "code", "cksum", "res", "tgt", "dst" } },
  { "ICMPv6NDOptSrcLLAddr", { "type", "len", "lladdr", "extra" } },
  { "ICMPv6NDOptDstLLAddr", { "type", "len", "lladdr", "extra" } },
  { "ICMPv6NDOptPrefixInfo", { "type", "len", "prefixlen", "L", "A", "R", "res1", "validlifetime", "preferredlifetime", "res2", "prefix", "extra" } },
  { "ICMPv6NDOptMTU", { "type", "len", "res", "mtu", "extra" } },
  { "GRE", { "chksum_present", "routing_present", "key_present", "seqnum_present", "strict_route_source", "recursion_control", "flags", "version", "proto", "chksum", "offset", "key", "sequence_number" } },
  { "NTPHeader", { "leap", "version", "mode", "stratum", "poll", "precision", "delay", "dispersion", "id", "ref_id", "ref", "orig", "recv", "sent" } },
  { "VXLAN", { "flags", "reserved0", "NextProtocol", "reserved1", "gpflags", "gpid", "vni", "reserved2" } },
  { "CookedLinux", { "pkttype", "lladdrtype", "lladdrlen", "src", "proto" } },
  { "CookedLinuxV2", { "proto", "reserved", "ifindex", "lladdrtype", "pkttype", "lladdrlen", "src" } },
  { "Loopback", { "type" } },
};

static void
assert_builtin_layers (CraftRegistry *reg)
{
  g_assert_cmpuint (craft_registry_get_n_layers (reg), ==, G_N_ELEMENTS (builtin_layers));
  for (guint i = 0; i < G_N_ELEMENTS (builtin_layers); i++)
    {
      const CraftLayerDef *l = craft_registry_get_layer (reg, i);
      g_assert_cmpstr (craft_layer_def_get_name (l), ==, builtin_layers[i].layer);
      guint n = 0;
      while (builtin_layers[i].fields[n] != NULL)
        n++;
      g_assert_cmpuint (craft_layer_def_get_n_fields (l), ==, n);
      for (guint j = 0; j < n; j++)
        g_assert_cmpstr (craft_field_def_get_name (craft_layer_def_get_field (l, j)), ==, builtin_layers[i].fields[j]);
    }
  g_assert_true (reg->fallback == craft_registry_lookup_layer (reg, "Raw"));
  g_assert_true (reg->trailer == craft_registry_lookup_layer (reg, "Padding"));
  g_assert_true (craft_registry_lookup_linktype (reg, 1) == craft_registry_lookup_layer (reg, "Ether"));
  /* Raw IP carries IPv4 and IPv6: without the bytes, the last declared. */
  g_assert_true (craft_registry_lookup_linktype (reg, 12) == craft_registry_lookup_layer (reg, "IPv6"));
  g_assert_true (craft_registry_lookup_linktype (reg, 228) == craft_registry_lookup_layer (reg, "IP"));
  g_assert_true (craft_registry_lookup_linktype (reg, 229) == craft_registry_lookup_layer (reg, "IPv6"));
  g_assert_true (craft_registry_lookup_linktype (reg, 113) == craft_registry_lookup_layer (reg, "CookedLinux"));
  g_assert_true (craft_registry_lookup_linktype (reg, 276) == craft_registry_lookup_layer (reg, "CookedLinuxV2"));
  g_assert_true (craft_registry_lookup_linktype (reg, 0) == craft_registry_lookup_layer (reg, "Loopback"));
}

static void
test_builtin (void)
{
  g_test_summary ("The built-in set is embedded: it loads with no definition files anywhere, holds Ether, "
                  "Dot1Q, ARP, IP, ICMP, TCP, UDP, IPv6, the link layers, Raw and Padding with Scapy's field "
                  "names in order, and matches proto/*.pdl.");
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("craft-pdl-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *cwd = g_get_current_dir ();
  g_assert_cmpint (g_chdir (tmp), ==, 0);
  SavedEnv saved = env_set ("", tmp);
  g_autoptr (CraftRegistry) reg = craft_registry_new_default (&error);
  g_assert_no_error (error);
  assert_builtin_layers (reg);
  g_autoptr (CraftRegistry) builtin = builtin_registry ();
  assert_builtin_layers (builtin);
  env_restore (&saved);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  remove_tree (tmp);

  /* The same files from the source tree compile to the same layers. */
  g_autofree char *proto = g_build_filename (CRAFT_SOURCE_DIR, "proto", NULL);
  g_autofree char *list_path = g_build_filename (proto, "builtin.list", NULL);
  g_autofree char *list = NULL;
  g_assert_true (g_file_get_contents (list_path, &list, NULL, &error));
  g_auto (GStrv) names = g_strsplit (list, "\n", -1);
  g_autoptr (CraftRegistry) disk = craft_registry_new ();
  for (guint i = 0; names[i] != NULL; i++)
    {
      char *name = g_strstrip (names[i]);
      if (*name == '\0' || *name == '#')
        continue;
      g_autofree char *path = g_build_filename (proto, name, NULL);
      g_assert_true (craft_registry_load_file (disk, path, &error));
      g_assert_no_error (error);
    }
  assert_builtin_layers (disk);
  g_assert_cmpuint (disk->bindings->len, ==, builtin->bindings->len);
  for (guint i = 0; i < craft_registry_get_n_layers (disk); i++)
    {
      const CraftLayerDef *a = craft_registry_get_layer (disk, i), *b = craft_registry_get_layer (builtin, i);
      g_assert_cmpstr (a->title, ==, b->title);
      g_assert_cmpstr (a->description, ==, b->description);
      for (guint j = 0; j < craft_layer_def_get_n_fields (a); j++)
        {
          const CraftFieldDef *fa = craft_layer_def_get_field (a, j), *fb = craft_layer_def_get_field (b, j);
          g_assert_cmpstr (craft_field_def_get_kind_name (fa), ==, craft_field_def_get_kind_name (fb));
          g_assert_cmpuint (craft_field_def_get_bits (fa), ==, craft_field_def_get_bits (fb));
          g_assert_cmpstr (craft_field_def_get_default_text (fa), ==, craft_field_def_get_default_text (fb));
          g_assert_cmpstr (craft_field_def_get_description (fa), ==, craft_field_def_get_description (fb));
        }
    }
}

static void
test_builtin_model (void)
{
  g_test_summary ("Spot checks of the built-in definitions' compiled form: IP's computed fields, pseudo-header "
                  "and route, TCP's flags, ICMP's type-dependent codes.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  const CraftLayerDef *ip = layer (reg, "IP");
  assert_calc (field (ip, "ihl")->default_calc, ip, "(len(header) / 4)");
  assert_calc (field (ip, "chksum")->default_calc, ip, "inet_checksum(header)");
  assert_calc (field (ip, "options")->size_calc, ip, "((ihl * 4) - 20)");
  g_assert_cmpuint (field (ip, "options")->align, ==, 4);
  g_assert_cmpuint (field (ip, "flags")->flag_names->len, ==, 3);
  g_assert_cmpint (ip->route_field, ==, craft__layer_def_field_index (ip, "dst"));
  assert_calc (ip->length, ip, "len");
  g_assert_cmpuint (ip->pseudo->len, ==, 5);
  assert_calc (g_array_index (ip->pseudo, CraftPseudoItem, 4).calc, ip,
               "(is_set(len) ? max((len - (ihl * 4)), 0) : len(payload))");
  g_assert_true (field (ip, "proto")->bound);
  const CraftLayerDef *tcp = layer (reg, "TCP");
  g_assert_true (field (tcp, "flags")->single_char_flags);
  g_assert_cmpuint (field (tcp, "flags")->default_num, ==, 2);
  g_assert_cmpstr (craft_field_def_get_default_text (field (tcp, "flags")), ==, "\"S\"");
  const CraftLayerDef *icmp = layer (reg, "ICMP");
  g_assert_cmpint (field (icmp, "code")->enum_selector, ==, 0);
  g_assert_cmpuint (field (icmp, "code")->enum_choices->len, ==, 5);
  assert_calc (field (icmp, "id")->condition, icmp, "(type in {0, 8, 13, 14, 15, 16, 17, 18, 37, 38})");
  const CraftLayerDef *udp = layer (reg, "UDP");
  assert_calc (field (udp, "chksum")->default_calc, udp, "(inet_checksum(pseudo, layer) ?: 65535)");
  g_assert_true (craft__kind_lookup ("mac") == field (layer (reg, "Ether"), "dst")->kind);
}

/* ---- Robustness ---- */

static const char *const fuzz_tokens[] = {
  "{", "}", ";", ":", "=", "==", "->", "(", ")", ",", "\"", "/*", "*/", "#", "\n", "u65", "u0", "bytes(", "if ",
  " in ", "{ 1, 2 }", "enum ", "flags ", "le ", "align 4", "layer ", "bind ", "len(", "inet_checksum(", "?", "?:",
  "-", "!", "0x", "18446744073709551616", "é", "\xff", "\\", "\\0", "lower.", "summary \"{", "pseudo ", "route ",
  "((((((((((((((((((((((((((((((((((", "source_ip(", "max(", "UDP", "IP.proto", "\t", "\r\n", "\f",
};

static void
mutate (GString *text)
{
  guint n = (guint) g_test_rand_int_range (1, 5);
  for (guint k = 0; k < n; k++)
    {
      gsize at = text->len ? (gsize) g_test_rand_int_range (0, (gint32) text->len) : 0;
      switch (g_test_rand_int_range (0, 6))
        {
        case 0: /* flip a byte */
          if (text->len > 0)
            text->str[at] = (char) g_test_rand_int_range (1, 256);
          break;
        case 1: /* delete a span */
          {
            gssize len = g_test_rand_int_range (1, 40);
            g_string_erase (text, (gssize) at, MIN ((gssize) (text->len - at), len));
            break;
          }
        case 2: /* truncate */
          g_string_truncate (text, at);
          break;
        case 3: /* insert a token */
          g_string_insert (text, (gssize) at, fuzz_tokens[g_test_rand_int_range (0, G_N_ELEMENTS (fuzz_tokens))]);
          break;
        case 4: /* duplicate a span */
          {
            gsize len = (gsize) g_test_rand_int_range (1, 80);
            len = MIN (text->len - at, len);
            g_autofree char *copy = g_strndup (text->str + at, len);
            g_string_insert (text, (gssize) (text->len ? (gsize) g_test_rand_int_range (0, (gint32) text->len) : 0),
                             copy);
            break;
          }
        default: /* insert a random byte, rarely NUL */
          {
            char c = (char) g_test_rand_int_range (g_test_rand_int_range (0, 50) == 0 ? 0 : 1, 256);
            g_string_insert_len (text, (gssize) at, &c, 1);
            break;
          }
        }
    }
}

static void
test_fuzz (void)
{
  g_test_summary ("5000 random mutations of the built-in definitions never crash the loader, and every "
                  "failure is a craft error with a place on a real line (line >= 1, column >= 1).");
  static const char *const files[] = { "ip.pdl", "icmp.pdl", "tcp.pdl", "udp.pdl", "arp.pdl", "ether.pdl" };
  GPtrArray *sources = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (CRAFT_SOURCE_DIR, "proto", files[i], NULL);
      char *text = NULL;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_ptr_array_add (sources, text);
    }
  g_autoptr (CraftRegistry) base = builtin_registry ();
  guint failures = 0;
  for (guint iteration = 0; iteration < 5000; iteration++)
    {
      /* Successful loads replace layers; start again now and then so the base stays realistic. */
      if (iteration % 500 == 499)
        {
          craft_registry_unref (base);
          base = builtin_registry ();
        }
      GString *text = g_string_new (g_ptr_array_index (sources, iteration % sources->len));
      mutate (text);
      g_autoptr (GError) error = NULL;
      gboolean ok = craft_registry_load_data (base, "fuzz.pdl", text->str, (gssize) text->len, &error);
      if (!ok)
        {
          failures++;
          g_assert_nonnull (error);
          g_assert_true (error->domain == CRAFT_ERROR);
          g_assert_true (error->code == CRAFT_ERROR_SYNTAX || error->code == CRAFT_ERROR_DEFINITION);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          CraftErrorLocation loc;
          g_assert_true (craft_error_get_location (error, &loc));
          g_assert_cmpstr (loc.file, ==, "fuzz.pdl");
          guint lines = 1;
          for (gsize i = 0; i < text->len; i++)
            lines += text->str[i] == '\n';
          g_assert_cmpuint (loc.line, >=, 1);
          g_assert_cmpuint (loc.line, <=, lines);
          g_assert_cmpuint (loc.column, >=, 1);
          g_assert_cmpuint (loc.column, <=, text->len + 1);
        }
      else
        g_assert_no_error (error);
      g_string_free (text, TRUE);
    }
  g_test_message ("%u of 5000 mutated files failed to load", failures);
  /* Most mutations break something, some do not: both paths ran. */
  g_assert_cmpuint (failures, >, 1000);
  g_assert_cmpuint (failures, <, 5000);
  g_ptr_array_unref (sources);
}

static void
test_wireshark_statements (void)
{
  g_test_summary ("wireshark, wireshark_table and wireshark_addresses compile into the model, before or after the fields.");
  g_autoptr (CraftRegistry) reg = registry_from ("layer Net {\n"
                                                 "    wireshark_addresses network from to;\n"
                                                 "    wireshark \"mynet\";\n"
                                                 "    kind: u16;\n"
                                                 "    from: ipv4;\n"
                                                 "    to: ipv4;\n"
                                                 "    wireshark_table kind \"ethertype\";\n"
                                                 "}\n");
  const CraftLayerDef *l = layer (reg, "Net");
  g_assert_cmpstr (l->wireshark_name, ==, "mynet");
  g_assert_cmpint (l->wireshark_source, ==, 1);
  g_assert_cmpint (l->wireshark_destination, ==, 2);
  g_assert_true (l->wireshark_network);
  g_assert_cmpstr (field (l, "kind")->wireshark_table, ==, "ethertype");
  g_assert_null (field (l, "from")->wireshark_table);
  g_autoptr (CraftRegistry) plain = registry_from ("layer Plain { a: u8; }\n");
  g_assert_null (layer (plain, "Plain")->wireshark_name);
  g_assert_cmpint (layer (plain, "Plain")->wireshark_source, ==, -1);
}

static void
test_wireshark_errors (void)
{
  g_test_summary ("Wireshark statements with a bad name, field or kind are refused where they are written.");
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  assert_load_fails (reg, "layer A { a: u8; wireshark \"Bad Name\"; }", -1, CRAFT_ERROR_DEFINITION, 1, 28,
                     "not a Wireshark protocol name");
  assert_load_fails (reg, "layer A { a: u8; wireshark ip; }", -1, CRAFT_ERROR_SYNTAX, 1, 28,
                     "Wireshark's name for the protocol");
  assert_load_fails (reg, "layer A { a: u8; wireshark_table b \"udp.port\"; }", -1, CRAFT_ERROR_DEFINITION, 1, 34,
                     "'b' is not a field of layer 'A'");
  assert_load_fails (reg, "layer A { a: ipv4; wireshark_table a \"udp.port\"; }", -1, CRAFT_ERROR_DEFINITION, 1,
                     36, "needs an integer field of at most 32 bits");
  assert_load_fails (reg, "layer A { a: u8; wireshark_table a \"UDP port\"; }", -1, CRAFT_ERROR_DEFINITION, 1, 36,
                     "not a Wireshark table name");
  assert_load_fails (reg, "layer A { a: mac; b: ipv4; wireshark_addresses site a b; }", -1, CRAFT_ERROR_DEFINITION,
                     1, 48, "expected 'link' or 'network'");
  assert_load_fails (reg, "layer A { a: mac; b: ipv4; wireshark_addresses link a b; }", -1, CRAFT_ERROR_DEFINITION,
                     1, 53, "two address fields of one kind");
  assert_load_fails (reg, "layer A { a: mac; wireshark_addresses link a c; }", -1, CRAFT_ERROR_DEFINITION, 1, 46,
                     "'c' is not a field of layer 'A'");
}

static void
test_wireshark_builtin (void)
{
  g_test_summary ("The built-in layers name the Wireshark protocols, tables and addresses they correspond to.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  static const struct {
    const char *layer, *wireshark, *table_field, *table;
  } rows[] = {
    { "Ether", "eth", "type", "ethertype" }, { "Dot1Q", "vlan", "type", "ethertype" },
    { "IP", "ip", "proto", "ip.proto" },     { "IPv6", "ipv6", "nh", "ip.proto" },
    { "TCP", "tcp", "dport", "tcp.port" },   { "UDP", "udp", "sport", "udp.port" },
    { "ARP", "arp", NULL, NULL },            { "ICMP", "icmp", NULL, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const CraftLayerDef *l = layer (reg, rows[i].layer);
      g_assert_cmpstr (l->wireshark_name, ==, rows[i].wireshark);
      if (rows[i].table_field != NULL)
        g_assert_cmpstr (field (l, rows[i].table_field)->wireshark_table, ==, rows[i].table);
    }
  const CraftLayerDef *ip = layer (reg, "IP");
  g_assert_cmpstr (((CraftFieldDef *) g_ptr_array_index (ip->fields, ip->wireshark_source))->name, ==, "src");
  g_assert_true (ip->wireshark_network);
  g_assert_false (layer (reg, "Ether")->wireshark_network);
}

/* `unchecked`: a computed default that only fills an unset field. Building
 * fills it; a dissected value that differs is no finding, where a checked
 * length still is; misuse is an error at the modifier. */
static void
test_unchecked (void)
{
  g_test_summary ("The 'unchecked' modifier keeps a computed default out of verification, and is an error "
                  "where there is no computed default to leave unchecked.");
  g_autoptr (CraftRegistry) reg = builtin_registry ();
  load_ok (reg, "layer U {\n"
                "  n: u8 = len(payload);\n"
                "  half: u8 unchecked \"Half the payload\" = len(payload) / 2;\n"
                "}\n");
  const CraftLayerDef *l = layer (reg, "U");
  const CraftFieldDef *half = field (l, "half"), *n = field (l, "n");
  g_assert_true (half->unchecked);
  g_assert_false (half->derived);
  g_assert_cmpint (half->default_mode, ==, CRAFT_DEFAULT_COMPUTED);
  g_assert_cmpstr (half->description, ==, "Half the payload");
  g_assert_false (n->unchecked);
  g_assert_true (n->derived);
  g_autoptr (GBytes) built = build (reg, "U()/b\"abcd\"");
  assert_bytes_hex (built, "040261626364");

  /* half 7 stands; n 9 is four bytes off. */
  static const guint8 wire[] = { 0x09, 0x07, 'a', 'b', 'c', 'd' };
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "U", wire, sizeof wire, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_verify (p), ==, 1);
  const CraftFinding *finding = craft_packet_get_finding (p, 0);
  g_assert_cmpint (finding->kind, ==, CRAFT_FINDING_LENGTH);
  g_assert_nonnull (strstr (finding->message, "U.n is 9, should be 4"));
  /* A rebuild after an edit keeps the dissected value too. */
  g_assert_true (craft_packet_set_uint (p, 0, "n", 4, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) rebuilt = craft_packet_build (p, &error);
  g_assert_no_error (error);
  assert_bytes_hex (rebuilt, "040761626364");

  /* A host default (the clock) is never checked either, unchecked or not. */
  load_ok (reg, "layer T { t: u64 ntp_time = ntp_now(); }");
  const CraftFieldDef *t = field (layer (reg, "T"), "t");
  assert_calc (t->default_calc, layer (reg, "T"), "ntp_now()");
  g_assert_false (t->derived);
  g_assert_false (t->deferred);

  g_autoptr (CraftRegistry) empty = craft_registry_new ();
  assert_load_fails (empty, "layer A { a: u8 unchecked = 3; }", -1, CRAFT_ERROR_DEFINITION, 1, 17,
                     "'unchecked' applies to a field with a computed default (= EXPR); field 'a' has none");
  assert_load_fails (empty, "layer A {\n  a: u8 unchecked \"A\";\n}", -1, CRAFT_ERROR_DEFINITION, 2, 9,
                     "field 'a' has none");
  assert_load_fails (empty, "layer A { a: u16 unchecked = inet_checksum(header); }", -1, CRAFT_ERROR_DEFINITION,
                     1, 18, "field 'a' is a checksum, which dissection checks");
  assert_load_fails (empty, "layer A { a: u8 unchecked unchecked = len(header); }", -1, CRAFT_ERROR_DEFINITION,
                     1, 27, "'unchecked' is written twice");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pdl/empty", test_empty);
  g_test_add_func ("/pdl/comments", test_comments);
  g_test_add_func ("/pdl/integer/widths", test_integer_widths);
  g_test_add_func ("/pdl/integer/modifiers", test_integer_modifiers);
  g_test_add_func ("/pdl/addresses", test_addresses);
  g_test_add_func ("/pdl/bytes", test_bytes);
  g_test_add_func ("/pdl/enums", test_enums);
  g_test_add_func ("/pdl/flags", test_flags);
  g_test_add_func ("/pdl/conditions", test_conditions);
  g_test_add_func ("/pdl/defaults", test_defaults);
  g_test_add_func ("/pdl/expressions", test_expressions);
  g_test_add_func ("/pdl/descriptions", test_descriptions);
  g_test_add_func ("/pdl/statements", test_statements);
  g_test_add_func ("/pdl/keyword-names", test_keyword_names);
  g_test_add_func ("/pdl/bindings", test_bindings);
  g_test_add_func ("/pdl/bindings/later-wins", test_later_binding_wins);
  g_test_add_func ("/pdl/roundtrip", test_roundtrip);
  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pdl/error/%s", error_cases[i].name);
      g_test_add_data_func (path, &error_cases[i], test_error_case);
    }
  g_test_add_func ("/pdl/error/too-many-fields", test_error_too_many_fields);
  g_test_add_func ("/pdl/error/nesting", test_error_nesting);
  g_test_add_func ("/pdl/error/long-chain", test_error_long_chain);
  g_test_add_func ("/pdl/locations", test_locations);
  g_test_add_func ("/pdl/large", test_large);
  g_test_add_func ("/pdl/all-or-nothing", test_all_or_nothing);
  g_test_add_func ("/pdl/replace/layer", test_replace_layer);
  g_test_add_func ("/pdl/replace/breaks-binding", test_replace_breaks_binding);
  g_test_add_func ("/pdl/load/file", test_load_file);
  g_test_add_func ("/pdl/load/dir", test_load_dir);
  g_test_add_func ("/pdl/load/order", test_load_order);
  g_test_add_func ("/pdl/builtin", test_builtin);
  g_test_add_func ("/pdl/builtin/model", test_builtin_model);
  g_test_add_func ("/pdl/fuzz", test_fuzz);
  g_test_add_func ("/pdl/unchecked", test_unchecked);
  g_test_add_func ("/pdl/wireshark/statements", test_wireshark_statements);
  g_test_add_func ("/pdl/wireshark/errors", test_wireshark_errors);
  g_test_add_func ("/pdl/wireshark/builtin", test_wireshark_builtin);
  return g_test_run ();
}
