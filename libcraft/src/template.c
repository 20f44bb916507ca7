/* Set expansion by template patching: the next member of a set patches the last built bytes and updates checksums incrementally. */
#include "template.h"

#include "checksum.h"
#include "kinds.h"
#include "value.h"

#include <string.h>

/* A member changes few fields; more than this and the full build is as quick. */
#define MAX_CHANGES 16

typedef struct {
  guint layer, field;
} FieldRef;

/* Bytes [start, end) of the buffer, at `stream` bytes into what a checksum sums. */
typedef struct {
  guint32 start, end, stream;
} Segment;

/* A checksum the builder computes last (a deferred field). */
typedef struct {
  guint layer, field;
  gboolean crc;         /* CRC-32: not updatable, a change it covers means a full build */
  gboolean constant;    /* no pseudo-header below it: always 0, nothing to update */
  gboolean has_else;    /* `inet_checksum(...) ?: else_value` */
  guint64 else_value;
  guint16 sum;          /* folded one's complement sum of the coverage, as the last build summed it */
  GArray *segments;     /* Segment, in stream order */
  GArray *reads;        /* FieldRef: fields the pseudo-header's computed items read */
} Checksum;

/* A computed field the write pass fills (a length, a bound value, an address from a route). */
typedef struct {
  guint layer, field;
  gboolean always;      /* reads the host (routes, clock): evaluated for every member, as a build would */
  GArray *reads;        /* FieldRef */
} Recompute;

typedef struct {
  guint8 state;
  guint64 num;
  GBytes *bytes;        /* a reference to the slot's USER bytes */
} SlotCopy;

struct _CraftTemplate {
  GPtrArray *defs;          /* the layers the template was built with (borrowed) */
  guint *first_slot;        /* index in `slots` of each layer's first field */
  SlotCopy *slots;
  guint n_slots;
  gboolean *layout_input;   /* per slot: a condition reads it, so a change may move fields */
  guint32 *changed;         /* per slot: the patch numbered `patch` changed its value */
  guint32 patch;            /* patches so far (numbers the marks in `changed`) */
  guint16 *sums;            /* per checksum, while patching: its new sum */
  guint8 *mirror;           /* a copy of the bytes of the last build */
  guint8 *work;             /* where a member is patched: equal to `mirror` between patches */
  gboolean work_is_wire;    /* the packet's bytes are `work` (it holds no wire bytes of its own) */
  gsize total;
  char *interface;
  guint edits;              /* the packet's edit count: any other change means a full build */
  GArray *watched;          /* FieldRef: the fields of the packet's sets, whose values members change */
  GArray *recompute;        /* Recompute, in write order */
  GArray *checksums;        /* Checksum, in the order the builder computes them */
  guint failures;           /* full builds in a row since the last patch */
  guint64 patched;          /* members built by patching, for tests */
  gboolean disabled;        /* the set changes the layout member after member: stop trying */
};

/* After this many full builds in a row without a patch, a packet gives up on templates. */
#define MAX_FAILURES 4

static void
checksum_clear (Checksum *c)
{
  g_clear_pointer (&c->segments, g_array_unref);
  g_clear_pointer (&c->reads, g_array_unref);
}

static void
recompute_clear (Recompute *r)
{
  g_clear_pointer (&r->reads, g_array_unref);
}

static void
template_reset (CraftTemplate *t)
{
  for (guint i = 0; t->slots != NULL && i < t->n_slots; i++)
    g_clear_pointer (&t->slots[i].bytes, g_bytes_unref);
  g_clear_pointer (&t->slots, g_free);
  g_clear_pointer (&t->first_slot, g_free);
  g_clear_pointer (&t->layout_input, g_free);
  g_clear_pointer (&t->changed, g_free);
  g_clear_pointer (&t->sums, g_free);
  g_clear_pointer (&t->mirror, g_free);
  g_clear_pointer (&t->work, g_free);
  t->work_is_wire = FALSE;
  g_clear_pointer (&t->defs, g_ptr_array_unref);
  g_clear_pointer (&t->interface, g_free);
  g_clear_pointer (&t->watched, g_array_unref);
  g_clear_pointer (&t->recompute, g_array_unref);
  g_clear_pointer (&t->checksums, g_array_unref);
  t->n_slots = 0;
}

guint64
craft__template_get_patched (CraftPacket *packet)
{
  return packet->template != NULL ? packet->template->patched : 0;
}

void
craft__template_free (CraftTemplate *t)
{
  if (t == NULL)
    return;
  template_reset (t);
  g_free (t);
}

/* ---- what an expression reads ---- */

/* Adds to `reads` the fields `c`, evaluated on layer `layer`, reads, and
 * sets *host when it reads the host (routes, clock). FALSE when the
 * expression reads something no field list describes (another layer's field
 * by name, a request, quoting, a checksum outside the deferred pass). */
static gboolean
calc_reads (CraftPacket *p, const CraftCalc *c, guint layer, GArray *reads, gboolean *host)
{
  if (c == NULL)
    return TRUE;
  FieldRef ref = { layer, c->field };
  switch (c->type)
    {
    case CRAFT_CALC_CONST:
    case CRAFT_CALC_LOWER_IS: /* the layers: members of a set share them */
    case CRAFT_CALC_IS_SET:   /* the slot's state: a change of state means a full build anyway */
      return TRUE;
    case CRAFT_CALC_LEN:      /* the layout: a change of layout means a full build anyway */
      return !c->request;
    case CRAFT_CALC_FIELD:
      if (c->lower || c->request)
        return FALSE;
      g_array_append_val (reads, ref);
      return TRUE;
    case CRAFT_CALC_BOUND:
      /* bound(upper) in a pseudo-header is the binding's value: fixed by the layout */
      if (c->span != CRAFT_SPAN_UPPER)
        g_array_append_val (reads, ref);
      return TRUE;
    case CRAFT_CALC_COUNT:    /* the elements of a list field */
      g_array_append_val (reads, ref);
      return TRUE;
    case CRAFT_CALC_SOURCE_IP:
      *host = TRUE;
      g_array_append_val (reads, ref);
      return TRUE;
    case CRAFT_CALC_SOURCE_MAC:
    case CRAFT_CALC_NEXT_HOP_MAC:
      /* They route by the destination of the first layer above that has one. */
      *host = TRUE;
      for (guint i = layer; i < p->layers->len; i++)
        {
          const CraftLayerDef *def = craft__packet_layer (p, i)->def;
          if (def->route_field >= 0)
            {
              FieldRef route = { i, (guint) def->route_field };
              g_array_append_val (reads, route);
              break;
            }
        }
      return TRUE;
    case CRAFT_CALC_CLOCK_MS:
    case CRAFT_CALC_NTP_NOW:
      *host = TRUE;
      return TRUE;
    case CRAFT_CALC_COND:
      return calc_reads (p, c->a, layer, reads, host) && calc_reads (p, c->b, layer, reads, host)
             && calc_reads (p, g_ptr_array_index (c->items, 0), layer, reads, host);
    case CRAFT_CALC_SET:
      for (guint i = 0; i < c->items->len; i++)
        if (!calc_reads (p, g_ptr_array_index (c->items, i), layer, reads, host))
          return FALSE;
      return TRUE;
    case CRAFT_CALC_NEG:
    case CRAFT_CALC_NOT:
      return calc_reads (p, c->a, layer, reads, host);
    case CRAFT_CALC_MAX:
    case CRAFT_CALC_MIN:
    case CRAFT_CALC_BINARY:
      return calc_reads (p, c->a, layer, reads, host) && calc_reads (p, c->b, layer, reads, host);
    case CRAFT_CALC_CHECKSUM:
    case CRAFT_CALC_CRC32:
    case CRAFT_CALC_QUOTING:
      return FALSE;
    }
  return FALSE;
}

/* Whether the build binds this unset field to a constant (the layer above's binding). */
static gboolean
bound_constant (CraftPacket *p, guint layer, guint field)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  if (!craft__layer_field (l, field)->bound)
    return FALSE;
  for (guint i = layer + 1; i < p->layers->len; i++)
    {
      const CraftLayerDef *upper = craft__packet_layer (p, i)->def;
      if (!upper->trailer)
        return craft__registry_find_build_binding (p->reg, l->def, field, upper) != NULL;
    }
  return FALSE;
}

/* A computed field the build fills (neither set nor bound to a constant). */
static gboolean
is_computed (CraftPacket *p, guint layer, guint field)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  const CraftFieldDef *f = craft__layer_field (l, field);
  return l->slots[field].present && l->slots[field].state == CRAFT_SLOT_UNSET
         && f->default_mode == CRAFT_DEFAULT_COMPUTED && !bound_constant (p, layer, field);
}

/* While the write pass fills field (layer, field), a computed field that
 * comes later still reads as its default in the build; in a patched buffer
 * it would read as its last value. FALSE if `reads` names such a field. */
static gboolean
reads_written_fields (CraftPacket *p, guint layer, guint field, GArray *reads)
{
  for (guint i = 0; i < reads->len; i++)
    {
      FieldRef *r = &g_array_index (reads, FieldRef, i);
      if (!is_computed (p, r->layer, r->field))
        continue;
      const CraftFieldDef *f = craft__layer_field (craft__packet_layer (p, r->layer), r->field);
      if (f->deferred || r->layer > layer || (r->layer == layer && r->field >= field))
        return FALSE;
    }
  return TRUE;
}

/* ---- checksum coverage ---- */

static guint16
fold (guint64 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) sum;
}

/* The folded sum of `data`, as if it started `stream` bytes into the summed stream. */
static guint16
sum_at (const guint8 *data, gsize length, guint32 stream)
{
  CraftInetSum s = { 0, (stream & 1) != 0 };
  craft__inet_sum_add (&s, data, length);
  return fold (s.sum);
}

static void
add_segment (Checksum *c, guint32 *stream, gsize start, gsize end)
{
  Segment s = { (guint32) start, (guint32) end, *stream };
  g_array_append_val (c->segments, s);
  *stream += (guint32) (end - start);
}

/* The pseudo-header part of a coverage, as craft__pseudo_header() makes it:
 * field items are segments of the buffer; computed items are constant bytes
 * (summed into *sum now) whose inputs go to c->reads. FALSE when the
 * pseudo-header is missing (then the checksum is a constant 0). */
static gboolean
pseudo_segments (CraftPacket *p, guint layer, const guint8 *buf, gsize total, Checksum *c, guint32 *stream,
                 CraftInetSum *sum, gboolean *ok)
{
  for (guint i = layer; i-- > 0;)
    {
      const CraftLayer *l = craft__packet_layer (p, i);
      if (l->def->pseudo == NULL)
        continue;
      CraftEval lower = { p, i, buf, total, NULL, layer };
      for (guint k = 0; k < l->def->pseudo->len; k++)
        {
          const CraftPseudoItem *item = &g_array_index (l->def->pseudo, CraftPseudoItem, k);
          if (item->field >= 0)
            {
              const CraftSlot *s = &l->slots[item->field];
              gsize start = s->bit_off / 8, len = s->bit_len / 8;
              if (!s->present || start + len > total)
                return FALSE;
              craft__inet_sum_add (sum, buf + start, len);
              add_segment (c, stream, start, start + len);
            }
          else
            {
              gboolean host = FALSE;
              if (!calc_reads (p, item->calc, i, c->reads, &host) || host)
                *ok = FALSE;
              guint8 bytes[8];
              craft__bits_write (bytes, 0, item->bits, craft__calc_eval (item->calc, &lower));
              craft__inet_sum_add (sum, bytes, item->bits / 8);
              *stream += item->bits / 8;
            }
        }
      return TRUE;
    }
  return FALSE;
}

/* Describes the deferred field (layer, field) and sums its coverage over
 * `scratch` (the built bytes with the checksums not yet computed zeroed).
 * FALSE if its expression is not a checksum this file can update, or if the
 * sum does not give the value the build wrote. */
static gboolean
checksum_describe (CraftPacket *p, guint layer, guint field, const guint8 *built, const guint8 *scratch, gsize total,
                   Checksum *c)
{
  CraftLayer *l = craft__packet_layer (p, layer);
  const CraftFieldDef *f = craft__layer_field (l, field);
  const CraftCalc *calc = f->default_calc;
  c->layer = layer, c->field = field;
  if (calc->type == CRAFT_CALC_BINARY && calc->op == CRAFT_OP_ELSE && calc->a->type == CRAFT_CALC_CHECKSUM
      && calc->b->type == CRAFT_CALC_CONST)
    {
      c->has_else = TRUE;
      c->else_value = calc->b->num;
      calc = calc->a;
    }
  if ((calc->type != CRAFT_CALC_CHECKSUM && calc->type != CRAFT_CALC_CRC32) || !f->kind->is_integer
      || f->little_endian)
    return FALSE;
  c->crc = calc->type == CRAFT_CALC_CRC32;
  c->segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  c->reads = g_array_new (FALSE, FALSE, sizeof (FieldRef));
  CraftInetSum sum = { 0, FALSE };
  guint32 stream = 0;
  gboolean ok = TRUE;
  for (guint i = 0; i < calc->items->len; i++)
    {
      const CraftCalc *span = g_ptr_array_index (calc->items, i);
      gsize start, end;
      switch (span->span)
        {
        case CRAFT_SPAN_PSEUDO:
          if (!pseudo_segments (p, layer, scratch, total, c, &stream, &sum, &ok))
            {
              c->constant = TRUE;
              g_array_set_size (c->segments, 0);
              return ok && craft__bits_read (built, l->slots[field].bit_off, l->slots[field].bit_len) == 0;
            }
          continue;
        default:
          if (craft__span_range (l, span, &start, &end))
            break;
          if (span->span == CRAFT_SPAN_FIELD)
            continue;
          return FALSE;
        }
      if (end < start || end > total)
        continue;
      craft__inet_sum_add (&sum, scratch + start, end - start);
      add_segment (c, &stream, start, end);
    }
  if (!ok)
    return FALSE;
  const CraftSlot *s = &l->slots[field];
  guint64 written = craft__bits_read (built, s->bit_off, s->bit_len);
  if (c->crc)
    return TRUE;
  c->sum = fold (sum.sum);
  guint64 value = (guint16) ~c->sum;
  if (c->has_else && value == 0)
    value = c->else_value;
  return (value & craft__field_mask (f)) == written;
}

/* ---- making a template from a full build ---- */

static gboolean
template_fill (CraftTemplate *t, CraftPacket *p)
{
  gsize total;
  const guint8 *built = g_bytes_get_data (p->wire, &total);
  t->defs = g_ptr_array_new ();
  t->first_slot = g_new (guint, p->layers->len);
  for (guint i = 0; i < p->layers->len; i++)
    {
      const CraftLayer *l = craft__packet_layer (p, i);
      g_ptr_array_add (t->defs, (gpointer) l->def);
      t->first_slot[i] = t->n_slots;
      t->n_slots += l->def->fields->len;
    }
  t->slots = g_new0 (SlotCopy, t->n_slots);
  t->layout_input = g_new0 (gboolean, t->n_slots);
  t->changed = g_new0 (guint32, t->n_slots);
  t->patch = 0;
  t->interface = g_strdup (p->interface);
  t->edits = p->edits;
  t->watched = g_array_new (FALSE, FALSE, sizeof (FieldRef));
  for (guint i = 0; i < p->sets->len; i++)
    {
      CraftFieldSet *set = g_ptr_array_index (p->sets, i);
      GArray *indices = craft__field_set_indices (p, set);
      for (guint k = 0; k < indices->len; k++)
        {
          FieldRef ref = { set->layer, g_array_index (indices, guint, k) };
          g_array_append_val (t->watched, ref);
        }
    }
  t->recompute = g_array_new (FALSE, FALSE, sizeof (Recompute));
  g_array_set_clear_func (t->recompute, (GDestroyNotify) recompute_clear);
  t->checksums = g_array_new (FALSE, TRUE, sizeof (Checksum));
  g_array_set_clear_func (t->checksums, (GDestroyNotify) checksum_clear);
  g_autoptr (GArray) reads = g_array_new (FALSE, FALSE, sizeof (FieldRef));
  g_autofree guint8 *scratch = g_memdup2 (built, MAX (total, 1));
  for (guint i = 0; i < p->layers->len; i++)
    {
      const CraftLayer *l = craft__packet_layer (p, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        {
          const CraftFieldDef *f = craft__layer_field (l, k);
          const CraftSlot *s = &l->slots[k];
          SlotCopy *copy = &t->slots[t->first_slot[i] + k];
          if (s->state == CRAFT_SLOT_WIRE)
            return FALSE;
          copy->state = s->state;
          copy->num = s->num;
          copy->bytes = s->bytes ? g_bytes_ref (s->bytes) : NULL;
          /* What a condition reads decides which fields are present. */
          gboolean host = FALSE;
          g_array_set_size (reads, 0);
          if (!calc_reads (p, f->condition, i, reads, &host) || host)
            return FALSE;
          for (guint r = 0; r < reads->len; r++)
            {
              FieldRef *ref = &g_array_index (reads, FieldRef, r);
              t->layout_input[t->first_slot[ref->layer] + ref->field] = TRUE;
            }
          if (!is_computed (p, i, k))
            continue;
          if (f->deferred)
            {
              /* Checksums see zeros where later checksums go. */
              memset (scratch + s->bit_off / 8, 0, (s->bit_len + 7) / 8);
              continue;
            }
          Recompute r = { i, k, FALSE, g_array_new (FALSE, FALSE, sizeof (FieldRef)) };
          g_array_append_val (t->recompute, r);
          if (!calc_reads (p, f->default_calc, i, r.reads, &r.always) || !reads_written_fields (p, i, k, r.reads))
            return FALSE;
          g_array_index (t->recompute, Recompute, t->recompute->len - 1).always = r.always;
        }
    }
  /* The builder computes checksums innermost (last) first. */
  for (guint i = p->layers->len; i-- > 0;)
    {
      const CraftLayer *l = craft__packet_layer (p, i);
      for (guint k = l->def->fields->len; k-- > 0;)
        {
          if (!is_computed (p, i, k) || !craft__layer_field (l, k)->deferred)
            continue;
          g_array_set_size (t->checksums, t->checksums->len + 1);
          Checksum *c = &g_array_index (t->checksums, Checksum, t->checksums->len - 1);
          if (!checksum_describe (p, i, k, built, scratch, total, c))
            return FALSE;
          const CraftSlot *s = &l->slots[k];
          memcpy (scratch + s->bit_off / 8, built + s->bit_off / 8, (s->bit_len + 7) / 8);
        }
    }
  t->sums = g_new0 (guint16, t->checksums->len + 1);
  t->mirror = g_memdup2 (built, MAX (total, 1));
  t->work = g_memdup2 (built, MAX (total, 1));
  t->total = total;
  return TRUE;
}

void
craft__template_update (CraftPacket *p)
{
  if (p->template == NULL)
    p->template = g_new0 (CraftTemplate, 1);
  CraftTemplate *t = p->template;
  template_reset (t);
  if (t->disabled || p->wire == NULL || !p->edited)
    return;
  if (++t->failures > MAX_FAILURES)
    {
      t->disabled = TRUE;
      return;
    }
  if (!template_fill (t, p))
    {
      template_reset (t);
      t->disabled = TRUE;
    }
}

/* ---- patching ---- */

/* craft__bits_write(), with the whole 16-bit field of most ports and checksums done here. */
static inline void
write_be (guint8 *data, gsize bit, guint bits, guint64 value)
{
  if (bit % 8 == 0 && bits == 16)
    {
      data[bit / 8] = (guint8) (value >> 8);
      data[bit / 8 + 1] = (guint8) value;
    }
  else
    craft__bits_write (data, bit, bits, value);
}

/* memcmp() == 0 for the few bytes of a field. */
static inline gboolean
bytes_equal (const guint8 *a, const guint8 *b, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (a[i] != b[i])
      return FALSE;
  return TRUE;
}

typedef struct {
  guint32 start, end;
} Range;

typedef struct {
  Range ranges[MAX_CHANGES];
  guint n;
} Changes;

/* Records bytes [start, end) as changed, merged with ranges they touch, so no byte counts twice. */
static gboolean
changes_add (Changes *c, guint32 start, guint32 end)
{
  for (guint i = 0; i < c->n;)
    {
      Range *r = &c->ranges[i];
      if (r->start <= end && start <= r->end)
        {
          start = MIN (start, r->start), end = MAX (end, r->end);
          c->ranges[i] = c->ranges[--c->n];
          continue;
        }
      i++;
    }
  if (c->n == MAX_CHANGES)
    return FALSE;
  c->ranges[c->n++] = (Range) { start, end };
  return TRUE;
}

static gboolean
reads_changed (const CraftTemplate *t, GArray *reads)
{
  for (guint i = 0; i < reads->len; i++)
    {
      const FieldRef *r = &g_array_index (reads, FieldRef, i);
      if (t->changed[t->first_slot[r->layer] + r->field] == t->patch)
        return TRUE;
    }
  return FALSE;
}

/* Writes a computed non-checksum field into `buf` as the write pass would. FALSE if it would fail. */
static gboolean
recompute_field (CraftPacket *p, const Recompute *r, guint8 *buf, gsize total)
{
  CraftLayer *l = craft__packet_layer (p, r->layer);
  const CraftFieldDef *f = craft__layer_field (l, r->field);
  const CraftSlot *s = &l->slots[r->field];
  gboolean missing = FALSE;
  CraftEval ev = { p, r->layer, buf, total, &missing, 0 };
  if (f->kind->is_integer)
    {
      guint64 v = craft__calc_eval (f->default_calc, &ev);
      if (missing != s->unknown)
        return FALSE;
      if (missing)
        v = 0;
      if (!craft__field_normalize_int (f, v, &v, NULL))
        return FALSE;
      v &= craft__field_mask (f);
      if (f->little_endian)
        craft__le_write (buf + s->bit_off / 8, f->bits / 8, v);
      else
        craft__bits_write (buf, s->bit_off, f->bits, v);
      return TRUE;
    }
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  craft__calc_eval_bytes (f->default_calc, &ev, s->bit_len, bytes);
  memset (buf + s->bit_off / 8, 0, s->bit_len / 8);
  memcpy (buf + s->bit_off / 8, bytes->data, MIN (bytes->len, s->bit_len / 8));
  return TRUE;
}

/* The new folded sum of checksum `c` after the bytes in `changes` went from `old` to `buf`. */
static guint16
checksum_update (const Checksum *c, const Changes *changes, const guint8 *old, const guint8 *buf, gboolean *covered)
{
  guint64 sum = c->sum;
  for (guint i = 0; i < c->segments->len; i++)
    {
      const Segment *seg = &g_array_index (c->segments, Segment, i);
      for (guint k = 0; k < changes->n; k++)
        {
          guint32 a = MAX (seg->start, changes->ranges[k].start), b = MIN (seg->end, changes->ranges[k].end);
          if (a >= b)
            continue;
          *covered = TRUE;
          guint32 stream = seg->stream + (a - seg->start);
          /* RFC 1624: HC' = ~(~HC + ~m + m'), over the changed bytes m. */
          sum += (guint16) ~sum_at (old + a, b - a, stream);
          sum += sum_at (buf + a, b - a, stream);
        }
    }
  return fold (sum);
}

const guint8 *
craft__template_patch (CraftPacket *p, gsize *length)
{
  CraftTemplate *t = p->template;
  if (t == NULL || t->slots == NULL || !p->edited || p->layers->len != t->defs->len
      || (p->interface != t->interface && g_strcmp0 (p->interface, t->interface) != 0))
    return NULL;
  const gsize total = t->total;
  const guint8 *old = t->mirror;
  guint8 *buf = t->work;
  /* Marks from earlier patches never equal this one's number; 0 is no patch's. */
  if (++t->patch == 0)
    {
      memset (t->changed, 0, t->n_slots * sizeof *t->changed);
      t->patch = 1;
    }
  FieldRef user[MAX_CHANGES];
  guint n_user = 0;
  /* Only the sets' fields changed since the last build, if any: the edit
   * count says nothing else did. Which of them did, and whether they keep
   * the layout? */
  if (p->edits != t->edits)
    return NULL;
  for (guint w = 0; w < t->watched->len; w++)
    {
      const FieldRef *ref = &g_array_index (t->watched, FieldRef, w);
      guint i = ref->layer, k = ref->field;
      const CraftLayer *l = craft__packet_layer (p, i);
      const CraftSlot *s = &l->slots[k];
      const SlotCopy *copy = &t->slots[t->first_slot[i] + k];
      if (s->state != copy->state)
        return NULL;
      if (s->state != CRAFT_SLOT_USER || (s->num == copy->num && s->bytes == copy->bytes))
        continue;
      if (s->bytes != NULL && copy->bytes != NULL && s->num == copy->num && g_bytes_equal (s->bytes, copy->bytes))
        continue;
      /* A change that could move fields needs the full layout. */
      const CraftFieldDef *f = craft__layer_field (l, k);
      if (!s->present || t->layout_input[t->first_slot[i] + k] || n_user == MAX_CHANGES)
        return NULL;
      if (!f->kind->is_integer
          && (s->bytes == NULL || copy->bytes == NULL
              || g_bytes_get_size (s->bytes) != g_bytes_get_size (copy->bytes)))
        return NULL;
      user[n_user++] = *ref;
      t->changed[t->first_slot[i] + k] = t->patch;
    }
  /* The layout holds: a present alternative that refused the value its
   * name was given (a member 'abc' of rdata where type A makes it an IPv4
   * address) still has the last member's value. The full build says so. */
  if (p->refusals != NULL && p->refusals->len > 0 && craft__refusals_any_present (p))
    return NULL;
  Changes changes;
  changes.n = 0;
  for (guint i = 0; i < n_user; i++)
    {
      const CraftLayer *l = craft__packet_layer (p, user[i].layer);
      const CraftFieldDef *f = craft__layer_field (l, user[i].field);
      const CraftSlot *s = &l->slots[user[i].field];
      if (f->kind->is_integer)
        {
          if (f->little_endian)
            craft__le_write (buf + s->bit_off / 8, f->bits / 8, s->num);
          else
            write_be (buf, s->bit_off, f->bits, s->num);
        }
      else
        memcpy (buf + s->bit_off / 8, g_bytes_get_data (s->bytes, NULL), g_bytes_get_size (s->bytes));
      if (!changes_add (&changes, s->bit_off / 8, (s->bit_off + s->bit_len + 7) / 8))
        goto fail;
    }
  for (guint i = 0; i < t->recompute->len; i++)
    {
      const Recompute *r = &g_array_index (t->recompute, Recompute, i);
      if (!r->always && !reads_changed (t, r->reads))
        continue;
      const CraftSlot *s = &craft__packet_layer (p, r->layer)->slots[r->field];
      guint32 start = s->bit_off / 8, end = (s->bit_off + s->bit_len + 7) / 8;
      if (!recompute_field (p, r, buf, total))
        goto fail;
      if (memcmp (buf + start, old + start, end - start) != 0)
        {
          t->changed[t->first_slot[r->layer] + r->field] = t->patch;
          if (!changes_add (&changes, start, end))
            goto fail;
        }
    }
  guint16 *sums = t->sums;
  for (guint i = 0; i < t->checksums->len; i++)
    {
      const Checksum *c = &g_array_index (t->checksums, Checksum, i);
      sums[i] = c->sum;
      if (c->constant || changes.n == 0)
        continue;
      if (reads_changed (t, c->reads))
        goto fail;
      gboolean covered = FALSE;
      guint16 sum = checksum_update (c, &changes, old, buf, &covered);
      if (!covered)
        continue;
      /* A sum of 0 or 0xffff is ambiguous in one's complement (all-zero
       * data or not): the full build settles it. */
      if (c->crc || sum == 0 || sum == 0xffff)
        goto fail;
      sums[i] = sum;
      guint64 value = (guint16) ~sum;
      if (c->has_else && value == 0)
        value = c->else_value;
      const CraftSlot *s = &craft__packet_layer (p, c->layer)->slots[c->field];
      write_be (buf, s->bit_off, s->bit_len, value);
      guint32 start = s->bit_off / 8, end = (s->bit_off + s->bit_len + 7) / 8;
      if (!bytes_equal (buf + start, old + start, end - start) && !changes_add (&changes, start, end))
        goto fail;
    }
  /* Done: the member is built. Remember its values and sums for the next. */
  for (guint i = 0; i < n_user; i++)
    {
      const CraftSlot *s = &craft__packet_layer (p, user[i].layer)->slots[user[i].field];
      SlotCopy *copy = &t->slots[t->first_slot[user[i].layer] + user[i].field];
      copy->num = s->num;
      if (copy->bytes != s->bytes)
        {
          g_clear_pointer (&copy->bytes, g_bytes_unref);
          copy->bytes = s->bytes ? g_bytes_ref (s->bytes) : NULL;
        }
    }
  for (guint i = 0; i < t->checksums->len; i++)
    g_array_index (t->checksums, Checksum, i).sum = sums[i];
  for (guint i = 0; i < changes.n; i++)
    for (guint32 b = changes.ranges[i].start; b < changes.ranges[i].end; b++)
      t->mirror[b] = buf[b];
  t->failures = 0;
  t->patched++;
  /* The packet's bytes are the template's now: the last build's are stale. */
  g_clear_pointer (&p->wire, g_bytes_unref);
  p->wire_current = TRUE;
  t->work_is_wire = TRUE;
  *length = total;
  return buf;

fail:
  /* As it was, equal to the mirror again. */
  memcpy (buf, old, total);
  return NULL;
}

const guint8 *
craft__packet_wire_data (CraftPacket *p, gsize *length)
{
  if (p->wire != NULL)
    return g_bytes_get_data (p->wire, length);
  CraftTemplate *t = p->template;
  *length = t != NULL && t->work_is_wire ? t->total : 0;
  return t != NULL && t->work_is_wire ? t->work : NULL;
}

GBytes *
craft__template_build (CraftPacket *p)
{
  gsize length;
  const guint8 *patched = craft__template_patch (p, &length);
  if (patched == NULL)
    return NULL;
  p->wire = g_bytes_new (patched, length);
  p->wire_current = TRUE;
  return g_bytes_ref (p->wire);
}
