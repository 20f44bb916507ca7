/* Hand-off: the bindings libcraft dissects with become entries in Wireshark's dissector tables. */
#include "craft-plugin.h"

/* A table entry a standard layer's binding names. It is Wireshark's own
 * dissector's entry (ethertype 0x0800 is ip) and is taken only while the
 * preference asks for craft's definitions, then given back. */
typedef struct {
  const char *table;
  guint32 value;
  CraftPluginLayer *layer;
  dissector_handle_t original;
} StandardSlot;

static GArray *standard_slots;

/* Whether a binding's value fits an integer table's type. */
static gboolean
value_fits (dissector_table_t table, guint32 value)
{
  switch (dissector_table_get_type (table))
    {
    case FT_UINT8:
      return value <= G_MAXUINT8;
    case FT_UINT16:
      return value <= G_MAXUINT16;
    case FT_UINT24:
      return value <= 0xffffff;
    case FT_UINT32:
      return TRUE;
    default:
      return FALSE;
    }
}

void
craft_plugin_handoff (void)
{
  GArray *bindings = craft_plugin_registry->bindings;
  g_autoptr (GHashTable) offered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  standard_slots = g_array_new (FALSE, TRUE, sizeof (StandardSlot));
  /* The registry keeps the newest binding first, and a later
   * dissector_add_uint() of a value replaces an earlier one: walking oldest
   * first, the newest binding wins here as it does in libcraft. */
  for (guint i = bindings->len; i-- > 0;)
    {
      const CraftBinding *b = &g_array_index (bindings, CraftBinding, i);
      CraftPluginLayer *pl = b->upper != NULL ? craft_plugin_layer_lookup (b->upper) : NULL;
      const char *table_name;
      guint32 value;
      if (pl == NULL || !craft_plugin_binding_slot (b, &table_name, &value))
        continue;
      dissector_table_t table = find_dissector_table (table_name);
      if (table == NULL || !value_fits (table, value))
        continue;
      /* Every layer is offered to Decode As in the tables its bindings name. */
      char *key = g_strdup_printf ("%s %d", table_name, pl->proto);
      if (g_hash_table_add (offered, key) && dissector_table_supports_decode_as (table))
        dissector_add_for_decode_as (table_name, pl->handle);
      if (pl->role == CRAFT_PLUGIN_NEW)
        dissector_add_uint (table_name, value, pl->handle);
      else
        {
          StandardSlot slot = { table_name, value, pl, NULL };
          g_array_append_val (standard_slots, slot);
        }
    }
  craft_plugin_register_heuristics ();
  craft_plugin_apply_standard_layers ();
}

void
craft_plugin_apply_standard_layers (void)
{
  if (standard_slots == NULL)
    return;
  /* Taken in order and given back in reverse, so that two layers bound to
   * one value restore each other's original. */
  if (craft_plugin_standard_layers)
    for (guint i = 0; i < standard_slots->len; i++)
      {
        StandardSlot *s = &g_array_index (standard_slots, StandardSlot, i);
        dissector_handle_t current = dissector_get_uint_handle (find_dissector_table (s->table), s->value);
        if (current == s->layer->handle)
          continue;
        s->original = current;
        dissector_add_uint (s->table, s->value, s->layer->handle);
      }
  else
    for (guint i = standard_slots->len; i-- > 0;)
      {
        StandardSlot *s = &g_array_index (standard_slots, StandardSlot, i);
        dissector_handle_t current = dissector_get_uint_handle (find_dissector_table (s->table), s->value);
        if (current != s->layer->handle)
          continue;
        if (s->original != NULL)
          dissector_add_uint (s->table, s->value, s->original);
        else
          dissector_delete_uint (s->table, s->value, s->layer->handle);
        s->original = NULL;
      }
}

/* Whether bindings `a` and `b` name the same Wireshark table entry. */
static gboolean
same_slot (const CraftBinding *a, const CraftBinding *b)
{
  const char *table_a, *table_b;
  guint32 value_a, value_b;
  return craft_plugin_binding_slot (a, &table_a, &value_a) && craft_plugin_binding_slot (b, &table_b, &value_b)
         && value_a == value_b && strcmp (table_a, table_b) == 0;
}

CraftPluginLayer *
craft_plugin_guarded_layer (CraftPluginLayer *pl, const guint8 *data, gsize length)
{
  if (pl->def->guard == NULL || craft__layer_guard_holds (pl->def, data, length))
    return pl;
  GArray *bindings = craft_plugin_registry->bindings;
  for (guint i = 0; i < bindings->len; i++)
    {
      const CraftBinding *mine = &g_array_index (bindings, CraftBinding, i);
      if (mine->upper != pl->def)
        continue;
      for (guint k = 0; k < bindings->len; k++)
        {
          const CraftBinding *other = &g_array_index (bindings, CraftBinding, k);
          if (other->upper == NULL || other->upper == pl->def || other->upper->guard == NULL
              || !same_slot (mine, other) || !craft__layer_guard_holds (other->upper, data, length))
            continue;
          CraftPluginLayer *sibling = craft_plugin_layer_lookup (other->upper);
          if (sibling != NULL)
            return sibling;
        }
    }
  return pl;
}
