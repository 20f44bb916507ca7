/* What the definitions do not say yet: whether Wireshark knows a layer, and which Wireshark table a binding feeds. */
#include "craft-plugin.h"

#include <wiretap/wtap.h>
#include <wiretap/pcap-encap.h>

/* Every fact in this file belongs in the definitions (DESIGN: "if the plugin
 * needs a fact about a protocol, that fact belongs in a definition"). Until
 * the language can say them, they live here, in one place:
 *
 *   layer Dot1Q "802.1Q" { ... wireshark "vlan"; }           the protocol Wireshark knows it as
 *   layer UDP "UDP" { ... wireshark_table dport "udp.port"; }  the table a field's value selects in
 *   layer IP "IP" { ... wireshark_addresses network src dst; } the addresses Wireshark's columns,
 *                                                              conversations and pseudo-headers use
 */

CraftPluginRole
craft_plugin_layer_role (const CraftLayerDef *def, char **ws_name)
{
  *ws_name = NULL;
  g_autofree char *lower = g_ascii_strdown (def->name, -1);
  if (proto_get_id_by_filter_name (lower) >= 0)
    {
      *ws_name = g_steal_pointer (&lower);
      return CRAFT_PLUGIN_STANDARD;
    }
  /* libcraft's built-in definitions are its standard layers, all of which
   * Wireshark dissects, some under other names (Ether as eth, Dot1Q as
   * vlan). Treating them as new would take ethertype 0x8100 from
   * Wireshark's vlan. A `wireshark "vlan";` statement will replace this. */
  if (def->file != NULL && g_str_has_prefix (def->file, "<builtin>/"))
    return CRAFT_PLUGIN_STANDARD;
  return CRAFT_PLUGIN_NEW;
}

/* The interim table of `wireshark_table` statements: the standard layers'
 * fields whose value picks the layer above in a Wireshark dissector table. */
static const struct {
  const char *layer;
  const char *field;
  const char *table;
} field_tables[] = {
  { "Ether", "type", "ethertype" },
  { "Dot1Q", "type", "ethertype" },
  { "IP", "proto", "ip.proto" },
  { "UDP", "sport", "udp.port" },
  { "UDP", "dport", "udp.port" },
  { "TCP", "sport", "tcp.port" },
  { "TCP", "dport", "tcp.port" },
};

const char *
craft_plugin_field_table (const CraftLayerDef *layer, guint field)
{
  const CraftFieldDef *f = g_ptr_array_index (layer->fields, field);
  for (gsize i = 0; i < G_N_ELEMENTS (field_tables); i++)
    if (strcmp (field_tables[i].layer, layer->name) == 0 && strcmp (field_tables[i].field, f->name) == 0)
      return field_tables[i].table;
  return NULL;
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

/* The interim table of `wireshark_addresses` statements: the fields that
 * hold a layer's source and destination. Wireshark's upper dissectors read
 * them from the packet info (TCP's pseudo-header, conversations), so a
 * layer shown by craft sets them as Wireshark's own dissector would. */
static const struct {
  const char *layer;
  const char *source;
  const char *destination;
  gboolean network;   /* network addresses; else link-layer ones */
} address_fields[] = {
  { "Ether", "src", "dst", FALSE },
  { "IP", "src", "dst", TRUE },
};

gboolean
craft_plugin_layer_addresses (const CraftLayerDef *layer, gint *source, gint *destination, gboolean *network)
{
  for (gsize i = 0; i < G_N_ELEMENTS (address_fields); i++)
    if (strcmp (address_fields[i].layer, layer->name) == 0)
      {
        *source = craft__layer_def_field_index (layer, address_fields[i].source);
        *destination = craft__layer_def_field_index (layer, address_fields[i].destination);
        *network = address_fields[i].network;
        return *source >= 0 && *destination >= 0;
      }
  return FALSE;
}
