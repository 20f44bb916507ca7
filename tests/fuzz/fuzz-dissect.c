/* libFuzzer target: the dissector, from Ethernet, from IP, from every loaded layer and from each link type. */
#include "fuzz-common.h"

/* The first byte of an input says where dissection starts; the rest is the
 * packet. With bit 7 set, the link type linktypes[(byte & 0x7f) % n] picks
 * the first layer, as for a capture; else with bit 6 set, the registry's
 * layer (byte & 0x3f) % n, built-in and example layers alike; else the named
 * layer starts[byte % n]: 0 is Ether, 1 is IP. tests/fuzz/make-corpus.py
 * writes the seed corpus with the same numbers. */
static const char *const starts[] = {
  "Ether", "IP", "IPv6", "ARP", "Dot1Q", "ICMP", "TCP", "UDP", "Raw", "Padding", "Loopback", "CookedLinux",
  "CookedLinuxV2", "GRE", "VXLAN", "NTPHeader", "IPv6ExtHdrHopByHop", "IPv6ExtHdrRouting", "IPv6ExtHdrFragment",
  "IPv6ExtHdrDestOpt", "ICMPv6EchoRequest", "ICMPv6EchoReply", "ICMPv6ND_NS", "ICMPv6ND_NA", "ICMPv6ND_RA",
  "ICMPv6ND_RS", "ICMPv6MLQuery", "ICMPv6MLReport", "ICMPv6NDOptMTU", "ICMPv6NDOptPrefixInfo",
  "ICMPv6NDOptSrcLLAddr", "DNS", "BOOTP",
};
static const int linktypes[] = { 1, 101, 12, 228, 229, 0, 113, 276 };

/* An extractor of every field of `def`, made once per layer and kept. */
static CraftExtractor *
extractor_for (CraftRegistry *reg, const CraftLayerDef *def)
{
  static GHashTable *extractors;
  if (extractors == NULL)
    extractors = g_hash_table_new (NULL, NULL);
  CraftExtractor *x = g_hash_table_lookup (extractors, def);
  if (x != NULL)
    return x;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < craft_layer_def_get_n_fields (def); k++)
    g_ptr_array_add (names, g_strdup_printf ("%s.%s", craft_layer_def_get_name (def),
                                             craft_field_def_get_name (craft_layer_def_get_field (def, k))));
  g_ptr_array_add (names, NULL);
  x = craft_extractor_new (reg, (const char *const *) names->pdata, NULL);
  g_hash_table_insert (extractors, (gpointer) def, x);
  return x;
}

/* The extractor of each layer of `packet` (dissected from `first`) reads
 * what the dissection read: the same fields present, the same values. */
static void
check_extractors (CraftRegistry *reg, CraftPacket *packet, const CraftLayerDef *first, const guint8 *data,
                  gsize size)
{
  for (guint i = 0; i < craft_packet_get_n_layers (packet); i++)
    {
      CraftExtractor *x = extractor_for (reg, craft_packet_get_layer (packet, i));
      if (x == NULL)
        fuzz_fail ("no extractor for a layer's fields", data, size);
      craft_extractor_run (x, first, data, size);
      for (guint f = 0; f < craft_extractor_get_n_fields (x); f++)
        {
          const char *name = craft_extractor_get_field_name (x, f);
          gint layer = craft_packet_find_layer_def (packet, craft_extractor_get_layer (x, f), 0);
          guint bit = 0, bits = 0;
          gboolean present = layer >= 0 && craft_packet_get_span (packet, (guint) layer, name, &bit, &bits);
          guint64 got, want;
          gsize length;
          gboolean got_integer = craft_extractor_get_uint (x, f, &got);
          const guint8 *got_bytes = craft_extractor_peek_bytes (x, f, &length);
          if (!present)
            {
              if (got_integer || got_bytes != NULL)
                fuzz_fail ("the extractor has a field the dissection has not", data, size);
            }
          else if (craft_packet_get_uint (packet, (guint) layer, name, &want, NULL))
            {
              if (!got_integer || got != want)
                fuzz_fail ("the extractor reads another integer than the dissection", data, size);
            }
          else if (got_bytes == NULL || length != bits / 8 || memcmp (got_bytes, data + bit / 8, length) != 0)
            fuzz_fail ("the extractor reads other bytes than the dissection", data, size);
        }
    }
}

static int
fuzz_dissect_one (const guint8 *data, gsize size)
{
  CraftRegistry *reg = fuzz_registry ();
  if (size == 0)
    return 0;
  guint8 choice = data[0];
  data++, size--;
  const CraftLayerDef *first;
  if (choice & 0x80)
    first = craft_registry_lookup_linktype_for_data (reg, linktypes[(choice & 0x7f) % G_N_ELEMENTS (linktypes)],
                                                     data, size);
  else if (choice & 0x40)
    first = craft_registry_get_layer (reg, (choice & 0x3f) % craft_registry_get_n_layers (reg));
  else
    first = craft_registry_lookup_layer (reg, starts[choice % G_N_ELEMENTS (starts)]);
  if (first == NULL)
    fuzz_fail ("a built-in layer or link type is missing", data, size);
  g_autoptr (CraftPacket) packet = craft_packet_new_from_bytes (reg, craft_layer_def_get_name (first), data, size, NULL);
  if (packet == NULL)
    fuzz_fail ("dissection failed", data, size);
  check_extractors (reg, packet, first, data, size);
  fuzz_exercise (packet, data, size);
  /* Edited, every computed field is computed afresh: change the first
   * integer field of each layer to its own value and rebuild. */
  g_autoptr (CraftPacket) copy = craft_packet_copy (packet);
  for (guint i = 0; i < craft_packet_get_n_layers (copy); i++)
    {
      const CraftLayerDef *def = craft_packet_get_layer (copy, i);
      for (guint k = 0; k < craft_layer_def_get_n_fields (def); k++)
        {
          const char *name = craft_field_def_get_name (craft_layer_def_get_field (def, k));
          guint64 value;
          if (craft_packet_get_uint (copy, i, name, &value, NULL))
            {
              craft_packet_set_uint (copy, i, name, value, NULL);
              break;
            }
        }
    }
  fuzz_exercise (copy, NULL, 0);
  return 0;
}

#ifndef CRAFT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_dissect_one (data, size);
}
#endif
