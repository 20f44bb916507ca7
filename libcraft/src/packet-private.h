/* The inside of a packet: layers, one slot per field holding its state, value and byte span. */
#pragma once

#include <glib.h>
#include "model.h"

G_BEGIN_DECLS

typedef enum {
  CRAFT_SLOT_UNSET,  /* the builder fills the default or computes the value */
  CRAFT_SLOT_USER,   /* set by the user: always wins */
  CRAFT_SLOT_WIRE,   /* read from dissected bytes: kept until the packet is edited, if computed */
} CraftSlotState;

typedef struct {
  guint8 state;        /* CraftSlotState */
  gboolean present;    /* in the last layout or dissection (conditional fields) */
  gboolean computed;   /* WIRE only: the last build computed the value afresh (an edit made the wire
                        * value stale), so it is read from the built bytes, like an unset one */
  gboolean unknown;    /* the last build could not compute the value (a checksum with no
                        * pseudo-header below it) and wrote 0: there is nothing to verify */
  guint generation;    /* build generation that last wrote this slot's span */
  guint32 bit_off;     /* span in packet->wire, from the packet's first bit */
  guint32 bit_len;
  guint32 elements;    /* WIRE lists: 1 + the number of elements dissection read; 0: not known */
  guint64 num;         /* USER and WIRE integer values, masked to the field's width */
  GBytes *bytes;       /* USER byte values (owned) */
  guint32 orig_off;    /* WIRE byte values: span in packet->origin */
  guint32 orig_len;
} CraftSlot;

typedef struct {
  const CraftLayerDef *def;
  CraftSlot *slots;    /* one per field of def (owned) */
  guint start;         /* byte offsets in packet->wire */
  guint hdr_len;       /* bytes of this layer's own fields */
  guint end;           /* end of this layer and what it carries, trailers excluded */
  gboolean cut;        /* dissected: the data ends before the layer does (its length or header
                        * says more), so its lengths and checksums cannot be verified */
} CraftLayer;

typedef struct _CraftTemplate CraftTemplate;

struct _CraftPacket {
  gint ref_count;
  CraftRegistry *reg;
  GArray *layers;      /* CraftLayer */
  GBytes *wire;        /* the last built or dissected bytes; spans point into it */
  GBytes *origin;      /* the dissected bytes WIRE values point into, or NULL */
  gboolean edited;     /* a field or layer changed since dissection */
  guint edits;         /* bumped by every change of a field or a layer through the API, but the
                        * values craft_packet_select_member() gives a set's fields (template.c) */
  gboolean wire_current; /* `wire` holds every value as it is now: read values from it */
  guint generation;    /* bumped by every build */
  GArray *findings;    /* CraftFinding */
  GPtrArray *sets;     /* CraftFieldSet*, slowest-varying first; NULL for a single packet */
  char *interface;     /* where it is sent (craft_packet_set_interface()), or NULL */
  /* An element of a list field (list.c) is a packet of one layer inside the bytes of the packet
   * that holds it: */
  guint list_depth;    /* lists it is nested in (0: a packet of its own) */
  gint name_base;      /* where its names' compression pointers count from, or -1: its layer's start */
  CraftTemplate *template; /* what the next member of its sets patches (template.c), or NULL; not copied */
  /* Memory kept by craft_packet_set_from_bytes() for the next dissection: */
  /* Field names getters looked up, by layer and name pointer (callers pass
   * the same literals packet after packet): a name that is the only one of
   * its layer maps to its index, checked by one strcmp. */
  struct {
    const CraftLayerDef *def;
    const char *name;
    guint index;
  } lookups[8];
  guint next_lookup;   /* the entry of `lookups` the next new name replaces */
  GArray *spare_slots; /* CraftSpareSlots: the slot arrays of the layers it cleared */
  guint8 *spare_data;  /* the bytes of the last dissection, when nothing else held them */
  gsize spare_size;
  /* The layer the first layer sits on when that one is not in the packet
   * (a payload Wireshark's own TCP hands the plugin), read by lower_is();
   * NULL: none. Set by craft__packet_set_from_bytes_above(). */
  const CraftLayerDef *below;
  /* Alternatives of a name (fields of one name under different conditions)
   * that could not take the value the name was last given: CraftRefusal,
   * or NULL (alternatives.c). A build fails when one of them is present. */
  GArray *refusals;
};

typedef struct {
  guint n_fields;
  CraftSlot *slots;    /* owned */
} CraftSpareSlots;

/* Empties the packet (layers, values, findings, sets, interface) for
 * another dissection, keeping its memory for the next layers and bytes. */
void craft__packet_clear (CraftPacket *packet);

/* A copy of `data` in a GBytes, in the packet's spare bytes if it has some. */
GBytes *craft__packet_take_copy (CraftPacket *packet, const guint8 *data, gsize length);

/* One value of a field as an expression gave it, before conversion. */
typedef struct {
  guint type;          /* CraftExprType: INT, BOOL, STR, BYTES or NONE */
  gint64 integer;
  GBytes *bytes;       /* owned */
  guint column;        /* where the expression gave it, for errors; 0 when unknown */
} CraftScalar;

typedef enum {
  CRAFT_SET_LIST,      /* dport=[80, 443] */
  CRAFT_SET_RANGE,     /* dport=(1, 1024): every integer from lo to hi */
  CRAFT_SET_NETWORK,   /* dst="192.0.2.0/30": every IPv4 address of the network */
} CraftSetKind;

/* A field given several values: the packet stands for one packet per value. */
typedef struct {
  guint layer;
  guint field;         /* index of the (first) field of that name: orders the expansion */
  char *name;
  guint column;        /* where the expression gave it, for errors */
  CraftSetKind kind;
  GArray *values;      /* LIST: CraftScalar */
  gint64 first;        /* RANGE: the first integer; NETWORK: the first address, host order */
  guint64 count;       /* how many values */
  GArray *indices;     /* guint: every field index of that name, found on first use (not copied) */
} CraftFieldSet;

/* Sets field `name` of `layer` from one expression value. On failure
 * `error` has no location (callers add the column). */
gboolean craft__scalar_apply (CraftPacket *packet, guint layer, const char *name, const CraftScalar *value,
                              GError **error);

void craft__scalar_clear (CraftScalar *value);

/* craft_packet_set_text() for a string or, with `bytes_literal`, a bytes
 * literal of `length` bytes that may hold NUL bytes: each alternative of the
 * name takes it as craft__field_parse_bytes_data() reads it for its kind. */
gboolean craft__packet_set_string (CraftPacket *packet, guint layer, const char *field, const char *data,
                                   gsize length, gboolean bytes_literal, GError **error);

/* ---- conditional alternatives that refused a value (alternatives.c) ---- */

/* Alternative `field` of `layer` could not take the value its name was just given. */
typedef struct {
  guint layer;
  guint field;
  guint column;        /* where the expression gave the value; 0 when unknown */
  char *reason;        /* why it could not take it (owned) */
} CraftRefusal;

/* Forgets what the alternatives `fields` (guint indices of one name in
 * `layer`) refused: their name has just been given another value. */
void craft__refusals_forget (CraftPacket *packet, guint layer, GArray *fields);

/* Records that alternative `field` of `layer` refused the value its name
 * was just given, because of `reason`; with `reason` NULL, that it took
 * it (or got a value of its own: fuzzing fills it), so that what it
 * refused before is forgotten. */
void craft__refusal_note (CraftPacket *packet, guint layer, guint field, const char *reason);

/* The value field `name` of `layer` was just given came from `column` of
 * an expression: errors about it point there. */
void craft__refusals_locate (CraftPacket *packet, guint layer, const char *name, guint column);

/* Copies what `from` refused into `to`, its layers `first_layer` places on. */
void craft__refusals_copy (CraftPacket *to, CraftPacket *from, guint first_layer);

void craft__refusals_free (CraftPacket *packet);

/* After a layout: FALSE with an error located at the value's column when
 * a present alternative refused the value its name was given (rdata 'abc'
 * where type A makes it an IPv4 address). */
gboolean craft__refusals_check (CraftPacket *packet, GError **error);

/* Whether a present alternative refused its name's value (by the last layout). */
gboolean craft__refusals_any_present (CraftPacket *packet);

/* Lays the packet out as a build would, which says which conditional
 * fields are present, and nothing more (values read from the bytes of the
 * last build are read again after the next). FALSE when the layout fails:
 * the build says why. */
gboolean craft__packet_layout (CraftPacket *packet);

/* For a new packet from an expression: checks with craft__refusals_check()
 * the packet as it is and each value of its sets in turn (a list's every
 * value, a range's ends), so that a value the present alternative of its
 * field cannot take is refused before any packet is built. Leaves the
 * packet on its first member. */
gboolean craft__packet_check_members (CraftPacket *packet, GError **error);

/* Adds a set; the packet takes ownership. Keeps sets in Scapy's order. */
void craft__packet_add_set (CraftPacket *packet, CraftFieldSet *set);

void craft__field_set_free (CraftFieldSet *set);
/* Every field index of the set's name in its layer (guint; owned by the set). */
GArray *craft__field_set_indices (CraftPacket *packet, CraftFieldSet *set);
CraftFieldSet *craft__field_set_copy (const CraftFieldSet *set);

typedef struct _CraftExprNode CraftExprNode;

/* If `node` is a list, a (low, high) range or an IPv4 network, adds a set
 * for field `name` and sets *is_set; otherwise leaves the value to the caller.
 * Errors carry the expression column. */
gboolean craft__set_from_node (CraftPacket *packet, guint layer, const CraftFieldDef *field, const char *name,
                               const CraftExprNode *node, gboolean *is_set, GError **error);

/* What an expression is evaluated against: a layer of a packet and the
 * bytes being built or dissected. */
typedef struct {
  CraftPacket *packet;
  guint layer;
  const guint8 *data;   /* the buffer being built or dissected */
  gsize length;
  gboolean *missing;    /* set when an input is absent (no pseudo-header): the field is then 0 */
  guint upper;          /* in a pseudo-header: the layer the checksum is for, which len(upper) and
                         * bound(upper) read; 0 otherwise (a layer offering one is never layer 0) */
} CraftEval;

static inline CraftLayer *
craft__packet_layer (CraftPacket *packet, guint index)
{
  return &g_array_index (packet->layers, CraftLayer, index);
}

static inline const CraftFieldDef *
craft__layer_field (const CraftLayer *layer, guint index)
{
  return g_ptr_array_index (layer->def->fields, index);
}

/* A field's current value. Integers go to *num; byte kinds set *data and *len
 * (borrowed, valid until the packet changes). */
void craft__slot_value (CraftPacket *packet, const CraftEval *ev, guint layer, guint field, guint64 *num,
                        const guint8 **data, gsize *len);

/* Evaluates an expression to an integer. */
guint64 craft__calc_eval (const CraftCalc *calc, const CraftEval *ev);

/* The length the layer's `length = EXPR [if COND];` gives it, in *declared;
 * FALSE when it has none or COND does not hold (the layer then runs to the
 * end of what holds it). */
gboolean craft__layer_declared_length (const CraftEval *ev, guint64 *declared);

/* Evaluates an answer rule on a reply's layer (`ev`), with request.FIELD
 * reading `request` (may be NULL: then 0) and quoting() giving `quoting`. */
guint64 craft__calc_eval_answer (const CraftCalc *calc, const CraftEval *ev, const CraftEval *request,
                                 gboolean quoting);

/* Evaluates an expression whose result is bytes (source_ip, source_mac) into `out`. */
void craft__calc_eval_bytes (const CraftCalc *calc, const CraftEval *ev, guint bits, GByteArray *out);

/* Appends the pseudo-header the nearest layer below `layer` offers; FALSE if none. */
gboolean craft__pseudo_header (const CraftEval *ev, GByteArray *out);

/* The bytes [*start, *end) a header, layer, payload or field span of `l`
 * covers; FALSE for an absent field and for spans that are no range of the
 * layer's bytes (the pseudo-header, the layer above). */
gboolean craft__span_range (const CraftLayer *l, const CraftCalc *span, gsize *start, gsize *end);

void craft__packet_add_finding (CraftPacket *packet, CraftFindingKind kind, guint layer, gint field,
                                guint offset, guint length, const char *format, ...) G_GNUC_PRINTF (7, 8);

/* Appends a layer of `def` with every field unset; returns its index. */
guint craft__packet_append_layer (CraftPacket *packet, const CraftLayerDef *def);

/* Reads `bits` bits at bit offset `bit` of `data` as a big-endian integer. The caller checked bounds. */
guint64 craft__bits_read (const guint8 *data, gsize bit, guint bits);
/* Writes the low `bits` bits of `value` at bit offset `bit`, big-endian. */
void craft__bits_write (guint8 *data, gsize bit, guint bits, guint64 value);
/* craft__bits_read(), with fields within a byte and the whole-byte widths of most header fields inline. */
static inline guint64
craft__read_be (const guint8 *data, gsize bit, guint bits)
{
  if (bit % 8 + bits <= 8)
    return (guint64) (data[bit / 8] >> (8 - bit % 8 - bits)) & ((1u << bits) - 1);
  if (bit % 8 == 0)
    {
      const guint8 *b = data + bit / 8;
      switch (bits)
        {
        case 8: return b[0];
        case 16: return (guint64) b[0] << 8 | b[1];
        case 32: return (guint64) b[0] << 24 | (guint64) b[1] << 16 | (guint64) b[2] << 8 | b[3];
        default: break;
        }
    }
  return craft__bits_read (data, bit, bits);
}

/* Integer field of whole bytes, little-endian. */
guint64 craft__le_read (const guint8 *data, guint bytes);
void craft__le_write (guint8 *data, guint bytes, guint64 value);

G_END_DECLS

G_BEGIN_DECLS
/* ---- lists of elements and self-delimiting values (list.c) ---- */

/* Reads fields of layer `index` from its start, never past `end` (dissect.c). */
gboolean craft__dissect_layer_fields (CraftPacket *p, guint index, gsize end);

/* Whether the `element ... if` test of `layer` holds on bytes where an element would start. */
gboolean craft__element_test_holds (const CraftLayerDef *layer, const guint8 *data, gsize length);

/* Dissecting field `field` of layer `layer` at byte `start` of `data` (the packet's bytes, which
 * end at `end`): the bytes a list or a domain name takes, `size` being what its definition says
 * (lists of a byte size) or the room left. Records findings for malformed elements and names. */
gsize craft__dissect_sized_value (CraftPacket *p, guint layer, guint field, const guint8 *data, gsize start,
                                  gsize end, gsize size);

/* The number of elements of list field `field` of `layer` as it is now. */
guint64 craft__list_count (CraftPacket *p, guint layer, guint field);

/* Appends a list field's elements: repr as `[Layer(f=v, ...), ...]`; show as indented trees. */
void craft__list_format (CraftPacket *p, guint layer, guint field, gboolean show, const char *indent, GString *out);

/* Calls `fn` on each element of list field `field` of `layer`, a one-layer packet (borrowed). */
void craft__list_foreach (CraftPacket *p, guint layer, guint field, void (*fn) (CraftPacket *element, gpointer data),
                          gpointer data);

/* A summary's `{LIST.FIELD}`: appends field `name` of the first element
 * of list field `list` of `layer` as a summary shows it; FALSE when the
 * list is empty or its first element has no such field. */
gboolean craft__list_format_first (CraftPacket *p, guint layer, guint list, const char *name, GString *out);

/* Fuzzing: appends a few random elements of list field `f`, whole and well formed, at most
 * CRAFT_FUZZ_MAX_LIST_BYTES in all. */
void craft__list_random (CraftRegistry *reg, const CraftFieldDef *f, GRand *rng, GByteArray *out);

/* Appends a domain name (or another kind with format_at) as it is now, pointers followed. */
void craft__slot_format_at (CraftPacket *p, guint layer, guint field, GString *out);
G_END_DECLS

G_BEGIN_DECLS
/* The value names that apply to field `index` of `layer` now, or NULL. */
const CraftEnum *craft__packet_field_enum (CraftPacket *packet, guint layer, guint index);

/* Appends field `index` of `layer` formatted for a summary (repr) or a tree (show). */
void craft__packet_format_slot (CraftPacket *packet, guint layer, guint index, gboolean show, GString *out);
G_END_DECLS

G_BEGIN_DECLS
/* A header cut short is dropped by dissection (its bytes become Raw). For
 * showing what of it was there (the Wireshark plugin): */

/* The layer the bindings chose for what layer `index` carries, or NULL when
 * they chose none (the fallback). */
const CraftLayerDef *craft__packet_chosen_upper (CraftPacket *packet, guint index);

/* Dissection's choice of the layer above a layer read in place (extract.c),
 * which starts at `layer` and whose bound fields are all planned, for the
 * `length` bytes of payload at `payload`. */
const CraftLayerDef *craft__choose_upper_in_place (CraftRegistry *reg, const CraftLayerDef *def,
                                                   const guint8 *layer, const guint8 *payload, gsize length);

/* Whether the planned condition (plan_condition) of `field` of `def` holds
 * on the layer at `layer`, whose planned fields the `length` bytes hold. */
gboolean craft__condition_holds_in_place (const CraftFieldDef *field, const CraftLayerDef *def,
                                          const guint8 *layer, gsize length);

/* The bytes the planned size (plan_size_field or plan_size_guard) of
 * `field` of `def` gives it on the layer at `layer`, whose planned fields
 * the `length` bytes hold, as dissection reckons it (negative: too small). */
gint64 craft__size_in_place (const CraftFieldDef *field, const CraftLayerDef *def, const guint8 *layer,
                             gsize length);

/* A new packet of one layer of `def` read from the `length` bytes at
 * `data` as far as its fields are present: those that do not fit, and all
 * after them, are absent, with the finding that says why; the layer is
 * marked cut. Never NULL; the caller owns it. */
CraftPacket *craft__packet_new_partial (CraftRegistry *reg, const CraftLayerDef *def, const guint8 *data,
                                        gsize length);

/* The same, for a layer that sits on a layer of `below` (may be NULL) that
 * the packet does not hold: lower_is() on the first layer sees `below`. */
CraftPacket *craft__packet_new_partial_above (CraftRegistry *reg, const CraftLayerDef *below,
                                              const CraftLayerDef *def, const guint8 *data, gsize length);

/* craft_packet_set_from_bytes() for bytes that a layer of `below` (may be
 * NULL) carries, which the packet does not hold: a payload Wireshark's own
 * TCP hands over. lower_is() on the first layer sees `below`. */
void craft__packet_set_from_bytes_above (CraftPacket *packet, const CraftLayerDef *below,
                                         const CraftLayerDef *first_layer, const guint8 *data, gsize length);
G_END_DECLS
