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

static gboolean
set_keyword (CraftPacket *p, guint layer, const CraftExprKeyword *kw, GError **error)
{
  const CraftFieldDef *f = keyword_field (p, layer, kw, error);
  if (f == NULL)
    return FALSE;
  const CraftExprNode *v = kw->value;
  gboolean is_set;
  if (!craft__set_from_node (p, layer, f, kw->name, v, &is_set, error))
    return FALSE;
  if (is_set)
    return TRUE;
  GError *local = NULL;
  CraftScalar scalar = { v->type, v->integer, v->bytes };
  if (v->type == CRAFT_EXPR_LIST || v->type == CRAFT_EXPR_TUPLE)
    g_set_error (&local, CRAFT_ERROR, CRAFT_ERROR_UNSUPPORTED, "field '%s': this kind of list is not supported",
                 f->name);
  else if (v->type == CRAFT_EXPR_LAYER || v->type == CRAFT_EXPR_STACK)
    g_set_error (&local, CRAFT_ERROR, CRAFT_ERROR_UNSUPPORTED,
                 "field '%s': packets as field values are not supported yet", f->name);
  else if (craft__scalar_apply (p, layer, kw->name, &scalar, &local))
    return TRUE;
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
  for (guint i = 0; i < node->keywords->len; i++)
    if (!set_keyword (p, first, &g_array_index (node->keywords, CraftExprKeyword, i), error))
      return FALSE;
  return TRUE;
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
  return g_steal_pointer (&packet);
}
