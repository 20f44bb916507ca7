/* A layer definition compiled for reading in place: where its planned values lie, how its other fields measure, what chooses the layer above. */
#include "extract-layer.h"

#include "kinds.h"

static CraftFixedField
fixed_of (const CraftLayerDef *def, guint field)
{
  const CraftFieldDef *f = g_ptr_array_index (def->fields, field);
  return (CraftFixedField) { f->plan_bit, (guint8) f->bits, f->little_endian };
}

/* The one field `c` reads, in *field (-1: none yet); FALSE if it reads several. */
static gboolean
single_field (const CraftCalc *c, gint *field)
{
  if (c == NULL)
    return TRUE;
  if (c->type == CRAFT_CALC_FIELD)
    {
      if (*field >= 0 && *field != (gint) c->field)
        return FALSE;
      *field = (gint) c->field;
    }
  if (!single_field (c->a, field) || !single_field (c->b, field))
    return FALSE;
  for (guint i = 0; c->items != NULL && i < c->items->len; i++)
    if (!single_field (g_ptr_array_index (c->items, i), field))
      return FALSE;
  return TRUE;
}

/* Tables the condition of `t` when it reads a single field of at most 16
 * bits: evaluated once for every value that field can have, on a layer of
 * zeros holding it. */
static void
table_condition (CraftTailField *t, const CraftLayerDef *def)
{
  gint field = -1;
  if (!t->field->plan_condition || !single_field (t->field->condition, &field) || field < 0)
    return;
  t->reads = fixed_of (def, (guint) field);
  if (t->reads.bits > 16 || t->reads.little_endian)
    return;
  gsize bytes = (def->plan_bits + 7) / 8;
  g_autofree guint8 *layer = g_malloc0 (MAX (bytes, 1));
  guint64 values = (guint64) 1 << t->reads.bits;
  t->holds = g_malloc0 (values / 8 + 1);
  for (guint64 v = 0; v < values; v++)
    {
      craft__bits_write (layer, t->reads.bit, t->reads.bits, v);
      if (craft__condition_holds_in_place (t->field, def, layer, bytes))
        t->holds[v / 8] |= (guint8) (1u << v % 8);
    }
}

void
craft__layer_program_init (CraftLayerProgram *program, CraftRegistry *reg, const CraftLayerDef *def)
{
  *program = (CraftLayerProgram) { 0 };
  program->def = def;
  program->in_place = def->in_place;
  if (!def->in_place)
    return;
  program->plan_bits = def->plan_bits;
  program->plan_fields = def->plan_fields;
  program->n_tails = def->fields->len - def->plan_fields;
  program->tails = g_new0 (CraftTailField, MAX (program->n_tails, 1));
  for (guint i = 0; i < program->n_tails; i++)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, def->plan_fields + i);
      CraftTailField *t = &program->tails[i];
      t->field = f;
      t->size_mode = f->size_mode;
      if (f->size_mode == CRAFT_SIZE_EXPR)
        {
          t->size = fixed_of (def, f->plan_size_field - 1);
          t->size_mul = f->plan_size_mul;
          t->size_add = f->plan_size_add;
        }
      t->aligned = !f->kind->is_integer || f->little_endian;
      table_condition (t, def);
    }
  program->layout_by_key = program->n_tails > 0;
  for (guint i = 0; i < program->n_tails && program->layout_by_key; i++)
    {
      const CraftTailField *t = &program->tails[i];
      if (t->size_mode != CRAFT_SIZE_FIXED || (t->field->condition != NULL && t->holds == NULL))
        program->layout_by_key = FALSE;
      else if (t->holds != NULL && program->layout_key.bits == 0)
        program->layout_key = t->reads;
      else if (t->holds != NULL)
        program->layout_by_key = t->reads.bit == program->layout_key.bit && t->reads.bits == program->layout_key.bits;
    }
  program->layout_by_key = program->layout_by_key && program->layout_key.bits > 0;
  program->length_is_header = def->plan_length_header;
  if (def->plan_length_field != 0)
    {
      program->has_length = TRUE;
      program->length = fixed_of (def, def->plan_length_field - 1);
      program->length_mul = def->plan_length_mul;
      program->length_add = def->plan_length_add;
    }
  program->by_key = reg->bindings_by_value != NULL && !def->plan_bound_beyond;
  program->bound = g_new0 (CraftBoundField, MAX (__builtin_popcountll (def->plan_bound), 1));
  for (guint64 bound = def->plan_bound; bound != 0; bound &= bound - 1)
    {
      guint field = (guint) __builtin_ctzll (bound);
      CraftBoundField *b = &program->bound[program->n_bound++];
      b->field = field;
      b->at = fixed_of (def, field);
      if (b->at.bits > 16)
        continue;
      b->bound_values = g_malloc0 (((gsize) 1 << b->at.bits) / 8 + 1);
      for (guint i = 0; i < reg->bindings->len; i++)
        {
          const CraftBinding *binding = &g_array_index (reg->bindings, CraftBinding, i);
          if (binding->lower == def && binding->field == (gint) field && binding->value < ((guint64) 1 << b->at.bits))
            b->bound_values[binding->value / 8] |= (guint8) (1u << binding->value % 8);
        }
    }
}

void
craft__layer_program_clear (CraftLayerProgram *program)
{
  for (guint i = 0; i < program->n_tails; i++)
    g_free (program->tails[i].holds);
  for (guint i = 0; i < program->n_bound; i++)
    g_free (program->bound[i].bound_values);
  g_free (program->bound);
  g_free (program->tails);
  *program = (CraftLayerProgram) { 0 };
}
