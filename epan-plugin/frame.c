/* The whole frame as libcraft reads it from its link type: what a layer above Wireshark's own IP needs to verify a pseudo-header checksum. */
#include "craft-plugin.h"

#include <wiretap/wtap.h>

/* The pcap link type whose `bind linktype` binding maps to Wireshark's
 * encapsulation `encap`, or -1. */
static int
linktype_of (int encap)
{
  GArray *bindings = craft_plugin_registry->bindings;
  for (guint i = 0; i < bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (bindings, CraftBinding, i);
      const char *table;
      guint32 value;
      if (b->lower_name == NULL && craft_plugin_binding_slot (b, &table, &value) && (int) value == encap)
        return (int) b->value;
    }
  return -1;
}

CraftPacket *
craft_plugin_whole_frame (tvbuff_t *tvb, packet_info *pinfo, const CraftLayerDef *def, guint *index)
{
  /* Only a tvb that lies in the frame's own bytes: not in reassembled or
   * decompressed data, whose lower layers are not in front of it. */
  tvbuff_t *frame = pinfo->data_src != NULL ? get_data_source_tvb (pinfo->data_src->data) : NULL;
  if (frame == NULL || tvb_get_ds_tvb (tvb) != frame || pinfo->rec == NULL || pinfo->rec->rec_type != REC_TYPE_PACKET)
    return NULL;
  int linktype = linktype_of (pinfo->rec->rec_header.packet_header.pkt_encap);
  gint offset = tvb_raw_offset (tvb);
  guint length = tvb_captured_length (frame);
  if (linktype < 0 || offset <= 0 || (guint) offset >= length)
    return NULL;
  CraftPacket *whole = craft_packet_new_from_capture (craft_plugin_registry, linktype,
                                                      tvb_get_ptr (frame, 0, (gint) length), length);
  for (guint i = 0; i < craft_packet_get_n_layers (whole); i++)
    {
      const CraftLayer *l = craft__packet_layer (whole, i);
      if (l->start == (guint) offset && l->def == def)
        {
          craft_packet_verify (whole);
          *index = i;
          return whole;
        }
    }
  craft_packet_unref (whole);
  return NULL;
}
