/* The dissector: reads layers from bytes through their definitions, choosing each upper layer by the bindings. */
#include "packet-private.h"

#include "kinds.h"
#include "craft-limits.h"

/* Reads the fields of layer `index` from byte `l->start`, never past `end`.
 * FALSE if the header is cut short (recorded as a finding). */
static gboolean
dissect_fields (CraftPacket *p, guint index, gsize end)
{
  CraftLayer *l = craft__packet_layer (p, index);
  const guint8 *data = g_bytes_get_data (p->origin, NULL);
  CraftEval ev = { p, index, data, end, NULL };
  gsize pos = (gsize) l->start * 8;
  for (guint i = 0; i < l->def->fields->len; i++)
    {
      const CraftFieldDef *f = craft__layer_field (l, i);
      CraftSlot *s = &l->slots[i];
      s->state = CRAFT_SLOT_WIRE;
      s->present = f->condition == NULL || craft__calc_eval (f->condition, &ev) != 0;
      if (!s->present)
        continue;
      gsize room = end * 8 - pos;
      gsize bits = f->bits;
      if (f->size_mode == CRAFT_SIZE_REST && !f->kind->is_integer)
        bits = room - room % 8;
      else if (f->size_mode == CRAFT_SIZE_EXPR)
        {
          gint64 bytes = (gint64) craft__calc_eval (f->size_calc, &ev);
          if (bytes < 0 || (guint64) bytes * 8 > room)
            {
              craft__packet_add_finding (p, bytes < 0 ? CRAFT_FINDING_INVALID : CRAFT_FINDING_TRUNCATED, index,
                                         (gint) i, (guint) (pos / 8), (guint) (room / 8),
                                         "%s.%s should be %" G_GINT64_FORMAT " bytes, %zu present", l->def->name,
                                         f->name, bytes, room / 8);
              bytes = bytes < 0 ? 0 : (gint64) (room / 8);
            }
          bits = (gsize) bytes * 8;
        }
      if ((!f->kind->is_integer || f->little_endian) && pos % 8 != 0)
        {
          craft__packet_add_finding (p, CRAFT_FINDING_INVALID, index, (gint) i, (guint) (pos / 8), 0,
                                     "%s.%s starts mid-byte", l->def->name, f->name);
          return FALSE;
        }
      if (bits > room)
        {
          craft__packet_add_finding (p, CRAFT_FINDING_TRUNCATED, index, (gint) i, (guint) (pos / 8),
                                     (guint) (room / 8), "%s.%s needs %zu bytes at offset %zu, %zu present",
                                     l->def->name, f->name, (bits + 7) / 8, pos / 8, room / 8);
          return FALSE;
        }
      s->bit_off = (guint32) pos;
      s->bit_len = (guint32) bits;
      if (f->kind->is_integer)
        s->num = f->little_endian ? craft__le_read (data + pos / 8, f->bits / 8)
                                  : craft__bits_read (data, pos, f->bits);
      else
        {
          s->orig_off = (guint32) (pos / 8);
          s->orig_len = (guint32) (bits / 8);
        }
      pos += bits;
    }
  if (pos % 8 != 0)
    {
      craft__packet_add_finding (p, CRAFT_FINDING_INVALID, index, -1, l->start, 0, "%s ends mid-byte", l->def->name);
      return FALSE;
    }
  l->hdr_len = (guint) (pos / 8) - l->start;
  return TRUE;
}

/* The layer the bindings choose for the payload of layer `index`, else the fallback. */
static const CraftLayerDef *
choose_upper (CraftPacket *p, guint index)
{
  const CraftLayer *l = craft__packet_layer (p, index);
  GArray *bindings = p->reg->bindings;
  for (guint i = 0; i < bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (bindings, CraftBinding, i);
      if (b->lower == l->def && l->slots[b->field].present && l->slots[b->field].num == b->value)
        return b->upper;
    }
  return p->reg->fallback;
}

static void
drop_last_layer (CraftPacket *p)
{
  CraftLayer *l = craft__packet_layer (p, p->layers->len - 1);
  g_free (l->slots);
  g_array_set_size (p->layers, p->layers->len - 1);
}

/* Appends a whole-bytes layer (Raw or Padding) over [start, end). */
static void
append_opaque (CraftPacket *p, const CraftLayerDef *def, gsize start, gsize end)
{
  if (def == NULL || start >= end)
    return;
  guint index = craft__packet_append_layer (p, def);
  CraftLayer *l = craft__packet_layer (p, index);
  l->start = (guint) start;
  if (!dissect_fields (p, index, end))
    {
      drop_last_layer (p);
      return;
    }
  l->end = (guint) end;
}

typedef struct {
  gsize start, end;
} Span;

CraftPacket *
craft_packet_new_from_bytes (CraftRegistry *reg, const char *first_layer, const guint8 *data, gsize length,
                             GError **error)
{
  const CraftLayerDef *def = craft_registry_lookup_layer (reg, first_layer);
  if (def == NULL)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_LAYER, "unknown layer '%s'", first_layer);
      return NULL;
    }
  CraftPacket *p = craft_packet_new (reg);
  length = MIN (length, (gsize) CRAFT_MAX_PACKET_BYTES);
  p->origin = g_bytes_new (data, length);
  p->wire = g_bytes_ref (p->origin);
  g_autoptr (GArray) trailers = g_array_new (FALSE, FALSE, sizeof (Span));
  gsize pos = 0, end = length;
  while (def != NULL && pos < end)
    {
      if (p->layers->len + 1 >= CRAFT_MAX_LAYERS)
        {
          craft__packet_add_finding (p, CRAFT_FINDING_INVALID, p->layers->len, -1, (guint) pos,
                                     (guint) (end - pos), "more than %d layers; the rest is left as raw bytes",
                                     CRAFT_MAX_LAYERS);
          def = reg->fallback;
          append_opaque (p, def, pos, end);
          break;
        }
      guint index = craft__packet_append_layer (p, def);
      CraftLayer *l = craft__packet_layer (p, index);
      l->start = (guint) pos;
      if (!dissect_fields (p, index, end))
        {
          drop_last_layer (p);
          append_opaque (p, reg->fallback, pos, end);
          break;
        }
      gsize layer_end = end;
      if (def->length != NULL)
        {
          CraftEval ev = { p, index, data, length, NULL };
          guint64 declared = craft__calc_eval (def->length, &ev);
          if (declared < l->hdr_len)
            craft__packet_add_finding (p, CRAFT_FINDING_LENGTH, index, -1, l->start, l->hdr_len,
                                       "%s length says %" G_GUINT64_FORMAT ", less than its %u-byte header",
                                       def->name, declared, l->hdr_len);
          else if (declared > end - pos)
            craft__packet_add_finding (p, CRAFT_FINDING_LENGTH, index, -1, l->start, (guint) (end - pos),
                                       "%s length says %" G_GUINT64_FORMAT ", %zu bytes present", def->name,
                                       declared, end - pos);
          else
            layer_end = pos + declared;
        }
      l->end = (guint) layer_end;
      if (layer_end < end)
        {
          Span t = { layer_end, end };
          g_array_prepend_val (trailers, t);
        }
      pos += l->hdr_len;
      end = layer_end;
      def = pos < end ? choose_upper (p, index) : NULL;
    }
  for (guint i = 0; i < trailers->len; i++)
    {
      Span *t = &g_array_index (trailers, Span, i);
      append_opaque (p, reg->trailer ? reg->trailer : reg->fallback, t->start, t->end);
    }
  /* Every slot read its span in this generation of the wire. */
  for (guint i = 0; i < p->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (p, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        l->slots[k].generation = p->generation;
    }
  p->edited = FALSE;
  p->wire_current = TRUE;
  return p;
}
