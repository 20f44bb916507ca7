/* Tests for reading a header cut short as far as it goes (craft__packet_new_partial), as the plugin shows it. */
#include <glib.h>

#include <craft/craft.h>

#include "packet-private.h"

static CraftRegistry *
registry (void)
{
  g_autoptr (GError) error = NULL;
  CraftRegistry *reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, &error));
  g_assert_true (craft_registry_load_dir (reg, CRAFT_SOURCE_DIR "/proto/examples", &error));
  g_assert_no_error (error);
  return reg;
}

static void
test_cut_header (void)
{
  g_test_summary ("The fields before the one that does not fit are read at their bits; it and those after are absent.");
  g_autoptr (CraftRegistry) reg = registry ();
  const CraftLayerDef *def = craft_registry_lookup_layer (reg, "Telemetry");
  static const guint8 data[] = { 0x22, 0x05, 0x00 };
  g_autoptr (CraftPacket) p = craft__packet_new_partial (reg, def, data, sizeof data);
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 1);
  const CraftLayer *l = craft__packet_layer (p, 0);
  g_assert_true (l->def == def);
  g_assert_true (l->cut);
  g_assert_cmpuint (l->hdr_len, ==, 2);
  g_assert_cmpuint (l->end, ==, 2);
  static const struct {
    const char *name;
    gboolean present;
    guint64 value;
  } want[] = { { "version", TRUE, 1 }, { "urgent", TRUE, 0 }, { "kind", TRUE, 2 }, { "flags", TRUE, 5 },
               { "length", FALSE, 0 }, { "sequence", FALSE, 0 }, { "note", FALSE, 0 } };
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    {
      gint k = craft__layer_def_field_index (def, want[i].name);
      g_assert_cmpint (k, >=, 0);
      g_assert_cmpint (l->slots[k].present, ==, want[i].present);
      if (want[i].present)
        {
          guint64 num;
          const guint8 *bytes;
          gsize len;
          craft__slot_value (p, NULL, 0, (guint) k, &num, &bytes, &len);
          g_assert_cmpuint (num, ==, want[i].value);
        }
    }
  g_assert_cmpuint (craft_packet_get_n_findings (p), ==, 1);
  const CraftFinding *f = craft_packet_get_finding (p, 0);
  g_assert_cmpint (f->kind, ==, CRAFT_FINDING_TRUNCATED);
  g_assert_cmpint (f->field, ==, craft__layer_def_field_index (def, "length"));
  g_assert_cmpstr (f->message, ==, "Telemetry.length needs 2 bytes at offset 2, 1 present");
}

static void
test_whole_and_empty (void)
{
  g_test_summary ("A header that fits is read whole; no bytes at all leave every field absent.");
  g_autoptr (CraftRegistry) reg = registry ();
  const CraftLayerDef *def = craft_registry_lookup_layer (reg, "SpindleState");
  static const guint8 data[] = { 0x01, 0x2a, 0xe8, 0x03, 0x00, 0x00, 0xff };
  g_autoptr (CraftPacket) whole = craft__packet_new_partial (reg, def, data, sizeof data);
  const CraftLayer *l = craft__packet_layer (whole, 0);
  g_assert_false (l->cut);
  g_assert_cmpuint (l->hdr_len, ==, 6);
  g_assert_cmpuint (l->end, ==, sizeof data);
  g_assert_cmpuint (craft_packet_get_n_findings (whole), ==, 0);
  g_autoptr (CraftPacket) empty = craft__packet_new_partial (reg, def, NULL, 0);
  l = craft__packet_layer (empty, 0);
  g_assert_cmpuint (l->hdr_len, ==, 0);
  for (guint k = 0; k < def->fields->len; k++)
    g_assert_false (l->slots[k].present);
}

static void
test_chosen_upper (void)
{
  g_test_summary ("The layer the bindings chose above is found again after dissection left its cut header as Raw.");
  g_autoptr (CraftRegistry) reg = registry ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) built = craft_packet_new_from_expression (reg, "Spindle(op=\"submit\",length=18)/b\"\\x01\\x02\"",
                                                                    &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (built, &error);
  g_assert_no_error (error);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, "Spindle", data, size, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 2);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (p, 1)), ==, "Raw");
  g_assert_true (craft__packet_chosen_upper (p, 0) == craft_registry_lookup_layer (reg, "SpindleJob"));
  /* Above the Raw itself, and past the last layer, there is nothing. */
  g_assert_null (craft__packet_chosen_upper (p, 1));
  g_assert_null (craft__packet_chosen_upper (p, 2));
}

static void
test_above (void)
{
  g_test_summary ("A message dissected above a layer the packet does not hold (Wireshark's TCP) sees it in "
                  "lower_is(): DNS has its length prefix, and its length gives its end; above nothing, not.");
  g_autoptr (CraftRegistry) reg = registry ();
  const CraftLayerDef *dns = craft_registry_lookup_layer (reg, "DNS");
  const CraftLayerDef *tcp = craft_registry_lookup_layer (reg, "TCP");
  const CraftLayerDef *udp = craft_registry_lookup_layer (reg, "UDP");
  /* A response of 17 bytes behind its length, then 5 bytes of the next message. */
  static const guint8 data[] = { 0x00, 0x11, 0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x20, 0x56 };
  gint length_field = craft__layer_def_field_index (dns, "length");
  g_autoptr (CraftPacket) p = craft_packet_new (reg);
  craft__packet_set_from_bytes_above (p, tcp, dns, data, sizeof data);
  g_assert_cmpuint (craft_packet_get_n_layers (p), ==, 2);
  g_assert_true (craft_packet_get_layer (p, 0) == dns);
  g_assert_cmpstr (craft_layer_def_get_name (craft_packet_get_layer (p, 1)), ==, "Padding");
  guint64 value = 0;
  g_assert_true (craft_packet_get_uint (p, 0, "length", &value, NULL));
  g_assert_cmpuint (value, ==, 17);
  g_assert_true (craft_packet_get_uint (p, 0, "id", &value, NULL));
  g_assert_cmpuint (value, ==, 0x1234);
  g_assert_cmpuint (craft__packet_layer (p, 0)->end, ==, 19);
  CraftEval ev = { .packet = p, .layer = 0, .data = data, .length = sizeof data };
  g_assert_true (craft__layer_declared_length (&ev, &value));
  g_assert_cmpuint (value, ==, 19);
  /* Its computed fields are judged with the length there. */
  g_assert_cmpuint (craft_packet_verify (p), ==, 0);

  /* Above UDP, or above nothing, the same bytes start with the identifier. */
  const CraftLayerDef *belows[] = { udp, NULL };
  for (gsize i = 0; i < G_N_ELEMENTS (belows); i++)
    {
      craft__packet_set_from_bytes_above (p, belows[i], dns, data + 2, sizeof data - 2);
      g_assert_false (craft__packet_layer (p, 0)->slots[length_field].present);
      g_assert_true (craft_packet_get_uint (p, 0, "id", &value, NULL));
      g_assert_cmpuint (value, ==, 0x1234);
      CraftEval none = { .packet = p, .layer = 0, .data = data + 2, .length = sizeof data - 2 };
      g_assert_false (craft__layer_declared_length (&none, &value));
    }
  /* Recycled by craft_packet_set_from_bytes(), a packet is above nothing again. */
  craft__packet_set_from_bytes_above (p, tcp, dns, data, sizeof data);
  craft_packet_set_from_bytes (p, dns, data + 2, sizeof data - 2);
  g_assert_false (craft__packet_layer (p, 0)->slots[length_field].present);

  /* A header cut short: the length is read before the cut. */
  g_autoptr (CraftPacket) part = craft__packet_new_partial_above (reg, tcp, dns, data, 5);
  const CraftLayer *l = craft__packet_layer (part, 0);
  g_assert_true (l->cut);
  g_assert_true (l->slots[length_field].present);
  g_assert_true (l->slots[craft__layer_def_field_index (dns, "id")].present);
  g_assert_false (l->slots[craft__layer_def_field_index (dns, "qdcount")].present);
  g_autoptr (CraftPacket) part_udp = craft__packet_new_partial_above (reg, NULL, dns, data, 5);
  g_assert_false (craft__packet_layer (part_udp, 0)->slots[length_field].present);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/partial/cut-header", test_cut_header);
  g_test_add_func ("/partial/whole-and-empty", test_whole_and_empty);
  g_test_add_func ("/partial/chosen-upper", test_chosen_upper);
  g_test_add_func ("/partial/above", test_above);
  return g_test_run ();
}
