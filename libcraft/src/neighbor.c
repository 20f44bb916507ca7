/* Address resolution for next_hop_mac(): the kernel's neighbours, else a request built from the definitions. */
#include "net-private.h"
#include "packet-private.h"

#include <arpa/inet.h>
#include <string.h>

typedef struct {
  gboolean found;
  guint8 mac[6];
} Resolved;

/* What this process resolved, answers and silences alike, keyed by
 * "interface/address": a set of a thousand packets to one host asks once. */
static GMutex cache_lock;
static GHashTable *cache;

const CraftLayerDef *
craft__registry_find_resolver (CraftRegistry *reg, gsize length)
{
  for (guint i = 0; i < reg->layers->len; i++)
    {
      const CraftLayerDef *def = g_ptr_array_index (reg->layers, i);
      if (def->resolve_target == NULL)
        continue;
      const CraftFieldDef *f = g_ptr_array_index (def->fields, def->resolve_target->field);
      if (f->bits == length * 8)
        return def;
    }
  return NULL;
}

/* Sends the resolver layer asking for `address` on the interface's link
 * layer, and reads the link address from the first answer. */
static gboolean
ask (CraftRegistry *reg, const char *interface, const CraftLayerDef *resolver, const guint8 *address, gsize length,
     guint8 mac[6])
{
  g_autoptr (CraftInjector) injector = craft_injector_new (reg, interface, NULL);
  if (injector == NULL)
    return FALSE;
  const CraftLayerDef *link = craft_registry_lookup_linktype (reg, craft_injector_get_linktype (injector));
  if (link == NULL)
    return FALSE;
  g_autoptr (CraftPacket) packet = craft_packet_new (reg);
  const CraftFieldDef *target = g_ptr_array_index (resolver->fields, resolver->resolve_target->field);
  const CraftFieldDef *answer = g_ptr_array_index (resolver->fields, resolver->resolve_answer->field);
  if (!craft_packet_push_layer (packet, link->name, NULL) || !craft_packet_push_layer (packet, resolver->name, NULL)
      || !craft_packet_set_bytes (packet, 1, target->name, address, length, NULL))
    return FALSE;
  /* The request goes to every host: next_hop_mac() under a resolving layer
   * is the broadcast address. */
  gboolean network;
  g_autoptr (GBytes) bytes = craft_injector_build (injector, packet, &network, NULL);
  if (bytes == NULL || network)
    return FALSE;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (CraftPacket) request = craft_packet_new_from_bytes (reg, link->name, data, len, NULL);
  g_autoptr (CraftSniffer) sniffer = craft_sniffer_new (interface, NULL, CRAFT_SNIFF_INBOUND, NULL);
  if (request == NULL || sniffer == NULL)
    return FALSE;
  int linktype = craft_sniffer_get_linktype (sniffer);
  for (guint attempt = 0; attempt < CRAFT_RESOLVE_TRIES; attempt++)
    {
      if (!craft__injector_send_bytes (injector, bytes, FALSE, NULL, 0, NULL) || !craft_injector_flush (injector, NULL))
        return FALSE;
      gint64 deadline = g_get_monotonic_time () + CRAFT_RESOLVE_TIMEOUT_MS * 1000;
      CraftCaptureRecord record;
      while (craft__sniffer_next_until (sniffer, &record, deadline, NULL, NULL))
        {
          g_autoptr (CraftPacket) reply = craft_packet_new_from_capture (reg, linktype, record.data, record.captured);
          if (!craft_packet_answers (reply, request))
            continue;
          gint layer = craft_packet_find_layer (reply, resolver->name, 0);
          g_autoptr (GBytes) value = layer >= 0 ? craft_packet_get_bytes (reply, (guint) layer, answer->name, NULL) : NULL;
          if (value == NULL || g_bytes_get_size (value) != 6)
            continue;
          memcpy (mac, g_bytes_get_data (value, NULL), 6);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
craft__neighbor_resolve (CraftRegistry *reg, const char *interface, const guint8 *address, gsize length,
                         guint8 mac[6])
{
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop (length == 4 ? AF_INET : AF_INET6, address, text, sizeof text);
  g_autofree char *key = g_strdup_printf ("%s/%s", interface, text);
  g_mutex_lock (&cache_lock);
  Resolved *known = cache != NULL ? g_hash_table_lookup (cache, key) : NULL;
  Resolved result = known != NULL ? *known : (Resolved) { FALSE, { 0 } };
  g_mutex_unlock (&cache_lock);
  if (known != NULL)
    {
      memcpy (mac, result.mac, 6);
      return result.found;
    }

  guint8 hop[16];
  craft__route_next_hop (address, length, interface, hop);
  char hop_text[INET6_ADDRSTRLEN] = "";
  inet_ntop (length == 4 ? AF_INET : AF_INET6, hop, hop_text, sizeof hop_text);
  result.found = craft__neighbor_lookup (interface, hop, length, result.mac);
  if (!result.found)
    {
      const CraftLayerDef *resolver = craft__registry_find_resolver (reg, length);
      result.found = resolver != NULL && ask (reg, interface, resolver, hop, length, result.mac);
    }
  if (!result.found)
    {
      memset (result.mac, 0xff, 6);
      g_warning ("%s: no answer from the next hop %s%s%s to address resolution; sending to the broadcast address",
                 interface, hop_text, strcmp (hop_text, text) != 0 ? " toward " : "",
                 strcmp (hop_text, text) != 0 ? text : "");
    }
  g_mutex_lock (&cache_lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (cache, g_steal_pointer (&key), g_memdup2 (&result, sizeof result));
  g_mutex_unlock (&cache_lock);
  memcpy (mac, result.mac, 6);
  return result.found;
}
