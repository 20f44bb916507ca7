/* A layer definition compiled for reading in place: where its planned values lie, how its other fields measure, what chooses the layer above. */
#pragma once

#include "packet-private.h"
#include "binding-index.h"

G_BEGIN_DECLS

/* An integer field at a fixed place from its layer's first bit. */
typedef struct {
  guint32 bit;
  guint8 bits;
  gboolean little_endian;
} CraftFixedField;

static inline guint64
craft__fixed_read (const CraftFixedField *f, const guint8 *layer)
{
  return f->little_endian ? craft__le_read (layer + f->bit / 8, f->bits / 8) : craft__read_be (layer, f->bit, f->bits);
}

/* A field after the plan, measured as the dissector's general loop measures it. */
typedef struct {
  const CraftFieldDef *field;  /* its condition, when it has one, is planned */
  CraftSizeMode size_mode;     /* FIXED (field->bits), EXPR (a planned linear size) or REST */
  CraftFixedField size;        /* EXPR: the bytes are size * size_mul + size_add, wrapping */
  guint64 size_mul, size_add;
  gboolean aligned;            /* must start on a byte boundary (bytes, little-endian) */
  /* A condition that reads one field of at most 16 bits, tabled: bit v of
   * `holds` says whether it holds when that field (at `reads`) is v. NULL:
   * evaluate the condition. */
  CraftFixedField reads;
  guint8 *holds;
} CraftTailField;

/* Whether the (planned) condition of tail field `t` holds on the layer at `layer`, whose plan it covers. */
static inline gboolean
craft__tail_present (const CraftTailField *t, const CraftLayerDef *def, const guint8 *layer, gsize length)
{
  if (t->field->condition == NULL)
    return TRUE;
  if (t->holds != NULL)
    {
      guint64 v = craft__fixed_read (&t->reads, layer);
      return (t->holds[v / 8] >> (v % 8) & 1) != 0;
    }
  return craft__condition_holds_in_place (t->field, def, layer, length);
}

/* A bound field (its value chooses the layer above), planned. */
typedef struct {
  guint field;
  CraftFixedField at;
  guint8 *bound_values;        /* a bit per value some binding gives it, for fields of at most 16 bits
                                * (most values are in none: no lookup); NULL: look every value up */
  guint64 last_value;          /* the value last looked up, and its key in the index (packets of a */
  const CraftBindingKey *last_key; /* capture mostly repeat them: Ether's type); NULL: none yet */
} CraftBoundField;

typedef struct {
  const CraftLayerDef *def;
  gboolean in_place;           /* def->in_place: the rest is filled only then */
  guint plan_bits;
  guint plan_fields;
  CraftTailField *tails;       /* the fields from plan_fields on */
  guint n_tails;
  gboolean has_length;
  CraftFixedField length;      /* the layer's `length`: length * length_mul + length_add bytes, */
  gboolean length_is_header;   /* or the header's own bytes (`length = len(header);`) */
  guint64 length_mul, length_add;
  CraftBoundField *bound;
  guint n_bound;
  gboolean by_key;             /* the registry's index by value can choose the layer above */
  /* Every field after the plan fixed in size and present by a tabled
   * condition on one and the same field (ICMP's type), or always: where
   * they lie is a function of that field's value, worth remembering. */
  gboolean layout_by_key;
  CraftFixedField layout_key;
} CraftLayerProgram;

/* Compiles `def` of `reg` into `program`. */
void craft__layer_program_init (CraftLayerProgram *program, CraftRegistry *reg, const CraftLayerDef *def);

void craft__layer_program_clear (CraftLayerProgram *program);

/* The layer the bound fields of the layer at `layer` choose when they name
 * at most one (the fallback when none), or NULL when the registry's order
 * and the guards must decide (craft__choose_upper_in_place()). */
static inline const CraftLayerDef *
craft__layer_program_upper (CraftLayerProgram *program, CraftRegistry *reg, const guint8 *layer)
{
  if (!program->by_key)
    return NULL;
  const CraftLayerDef *first = NULL;
  for (guint i = 0; i < program->n_bound; i++)
    {
      CraftBoundField *b = &program->bound[i];
      guint64 value = craft__fixed_read (&b->at, layer);
      if (b->bound_values != NULL && (b->bound_values[value / 8] & (1u << value % 8)) == 0)
        continue;
      if (b->last_key == NULL || b->last_value != value)
        {
          b->last_key = craft__binding_key (reg->bindings_by_value, program->def, b->field, value);
          b->last_value = value;
        }
      if (!craft__binding_key_choose (b->last_key, &first))
        return NULL;
    }
  return first != NULL ? first : reg->fallback;
}

G_END_DECLS
