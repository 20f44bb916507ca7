/* Heuristics: a layer whose definition says `heuristic on UDP if ...` claims payloads that no port names. */
#include "craft-plugin.h"

#include <epan/conversation.h>

/* Wireshark calls a heuristic with no pointer of its registrant's, so a
 * generic heuristic could not tell which layer it tests. Each layer with a
 * heuristic gets an entry point of its own instead: slot N of a fixed pool
 * of functions, generated below, tests the layer in slot N. */
#define SLOTS(X)                                                                                                     \
  X (0) X (1) X (2) X (3) X (4) X (5) X (6) X (7) X (8) X (9) X (10) X (11) X (12) X (13) X (14) X (15) X (16) X (17) \
  X (18) X (19) X (20) X (21) X (22) X (23) X (24) X (25) X (26) X (27) X (28) X (29) X (30) X (31)

#define COUNT_SLOT(n) +1
enum { N_SLOTS = 0 SLOTS (COUNT_SLOT) };

static CraftPluginLayer *slot_layers[N_SLOTS];

/* Claims the payload for the layer in `slot` when its condition holds on
 * the first bytes. The test reads a few integers and allocates nothing:
 * every enabled heuristic of a list runs on every payload no port claims.
 * A payload it does not claim is left untouched: no tree item, no column. */
static gboolean
try_slot (guint slot, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
  CraftPluginLayer *pl = slot_layers[slot];
  guint length = tvb_captured_length (tvb);
  if (pl == NULL || length == 0 || length < pl->def->heuristic_bytes)
    return FALSE;
  const guint8 *bytes = tvb_get_ptr (tvb, 0, (gint) length);
  if (!craft__layer_heuristic_holds (pl->def, bytes, length))
    return FALSE;
  /* The segments that follow in a TCP stream need not start a message:
   * the conversation is this layer's from now on. */
  if (pinfo->ptype == PT_TCP)
    conversation_set_dissector (find_or_create_conversation (pinfo), pl->handle);
  craft_plugin_dissect (tvb, pinfo, tree, data, pl);
  return TRUE;
}

#define DEFINE_ENTRY(n)                                                                                              \
  static gboolean entry_##n (tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)                        \
  {                                                                                                                  \
    return try_slot (n, tvb, pinfo, tree, data);                                                                     \
  }
SLOTS (DEFINE_ENTRY)

#define ENTRY_POINTER(n) entry_##n,
static const heur_dissector_t slot_entries[N_SLOTS] = { SLOTS (ENTRY_POINTER) };

void
craft_plugin_register_heuristics (void)
{
  guint used = 0;
  guint n = craft_registry_get_n_layers (craft_plugin_registry);
  for (guint i = 0; i < n; i++)
    {
      const CraftLayerDef *def = craft_registry_get_layer (craft_plugin_registry, i);
      CraftPluginLayer *pl = def->heuristic_on != NULL ? craft_plugin_layer_lookup (def) : NULL;
      /* A layer Wireshark dissects itself is not put where it would claim
       * traffic on its own, as its table entries are not. */
      if (pl == NULL || pl->role != CRAFT_PLUGIN_NEW)
        continue;
      if (used == N_SLOTS)
        {
          g_warning ("craft: more than %d layers declare a heuristic; %s is left out", N_SLOTS, def->name);
          continue;
        }
      gboolean offered = FALSE;
      for (guint k = 0; k < def->heuristic_on->len; k++)
        {
          const char *below = g_ptr_array_index (def->heuristic_on, k);
          const CraftLayerDef *lower = craft_registry_lookup_layer (craft_plugin_registry, below);
          /* Wireshark names a protocol's heuristic list after the protocol. */
          const char *list = lower != NULL ? lower->wireshark_name : NULL;
          if (list == NULL || !has_heur_dissector_list (list))
            {
              g_warning ("craft: layer %s has a heuristic on %s, but this Wireshark has no heuristic list \"%s\"",
                         def->name, below, list != NULL ? list : "");
              continue;
            }
          /* Both names live as long as the process: Wireshark keeps them. */
          char *display = g_strdup_printf ("%s over %s", def->name, lower->name);
          /* A short name another heuristic has aborts Wireshark. */
          char *internal = g_strdup_printf ("%s_%s", pl->filter, list);
          for (guint suffix = 2; find_heur_dissector_by_unique_short_name (internal) != NULL; suffix++)
            {
              g_free (internal);
              internal = g_strdup_printf ("%s_%s_%u", pl->filter, list, suffix);
            }
          heur_dissector_add (list, slot_entries[used], display, internal, pl->proto, HEURISTIC_ENABLE);
          offered = TRUE;
        }
      if (offered)
        slot_layers[used++] = pl;
    }
}
