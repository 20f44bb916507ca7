/* Turns a parsed Scapy-style expression into a packet: looks up layers and fields and converts values. */
#include "expr-ast.h"
#include "packet-private.h"

#include "kinds.h"
#include "value.h"

#include <string.h>

/* Re-raises `local` with the expression column attached. */
static gboolean
fail_at (GError **error, GError *local, guint column)
{
  craft_error_set_at (error, local->domain == CRAFT_ERROR ? (CraftError) local->code : CRAFT_ERROR_VALUE, NULL, 0,
                      column, "%s", local->message);
  g_error_free (local);
  return FALSE;
}

/* The field definition a keyword names, for type checks; sets UNKNOWN_FIELD otherwise. */
static const CraftFieldDef *
keyword_field (CraftPacket *p, guint layer, const CraftExprKeyword *kw, GError **error)
{
  const CraftLayerDef *def = craft__packet_layer (p, layer)->def;
  gint index = craft__layer_def_field_index (def, kw->name);
  if (index >= 0)
    return g_ptr_array_index (def->fields, index);
  GError *local = NULL;
  craft_packet_unset (p, layer, kw->name, &local); /* builds the "fields: ..." message */
  fail_at (error, local, kw->column);
  return NULL;
}

static gboolean set_list_keyword (CraftPacket *p, guint layer, const CraftFieldDef *f, const CraftExprNode *v,
                                  GError **error);

/* Whether some field of `def` named `name` is a kind of strings (append_string). */
static gboolean
has_strings_alternative (const CraftLayerDef *def, const char *name)
{
  for (guint i = 0; i < def->fields->len; i++)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, i);
      if (f->kind->append_string != NULL && strcmp (f->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The field named `name` present with the values the layer has now (a DNS
 * record's rdata by its type), when it is a kind of strings; else NULL.
 * Conditions are read before the layers above are known: a field a binding
 * would set reads as it stands. */
static const CraftFieldDef *
present_strings_field (CraftPacket *p, guint layer, const char *name)
{
  const CraftLayerDef *def = craft__packet_layer (p, layer)->def;
  CraftEval ev = { p, layer, NULL, 0, NULL, 0 };
  for (guint i = 0; i < def->fields->len; i++)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, i);
      if (strcmp (f->name, name) == 0 && (f->condition == NULL || craft__calc_eval (f->condition, &ev) != 0))
        return f->kind->append_string != NULL ? f : NULL;
    }
  return NULL;
}

/* A list given to a field of strings (character-strings) is one value, its
 * strings one after another, as Scapy takes a TXT record's rdata=["abc", "de"]. */
static gboolean
set_strings_keyword (CraftPacket *p, guint layer, const CraftFieldDef *f, const CraftExprNode *v, GError **error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  GError *local = NULL;
  for (guint i = 0; i < v->items->len; i++)
    {
      const CraftExprNode *item = g_ptr_array_index (v->items, i);
      if (item->type != CRAFT_EXPR_STR && item->type != CRAFT_EXPR_BYTES)
        {
          craft_error_set_at (error, CRAFT_ERROR_TYPE, NULL, 0, item->column,
                              "field '%s' holds %s: each item of its list is a string or bytes, not %s", f->name,
                              f->kind->name, craft__expr_type_name (item->type));
          return FALSE;
        }
      gsize len;
      const guint8 *data = g_bytes_get_data (item->bytes, &len);
      if (!f->kind->append_string (data, len, bytes, &local))
        return fail_at (error, local, item->column);
      if (bytes->len > CRAFT_MAX_PACKET_BYTES)
        break; /* craft_packet_set_bytes() says it is too long */
    }
  if (!craft_packet_set_bytes (p, layer, f->name, bytes->data, bytes->len, &local))
    return fail_at (error, local, v->column);
  craft__refusals_locate (p, layer, f->name, v->column);
  return TRUE;
}

static gboolean
set_keyword (CraftPacket *p, guint layer, const CraftExprKeyword *kw, GError **error)
{
  const CraftFieldDef *f = keyword_field (p, layer, kw, error);
  if (f == NULL)
    return FALSE;
  const CraftExprNode *v = kw->value;
  if (v->type == CRAFT_EXPR_LIST)
    {
      const CraftFieldDef *strings = present_strings_field (p, layer, kw->name);
      if (strings != NULL)
        return set_strings_keyword (p, layer, strings, v, error);
    }
  /* A list is one value; a string is its bytes, except for a list of one
   * layer (routers="192.0.2.1"), where it is an element's value. */
  if (f->kind->is_list && ((v->type != CRAFT_EXPR_STR && v->type != CRAFT_EXPR_BYTES)
                           || craft_registry_lookup_layer (p->reg, f->element_group) != NULL))
    return set_list_keyword (p, layer, f, v, error);
  gboolean is_set;
  if (!craft__set_from_node (p, layer, f, kw->name, v, &is_set, error))
    return FALSE;
  if (is_set)
    return TRUE;
  GError *local = NULL;
  CraftScalar scalar = { v->type, v->integer, v->bytes, v->column };
  if (v->type == CRAFT_EXPR_LIST || v->type == CRAFT_EXPR_TUPLE)
    g_set_error (&local, CRAFT_ERROR, CRAFT_ERROR_UNSUPPORTED, "field '%s': this kind of list is not supported",
                 f->name);
  else if (v->type == CRAFT_EXPR_LAYER || v->type == CRAFT_EXPR_STACK)
    g_set_error (&local, CRAFT_ERROR, CRAFT_ERROR_UNSUPPORTED,
                 "field '%s': packets as field values are not supported yet", f->name);
  else if (craft__scalar_apply (p, layer, kw->name, &scalar, &local))
    {
      craft__refusals_locate (p, layer, kw->name, v->column);
      return TRUE;
    }
  return fail_at (error, local, v->column);
}

/* Appends a Raw layer carrying `bytes`. */
static gboolean
push_payload (CraftPacket *p, GBytes *bytes, guint column, GError **error)
{
  const CraftLayerDef *raw = p->reg->fallback;
  if (raw == NULL || raw->fields->len == 0)
    {
      craft_error_set_at (error, CRAFT_ERROR_UNKNOWN_LAYER, NULL, 0, column,
                          "no fallback layer (Raw) is loaded to carry a bare payload");
      return FALSE;
    }
  guint index = craft__packet_append_layer (p, raw);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GError *local = NULL;
  const char *field = ((CraftFieldDef *) g_ptr_array_index (raw->fields, 0))->name;
  return craft_packet_set_bytes (p, index, field, data, len, &local) || fail_at (error, local, column);
}

static gboolean
push_layer_call (CraftPacket *p, const CraftExprNode *node, GError **error)
{
  const CraftLayerDef *def = craft_registry_lookup_layer (p->reg, node->name);
  if (def == NULL)
    {
      craft_error_set_at (error, CRAFT_ERROR_UNKNOWN_LAYER, NULL, 0, node->column,
                          "unknown layer '%s' (craft ls lists the loaded layers)", node->name);
      return FALSE;
    }
  guint first = p->layers->len;
  if (node->items->len > 1)
    {
      const CraftExprNode *extra = g_ptr_array_index (node->items, 1);
      craft_error_set_at (error, CRAFT_ERROR_SYNTAX, NULL, 0, extra->column,
                          "%s() takes at most one positional argument (the bytes to dissect)", def->name);
      return FALSE;
    }
  if (node->items->len == 1)
    {
      /* As in Scapy, Layer(b"...") dissects those bytes starting at that layer. */
      const CraftExprNode *arg = g_ptr_array_index (node->items, 0);
      if (arg->type != CRAFT_EXPR_BYTES && arg->type != CRAFT_EXPR_STR)
        {
          craft_error_set_at (error, CRAFT_ERROR_TYPE, NULL, 0, arg->column,
                              "the positional argument of %s() is the bytes to dissect: a string or bytes, not %s",
                              def->name, craft__expr_type_name (arg->type));
          return FALSE;
        }
      gsize len;
      const guint8 *data = g_bytes_get_data (arg->bytes, &len);
      g_autoptr (CraftPacket) dissected = craft_packet_new_from_bytes (p->reg, def->name, data, len, error);
      if (dissected == NULL)
        return FALSE;
      if (dissected->layers->len == 0)
        craft__packet_append_layer (p, def);
      else if (craft__packet_layer (dissected, 0)->def != def && node->keywords->len > 0)
        {
          /* Bytes too short or malformed for the layer dissect as Raw: the
           * keywords would then name fields Raw does not have. */
          const CraftFinding *why = dissected->findings->len > 0 ? craft_packet_get_finding (dissected, 0) : NULL;
          craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, arg->column,
                              "these bytes do not dissect as %s%s%s%s, so its fields cannot be set", def->name,
                              why ? " (" : "", why ? why->message : "", why ? ")" : "");
          return FALSE;
        }
      else
        craft_packet_push_packet (p, dissected);
    }
  else
    craft__packet_append_layer (p, def);
  /* A list given to a field that may be strings is read last, when the
   * fields that say which alternative is present (a record's type) have
   * their values, in whatever order they were written. */
  const CraftLayerDef *pushed = craft__packet_layer (p, first)->def;
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < node->keywords->len; i++)
      {
        const CraftExprKeyword *kw = &g_array_index (node->keywords, CraftExprKeyword, i);
        gboolean last = kw->value->type == CRAFT_EXPR_LIST && has_strings_alternative (pushed, kw->name);
        if (last == (pass == 1) && !set_keyword (p, first, kw, error))
          return FALSE;
      }
  return TRUE;
}

/* ---- list fields: a list is one value, a sequence of element layers ---- */

static gboolean list_value (CraftRegistry *reg, const CraftFieldDef *f, const CraftExprNode *node, GByteArray *out,
                            GError **error);

/* Whether `def` may be an element of list field `f`. */
static gboolean
is_element_of (CraftRegistry *reg, const CraftLayerDef *def, const CraftFieldDef *f)
{
  if (craft_registry_lookup_layer (reg, f->element_group) != NULL)
    return strcmp (def->name, f->element_group) == 0;
  return def->element_of != NULL && strcmp (def->element_of, f->element_group) == 0;
}

/* The element a tuple's head names: the one called `name`, or with `name`
 * NULL, the element without a name that takes values (unknown kinds, raw);
 * for a list of one layer, that layer. */
static const CraftLayerDef *
element_by_name (CraftRegistry *reg, const CraftFieldDef *f, const char *name)
{
  const CraftLayerDef *direct = craft_registry_lookup_layer (reg, f->element_group);
  if (direct != NULL)
    return name == NULL || (direct->element_name && strcmp (direct->element_name, name) == 0) ? direct : NULL;
  for (guint i = 0; i < reg->layers->len; i++)
    {
      const CraftLayerDef *def = g_ptr_array_index (reg->layers, i);
      if (!is_element_of (reg, def, f))
        continue;
      if (name != NULL ? def->element_name != NULL && strcmp (def->element_name, name) == 0
                       : def->element_name == NULL && def->element_fields != NULL)
        return def;
    }
  return NULL;
}

static void
append_element_names (CraftRegistry *reg, const CraftFieldDef *f, GString *names)
{
  for (guint i = 0; i < reg->layers->len; i++)
    {
      const CraftLayerDef *def = g_ptr_array_index (reg->layers, i);
      if (is_element_of (reg, def, f) && def->element_name != NULL)
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", def->element_name);
    }
}

/* Gives field `index` of the element `e` the value `v`. */
static gboolean
set_element_field (CraftPacket *e, guint index, const CraftExprNode *v, GError **error)
{
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (e, 0), index);
  GError *local = NULL;
  if (v->type == CRAFT_EXPR_NONE)
    return TRUE;
  if (f->kind->is_list && ((v->type != CRAFT_EXPR_STR && v->type != CRAFT_EXPR_BYTES)
                           || craft_registry_lookup_layer (e->reg, f->element_group) != NULL))
    return set_list_keyword (e, 0, f, v, error);
  if (v->type == CRAFT_EXPR_LIST && f->kind->append_string != NULL)
    return set_strings_keyword (e, 0, f, v, error);
  if (v->type == CRAFT_EXPR_LIST && f->kind == &craft__kind_bytes)
    {
      /* As Python's bytes([1, 3, 6]): a list of byte values. */
      g_autoptr (GByteArray) bytes = g_byte_array_new ();
      for (guint i = 0; i < v->items->len; i++)
        {
          const CraftExprNode *item = g_ptr_array_index (v->items, i);
          if (item->type != CRAFT_EXPR_INT || item->integer < 0 || item->integer > 255)
            {
              craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, item->column,
                                  "field '%s': a list given to bytes holds byte values 0 to 255", f->name);
              return FALSE;
            }
          guint8 b = (guint8) item->integer;
          g_byte_array_append (bytes, &b, 1);
        }
      return craft_packet_set_bytes (e, 0, f->name, bytes->data, bytes->len, &local)
             || fail_at (error, local, v->column);
    }
  if (v->type == CRAFT_EXPR_LIST || v->type == CRAFT_EXPR_TUPLE || v->type == CRAFT_EXPR_LAYER
      || v->type == CRAFT_EXPR_STACK)
    {
      craft_error_set_at (error, CRAFT_ERROR_TYPE, NULL, 0, v->column, "field '%s' takes one value, not %s",
                          f->name, craft__expr_type_name (v->type));
      return FALSE;
    }
  CraftScalar scalar = { v->type, v->integer, v->bytes, v->column };
  if (!craft__scalar_apply (e, 0, f->name, &scalar, &local))
    return fail_at (error, local, v->column);
  craft__refusals_locate (e, 0, f->name, v->column);
  return TRUE;
}

/* Builds element `e` and appends its bytes to the list's. */
static gboolean
append_built (CraftPacket *e, guint column, GByteArray *out, GError **error)
{
  GError *local = NULL;
  g_autoptr (GBytes) bytes = craft_packet_build (e, &local);
  CraftErrorLocation at;
  if (bytes == NULL && craft_error_get_location (local, &at))
    {
      /* A value of the element (DNSRR(type="A", rdata="abc")) says where. */
      g_propagate_error (error, local);
      return FALSE;
    }
  if (bytes == NULL)
    return fail_at (error, local, column);
  g_byte_array_append (out, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  return TRUE;
}

/* Builds element `def` from `values` (CraftExprNode*, borrowed) spread over
 * its value fields, and appends its bytes. */
static gboolean
element_from_values (CraftRegistry *reg, const CraftLayerDef *def, GPtrArray *values, guint column, GByteArray *out,
                     GError **error)
{
  g_autoptr (CraftPacket) e = craft_packet_new (reg);
  craft__packet_append_layer (e, def);
  guint nfields = def->element_fields ? def->element_fields->len : 0;
  const CraftExprNode *only = values->len == 1 ? g_ptr_array_index (values, 0) : NULL;
  g_autoptr (GPtrArray) spread = g_ptr_array_new ();
  if (only != NULL && only->type == CRAFT_EXPR_TUPLE && nfields > 1)
    {
      /* A tuple value spreads over several fields: ("Timestamp", (123, 0)). */
      for (guint i = 0; i < only->items->len; i++)
        g_ptr_array_add (spread, g_ptr_array_index (only->items, i));
    }
  else
    for (guint i = 0; i < values->len; i++)
      g_ptr_array_add (spread, g_ptr_array_index (values, i));
  /* No value fields: the value can only say "nothing" (("NOP", None), ("SAckOK", b"")). */
  if (nfields == 0 && spread->len == 1)
    {
      const CraftExprNode *v = g_ptr_array_index (spread, 0);
      if (v->type == CRAFT_EXPR_NONE || ((v->type == CRAFT_EXPR_BYTES || v->type == CRAFT_EXPR_STR)
                                         && g_bytes_get_size (v->bytes) == 0))
        g_ptr_array_set_size (spread, 0);
    }
  /* One value field that is a list takes the whole value: ("SAck", (1, 2)). */
  if (nfields == 1 && spread->len > 1
      && craft__layer_field (craft__packet_layer (e, 0), g_array_index (def->element_fields, guint, 0))->kind->is_list)
    {
      CraftExprNode whole = { 0 };
      whole.type = CRAFT_EXPR_LIST;
      whole.column = column;
      whole.items = spread;
      if (!set_element_field (e, g_array_index (def->element_fields, guint, 0), &whole, error))
        return FALSE;
      g_ptr_array_set_size (spread, 0);
    }
  else if (spread->len > nfields)
    {
      craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, column, "%s takes %u value%s, not %u",
                          def->element_name ? def->element_name : def->name, nfields, nfields == 1 ? "" : "s",
                          spread->len);
      return FALSE;
    }
  for (guint i = 0; i < spread->len; i++)
    if (!set_element_field (e, g_array_index (def->element_fields, guint, i), g_ptr_array_index (spread, i), error))
      return FALSE;
  return append_built (e, column, out, error);
}

/* One item of a list value: an element layer, a (NAME, value...) tuple, a
 * bare NAME, or a plain value for a list of one layer. */
static gboolean
list_item (CraftRegistry *reg, const CraftFieldDef *f, const CraftExprNode *item, GByteArray *out, GError **error)
{
  if (item->type == CRAFT_EXPR_LAYER)
    {
      g_autoptr (CraftPacket) e = craft_packet_new (reg);
      if (!push_layer_call (e, item, error))
        return FALSE;
      const CraftLayerDef *def = craft__packet_layer (e, 0)->def;
      if (e->layers->len != 1 || !is_element_of (reg, def, f))
        {
          craft_error_set_at (error, CRAFT_ERROR_TYPE, NULL, 0, item->column, "%s is not an element of %s (field '%s')",
                              def->name, f->element_group, f->name);
          return FALSE;
        }
      if (e->sets != NULL && e->sets->len > 0)
        {
          /* Scapy expands it into packets; building only its first member would be a silent wrong result. */
          const CraftFieldSet *set = g_ptr_array_index (e->sets, 0);
          craft_error_set_at (error, CRAFT_ERROR_UNSUPPORTED, NULL, 0, set->column,
                              "field '%s' of %s: a set of values (a list, a range or a network) inside an element "
                              "of field '%s' is not supported yet; write one expression per value",
                              set->name, def->name, f->name);
          return FALSE;
        }
      return append_built (e, item->column, out, error);
    }
  if (item->type == CRAFT_EXPR_STACK)
    {
      for (guint i = 0; i < item->items->len; i++)
        if (!list_item (reg, f, g_ptr_array_index (item->items, i), out, error))
          return FALSE;
      return TRUE;
    }
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  const CraftExprNode *head = item;
  if (item->type == CRAFT_EXPR_TUPLE && item->items->len > 0)
    {
      head = g_ptr_array_index (item->items, 0);
      for (guint i = 1; i < item->items->len; i++)
        g_ptr_array_add (values, g_ptr_array_index (item->items, i));
    }
  const CraftLayerDef *def = NULL;
  gboolean direct = craft_registry_lookup_layer (reg, f->element_group) != NULL;
  if (head->type == CRAFT_EXPR_STR && !(direct && item == head))
    {
      g_autofree char *name = g_strndup (g_bytes_get_data (head->bytes, NULL), g_bytes_get_size (head->bytes));
      def = element_by_name (reg, f, name);
      if (def == NULL)
        {
          GString *names = g_string_new (NULL);
          append_element_names (reg, f, names);
          craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, head->column,
                              "'%s' is not an element of %s (field '%s'; names: %s)", name, f->element_group, f->name,
                              names->len ? names->str : "none");
          g_string_free (names, TRUE);
          return FALSE;
        }
    }
  else if (head->type == CRAFT_EXPR_INT || direct)
    {
      /* (99, b"...") is an element of an unknown kind, given as raw; a
       * plain value goes to the one layer of a list of it. */
      def = element_by_name (reg, f, NULL);
      g_ptr_array_insert (values, 0, (gpointer) head);
      if (def == NULL)
        {
          craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, head->column,
                              "field '%s': %s has no element for values without a name", f->name, f->element_group);
          return FALSE;
        }
    }
  else
    {
      craft_error_set_at (error, CRAFT_ERROR_TYPE, NULL, 0, item->column,
                          "an element of field '%s' is a layer, a (name, value) tuple or a name, not %s", f->name,
                          craft__expr_type_name (head->type));
      return FALSE;
    }
  if (def->element_fields == NULL && direct && values->len == 1 && def->fields->len > 0)
    {
      /* A list of a layer that names no value fields: its first field. */
      g_autoptr (CraftPacket) e = craft_packet_new (reg);
      craft__packet_append_layer (e, def);
      if (!set_element_field (e, 0, g_ptr_array_index (values, 0), error))
        return FALSE;
      return append_built (e, item->column, out, error);
    }
  return element_from_values (reg, def, values, item->column, out, error);
}

static gboolean
list_value (CraftRegistry *reg, const CraftFieldDef *f, const CraftExprNode *node, GByteArray *out, GError **error)
{
  switch (node->type)
    {
    case CRAFT_EXPR_NONE:
      return TRUE;
    case CRAFT_EXPR_LIST:
    case CRAFT_EXPR_TUPLE: /* a tuple value given to a list field: ("SAck", (1, 2)) */
      for (guint i = 0; i < node->items->len; i++)
        if (!list_item (reg, f, g_ptr_array_index (node->items, i), out, error))
          return FALSE;
      return TRUE;
    default:
      return list_item (reg, f, node, out, error);
    }
}

static gboolean
set_list_keyword (CraftPacket *p, guint layer, const CraftFieldDef *f, const CraftExprNode *v, GError **error)
{
  if (v->type == CRAFT_EXPR_INT || v->type == CRAFT_EXPR_BOOL)
    {
      craft_error_set_at (error, CRAFT_ERROR_TYPE, NULL, 0, v->column,
                          "field '%s' is a list of %s: give its elements in [...], or its bytes as a string, "
                          "not a number",
                          f->name, f->element_group);
      return FALSE;
    }
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  if (!list_value (p->reg, f, v, bytes, error))
    return FALSE;
  GError *local = NULL;
  return craft_packet_set_bytes (p, layer, f->name, bytes->data, bytes->len, &local) || fail_at (error, local, v->column);
}

static gboolean
push_term (CraftPacket *p, const CraftExprNode *node, GError **error)
{
  switch (node->type)
    {
    case CRAFT_EXPR_STACK:
      for (guint i = 0; i < node->items->len; i++)
        {
          const CraftExprNode *term = g_ptr_array_index (node->items, i);
          if (!push_term (p, term, error))
            return FALSE;
          if (p->layers->len > CRAFT_MAX_LAYERS)
            {
              craft_error_set_at (error, CRAFT_ERROR_VALUE, NULL, 0, term->column,
                                  "a packet has at most %d layers", CRAFT_MAX_LAYERS);
              return FALSE;
            }
        }
      return TRUE;
    case CRAFT_EXPR_LAYER:
      return push_layer_call (p, node, error);
    case CRAFT_EXPR_STR:
    case CRAFT_EXPR_BYTES:
      return push_payload (p, node->bytes, node->column, error);
    default:
      craft_error_set_at (error, CRAFT_ERROR_TYPE, NULL, 0, node->column,
                          "expected a layer like IP(...) or a payload string, found %s",
                          craft__expr_type_name (node->type));
      return FALSE;
    }
}

CraftPacket *
craft_packet_new_from_expression (CraftRegistry *reg, const char *expression, GError **error)
{
  g_return_val_if_fail (reg != NULL && expression != NULL, NULL);
  g_autoptr (CraftExprNode) tree = craft__expr_parse (expression, error);
  if (tree == NULL)
    return NULL;
  g_autoptr (CraftPacket) packet = craft_packet_new (reg);
  if (!push_term (packet, tree, error))
    return NULL;
  /* As Scapy refuses DNSRR(type="A", rdata="abc") when it is written, not
   * when it is sent: a value the present alternative of its field cannot
   * take fails here, before any packet of the set is built. */
  if (!craft__packet_check_members (packet, error))
    return NULL;
  return g_steal_pointer (&packet);
}

/* Where byte `offset` of field `f`'s default text is in its file: the
 * default's own place, moved on by the text before that byte. */
static void
default_location (const CraftFieldDef *f, gsize offset, guint *line, guint *column)
{
  *line = f->default_line;
  *column = f->default_column;
  if (f->default_line == 0)
    return;
  const char *text = f->default_text;
  offset = MIN (offset, strlen (text));
  const char *line_start = text;
  for (const char *nl = memchr (text, '\n', offset); nl != NULL;
       nl = memchr (nl + 1, '\n', offset - (gsize) (nl + 1 - text)))
    {
      (*line)++;
      *column = 1;
      line_start = nl + 1;
    }
  *column += (guint) g_utf8_strlen (line_start, (gssize) (text + offset - line_start));
}

gboolean
craft__list_resolve_defaults (CraftRegistry *reg, const char *origin, GError **error)
{
  /* The parser reads packets: the list is read as a keyword's value. */
  static const char prefix[] = "Default(value=";
  for (guint i = 0; i < reg->layers->len; i++)
    {
      const CraftLayerDef *def = g_ptr_array_index (reg->layers, i);
      for (guint k = 0; k < def->fields->len; k++)
        {
          CraftFieldDef *f = g_ptr_array_index (def->fields, k);
          if (!f->kind->is_list || f->default_bytes != NULL || f->default_text == NULL || f->default_text[0] != '[')
            continue;
          GError *local = NULL;
          g_autofree char *text = g_strconcat (prefix, f->default_text, ")", NULL);
          g_autoptr (CraftExprNode) node = craft__expr_parse (text, &local);
          g_autoptr (GByteArray) bytes = g_byte_array_new ();
          if (node != NULL && (node->type != CRAFT_EXPR_LAYER || node->keywords->len != 1))
            g_set_error (&local, CRAFT_ERROR, CRAFT_ERROR_SYNTAX, "expected a list of elements");
          if (local != NULL
              || !list_value (reg, f, g_array_index (node->keywords, CraftExprKeyword, 0).value, bytes, &local))
            {
              /* The error's column in the expression is a place in the default's text. */
              CraftErrorLocation at;
              gsize offset = 0;
              if (craft_error_get_location (local, &at) && at.column > sizeof prefix)
                offset = at.column - sizeof prefix;
              guint line, column;
              default_location (f, offset, &line, &column);
              craft_error_set_at (error, CRAFT_ERROR_DEFINITION, origin, line, column, "the default of %s.%s, %s: %s",
                                  def->name, f->name, f->default_text, local->message);
              g_error_free (local);
              return FALSE;
            }
          f->default_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
        }
    }
  return TRUE;
}
