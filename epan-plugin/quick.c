/* Messages shown without a tree (tshark -r): read in place when their dissection would find nothing to report. */
#include "craft-plugin.h"

#include "craft-limits.h"

/* Whether every message of the layer can be shown without a packet: each
 * field after the plan has a planned condition and a fixed, planned or
 * rest-of-layer size (no list, no kind that measures itself), the layer's
 * length (if any) is a planned field, nothing about it needs a packet to
 * show (addresses for Wireshark, summaries that are not read in place), and
 * when it has no length, no binding chooses a layer above it (which an
 * empty payload would then be missing). */
static gboolean
quick_layer (CraftPluginLayer *pl)
{
  const CraftLayerDef *def = pl->def;
  gint source, destination;
  gboolean network;
  if (def->fallback || def->trailer || def->plan_fields == 0 || def->length_if != NULL
      || craft_plugin_layer_addresses (def, &source, &destination, &network) || !craft_plugin_summary_in_place (pl))
    return FALSE;
  if (def->length != NULL ? def->plan_length_field == 0 : def->plan_bound != 0 || def->plan_bound_beyond)
    return FALSE;
  for (guint i = def->plan_fields; i < def->fields->len; i++)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, i);
      if (f->kind->is_list || f->kind->wire_size != NULL || (f->condition != NULL && !f->plan_condition))
        return FALSE;
      if (f->size_mode == CRAFT_SIZE_COUNT || (f->size_mode == CRAFT_SIZE_REST && f->kind->is_integer)
          || (f->size_mode == CRAFT_SIZE_EXPR && f->plan_size_field == 0 && !f->plan_size_guard))
        return FALSE;
    }
  return TRUE;
}

/* Reads the fields of a message of `def` from the `length` bytes at
 * `data` into `spans` (those of the planned fields set already) as
 * dissect.c reads them, and its header's bytes into
 * *header. FALSE where dissection would record a finding (a field cut
 * short, a size too small, a field out of byte alignment, a length that
 * disagrees) or the message has bytes after its header (a payload, a
 * trailer): those are shown from a dissection. */
static gboolean
read_in_place (const CraftLayerDef *def, const guint8 *data, gsize length, CraftPluginSpan *spans, gsize *header)
{
  if (length > CRAFT_MAX_PACKET_BYTES || def->plan_bits > length * 8)
    return FALSE;
  /* (The planned fields' spans are the plan's, set once.) */
  gsize pos = def->plan_bits, end = length * 8;
  for (guint i = def->plan_fields; i < def->fields->len; i++)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, i);
      spans[i].present = f->condition == NULL || craft__condition_holds_in_place (f, def, data, length);
      if (!spans[i].present)
        continue;
      gsize room = end - pos, bits = f->bits;
      if (f->size_mode == CRAFT_SIZE_REST)
        bits = room - room % 8;
      else if (f->size_mode == CRAFT_SIZE_EXPR)
        {
          gint64 bytes = craft__size_in_place (f, def, data, length);
          if (bytes < 0 || (guint64) bytes > room / 8)
            return FALSE;
          bits = (gsize) bytes * 8;
        }
      if (((!f->kind->is_integer || f->little_endian) && pos % 8 != 0) || bits > room)
        return FALSE;
      spans[i].bit = (guint32) pos;
      spans[i].bits = (guint32) bits;
      pos += bits;
    }
  if (pos % 8 != 0)
    return FALSE;
  *header = pos / 8;
  if (def->length != NULL)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, def->plan_length_field - 1);
      guint64 value = f->little_endian ? craft__le_read (data + f->plan_bit / 8, f->bits / 8)
                                       : craft__read_be (data, f->plan_bit, f->bits);
      guint64 declared = value * def->plan_length_mul + def->plan_length_add;
      /* Shorter than the header, or longer than the data: a finding;
       * shorter than the data: a trailer. */
      if (declared != length)
        return FALSE;
    }
  return *header == length;
}

gboolean
craft_plugin_show_quickly (CraftPluginLayer *pl, tvbuff_t *tvb, packet_info *pinfo)
{
  if (pl->quick == CRAFT_PLUGIN_QUICK_UNKNOWN)
    {
      pl->quick = quick_layer (pl) ? CRAFT_PLUGIN_QUICK_YES : CRAFT_PLUGIN_QUICK_NO;
      if (pl->quick == CRAFT_PLUGIN_QUICK_YES)
        {
          pl->spans = g_new0 (CraftPluginSpan, pl->def->fields->len);
          for (guint i = 0; i < pl->def->plan_fields; i++)
            {
              const CraftFieldDef *f = g_ptr_array_index (pl->def->fields, i);
              pl->spans[i] = (CraftPluginSpan) { TRUE, f->plan_bit, f->bits };
            }
        }
    }
  if (pl->quick != CRAFT_PLUGIN_QUICK_YES)
    return FALSE;
  guint length = tvb_captured_length (tvb);
  const guint8 *data = length > 0 ? tvb_get_ptr (tvb, 0, (gint) length) : NULL;
  gsize header;
  if (!read_in_place (pl->def, data, length, pl->spans, &header))
    return FALSE;
  const char *summary = NULL;
  if (pinfo->cinfo != NULL && !craft_plugin_layer_summary_from (pl, data, pl->spans, pinfo->pool, &summary))
    return FALSE;
  col_set_str (pinfo->cinfo, COL_PROTOCOL, pl->def->name);
  if (summary != NULL)
    {
      col_clear (pinfo->cinfo, COL_INFO);
      col_set_str (pinfo->cinfo, COL_INFO, summary);
    }
  return TRUE;
}
