/* Fuzzing: a copy of a packet with random values in the fields its user left unset, as Scapy's fuzz(). */
#include "packet-private.h"

#include "craft-limits.h"
#include "kinds.h"

/* Draws for a field that a binding tests, looking for a value that does not
 * turn the payload into another layer: most values are claimed by none. */
#define CLAIM_DRAWS 16

/* Builds tried while fitting random byte strings to what describes them:
 * each build that fails halves the strings. */
#define FIT_ROUNDS 12

/* Rounds of dissecting the fuzzed packet to check its layers read back as
 * themselves: each misread layer gives back first the fields a guard reads,
 * then all its random values. */
#define KEEP_ROUNDS 4

/* A field that got a random value. */
typedef struct {
  guint layer, field;
  gboolean variable; /* a byte string of random length */
  gboolean sized;    /* ... whose size comes from an expression over other fields (IP options: ihl * 4 - 20) */
} Drawn;

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

/* Whether dissecting `value` in `field` of `lower` would read the payload
 * as some layer other than `upper` (NULL: nothing above it). */
static gboolean
selects_other (CraftRegistry *reg, const CraftLayerDef *lower, guint field, guint64 value,
               const CraftLayerDef *upper)
{
  gboolean claimed = FALSE;
  for (guint i = 0; i < reg->bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      if (b->lower != lower || (guint) b->field != field || b->value != value)
        continue;
      if (upper != NULL && b->upper == upper)
        return FALSE;
      claimed = TRUE;
    }
  return claimed;
}

/* One of the values that bindings of `field` map to `upper`, at random
 * (those only for dissecting: ICMP's type under a quoted IP); FALSE if none. */
static gboolean
draw_selecting (CraftRegistry *reg, const CraftLayerDef *lower, guint field, const CraftLayerDef *upper,
                GRand *rng, guint64 *value)
{
  gint32 n = 0;
  for (guint i = 0; i < reg->bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      n += b->lower == lower && (guint) b->field == field && b->upper == upper;
    }
  if (n == 0)
    return FALSE;
  gint32 pick = g_rand_int_range (rng, 0, n);
  for (guint i = 0; i < reg->bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      if (b->lower == lower && (guint) b->field == field && b->upper == upper && pick-- == 0)
        {
          *value = b->value;
          break;
        }
    }
  return TRUE;
}

/* Whether field `index` of `layer` gets a random value. */
static gboolean
fuzzable (CraftPacket *p, guint layer, guint index, CraftFuzzFlags flags)
{
  CraftLayer *l = craft__packet_layer (p, layer);
  const CraftFieldDef *f = craft__layer_field (l, index);
  if (l->slots[index].state != CRAFT_SLOT_UNSET)
    return FALSE;
  if (f->bound)
    {
      /* The builder gives it the value that announces the layer above. */
      const CraftLayerDef *upper = upper_def (p, layer);
      if (upper != NULL && craft__registry_find_build_binding (p->reg, l->def, index, upper) != NULL)
        return FALSE;
    }
  if (f->default_mode == CRAFT_DEFAULT_COMPUTED)
    {
      /* Values taken from the host (routes, clock) are as random as any. */
      if (f->deferred)
        return (flags & CRAFT_FUZZ_BREAK_CHECKSUMS) != 0;
      if (f->derived)
        return (flags & CRAFT_FUZZ_BREAK_LENGTHS) != 0;
    }
  return TRUE;
}

/* A random value for integer field `index` of `layer`. A field that
 * bindings test gets one that keeps the payload the layer it is. */
static guint64
draw_int (CraftPacket *p, guint layer, guint index, GRand *rng)
{
  const CraftLayerDef *def = craft__packet_layer (p, layer)->def;
  const CraftFieldDef *f = g_ptr_array_index (def->fields, index);
  const CraftEnum *names = craft__packet_field_enum (p, layer, index);
  guint64 value = 0;
  if (!f->bound)
    {
      f->kind->random (f, names, rng, &value, NULL);
      return value;
    }
  const CraftLayerDef *upper = upper_def (p, layer);
  if (upper != NULL && draw_selecting (p->reg, def, index, upper, rng, &value))
    return value;
  for (guint i = 0; i < CLAIM_DRAWS; i++)
    {
      f->kind->random (f, names, rng, &value, NULL);
      if (!selects_other (p->reg, def, index, value, upper))
        return value;
    }
  return f->default_mode == CRAFT_DEFAULT_CONST ? f->default_num : 0;
}

static void
set_slot_bytes (CraftSlot *s, GByteArray *bytes)
{
  g_clear_pointer (&s->bytes, g_bytes_unref);
  s->state = CRAFT_SLOT_USER;
  s->bytes = g_byte_array_free_to_bytes (bytes);
}

/* Halves the random strings that are `sized` (or not); FALSE if all were empty. */
static gboolean
halve (CraftPacket *p, GArray *drawn, gboolean sized)
{
  gboolean shrunk = FALSE;
  for (guint i = 0; i < drawn->len; i++)
    {
      const Drawn *d = &g_array_index (drawn, Drawn, i);
      CraftSlot *s = &craft__packet_layer (p, d->layer)->slots[d->field];
      if (!d->variable || d->sized != sized || s->state != CRAFT_SLOT_USER || g_bytes_get_size (s->bytes) == 0)
        continue;
      gsize len = g_bytes_get_size (s->bytes);
      GBytes *half = g_bytes_new_from_bytes (s->bytes, 0, len / 2);
      g_bytes_unref (s->bytes);
      s->bytes = half;
      shrunk = TRUE;
    }
  if (shrunk)
    {
      p->edited = TRUE;
      p->wire_current = FALSE;
    }
  return shrunk;
}

/* Gives back the random values of the fields of layer `index` that `c` reads. */
static gboolean
give_back_read (CraftPacket *p, GArray *drawn, guint index, const CraftCalc *c)
{
  if (c == NULL)
    return FALSE;
  gboolean changed = give_back_read (p, drawn, index, c->a) | give_back_read (p, drawn, index, c->b);
  for (guint i = 0; c->items != NULL && i < c->items->len; i++)
    changed |= give_back_read (p, drawn, index, g_ptr_array_index (c->items, i));
  if (c->type != CRAFT_CALC_FIELD || c->lower)
    return changed;
  for (guint i = 0; i < drawn->len; i++)
    {
      const Drawn *d = &g_array_index (drawn, Drawn, i);
      CraftSlot *s = &craft__packet_layer (p, d->layer)->slots[d->field];
      if (d->layer == index && d->field == c->field && s->state == CRAFT_SLOT_USER)
        {
          s->state = CRAFT_SLOT_UNSET;
          changed = TRUE;
        }
    }
  return changed;
}

/* Gives each sized random string the size its expression reads in the
 * built `wire` (IP options as long as a user's ihl says). When that size is
 * none a random string can have (a random length field of the definition's
 * own that says 2,000 bytes), the fields it reads go back to their defaults.
 * TRUE if anything changed. */
static gboolean
follow_sizes (CraftPacket *p, GArray *drawn, GBytes *wire, GRand *rng)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (wire, &length);
  gboolean changed = FALSE;
  for (guint i = 0; i < drawn->len; i++)
    {
      const Drawn *d = &g_array_index (drawn, Drawn, i);
      CraftLayer *l = craft__packet_layer (p, d->layer);
      const CraftFieldDef *f = craft__layer_field (l, d->field);
      CraftSlot *s = &l->slots[d->field];
      if (!d->sized || !s->present || s->state != CRAFT_SLOT_USER)
        continue;
      CraftEval ev = { p, d->layer, data, length, NULL, 0 };
      gint64 want = (gint64) craft__calc_eval (f->size_calc, &ev);
      if ((guint64) want == s->bit_len / 8)
        continue;
      if (want < 0 || want > CRAFT_FUZZ_MAX_BYTES)
        {
          changed |= give_back_read (p, drawn, d->layer, f->size_calc);
          continue;
        }
      GByteArray *bytes = g_byte_array_sized_new ((guint) want);
      for (gint64 k = 0; k < want; k++)
        {
          guint8 b = (guint8) g_rand_int_range (rng, 0, 256);
          g_byte_array_append (bytes, &b, 1);
        }
      set_slot_bytes (s, bytes);
      changed = TRUE;
    }
  if (changed)
    {
      p->edited = TRUE;
      p->wire_current = FALSE;
    }
  return changed;
}

/* Makes the random strings fit: a string too long for the length field
 * that counts it (TCP options past what 4 bits of data offset describe)
 * fails the build, so the strings are halved until it succeeds; then, unless
 * lengths are broken on purpose, sized strings follow their sizes. */
static gboolean
fit_strings (CraftPacket *p, GArray *drawn, CraftFuzzFlags flags, GRand *rng)
{
  for (guint round = 0; round < FIT_ROUNDS; round++)
    {
      g_autoptr (GBytes) wire = craft_packet_build (p, NULL);
      if (wire == NULL)
        {
          if (!halve (p, drawn, TRUE) && !halve (p, drawn, FALSE))
            return FALSE;
          continue;
        }
      if ((flags & CRAFT_FUZZ_BREAK_LENGTHS) != 0 || !follow_sizes (p, drawn, wire, rng))
        return TRUE;
    }
  return FALSE;
}

/* The first of the first `limit` layers of `p` that its built bytes
 * dissect as another layer, or -1. */
static gint
first_misread (CraftPacket *p, guint limit)
{
  g_autoptr (GBytes) wire = craft_packet_build (p, NULL);
  if (wire == NULL)
    return -1;
  gsize length;
  const guint8 *data = g_bytes_get_data (wire, &length);
  g_autoptr (CraftPacket) back
    = craft_packet_new_from_bytes (p->reg, craft__packet_layer (p, 0)->def->name, data, length, NULL);
  guint n = MIN (MIN (back->layers->len, p->layers->len), limit);
  for (guint i = 0; i < n; i++)
    if (craft__packet_layer (back, i)->def != craft__packet_layer (p, i)->def)
      return (gint) i;
  return -1;
}

/* Whether field `field` of layer `layer` overlaps a field a guard reads:
 * `c` is a guard of a layer competing for the same bytes, whose fields it
 * reads at fixed bit offsets from the layer's start. */
static gboolean
guard_reads (const CraftCalc *c, const CraftLayerDef *guarded, guint from, guint to)
{
  if (c == NULL)
    return FALSE;
  if (c->type == CRAFT_CALC_FIELD && !c->lower)
    {
      const CraftFieldDef *f = g_ptr_array_index (guarded->fields, c->field);
      if (c->bit < to && from < c->bit + f->bits)
        return TRUE;
    }
  if (guard_reads (c->a, guarded, from, to) || guard_reads (c->b, guarded, from, to))
    return TRUE;
  for (guint i = 0; c->items != NULL && i < c->items->len; i++)
    if (guard_reads (g_ptr_array_index (c->items, i), guarded, from, to))
      return TRUE;
  return FALSE;
}

/* Whether a guard of a layer that can take the payload of layer `index - 1`
 * where layer `index` is reads field `field` of layer `index` (ICMPv6's type
 * tells an echo request from a reply). The packet is built. */
static gboolean
decides_layer (CraftPacket *p, guint index, guint field)
{
  const CraftLayer *l = craft__packet_layer (p, index);
  const CraftSlot *s = &l->slots[field];
  if (!s->present || index == 0)
    return FALSE;
  guint from = s->bit_off - l->start * 8, to = from + s->bit_len;
  const CraftLayerDef *lower = craft__packet_layer (p, index - 1)->def;
  GArray *bindings = p->reg->bindings;
  for (guint i = 0; i < bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (bindings, CraftBinding, i);
      if (b->lower != lower || b->upper != l->def)
        continue;
      guint64 value;
      const guint8 *data;
      gsize len;
      craft__slot_value (p, NULL, index - 1, (guint) b->field, &value, &data, &len);
      if (value != b->value)
        continue;
      /* Every layer bound to the same value competes for these bytes. */
      for (guint k = 0; k < bindings->len; k++)
        {
          const CraftBinding *c = &g_array_index (bindings, CraftBinding, k);
          if (c->lower == lower && c->field == b->field && c->value == b->value
              && guard_reads (c->upper->guard, c->upper, from, to))
            return TRUE;
        }
    }
  return FALSE;
}

/* Gives back random values of layer `index`: those a guard reads, or all. */
static gboolean
give_back (CraftPacket *p, GArray *drawn, guint index, gboolean all)
{
  gboolean changed = FALSE;
  for (guint i = 0; i < drawn->len; i++)
    {
      const Drawn *d = &g_array_index (drawn, Drawn, i);
      CraftSlot *s = &craft__packet_layer (p, d->layer)->slots[d->field];
      if (d->layer != index || s->state != CRAFT_SLOT_USER || !(all || decides_layer (p, index, d->field)))
        continue;
      g_clear_pointer (&s->bytes, g_bytes_unref);
      s->state = CRAFT_SLOT_UNSET;
      changed = TRUE;
    }
  if (changed)
    {
      p->edited = TRUE;
      p->wire_current = FALSE;
    }
  return changed;
}

/* Keeps every layer what it is, among the first `limit` (those the
 * unfuzzed packet dissects back as themselves): a random value that makes
 * the bytes dissect as another layer (ICMPv6's type, read by the guards
 * that tell its messages apart) goes back to the default; if that is not
 * enough, so do the layer's other random values. */
static void
keep_layers (CraftPacket *p, GArray *drawn, guint limit)
{
  gint last = -1;
  for (guint round = 0; round < KEEP_ROUNDS; round++)
    {
      gint index = first_misread (p, limit);
      if (index < 0)
        return;
      /* First the values a guard reads; if the layer is still misread, all of them. */
      gboolean all = index == last;
      last = index;
      if (!give_back (p, drawn, (guint) index, all) && (all || !give_back (p, drawn, (guint) index, TRUE)))
        return;
    }
}

CraftPacket *
craft_packet_fuzz (CraftPacket *packet, GRand *rng, CraftFuzzFlags flags)
{
  g_return_val_if_fail (packet != NULL && rng != NULL, NULL);
  CraftPacket *p = craft_packet_copy (packet);
  /* Values are read as set from now on, not from the last built bytes. */
  p->edited = TRUE;
  p->wire_current = FALSE;
  g_autoptr (GArray) drawn = g_array_new (FALSE, FALSE, sizeof (Drawn));
  for (guint i = 0; i < p->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (p, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        {
          const CraftFieldDef *f = craft__layer_field (l, k);
          CraftSlot *s = &l->slots[k];
          if (!fuzzable (p, i, k, flags))
            continue;
          /* An alternative that refused its name's value gets a random one of its own. */
          craft__refusal_note (p, i, k, NULL);
          /* A list's random elements are whole: halving them would break them. */
          Drawn d = { i, k, !f->kind->is_integer && f->bits == 0 && !f->kind->is_list,
                      f->size_mode == CRAFT_SIZE_EXPR };
          g_array_append_val (drawn, d);
          if (f->kind->is_integer)
            {
              /* Drawn in field order, so that names that depend on an
               * earlier field (ICMP codes) follow its random value. */
              guint64 value = draw_int (p, i, k, rng);
              s->state = CRAFT_SLOT_USER;
              s->num = value;
              continue;
            }
          GByteArray *bytes = g_byte_array_new ();
          guint64 ignored;
          if (f->kind->is_list)
            craft__list_random (p->reg, f, rng, bytes);
          else
            f->kind->random (f, NULL, rng, &ignored, bytes);
          set_slot_bytes (s, bytes);
        }
    }
  if (drawn->len > 0 && fit_strings (p, drawn, flags, rng) && (flags & CRAFT_FUZZ_BREAK_LENGTHS) == 0)
    {
      /* A layer no binding leads to (a protocol on a port of the user's
       * choosing) is read back as Raw even unfuzzed: it and the layers
       * above it are fuzzed freely. */
      gint unreached = first_misread (packet, G_MAXUINT);
      keep_layers (p, drawn, unreached < 0 ? G_MAXUINT : (guint) unreached);
    }
  return p;
}
