/* The registry of loaded definitions: built-in, CRAFT_PROTO_PATH and the user's folder. */
#include "model.h"

#include "kinds.h"


#include <gio/gio.h>
#include <string.h>

/* Resource folder of the built-in definitions, and the file listing their load order. */
#define BUILTIN_PREFIX "/org/craft/proto/"
#define BUILTIN_LIST BUILTIN_PREFIX "builtin.list"

void
craft__calc_free (CraftCalc *calc)
{
  if (calc == NULL)
    return;
  craft__calc_free (calc->a);
  craft__calc_free (calc->b);
  g_clear_pointer (&calc->items, g_ptr_array_unref);
  g_free (calc->name);
  g_free (calc);
}

void
craft__enum_free (CraftEnum *e)
{
  for (guint i = 0; i < e->values->len; i++)
    g_free (g_array_index (e->values, CraftEnumValue, i).name);
  g_array_unref (e->values);
  g_free (e->name);
  g_free (e);
}

void
craft__layer_def_free (CraftLayerDef *layer)
{
  g_free (layer->name);
  g_free (layer->title);
  g_free (layer->description);
  g_free (layer->file);
  g_ptr_array_unref (layer->fields);
  craft__calc_free (layer->length);
  if (layer->pseudo != NULL)
    {
      for (guint i = 0; i < layer->pseudo->len; i++)
        craft__calc_free (g_array_index (layer->pseudo, CraftPseudoItem, i).calc);
      g_array_unref (layer->pseudo);
    }
  for (guint i = 0; i < layer->summaries->len; i++)
    {
      CraftSummary *s = &g_array_index (layer->summaries, CraftSummary, i);
      craft__calc_free (s->condition);
      g_free (s->format);
    }
  g_array_unref (layer->summaries);
  g_free (layer);
}

const CraftEnumValue *
craft__enum_lookup_value (const CraftEnum *e, guint64 value)
{
  for (guint i = 0; i < e->values->len; i++)
    if (g_array_index (e->values, CraftEnumValue, i).value == value)
      return &g_array_index (e->values, CraftEnumValue, i);
  return NULL;
}

const CraftEnumValue *
craft__enum_lookup_name (const CraftEnum *e, const char *name)
{
  for (guint i = 0; i < e->values->len; i++)
    if (strcmp (g_array_index (e->values, CraftEnumValue, i).name, name) == 0)
      return &g_array_index (e->values, CraftEnumValue, i);
  return NULL;
}

gint
craft__layer_def_field_index (const CraftLayerDef *layer, const char *name)
{
  for (guint i = 0; i < layer->fields->len; i++)
    if (strcmp (((CraftFieldDef *) g_ptr_array_index (layer->fields, i))->name, name) == 0)
      return (gint) i;
  return -1;
}

static void
binding_clear (CraftBinding *b)
{
  g_free (b->lower_name);
  g_free (b->field_name);
  g_free (b->upper_name);
  g_free (b->file);
}

CraftRegistry *
craft_registry_new (void)
{
  CraftRegistry *reg = g_new0 (CraftRegistry, 1);
  reg->ref_count = 1;
  reg->layers = g_ptr_array_new ();
  reg->layer_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  reg->enums = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__enum_free);
  reg->enum_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  reg->bindings = g_array_new (FALSE, TRUE, sizeof (CraftBinding));
  g_array_set_clear_func (reg->bindings, (GDestroyNotify) binding_clear);
  /* Every layer ever added stays alive with the registry: packets and
   * bindings may still point at a layer a later file replaced. */
  reg->replaced = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__layer_def_free);
  return reg;
}

CraftRegistry *
craft_registry_ref (CraftRegistry *reg)
{
  g_atomic_int_inc (&reg->ref_count);
  return reg;
}

void
craft_registry_unref (CraftRegistry *reg)
{
  if (reg == NULL || !g_atomic_int_dec_and_test (&reg->ref_count))
    return;
  g_ptr_array_unref (reg->layers);
  g_hash_table_unref (reg->layer_by_name);
  g_ptr_array_unref (reg->enums);
  g_hash_table_unref (reg->enum_by_name);
  g_array_unref (reg->bindings);
  g_ptr_array_unref (reg->replaced);
  g_free (reg);
}

void
craft__registry_add_layer (CraftRegistry *reg, CraftLayerDef *layer)
{
  g_ptr_array_add (reg->replaced, layer);
  CraftLayerDef *old = g_hash_table_lookup (reg->layer_by_name, layer->name);
  if (old != NULL)
    {
      guint index;
      if (g_ptr_array_find (reg->layers, old, &index))
        reg->layers->pdata[index] = layer;
    }
  else
    g_ptr_array_add (reg->layers, layer);
  g_hash_table_insert (reg->layer_by_name, layer->name, layer);
  if (layer->fallback)
    reg->fallback = layer;
  if (layer->trailer)
    reg->trailer = layer;
}

void
craft__registry_add_enum (CraftRegistry *reg, CraftEnum *e)
{
  g_ptr_array_add (reg->enums, e);
  g_hash_table_insert (reg->enum_by_name, e->name, e);
}

const CraftEnum *
craft__registry_lookup_enum (CraftRegistry *reg, const char *name)
{
  return g_hash_table_lookup (reg->enum_by_name, name);
}

void
craft__registry_add_binding (CraftRegistry *reg, CraftBinding *binding)
{
  g_array_append_val (reg->bindings, *binding);
}

gboolean
craft__registry_link (CraftRegistry *reg, GError **error)
{
  for (guint i = 0; i < reg->bindings->len; i++)
    {
      CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      b->upper = craft_registry_lookup_layer (reg, b->upper_name);
      b->lower = b->lower_name ? craft_registry_lookup_layer (reg, b->lower_name) : NULL;
      b->field = b->lower ? craft__layer_def_field_index (b->lower, b->field_name) : -1;
      if (b->upper == NULL || (b->lower_name != NULL && b->field < 0))
        {
          craft_error_set_at (error, CRAFT_ERROR_DEFINITION, b->file, b->line, b->column,
                              "binding %s.%s -> %s no longer resolves: a later definition replaced a layer "
                              "without that field",
                              b->lower_name ? b->lower_name : "linktype", b->field_name ? b->field_name : "",
                              b->upper_name);
          return FALSE;
        }
      if (b->lower != NULL)
        ((CraftFieldDef *) g_ptr_array_index (b->lower->fields, b->field))->bound = TRUE;
    }
  return TRUE;
}

const CraftBinding *
craft__registry_find_build_binding (CraftRegistry *reg, const CraftLayerDef *lower, guint field,
                                    const CraftLayerDef *upper)
{
  for (guint i = 0; i < reg->bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      if (b->lower == lower && b->upper == upper && (guint) b->field == field && !b->dissect_only)
        return b;
    }
  return NULL;
}

gboolean
craft_registry_load_data (CraftRegistry *reg, const char *origin, const char *text, gssize length,
                          GError **error)
{
  g_return_val_if_fail (reg != NULL && text != NULL, FALSE);
  return craft__pdl_load (reg, origin ? origin : "<data>", text, length < 0 ? strlen (text) : (gsize) length,
                          error);
}

gboolean
craft_registry_load_file (CraftRegistry *reg, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "cannot read definition file: %s", local->message);
      return FALSE;
    }
  return craft__pdl_load (reg, path, text, length, error);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
craft_registry_load_dir (CraftRegistry *reg, const char *dir, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "cannot read definition folder: %s", local->message);
      return FALSE;
    }
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".pdl"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      if (!craft_registry_load_file (reg, path, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
craft_registry_load_builtin (CraftRegistry *reg, GError **error)
{
  g_autoptr (GBytes) list = g_resources_lookup_data (BUILTIN_LIST, 0, NULL);
  g_return_val_if_fail (list != NULL, FALSE);
  g_autofree char *text = g_strndup (g_bytes_get_data (list, NULL), g_bytes_get_size (list));
  g_auto (GStrv) names = g_strsplit (text, "\n", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      char *name = g_strstrip (names[i]);
      if (*name == '\0' || *name == '#')
        continue;
      g_autofree char *path = g_strconcat (BUILTIN_PREFIX, name, NULL);
      g_autoptr (GBytes) data = g_resources_lookup_data (path, 0, NULL);
      g_return_val_if_fail (data != NULL, FALSE);
      g_autofree char *origin = g_strconcat ("<builtin>/", name, NULL);
      if (!craft__pdl_load (reg, origin, g_bytes_get_data (data, NULL), g_bytes_get_size (data), error))
        return FALSE;
    }
  return TRUE;
}

CraftRegistry *
craft_registry_new_default (GError **error)
{
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  if (!craft_registry_load_builtin (reg, error))
    return NULL;
  const char *path = g_getenv (CRAFT_PROTO_PATH_ENV);
  if (path != NULL)
    {
      g_auto (GStrv) dirs = g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; dirs[i] != NULL; i++)
        if (*dirs[i] != '\0' && !craft_registry_load_dir (reg, dirs[i], error))
          return NULL;
    }
  g_autofree char *user = g_build_filename (g_get_user_config_dir (), "craft", "proto", NULL);
  if (!craft_registry_load_dir (reg, user, error))
    return NULL;
  return g_steal_pointer (&reg);
}

guint
craft_registry_get_n_layers (CraftRegistry *reg)
{
  return reg->layers->len;
}

const CraftLayerDef *
craft_registry_get_layer (CraftRegistry *reg, guint index)
{
  g_return_val_if_fail (index < reg->layers->len, NULL);
  return g_ptr_array_index (reg->layers, index);
}

const CraftLayerDef *
craft_registry_lookup_layer (CraftRegistry *reg, const char *name)
{
  return g_hash_table_lookup (reg->layer_by_name, name);
}

const CraftLayerDef *
craft_registry_lookup_linktype (CraftRegistry *reg, int linktype)
{
  for (guint i = reg->bindings->len; i-- > 0;)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      if (b->lower_name == NULL && b->value == (guint64) linktype)
        return b->upper;
    }
  return NULL;
}

const char *
craft_layer_def_get_name (const CraftLayerDef *layer)
{
  return layer->name;
}

const char *
craft_layer_def_get_title (const CraftLayerDef *layer)
{
  return layer->title;
}

const char *
craft_layer_def_get_description (const CraftLayerDef *layer)
{
  return layer->description;
}

guint
craft_layer_def_get_n_fields (const CraftLayerDef *layer)
{
  return layer->fields->len;
}

const CraftFieldDef *
craft_layer_def_get_field (const CraftLayerDef *layer, guint index)
{
  g_return_val_if_fail (index < layer->fields->len, NULL);
  return g_ptr_array_index (layer->fields, index);
}

const char *
craft_field_def_get_name (const CraftFieldDef *field)
{
  return field->name;
}

const char *
craft_field_def_get_description (const CraftFieldDef *field)
{
  return field->description ? field->description : "";
}

const char *
craft_field_def_get_kind_name (const CraftFieldDef *field)
{
  return field->kind->name;
}

guint
craft_field_def_get_bits (const CraftFieldDef *field)
{
  return field->bits;
}

const char *
craft_field_def_get_default_text (const CraftFieldDef *field)
{
  return field->default_text;
}
