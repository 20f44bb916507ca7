/* The builder: lays out every layer, fills values the user left unset, then checksums innermost first. */
#include "packet-private.h"

#include "kinds.h"
#include "craft-limits.h"
#include "template.h"
#include "value.h"

#include <string.h>

/* Whether a WIRE value must be recomputed after an edit. */
static gboolean
recomputes (const CraftFieldDef *f)
{
  return (f->default_mode == CRAFT_DEFAULT_COMPUTED && f->derived) || f->bound;
}

/* The first non-trailer layer above `index`, or NULL. */
static const CraftLayerDef *
upper_def (CraftPacket *p, guint index)
{
  for (guint i = index + 1; i < p->layers->len; i++)
    {
      const CraftLayerDef *def = craft__packet_layer (p, i)->def;
      if (!def->trailer)
        return def;
    }
  return NULL;
}

/* Does some binding already map `value` of this field to the layer above? */
static gboolean
value_selects (CraftRegistry *reg, const CraftLayerDef *lower, guint field, guint64 value, const CraftLayerDef *upper)
{
  for (guint i = 0; i < reg->bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      if (b->lower == lower && (guint) b->field == field && b->upper == upper && b->value == value)
        return TRUE;
    }
  return FALSE;
}

/* Does a binding on another field, with the value it has, already select
 * the layer above? (A DNS response from port 53 to port 1234: its source
 * port says DNS, so its destination port stays what it was.) */
static gboolean
selected_by_other (CraftPacket *p, guint layer, guint field, const CraftLayerDef *upper)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  for (guint i = 0; i < p->reg->bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (p->reg->bindings, CraftBinding, i);
      if (b->lower != l->def || b->upper != upper || (guint) b->field == field)
        continue;
      const CraftSlot *other = &l->slots[b->field];
      if (other->present && other->state != CRAFT_SLOT_UNSET && other->num == b->value)
        return TRUE;
    }
  return FALSE;
}

/* The value the binding to the layer above gives field `index` of `layer`
 * in this build, when the builder takes it from there rather than from the
 * user or the wire (as write_field() does). */
static gboolean
binding_gives (CraftPacket *p, guint layer, guint index, gboolean recompute, guint64 *value)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  const CraftFieldDef *f = craft__layer_field (l, index);
  const CraftSlot *s = &l->slots[index];
  if (!f->bound || s->state == CRAFT_SLOT_USER || (s->state == CRAFT_SLOT_WIRE && !(recompute && recomputes (f))))
    return FALSE;
  const CraftLayerDef *upper = upper_def (p, layer);
  const CraftBinding *b = upper ? craft__registry_find_build_binding (p->reg, l->def, index, upper) : NULL;
  if (b == NULL || (s->state == CRAFT_SLOT_WIRE && value_selects (p->reg, l->def, index, s->num, upper)))
    return FALSE;
  *value = b->value;
  return TRUE;
}

/* A bound field lent its binding's value while a layer's conditions are
 * laid out, so that they see what will be written (VXLAN()/Ether(): flags
 * 0x0c make the next protocol present), not the default. */
typedef struct {
  guint index;
  guint8 state;
  guint64 num;
} LentSlot;

/* Lends the fields before `before` their bound values; *lent (allocated
 * only when there is one) says what to give back. */
static void
lend_bound_values (CraftPacket *p, guint layer, guint before, gboolean recompute, GArray **lent)
{
  CraftLayer *l = craft__packet_layer (p, layer);
  for (guint i = 0; i < before; i++)
    {
      guint64 value;
      if (!binding_gives (p, layer, i, recompute, &value))
        continue;
      LentSlot saved = { i, l->slots[i].state, l->slots[i].num };
      if (*lent == NULL)
        *lent = g_array_new (FALSE, FALSE, sizeof (LentSlot));
      g_array_append_val (*lent, saved);
      l->slots[i].state = CRAFT_SLOT_USER;
      l->slots[i].num = value;
    }
}

static void
return_bound_values (CraftPacket *p, guint layer, GArray *lent)
{
  CraftLayer *l = craft__packet_layer (p, layer);
  for (guint k = 0; k < lent->len; k++)
    {
      const LentSlot *saved = &g_array_index (lent, LentSlot, k);
      l->slots[saved->index].state = saved->state;
      l->slots[saved->index].num = saved->num;
    }
}

/* Width in bits a field takes in this build. Dissected bytes keep their
 * exact size (options cut short by the end of the data) until the packet is
 * edited; then they are aligned like any other value. */
static guint
field_bits (CraftPacket *p, guint layer, guint index, gboolean recompute)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  const CraftFieldDef *f = craft__layer_field (l, index);
  if (f->bits != 0 || f->kind->is_integer)
    return f->bits;
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (p, NULL, layer, index, &num, &data, &len);
  if (f->align > 1 && (recompute || l->slots[index].state != CRAFT_SLOT_WIRE))
    len += (f->align - len % f->align) % f->align;
  return (guint) MIN (len, (gsize) CRAFT_MAX_PACKET_BYTES + 1) * 8;
}

/* Lays out one layer from bit `pos`; fails if a byte field or the header end falls mid-byte. */
static gboolean
layout_layer (CraftPacket *p, guint layer, gsize *pos, gboolean recompute, GError **error)
{
  CraftLayer *l = craft__packet_layer (p, layer);
  CraftEval ev = { p, layer, NULL, 0, NULL, 0 };
  l->start = (guint) (*pos / 8);
  g_autoptr (GArray) lent = NULL;
  gboolean lending = FALSE, ok = TRUE;
  for (guint i = 0; i < l->def->fields->len; i++)
    {
      const CraftFieldDef *f = craft__layer_field (l, i);
      CraftSlot *s = &l->slots[i];
      /* A condition reads only the fields before it: lend those their bound values once. */
      if (f->condition != NULL && !lending)
        {
          lending = TRUE;
          lend_bound_values (p, layer, i, recompute, &lent);
        }
      s->present = f->condition == NULL || craft__calc_eval (f->condition, &ev) != 0;
      if (!s->present)
        {
          s->computed = FALSE;
          continue;
        }
      if ((!f->kind->is_integer || f->little_endian) && *pos % 8 != 0)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_DEFINITION,
                       "%s.%s would start %u bits into a byte: the conditional fields before it do not add up "
                       "to whole bytes", l->def->name, f->name, (guint) (*pos % 8));
          ok = FALSE;
          break;
        }
      s->bit_off = (guint32) *pos;
      s->bit_len = field_bits (p, layer, i, recompute);
      *pos += s->bit_len;
      if (*pos / 8 > CRAFT_MAX_PACKET_BYTES)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "the packet is larger than %u bytes",
                       CRAFT_MAX_PACKET_BYTES);
          ok = FALSE;
          break;
        }
    }
  if (lent != NULL)
    return_bound_values (p, layer, lent);
  if (!ok)
    return FALSE;
  if (*pos % 8 != 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_DEFINITION,
                   "the fields of %s end %u bits into a byte", l->def->name, (guint) (*pos % 8));
      return FALSE;
    }
  l->hdr_len = (guint) (*pos / 8) - l->start;
  return TRUE;
}

static void
write_int (guint8 *buf, const CraftFieldDef *f, const CraftSlot *s, guint64 value)
{
  if (f->little_endian)
    craft__le_write (buf + s->bit_off / 8, f->bits / 8, value);
  else
    craft__bits_write (buf, s->bit_off, f->bits, value);
}

static void
write_bytes (guint8 *buf, const CraftSlot *s, const guint8 *data, gsize len)
{
  /* Fixed-size strings are cut or zero-padded to their size, as Scapy does;
   * the buffer starts zeroed, which also makes alignment padding. An empty
   * value may have no data pointer at all. */
  if (len > 0)
    memcpy (buf + s->bit_off / 8, data, MIN (len, s->bit_len / 8));
}

/* Computes a value the user left unset; FALSE with `error` if it does not fit. */
static gboolean
write_computed (CraftEval *ev, guint8 *buf, guint index, GError **error)
{
  CraftLayer *l = craft__packet_layer (ev->packet, ev->layer);
  const CraftFieldDef *f = craft__layer_field (l, index);
  CraftSlot *s = &l->slots[index];
  if (f->kind->is_integer)
    {
      gboolean missing = FALSE;
      CraftEval with_missing = *ev;
      with_missing.missing = &missing;
      guint64 v = craft__calc_eval (f->default_calc, &with_missing);
      if (missing)
        v = 0;
      s->unknown = missing;
      if (!f->deferred && !craft__field_normalize_int (f, v, &v, NULL))
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                       "%s.%s: the computed value %" G_GINT64_FORMAT " does not fit its %u bits (%s)", l->def->name,
                       f->name, (gint64) v, f->bits, f->default_text);
          return FALSE;
        }
      write_int (buf, f, s, v & craft__field_mask (f));
    }
  else
    {
      g_autoptr (GByteArray) bytes = g_byte_array_new ();
      craft__calc_eval_bytes (f->default_calc, ev, s->bit_len, bytes);
      write_bytes (buf, s, bytes->data, bytes->len);
    }
  return TRUE;
}

typedef struct {
  guint layer, field;
} Deferred;

/* Writes field `index` of `layer`; checksums are queued in `deferred`. */
static gboolean
write_field (CraftPacket *p, CraftEval *ev, guint8 *buf, guint index, gboolean recompute, GArray *deferred,
             GError **error)
{
  CraftLayer *l = craft__packet_layer (p, ev->layer);
  const CraftFieldDef *f = craft__layer_field (l, index);
  CraftSlot *s = &l->slots[index];
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (p, NULL, ev->layer, index, &num, &data, &len);
  gboolean keep = s->state == CRAFT_SLOT_USER || (s->state == CRAFT_SLOT_WIRE && !(recompute && recomputes (f)));
  s->computed = FALSE;
  s->unknown = FALSE;
  if (!keep && f->bound)
    {
      const CraftLayerDef *upper = upper_def (p, ev->layer);
      const CraftBinding *b = upper ? craft__registry_find_build_binding (p->reg, l->def, index, upper) : NULL;
      if (s->state == CRAFT_SLOT_WIRE
          && (b == NULL || value_selects (p->reg, l->def, index, num, upper)
              || selected_by_other (p, ev->layer, index, upper)))
        keep = TRUE;
      else if (b != NULL)
        {
          keep = TRUE;
          num = b->value;
          s->computed = s->state == CRAFT_SLOT_WIRE;
        }
    }
  if (!keep && s->state == CRAFT_SLOT_WIRE && f->default_mode != CRAFT_DEFAULT_COMPUTED)
    keep = TRUE;
  if (!keep)
    s->computed = s->state == CRAFT_SLOT_WIRE;
  if (keep || f->default_mode != CRAFT_DEFAULT_COMPUTED)
    {
      if (f->kind->is_integer)
        write_int (buf, f, s, num);
      else
        write_bytes (buf, s, data, len);
    }
  else if (f->deferred)
    {
      Deferred d = { ev->layer, index };
      g_array_append_val (deferred, d);
    }
  else if (!write_computed (ev, buf, index, error))
    return FALSE;
  s->generation = p->generation;
  return TRUE;
}

/* Lays every layer out, trailers (Padding) after everything else in their
 * order; *pos is then the end in bits. Values read from the bytes of the
 * last build are stale from here on. */
static gboolean
layout (CraftPacket *p, gboolean recompute, gsize *pos, GError **error)
{
  p->wire_current = FALSE;
  p->generation++;
  *pos = 0;
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < p->layers->len; i++)
      if (craft__packet_layer (p, i)->def->trailer == (pass == 1) && !layout_layer (p, i, pos, recompute, error))
        return FALSE;
  return TRUE;
}

gboolean
craft__packet_layout (CraftPacket *packet)
{
  gsize pos;
  return layout (packet, packet->edited, &pos, NULL);
}

/* Builds into a new buffer; `recompute` recomputes derived WIRE values.
 * With `keep_ends`, layers keep the ends dissection found when the layout
 * has not moved: a padding nested inside a layer (UDP's, within IP's
 * length) then stays inside it, where the builder's own rule, as Scapy's,
 * puts every trailer after all layers. */
static GBytes *
build (CraftPacket *p, gboolean recompute, gboolean keep_ends, GError **error)
{
  if (p->layers->len == 0)
    return g_bytes_new (NULL, 0);
  g_autofree guint *old = NULL;
  gsize old_total = p->wire != NULL ? g_bytes_get_size (p->wire) : 0;
  if (keep_ends)
    {
      old = g_new (guint, 2 * p->layers->len);
      for (guint i = 0; i < p->layers->len; i++)
        {
          old[2 * i] = craft__packet_layer (p, i)->start;
          old[2 * i + 1] = craft__packet_layer (p, i)->end;
        }
    }
  gsize pos;
  if (!layout (p, recompute, &pos, error))
    return NULL;
  /* The present alternative of a name must hold the value the name was given. */
  if (!craft__refusals_check (p, error))
    return NULL;
  gsize total = pos / 8, inner_end = total;
  for (guint i = 0; i < p->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (p, i);
      if (l->def->trailer)
        inner_end = MIN (inner_end, l->start);
    }
  for (guint i = 0; i < p->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (p, i);
      l->end = l->def->trailer ? l->start + l->hdr_len : (guint) inner_end;
    }
  gboolean same_layout = keep_ends && old_total == total;
  for (guint i = 0; same_layout && i < p->layers->len; i++)
    same_layout = craft__packet_layer (p, i)->start == old[2 * i] && old[2 * i + 1] <= total;
  for (guint i = 0; same_layout && i < p->layers->len; i++)
    craft__packet_layer (p, i)->end = MAX (old[2 * i + 1], craft__packet_layer (p, i)->start);

  guint8 *buf = g_malloc0 (MAX (total, 1));
  g_autoptr (GArray) deferred = g_array_new (FALSE, FALSE, sizeof (Deferred));
  for (guint i = 0; i < p->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (p, i);
      CraftEval ev = { p, i, buf, total, NULL, 0 };
      for (guint k = 0; k < l->def->fields->len; k++)
        if (l->slots[k].present && !write_field (p, &ev, buf, k, recompute, deferred, error))
          {
            g_free (buf);
            return NULL;
          }
    }
  /* Checksums last, innermost first: an outer checksum covers inner ones. */
  for (guint i = deferred->len; i-- > 0;)
    {
      Deferred *d = &g_array_index (deferred, Deferred, i);
      CraftEval ev = { p, d->layer, buf, total, NULL, 0 };
      write_computed (&ev, buf, d->field, NULL);
    }
  g_clear_pointer (&p->wire, g_bytes_unref);
  p->wire = g_bytes_new_take (buf, total);
  p->wire_current = TRUE;
  return g_bytes_ref (p->wire);
}

/* The whole build, without a template; records the template for a set's next member. */
static GBytes *
build_in_full (CraftPacket *packet, GError **error)
{
  /* Unchanged since dissection, the bytes come out the same: so do the layer ends. */
  GBytes *built = build (packet, packet->edited, !packet->edited, error);
  if (built != NULL && packet->sets != NULL)
    craft__template_update (packet);
  return built;
}

GBytes *
craft_packet_build (CraftPacket *packet, GError **error)
{
  g_return_val_if_fail (packet != NULL, NULL);
  /* The next member of a set patches the last one's bytes when it can (issue 8). */
  GBytes *patched = packet->sets != NULL ? craft__template_build (packet) : NULL;
  return patched != NULL ? patched : build_in_full (packet, error);
}

const guint8 *
craft_packet_build_data (CraftPacket *packet, gsize *length, GError **error)
{
  g_return_val_if_fail (packet != NULL && length != NULL, NULL);
  const guint8 *patched = packet->sets != NULL ? craft__template_patch (packet, length) : NULL;
  if (patched != NULL)
    return patched;
  g_autoptr (GBytes) built = build_in_full (packet, error);
  if (built == NULL)
    return NULL;
  /* The packet keeps its own reference, but to no bytes when it is empty. */
  *length = g_bytes_get_size (built);
  return *length > 0 ? g_bytes_get_data (packet->wire, NULL) : (const guint8 *) "";
}

/* What field `index` of `layer` computes to on the packet's bytes as
 * received (`data`): lengths and counts over the dissected spans and
 * elements, a checksum over `scratch`, a copy of those bytes in which its
 * own span alone is zeroed. FALSE when it cannot be computed (no
 * pseudo-header) or does not fit the field. */
static gboolean
computed_in_place (CraftPacket *p, guint layer, guint index, const guint8 *data, guint8 *scratch, gsize length,
                   guint64 *value)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  const CraftFieldDef *f = craft__layer_field (l, index);
  const CraftSlot *s = &l->slots[index];
  gboolean missing = FALSE;
  CraftEval ev = { p, layer, data, length, &missing, 0 };
  guint64 v;
  if (f->deferred)
    {
      gsize first = s->bit_off / 8, end = ((gsize) s->bit_off + s->bit_len + 7) / 8;
      if (end > length)
        return FALSE;
      if (f->little_endian)
        craft__le_write (scratch + first, s->bit_len / 8, 0);
      else
        craft__bits_write (scratch, s->bit_off, s->bit_len, 0);
      ev.data = scratch;
      v = craft__calc_eval (f->default_calc, &ev);
      memcpy (scratch + first, data + first, end - first);
    }
  else
    {
      v = craft__calc_eval (f->default_calc, &ev);
      if (!craft__field_normalize_int (f, v, &v, NULL))
        return FALSE;
    }
  *value = v & craft__field_mask (f);
  return !missing;
}

guint
craft_packet_verify (CraftPacket *packet)
{
  /* Where the data ends before a layer does (a capture's snap length), the
   * layers miss bytes their lengths and checksums count: nothing can be
   * judged. The dissection findings already say what is missing. */
  for (guint i = 0; i < packet->layers->len; i++)
    if (craft__packet_layer (packet, i)->cut)
      return 0;
  gsize length;
  const guint8 *data = craft__packet_wire_data (packet, &length);
  if (!packet->wire_current || data == NULL)
    return 0;
  /* Each field is judged on the bytes as they were sent, every other field
   * as it is there: a wrong inner length or count does not make a right
   * outer checksum look wrong. */
  g_autofree guint8 *scratch = NULL;
  guint found = 0;
  for (guint i = 0; i < packet->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (packet, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        {
          const CraftFieldDef *f = craft__layer_field (l, k);
          CraftSlot *s = &l->slots[k];
          if (!s->present || s->state != CRAFT_SLOT_WIRE || s->computed || f->default_mode != CRAFT_DEFAULT_COMPUTED
              || !f->derived || !f->kind->is_integer)
            continue;
          if (f->deferred && scratch == NULL)
            scratch = g_memdup2 (data, MAX (length, 1));
          guint64 have, want;
          const guint8 *bytes;
          gsize len;
          craft__slot_value (packet, NULL, i, k, &have, &bytes, &len);
          if (!computed_in_place (packet, i, k, data, scratch, length, &want))
            continue;
          /* A value `x ?: y` can never compute to 0 (y is not 0), so a 0 on the
           * wire is the sender saying "not computed" (a UDP checksum of 0). */
          gboolean sentinel = have == 0 && f->default_calc->type == CRAFT_CALC_BINARY
                              && f->default_calc->op == CRAFT_OP_ELSE;
          if (have == want || sentinel)
            continue;
          GString *h = g_string_new (NULL), *w = g_string_new (NULL);
          craft__field_format_int (f, NULL, have, CRAFT_FORMAT_REPR, h);
          craft__field_format_int (f, NULL, want, CRAFT_FORMAT_REPR, w);
          craft__packet_add_finding (packet, f->deferred ? CRAFT_FINDING_CHECKSUM : CRAFT_FINDING_LENGTH, i,
                                     (gint) k, s->bit_off / 8, (s->bit_len + 7) / 8, "%s.%s is %s, should be %s",
                                     l->def->name, f->name, h->str, w->str);
          g_string_free (h, TRUE);
          g_string_free (w, TRUE);
          found++;
        }
    }
  return found;
}
