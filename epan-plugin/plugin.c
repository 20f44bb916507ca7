/* The plugin's entry points: loads the definitions, registers every layer, and owns the "craft" protocol and its preference. */
#define WS_BUILD_DLL
#include "craft-plugin.h"

#include <epan/prefs.h>
#include <wsutil/report_message.h>
#include <ws_version.h>

#ifndef CRAFT_PLUGIN_VERSION
#define CRAFT_PLUGIN_VERSION "0.0.0"
#endif

/* Wireshark loads a plugin only if it was built for its major.minor version. */
WS_DLL_PUBLIC_DEF const gchar plugin_version[] = CRAFT_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register (void);

CraftRegistry *craft_plugin_registry;
int craft_plugin_proto = -1;
int craft_plugin_hf_padding = -1;
gboolean craft_plugin_standard_layers = FALSE;

/* CraftLayerDef* → CraftPluginLayer*, for every layer registered. */
static GHashTable *layers_by_def;

CraftPluginLayer *
craft_plugin_layer_lookup (const CraftLayerDef *def)
{
  return layers_by_def != NULL ? g_hash_table_lookup (layers_by_def, def) : NULL;
}

/* Wireshark protocol id → the definition whose layer it dissects: a
 * layer's own protocol (spindle, craft.ip) and, for a standard layer,
 * Wireshark's (ip). NULL when several definitions name one protocol
 * (icmpv6). Made on first use, once every protocol is registered. */
static GHashTable *defs_by_proto;

static void
add_protocol (int id, const CraftLayerDef *def)
{
  gpointer key = GINT_TO_POINTER (id), old;
  if (id < 0)
    return;
  if (g_hash_table_lookup_extended (defs_by_proto, key, NULL, &old) && old != def)
    g_hash_table_insert (defs_by_proto, key, NULL);
  else
    g_hash_table_insert (defs_by_proto, key, (gpointer) def);
}

const CraftLayerDef *
craft_plugin_layer_below (packet_info *pinfo, const CraftPluginLayer *pl)
{
  if (defs_by_proto == NULL)
    {
      defs_by_proto = g_hash_table_new (NULL, NULL);
      GHashTableIter iter;
      gpointer value;
      g_hash_table_iter_init (&iter, layers_by_def);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          const CraftPluginLayer *each = value;
          add_protocol (each->proto, each->def);
          if (each->ws_name != NULL)
            add_protocol (proto_get_id_by_filter_name (each->ws_name), each->def);
        }
    }
  /* The protocols of the frame so far end with the layer's own (once per
   * call through its handle: TCP hands a reassembled message over again). */
  for (wmem_list_frame_t *f = pinfo->layers != NULL ? wmem_list_tail (pinfo->layers) : NULL; f != NULL;
       f = wmem_list_frame_prev (f))
    {
      int id = GPOINTER_TO_INT (wmem_list_frame_data (f));
      if (id != pl->proto)
        return g_hash_table_lookup (defs_by_proto, GINT_TO_POINTER (id));
    }
  return NULL;
}

/* The same definitions craft reads. A bad user definition must not cost the
 * user Wireshark: it is reported, and the built-in definitions are used. */
static CraftRegistry *
load_definitions (void)
{
  g_autoptr (GError) error = NULL;
  CraftRegistry *reg = craft_registry_new_default (&error);
  if (reg != NULL)
    return reg;
  g_autofree char *text = craft_error_format (error);
  report_warning ("craft plugin: %s\nOnly craft's built-in definitions are loaded.", text);
  reg = craft_registry_new ();
  if (!craft_registry_load_builtin (reg, NULL))
    ws_warning ("craft: the built-in definitions do not load");
  return reg;
}

/* Wireshark registers fields only in this step: loading the definitions any
 * later would dissect, but `tshark -G fields` would not list them. */
static void
register_protoinfo (void)
{
  static hf_register_info hf[] = {
    { &craft_plugin_hf_padding,
      { "Padding", "craft.padding", FT_BYTES, BASE_NONE, NULL, 0,
        "Bytes after the end that a layer's length gives", HFILL } },
  };
  craft_plugin_registry = load_definitions ();
  craft_plugin_proto = proto_register_protocol ("craft protocol definitions", "craft", "craft");
  proto_register_field_array (craft_plugin_proto, hf, array_length (hf));
  module_t *module = prefs_register_protocol (craft_plugin_proto, craft_plugin_apply_standard_layers);
  prefs_register_bool_preference (module, "standard_layers", "Dissect standard layers with craft definitions",
                                  "Dissect the layers Wireshark already knows (Ethernet, IP, TCP, UDP...) with "
                                  "craft's definitions (craft.ip...) instead of Wireshark's own dissectors",
                                  &craft_plugin_standard_layers);

  layers_by_def = g_hash_table_new (NULL, NULL);
  /* Every filter name given out; it lives as long as the fields that use it. */
  GHashTable *used = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = craft_registry_get_n_layers (craft_plugin_registry);
  for (guint i = 0; i < n; i++)
    {
      const CraftLayerDef *def = craft_registry_get_layer (craft_plugin_registry, i);
      /* Raw and Padding are libcraft's catch-alls: their bytes go back to
       * Wireshark (data, or a table) and to craft.padding. */
      if (def->fallback || def->trailer)
        continue;
      CraftPluginLayer *pl = craft_plugin_register_layer (def, used);
      if (pl != NULL)
        g_hash_table_insert (layers_by_def, (gpointer) def, pl);
    }
}

void
plugin_register (void)
{
  static proto_plugin plugin;
  plugin.register_protoinfo = register_protoinfo;
  plugin.register_handoff = craft_plugin_handoff;
  proto_register_plugin (&plugin);
}
