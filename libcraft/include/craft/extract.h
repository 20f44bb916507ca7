/* Field extraction: chosen fields of many packets read through compiled offsets, without a packet object. */
#pragma once

#include <craft/export.h>
#include <craft/registry.h>

G_BEGIN_DECLS

/* Reads the same few fields ("IP.src", "UDP.dport") from packet after
 * packet, as `tshark -T fields -e` does. Each value is the one
 * craft_packet_new_from_bytes() would dissect: the field of the first layer
 * of its definition in the packet, when that layer has it on the wire.
 *
 * Layers whose fields all lie at offsets known from the definition (after
 * its fixed fields: fields of sizes linear in them, lists of a size in bytes,
 * rest-of-layer bytes, conditions on the fixed fields) are read in place:
 * nothing is allocated or copied, and the walk stops as soon as no layer it
 * could still meet holds a wanted field. A packet that reaches any other
 * layer (a DNS message, whose names measure themselves) is dissected whole,
 * into one packet the extractor reuses. Both ways give the same values. */
typedef struct _CraftExtractor CraftExtractor;

/* An extractor for `fields`, a NULL-terminated array of "LAYER.field"
 * names. NULL with an error naming the first unknown layer or field. The
 * extractor holds a reference to `reg`; free it with craft_extractor_free().
 * Definitions loaded into `reg` later are not compiled into it: it then
 * dissects every packet whole, still for the layers it was made for (make a
 * new one to read the new definitions). */
CRAFT_API CraftExtractor *craft_extractor_new (CraftRegistry *reg, const char *const *fields, GError **error);

CRAFT_API void craft_extractor_free (CraftExtractor *extractor);

/* How many fields it reads; field indices below follow the array given. */
CRAFT_API guint craft_extractor_get_n_fields (const CraftExtractor *extractor);

/* The layer definition and field name of field `field`. */
CRAFT_API const CraftLayerDef *craft_extractor_get_layer (const CraftExtractor *extractor, guint field);
CRAFT_API const char *craft_extractor_get_field_name (const CraftExtractor *extractor, guint field);

/* Reads the fields of the `length` bytes at `data`, dissected from layer
 * `first`. `data` is borrowed: the values of byte fields point into it until
 * the next run, so it must stay valid and unchanged until then. */
CRAFT_API void craft_extractor_run (CraftExtractor *extractor, const CraftLayerDef *first, const guint8 *data,
                                    gsize length);

/* craft_extractor_run() from the layer a capture's link type and the
 * bytes choose (craft_registry_lookup_linktype_for_data(); Raw when none). */
CRAFT_API void craft_extractor_run_linktype (CraftExtractor *extractor, int linktype, const guint8 *data,
                                             gsize length);

/* A wanted field's value in the last run. */
typedef struct {
  gboolean present;     /* the packet has the field (see craft_extractor_get_uint()) */
  gboolean integer;     /* an integer, in `num`; else bytes, `length` of them at `bytes` */
  guint64 num;
  const guint8 *bytes;  /* borrowed, see craft_extractor_run() */
  gsize length;
} CraftExtractedValue;

/* Every wanted field's value in the last run, in the order the fields were
 * given: what craft_extractor_get_uint() and craft_extractor_peek_bytes()
 * return, without a call per field. Owned by the extractor; each run
 * rewrites it. */
CRAFT_API const CraftExtractedValue *craft_extractor_get_values (const CraftExtractor *extractor);

/* Field `field` of the last run, an integer: FALSE when the packet has no
 * layer of its definition, the field is absent there (a condition, a cut
 * header) or is not an integer. */
CRAFT_API gboolean craft_extractor_get_uint (const CraftExtractor *extractor, guint field, guint64 *value);

/* Field `field` of the last run, a byte field (an address, a payload): its
 * bytes (borrowed, see craft_extractor_run()) and their number in *length,
 * or NULL as craft_extractor_get_uint() gives FALSE. */
CRAFT_API const guint8 *craft_extractor_peek_bytes (const CraftExtractor *extractor, guint field, gsize *length);

/* Appends field `field` of the last run to `out` as text, as `tshark -T
 * fields` prints a value: integers in decimal (negative for signed fields),
 * addresses in their usual notation, other bytes as craft shows them.
 * FALSE, appending nothing, when craft_extractor_get_uint() and
 * craft_extractor_peek_bytes() would find nothing. */
CRAFT_API gboolean craft_extractor_format (const CraftExtractor *extractor, guint field, GString *out);

/* Whether the last run read the packet in place (TRUE) or dissected it
 * whole: for tests and profiles; the values are the same either way. */
CRAFT_API gboolean craft_extractor_last_in_place (const CraftExtractor *extractor);

G_END_DECLS
