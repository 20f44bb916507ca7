/* The dissection plan of a layer: its leading fields at offsets and sizes known when the definition loads. */
#include "model.h"
#include "binding-index.h"
#include "kinds.h"

/* Whether the dissector may read field `f` at `bit` from the layer's start
 * without evaluating anything: no condition, a fixed size, no kind that
 * measures its own bytes, and whole bytes where the kind needs them (a field
 * that would start mid-byte is left to the general loop, which reports it). */
static gboolean
plannable (const CraftFieldDef *f, guint bit)
{
  if (f->condition != NULL || f->size_mode != CRAFT_SIZE_FIXED || f->bits == 0)
    return FALSE;
  if (f->kind->wire_size != NULL || f->kind->is_list)
    return FALSE;
  if (!f->kind->is_integer && f->bits % 8 != 0)
    return FALSE;
  if ((!f->kind->is_integer || f->little_endian) && bit % 8 != 0)
    return FALSE;
  return TRUE;
}

/* Whether `c` is mul * field + add over one field of this layer and
 * constants, with +, - and * only: the wrapping arithmetic craft__calc_eval()
 * does for them. */
static gboolean
linear (const CraftCalc *c, gint *field, guint64 *mul, guint64 *add)
{
  switch (c->type)
    {
    case CRAFT_CALC_CONST:
      *field = -1, *mul = 0, *add = c->num;
      return TRUE;
    case CRAFT_CALC_FIELD:
      if (c->lower || c->request)
        return FALSE;
      *field = (gint) c->field, *mul = 1, *add = 0;
      return TRUE;
    case CRAFT_CALC_BINARY:
      break;
    default:
      return FALSE;
    }
  gint fa, fb;
  guint64 ma, aa, mb, ab;
  if (!linear (c->a, &fa, &ma, &aa) || !linear (c->b, &fb, &mb, &ab) || (fa >= 0 && fb >= 0))
    return FALSE;
  *field = fa >= 0 ? fa : fb;
  switch (c->op)
    {
    case CRAFT_OP_ADD: *mul = ma + mb, *add = aa + ab; return TRUE;
    case CRAFT_OP_SUB: *mul = ma - mb, *add = aa - ab; return TRUE;
    case CRAFT_OP_MUL:
      /* One side is a constant (mul 0). */
      *mul = fa >= 0 ? ma * ab : mb * aa;
      *add = aa * ab;
      return TRUE;
    default:
      return FALSE;
    }
}

/* Whether condition `c` reads only planned integer fields of `layer` and
 * uses no function: then it is tested like a guard on the layer's bytes,
 * each field node given its planned bit offset. */
static gboolean
plan_condition (CraftLayerDef *layer, CraftCalc *c)
{
  if (c == NULL)
    return TRUE;
  switch (c->type)
    {
    case CRAFT_CALC_CONST:
    case CRAFT_CALC_NEG:
    case CRAFT_CALC_NOT:
    case CRAFT_CALC_BINARY:
    case CRAFT_CALC_SET:
    case CRAFT_CALC_COND:
    case CRAFT_CALC_MAX:
    case CRAFT_CALC_MIN:
      break;
    case CRAFT_CALC_FIELD:
      {
        if (c->lower || c->request || c->field >= layer->plan_fields)
          return FALSE;
        const CraftFieldDef *f = g_ptr_array_index (layer->fields, c->field);
        if (!f->kind->is_integer)
          return FALSE;
        c->bit = f->plan_bit;
        break;
      }
    default:
      return FALSE;
    }
  if (!plan_condition (layer, c->a) || !plan_condition (layer, c->b))
    return FALSE;
  for (guint i = 0; c->items != NULL && i < c->items->len; i++)
    if (!plan_condition (layer, g_ptr_array_index (c->items, i)))
      return FALSE;
  return TRUE;
}

/* Whether a field past the plan can be read without a packet: its size is
 * fixed, planned, or the rest of the layer (bytes, or a list: a list of a
 * size in bytes takes exactly that size whatever its elements), its kind
 * does not measure its own bytes, and its condition is planned. */
static gboolean
in_place (const CraftFieldDef *f)
{
  if (f->kind->wire_size != NULL || (f->condition != NULL && !f->plan_condition))
    return FALSE;
  switch (f->size_mode)
    {
    case CRAFT_SIZE_FIXED: return f->bits > 0 && !f->kind->is_list && (f->kind->is_integer || f->bits % 8 == 0);
    case CRAFT_SIZE_EXPR: return f->plan_size_field != 0 && !f->kind->is_integer;
    case CRAFT_SIZE_REST: return !f->kind->is_integer;
    default: return FALSE;
    }
}

/* The linear `length` and whether the whole layer can be read in place. */
static void
plan_in_place (CraftLayerDef *layer)
{
  gint field;
  guint64 mul, add;
  layer->plan_length_field = 0;
  if (layer->length != NULL && linear (layer->length, &field, &mul, &add) && field >= 0
      && (guint) field < layer->plan_fields
      && ((const CraftFieldDef *) g_ptr_array_index (layer->fields, field))->kind->is_integer)
    {
      layer->plan_length_field = (guint) field + 1;
      layer->plan_length_mul = mul;
      layer->plan_length_add = add;
    }
  layer->plan_length_header = layer->length != NULL && layer->length->type == CRAFT_CALC_LEN
                               && layer->length->span == CRAFT_SPAN_HEADER && !layer->length->request;
  layer->in_place = !layer->plan_bound_beyond && layer->length_if == NULL
                    && (layer->length == NULL || layer->plan_length_field != 0 || layer->plan_length_header);
  for (guint i = 0; i < layer->fields->len; i++)
    {
      CraftFieldDef *f = g_ptr_array_index (layer->fields, i);
      f->plan_condition = f->condition != NULL && plan_condition (layer, f->condition);
      f->plan_size_guard = f->size_mode == CRAFT_SIZE_EXPR && f->size_calc != NULL && f->plan_size_field == 0
                           && plan_condition (layer, f->size_calc);
      if (i >= layer->plan_fields && (!in_place (f) || f->bound))
        layer->in_place = FALSE;
    }
}

void
craft__layer_def_plan (CraftLayerDef *layer)
{
  guint bit = 0, n = 0;
  for (; n < layer->fields->len; n++)
    {
      CraftFieldDef *f = g_ptr_array_index (layer->fields, n);
      if (!plannable (f, bit) || bit + f->bits < bit)
        break;
      f->plan_bit = bit;
      bit += f->bits;
    }
  layer->plan_fields = n;
  layer->plan_bits = bit;
  for (guint i = 0; i < layer->fields->len; i++)
    {
      CraftFieldDef *f = g_ptr_array_index (layer->fields, i);
      gint field;
      guint64 mul, add;
      f->plan_size_field = 0;
      if (f->size_mode == CRAFT_SIZE_EXPR && f->size_calc != NULL && linear (f->size_calc, &field, &mul, &add)
          && field >= 0 && (guint) field < n && (guint) field < i
          && ((const CraftFieldDef *) g_ptr_array_index (layer->fields, field))->kind->is_integer)
        {
          f->plan_size_field = (guint) field + 1;
          f->plan_size_mul = mul;
          f->plan_size_add = add;
        }
    }
  layer->plan_bound = 0;
  layer->plan_bound_beyond = FALSE;
  for (guint i = 0; i < layer->fields->len; i++)
    if (((const CraftFieldDef *) g_ptr_array_index (layer->fields, i))->bound)
      {
        if (i < 64)
          layer->plan_bound |= G_GUINT64_CONSTANT (1) << i;
        else
          layer->plan_bound_beyond = TRUE;
      }
  plan_in_place (layer);
}

void
craft__binding_index_free (struct _CraftBindingIndex *index)
{
  if (index == NULL)
    return;
  g_free (index->entries);
  g_free (index->indices);
  g_free (index);
}

void
craft__registry_index_bindings_by_value (CraftRegistry *reg)
{
  g_clear_pointer (&reg->bindings_by_value, craft__binding_index_free);
  struct _CraftBindingIndex *index = g_new0 (struct _CraftBindingIndex, 1);
  /* At most a quarter full: most values dissection looks up are in no
   * binding, and such a probe ends at the first empty entry. */
  gsize size = 16;
  while (size < (gsize) reg->bindings->len * 4 + 4)
    size *= 2;
  index->entries = g_new0 (CraftBindingKey, size);
  index->mask = size - 1;
  index->indices = g_new (guint, MAX (reg->bindings->len, 1));
  /* Count each key's bindings, give each key its run, then fill the runs in order. */
  for (guint i = 0; i < reg->bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      if (b->lower == NULL)
        continue;
      CraftBindingKey *e = craft__binding_key (index, b->lower, (guint) b->field, b->value);
      if (e->lower == NULL)
        *e = (CraftBindingKey) { b->lower, (guint) b->field, b->value, 0, 0, b->upper, FALSE };
      e->count++;
      e->mixed = e->mixed || e->upper != b->upper;
    }
  guint next = 0;
  for (gsize at = 0; at <= index->mask; at++)
    if (index->entries[at].lower != NULL)
      {
        index->entries[at].first = next;
        next += index->entries[at].count;
        index->entries[at].count = 0;
      }
  for (guint i = 0; i < reg->bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      if (b->lower == NULL)
        continue;
      CraftBindingKey *e = craft__binding_key (index, b->lower, (guint) b->field, b->value);
      index->indices[e->first + e->count++] = i;
    }
  reg->bindings_by_value = index;
}
