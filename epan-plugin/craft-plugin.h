/* The Wireshark plugin's shared pieces: one record per definition layer, and what each file offers the others. */
#pragma once

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>

/* libcraft's compiled definitions and packet internals, read only: the
 * plugin registers fields from the compiled rows and shows each slot at the
 * bits it came from. */
#include "packet-private.h"
#include "kinds.h"

G_BEGIN_DECLS

/* How a layer meets Wireshark. */
typedef enum {
  CRAFT_PLUGIN_NEW,      /* Wireshark does not know it: its own name, hooked into Wireshark's tables */
  CRAFT_PLUGIN_STANDARD, /* Wireshark dissects it already: craft.<name>, reached by Decode As or the preference */
} CraftPluginRole;

/* Expert infos of a layer, one per kind of libcraft finding. */
#define CRAFT_PLUGIN_N_EXPERT 4

/* One field of a layer as registered: its header field and how a value sits in it. */
typedef struct {
  int hf;
  int hf_status;         /* checksum status field, -1 unless the field is a checksum */
  int *hf_flags;         /* one boolean per flag name, NULL unless the field is a flag set */
  int ett_flags;
  guint unit_bits;       /* width of the registered FT_ type */
  guint shift;           /* a masked field's value sits `shift` bits up in its unit */
  gboolean masked;       /* registered with a bitmask: values are handed over in place in their unit */
  gboolean flags_masked; /* the flag booleans carry bitmasks in the same unit */
  gboolean checksum_item; /* shown with proto_tree_add_checksum(): a whole 1 to 4 byte unsigned field */
} CraftPluginField;

/* summary.c: one of a layer's summary templates, compiled. */
typedef struct _CraftPluginSummary CraftPluginSummary;

/* quick.c: where a field of a message read in place lies, from its first bit. */
typedef struct {
  gboolean present;
  guint32 bit, bits;
} CraftPluginSpan;

/* Whether a layer's messages can be shown without a packet (quick.c). */
typedef enum {
  CRAFT_PLUGIN_QUICK_UNKNOWN, /* not asked yet */
  CRAFT_PLUGIN_QUICK_NO,
  CRAFT_PLUGIN_QUICK_YES,
} CraftPluginQuick;

/* One definition layer as a Wireshark protocol. */
typedef struct {
  const CraftLayerDef *def;
  CraftPluginRole role;
  char *filter;            /* the protocol's filter name: "telemetry", "craft.ip" */
  char *ws_name;           /* a standard layer's own Wireshark protocol ("ip"), NULL if unknown */
  int proto;
  int ett;
  CraftPluginField *fields; /* one per field of def */
  expert_field ei[CRAFT_PLUGIN_N_EXPERT]; /* by CraftFindingKind */
  dissector_handle_t handle;
  guint fixed_len;         /* bytes that always open the layer: enough to start reading its length */
  CraftPluginSummary *summaries; /* one per summary of def, compiled on first use; NULL before */
  CraftPluginQuick quick;
  CraftPluginSpan *spans;  /* QUICK_YES: one per field of def, for the message being shown */
} CraftPluginLayer;

/* plugin.c: the definitions, the "craft" protocol and its preference. */
extern CraftRegistry *craft_plugin_registry;
extern int craft_plugin_proto;
extern int craft_plugin_hf_padding;
extern gboolean craft_plugin_standard_layers;

/* The registered layer of a definition, or NULL (Raw, Padding, or one that could not be registered). */
CraftPluginLayer *craft_plugin_layer_lookup (const CraftLayerDef *def);

/* The definition of the layer Wireshark dissected just below the payload
 * it hands to `pl` (Wireshark's tcp: TCP), or NULL: what lower_is() sees
 * on a message dissected from that payload. */
const CraftLayerDef *craft_plugin_layer_below (packet_info *pinfo, const CraftPluginLayer *pl);

/* register.c: a layer's protocol, fields, subtrees, expert infos and dissector.
 * `used` holds every filter name the plugin has given out. NULL if the layer
 * cannot be registered without clashing with a protocol Wireshark has. */
CraftPluginLayer *craft_plugin_register_layer (const CraftLayerDef *def, GHashTable *used);

/* wireshark-facts.c: the `wireshark`, `wireshark_table` and `wireshark_addresses` statements of the definitions. */
CraftPluginRole craft_plugin_layer_role (const CraftLayerDef *def, char **ws_name);
/* The Wireshark dissector table fed by a field of a layer ("udp.port"), or NULL. */
const char *craft_plugin_field_table (const CraftLayerDef *layer, guint field);
/* Where a binding lands in Wireshark's tables: a table name and a value. */
gboolean craft_plugin_binding_slot (const CraftBinding *binding, const char **table, guint32 *value);
/* The fields holding a layer's source and destination address, and whether
 * they are network (else link-layer) addresses. */
gboolean craft_plugin_layer_addresses (const CraftLayerDef *layer, gint *source, gint *destination,
                                       gboolean *network);

/* handoff.c: bindings become dissector-table entries. */
void craft_plugin_handoff (void);
/* Applies the "dissect standard layers with craft definitions" preference. */
void craft_plugin_apply_standard_layers (void);

/* heuristic.c: layers with `heuristic on LAYER if EXPR;` join the Wireshark heuristic lists of those layers. */
void craft_plugin_register_heuristics (void);

/* The layer to dissect `data` as when Wireshark hands it to `pl`: `pl`
 * itself, unless its guard rejects the bytes and another layer bound to the
 * same table entry accepts them (raw IP link types carry IP and IPv6, told
 * apart by their guards). */
CraftPluginLayer *craft_plugin_guarded_layer (CraftPluginLayer *pl, const guint8 *data, gsize length);

/* frame.c: the frame `tvb` lies in, dissected by libcraft from its link type
 * and verified, when its layer `index` is one of `def` starting at the tvb's
 * first byte; else NULL. Caller owns. */
CraftPacket *craft_plugin_whole_frame (tvbuff_t *tvb, packet_info *pinfo, const CraftLayerDef *def, guint *index);

/* dissector.c: the one generic dissector. `cb_data` is the CraftPluginLayer. */
int craft_plugin_dissect (tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data, void *cb_data);
/* Dissects one message of `layer` that starts at the tvb's first byte,
 * carried by a layer of `below` (may be NULL) that Wireshark dissected. */
int craft_plugin_dissect_message (CraftPluginLayer *layer, const CraftLayerDef *below, tvbuff_t *tvb,
                                  packet_info *pinfo, proto_tree *tree);

/* summary.c: the text of the first of the layer's summaries whose condition
 * holds and whose fields are there, for layer `index` of `p` (a layer of
 * `pl`), or NULL. Allocated in `pool`; at most what the Info column holds
 * (COL_MAX_INFO_LEN with its NUL), where Wireshark would cut it. */
const char *craft_plugin_layer_summary (CraftPluginLayer *pl, CraftPacket *p, guint index, wmem_allocator_t *pool);

/* Whether every summary of the layer can be written from a message read in
 * place: no condition, and only fields of this layer whose values it writes
 * itself (unsigned integers and their names, IPv4 addresses). */
gboolean craft_plugin_summary_in_place (CraftPluginLayer *pl);
/* craft_plugin_layer_summary() of a message read in place: `spans` (one per
 * field of the layer) say where its fields lie in `bytes`. The text (or
 * NULL) in *summary; FALSE when a value needs libcraft after all. */
gboolean craft_plugin_layer_summary_from (CraftPluginLayer *pl, const guint8 *bytes, const CraftPluginSpan *spans,
                                          wmem_allocator_t *pool, const char **summary);

/* quick.c: shows a message of `pl` at the tvb's first byte without a tree
 * and without dissecting it into a packet, as the dissection would show it
 * (its Protocol and Info columns), when reading its fields in place finds
 * everything in order: no finding, no payload, no trailer. FALSE, having
 * done nothing, when it must be dissected. Only for a layer whose messages
 * need nothing else shown without a tree (no addresses, no verdicts). */
gboolean craft_plugin_show_quickly (CraftPluginLayer *pl, tvbuff_t *tvb, packet_info *pinfo);

/* reassembly.c: messages with a length carried over TCP, a layer of `below` (may be NULL). */
int craft_plugin_dissect_tcp (CraftPluginLayer *layer, const CraftLayerDef *below, tvbuff_t *tvb, packet_info *pinfo,
                              proto_tree *tree);
guint craft_plugin_fixed_length (const CraftLayerDef *def);

G_END_DECLS
