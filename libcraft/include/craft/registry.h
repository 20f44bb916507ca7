/* The set of loaded protocol definitions: layers, their fields, and the bindings between them. */
#pragma once

#include <glib.h>
#include <craft/export.h>

G_BEGIN_DECLS

typedef struct _CraftRegistry CraftRegistry;
typedef struct _CraftLayerDef CraftLayerDef;
typedef struct _CraftFieldDef CraftFieldDef;

/* Environment variable naming extra definition folders, colon-separated. */
#define CRAFT_PROTO_PATH_ENV "CRAFT_PROTO_PATH"

/* A new registry with no definitions. Caller owns; free with craft_registry_unref(). */
CRAFT_API CraftRegistry *craft_registry_new (void);

/* A new registry with the built-in definitions, then every folder of
 * $CRAFT_PROTO_PATH (colon-separated; a missing folder is skipped), then
 * $XDG_CONFIG_HOME/craft/proto (~/.config/craft/proto when unset), both read
 * at each call. A later definition of a layer replaces an earlier one, and a
 * later binding for the same field value takes precedence when dissecting.
 * Returns NULL and sets `error` as craft_registry_load_file() does if any
 * definition is bad. Caller owns. */
CRAFT_API CraftRegistry *craft_registry_new_default (GError **error);

CRAFT_API CraftRegistry *craft_registry_ref (CraftRegistry *reg);
CRAFT_API void craft_registry_unref (CraftRegistry *reg);

/* Loads the definitions embedded in libcraft. */
CRAFT_API gboolean craft_registry_load_builtin (CraftRegistry *reg, GError **error);

/* Loads one definition file. On error nothing of the file is added, and
 * `error` is CRAFT_ERROR_SYNTAX when the text does not follow the language,
 * CRAFT_ERROR_DEFINITION when it does but is wrong (an unknown name, a width,
 * a value out of range, a field used before it is declared), both with the
 * file, line and column attached (craft_error_get_location(); the column
 * counts characters), or CRAFT_ERROR_IO when the file cannot be read. A
 * layer may replace one of the same name loaded earlier only if every
 * binding that tests its fields still fits. */
CRAFT_API gboolean craft_registry_load_file (CraftRegistry *reg, const char *path, GError **error);

/* Loads definitions from text, as craft_registry_load_file() does; `origin`
 * names it in errors ("<data>" if NULL). `length` -1 means NUL-terminated. */
CRAFT_API gboolean craft_registry_load_data (CraftRegistry *reg, const char *origin, const char *text,
                                             gssize length, GError **error);

/* Loads every *.pdl file of a folder in name order; a missing folder is not
 * an error. Stops at the first bad file, keeping the files before it. */
CRAFT_API gboolean craft_registry_load_dir (CraftRegistry *reg, const char *dir, GError **error);

/* Layers in load order. Returned pointers are borrowed and live as long as the registry. */
CRAFT_API guint craft_registry_get_n_layers (CraftRegistry *reg);
CRAFT_API const CraftLayerDef *craft_registry_get_layer (CraftRegistry *reg, guint index);
CRAFT_API const CraftLayerDef *craft_registry_lookup_layer (CraftRegistry *reg, const char *name);

/* The layer bound to a pcap link type (DLT_*), or NULL. When several are
 * bound to it (raw IP: IP and IPv6), the one declared last. */
CRAFT_API const CraftLayerDef *craft_registry_lookup_linktype (CraftRegistry *reg, int linktype);

/* The layer to dissect a packet of link type `linktype` from, given its
 * bytes: when several layers are bound to the link type, the first whose
 * `guard` holds on `data` (raw IP: IP if the version is 4, IPv6 if it is
 * 6), Raw when none does; a single bound layer is taken whatever its guard
 * says. NULL if no layer is bound to the link type. Reads at most `length`
 * bytes of `data` and allocates nothing. */
CRAFT_API const CraftLayerDef *craft_registry_lookup_linktype_for_data (CraftRegistry *reg, int linktype,
                                                                        const guint8 *data, gsize length);

CRAFT_API const char *craft_layer_def_get_name (const CraftLayerDef *layer);
CRAFT_API const char *craft_layer_def_get_title (const CraftLayerDef *layer);
CRAFT_API const char *craft_layer_def_get_description (const CraftLayerDef *layer);
CRAFT_API guint craft_layer_def_get_n_fields (const CraftLayerDef *layer);
CRAFT_API const CraftFieldDef *craft_layer_def_get_field (const CraftLayerDef *layer, guint index);

CRAFT_API const char *craft_field_def_get_name (const CraftFieldDef *field);
CRAFT_API const char *craft_field_def_get_description (const CraftFieldDef *field);
/* The kind's name: "uint", "int", "mac", "ipv4", "ipv6", "bytes". */
CRAFT_API const char *craft_field_def_get_kind_name (const CraftFieldDef *field);
/* Width in bits of a fixed-size field, 0 for a variable-size one. */
CRAFT_API guint craft_field_def_get_bits (const CraftFieldDef *field);
/* The default as written in the definition ("64", "len(header) / 4", ""). */
CRAFT_API const char *craft_field_def_get_default_text (const CraftFieldDef *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CraftRegistry, craft_registry_unref)

G_END_DECLS
