/* craft ls: list the loaded layers with their descriptions, or one layer's fields with kind, width and default. */
#include "tool.h"

#include <stdio.h>
#include <string.h>

static gint
compare_layer_names (gconstpointer a, gconstpointer b)
{
  const char *x = craft_layer_def_get_name (*(const CraftLayerDef *const *) a);
  const char *y = craft_layer_def_get_name (*(const CraftLayerDef *const *) b);
  gint order = g_ascii_strcasecmp (x, y);
  return order != 0 ? order : strcmp (x, y);
}

/* Every layer, by name as Scapy's ls() orders them, with its description. */
static void
list_layers (CraftRegistry *reg)
{
  guint n = craft_registry_get_n_layers (reg);
  g_autoptr (GPtrArray) layers = g_ptr_array_sized_new (n);
  gsize width = 0;
  for (guint i = 0; i < n; i++)
    {
      const CraftLayerDef *l = craft_registry_get_layer (reg, i);
      g_ptr_array_add (layers, (gpointer) l);
      width = MAX (width, strlen (craft_layer_def_get_name (l)));
    }
  g_ptr_array_sort (layers, compare_layer_names);
  for (guint i = 0; i < layers->len; i++)
    {
      const CraftLayerDef *l = g_ptr_array_index (layers, i);
      printf ("%-*s : %s\n", (int) width, craft_layer_def_get_name (l), craft_layer_def_get_description (l));
    }
}

/* "uint (16 bits)", "ipv4 (32 bits)", "bytes (8 bytes)", "bytes (variable)". */
static char *
describe_kind (const CraftFieldDef *f)
{
  const char *kind = craft_field_def_get_kind_name (f);
  guint bits = craft_field_def_get_bits (f);
  if (bits == 0)
    return g_strdup_printf ("%s (variable)", kind);
  if (strcmp (kind, "bytes") == 0)
    return g_strdup_printf ("%s (%u byte%s)", kind, bits / 8, bits == 8 ? "" : "s");
  return g_strdup_printf ("%s (%u bit%s)", kind, bits, bits == 1 ? "" : "s");
}

/* The default as the definition writes it; a field with none is zero or empty. */
static const char *
describe_default (const CraftFieldDef *f)
{
  const char *text = craft_field_def_get_default_text (f);
  if (text != NULL && *text != '\0')
    return text;
  const char *kind = craft_field_def_get_kind_name (f);
  if (strcmp (kind, "mac") == 0)
    return "00:00:00:00:00:00";
  if (strcmp (kind, "ipv4") == 0)
    return "0.0.0.0";
  if (strcmp (kind, "ipv6") == 0)
    return "::";
  if (strcmp (kind, "bytes") == 0)
    return "b''";
  if (strcmp (kind, "list") == 0)
    return "[]";
  if (strcmp (kind, "dnsname") == 0)
    return "\".\"";
  return "0";
}

/* A layer's fields in order, one per line, as Scapy's ls(LAYER) prints them. */
static void
list_fields (const CraftLayerDef *layer)
{
  guint n = craft_layer_def_get_n_fields (layer);
  g_autoptr (GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  gsize name_width = 0, kind_width = 0;
  for (guint i = 0; i < n; i++)
    {
      const CraftFieldDef *f = craft_layer_def_get_field (layer, i);
      char *kind = describe_kind (f);
      g_ptr_array_add (kinds, kind);
      name_width = MAX (name_width, strlen (craft_field_def_get_name (f)));
      kind_width = MAX (kind_width, strlen (kind));
    }
  for (guint i = 0; i < n; i++)
    {
      const CraftFieldDef *f = craft_layer_def_get_field (layer, i);
      printf ("%-*s : %-*s = %s\n", (int) name_width, craft_field_def_get_name (f), (int) kind_width,
              (const char *) g_ptr_array_index (kinds, i), describe_default (f));
    }
}

int
craft_cmd_ls (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("[LAYER] - list layers, or one layer's fields");
  g_option_context_set_summary (context, "Without LAYER, lists every loaded layer with its description. With "
                                         "LAYER, lists its fields in order:\nname, kind and width, and the default "
                                         "as the definition writes it (computed ones too).");
  g_option_context_set_description (context, "Examples:\n  craft ls\n  craft ls TCP\n");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc > 2)
    {
      fprintf (stderr, "craft ls: expected at most one layer name (see craft ls --help)\n");
      return 2;
    }
  int status = 0;
  g_autoptr (CraftRegistry) reg = craft_tool_load_registry (&status);
  if (reg == NULL)
    return status;
  if (argc == 1)
    list_layers (reg);
  else
    {
      const CraftLayerDef *layer = craft_registry_lookup_layer (reg, argv[1]);
      if (layer == NULL)
        {
          fprintf (stderr, "craft: unknown layer '%s' (craft ls lists the loaded layers)\n", argv[1]);
          return 2;
        }
      list_fields (layer);
    }
  return fflush (stdout) == 0 ? 0 : 1;
}
