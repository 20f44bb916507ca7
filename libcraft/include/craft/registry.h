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
 * $CRAFT_PROTO_PATH, then $XDG_CONFIG_HOME/craft/proto, a later definition of
 * a layer replacing an earlier one. Returns NULL and sets `error` (with file,
 * line and column) if any definition is bad. Caller owns. */
CRAFT_API CraftRegistry *craft_registry_new_default (GError **error);

CRAFT_API CraftRegistry *craft_registry_ref (CraftRegistry *reg);
CRAFT_API void craft_registry_unref (CraftRegistry *reg);

/* Loads the definitions embedded in libcraft. */
CRAFT_API gboolean craft_registry_load_builtin (CraftRegistry *reg, GError **error);

/* Loads one definition file. On error nothing of the file is added, and
 * `error` carries the file, line and column. */
CRAFT_API gboolean craft_registry_load_file (CraftRegistry *reg, const char *path, GError **error);

/* Loads definitions from text; `origin` names it in errors. */
CRAFT_API gboolean craft_registry_load_data (CraftRegistry *reg, const char *origin, const char *text,
                                             gssize length, GError **error);

/* Loads every *.pdl file of a folder in name order; a missing folder is not an error. */
CRAFT_API gboolean craft_registry_load_dir (CraftRegistry *reg, const char *dir, GError **error);

/* Layers in load order. Returned pointers are borrowed and live as long as the registry. */
CRAFT_API guint craft_registry_get_n_layers (CraftRegistry *reg);
CRAFT_API const CraftLayerDef *craft_registry_get_layer (CraftRegistry *reg, guint index);
CRAFT_API const CraftLayerDef *craft_registry_lookup_layer (CraftRegistry *reg, const char *name);

/* The layer bound to a pcap link type (DLT_*), or NULL. */
CRAFT_API const CraftLayerDef *craft_registry_lookup_linktype (CraftRegistry *reg, int linktype);

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
