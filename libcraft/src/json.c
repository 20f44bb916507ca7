/* Packets as JSON: one object per packet, its layers and their field values, for `craft read --json`. */
#include "packet-private.h"

#include "json-private.h"
#include "kinds.h"
#include "ntp-time.h"
#include "template.h"

#include <string.h>

#include <json-glib/json-glib.h>

/* Field `index` of layer `layer` as JSON: TRUE with `*number` for a JSON
 * number, FALSE with the text of a JSON string in `scratch`. */
static gboolean
field_value (CraftPacket *packet, guint layer, guint index, GString *scratch, gint64 *number)
{
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (packet, layer), index);
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (packet, NULL, layer, index, &num, &data, &len);
  g_string_truncate (scratch, 0);
  if (f->ntp_time)
    craft__ntp_time_format (num, scratch);
  else if (f->kind->is_integer)
    {
      /* Dissected and built values are masked to the field's width: a
       * signed field's sign bit is the width's top bit. */
      gint64 value = (gint64) num;
      if (f->kind->is_signed && f->bits < 64 && (num >> (f->bits - 1)) & 1)
        value = (gint64) (num | ~(((guint64) 1 << f->bits) - 1));
      if (f->bits <= CRAFT_JSON_MAX_NUMBER_BITS)
        {
          *number = value;
          return TRUE;
        }
      if (f->kind->is_signed)
        g_string_append_printf (scratch, "%" G_GINT64_FORMAT, value);
      else
        g_string_append_printf (scratch, "%" G_GUINT64_FORMAT, num);
    }
  else if (f->kind->format != NULL && f->kind->fixed_bits != 0 && len * 8 == f->kind->fixed_bits)
    f->kind->format (data, len, scratch);
  else if (f->kind->format_at != NULL)
    craft__slot_format_at (packet, layer, index, scratch);
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
  return FALSE;
}

/* Adds field `index` of layer `layer` as a member of the object being built. */
static void
add_field (JsonBuilder *builder, CraftPacket *packet, guint layer, guint index, GString *scratch)
{
  gint64 number;
  json_builder_set_member_name (builder, craft__layer_field (craft__packet_layer (packet, layer), index)->name);
  if (field_value (packet, layer, index, scratch, &number))
    json_builder_add_int_value (builder, number);
  else
    json_builder_add_string_value (builder, scratch->str);
}

static void add_layer (JsonBuilder *builder, CraftPacket *packet, guint i, GString *scratch);

/* One element of a list field, as a layer object. */
static void
add_element (CraftPacket *element, gpointer data)
{
  g_autoptr (GString) scratch = g_string_new (NULL);
  add_layer (data, element, 0, scratch);
}

/* {"layer": NAME, "fields": {...}}; a list field is an array of such objects. */
static void
add_layer (JsonBuilder *builder, CraftPacket *packet, guint i, GString *scratch)
{
  const CraftLayer *l = craft__packet_layer (packet, i);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "layer");
  json_builder_add_string_value (builder, l->def->name);
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  for (guint k = 0; k < l->def->fields->len; k++)
    {
      if (!l->slots[k].present)
        continue;
      if (!craft__layer_field (l, k)->kind->is_list)
        {
          add_field (builder, packet, i, k, scratch);
          continue;
        }
      json_builder_set_member_name (builder, craft__layer_field (l, k)->name);
      json_builder_begin_array (builder);
      craft__list_foreach (packet, i, k, add_element, builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* The "layers" array through JsonBuilder and JsonGenerator: the reference
 * for every escape and corner case, and the path taken whenever the direct
 * writer below declines. */
static char *
layers_json_builder (CraftPacket *packet)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GString) scratch = g_string_new (NULL);
  json_builder_begin_array (builder);
  for (guint i = 0; i < packet->layers->len; i++)
    add_layer (builder, packet, i, scratch);
  json_builder_end_array (builder);
  g_autoptr (JsonNode) layers = json_builder_get_root (builder);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  json_generator_set_root (generator, layers);
  return json_generator_to_data (generator, NULL);
}

/* Text JsonGenerator writes unchanged between quotes: printable ASCII
 * without '"' and '\\' (so without NUL either, which would end a C string). */
static gboolean
plain_text (const char *text, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (text[i] < 0x20 || text[i] > 0x7e || text[i] == '"' || text[i] == '\\')
      return FALSE;
  return TRUE;
}

/* Appends `value` in decimal, as "%" G_GINT64_FORMAT would, without printf. */
static void
append_int (GString *out, gint64 value)
{
  char digits[24];
  int n = sizeof digits;
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  do
    digits[--n] = (char) ('0' + magnitude % 10);
  while ((magnitude /= 10) != 0);
  if (value < 0)
    digits[--n] = '-';
  g_string_append_len (out, digits + n, (gssize) sizeof digits - n);
}

/* The fast path of the "layers" array (issue 8): the same bytes as
 * layers_json_builder(), written straight into `out` without a JsonNode per
 * field (that path spent ~95% of `craft read --json` in allocation). It
 * declines (FALSE, `out` restored) when a name or value would need an
 * escape, or a layer shows one field name twice (a JsonObject keeps the
 * last value in the first place): the reference path then writes it. */
static gboolean
layers_json_direct (CraftPacket *packet, GString *out, GString *scratch)
{
  gsize mark = out->len;
  g_string_append_c (out, '[');
  for (guint i = 0; i < packet->layers->len; i++)
    {
      const CraftLayer *l = craft__packet_layer (packet, i);
      if (!plain_text (l->def->name, strlen (l->def->name)))
        goto decline;
      g_string_append (out, i == 0 ? "{\"layer\":\"" : ",{\"layer\":\"");
      g_string_append (out, l->def->name);
      g_string_append (out, "\",\"fields\":{");
      gboolean first = TRUE;
      for (guint k = 0; k < l->def->fields->len; k++)
        {
          if (!l->slots[k].present)
            continue;
          const char *name = craft__layer_field (l, k)->name;
          if (!plain_text (name, strlen (name)))
            goto decline;
          if (craft__layer_field (l, k)->kind->is_list)
            {
              /* An empty list (most TCP headers' options) stays on this path. */
              guint64 unused;
              const guint8 *data;
              gsize len;
              craft__slot_value (packet, NULL, i, k, &unused, &data, &len);
              if (len != 0)
                goto decline;
              g_string_append (out, first ? "\"" : ",\"");
              g_string_append (out, name);
              g_string_append (out, "\":[]");
              first = FALSE;
              continue;
            }
          for (guint j = 0; j < k; j++)
            if (l->slots[j].present && strcmp (craft__layer_field (l, j)->name, name) == 0)
              goto decline;
          gint64 number;
          gboolean is_number = field_value (packet, i, k, scratch, &number);
          if (!is_number && !plain_text (scratch->str, scratch->len))
            goto decline;
          g_string_append (out, first ? "\"" : ",\"");
          g_string_append (out, name);
          g_string_append (out, "\":");
          if (is_number)
            append_int (out, number);
          else
            {
              g_string_append_c (out, '"');
              g_string_append_len (out, scratch->str, (gssize) scratch->len);
              g_string_append_c (out, '"');
            }
          first = FALSE;
        }
      g_string_append (out, "}}");
    }
  g_string_append_c (out, ']');
  return TRUE;
decline:
  g_string_truncate (out, mark);
  return FALSE;
}

void
craft__packet_layers_json (CraftPacket *packet, gboolean direct, GString *out)
{
  g_autoptr (GString) scratch = g_string_new (NULL);
  if (!direct || !layers_json_direct (packet, out, scratch))
    {
      g_autofree char *text = layers_json_builder (packet);
      g_string_append (out, text);
    }
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
      (void) built;
    }
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
      gsize size;
      craft__packet_wire_data (packet, &size);
      g_string_append_printf (out, "\"len\":%zu", size);
    }
  g_string_append (out, ",\"layers\":");
  craft__packet_layers_json (packet, TRUE, out);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
