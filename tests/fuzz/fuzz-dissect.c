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
