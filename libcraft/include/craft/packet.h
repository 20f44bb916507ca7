/* Packets: a stack of layers with field values, built into bytes and dissected from bytes. */
#pragma once

#include <glib.h>
#include <craft/export.h>
#include <craft/registry.h>

G_BEGIN_DECLS

typedef struct _CraftPacket CraftPacket;

/* Kinds of problem dissection can find in a packet. */
typedef enum {
  CRAFT_FINDING_TRUNCATED,  /* a field runs past the end of the data */
  CRAFT_FINDING_LENGTH,     /* a length field disagrees with the data */
  CRAFT_FINDING_CHECKSUM,   /* a checksum does not match the bytes */
  CRAFT_FINDING_INVALID,    /* complete, but not valid for its definition */
} CraftFindingKind;

/* A problem found in a packet: which layer and field, which bytes, and why.
 * When a layer's header is cut short, the layer is replaced by Raw: the
 * finding then points at that Raw layer with field -1, and its message names
 * the field. If no bytes at all were left for it, `layer` equals the number
 * of layers. */
typedef struct {
  CraftFindingKind kind;
  guint layer;      /* index of the layer */
  gint field;       /* index of the field in its layer, or -1 */
  guint offset;     /* byte span in the packet */
  guint length;
  char *message;    /* e.g. "IP length says 60, 40 bytes present" */
} CraftFinding;

/* An empty packet using `reg`'s definitions (the packet keeps a reference). Caller owns. */
CRAFT_API CraftPacket *craft_packet_new (CraftRegistry *reg);

/* Parses a Scapy-style expression such as
 * `Ether()/IP(dst="192.0.2.1",ttl=3)/TCP(flags="SA")/"payload"`.
 * Returns NULL and sets `error` (CRAFT_ERROR, with the column attached) on an
 * unknown layer or field, a bad value, or bad syntax. Caller owns the packet. */
CRAFT_API CraftPacket *craft_packet_new_from_expression (CraftRegistry *reg, const char *expression,
                                                         GError **error);

/* Dissects `data` starting with the layer named `first_layer`. Dissection
 * never fails on bad packet bytes: what cannot be read becomes Raw and is
 * recorded as a finding. Fails only if `first_layer` is not loaded. The
 * bytes are copied (at most the first 16 MiB; a finding says so when
 * there were more). Caller owns the packet. */
CRAFT_API CraftPacket *craft_packet_new_from_bytes (CraftRegistry *reg, const char *first_layer,
                                                    const guint8 *data, gsize length, GError **error);

/* Dissects `data` into `packet`, starting with layer `first_layer`: the
 * packet then holds what craft_packet_new_from_bytes() would make of the
 * same bytes, and nothing of what it held before (layers, values, findings,
 * sets, interface). It keeps its memory for the next call, so reading a
 * capture into one packet allocates nothing per field, and almost nothing
 * per packet. The bytes are copied. Never fails on bad bytes. */
CRAFT_API void craft_packet_set_from_bytes (CraftPacket *packet, const CraftLayerDef *first_layer,
                                            const guint8 *data, gsize length);

CRAFT_API CraftPacket *craft_packet_ref (CraftPacket *packet);
CRAFT_API void craft_packet_unref (CraftPacket *packet);

/* A deep copy whose field values are independent of `packet`. Caller owns. */
CRAFT_API CraftPacket *craft_packet_copy (CraftPacket *packet);

CRAFT_API CraftRegistry *craft_packet_get_registry (CraftPacket *packet);

/* Appends a layer with every field unset. */
CRAFT_API gboolean craft_packet_push_layer (CraftPacket *packet, const char *layer, GError **error);

/* Appends copies of every layer of `other` (its field values as set or dissected). */
CRAFT_API void craft_packet_push_packet (CraftPacket *packet, CraftPacket *other);

CRAFT_API guint craft_packet_get_n_layers (CraftPacket *packet);
CRAFT_API const CraftLayerDef *craft_packet_get_layer (CraftPacket *packet, guint index);

/* Index of the `nth` (0-based) layer named `name`, or -1. */
CRAFT_API gint craft_packet_find_layer (CraftPacket *packet, const char *name, guint nth);

/* Sets a field from the text a user would type in an expression value
 * ("192.0.2.1", "SA", "0x10", "echo-reply"); quoted text is not needed.
 * Fails with UNKNOWN_FIELD (listing the layer's fields), VALUE or TYPE.
 *
 * A name several conditional fields share (a DNS record's rdata: an
 * address, a name or text by its type) gives the value to each of them
 * that takes it, and fails only if none does; craft_packet_build() then
 * fails with VALUE, saying why, if the one present in the packet did not
 * take it (rdata "abc" with type A). The same holds for the setters below. */
CRAFT_API gboolean craft_packet_set_text (CraftPacket *packet, guint layer, const char *field,
                                          const char *text, GError **error);

/* Sets an integer field. Fails with VALUE if it does not fit the field's width. */
CRAFT_API gboolean craft_packet_set_uint (CraftPacket *packet, guint layer, const char *field,
                                          guint64 value, GError **error);

/* Sets an address or byte-string field to `length` bytes (copied). */
CRAFT_API gboolean craft_packet_set_bytes (CraftPacket *packet, guint layer, const char *field,
                                           const guint8 *data, gsize length, GError **error);

/* Returns a field to "unset": the builder fills its default or computes it. */
CRAFT_API gboolean craft_packet_unset (CraftPacket *packet, guint layer, const char *field,
                                       GError **error);

/* Which computed fields craft_packet_fuzz() randomises too. */
typedef enum {
  CRAFT_FUZZ_KEEP_COMPUTED = 0,       /* lengths and checksums stay computed: packets stay well-formed */
  CRAFT_FUZZ_BREAK_LENGTHS = 1 << 0,  /* lengths and other values computed from the packet */
  CRAFT_FUZZ_BREAK_CHECKSUMS = 1 << 1,
} CraftFuzzFlags;

/* Scapy's fuzz(): a copy of `packet` (of the member it has selected) in
 * which every field the user did not set gets a random value from `rng`,
 * drawn from the field's kind: any value of its width, its value names and
 * flags more often; random addresses; byte strings of random length. Fields
 * set by the user or dissected keep their values. Fields the builder
 * computes stay computed unless `flags` says otherwise: lengths, checksums,
 * and values a binding gives (IP.proto under TCP). Unless lengths are
 * broken, the packet dissects as the same layers: no field a binding or a
 * guard reads gets a value that would read the bytes as another layer, and
 * a byte string sized by other fields gets that size. The same `rng` state
 * gives the same packet. Caller owns. */
CRAFT_API CraftPacket *craft_packet_fuzz (CraftPacket *packet, GRand *rng, CraftFuzzFlags flags);

/* Reads an integer field's current value: as set, as dissected, or as last built. */
CRAFT_API gboolean craft_packet_get_uint (CraftPacket *packet, guint layer, const char *field,
                                          guint64 *value, GError **error);

/* A byte field's current value. Caller owns the GBytes. NULL with error if unknown. */
CRAFT_API GBytes *craft_packet_get_bytes (CraftPacket *packet, guint layer, const char *field,
                                          GError **error);

/* The value of a bytes field (an address, a payload) without a copy: borrowed,
 * valid until the packet changes (an edit, a build, craft_packet_set_from_bytes()).
 * Sets *length. NULL if the layer or field does not exist or holds an integer. */
CRAFT_API const guint8 *craft_packet_peek_bytes (CraftPacket *packet, guint layer, const char *field,
                                                 gsize *length);

/* A field resolved once by name, for getters called packet after packet
 * (a few instructions instead of a name search). Plain data: copy it freely;
 * it stays valid as long as the registry holding `layer`. */
typedef struct {
  const CraftLayerDef *layer;
  guint index;             /* the first field of that name */
  gboolean alternatives;   /* other fields share the name (conditional alternatives) */
} CraftFieldHandle;

/* Resolves field `name` of `layer`. FALSE if the layer has no such field. */
CRAFT_API gboolean craft_field_handle_init (CraftFieldHandle *handle, const CraftLayerDef *layer, const char *name);

/* The index of the nth layer (from 0) defined by `layer`, or -1: craft_packet_find_layer() without names. */
CRAFT_API gint craft_packet_find_layer_def (CraftPacket *packet, const CraftLayerDef *layer, guint nth);

/* craft_packet_get_uint() and craft_packet_peek_bytes() through a handle:
 * the same values. FALSE (NULL) when layer `layer` of the packet is not the
 * handle's layer or the field is not of that type. */
CRAFT_API gboolean craft_packet_get_uint_by_handle (CraftPacket *packet, guint layer, const CraftFieldHandle *handle,
                                                    guint64 *value);
CRAFT_API const guint8 *craft_packet_peek_bytes_by_handle (CraftPacket *packet, guint layer,
                                                           const CraftFieldHandle *handle, gsize *length);

/* The value as Scapy's repr shows it: "192.0.2.1", "SA", "http", "0x800". Caller frees. */
CRAFT_API char *craft_packet_format_field (CraftPacket *packet, guint layer, const char *field,
                                           GError **error);

/* Where a field lies in the last built or dissected bytes, in bits from the
 * packet's first bit. FALSE if the field is absent or the packet changed
 * since (build it again). */
CRAFT_API gboolean craft_packet_get_span (CraftPacket *packet, guint layer, const char *field, guint *bit_offset,
                                          guint *bit_length);

/* Where a layer lies in the last built or dissected bytes: its first byte,
 * the length of its own fields, and its length with what it carries. */
CRAFT_API gboolean craft_packet_get_layer_span (CraftPacket *packet, guint layer, guint *offset,
                                                guint *header_length, guint *length);

/* TRUE if the field is present in the packet (conditional fields may not be). */
CRAFT_API gboolean craft_packet_has_field (CraftPacket *packet, guint layer, const char *field);

/* A field given a list (dport=[80,443]), a range (dport=(1,1024)) or an IPv4
 * network (dst="192.0.2.0/30") makes the packet a set: one member per value,
 * the cartesian product of all such fields in Scapy's order. A plain packet
 * has one member. Saturates at G_MAXUINT64. */
CRAFT_API guint64 craft_packet_get_n_members (CraftPacket *packet);

/* Gives every set-valued field its value for member `index` (0-based), so
 * that craft_packet_build() builds that member. Members can be visited in
 * any order; memory does not grow with the set's size. */
CRAFT_API gboolean craft_packet_select_member (CraftPacket *packet, guint64 index, GError **error);

/* Builds the packet into bytes: lengths, checksums and values bound by the
 * layer above are computed for every field left unset; a value the user set
 * always wins. A dissected packet rebuilds to its original bytes until a
 * field is changed; then its computed fields are computed afresh. After
 * building, getters return the built values. Caller owns the result.
 * Fails with VALUE when a field's present alternative did not take the
 * value its name was given (see craft_packet_set_text()), DEFINITION or
 * VALUE when the layout cannot be made (a packet over the size limit). */
CRAFT_API GBytes *craft_packet_build (CraftPacket *packet, GError **error);

/* craft_packet_build() for a loop over a set's members: the same bytes,
 * without a new GBytes per member. The bytes belong to the packet and stay
 * valid until it is next changed, built or freed; *length receives their
 * size. NULL and `error` set as craft_packet_build() fails. */
CRAFT_API const guint8 *craft_packet_build_data (CraftPacket *packet, gsize *length, GError **error);

/* Scapy-style one-line summary, e.g. "Ether / IP / TCP 192.0.2.1:1234 > 198.51.100.2:http SA".
 * Builds first when the packet changed since it was last built or dissected. Caller frees. */
CRAFT_API char *craft_packet_summary (CraftPacket *packet);

/* The tree Scapy's show2() prints, every computed value filled in. Caller frees. */
CRAFT_API char *craft_packet_show (CraftPacket *packet, GError **error);

/* Problems found while dissecting. Borrowed; valid until the packet changes. */
CRAFT_API guint craft_packet_get_n_findings (CraftPacket *packet);
CRAFT_API const CraftFinding *craft_packet_get_finding (CraftPacket *packet, guint index);

/* Compares every computed field of a dissected packet (lengths, counts,
 * checksums) with what its definition computes from the bytes as received,
 * every other field as it is there (a checksum over those bytes with its own
 * span zeroed), and records a finding for each that differs
 * ("IP.chksum is 0x1234, should be 0xf6dc"). Fields that cannot be
 * judged are skipped: a UDP checksum of 0 ("none"), a checksum with no
 * pseudo-header below it, and every field of a packet whose data ends before
 * its layers do (cut by a snap length). Returns the number of new findings. */
CRAFT_API guint craft_packet_verify (CraftPacket *packet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CraftPacket, craft_packet_unref)

G_END_DECLS
