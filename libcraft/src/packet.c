/* Packets: creating them, their layers, and getting and setting field values by name. */
#include "packet-private.h"

#include "kinds.h"
#include "craft-limits.h"
#include "template.h"
#include "value.h"

#include <string.h>

static void
finding_clear (CraftFinding *f)
{
  g_free (f->message);
}

CraftPacket *
craft_packet_new (CraftRegistry *reg)
{
  g_return_val_if_fail (reg != NULL, NULL);
  CraftPacket *p = g_new0 (CraftPacket, 1);
  p->ref_count = 1;
  p->reg = craft_registry_ref (reg);
  p->layers = g_array_new (FALSE, TRUE, sizeof (CraftLayer));
  p->findings = g_array_new (FALSE, TRUE, sizeof (CraftFinding));
  g_array_set_clear_func (p->findings, (GDestroyNotify) finding_clear);
  return p;
}

static void
layer_clear (CraftLayer *l)
{
  for (guint i = 0; i < l->def->fields->len; i++)
    g_clear_pointer (&l->slots[i].bytes, g_bytes_unref);
  g_free (l->slots);
}

CraftPacket *
craft_packet_ref (CraftPacket *packet)
{
  g_atomic_int_inc (&packet->ref_count);
  return packet;
}

void
craft_packet_unref (CraftPacket *packet)
{
  if (packet == NULL || !g_atomic_int_dec_and_test (&packet->ref_count))
    return;
  for (guint i = 0; i < packet->layers->len; i++)
    layer_clear (craft__packet_layer (packet, i));
  g_array_unref (packet->layers);
  g_array_unref (packet->findings);
  g_clear_pointer (&packet->sets, g_ptr_array_unref);
  g_clear_pointer (&packet->wire, g_bytes_unref);
  g_clear_pointer (&packet->origin, g_bytes_unref);
  g_free (packet->interface);
  craft__refusals_free (packet);
  craft__template_free (packet->template);
  if (packet->spare_slots != NULL)
    {
      for (guint i = 0; i < packet->spare_slots->len; i++)
        g_free (g_array_index (packet->spare_slots, CraftSpareSlots, i).slots);
      g_array_unref (packet->spare_slots);
    }
  g_free (packet->spare_data);
  craft_registry_unref (packet->reg);
  g_free (packet);
}

CraftRegistry *
craft_packet_get_registry (CraftPacket *packet)
{
  return packet->reg;
}

/* Slots for layer `index`, of `n_fields` fields, all zero: those the layer
 * at that place had before craft__packet_clear() when they fit. */
static CraftSlot *
new_slots (CraftPacket *packet, guint index, guint n_fields)
{
  if (packet->spare_slots != NULL && index < packet->spare_slots->len)
    {
      CraftSpareSlots *spare = &g_array_index (packet->spare_slots, CraftSpareSlots, index);
      if (spare->slots != NULL && spare->n_fields == n_fields)
        {
          CraftSlot *slots = g_steal_pointer (&spare->slots);
          memset (slots, 0, n_fields * sizeof *slots);
          return slots;
        }
    }
  return g_new0 (CraftSlot, n_fields);
}

void
craft__packet_clear (CraftPacket *packet)
{
  if (packet->spare_slots == NULL)
    packet->spare_slots = g_array_new (FALSE, TRUE, sizeof (CraftSpareSlots));
  if (packet->spare_slots->len < packet->layers->len)
    g_array_set_size (packet->spare_slots, packet->layers->len);
  for (guint i = 0; i < packet->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (packet, i);
      /* Only an edit gives a slot bytes of its own: a dissection points into `origin`. */
      for (guint k = 0; packet->edited && k < l->def->fields->len; k++)
        g_clear_pointer (&l->slots[k].bytes, g_bytes_unref);
      CraftSpareSlots *spare = &g_array_index (packet->spare_slots, CraftSpareSlots, i);
      g_free (spare->slots);
      spare->n_fields = l->def->fields->len;
      spare->slots = l->slots;
    }
  g_array_set_size (packet->layers, 0);
  g_array_set_size (packet->findings, 0);
  g_clear_pointer (&packet->sets, g_ptr_array_unref);
  g_clear_pointer (&packet->template, craft__template_free);
  g_clear_pointer (&packet->interface, g_free);
  craft__refusals_free (packet);
  packet->below = NULL;
  g_clear_pointer (&packet->wire, g_bytes_unref);
  if (packet->origin != NULL)
    {
      /* Its buffer comes back without a copy when nothing else holds it. */
      g_free (packet->spare_data);
      packet->spare_data = g_bytes_unref_to_data (g_steal_pointer (&packet->origin), &packet->spare_size);
    }
  packet->edited = FALSE;
  packet->edits++;
  packet->wire_current = FALSE;
  /* No slot, no wire: a generation of 0 is as good as any, and new slots have it. */
  packet->generation = 0;
}

GBytes *
craft__packet_take_copy (CraftPacket *packet, const guint8 *data, gsize length)
{
  guint8 *buffer = g_steal_pointer (&packet->spare_data);
  if (buffer == NULL || packet->spare_size < length)
    buffer = g_realloc (buffer, length);
  packet->spare_size = 0;
  memcpy (buffer, data, length);
  return g_bytes_new_take (buffer, length);
}

guint
craft__packet_append_layer (CraftPacket *packet, const CraftLayerDef *def)
{
  CraftLayer l = { 0 };
  l.def = def;
  l.slots = new_slots (packet, packet->layers->len, def->fields->len);
  g_array_append_val (packet->layers, l);
  packet->edited = TRUE;
  packet->edits++;
  packet->wire_current = FALSE;
  return packet->layers->len - 1;
}

gboolean
craft_packet_push_layer (CraftPacket *packet, const char *layer, GError **error)
{
  const CraftLayerDef *def = craft_registry_lookup_layer (packet->reg, layer);
  if (def == NULL)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_LAYER, "unknown layer '%s'", layer);
      return FALSE;
    }
  craft__packet_append_layer (packet, def);
  return TRUE;
}

/* Copies layer `l` of `from` into `to`; WIRE byte values become USER-like
 * owned values when the two packets do not share the dissected bytes. */
static void
copy_layer (CraftPacket *to, CraftPacket *from, const CraftLayer *l)
{
  guint index = craft__packet_append_layer (to, l->def);
  CraftLayer *copy = craft__packet_layer (to, index);
  copy->start = l->start, copy->hdr_len = l->hdr_len, copy->end = l->end, copy->cut = l->cut;
  /* A layer without fields has no slots at all (NULL). */
  if (l->def->fields->len > 0)
    memcpy (copy->slots, l->slots, sizeof (CraftSlot) * l->def->fields->len);
  for (guint i = 0; i < l->def->fields->len; i++)
    {
      CraftSlot *s = &copy->slots[i];
      if (s->bytes != NULL)
        g_bytes_ref (s->bytes);
      s->generation = 0;
      if (s->state == CRAFT_SLOT_WIRE && to->origin != from->origin && !craft__layer_field (l, i)->kind->is_integer)
        {
          const guint8 *data = (const guint8 *) g_bytes_get_data (from->origin, NULL) + s->orig_off;
          s->bytes = g_bytes_new (data, s->orig_len);
          s->state = CRAFT_SLOT_USER;
        }
    }
}

CraftPacket *
craft_packet_copy (CraftPacket *packet)
{
  CraftPacket *copy = craft_packet_new (packet->reg);
  if (packet->origin != NULL)
    copy->origin = g_bytes_ref (packet->origin);
  for (guint i = 0; i < packet->layers->len; i++)
    copy_layer (copy, packet, craft__packet_layer (packet, i));
  craft__refusals_copy (copy, packet, 0);
  copy->edited = packet->edited;
  gsize wire_length;
  const guint8 *wire = craft__packet_wire_data (packet, &wire_length);
  if (packet->wire != NULL)
    copy->wire = g_bytes_ref (packet->wire);
  else if (wire != NULL)
    copy->wire = g_bytes_new (wire, wire_length);
  copy->wire_current = packet->wire_current;
  copy->interface = g_strdup (packet->interface);
  copy->below = packet->below;
  for (guint i = 0; packet->sets != NULL && i < packet->sets->len; i++)
    craft__packet_add_set (copy, craft__field_set_copy (g_ptr_array_index (packet->sets, i)));
  for (guint i = 0; i < copy->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (copy, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        l->slots[k].generation = copy->generation;
    }
  return copy;
}

void
craft_packet_push_packet (CraftPacket *packet, CraftPacket *other)
{
  guint first = packet->layers->len;
  for (guint i = 0; i < other->layers->len; i++)
    copy_layer (packet, other, craft__packet_layer (other, i));
  craft__refusals_copy (packet, other, first);
  /* The copied spans describe `other`'s bytes, not this packet's: mark them
   * as written by no build of this packet, so that nothing reads a value
   * through them before the next build lays the layers out again. */
  for (guint i = first; i < packet->layers->len; i++)
    {
      CraftLayer *l = craft__packet_layer (packet, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        {
          l->slots[k].generation = packet->generation - 1;
          l->slots[k].computed = FALSE;
        }
    }
  packet->edited = TRUE;
  packet->edits++;
}

guint
craft_packet_get_n_layers (CraftPacket *packet)
{
  return packet->layers->len;
}

const CraftLayerDef *
craft_packet_get_layer (CraftPacket *packet, guint index)
{
  g_return_val_if_fail (index < packet->layers->len, NULL);
  return craft__packet_layer (packet, index)->def;
}

gint
craft_packet_find_layer (CraftPacket *packet, const char *name, guint nth)
{
  for (guint i = 0; i < packet->layers->len; i++)
    {
      const char *n = craft__packet_layer (packet, i)->def->name;
      if (n[0] == name[0] && strcmp (n, name) == 0 && nth-- == 0)
        return (gint) i;
    }
  return -1;
}

/* Every field index of `layer` named `name` (conditional alternatives share a
 * name). Fails with UNKNOWN_FIELD listing the layer's fields. */
static gboolean
lookup_fields (CraftPacket *packet, guint layer, const char *name, GArray **out, GError **error)
{
  if (layer >= packet->layers->len)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_LAYER, "the packet has no layer %u", layer);
      return FALSE;
    }
  const CraftLayerDef *def = craft__packet_layer (packet, layer)->def;
  *out = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < def->fields->len; i++)
    if (strcmp (((CraftFieldDef *) g_ptr_array_index (def->fields, i))->name, name) == 0)
      g_array_append_val (*out, i);
  if ((*out)->len > 0)
    return TRUE;
  g_clear_pointer (out, g_array_unref);
  GString *names = g_string_new (NULL);
  for (guint i = 0; i < def->fields->len; i++)
    {
      const char *n = ((CraftFieldDef *) g_ptr_array_index (def->fields, i))->name;
      if (strstr (names->str, n) == NULL || i == 0)
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", n);
    }
  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_FIELD, "layer %s has no field '%s' (fields: %s)", def->name,
               name, names->str);
  g_string_free (names, TRUE);
  return FALSE;
}

/* After a value went to the alternatives `fields` of a name: those with an
 * error in `refused` (GError*, NULL for those that took it, in the same
 * order) refused it; the others hold it. */
static void
refuse (CraftPacket *packet, guint layer, GArray *fields, GPtrArray *refused)
{
  CraftLayer *l = craft__packet_layer (packet, layer);
  for (guint i = 0; i < fields->len; i++)
    {
      guint index = g_array_index (fields, guint, i);
      const GError *why = g_ptr_array_index (refused, i);
      if (why == NULL)
        {
          craft__refusal_note (packet, layer, index, NULL);
          continue;
        }
      /* The refusal's message names the field itself: "field 'rdata': " is not repeated. */
      const char *name = craft__layer_field (l, index)->name, *reason = why->message;
      gsize n = strlen (name);
      if (g_str_has_prefix (reason, "field '") && strncmp (reason + 7, name, n) == 0
          && g_str_has_prefix (reason + 7 + n, "': "))
        reason += 7 + n + 3;
      craft__refusal_note (packet, layer, index, reason);
    }
}

/* For arrays of GError* with holes (alternatives that took the value). */
static void
error_free_nullable (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
mark_user (CraftPacket *packet, CraftSlot *s)
{
  s->state = CRAFT_SLOT_USER;
  g_clear_pointer (&s->bytes, g_bytes_unref);
  packet->edited = TRUE;
  packet->edits++;
  packet->wire_current = FALSE;
}

gboolean
craft_packet_set_uint (CraftPacket *packet, guint layer, const char *field, guint64 value, GError **error)
{
  g_autoptr (GArray) fields = NULL;
  if (!lookup_fields (packet, layer, field, &fields, error))
    return FALSE;
  CraftLayer *l = craft__packet_layer (packet, layer);
  /* Conditional alternatives of one name may differ in width, or in kind:
   * set each the value fits, and fail only if it fits none; the others
   * refuse it. */
  g_autoptr (GPtrArray) refused = g_ptr_array_new_full (0, error_free_nullable);
  g_autoptr (GError) first_error = NULL;
  guint set = 0;
  for (guint i = 0; i < fields->len; i++)
    {
      guint index = g_array_index (fields, guint, i);
      const CraftFieldDef *f = craft__layer_field (l, index);
      GError *why = NULL;
      guint64 v;
      if (!f->kind->is_integer)
        {
          g_set_error (&why, CRAFT_ERROR, CRAFT_ERROR_TYPE, "give it as a string, not a number");
          if (first_error == NULL)
            g_set_error (&first_error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' of %s is %s, not an integer",
                         field, l->def->name, f->kind->name);
          g_ptr_array_add (refused, why);
          continue;
        }
      if (!craft__field_normalize_int (f, value, &v, &why))
        {
          /* A range error says more than another alternative's kind. */
          if (first_error == NULL || first_error->code == CRAFT_ERROR_TYPE)
            {
              g_clear_error (&first_error);
              first_error = g_error_copy (why);
            }
          g_ptr_array_add (refused, why);
          continue;
        }
      g_ptr_array_add (refused, NULL);
      mark_user (packet, &l->slots[index]);
      l->slots[index].num = v;
      set++;
    }
  if (set == 0)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  refuse (packet, layer, fields, refused);
  return TRUE;
}

gboolean
craft_packet_set_bytes (CraftPacket *packet, guint layer, const char *field, const guint8 *data, gsize length,
                        GError **error)
{
  g_autoptr (GArray) fields = NULL;
  if (!lookup_fields (packet, layer, field, &fields, error))
    return FALSE;
  CraftLayer *l = craft__packet_layer (packet, layer);
  /* Among alternatives of several kinds, the bytes go to those of their size. */
  guint fitting = 0;
  for (guint i = 0; fields->len > 1 && i < fields->len; i++)
    {
      const CraftFieldDef *f = craft__layer_field (l, g_array_index (fields, guint, i));
      fitting += !f->kind->is_integer && (f->kind->fixed_bits == 0 || length * 8 == f->kind->fixed_bits);
    }
  g_autoptr (GPtrArray) refused = g_ptr_array_new_full (0, error_free_nullable);
  for (guint i = 0; i < fields->len; i++)
    {
      guint index = g_array_index (fields, guint, i);
      const CraftFieldDef *f = craft__layer_field (l, index);
      if (fitting > 0 && f->kind->is_integer)
        {
          g_ptr_array_add (refused, g_error_new (CRAFT_ERROR, CRAFT_ERROR_TYPE, "it takes a number, not bytes"));
          continue;
        }
      if (fitting > 0 && f->kind->fixed_bits != 0 && length * 8 != f->kind->fixed_bits)
        {
          g_ptr_array_add (refused, g_error_new (CRAFT_ERROR, CRAFT_ERROR_VALUE, "it takes %u bytes, not %zu",
                                                 f->kind->fixed_bits / 8, length));
          continue;
        }
      if (f->kind->is_integer)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' of %s is an integer, not bytes", field,
                       l->def->name);
          return FALSE;
        }
      if (f->kind->fixed_bits != 0 && length * 8 != f->kind->fixed_bits)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "field '%s' of %s is %s: it takes %u bytes, not %zu",
                       field, l->def->name, f->kind->name, f->kind->fixed_bits / 8, length);
          return FALSE;
        }
      if (length > CRAFT_MAX_PACKET_BYTES)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "field '%s' of %s: %zu bytes is too long", field,
                       l->def->name, length);
          return FALSE;
        }
      g_ptr_array_add (refused, NULL);
      mark_user (packet, &l->slots[index]);
      l->slots[index].bytes = g_bytes_new (data, length);
    }
  refuse (packet, layer, fields, refused);
  return TRUE;
}

gboolean
craft_packet_set_text (CraftPacket *packet, guint layer, const char *field, const char *text, GError **error)
{
  return craft__packet_set_string (packet, layer, field, text, strlen (text), FALSE, error);
}

gboolean
craft__packet_set_string (CraftPacket *packet, guint layer, const char *field, const char *data, gsize length,
                          gboolean bytes_literal, GError **error)
{
  g_autoptr (GArray) fields = NULL;
  if (!lookup_fields (packet, layer, field, &fields, error))
    return FALSE;
  CraftLayer *named = craft__packet_layer (packet, layer);
  const CraftFieldDef *f = craft__layer_field (named, g_array_index (fields, guint, 0));
  /* Text for integers only (ICMP's 16- or 32-bit "unused") is a number or a name. */
  gboolean integers = TRUE;
  for (guint i = 0; i < fields->len; i++)
    integers &= craft__layer_field (named, g_array_index (fields, guint, i))->kind->is_integer;
  if (integers)
    {
      guint64 v;
      g_autofree char *text = g_strndup (data != NULL ? data : "", length);
      if (strlen (text) != length)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "field '%s': text with a NUL byte", field);
          return FALSE;
        }
      return craft__field_parse_int_text (f, text, &v, error) && craft_packet_set_uint (packet, layer, field, v, error);
    }
  if (fields->len > 1)
    {
      /* Alternatives of different kinds (a DNS record's rdata: an address, a
       * name or text by its type): each takes the text as its kind reads it,
       * and the text must suit one of them. */
      CraftLayer *l = named;
      g_autoptr (GError) first_error = NULL;
      g_autoptr (GPtrArray) refused = g_ptr_array_new_full (0, error_free_nullable);
      guint set = 0;
      for (guint i = 0; i < fields->len; i++)
        {
          guint index = g_array_index (fields, guint, i);
          const CraftFieldDef *alt = craft__layer_field (l, index);
          GError *why = NULL;
          if (alt->kind->is_integer)
            {
              /* A number or a name in text ("7", "echo-request") suits an integer alternative. */
              g_autofree char *text = g_strndup (data != NULL ? data : "", length);
              guint64 v;
              if (bytes_literal || strlen (text) != length)
                g_set_error (&why, CRAFT_ERROR, CRAFT_ERROR_TYPE, "it takes a number, not bytes");
              else if (craft__field_parse_int_text (alt, text, &v, &why)
                       && craft__field_normalize_int (alt, v, &v, &why))
                {
                  g_ptr_array_add (refused, NULL);
                  mark_user (packet, &l->slots[index]);
                  l->slots[index].num = v;
                  set++;
                  continue;
                }
              if (first_error == NULL)
                first_error = g_error_copy (why);
              g_ptr_array_add (refused, why);
              continue;
            }
          g_autoptr (GBytes) parsed = craft__field_parse_bytes_data (alt, data, length, bytes_literal, &why);
          if (parsed != NULL && alt->kind->fixed_bits != 0 && g_bytes_get_size (parsed) * 8 != alt->kind->fixed_bits)
            {
              why = g_error_new (CRAFT_ERROR, CRAFT_ERROR_VALUE, "it takes %u bytes, not %zu",
                                 alt->kind->fixed_bits / 8, g_bytes_get_size (parsed));
              if (first_error == NULL)
                g_set_error (&first_error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "field '%s' of %s is %s: %s", field,
                             l->def->name, alt->kind->name, why->message);
              g_clear_pointer (&parsed, g_bytes_unref);
            }
          if (parsed == NULL)
            {
              if (first_error == NULL)
                first_error = g_error_copy (why);
              g_ptr_array_add (refused, why);
              continue;
            }
          g_ptr_array_add (refused, NULL);
          mark_user (packet, &l->slots[index]);
          l->slots[index].bytes = g_steal_pointer (&parsed);
          set++;
        }
      if (set > 0)
        {
          refuse (packet, layer, fields, refused);
          return TRUE;
        }
      if (first_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&first_error));
          return FALSE;
        }
    }
  g_autoptr (GBytes) bytes = craft__field_parse_bytes_data (f, data, length, bytes_literal, error);
  if (bytes == NULL)
    return FALSE;
  gsize len;
  const guint8 *wire = g_bytes_get_data (bytes, &len);
  return craft_packet_set_bytes (packet, layer, field, wire, len, error);
}

gboolean
craft_packet_unset (CraftPacket *packet, guint layer, const char *field, GError **error)
{
  g_autoptr (GArray) fields = NULL;
  if (!lookup_fields (packet, layer, field, &fields, error))
    return FALSE;
  CraftLayer *l = craft__packet_layer (packet, layer);
  for (guint i = 0; i < fields->len; i++)
    {
      CraftSlot *s = &l->slots[g_array_index (fields, guint, i)];
      g_clear_pointer (&s->bytes, g_bytes_unref);
      s->state = CRAFT_SLOT_UNSET;
    }
  craft__refusals_forget (packet, layer, fields);
  packet->edited = TRUE;
  packet->edits++;
  packet->wire_current = FALSE;
  return TRUE;
}

/* The present alternative among the fields of that name, else the first. */
static gboolean
lookup_current_field (CraftPacket *packet, guint layer, const char *name, guint *index, GError **error)
{
  /* Getters are called per packet: no allocation unless it fails, and a
   * name asked before with the same pointer is not searched again. */
  if (layer < packet->layers->len)
    {
      CraftLayer *l = craft__packet_layer (packet, layer);
      for (guint k = 0; k < G_N_ELEMENTS (packet->lookups); k++)
        if (packet->lookups[k].name == name && packet->lookups[k].def == l->def
            && strcmp (craft__layer_field (l, packet->lookups[k].index)->name, name) == 0)
          {
            *index = packet->lookups[k].index;
            return TRUE;
          }
      gint first = -1, present = -1;
      guint matches = 0;
      for (guint i = 0; i < l->def->fields->len; i++)
        {
          const char *n = craft__layer_field (l, i)->name;
          if (n[0] != name[0] || strcmp (n, name) != 0)
            continue;
          matches++;
          if (first < 0)
            first = (gint) i;
          if (present < 0 && l->slots[i].present)
            present = (gint) i;
        }
      if (first >= 0)
        {
          *index = (guint) (present >= 0 ? present : first);
          /* Only a name without alternatives: which of those is present depends on the packet. */
          if (matches == 1)
            {
              guint slot = packet->next_lookup++ % G_N_ELEMENTS (packet->lookups);
              packet->lookups[slot].def = l->def;
              packet->lookups[slot].name = name;
              packet->lookups[slot].index = *index;
            }
          return TRUE;
        }
    }
  g_autoptr (GArray) fields = NULL;
  lookup_fields (packet, layer, name, &fields, error);
  return FALSE;
}

gboolean
craft_packet_get_uint (CraftPacket *packet, guint layer, const char *field, guint64 *value, GError **error)
{
  guint index;
  if (!lookup_current_field (packet, layer, field, &index, error))
    return FALSE;
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (packet, layer), index);
  if (!f->kind->is_integer)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' is %s, not an integer", field, f->kind->name);
      return FALSE;
    }
  const guint8 *data;
  gsize len;
  craft__slot_value (packet, NULL, layer, index, value, &data, &len);
  return TRUE;
}

GBytes *
craft_packet_get_bytes (CraftPacket *packet, guint layer, const char *field, GError **error)
{
  guint index;
  if (!lookup_current_field (packet, layer, field, &index, error))
    return NULL;
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (packet, layer), index);
  if (f->kind->is_integer)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' is an integer, not bytes", field);
      return NULL;
    }
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (packet, NULL, layer, index, &num, &data, &len);
  return g_bytes_new (data, len);
}

const guint8 *
craft_packet_peek_bytes (CraftPacket *packet, guint layer, const char *field, gsize *length)
{
  guint index;
  *length = 0;
  if (!lookup_current_field (packet, layer, field, &index, NULL))
    return NULL;
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (packet, layer), index);
  if (f->kind->is_integer)
    return NULL;
  guint64 num;
  const guint8 *data;
  craft__slot_value (packet, NULL, layer, index, &num, &data, length);
  /* An empty value may have no data pointer; the caller gets one. */
  return data != NULL ? data : (const guint8 *) "";
}

gboolean
craft_field_handle_init (CraftFieldHandle *handle, const CraftLayerDef *layer, const char *name)
{
  g_return_val_if_fail (handle != NULL && layer != NULL && name != NULL, FALSE);
  gint index = craft__layer_def_field_index (layer, name);
  if (index < 0)
    return FALSE;
  handle->layer = layer;
  handle->index = (guint) index;
  handle->alternatives = FALSE;
  for (guint i = (guint) index + 1; i < layer->fields->len; i++)
    if (strcmp (((const CraftFieldDef *) g_ptr_array_index (layer->fields, i))->name, name) == 0)
      handle->alternatives = TRUE;
  return TRUE;
}

gint
craft_packet_find_layer_def (CraftPacket *packet, const CraftLayerDef *layer, guint nth)
{
  for (guint i = 0; i < packet->layers->len; i++)
    if (craft__packet_layer (packet, i)->def == layer && nth-- == 0)
      return (gint) i;
  return -1;
}

/* The field a handle names in layer `layer`, as lookup_current_field() would
 * choose it (the present alternative when the name has several). */
static gboolean
handle_field (CraftPacket *packet, guint layer, const CraftFieldHandle *handle, guint *index)
{
  if (layer >= packet->layers->len || craft__packet_layer (packet, layer)->def != handle->layer)
    return FALSE;
  if (handle->alternatives)
    return lookup_current_field (packet, layer, craft__layer_field (craft__packet_layer (packet, layer),
                                                                    handle->index)->name, index, NULL);
  *index = handle->index;
  return TRUE;
}

gboolean
craft_packet_get_uint_by_handle (CraftPacket *packet, guint layer, const CraftFieldHandle *handle, guint64 *value)
{
  guint index;
  if (!handle_field (packet, layer, handle, &index))
    return FALSE;
  if (!craft__layer_field (craft__packet_layer (packet, layer), index)->kind->is_integer)
    return FALSE;
  const guint8 *data;
  gsize len;
  craft__slot_value (packet, NULL, layer, index, value, &data, &len);
  return TRUE;
}

const guint8 *
craft_packet_peek_bytes_by_handle (CraftPacket *packet, guint layer, const CraftFieldHandle *handle, gsize *length)
{
  guint index;
  *length = 0;
  if (!handle_field (packet, layer, handle, &index))
    return NULL;
  if (craft__layer_field (craft__packet_layer (packet, layer), index)->kind->is_integer)
    return NULL;
  guint64 num;
  const guint8 *data;
  craft__slot_value (packet, NULL, layer, index, &num, &data, length);
  return data != NULL ? data : (const guint8 *) "";
}

gboolean
craft_packet_get_span (CraftPacket *packet, guint layer, const char *field, guint *bit_offset, guint *bit_length)
{
  guint index;
  if (!lookup_current_field (packet, layer, field, &index, NULL) || !packet->wire_current)
    return FALSE;
  const CraftSlot *s = &craft__packet_layer (packet, layer)->slots[index];
  if (!s->present)
    return FALSE;
  *bit_offset = s->bit_off;
  *bit_length = s->bit_len;
  return TRUE;
}

gboolean
craft_packet_get_layer_span (CraftPacket *packet, guint layer, guint *offset, guint *header_length, guint *length)
{
  if (layer >= packet->layers->len || !packet->wire_current)
    return FALSE;
  const CraftLayer *l = craft__packet_layer (packet, layer);
  *offset = l->start;
  *header_length = l->hdr_len;
  *length = l->end - l->start;
  return TRUE;
}

gboolean
craft_packet_has_field (CraftPacket *packet, guint layer, const char *field)
{
  guint index;
  return lookup_current_field (packet, layer, field, &index, NULL)
         && craft__packet_layer (packet, layer)->slots[index].present;
}

const CraftEnum *
craft__packet_field_enum (CraftPacket *packet, guint layer, guint index)
{
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (packet, layer), index);
  if (f->enum_choices == NULL)
    return f->enumeration;
  guint64 selector;
  const guint8 *data;
  gsize len;
  craft__slot_value (packet, NULL, layer, (guint) f->enum_selector, &selector, &data, &len);
  for (guint i = 0; i < f->enum_choices->len; i++)
    if (g_array_index (f->enum_choices, CraftEnumChoice, i).value == selector)
      return g_array_index (f->enum_choices, CraftEnumChoice, i).enumeration;
  return f->enumeration;
}

/* Formats field `index` of `layer` as it is now. */
void
craft__packet_format_slot (CraftPacket *packet, guint layer, guint index, gboolean show, GString *out)
{
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (packet, layer), index);
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (packet, NULL, layer, index, &num, &data, &len);
  if (f->kind->is_integer)
    craft__field_format_int (f, craft__packet_field_enum (packet, layer, index), num,
                             show ? CRAFT_FORMAT_SHOW : CRAFT_FORMAT_REPR, out);
  else if (f->kind->is_list)
    craft__list_format (packet, layer, index, FALSE, NULL, out);
  else if (f->kind->format_at != NULL)
    craft__slot_format_at (packet, layer, index, out);
  else
    craft__field_format_bytes (f, data, len, out);
}

char *
craft_packet_format_field (CraftPacket *packet, guint layer, const char *field, GError **error)
{
  guint index;
  if (!lookup_current_field (packet, layer, field, &index, error))
    return NULL;
  GString *out = g_string_new (NULL);
  craft__packet_format_slot (packet, layer, index, FALSE, out);
  return g_string_free (out, FALSE);
}

void
craft__packet_add_finding (CraftPacket *packet, CraftFindingKind kind, guint layer, gint field, guint offset,
                           guint length, const char *format, ...)
{
  CraftFinding f = { kind, layer, field, offset, length, NULL };
  va_list args;
  va_start (args, format);
  f.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (packet->findings, f);
}

guint
craft_packet_get_n_findings (CraftPacket *packet)
{
  return packet->findings->len;
}

const CraftFinding *
craft_packet_get_finding (CraftPacket *packet, guint index)
{
  g_return_val_if_fail (index < packet->findings->len, NULL);
  return &g_array_index (packet->findings, CraftFinding, index);
}
