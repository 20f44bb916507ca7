/* Packet sets: fields given a list, a range or a network, expanded one member at a time in Scapy's order. */
#include "expr-ast.h"
#include "packet-private.h"

#include "craft-limits.h"
#include "kinds.h"
#include "value.h"

#include <string.h>

void
craft__scalar_clear (CraftScalar *value)
{
  g_clear_pointer (&value->bytes, g_bytes_unref);
}

gboolean
craft__scalar_apply (CraftPacket *p, guint layer, const char *name, const CraftScalar *v, GError **error)
{
  const CraftLayerDef *def = craft__packet_layer (p, layer)->def;
  const CraftFieldDef *f = g_ptr_array_index (def->fields, craft__layer_def_field_index (def, name));
  /* A number goes to the integer alternative of a name whose alternatives differ in kind. */
  for (guint i = 0; !f->kind->is_integer && (v->type == CRAFT_EXPR_INT || v->type == CRAFT_EXPR_BOOL)
                    && i < def->fields->len;
       i++)
    {
      const CraftFieldDef *alt = g_ptr_array_index (def->fields, i);
      if (alt->kind->is_integer && strcmp (alt->name, name) == 0)
        f = alt;
    }
  switch ((CraftExprType) v->type)
    {
    case CRAFT_EXPR_NONE:
      return craft_packet_unset (p, layer, name, error);
    case CRAFT_EXPR_INT:
    case CRAFT_EXPR_BOOL:
      {
        if (!f->kind->is_integer)
          {
            g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' is %s: give it as a string, not a number",
                         f->name, f->kind->name);
            return FALSE;
          }
        /* The expression's integer is signed: a negative one is checked as
         * such first, so that -1 is refused by a 64-bit unsigned field too.
         * The width is left to craft_packet_set_uint(), which tries every
         * alternative of the name (ICMP's 16- and 32-bit "unused"). */
        guint64 ignored;
        if (f->ntp_time && v->type == CRAFT_EXPR_INT)
          {
            /* Seconds since 1900, as Scapy takes a number for a timestamp. */
            g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, v->integer);
            return craft_packet_set_text (p, layer, name, seconds, error);
          }
        return (v->integer >= 0 || craft__field_normalize_int64 (f, v->integer, &ignored, error))
               && craft_packet_set_uint (p, layer, name, (guint64) v->integer, error);
      }
    case CRAFT_EXPR_FLOAT:
      {
        /* Only a timestamp takes a fraction; any other integer says it is not whole. */
        g_autofree char *text = g_strndup (g_bytes_get_data (v->bytes, NULL), g_bytes_get_size (v->bytes));
        if (!f->kind->is_integer)
          {
            g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' is %s: give it as a string, not a number",
                         f->name, f->kind->name);
            return FALSE;
          }
        return craft_packet_set_text (p, layer, name, text, error);
      }
    case CRAFT_EXPR_STR:
    case CRAFT_EXPR_BYTES:
      {
        gsize len;
        const char *data = g_bytes_get_data (v->bytes, &len);
        /* Names and character-strings encode what they are given, text or
         * bytes, in whichever alternative of the name takes them (a DNS
         * record's rdata is an address, a name, text or bytes by its type). */
        gboolean encoded = FALSE;
        for (guint i = 0; i < def->fields->len; i++)
          {
            const CraftFieldDef *alt = g_ptr_array_index (def->fields, i);
            const CraftKind *kind = alt->kind;
            if (strcmp (alt->name, name) == 0)
              encoded |= kind->fixed_bits == 0 && kind->parse_text != NULL && kind != &craft__kind_bytes
                         && !kind->is_list;
          }
        if (f->kind->is_integer || (f->kind->fixed_bits != 0 && v->type == CRAFT_EXPR_STR) || encoded)
          return craft__packet_set_string (p, layer, name, data, len, v->type == CRAFT_EXPR_BYTES, error);
        return craft_packet_set_bytes (p, layer, name, (const guint8 *) data, len, error);
      }
    default:
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' cannot take %s", f->name,
                   craft__expr_type_name ((CraftExprType) v->type));
      return FALSE;
    }
}

void
craft__field_set_free (CraftFieldSet *set)
{
  if (set->values != NULL)
    g_array_unref (set->values);
  if (set->indices != NULL)
    g_array_unref (set->indices);
  g_free (set->name);
  g_free (set);
}

CraftFieldSet *
craft__field_set_copy (const CraftFieldSet *set)
{
  CraftFieldSet *copy = g_memdup2 (set, sizeof *set);
  copy->name = g_strdup (set->name);
  copy->indices = NULL;
  if (set->values != NULL)
    {
      copy->values = g_array_new (FALSE, TRUE, sizeof (CraftScalar));
      g_array_set_clear_func (copy->values, (GDestroyNotify) craft__scalar_clear);
      for (guint i = 0; i < set->values->len; i++)
        {
          CraftScalar v = g_array_index (set->values, CraftScalar, i);
          if (v.bytes != NULL)
            g_bytes_ref (v.bytes);
          g_array_append_val (copy->values, v);
        }
    }
  return copy;
}

/* Scapy expands the outer layer slowest and, inside a layer, the field
 * defined later slower: so sets sort by layer, then by field, reversed. */
static gint
compare_sets (gconstpointer a, gconstpointer b)
{
  const CraftFieldSet *x = *(CraftFieldSet *const *) a, *y = *(CraftFieldSet *const *) b;
  if (x->layer != y->layer)
    return x->layer < y->layer ? -1 : 1;
  return x->field == y->field ? 0 : (x->field > y->field ? -1 : 1);
}

void
craft__packet_add_set (CraftPacket *packet, CraftFieldSet *set)
{
  if (packet->sets == NULL)
    packet->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__field_set_free);
  for (guint i = 0; i < packet->sets->len; i++)
    {
      CraftFieldSet *old = g_ptr_array_index (packet->sets, i);
      if (old->layer == set->layer && strcmp (old->name, set->name) == 0)
        {
          /* A field given twice keeps the last value, as a keyword would. */
          g_ptr_array_remove_index (packet->sets, i);
          break;
        }
    }
  g_ptr_array_add (packet->sets, set);
  g_ptr_array_sort (packet->sets, compare_sets);
}

guint64
craft_packet_get_n_members (CraftPacket *packet)
{
  guint64 n = 1;
  for (guint i = 0; packet->sets != NULL && i < packet->sets->len; i++)
    {
      guint64 count = ((CraftFieldSet *) g_ptr_array_index (packet->sets, i))->count;
      if (count != 0 && n > G_MAXUINT64 / count)
        return G_MAXUINT64;
      n *= count;
    }
  return n;
}

GArray *
craft__field_set_indices (CraftPacket *packet, CraftFieldSet *set)
{
  if (set->indices == NULL)
    {
      CraftLayer *l = craft__packet_layer (packet, set->layer);
      set->indices = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < l->def->fields->len; i++)
        if (strcmp (craft__layer_field (l, i)->name, set->name) == 0)
          g_array_append_val (set->indices, i);
    }
  return set->indices;
}

/* craft_packet_set_uint() for a range's integer without looking the name up
 * each time, in the usual case: one field of that name, an unsigned integer
 * the value fits. FALSE otherwise: then craft_packet_set_uint() sets it, or
 * says why not (alternatives of the name record which refused the value). */
static gboolean
apply_integer (CraftPacket *packet, CraftFieldSet *set, guint64 value)
{
  CraftLayer *l = craft__packet_layer (packet, set->layer);
  craft__field_set_indices (packet, set);
  if (set->indices->len != 1)
    return FALSE;
  guint index = g_array_index (set->indices, guint, 0);
  const CraftFieldDef *f = craft__layer_field (l, index);
  if (!f->kind->is_integer || f->kind->is_signed || (value & ~craft__field_mask (f)) != 0)
    return FALSE;
  CraftSlot *s = &l->slots[index];
  g_clear_pointer (&s->bytes, g_bytes_unref);
  s->state = CRAFT_SLOT_USER;
  s->num = value;
  packet->edited = TRUE;
  packet->wire_current = FALSE;
  return TRUE;
}

static gboolean
apply_member (CraftPacket *packet, CraftFieldSet *set, guint64 index, GError **error)
{
  if (set->kind == CRAFT_SET_RANGE && apply_integer (packet, set, (guint64) set->first + index))
    return TRUE;
  gboolean ok = FALSE;
  guint column = set->column;
  switch (set->kind)
    {
    case CRAFT_SET_LIST:
      {
        const CraftScalar *value = &g_array_index (set->values, CraftScalar, index);
        ok = craft__scalar_apply (packet, set->layer, set->name, value, error);
        column = value->column ? value->column : column;
        break;
      }
    case CRAFT_SET_RANGE:
      ok = craft_packet_set_uint (packet, set->layer, set->name, (guint64) set->first + index, error);
      break;
    case CRAFT_SET_NETWORK:
      {
        guint32 address = GUINT32_TO_BE ((guint32) ((guint64) set->first + index));
        ok = craft_packet_set_bytes (packet, set->layer, set->name, (const guint8 *) &address, 4, error);
        break;
      }
    }
  /* An alternative of the name that refused the member is an error where the member was written. */
  if (ok && packet->refusals != NULL && packet->refusals->len > 0)
    craft__refusals_locate (packet, set->layer, set->name, column);
  return ok;
}

gboolean
craft_packet_select_member (CraftPacket *packet, guint64 index, GError **error)
{
  if (index >= craft_packet_get_n_members (packet))
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "the packet set has no member %" G_GUINT64_FORMAT, index);
      return FALSE;
    }
  /* A mixed-radix number: the last set is the fastest digit. The template
   * of the last build (template.c) compares the set fields' values itself:
   * changing them is not counted as an edit. */
  guint edits = packet->edits;
  gboolean ok = TRUE;
  for (guint i = packet->sets ? packet->sets->len : 0; ok && i-- > 0;)
    {
      CraftFieldSet *set = g_ptr_array_index (packet->sets, i);
      ok = apply_member (packet, set, index % set->count, error);
      index /= set->count;
    }
  packet->edits = edits;
  return ok;
}

/* Whether `c` may read field `field` (of any layer: a condition reads its
 * own layer's fields and the layer's below), or a length that its value
 * changes. Anything else it cannot tell is read. */
static gboolean
calc_may_read (const CraftCalc *c, guint field)
{
  if (c == NULL)
    return FALSE;
  switch (c->type)
    {
    case CRAFT_CALC_FIELD:
    case CRAFT_CALC_IS_SET:
    case CRAFT_CALC_BOUND:
    case CRAFT_CALC_COUNT:
      if (c->field == field)
        return TRUE;
      break;
    case CRAFT_CALC_LEN:
      if (c->span != CRAFT_SPAN_FIELD || c->field == field)
        return TRUE;
      break;
    case CRAFT_CALC_CHECKSUM:
    case CRAFT_CALC_CRC32:
      return TRUE;
    default:
      break;
    }
  if (calc_may_read (c->a, field) || calc_may_read (c->b, field))
    return TRUE;
  for (guint i = 0; c->items != NULL && i < c->items->len; i++)
    if (calc_may_read (g_ptr_array_index (c->items, i), field))
      return TRUE;
  return FALSE;
}

/* Whether a value of the set may change which conditional fields are present. */
static gboolean
set_moves_fields (CraftPacket *packet, CraftFieldSet *set)
{
  GArray *indices = craft__field_set_indices (packet, set);
  for (guint i = 0; i < packet->layers->len; i++)
    {
      const CraftLayer *l = craft__packet_layer (packet, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        for (guint n = 0; n < indices->len; n++)
          if (calc_may_read (craft__layer_field (l, k)->condition, g_array_index (indices, guint, n)))
            return TRUE;
    }
  return FALSE;
}

/* Checks the packet's values now; *laid_out says whether the present
 * fields are known for them (a layout is made once when they are not). */
static gboolean
check_now (CraftPacket *packet, gboolean *laid_out, GError **error)
{
  if (packet->refusals == NULL || packet->refusals->len == 0)
    return TRUE;
  if (!*laid_out)
    {
      if (!craft__packet_layout (packet))
        return TRUE;
      *laid_out = TRUE;
    }
  return craft__refusals_check (packet, error);
}

gboolean
craft__packet_check_members (CraftPacket *packet, GError **error)
{
  gboolean laid_out = FALSE;
  if (!check_now (packet, &laid_out, error))
    return FALSE;
  /* Each value is tried with the other sets on their first: a member that
   * will be built. A network's addresses are all taken alike; a range is
   * tried at its ends. Other members are checked when they are built. */
  guint edits = packet->edits;
  gboolean ok = TRUE;
  for (guint i = 0; ok && packet->sets != NULL && i < packet->sets->len; i++)
    {
      CraftFieldSet *set = g_ptr_array_index (packet->sets, i);
      if (set->kind == CRAFT_SET_NETWORK || set->count < 2)
        continue;
      /* Most sets (addresses, ports, rdata) leave the present fields as they
       * are: one layout serves them all. A set of a name without
       * alternatives refuses nothing: it matters only if it moves fields
       * where some alternative refused a value. */
      gboolean moves = set_moves_fields (packet, set);
      if (craft__field_set_indices (packet, set)->len == 1
          && (!moves || packet->refusals == NULL || packet->refusals->len == 0))
        continue;
      for (guint64 k = set->kind == CRAFT_SET_LIST ? 1 : set->count - 1; ok && k < set->count; k++)
        {
          ok = apply_member (packet, set, k, error);
          laid_out &= !moves;
          ok = ok && check_now (packet, &laid_out, error);
        }
      ok = ok && apply_member (packet, set, 0, error);
      laid_out &= !moves;
    }
  if (ok)
    ok = craft_packet_select_member (packet, 0, error);
  packet->edits = edits;
  return ok;
}

/* ---- building sets from expression values ---- */

static gboolean
scalar_from_node (const CraftExprNode *node, CraftScalar *out, GError **error)
{
  switch (node->type)
    {
    case CRAFT_EXPR_INT:
    case CRAFT_EXPR_BOOL:
    case CRAFT_EXPR_NONE:
      out->integer = node->integer;
      break;
    case CRAFT_EXPR_STR:
    case CRAFT_EXPR_BYTES:
    case CRAFT_EXPR_FLOAT:
      out->bytes = g_bytes_ref (node->bytes);
      break;
    default:
      craft_error_set_at (error, CRAFT_ERROR_UNSUPPORTED, NULL, 0, node->column,
                          "a member of a list must be a number, a string, bytes or None, not %s",
                          craft__expr_type_name (node->type));
      return FALSE;
    }
  out->type = node->type;
  out->column = node->column;
  return TRUE;
}

/* "192.0.2.0/30" for an IPv4 field: every address of the network, as Scapy's Net. */
static gboolean
parse_network (const char *text, gint64 *first, guint64 *count)
{
  const char *slash = strchr (text, '/');
  if (slash == NULL)
    return FALSE;
  g_autofree char *address = g_strndup (text, slash - text);
  guint64 prefix;
  guint8 bytes[4];
  g_autoptr (GByteArray) out = g_byte_array_new ();
  if (!g_ascii_string_to_unsigned (slash + 1, 10, 0, 32, &prefix, NULL)
      || !craft__kind_lookup ("ipv4")->parse_text (address, out, NULL))
    return FALSE;
  memcpy (bytes, out->data, 4);
  guint32 host = (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 | (guint32) bytes[2] << 8 | bytes[3];
  guint32 mask = prefix == 0 ? 0 : G_MAXUINT32 << (32 - prefix);
  *first = host & mask;
  *count = G_GUINT64_CONSTANT (1) << (32 - prefix);
  return TRUE;
}

gboolean
craft__set_from_node (CraftPacket *p, guint layer, const CraftFieldDef *f, const char *name,
                      const CraftExprNode *node, gboolean *is_set, GError **error)
{
  const CraftLayerDef *def = craft__packet_layer (p, layer)->def;
  g_autoptr (GError) local = NULL;
  CraftFieldSet *set = g_new0 (CraftFieldSet, 1);
  set->layer = layer;
  set->field = (guint) craft__layer_def_field_index (def, name);
  set->name = g_strdup (name);
  set->column = node->column;
  *is_set = TRUE;
  if (node->type == CRAFT_EXPR_LIST)
    {
      if (node->items->len == 0)
        {
          craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, node->column,
                              "field '%s': an empty list makes no packets", name);
          goto fail;
        }
      if (node->items->len > CRAFT_MAX_LIST_ELEMENTS)
        {
          const CraftExprNode *extra = g_ptr_array_index (node->items, CRAFT_MAX_LIST_ELEMENTS);
          craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, extra->column,
                              "field '%s': a list holds at most %d values (a range (low, high) holds more)", name,
                              CRAFT_MAX_LIST_ELEMENTS);
          goto fail;
        }
      set->kind = CRAFT_SET_LIST;
      set->values = g_array_new (FALSE, TRUE, sizeof (CraftScalar));
      g_array_set_clear_func (set->values, (GDestroyNotify) craft__scalar_clear);
      for (guint i = 0; i < node->items->len; i++)
        {
          const CraftExprNode *item = g_ptr_array_index (node->items, i);
          CraftScalar value = { 0 };
          if (!scalar_from_node (item, &value, error))
            goto fail;
          g_array_append_val (set->values, value);
          /* Every member must fit the field: try it now, not at member 10^6. */
          if (!craft__scalar_apply (p, layer, name, &value, &local))
            {
              craft_error_set_at (error, (CraftError) local->code, NULL, 0, item->column, "%s", local->message);
              goto fail;
            }
        }
      set->count = node->items->len;
    }
  else if (node->type == CRAFT_EXPR_TUPLE)
    {
      const CraftExprNode *lo = node->items->len == 2 ? g_ptr_array_index (node->items, 0) : NULL;
      const CraftExprNode *hi = node->items->len == 2 ? g_ptr_array_index (node->items, 1) : NULL;
      if (!f->kind->is_integer || lo == NULL || lo->type != CRAFT_EXPR_INT || hi->type != CRAFT_EXPR_INT)
        {
          craft_error_set_at (error, CRAFT_ERROR_UNSUPPORTED, NULL, 0, node->column,
                              "field '%s': a tuple is a range (low, high) of integers for an integer field", name);
          goto fail;
        }
      if (hi->integer < lo->integer)
        {
          craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, node->column,
                              "field '%s': the range (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") is empty", name,
                              lo->integer, hi->integer);
          goto fail;
        }
      const CraftExprNode *ends[2] = { lo, hi };
      for (int i = 0; i < 2; i++)
        {
          CraftScalar end = { CRAFT_EXPR_INT, ends[i]->integer, NULL, ends[i]->column };
          if (!craft__scalar_apply (p, layer, name, &end, &local))
            {
              craft_error_set_at (error, (CraftError) local->code, NULL, 0, ends[i]->column, "%s", local->message);
              goto fail;
            }
        }
      set->kind = CRAFT_SET_RANGE;
      set->first = lo->integer;
      set->count = (guint64) (hi->integer - lo->integer) + 1;
    }
  else if (node->type == CRAFT_EXPR_STR && f->kind->fixed_bits == 32 && !f->kind->is_integer
           && g_bytes_get_size (node->bytes) > 0
           && memchr (g_bytes_get_data (node->bytes, NULL), '/', g_bytes_get_size (node->bytes)) != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (node->bytes, NULL), g_bytes_get_size (node->bytes));
      if (!parse_network (text, &set->first, &set->count))
        {
          craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, node->column,
                              "field '%s': '%s' is not an IPv4 network (expected a.b.c.d/nn)", name, text);
          goto fail;
        }
      set->kind = CRAFT_SET_NETWORK;
    }
  else
    {
      craft__field_set_free (set);
      *is_set = FALSE;
      return TRUE;
    }
  craft__packet_add_set (p, set);
  return craft_packet_select_member (p, 0, error);
fail:
  craft__field_set_free (set);
  return FALSE;
}
