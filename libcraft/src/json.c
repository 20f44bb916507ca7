/* Packets as JSON: one object per packet, its layers and their field values, for `craft read --json`. */
#include "packet-private.h"

#include "kinds.h"

#include <json-glib/json-glib.h>

/* Adds field `index` of layer `layer` as a member of the object being built. */
static void
add_field (JsonBuilder *builder, CraftPacket *packet, guint layer, guint index, GString *scratch)
{
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (packet, layer), index);
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (packet, NULL, layer, index, &num, &data, &len);
  json_builder_set_member_name (builder, f->name);
  g_string_truncate (scratch, 0);
  if (f->kind->is_integer)
    {
      /* Dissected and built values are masked to the field's width: a
       * signed field's sign bit is the width's top bit. */
      gint64 value = (gint64) num;
      if (f->kind->is_signed && f->bits < 64 && (num >> (f->bits - 1)) & 1)
        value = (gint64) (num | ~(((guint64) 1 << f->bits) - 1));
      if (f->bits <= CRAFT_JSON_MAX_NUMBER_BITS)
        {
          json_builder_add_int_value (builder, value);
          return;
        }
      if (f->kind->is_signed)
        g_string_append_printf (scratch, "%" G_GINT64_FORMAT, value);
      else
        g_string_append_printf (scratch, "%" G_GUINT64_FORMAT, num);
    }
  else if (f->kind->format != NULL && f->kind->fixed_bits != 0 && len * 8 == f->kind->fixed_bits)
    f->kind->format (data, len, scratch);
  else
    {
      static const char digits[] = "0123456789abcdef";
      gsize start = scratch->len;
      g_string_set_size (scratch, start + 2 * len);
      for (gsize i = 0; i < len; i++)
        {
          scratch->str[start + 2 * i] = digits[data[i] >> 4];
          scratch->str[start + 2 * i + 1] = digits[data[i] & 15];
        }
    }
  json_builder_add_string_value (builder, scratch->str);
}

/* Appends `usec` microseconds as seconds with six decimals. */
static void
append_seconds (GString *out, gint64 usec)
{
  guint64 magnitude = usec < 0 ? (guint64) 0 - (guint64) usec : (guint64) usec;
  g_string_append_printf (out, "%s%" G_GUINT64_FORMAT ".%06u", usec < 0 ? "-" : "", magnitude / G_USEC_PER_SEC,
                          (guint) (magnitude % G_USEC_PER_SEC));
}

char *
craft_packet_to_json (CraftPacket *packet, const CraftCaptureRecord *record)
{
  g_return_val_if_fail (packet != NULL, NULL);
  /* Computed values are only right once built as the packet is now. */
  if (!packet->wire_current)
    {
      g_autoptr (GBytes) built = craft_packet_build (packet, NULL);
    }
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GString) scratch = g_string_new (NULL);
  json_builder_begin_array (builder);
  for (guint i = 0; i < packet->layers->len; i++)
    {
      const CraftLayer *l = craft__packet_layer (packet, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "layer");
      json_builder_add_string_value (builder, l->def->name);
      json_builder_set_member_name (builder, "fields");
      json_builder_begin_object (builder);
      for (guint k = 0; k < l->def->fields->len; k++)
        if (l->slots[k].present)
          add_field (builder, packet, i, k, scratch);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  g_autoptr (JsonNode) layers = json_builder_get_root (builder);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  json_generator_set_root (generator, layers);
  g_autofree char *layers_text = json_generator_to_data (generator, NULL);

  /* The outer object is written here so that the time keeps exactly its
   * six decimals: JsonGenerator writes doubles with 17 significant digits. */
  GString *out = g_string_new ("{");
  if (record != NULL)
    {
      g_string_append_printf (out, "\"n\":%" G_GUINT64_FORMAT ",\"time\":", record->number);
      append_seconds (out, record->time_usec);
      g_string_append_printf (out, ",\"len\":%u", record->length);
    }
  else
    {
      gsize size = packet->wire != NULL ? g_bytes_get_size (packet->wire) : 0;
      g_string_append_printf (out, "\"len\":%zu", size);
    }
  g_string_append_printf (out, ",\"layers\":%s}", layers_text);
  return g_string_free (out, FALSE);
}
