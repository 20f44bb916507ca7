/* Tests for the `heuristic on LAYER if EXPR;` statement: its compiled form, its errors, and its test on bytes. */
#include <glib.h>
#include <string.h>

#include <craft/craft.h>

#include "model.h"

#define ORIGIN "test.pdl"

static CraftRegistry *
builtin_with (const char *text)
{
  g_autoptr (GError) error = NULL;
  CraftRegistry *reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, &error));
  g_assert_true (craft_registry_load_data (reg, ORIGIN, text, -1, &error));
  g_assert_no_error (error);
  return reg;
}

/* Loading `text` on top of the built-in layers fails at line:column with `message`. */
static void
assert_fails (const char *text, guint line, guint column, const char *message)
{
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_registry_load_builtin (reg, &error));
  guint before = craft_registry_get_n_layers (reg);
  g_assert_false (craft_registry_load_data (reg, ORIGIN, text, -1, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, message) == NULL)
    g_assert_cmpstr (error->message, ==, message);
  CraftErrorLocation loc;
  g_assert_true (craft_error_get_location (error, &loc));
  g_assert_cmpuint (loc.line, ==, line);
  g_assert_cmpuint (loc.column, ==, column);
  g_assert_cmpuint (craft_registry_get_n_layers (reg), ==, before);
}

static void
test_compiled (void)
{
  g_test_summary ("heuristic on LAYER, ... if EXPR compiles into the layers below, the condition and the bytes it reads.");
  g_autoptr (CraftRegistry) reg = builtin_with ("layer Beacon {\n"
                                                "    heuristic on UDP, TCP if magic == 0xbe && len(layer) >= 6;\n"
                                                "    magic: u8;\n"
                                                "    version: u4;\n"
                                                "    kind: u4;\n"
                                                "    size: u16;\n"
                                                "}\n"
                                                "layer Plain { a: u8; }\n");
  const CraftLayerDef *l = craft_registry_lookup_layer (reg, "Beacon");
  g_assert_nonnull (l->heuristic_on);
  g_assert_cmpuint (l->heuristic_on->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (l->heuristic_on, 0), ==, "UDP");
  g_assert_cmpstr (g_ptr_array_index (l->heuristic_on, 1), ==, "TCP");
  g_assert_nonnull (l->heuristic);
  g_assert_cmpuint (l->heuristic_bytes, ==, 1);
  /* A guard is a different thing: the layer has none. */
  g_assert_null (l->guard);
  const CraftLayerDef *plain = craft_registry_lookup_layer (reg, "Plain");
  g_assert_null (plain->heuristic_on);
  g_assert_null (plain->heuristic);
}

static void
test_holds (void)
{
  g_test_summary ("A heuristic holds on the bytes only when its condition does, reading no byte past the end.");
  g_autoptr (CraftRegistry) reg = builtin_with ("layer Beacon {\n"
                                                "    magic: u8;\n"
                                                "    version: u4;\n"
                                                "    kind: u4;\n"
                                                "    size: u16 le;\n"
                                                "    heuristic on UDP if magic == 0xbe && version == 1 && kind in { 2, 3 }\n"
                                                "        && size == len(layer);\n"
                                                "}\n"
                                                "layer Plain { a: u8; }\n");
  const CraftLayerDef *l = craft_registry_lookup_layer (reg, "Beacon");
  g_assert_cmpuint (l->heuristic_bytes, ==, 4);
  static const guint8 good[] = { 0xbe, 0x12, 0x06, 0x00, 0xaa, 0xbb };
  g_assert_true (craft__layer_heuristic_holds (l, good, sizeof good));
  /* len(layer) is the bytes there are: one more or one less breaks it. */
  static const guint8 longer[] = { 0xbe, 0x12, 0x06, 0x00, 0xaa, 0xbb, 0xcc };
  g_assert_false (craft__layer_heuristic_holds (l, longer, sizeof longer));
  g_assert_false (craft__layer_heuristic_holds (l, good, sizeof good - 1));
  static const guint8 wrong_kind[] = { 0xbe, 0x14, 0x06, 0x00, 0xaa, 0xbb };
  g_assert_false (craft__layer_heuristic_holds (l, wrong_kind, sizeof wrong_kind));
  static const guint8 wrong_magic[] = { 0xbf, 0x12, 0x06, 0x00, 0xaa, 0xbb };
  g_assert_false (craft__layer_heuristic_holds (l, wrong_magic, sizeof wrong_magic));
  /* Too few bytes to judge: no, and nothing is read from them (ASan would say). */
  guint8 *three = g_memdup2 (good, 3);
  g_assert_false (craft__layer_heuristic_holds (l, three, 3));
  g_free (three);
  g_assert_false (craft__layer_heuristic_holds (l, NULL, 0));
  /* A layer that declares no heuristic never holds. */
  g_assert_false (craft__layer_heuristic_holds (craft_registry_lookup_layer (reg, "Plain"), good, sizeof good));
}

static void
test_examples (void)
{
  g_test_summary ("The example Telemetry's heuristic holds on a message craft builds, not on other bytes.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, &error));
  g_assert_true (craft_registry_load_dir (reg, CRAFT_SOURCE_DIR "/proto/examples", &error));
  g_assert_no_error (error);
  const CraftLayerDef *telemetry = craft_registry_lookup_layer (reg, "Telemetry");
  g_assert_nonnull (telemetry->heuristic);
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (reg, "Telemetry(kind=\"humidity\",note=\"40%\")", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_assert_true (craft__layer_heuristic_holds (telemetry, data, size));
  g_assert_false (craft__layer_heuristic_holds (telemetry, data, size - 1));
  static const char text[] = "GET / HTTP/1.1\r\n\r\n";
  g_assert_false (craft__layer_heuristic_holds (telemetry, (const guint8 *) text, strlen (text)));
}

static void
test_errors (void)
{
  g_test_summary ("A heuristic naming a layer that is not there, or none Wireshark knows, or a condition a guard "
                  "could not test, is refused where it is written.");
  assert_fails ("layer T { a: u8; heuristic on Nope if a == 1; }", 1, 31,
                "no layer named 'Nope' is loaded (heuristic can only name layers defined earlier)");
  assert_fails ("layer T { a: u8; heuristic on Raw if a == 1; }", 1, 31,
                "'Raw' names none (it has no 'wireshark \"...\";' statement)");
  assert_fails ("layer T { a: u8; heuristic on T if a == 1; }", 1, 31, "a heuristic on itself");
  assert_fails ("layer T { a: u8; heuristic on UDP; }", 1, 34, "expected 'if' and the condition");
  assert_fails ("layer T { a: u8; heuristic UDP if a == 1; }", 1, 28, "expected 'on' and the layers below");
  assert_fails ("layer T { a: u8; heuristic on UDP if a == 1; heuristic on TCP if a == 2; }", 1, 46,
                "layer 'T' already has a heuristic");
  assert_fails ("layer T { a: u8; b: bytes(a); c: u8; heuristic on UDP if c == 1; }", 1, 58,
                "a heuristic reads only fields at a fixed place: 'c' follows 'b', which is of variable size");
  assert_fails ("layer T { a: u8; b: u8 if a == 1; heuristic on UDP if b == 1; }", 1, 55,
                "a heuristic reads only fields that are always present");
  assert_fails ("layer T { a: ipv4; heuristic on UDP if a == 1; }", 1, 40, "a heuristic reads integer fields");
  assert_fails ("layer T { a: u8; heuristic on UDP if len(payload) > 1; }", 1, 38,
                "cannot use len() other than len(layer)");
  assert_fails ("layer T { a: u8; heuristic on UDP if crc32(layer) == 1; }", 1, 38, "cannot use crc32()");
  assert_fails ("layer T { a: u8; heuristic on UDP if nope == 1; }", 1, 38, "'nope' is not a field of layer 'T'");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/heuristic/compiled", test_compiled);
  g_test_add_func ("/heuristic/holds", test_holds);
  g_test_add_func ("/heuristic/examples", test_examples);
  g_test_add_func ("/heuristic/errors", test_errors);
  return g_test_run ();
}
