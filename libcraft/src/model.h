/* The compiled form of protocol definitions: layers, fields, small expressions, bindings. */
#pragma once

#include <glib.h>
#include <craft/craft.h>

G_BEGIN_DECLS

typedef struct _CraftKind CraftKind;
typedef struct _CraftCalc CraftCalc;

/* Operators and leaves of the small expression language used for sizes,
 * conditions, computed defaults and pseudo-headers. */
typedef enum {
  CRAFT_CALC_CONST,      /* .num */
  CRAFT_CALC_FIELD,      /* .field: a field of this layer, or of the layer below when .lower */
  CRAFT_CALC_LEN,        /* len(.target): byte length of header, layer, payload or a field */
  CRAFT_CALC_CHECKSUM,   /* inet_checksum(.coverage): Internet checksum over the listed parts */
  CRAFT_CALC_CRC32,      /* crc32(.coverage) */
  CRAFT_CALC_SOURCE_IP,  /* source_ip(field): the address the host would send from to that address */
  CRAFT_CALC_SOURCE_MAC, /* source_mac(): the MAC of the interface that routes the packet */
  CRAFT_CALC_CLOCK_MS,   /* clock_ms(): milliseconds since midnight UTC (ICMP timestamps) */
  CRAFT_CALC_NTP_NOW,    /* ntp_now(): the current time as an NTP timestamp (32.32 seconds since 1900) */
  CRAFT_CALC_BOUND,      /* bound(field): the value the binding to the layer above gives the field, else its value */
  CRAFT_CALC_MAX,        /* max(a, b), signed */
  CRAFT_CALC_MIN,        /* min(a, b), signed */
  CRAFT_CALC_IS_SET,     /* is_set(field): 1 if the user gave the field a value (or it was dissected) */
  CRAFT_CALC_NEXT_HOP_MAC, /* next_hop_mac(): the link address of the next hop on the packet's interface */
  CRAFT_CALC_QUOTING,    /* quoting(): in an answer rule, 1 when a layer above quotes the request */
  CRAFT_CALC_COND,       /* a ? b : c (.a condition, .b, .items[0] the else branch) */
  CRAFT_CALC_SET,        /* { a, b, c }: only as the right side of `in` */
  CRAFT_CALC_NEG,
  CRAFT_CALC_NOT,
  CRAFT_CALC_BINARY,     /* .op with .a and .b */
  CRAFT_CALC_COUNT,      /* count(field): the number of elements in a list field */
  CRAFT_CALC_LOWER_IS,   /* lower_is(LAYER): 1 when the layer below is .layer_name (DNS's length over TCP) */
} CraftCalcType;

typedef enum {
  CRAFT_OP_ADD, CRAFT_OP_SUB, CRAFT_OP_MUL, CRAFT_OP_DIV, CRAFT_OP_MOD,
  CRAFT_OP_AND, CRAFT_OP_OR, CRAFT_OP_XOR, CRAFT_OP_SHL, CRAFT_OP_SHR,
  CRAFT_OP_EQ, CRAFT_OP_NE, CRAFT_OP_LT, CRAFT_OP_LE, CRAFT_OP_GT, CRAFT_OP_GE,
  CRAFT_OP_LAND, CRAFT_OP_LOR,
  CRAFT_OP_IN,           /* a in { ... } */
  CRAFT_OP_ELSE,         /* a or b: a unless it is 0, then b (a UDP checksum of 0 is sent as 0xffff) */
} CraftCalcOp;

/* What len() and checksum coverage can name. */
typedef enum {
  CRAFT_SPAN_HEADER,   /* this layer's own fields */
  CRAFT_SPAN_LAYER,    /* this layer and everything it carries, trailers excluded */
  CRAFT_SPAN_PAYLOAD,  /* what this layer carries */
  CRAFT_SPAN_PSEUDO,   /* the pseudo-header declared by the nearest lower layer that has one */
  CRAFT_SPAN_FIELD,    /* one field of this layer (.field) */
  CRAFT_SPAN_UPPER,    /* in a pseudo-header: the layer the checksum is for, with what it carries;
                        * BOUND with this span: the value of the binding that puts that layer on
                        * the one below it */
} CraftSpan;

struct _CraftCalc {
  CraftCalcType type;
  CraftCalcOp op;
  CraftSpan span;        /* LEN; CHECKSUM/CRC32 use .items of LEN nodes for their coverage */
  gboolean lower;        /* FIELD: read from the layer below ("lower.src") */
  gboolean request;      /* FIELD, LEN: in an answer rule, read from the request ("request.seq") */
  guint field;           /* FIELD, LEN of a field, SOURCE_IP argument: index in the layer's fields */
  guint64 num;
  CraftCalc *a, *b;
  GPtrArray *items;      /* SET members, CHECKSUM coverage (CraftCalc*, owned) */
  char *name;            /* field name as written, resolved into .field when the layer is complete */
  guint bit;             /* FIELD in a guard: the field's bit offset from the layer's start, fixed */
  guint line, column;    /* where the name was written */
  char *layer_name;      /* LOWER_IS: the layer's name */
};

/* One named value of an enumeration. */
typedef struct {
  char *name;
  guint64 value;
} CraftEnumValue;

typedef struct {
  char *name;
  GArray *values; /* CraftEnumValue in declaration order */
} CraftEnum;

/* For `enum by type { 3: unreach_codes, ... }`: names used when the selector has `value`. */
typedef struct {
  guint64 value;
  const CraftEnum *enumeration;
} CraftEnumChoice;

/* How many bytes a variable-size field takes when dissecting. */
typedef enum {
  CRAFT_SIZE_FIXED,    /* .size_bits */
  CRAFT_SIZE_EXPR,     /* .size_calc bytes */
  CRAFT_SIZE_REST,     /* up to the end of the layer */
  CRAFT_SIZE_COUNT,    /* lists: .size_calc elements, as many bytes as they take */
} CraftSizeMode;

typedef enum {
  CRAFT_DEFAULT_NONE,      /* zero / empty */
  CRAFT_DEFAULT_CONST,     /* .default_num or .default_bytes */
  CRAFT_DEFAULT_COMPUTED,  /* .default_calc, filled by the builder */
} CraftDefaultMode;

/* One field of a layer, shaped like a Wireshark header-field row. */
struct _CraftFieldDef {
  char *name;
  char *description;
  const CraftKind *kind;
  guint bits;                 /* width of fixed-size fields; 0 for variable byte strings */
  gboolean little_endian;
  gboolean hex;               /* display hint */
  gboolean ntp_time;          /* `ntp_time`: a u64 NTP timestamp (32.32 seconds since 1900), typed as
                               * seconds or a date and shown as a UTC date, as tshark shows it */
  CraftSizeMode size_mode;
  CraftCalc *size_calc;
  guint align;                /* byte strings are zero-padded to a multiple of this (0 = none) */
  CraftCalc *condition;       /* present only when it evaluates non-zero; NULL = always */
  const CraftEnum *enumeration;  /* value names (borrowed from the registry) */
  gint enum_selector;         /* >= 0: the value names depend on this earlier field ... */
  GArray *enum_choices;       /* ... CraftEnumChoice: which enum for which selector value */
  GPtrArray *flag_names;      /* flag sets: name of bit 0, bit 1, ... (char*, owned) */
  gboolean single_char_flags; /* every flag name is one character: "SA" style */
  CraftDefaultMode default_mode;
  guint64 default_num;
  GBytes *default_bytes;
  CraftCalc *default_calc;
  gboolean deferred;          /* default_calc reads packet bytes (checksums): filled last */
  gboolean derived;           /* default_calc depends only on the packet (lengths, checksums), not on
                               * the host (routes, clock), and not `unchecked`: recomputed after an
                               * edit and checked by verification */
  gboolean unchecked;         /* `unchecked`: the computed default only fills an unset field; a value
                               * dissected or given stands (an IPv6 routing header's segments left) */
  gboolean bound;             /* some binding sets this field */
  guint plan_bit;             /* in the layer's plan (dissect-plan.c): its bit offset from the layer's start */
  guint plan_size_field;      /* size_calc is plan_size_mul * field (plan_size_field - 1) + plan_size_add, */
  guint64 plan_size_mul;      /* wrapping, that field a planned integer (dissect-plan.c); 0: not so simple */
  guint64 plan_size_add;
  gboolean plan_condition;    /* the condition reads only planned integer fields, whose nodes carry
                               * their plan bits: it can be tested on the layer's bytes like a guard */
  gboolean plan_size_guard;   /* the same of a size_calc not linear (plan_size_field 0) */
  char *default_text;         /* the default as written, for `craft ls` */
  guint default_line;         /* where it was written in its file (1-based), for errors found once the */
  guint default_column;       /* file's layers are loaded (a list default's elements); 0 when unknown */
  char *wireshark_table;      /* `wireshark_table FIELD "udp.port";`: the Wireshark dissector table
                               * this field's value selects the layer above in, or NULL */
  char *element_group;        /* list fields (`list(...) of NAME`): the layer or the element group
                               * (`element of NAME`) its elements are, resolved when used */
};

/* A pseudo-header item: a field of the layer, or an integer of .bits from .calc. */
typedef struct {
  gint field;     /* >= 0: that field's encoded bytes */
  guint bits;
  CraftCalc *calc;
} CraftPseudoItem;

/* `pseudo ITEM = [tail(|head(]FIELD[)] [if EXPR];` in a layer that may lie
 * between a checksummed layer and the layer offering its pseudo-header (an
 * IPv6 routing header): while EXPR holds, the offered item named ITEM (a
 * field item) is this layer's FIELD instead, or with tail() its last bytes,
 * with head() its first bytes. */
typedef struct {
  char *item;
  CraftCalc *field;      /* a FIELD node */
  gboolean tail;
  gboolean head;
  CraftCalc *condition;  /* NULL = always */
} CraftPseudoOverride;

/* A one-line summary template, used when its condition holds and every
 * reference resolves. */
typedef struct {
  CraftCalc *condition;
  char *format;
} CraftSummary;

struct _CraftLayerDef {
  char *name;                 /* "IP": expression and filter name */
  char *title;                /* "IP", "Ethernet", "802.1Q": show2 heading */
  char *description;
  char *file;                 /* definition file it came from */
  GPtrArray *fields;          /* CraftFieldDef* (owned) */
  CraftCalc *length;          /* total bytes of header + payload, when the header says so */
  CraftCalc *length_if;       /* `length = EXPR if COND;`: the length holds only when COND does (DNS's
                               * length prefix, only over TCP); NULL: always */
  GArray *pseudo;             /* CraftPseudoItem; NULL when the layer offers no pseudo-header */
  GArray *pseudo_overrides;   /* CraftPseudoOverride; NULL when none */
  gint route_field;           /* field holding the destination to route by, or -1 */
  GArray *summaries;          /* CraftSummary */
  CraftCalc *guard;           /* when several bindings match, dissection takes this layer only if the
                               * guard holds on its leading fixed-size fields (IP: version == 4) */
  guint guard_bytes;          /* bytes the guard reads from the layer's start */
  guint plan_fields;          /* the dissection plan (dissect-plan.c): how many leading fields are at fixed */
  guint plan_bits;            /* offsets with fixed sizes and no condition, and the bits they take */
  guint64 plan_bound;         /* bit i: field i is bound (chooses the layer above), for i < 64 ... */
  gboolean plan_bound_beyond; /* ... and whether a field past the 64th is */
  guint plan_length_field;    /* `length` is plan_length_mul * field (plan_length_field - 1) + */
  guint64 plan_length_mul;    /* plan_length_add over a planned integer, wrapping; 0: no length */
  guint64 plan_length_add;    /* or not so simple */
  gboolean plan_length_header; /* `length = len(header);`: the layer is its own fields (ARP) */
  gboolean planned;           /* the plan above is up to date: no field became bound since it was made */
  gboolean in_place;          /* every field can be read without a packet (extract.c): after the plan,
                               * only fields of fixed or planned size, lists of a size in bytes, or
                               * rest-of-layer bytes, with planned conditions; bound fields and the
                               * length planned, the length unconditional */
  char *wireshark_name;       /* `wireshark "ip";`: Wireshark's own protocol for this layer, or NULL */
  gint wireshark_source;      /* `wireshark_addresses network src dst;`: the fields Wireshark's */
  gint wireshark_destination; /* address columns and conversations use, or -1 ... */
  gboolean wireshark_network; /* ... and whether they are network (else link-layer) addresses */
  gboolean fallback;          /* used for payload no binding claims (Raw) */
  gboolean trailer;           /* bytes after the end of a layer (Padding) */
  gboolean stream;            /* `stream;`: what it carries is a piece of a byte stream (TCP), so a
                               * message above that runs past its end continues in a later packet */
  CraftCalc *answer;          /* `answer EXPR;`: whether a reply's layer answers the request's (request.FIELD) */
  const CraftLayerDef *answers; /* `answers LAYER if EXPR;`: the request's layer is that one, not this one */
  CraftCalc *quotes;          /* `quotes if EXPR;`: when it holds on a reply, the layers after it quote the request */
  GPtrArray *identity;        /* `identity FIELD, ...;`: FIELD nodes a quote must share with the request */
  CraftCalc *resolve_target;  /* `resolve pdst -> hwsrc;`: FIELD nodes: the address asked about, and */
  CraftCalc *resolve_answer;  /* the answer's field holding its link address; NULL when not a resolver */
  GPtrArray *heuristic_on;    /* `heuristic on UDP, TCP if EXPR;`: the layers below (char*, owned) whose Wireshark
                               * heuristic lists the plugin offers this layer to, or NULL */
  CraftCalc *heuristic;       /* ... and the condition, a guard that may also use len(layer) */
  guint heuristic_bytes;      /* bytes the condition reads from the layer's start */
  /* `element of GROUP "NAME" (FIELD, ...) if EXPR;`: this layer is one kind of element of the list
   * fields declared `of GROUP`. */
  char *element_of;           /* the group, or NULL */
  char *element_name;         /* the name a (NAME, value) tuple chooses it by, or NULL */
  GArray *element_fields;     /* guint: the fields a tuple's value fills, in order; NULL = none */
  CraftCalc *element_if;      /* chooses it when dissecting, tested like a guard; NULL = any (the last resort) */
  gboolean element_if_late;   /* the test reads fields after variable ones (a DNS record's type after its
                               * name): it is evaluated on the element read as this layer */
  guint element_if_bytes;     /* bytes the test reads */
};

/* lower.field == value → upper, used both ways. Names are resolved to
 * definitions each time a load completes, so a later file may replace a layer. */
typedef struct {
  char *lower_name;            /* NULL for a link-type binding */
  char *field_name;
  char *upper_name;
  guint64 value;               /* the field's value, or the DLT number of a link-type binding */
  gboolean dissect_only;
  char *file;                  /* where it was declared, for errors */
  guint line, column;
  const CraftLayerDef *lower;  /* resolved */
  gint field;
  const CraftLayerDef *upper;
} CraftBinding;

struct _CraftRegistry {
  gint ref_count;
  GPtrArray *layers;           /* CraftLayerDef* (owned), in load order */
  GHashTable *layer_by_name;   /* name → CraftLayerDef* */
  GPtrArray *enums;            /* CraftEnum* (owned) */
  GHashTable *enum_by_name;
  GArray *bindings;            /* CraftBinding */
  /* Lower CraftLayerDef* (NULL for link types) → GArray of guint: the
   * indices in `bindings` of the bindings on that layer, in order, so that
   * building and dissecting look only at those (issue 8). Rebuilt by
   * craft__registry_link(); NULL = not indexed, scan them all. */
  GHashTable *bindings_by_lower;
  /* (lower, field, value) → GArray of guint: the indices of the bindings
   * that value of that field chooses, in order (dissect-plan.c). Rebuilt and
   * cleared with bindings_by_lower. */
  struct _CraftBindingIndex *bindings_by_value;
  GPtrArray *replaced;         /* layers replaced by a later definition, kept alive */
  const CraftLayerDef *fallback;
  const CraftLayerDef *trailer;
  guint generation;            /* bumped by every change of bindings or links: what was compiled
                                * from the registry before (an extractor) is stale */
};

void craft__calc_free (CraftCalc *calc);
void craft__layer_def_free (CraftLayerDef *layer);
void craft__enum_free (CraftEnum *enumeration);

const CraftEnumValue *craft__enum_lookup_value (const CraftEnum *e, guint64 value);
const CraftEnumValue *craft__enum_lookup_name (const CraftEnum *e, const char *name);

/* Index of the field named `name` in `layer`, or -1. */
gint craft__layer_def_field_index (const CraftLayerDef *layer, const char *name);

/* Computes the layer's dissection plan (plan_fields, plan_bits and each
 * planned field's plan_bit): the leading run of fields the dissector can read
 * at offsets known in advance. */
void craft__layer_def_plan (CraftLayerDef *layer);

/* Indexes the registry's resolved bindings by (lower, field, value) into
 * reg->bindings_by_value. */
void craft__registry_index_bindings_by_value (CraftRegistry *reg);

void craft__binding_index_free (struct _CraftBindingIndex *index);

/* Adds a compiled layer; a layer of the same name is replaced. Takes ownership. */
void craft__registry_add_layer (CraftRegistry *reg, CraftLayerDef *layer);
void craft__registry_add_enum (CraftRegistry *reg, CraftEnum *e);
const CraftEnum *craft__registry_lookup_enum (CraftRegistry *reg, const char *name);
/* Takes ownership of the binding's strings. */
void craft__registry_add_binding (CraftRegistry *reg, CraftBinding *binding);

/* Resolves every binding's names; fails naming the first that does not resolve. */
gboolean craft__registry_link (CraftRegistry *reg, GError **error);

/* The binding to use when building `lower` with `upper` on top, for `field`, or NULL. */
const CraftBinding *craft__registry_find_build_binding (CraftRegistry *reg, const CraftLayerDef *lower,
                                                        guint field, const CraftLayerDef *upper);

/* Whether `layer`'s guard holds on the bytes of a layer starting at `data`:
 * TRUE for a layer without a guard, FALSE when the bytes are too few to
 * judge. Reads nothing past `length`, allocates nothing. */
gboolean craft__layer_guard_holds (const CraftLayerDef *layer, const guint8 *data, gsize length);

/* Whether `layer`'s heuristic condition holds on the `length` bytes at
 * `data` (len(layer) is `length`): FALSE for a layer without a heuristic or
 * bytes too few to judge. Cheap: reads nothing past `length`, allocates nothing. */
gboolean craft__layer_heuristic_holds (const CraftLayerDef *layer, const guint8 *data, gsize length);

/* Turns the defaults of list fields written as elements (`= [DNSQR()]`) into bytes, for those not
 * done yet; fails naming the field whose default does not build (expr-bind.c). */
gboolean craft__list_resolve_defaults (CraftRegistry *reg, const char *origin, GError **error);

/* Parses definition text into `reg`. All or nothing. */
gboolean craft__pdl_load (CraftRegistry *reg, const char *origin, const char *text, gsize length,
                          GError **error);

G_END_DECLS
