/* The dissector: reads layers from bytes through their definitions, choosing each upper layer by the bindings. */
#include "packet-private.h"

#include "binding-index.h"
#include "kinds.h"
#include "craft-limits.h"

#include <string.h>

static guint64 guard_eval (const CraftCalc *c, const CraftLayerDef *def, const guint8 *data, gsize length,
                           gboolean *short_data);

/* A planned condition or size evaluated on the bytes of its layer. */
static inline guint64
in_place (const CraftCalc *c, const CraftLayerDef *def, const guint8 *layer, gsize length)
{
  gboolean short_data = FALSE;
  return guard_eval (c, def, layer, length, &short_data);
}

/* Reads the fields of layer `index` from byte `l->start`, never past `end`.
 * FALSE if the header is cut short (recorded as a finding). */
static gboolean
dissect_fields (CraftPacket *p, guint index, gsize end)
{
  CraftLayer *l = craft__packet_layer (p, index);
  const guint8 *data = g_bytes_get_data (p->origin, NULL);
  CraftEval ev = { p, index, data, end, NULL, 0 };
  gsize pos = (gsize) l->start * 8;
  guint first = 0;
  /* The plan's fields, when the data holds them all, straight from their
   * known offsets: what the loop below would do, without evaluating anything. */
  if (l->def->plan_fields > 0 && l->def->plan_bits <= end * 8 - MIN (pos, end * 8))
    {
      for (guint i = 0; i < l->def->plan_fields; i++)
        {
          const CraftFieldDef *f = craft__layer_field (l, i);
          CraftSlot *s = &l->slots[i];
          gsize at = pos + f->plan_bit;
          s->present = TRUE;
          s->state = CRAFT_SLOT_WIRE;
          s->bit_off = (guint32) at;
          s->bit_len = f->bits;
          if (f->kind->is_integer)
            s->num = f->little_endian ? craft__le_read (data + at / 8, f->bits / 8) : craft__read_be (data, at, f->bits);
          else
            {
              s->orig_off = (guint32) (at / 8);
              s->orig_len = f->bits / 8;
            }
        }
      first = l->def->plan_fields;
      pos += l->def->plan_bits;
    }
  for (guint i = first; i < l->def->fields->len; i++)
    {
      const CraftFieldDef *f = craft__layer_field (l, i);
      CraftSlot *s = &l->slots[i];
      /* A field absent from the wire stays unset: should an edit make it
       * present (ICMP type 8 changed to 13), the builder fills its default,
       * as Scapy does with the None that dissection leaves in it. */
      /* A condition or size on planned fields reads them where they lie
       * (a field after the plan is only read when the whole plan was). */
      s->present = f->condition == NULL
                   || (f->plan_condition ? in_place (f->condition, l->def, data + l->start, end - l->start)
                                         : craft__calc_eval (f->condition, &ev))
                        != 0;
      if (!s->present)
        continue;
      s->state = CRAFT_SLOT_WIRE;
      gsize room = end * 8 - pos;
      gsize bits = f->bits;
      if (f->size_mode == CRAFT_SIZE_REST && !f->kind->is_integer)
        bits = room - room % 8;
      else if (f->size_mode == CRAFT_SIZE_EXPR)
        {
          /* A planned linear size (IP's ihl * 4 - 20) without the evaluator. */
          gint64 bytes = f->plan_size_field != 0
                           ? (gint64) (l->slots[f->plan_size_field - 1].num * f->plan_size_mul + f->plan_size_add)
                           : f->plan_size_guard ? (gint64) in_place (f->size_calc, l->def, data + l->start, end - l->start)
                                                : (gint64) craft__calc_eval (f->size_calc, &ev);
          if (bytes < 0)
            {
              /* A header length smaller than the fixed header (IHL < 5). */
              craft__packet_add_finding (p, CRAFT_FINDING_INVALID, index, (gint) i, (guint) (pos / 8), 0,
                                         "%s.%s would be %" G_GINT64_FORMAT " bytes: the header length is too small",
                                         l->def->name, f->name, bytes);
              bytes = 0;
            }
          else if ((guint64) bytes > room / 8)
            {
              craft__packet_add_finding (p, CRAFT_FINDING_TRUNCATED, index, (gint) i, (guint) (pos / 8),
                                         (guint) (room / 8), "%s.%s should be %" G_GINT64_FORMAT " bytes, %zu present",
                                         l->def->name, f->name, bytes, room / 8);
              bytes = (gint64) (room / 8);
              l->cut = TRUE;
            }
          bits = (gsize) bytes * 8;
        }
      if ((!f->kind->is_integer || f->little_endian) && pos % 8 != 0)
        {
          craft__packet_add_finding (p, CRAFT_FINDING_INVALID, index, (gint) i, (guint) (pos / 8), 0,
                                     "%s.%s starts mid-byte", l->def->name, f->name);
          return FALSE;
        }
      /* An empty list of a size given in bytes (IP without options) has no
       * element to walk; only one nested too deep is still reported. */
      gboolean empty_list = f->kind->is_list && f->size_mode != CRAFT_SIZE_COUNT && bits == 0
                            && p->list_depth < CRAFT_MAX_LIST_DEPTH;
      if (f->kind->wire_size != NULL || (f->kind->is_list && !empty_list))
        bits = craft__dissect_sized_value (p, index, i, data, pos / 8, end, bits / 8) * 8;
      if (bits > room)
        {
          craft__packet_add_finding (p, CRAFT_FINDING_TRUNCATED, index, (gint) i, (guint) (pos / 8),
                                     (guint) (room / 8), "%s.%s needs %zu byte%s at offset %zu, %zu present",
                                     l->def->name, f->name, (bits + 7) / 8, (bits + 7) / 8 == 1 ? "" : "s",
                                     pos / 8, room / 8);
          return FALSE;
        }
      s->bit_off = (guint32) pos;
      s->bit_len = (guint32) bits;
      if (f->kind->is_integer)
        s->num = f->little_endian ? craft__le_read (data + pos / 8, f->bits / 8) : craft__read_be (data, pos, f->bits);
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

/* A field read by a guard: at its fixed place, if the bytes hold it. */
static inline guint64
guard_field (const CraftCalc *c, const CraftLayerDef *def, const guint8 *data, gsize length, gboolean *short_data)
{
  const CraftFieldDef *f = g_ptr_array_index (def->fields, c->field);
  if (c->bit > length * 8 || f->bits > length * 8 - c->bit)
    {
      *short_data = TRUE;
      return 0;
    }
  return f->little_endian ? craft__le_read (data + c->bit / 8, f->bits / 8) : craft__read_be (data, c->bit, f->bits);
}

/* Evaluates a guard on the bytes where its layer would start. The parser let
 * through only constants, operators and integer fields at fixed places, so
 * no packet is needed; the arithmetic is craft__calc_eval()'s. A field past
 * `length` sets *short_data. */
static guint64
guard_eval (const CraftCalc *c, const CraftLayerDef *def, const guint8 *data, gsize length, gboolean *short_data)
{
  /* Operands that are constants or fields, the most common, are read without a call. */
#define EVAL(x)                                                                                                        \
  ((x)->type == CRAFT_CALC_CONST   ? (x)->num                                                                          \
   : (x)->type == CRAFT_CALC_FIELD ? guard_field ((x), def, data, length, short_data)                                  \
                                   : guard_eval ((x), def, data, length, short_data))
  switch (c->type)
    {
    case CRAFT_CALC_CONST:
      return c->num;
    case CRAFT_CALC_FIELD:
      return guard_field (c, def, data, length, short_data);
    case CRAFT_CALC_NEG:
      return (guint64) 0 - EVAL (c->a);
    case CRAFT_CALC_NOT:
      return EVAL (c->a) == 0;
    case CRAFT_CALC_COND:
      return EVAL (c->a) != 0 ? EVAL (c->b) : EVAL ((const CraftCalc *) g_ptr_array_index (c->items, 0));
    case CRAFT_CALC_MAX:
      return (guint64) MAX ((gint64) EVAL (c->a), (gint64) EVAL (c->b));
    case CRAFT_CALC_MIN:
      return (guint64) MIN ((gint64) EVAL (c->a), (gint64) EVAL (c->b));
    case CRAFT_CALC_LEN:
      /* Only in a heuristic, and only len(layer): the bytes there are. */
      return length;
    case CRAFT_CALC_BINARY:
      break;
    default:
      return 0;
    }
  gint64 a = (gint64) EVAL (c->a);
  switch (c->op)
    {
    case CRAFT_OP_LAND: return a != 0 && EVAL (c->b) != 0;
    case CRAFT_OP_LOR: return a != 0 || EVAL (c->b) != 0;
    case CRAFT_OP_ELSE: return a != 0 ? (guint64) a : EVAL (c->b);
    case CRAFT_OP_IN:
      for (guint i = 0; i < c->b->items->len; i++)
        if ((gint64) EVAL ((const CraftCalc *) g_ptr_array_index (c->b->items, i)) == a)
          return 1;
      return 0;
    default:
      break;
    }
  gint64 b = (gint64) EVAL (c->b);
#undef EVAL
  guint64 ua = (guint64) a, ub = (guint64) b;
  switch (c->op)
    {
    case CRAFT_OP_ADD: return ua + ub;
    case CRAFT_OP_SUB: return ua - ub;
    case CRAFT_OP_MUL: return ua * ub;
    case CRAFT_OP_DIV: return b == 0 ? 0 : b == -1 ? (guint64) 0 - ua : (guint64) (a / b);
    case CRAFT_OP_MOD: return b == 0 || b == -1 ? 0 : (guint64) (a % b);
    case CRAFT_OP_AND: return ua & ub;
    case CRAFT_OP_OR: return ua | ub;
    case CRAFT_OP_XOR: return ua ^ ub;
    case CRAFT_OP_SHL: return ub >= 64 ? 0 : ua << ub;
    case CRAFT_OP_SHR: return ub >= 64 ? 0 : ua >> ub;
    case CRAFT_OP_EQ: return a == b;
    case CRAFT_OP_NE: return a != b;
    case CRAFT_OP_LT: return a < b;
    case CRAFT_OP_LE: return a <= b;
    case CRAFT_OP_GT: return a > b;
    case CRAFT_OP_GE: return a >= b;
    default: return 0;
    }
}

gboolean
craft__element_test_holds (const CraftLayerDef *layer, const guint8 *data, gsize length)
{
  if (layer->element_if == NULL)
    return TRUE;
  if (length < layer->element_if_bytes)
    return FALSE;
  gboolean short_data = FALSE;
  return guard_eval (layer->element_if, layer, data, length, &short_data) != 0 && !short_data;
}

gboolean
craft__dissect_layer_fields (CraftPacket *p, guint index, gsize end)
{
  return dissect_fields (p, index, end);
}

gboolean
craft__layer_guard_holds (const CraftLayerDef *layer, const guint8 *data, gsize length)
{
  if (layer->guard == NULL)
    return TRUE;
  if (length < layer->guard_bytes)
    return FALSE;
  gboolean short_data = FALSE;
  return guard_eval (layer->guard, layer, data, length, &short_data) != 0 && !short_data;
}

gboolean
craft__layer_heuristic_holds (const CraftLayerDef *layer, const guint8 *data, gsize length)
{
  if (layer->heuristic == NULL || length < layer->heuristic_bytes)
    return FALSE;
  gboolean short_data = FALSE;
  return guard_eval (layer->heuristic, layer, data, length, &short_data) != 0 && !short_data;
}

/* Where choose_upper() reads the bound fields of the layer below: the slots
 * of a dissected layer, or (slots NULL) the bytes of a layer read in place,
 * whose bound fields are all planned (extract.c). */
typedef struct {
  const CraftLayerDef *def;
  const CraftSlot *slots;
  const guint8 *data;   /* in place: the layer's first byte */
} BoundValues;

static inline gboolean
bound_value (const BoundValues *v, guint field, guint64 *value)
{
  if (v->slots != NULL)
    {
      *value = v->slots[field].num;
      return v->slots[field].present;
    }
  const CraftFieldDef *f = g_ptr_array_index (v->def->fields, field);
  *value = f->little_endian ? craft__le_read (v->data + f->plan_bit / 8, f->bits / 8)
                            : craft__read_be (v->data, f->plan_bit, f->bits);
  return TRUE;
}

/* The layer the values of the bound fields choose when they name at most
 * one (the fallback when none): no guard or order needs reading. NULL when
 * they name several, or the index cannot tell. */
static inline const CraftLayerDef *
choose_upper_by_key (CraftRegistry *reg, const BoundValues *v)
{
  if (reg->bindings_by_value == NULL || v->def->plan_bound_beyond)
    return NULL;
  const CraftLayerDef *first = NULL;
  for (guint64 bound = v->def->plan_bound; bound != 0; bound &= bound - 1)
    {
      guint f = (guint) __builtin_ctzll (bound);
      guint64 value;
      if (!bound_value (v, f, &value))
        continue;
      if (!craft__binding_key_choose (craft__binding_key (reg->bindings_by_value, v->def, f, value), &first))
        return NULL;
    }
  return first != NULL ? first : reg->fallback;
}

/* The indices of the bindings the values of the bound fields choose, in
 * the registry's order, into `out`; how many, or G_MAXUINT when the index by
 * value is not built or they are more than `size`. */
static guint
by_value (CraftRegistry *reg, const BoundValues *v, guint *out, guint size)
{
  if (reg->bindings_by_value == NULL || v->def->plan_bound_beyond)
    return G_MAXUINT;
  guint n = 0;
  gboolean merge = FALSE;
  for (guint64 bound = v->def->plan_bound; bound != 0; bound &= bound - 1)
    {
      guint f = (guint) __builtin_ctzll (bound);
      guint64 value;
      if (!bound_value (v, f, &value))
        continue;
      const CraftBindingKey *key = craft__binding_key (reg->bindings_by_value, v->def, f, value);
      guint count = key->count;
      if (count == 0)
        continue;
      const guint *found = reg->bindings_by_value->indices + key->first;
      if (n + count > size)
        return G_MAXUINT;
      merge = merge || n > 0;
      memcpy (out + n, found, count * sizeof (guint));
      n += count;
    }
  /* Several fields chose bindings (UDP's sport and dport): back in order. */
  for (guint i = 1; merge && i < n; i++)
    for (guint k = i; k > 0 && out[k - 1] > out[k]; k--)
      {
        guint t = out[k];
        out[k] = out[k - 1];
        out[k - 1] = t;
      }
  return n;
}

/* The rest of choose_upper_of(): the candidates in the registry's order. */
static G_GNUC_NO_INLINE const CraftLayerDef *
choose_upper_in_order (CraftRegistry *reg, const BoundValues *v, const guint8 *data, gsize length)
{
  GArray *bindings = reg->bindings;
  /* Only this layer's bindings, in their order, when the registry has them
   * indexed (the full scan was a quarter of dissection: issue 8); better,
   * only those its bound fields' values choose (bindings_by_value). */
  guint chosen[16];
  guint n_chosen = by_value (reg, v, chosen, G_N_ELEMENTS (chosen));
  GArray *mine = n_chosen == G_MAXUINT && reg->bindings_by_lower
                   ? g_hash_table_lookup (reg->bindings_by_lower, v->def) : NULL;
  guint n = n_chosen != G_MAXUINT ? n_chosen : reg->bindings_by_lower ? (mine ? mine->len : 0) : bindings->len;
  /* The candidates; guards are read only when they name several layers. */
  const CraftLayerDef *first = NULL;
  gboolean several = FALSE;
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint k = 0; k < n; k++)
        {
          guint i = n_chosen != G_MAXUINT ? chosen[k] : reg->bindings_by_lower ? g_array_index (mine, guint, k) : k;
          const CraftBinding *b = &g_array_index (bindings, CraftBinding, i);
          guint64 value;
          if (b->lower != v->def || !bound_value (v, (guint) b->field, &value) || value != b->value)
            continue;
          if (pass == 1)
            {
              if (craft__layer_guard_holds (b->upper, data, length))
                return b->upper;
            }
          else if (first == NULL)
            first = b->upper;
          else
            several = several || b->upper != first;
        }
      if (first == NULL)
        return reg->fallback;
      if (!several)
        return first;
    }
  return reg->fallback;
}

/* The layer the bindings choose for the payload of a layer, which lies at
 * the `length` bytes at `data`: the layer bound to the field's value. When
 * several layers are (raw IP's link type carries IP and IPv6; a later file
 * binds a new layer to a port), the first whose guard holds on the
 * payload's bytes, else the fallback. A lone candidate is taken whatever its
 * guard says, so that a damaged header still dissects as what its lower
 * layer announced. */
static inline const CraftLayerDef *
choose_upper_of (CraftRegistry *reg, const BoundValues *v, const guint8 *data, gsize length)
{
  const CraftLayerDef *decided = choose_upper_by_key (reg, v);
  return decided != NULL ? decided : choose_upper_in_order (reg, v, data, length);
}

/* choose_upper_of() for layer `index` of a packet, whose payload lies at [pos, end). */
static const CraftLayerDef *
choose_upper (CraftPacket *p, guint index, gsize pos, gsize end)
{
  const CraftLayer *l = craft__packet_layer (p, index);
  gsize length = end > pos ? end - pos : 0;
  const guint8 *data = length > 0 ? (const guint8 *) g_bytes_get_data (p->origin, NULL) + pos : NULL;
  BoundValues v = { l->def, l->slots, NULL };
  return choose_upper_of (p->reg, &v, data, length);
}

const CraftLayerDef *
craft__choose_upper_in_place (CraftRegistry *reg, const CraftLayerDef *def, const guint8 *layer,
                              const guint8 *payload, gsize length)
{
  BoundValues v = { def, NULL, layer };
  return choose_upper_of (reg, &v, length > 0 ? payload : NULL, length);
}

gboolean
craft__condition_holds_in_place (const CraftFieldDef *field, const CraftLayerDef *def, const guint8 *layer,
                                 gsize length)
{
  return in_place (field->condition, def, layer, length) != 0;
}

gint64
craft__size_in_place (const CraftFieldDef *field, const CraftLayerDef *def, const guint8 *layer, gsize length)
{
  if (field->plan_size_field == 0)
    return (gint64) in_place (field->size_calc, def, layer, length);
  const CraftFieldDef *f = g_ptr_array_index (def->fields, field->plan_size_field - 1);
  guint64 value = f->little_endian ? craft__le_read (layer + f->plan_bit / 8, f->bits / 8)
                                   : craft__read_be (layer, f->plan_bit, f->bits);
  return (gint64) (value * field->plan_size_mul + field->plan_size_add);
}

/* Removes a layer whose header was cut short. Its findings then point at the
 * Raw layer that takes its place and name no field index: the index would be
 * one of the dropped layer's fields (the message still names the field). */
static void
drop_last_layer (CraftPacket *p)
{
  guint index = p->layers->len - 1;
  CraftLayer *l = craft__packet_layer (p, index);
  g_free (l->slots);
  g_array_set_size (p->layers, index);
  for (guint i = 0; i < p->findings->len; i++)
    {
      CraftFinding *f = &g_array_index (p->findings, CraftFinding, i);
      if (f->layer == index)
        f->field = -1;
    }
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

/* Dissects `data` from layer `def` into `p`, which holds no layer. */
static void
dissect (CraftPacket *p, const CraftLayerDef *def, const guint8 *data, gsize length)
{
  CraftRegistry *reg = p->reg;
  gboolean too_large = length > CRAFT_MAX_PACKET_BYTES;
  if (too_large)
    {
      craft__packet_add_finding (p, CRAFT_FINDING_TRUNCATED, 0, -1, CRAFT_MAX_PACKET_BYTES, 0,
                                 "the packet is %zu bytes; only the first %u are dissected", length,
                                 CRAFT_MAX_PACKET_BYTES);
      length = CRAFT_MAX_PACKET_BYTES;
    }
  /* Spans are offsets from the data pointer, so empty data needs one too:
   * an empty GBytes from g_bytes_new() has none (NULL + 0 is undefined). */
  static const guint8 no_data[1];
  p->origin = length > 0 ? craft__packet_take_copy (p, data, length) : g_bytes_new_static (no_data, 0);
  p->wire = g_bytes_ref (p->origin);
  /* Each layer leaves at most one trailer, and layers are at most CRAFT_MAX_LAYERS. */
  Span trailers[CRAFT_MAX_LAYERS];
  guint n_trailers = 0;
  gsize pos = 0, end = length;
  /* The first layer is read even from no bytes at all, so that an empty
   * packet is recorded as truncated. */
  gboolean expected = TRUE;
  /* Whether `end` is the end of the data rather than a length field's end:
   * only then does a layer that runs past it mean the data was cut short
   * (a capture's snap length). Inside a length, it means a wrong length. */
  gboolean data_end = TRUE;
  /* Whether `end` is the end of what a stream layer (TCP) carries: a
   * message that runs past it is cut short in this packet, its rest in a
   * later one, not of a wrong length. */
  gboolean segment_end = FALSE;
  while (def != NULL && (pos < end || expected))
    {
      /* Each step adds a layer and perhaps a trailer; keep room for both and
       * for the Raw layer that ends the packet when the limit is reached. */
      if (p->layers->len + n_trailers + 3 > CRAFT_MAX_LAYERS)
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
      gboolean read = dissect_fields (p, index, end);
      gboolean cut_here = data_end || segment_end;
      if (!cut_here)
        l->cut = FALSE;
      if (!read)
        {
          drop_last_layer (p);
          append_opaque (p, reg->fallback, pos, end);
          /* The Raw that took its place, else the layer below, is cut short. */
          if (p->layers->len > 0 && cut_here)
            craft__packet_layer (p, MIN (index, p->layers->len - 1))->cut = TRUE;
          break;
        }
      gsize layer_end = end;
      /* Whether the data, not a length field, ends this layer. */
      gboolean open_ended = TRUE;
      CraftEval ev = { p, index, data, length, NULL, 0 };
      guint64 declared;
      /* A planned length straight from its field, as read. */
      gboolean has_length = def->plan_length_field != 0 && def->length_if == NULL;
      if (has_length)
        declared = l->slots[def->plan_length_field - 1].num * def->plan_length_mul + def->plan_length_add;
      if (has_length || craft__layer_declared_length (&ev, &declared))
        {
          open_ended = declared > end - pos;
          if (declared < l->hdr_len)
            craft__packet_add_finding (p, CRAFT_FINDING_LENGTH, index, -1, l->start, l->hdr_len,
                                       "%s length says %" G_GUINT64_FORMAT ", less than its %u-byte header",
                                       def->name, declared, l->hdr_len);
          else if (declared > end - pos && segment_end && !data_end)
            {
              craft__packet_add_finding (p, CRAFT_FINDING_TRUNCATED, index, -1, l->start, (guint) (end - pos),
                                         "%s length says %" G_GUINT64_FORMAT ", %zu bytes present: truncated, "
                                         "the rest may follow in the stream",
                                         def->name, declared, end - pos);
              l->cut = TRUE;
            }
          else if (declared > end - pos)
            {
              craft__packet_add_finding (p, CRAFT_FINDING_LENGTH, index, -1, l->start, (guint) (end - pos),
                                         "%s length says %" G_GUINT64_FORMAT ", %zu bytes present", def->name,
                                         declared, end - pos);
              l->cut = data_end;
            }
          else
            {
              layer_end = pos + declared;
              data_end = FALSE;
              segment_end = FALSE;
            }
        }
      /* What a stream layer carries ends where this packet's piece does. */
      if (def->stream)
        segment_end = TRUE;
      l->end = (guint) layer_end;
      if (layer_end < end && n_trailers < CRAFT_MAX_LAYERS)
        {
          /* Innermost first. */
          memmove (trailers + 1, trailers, n_trailers * sizeof (Span));
          trailers[0] = (Span) { layer_end, end };
          n_trailers++;
        }
      pos += l->hdr_len;
      end = layer_end;
      def = choose_upper (p, index, pos, end);
      /* No bytes left for a layer the bindings chose (Ether type IPv4 and
       * nothing after it): read it anyway, so that its absence is recorded
       * as truncation, unless a length field (this layer's or one around
       * it) says the packet ends here. */
      expected = pos >= end && open_ended && data_end && def != reg->fallback;
    }
  for (guint i = 0; i < n_trailers; i++)
    {
      Span *t = &trailers[i];
      append_opaque (p, reg->trailer ? reg->trailer : reg->fallback, t->start, t->end);
    }
  /* Bytes left out are bytes missing, as if the capture had cut them. */
  if (too_large && p->layers->len > 0)
    craft__packet_layer (p, 0)->cut = TRUE;
  /* Every slot read its span in this generation of the wire (new slots are
   * of generation 0 already). */
  for (guint i = 0; p->generation != 0 && i < p->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (p, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        l->slots[k].generation = p->generation;
    }
  p->edited = FALSE;
  p->wire_current = TRUE;
}

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
  dissect (p, def, data, length);
  return p;
}

const CraftLayerDef *
craft__packet_chosen_upper (CraftPacket *p, guint index)
{
  if (index >= p->layers->len)
    return NULL;
  const CraftLayer *l = craft__packet_layer (p, index);
  const CraftLayerDef *upper = choose_upper (p, index, (gsize) l->start + l->hdr_len, l->end);
  return upper != p->reg->fallback ? upper : NULL;
}

CraftPacket *
craft__packet_new_partial (CraftRegistry *reg, const CraftLayerDef *def, const guint8 *data, gsize length)
{
  return craft__packet_new_partial_above (reg, NULL, def, data, length);
}

CraftPacket *
craft__packet_new_partial_above (CraftRegistry *reg, const CraftLayerDef *below, const CraftLayerDef *def,
                                 const guint8 *data, gsize length)
{
  CraftPacket *p = craft_packet_new (reg);
  p->below = below;
  length = MIN (length, CRAFT_MAX_PACKET_BYTES);
  static const guint8 no_data[1];
  p->origin = length > 0 ? g_bytes_new (data, length) : g_bytes_new_static (no_data, 0);
  p->wire = g_bytes_ref (p->origin);
  guint index = craft__packet_append_layer (p, def);
  CraftLayer *l = craft__packet_layer (p, index);
  if (!dissect_fields (p, index, length))
    {
      /* The field that stopped the reading is the last finding's: it and
       * every field after it are not there. */
      const CraftFinding *stop = &g_array_index (p->findings, CraftFinding, p->findings->len - 1);
      guint first_absent = stop->field >= 0 ? (guint) stop->field : 0;
      gsize end_bits = 0;
      for (guint i = 0; i < def->fields->len; i++)
        {
          CraftSlot *s = &l->slots[i];
          if (i >= first_absent)
            {
              s->present = FALSE;
              s->state = CRAFT_SLOT_UNSET;
            }
          else if (s->present)
            end_bits = MAX (end_bits, (gsize) s->bit_off + s->bit_len);
        }
      l->hdr_len = (guint) ((end_bits + 7) / 8);
      l->cut = TRUE;
      /* Nothing after a cut header is its payload. */
      l->end = l->start + l->hdr_len;
    }
  else
    l->end = (guint) length;
  for (guint k = 0; k < def->fields->len; k++)
    l->slots[k].generation = p->generation;
  p->edited = FALSE;
  p->wire_current = TRUE;
  return p;
}

void
craft_packet_set_from_bytes (CraftPacket *packet, const CraftLayerDef *first_layer, const guint8 *data,
                             gsize length)
{
  craft__packet_set_from_bytes_above (packet, NULL, first_layer, data, length);
}

void
craft__packet_set_from_bytes_above (CraftPacket *packet, const CraftLayerDef *below, const CraftLayerDef *first_layer,
                                    const guint8 *data, gsize length)
{
  g_return_if_fail (packet != NULL && first_layer != NULL);
  craft__packet_clear (packet);
  packet->below = below;
  dissect (packet, first_layer, data, length);
}
