/* What the definitions tell the plugin about Wireshark: a layer's own protocol, the tables its fields feed, its addresses. */
#include "craft-plugin.h"

#include <wiretap/wtap.h>
#include <wiretap/pcap-encap.h>

CraftPluginRole
craft_plugin_layer_role (const CraftLayerDef *def, char **ws_name)
{
  /* `wireshark "vlan";` names the protocol Wireshark dissects the layer as.
   * Without it, a layer whose lower-cased name Wireshark already uses is
   * taken to be that protocol too: registering it again would clash. */
  g_autofree char *name = g_ascii_strdown (def->wireshark_name ? def->wireshark_name : def->name, -1);
  *ws_name = NULL;
  if (proto_get_id_by_filter_name (name) < 0)
    {
      if (def->wireshark_name != NULL)
        g_warning ("craft: layer %s says Wireshark knows it as \"%s\", but this Wireshark has no such protocol",
                   def->name, def->wireshark_name);
      return CRAFT_PLUGIN_NEW;
    }
  *ws_name = g_steal_pointer (&name);
  return CRAFT_PLUGIN_STANDARD;
}

const char *
craft_plugin_field_table (const CraftLayerDef *layer, guint field)
{
  return ((const CraftFieldDef *) g_ptr_array_index (layer->fields, field))->wireshark_table;
}

gboolean
craft_plugin_binding_slot (const CraftBinding *binding, const char **table, guint32 *value)
{
  if (binding->lower_name == NULL)
    {
      /* `bind linktype N -> LAYER`: the pcap link type, as Wireshark's encapsulation. */
      if (binding->value > G_MAXINT)
        return FALSE;
      int encap = wtap_pcap_encap_to_wtap_encap ((int) binding->value);
      if (encap <= WTAP_ENCAP_UNKNOWN)
        return FALSE;
      *table = "wtap_encap";
      *value = (guint32) encap;
      return TRUE;
    }
  if (binding->lower == NULL || binding->field < 0 || binding->value > G_MAXUINT32)
    return FALSE;
  *table = craft_plugin_field_table (binding->lower, (guint) binding->field);
  *value = (guint32) binding->value;
  return *table != NULL;
}

gboolean
craft_plugin_layer_addresses (const CraftLayerDef *layer, gint *source, gint *destination, gboolean *network)
{
  *source = layer->wireshark_source;
  *destination = layer->wireshark_destination;
  *network = layer->wireshark_network;
  return *source >= 0 && *destination >= 0;
}
