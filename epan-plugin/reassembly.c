/* Reassembly: a layer whose definition gives its length is read from a TCP stream message by message. */
#include "craft-plugin.h"

#include <epan/dissectors/packet-tcp.h>

/* What tcp_dissect_pdus() hands back to us for each message of a segment. */
typedef struct {
  CraftPluginLayer *layer;
  const CraftLayerDef *below; /* the layer Wireshark dissected below (TCP), for lower_is() */
  guint messages;   /* shown so far from this segment */
} Stream;

guint
craft_plugin_fixed_length (const CraftLayerDef *def)
{
  /* The fields every message opens with: unconditional and of fixed size. */
  guint bits = 0;
  for (guint i = 0; i < def->fields->len; i++)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, i);
      if (f->condition != NULL || f->bits == 0 || (!f->kind->is_integer && f->size_mode != CRAFT_SIZE_FIXED))
        break;
      bits += f->bits;
    }
  return MAX (bits / 8, 1);
}

/* The message's length from the definition's `length = EXPR [if COND];`,
 * once the header holding it is all there. */
static guint
message_length (packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
  Stream *stream = data;
  const CraftLayerDef *def = stream->layer->def;
  guint available = tvb_captured_length_remaining (tvb, offset);
  const guint8 *bytes = tvb_get_ptr (tvb, offset, (gint) available);
  g_autoptr (CraftPacket) p = craft_packet_new (craft_plugin_registry);
  craft__packet_set_from_bytes_above (p, stream->below, def, bytes, available);
  if (craft_packet_get_n_layers (p) > 0 && craft_packet_get_layer (p, 0) == def)
    {
      CraftEval ev = { .packet = p, .layer = 0, .data = bytes, .length = available };
      guint64 length;
      /* A length whose condition does not hold here: the message is what
       * the segment carries. */
      if (!craft__layer_declared_length (&ev, &length))
        return available;
      /* 0 would mean "ask for more" to tcp_dissect_pdus(); a length shorter
       * than the header is a malformed message, reported as one. */
      return (guint) CLAMP (length, 1, G_MAXUINT32);
    }
  /* A header cut by the segment's end waits for the next segment (0 asks
   * tcp_dissect_pdus() for one more), unless TCP cannot reassemble. A header
   * that cannot be read for another reason is shown as it is. */
  gboolean cut = FALSE;
  for (guint i = 0; p != NULL && i < craft_packet_get_n_findings (p); i++)
    cut |= craft_packet_get_finding (p, i)->kind == CRAFT_FINDING_TRUNCATED;
  return cut && pinfo->can_desegment ? 0 : available;
}

static int
dissect_one (tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
  Stream *stream = data;
  /* Several messages in one segment: their summaries side by side in Info. */
  if (stream->messages++ > 0)
    {
      col_append_str (pinfo->cinfo, COL_INFO, " | ");
      col_set_fence (pinfo->cinfo, COL_INFO);
    }
  return craft_plugin_dissect_message (stream->layer, stream->below, tvb, pinfo, tree);
}

int
craft_plugin_dissect_tcp (CraftPluginLayer *layer, const CraftLayerDef *below, tvbuff_t *tvb, packet_info *pinfo,
                          proto_tree *tree)
{
  Stream stream = { layer, below, 0 };
  tcp_dissect_pdus (tvb, pinfo, tree, TRUE, layer->fixed_len, message_length, dissect_one, &stream);
  return (int) tvb_captured_length (tvb);
}
