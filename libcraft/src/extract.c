/* Field extraction: a packet's wanted fields read in place through each layer's plan, else from a whole dissection. */
#include <craft/craft.h>

#include "extract-layer.h"
#include "craft-limits.h"
#include "kinds.h"

#include <string.h>

/* One wanted field: the fields of that name in its layer (conditional
 * alternatives share a name; the first present one is the value). */
typedef struct {
  const CraftLayerDef *def;
  char *name;
  GArray *indices;      /* guint, in order */
} Wanted;

/* Where a value came from: the present alternative of the name, and its
 * layer in x->packet when dissected whole (else -1). */
typedef struct {
  const CraftFieldDef *field;
  gint layer;
} Source;

/* One wanted field of a layer, as the walk reads it. */
typedef struct {
  guint value;                /* in x->values */
  const CraftFieldDef *field;
  gboolean integer;
  gboolean planned;           /* at `at`; else measured, in x->spans[tail] */
  CraftFixedField at;         /* planned: where (bits: of an integer) */
  guint bytes;                /* planned bytes: how many */
  guint tail;
} Take;

/* Where a field past a layer's plan lies in the layer read in place. */
typedef struct {
  gboolean present;
  guint32 bit, bits;          /* from the layer's first bit */
} Span;

/* What the walk needs of a layer definition, found by pointer in an
 * open-addressing table (the walk looks one up per layer). */
typedef struct _Entry {
  const CraftLayerDef *def;   /* NULL: an empty entry */
  guint64 reach;              /* bit d: wanted layer d is this one or can be met above it */
  guint64 bit;                /* this layer's bit when wanted, else 0 */
  CraftLayerProgram program;
  GArray *takes;              /* Take: its wanted fields, alternatives of a name in order; NULL if none */
  /* The entry of the layer last found above this one: packets of a capture
   * mostly repeat their layers, and this saves the lookup. */
  const CraftLayerDef *last_upper;
  struct _Entry *last_upper_entry;
  /* With program.layout_by_key: the spans of the fields after the plan,
   * and where the header ends, for the key's value last measured. */
  Span *layout;               /* NULL until measured once */
  guint64 layout_value;
  gsize layout_bits;
} Entry;

struct _CraftExtractor {
  CraftRegistry *reg;
  GPtrArray *wanted;          /* Wanted* (owned) */
  CraftExtractedValue *values; /* one per wanted field ... */
  Source *sources;             /* ... and where it came from */
  Entry *entries;
  gsize mask;
  Span *spans;                /* one per field of the widest layer */
  gboolean whole;             /* a wanted layer is the fallback or the trailer: always dissect whole */
  guint generation;           /* the registry's when the layers were compiled: after a change, whole */
  CraftPacket *packet;        /* the whole dissections, reused */
  gboolean in_place;
  int linktype;               /* the last link type run_linktype() saw, and its lone layer or NULL */
  const CraftLayerDef *linktype_layer;
  gboolean linktype_known;
};

static void
wanted_free (gpointer data)
{
  Wanted *w = data;
  g_free (w->name);
  if (w->indices != NULL)
    g_array_unref (w->indices);
  g_free (w);
}

static gsize
entry_hash (const CraftLayerDef *def)
{
  /* Definitions are separate allocations: their addresses differ in the bits above the lowest few. */
  return (gsize) ((guintptr) def >> 4 ^ (guintptr) def >> 12);
}

static Entry *
lookup_entry (const CraftExtractor *x, const CraftLayerDef *def)
{
  for (gsize at = entry_hash (def) & x->mask;; at = (at + 1) & x->mask)
    if (x->entries[at].def == def || x->entries[at].def == NULL)
      return &x->entries[at];
}

/* Which wanted layers can be met from each layer on: its own bit and those
 * of every layer a binding leads to from it, to a fixed point. */
static void
compute_reach (CraftExtractor *x)
{
  CraftRegistry *reg = x->reg;
  gboolean changed = TRUE;
  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < reg->bindings->len; i++)
        {
          const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
          if (b->lower == NULL || b->upper == NULL)
            continue;
          Entry *lower = lookup_entry (x, b->lower), *upper = lookup_entry (x, b->upper);
          if (lower->def == NULL || upper->def == NULL || (upper->reach & ~lower->reach) == 0)
            continue;
          lower->reach |= upper->reach;
          changed = TRUE;
        }
    }
}

/* Resolves "LAYER.field" into `w`. */
static gboolean
resolve_field (CraftRegistry *reg, const char *text, Wanted *w, GError **error)
{
  const char *dot = strchr (text, '.');
  if (dot == NULL || dot == text || dot[1] == '\0')
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_SYNTAX, "field '%s': write it LAYER.field, as IP.src", text);
      return FALSE;
    }
  g_autofree char *layer = g_strndup (text, (gsize) (dot - text));
  w->def = craft_registry_lookup_layer (reg, layer);
  if (w->def == NULL)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_LAYER, "field '%s': unknown layer '%s'", text, layer);
      return FALSE;
    }
  w->name = g_strdup (dot + 1);
  w->indices = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < w->def->fields->len; i++)
    {
      const CraftFieldDef *f = g_ptr_array_index (w->def->fields, i);
      if (strcmp (f->name, w->name) != 0)
        continue;
      g_array_append_val (w->indices, i);
    }
  if (w->indices->len == 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_FIELD, "field '%s': %s has no field '%s'", text,
                   w->def->name, w->name);
      return FALSE;
    }
  return TRUE;
}

CraftExtractor *
craft_extractor_new (CraftRegistry *reg, const char *const *fields, GError **error)
{
  g_return_val_if_fail (reg != NULL && fields != NULL, NULL);
  CraftExtractor *x = g_new0 (CraftExtractor, 1);
  x->reg = craft_registry_ref (reg);
  x->wanted = g_ptr_array_new_with_free_func (wanted_free);
  gsize size = 16;
  while (size < (gsize) reg->layers->len * 4 + 4)
    size *= 2;
  x->entries = g_new0 (Entry, size);
  x->mask = size - 1;
  guint widest = 1;
  for (guint i = 0; i < reg->layers->len; i++)
    {
      const CraftLayerDef *def = g_ptr_array_index (reg->layers, i);
      Entry *e = lookup_entry (x, def);
      e->def = def;
      craft__layer_program_init (&e->program, reg, def);
      widest = MAX (widest, def->fields->len);
    }
  x->spans = g_new0 (Span, widest);
  const CraftLayerDef *bits[64];
  guint n_bits = 0;
  for (guint i = 0; fields[i] != NULL; i++)
    {
      Wanted *w = g_new0 (Wanted, 1);
      g_ptr_array_add (x->wanted, w);
      if (!resolve_field (reg, fields[i], w, error))
        {
          craft_extractor_free (x);
          return NULL;
        }
      guint d = 0;
      while (d < n_bits && bits[d] != w->def)
        d++;
      if (d == n_bits)
        {
          if (n_bits == G_N_ELEMENTS (bits))
            {
              g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_SYNTAX, "field '%s': fields of at most %u layers",
                           fields[i], (guint) G_N_ELEMENTS (bits));
              craft_extractor_free (x);
              return NULL;
            }
          bits[n_bits++] = w->def;
        }
      Entry *e = lookup_entry (x, w->def);
      if (e->def == NULL)
        {
          /* Not among the registry's layers (names resolve to those): compiled all the same. */
          e->def = w->def;
          craft__layer_program_init (&e->program, reg, w->def);
        }
      e->bit = e->reach = G_GUINT64_CONSTANT (1) << d;
      if (e->takes == NULL)
        e->takes = g_array_new (FALSE, FALSE, sizeof (Take));
      for (guint k = 0; k < w->indices->len; k++)
        {
          guint index = g_array_index (w->indices, guint, k);
          const CraftFieldDef *f = g_ptr_array_index (w->def->fields, index);
          Take t = { i, f, f->kind->is_integer, index < w->def->plan_fields,
                     { f->plan_bit, (guint8) MIN (f->bits, 64), f->little_endian }, f->bits / 8,
                     index - MIN (index, w->def->plan_fields) };
          g_array_append_val (e->takes, t);
        }
      x->whole = x->whole || w->def->fallback || w->def->trailer;
    }
  x->values = g_new0 (CraftExtractedValue, MAX (x->wanted->len, 1));
  x->sources = g_new0 (Source, MAX (x->wanted->len, 1));
  x->generation = reg->generation;
  compute_reach (x);
  x->packet = craft_packet_new (reg);
  return x;
}

void
craft_extractor_free (CraftExtractor *extractor)
{
  if (extractor == NULL)
    return;
  g_clear_pointer (&extractor->packet, craft_packet_unref);
  g_ptr_array_unref (extractor->wanted);
  g_free (extractor->values);
  g_free (extractor->sources);
  for (gsize i = 0; i <= extractor->mask; i++)
    {
      if (extractor->entries[i].takes != NULL)
        g_array_unref (extractor->entries[i].takes);
      craft__layer_program_clear (&extractor->entries[i].program);
      g_free (extractor->entries[i].layout);
    }
  g_free (extractor->entries);
  g_free (extractor->spans);
  craft_registry_unref (extractor->reg);
  g_free (extractor);
}

guint
craft_extractor_get_n_fields (const CraftExtractor *extractor)
{
  return extractor->wanted->len;
}

const CraftLayerDef *
craft_extractor_get_layer (const CraftExtractor *extractor, guint field)
{
  g_return_val_if_fail (field < extractor->wanted->len, NULL);
  return ((const Wanted *) g_ptr_array_index (extractor->wanted, field))->def;
}

const char *
craft_extractor_get_field_name (const CraftExtractor *extractor, guint field)
{
  g_return_val_if_fail (field < extractor->wanted->len, NULL);
  return ((const Wanted *) g_ptr_array_index (extractor->wanted, field))->name;
}

/* Fills the values of the wanted fields of layer `e`, read in place at
 * `layer` (planned fields where the plan says, the others at x->spans). */
static void
take_in_place (CraftExtractor *x, const Entry *e, const guint8 *layer)
{
  const Take *takes = (const Take *) (void *) e->takes->data, *last = takes + e->takes->len;
  for (const Take *t = takes; t < last; t++)
    {
      CraftExtractedValue *v = &x->values[t->value];
      if (v->present)
        continue; /* an earlier alternative of the name */
      Span s = t->planned ? (Span) { TRUE, t->at.bit, t->bytes * 8 } : x->spans[t->tail];
      if (!s.present)
        continue;
      v->present = TRUE;
      x->sources[t->value] = (Source) { t->field, -1 };
      v->integer = t->integer;
      if (t->integer)
        v->num = craft__fixed_read (&(CraftFixedField) { s.bit, t->at.bits, t->at.little_endian }, layer);
      else
        v->bytes = layer + s.bit / 8, v->length = s.bits / 8;
    }
}

/* How the fields after a layer's plan measure, as the dissector's general
 * loop measures them, in the `length` bytes at `layer`. */
typedef enum {
  MEASURED, /* *bit: where the header ends; x->spans: where they lie, if `wanted` */
  WHOLE,    /* a field out of its byte alignment: the packet must be dissected whole */
  CUT,      /* a field is cut short: the rest is raw */
} Measure;

static Measure
measure_tails (CraftExtractor *x, Entry *e, const guint8 *layer, gsize length, gboolean wanted, gsize *bit)
{
  const CraftLayerProgram *p = &e->program;
  gsize room = length * 8;
  guint64 key = p->layout_by_key ? craft__fixed_read (&p->layout_key, layer) : 0;
  if (e->layout != NULL && key == e->layout_value && e->layout_bits <= room)
    {
      /* Measured before for this value, and it all fits: the same spans. */
      *bit = e->layout_bits;
      if (wanted)
        memcpy (x->spans, e->layout, p->n_tails * sizeof *x->spans);
      return MEASURED;
    }
  *bit = p->plan_bits;
  for (guint i = 0; i < p->n_tails; i++)
    {
      const CraftTailField *t = &p->tails[i];
      Span *s = &x->spans[i];
      s->present = craft__tail_present (t, e->def, layer, length);
      if (!s->present)
        continue;
      gsize left = room - *bit, bits = t->field->bits;
      if (t->size_mode == CRAFT_SIZE_REST)
        bits = left - left % 8;
      else if (t->size_mode == CRAFT_SIZE_EXPR)
        {
          gint64 bytes = (gint64) (craft__fixed_read (&t->size, layer) * t->size_mul + t->size_add);
          bits = (gsize) CLAMP (bytes, 0, (gint64) (left / 8)) * 8;
        }
      if (t->aligned && *bit % 8 != 0)
        return WHOLE;
      if (bits > left)
        return CUT;
      s->bit = (guint32) *bit;
      s->bits = (guint32) bits;
      *bit += bits;
    }
  if (p->layout_by_key)
    {
      if (e->layout == NULL)
        e->layout = g_new (Span, p->n_tails);
      memcpy (e->layout, x->spans, p->n_tails * sizeof *x->spans);
      e->layout_value = key;
      e->layout_bits = *bit;
    }
  return MEASURED;
}

/* Reads the wanted fields of `data` layer by layer as dissect.c would,
 * without a packet: the fields past each layer's plan are measured as its
 * general loop measures them, the length bounds the payload, and the
 * bindings choose the layer above. FALSE when a layer cannot be read so
 * (not in_place, a field out of its byte alignment, too many layers): the
 * packet must be dissected whole. */
static gboolean
walk_in_place (CraftExtractor *x, const CraftLayerDef *def, const guint8 *data, gsize length)
{
  if (length > CRAFT_MAX_PACKET_BYTES)
    return FALSE;
  CraftRegistry *reg = x->reg;
  guint64 found = 0;
  gsize pos = 0, end = length;
  gboolean expected = TRUE, data_end = TRUE;
  guint layers = 0;
  Entry *e = NULL;
  while (def != NULL && (pos < end || expected))
    {
      if (e != NULL && e->last_upper == def)
        e = e->last_upper_entry;
      else if (e != NULL)
        {
          Entry *upper = lookup_entry (x, def);
          e->last_upper = def;
          e->last_upper_entry = upper;
          e = upper;
        }
      else
        e = lookup_entry (x, def);
      CraftLayerProgram *p = &e->program;
      if (e->def == NULL)
        return FALSE;
      if ((e->reach & ~found) == 0)
        return TRUE; /* nothing wanted can follow */
      /* Each layer may leave a trailer: count both against the limit. */
      if (!p->in_place || 2 * layers + 3 > CRAFT_MAX_LAYERS)
        return FALSE;
      const guint8 *layer = data + pos;
      gsize room = (end - pos) * 8;
      if (p->plan_bits > room)
        return TRUE; /* its header is cut short: the rest is raw */
      gsize bit;
      Measure measured = measure_tails (x, e, layer, end - pos, (e->bit & ~found) != 0, &bit);
      if (measured != MEASURED)
        return measured == CUT;
      if (bit % 8 != 0)
        return FALSE;
      if ((e->bit & ~found) != 0)
        {
          take_in_place (x, e, layer);
          found |= e->bit;
        }
      gsize header = bit / 8, layer_end = end;
      gboolean open_ended = TRUE;
      if (p->has_length || p->length_is_header)
        {
          guint64 declared = p->length_is_header ? header
                                                 : craft__fixed_read (&p->length, layer) * p->length_mul + p->length_add;
          open_ended = declared > end - pos;
          if (declared >= header && declared <= end - pos)
            {
              layer_end = pos + declared;
              data_end = FALSE;
            }
        }
      layers++;
      pos += header;
      end = layer_end;
      def = craft__layer_program_upper (p, reg, layer);
      if (def == NULL)
        def = craft__choose_upper_in_place (reg, e->def, layer, data + pos, end > pos ? end - pos : 0);
      expected = pos >= end && open_ended && data_end && def != reg->fallback;
    }
  return TRUE;
}

/* Fills the values from a whole dissection. */
static void
take_whole (CraftExtractor *x, const CraftLayerDef *first, const guint8 *data, gsize length)
{
  CraftPacket *p = x->packet;
  craft_packet_set_from_bytes (p, first, data, length);
  const guint8 *origin = g_bytes_get_data (p->origin, NULL);
  for (guint i = 0; i < x->wanted->len; i++)
    {
      const Wanted *w = g_ptr_array_index (x->wanted, i);
      gint index = craft_packet_find_layer_def (p, w->def, 0);
      if (index < 0)
        continue;
      const CraftLayer *l = craft__packet_layer (p, (guint) index);
      for (guint k = 0; k < w->indices->len; k++)
        {
          const CraftSlot *s = &l->slots[g_array_index (w->indices, guint, k)];
          if (!s->present)
            continue;
          CraftExtractedValue *v = &x->values[i];
          const CraftFieldDef *f = craft__layer_field (l, g_array_index (w->indices, guint, k));
          v->present = TRUE;
          x->sources[i] = (Source) { f, index };
          v->integer = f->kind->is_integer;
          v->num = s->num;
          v->bytes = origin + s->orig_off, v->length = s->orig_len;
          break;
        }
    }
}

void
craft_extractor_run (CraftExtractor *extractor, const CraftLayerDef *first, const guint8 *data, gsize length)
{
  g_return_if_fail (extractor != NULL && first != NULL && (data != NULL || length == 0));
  CraftExtractor *x = extractor;
  memset (x->values, 0, x->wanted->len * sizeof *x->values);
  x->in_place = !x->whole && x->generation == x->reg->generation && walk_in_place (x, first, data, length);
  if (x->in_place)
    return;
  memset (x->values, 0, x->wanted->len * sizeof *x->values);
  take_whole (x, first, data, length);
}

void
craft_extractor_run_linktype (CraftExtractor *extractor, int linktype, const guint8 *data, gsize length)
{
  g_return_if_fail (extractor != NULL);
  CraftExtractor *x = extractor;
  /* A link type that one layer alone is bound to needs no look at the bytes. */
  if (!x->linktype_known || x->linktype != linktype || x->generation != x->reg->generation)
    {
      x->linktype = linktype;
      x->linktype_known = TRUE;
      x->linktype_layer = NULL;
      guint candidates = 0;
      for (guint i = 0; i < x->reg->bindings->len; i++)
        {
          const CraftBinding *b = &g_array_index (x->reg->bindings, CraftBinding, i);
          if (b->lower_name != NULL || b->value != (guint64) linktype || b->upper == x->linktype_layer)
            continue;
          x->linktype_layer = b->upper;
          candidates++;
        }
      if (candidates != 1)
        x->linktype_layer = NULL;
    }
  const CraftLayerDef *first = x->linktype_layer;
  if (first == NULL)
    first = craft_registry_lookup_linktype_for_data (x->reg, linktype, data, length);
  if (first == NULL)
    first = x->reg->fallback;
  if (first == NULL)
    {
      /* No layer to start from (a registry without Raw): no values. */
      memset (x->values, 0, x->wanted->len * sizeof *x->values);
      x->in_place = FALSE;
      return;
    }
  craft_extractor_run (x, first, data, length);
}

const CraftExtractedValue *
craft_extractor_get_values (const CraftExtractor *extractor)
{
  g_return_val_if_fail (extractor != NULL, NULL);
  return extractor->values;
}

gboolean
craft_extractor_get_uint (const CraftExtractor *extractor, guint field, guint64 *value)
{
  g_return_val_if_fail (extractor != NULL && field < extractor->wanted->len && value != NULL, FALSE);
  const CraftExtractedValue *v = &extractor->values[field];
  if (!v->present || !v->integer)
    return FALSE;
  *value = v->num;
  return TRUE;
}

const guint8 *
craft_extractor_peek_bytes (const CraftExtractor *extractor, guint field, gsize *length)
{
  g_return_val_if_fail (extractor != NULL && field < extractor->wanted->len && length != NULL, NULL);
  const CraftExtractedValue *v = &extractor->values[field];
  *length = 0;
  if (!v->present || v->integer)
    return NULL;
  *length = v->length;
  return v->bytes != NULL ? v->bytes : (const guint8 *) "";
}

gboolean
craft_extractor_format (const CraftExtractor *extractor, guint field, GString *out)
{
  g_return_val_if_fail (extractor != NULL && field < extractor->wanted->len && out != NULL, FALSE);
  const CraftExtractedValue *v = &extractor->values[field];
  if (!v->present)
    return FALSE;
  const CraftFieldDef *f = extractor->sources[field].field;
  if (v->integer)
    {
      if (f->kind->is_signed && f->bits < 64 && (v->num >> (f->bits - 1) & 1) != 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) (v->num | ~((G_GUINT64_CONSTANT (1) << f->bits) - 1)));
      else if (f->kind->is_signed)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) v->num);
      else
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, v->num);
    }
  else if (f->kind->format_at != NULL)
    {
      /* Names may point at bytes elsewhere in the packet: the packet knows
       * them (such kinds are never read in place). */
      const Wanted *w = g_ptr_array_index (extractor->wanted, field);
      gint layer = extractor->sources[field].layer;
      g_autofree char *text = layer >= 0 ? craft_packet_format_field (extractor->packet, (guint) layer, w->name, NULL)
                                         : NULL;
      g_string_append (out, text != NULL ? text : "");
    }
  else
    f->kind->format (v->bytes, v->length, out);
  return TRUE;
}

gboolean
craft_extractor_last_in_place (const CraftExtractor *extractor)
{
  return extractor->in_place;
}
