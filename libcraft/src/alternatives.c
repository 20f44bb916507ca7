/* Alternatives of a field name: which refused the value the name was given, and the error when one of those is present. */
#include "packet-private.h"

#include "kinds.h"
#include "value.h"

#include <string.h>

/* A DNS record's rdata is an address, a name, text or bytes by its type:
 * fields of one name under different conditions. A value given to the name
 * goes to every alternative that can take it ('abc' suits a name, text and
 * bytes, not an address). The others keep what they had, so a build that
 * finds one of them present (type A) would write a value the user never
 * gave: it fails instead, saying what that alternative holds and why the
 * value is not that. */

static void
refusal_clear (CraftRefusal *r)
{
  g_free (r->reason);
}

static GArray *
refusals (CraftPacket *packet)
{
  if (packet->refusals == NULL)
    {
      packet->refusals = g_array_new (FALSE, FALSE, sizeof (CraftRefusal));
      g_array_set_clear_func (packet->refusals, (GDestroyNotify) refusal_clear);
    }
  return packet->refusals;
}

void
craft__refusals_forget (CraftPacket *packet, guint layer, GArray *fields)
{
  for (guint i = 0; packet->refusals != NULL && i < packet->refusals->len;)
    {
      const CraftRefusal *r = &g_array_index (packet->refusals, CraftRefusal, i);
      gboolean named = FALSE;
      for (guint k = 0; r->layer == layer && k < fields->len && !named; k++)
        named = g_array_index (fields, guint, k) == r->field;
      if (named)
        g_array_remove_index (packet->refusals, i);
      else
        i++;
    }
}

void
craft__refusal_note (CraftPacket *packet, guint layer, guint field, const char *reason)
{
  for (guint i = 0; packet->refusals != NULL && i < packet->refusals->len; i++)
    {
      CraftRefusal *r = &g_array_index (packet->refusals, CraftRefusal, i);
      if (r->layer != layer || r->field != field)
        continue;
      if (reason == NULL)
        g_array_remove_index (packet->refusals, i);
      else
        {
          /* A set's members are refused member after member for the same reason. */
          if (strcmp (r->reason, reason) != 0)
            {
              g_free (r->reason);
              r->reason = g_strdup (reason);
            }
          r->column = 0;
        }
      return;
    }
  if (reason != NULL)
    {
      CraftRefusal r = { layer, field, 0, g_strdup (reason) };
      g_array_append_val (refusals (packet), r);
    }
}

void
craft__refusals_locate (CraftPacket *packet, guint layer, const char *name, guint column)
{
  for (guint i = 0; packet->refusals != NULL && i < packet->refusals->len; i++)
    {
      CraftRefusal *r = &g_array_index (packet->refusals, CraftRefusal, i);
      if (r->layer == layer
          && strcmp (craft__layer_field (craft__packet_layer (packet, layer), r->field)->name, name) == 0)
        r->column = column;
    }
}

void
craft__refusals_copy (CraftPacket *to, CraftPacket *from, guint first_layer)
{
  guint n = from->refusals != NULL ? from->refusals->len : 0;
  for (guint i = 0; i < n; i++)
    {
      /* Read before appending: `to` may be `from`, whose array then moves. */
      CraftRefusal r = g_array_index (from->refusals, CraftRefusal, i);
      CraftRefusal copy = { first_layer + r.layer, r.field, r.column, g_strdup (r.reason) };
      g_array_append_val (refusals (to), copy);
    }
}

void
craft__refusals_free (CraftPacket *packet)
{
  g_clear_pointer (&packet->refusals, g_array_unref);
}

/* Appends what field `f` holds: "an IPv4 address", "a 16-bit integer". */
static void
append_noun (const CraftFieldDef *f, GString *out)
{
  if (f->kind->is_integer)
    g_string_append_printf (out, "%s %u-bit %s", f->bits == 8 || f->bits == 11 || f->bits == 18 ? "an" : "a", f->bits,
                            f->kind->noun);
  else if (f->kind == &craft__kind_bytes && f->bits != 0)
    g_string_append_printf (out, "%u bytes", f->bits / 8);
  else if (f->kind->noun != NULL)
    g_string_append (out, f->kind->noun);
  else
    g_string_append (out, f->kind->name);
}

/* Adds to `fields` (guint) the fields of its own layer that `c` reads. */
static void
condition_fields (const CraftCalc *c, GArray *fields)
{
  if (c == NULL)
    return;
  if (c->type == CRAFT_CALC_FIELD && !c->lower && !c->request)
    {
      for (guint i = 0; i < fields->len; i++)
        if (g_array_index (fields, guint, i) == c->field)
          return;
      g_array_append_val (fields, c->field);
      return;
    }
  condition_fields (c->a, fields);
  condition_fields (c->b, fields);
  /* A checksum's or length's items are spans, not fields a condition reads. */
  if (c->items != NULL && (c->type == CRAFT_CALC_SET || c->type == CRAFT_CALC_COND))
    for (guint i = 0; i < c->items->len; i++)
      condition_fields (g_ptr_array_index (c->items, i), fields);
}

/* Appends " when type is A" (the values of the fields the condition of
 * field `index` reads), or " here" when it reads none of its layer. */
static void
append_when (CraftPacket *packet, guint layer, guint index, GString *out)
{
  const CraftLayer *l = craft__packet_layer (packet, layer);
  g_autoptr (GArray) fields = g_array_new (FALSE, FALSE, sizeof (guint));
  condition_fields (craft__layer_field (l, index)->condition, fields);
  if (fields->len == 0)
    {
      g_string_append (out, " here");
      return;
    }
  g_string_append (out, " when ");
  for (guint i = 0; i < fields->len; i++)
    {
      guint field = g_array_index (fields, guint, i);
      if (i > 0)
        g_string_append (out, " and ");
      g_string_append_printf (out, "%s is ", craft__layer_field (l, field)->name);
      craft__packet_format_slot (packet, layer, field, FALSE, out);
    }
}

gboolean
craft__refusals_any_present (CraftPacket *packet)
{
  for (guint i = 0; packet->refusals != NULL && i < packet->refusals->len; i++)
    {
      const CraftRefusal *r = &g_array_index (packet->refusals, CraftRefusal, i);
      if (craft__packet_layer (packet, r->layer)->slots[r->field].present)
        return TRUE;
    }
  return FALSE;
}

gboolean
craft__refusals_check (CraftPacket *packet, GError **error)
{
  for (guint i = 0; packet->refusals != NULL && i < packet->refusals->len; i++)
    {
      const CraftRefusal *r = &g_array_index (packet->refusals, CraftRefusal, i);
      const CraftLayer *l = craft__packet_layer (packet, r->layer);
      if (!l->slots[r->field].present)
        continue;
      const CraftFieldDef *f = craft__layer_field (l, r->field);
      GString *message = g_string_new (NULL);
      g_string_append_printf (message, "%s.%s holds ", l->def->name, f->name);
      append_noun (f, message);
      append_when (packet, r->layer, r->field, message);
      g_string_append_printf (message, ": %s", r->reason);
      if (r->column > 0)
        craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, r->column, "%s", message->str);
      else
        g_set_error_literal (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, message->str);
      g_string_free (message, TRUE);
      return FALSE;
    }
  return TRUE;
}
