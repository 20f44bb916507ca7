/* Human-readable packets: the Scapy-style one-line summary and the show2-style tree. */
#include "packet-private.h"

#include "kinds.h"

#include <string.h>

typedef struct {
  const char *field;
  GString *out;
  gboolean found;
} FirstElement;

/* Formats the named field of the first element only. */
static void
format_first (CraftPacket *element, gpointer data)
{
  FirstElement *first = data;
  const CraftLayer *l = craft__packet_layer (element, 0);
  for (guint k = 0; !first->found && k < l->def->fields->len; k++)
    if (l->slots[k].present && strcmp (craft__layer_field (l, k)->name, first->field) == 0)
      {
        craft__packet_format_slot (element, 0, k, FALSE, first->out);
        first->found = TRUE;
      }
  first->field = "";  /* later elements match nothing */
}

gboolean
craft__list_format_first (CraftPacket *p, guint layer, guint list, const char *name, GString *out)
{
  FirstElement first = { name, out, FALSE };
  craft__list_foreach (p, layer, list, format_first, &first);
  return first.found;
}

/* `{LIST.FIELD}`: that field of the list's first element; FALSE when the
 * list is empty or its first element has no such field. */
static gboolean
expand_element (CraftPacket *p, guint index, const char *ref, GString *out)
{
  const char *dot = strchr (ref, '.');
  g_autofree char *list = g_strndup (ref, (gsize) (dot - ref));
  const CraftLayer *l = craft__packet_layer (p, index);
  for (guint i = 0; i < l->def->fields->len; i++)
    if (l->slots[i].present && craft__layer_field (l, i)->kind->is_list
        && strcmp (craft__layer_field (l, i)->name, list) == 0)
      return craft__list_format_first (p, index, i, dot + 1, out);
  return FALSE;
}

/* Expands a summary template for layer `index`; FALSE if a reference does not resolve. */
static gboolean
expand (CraftPacket *p, guint index, const char *format, GString *out)
{
  const CraftLayer *l = craft__packet_layer (p, index);
  for (const char *s = format; *s != '\0'; s++)
    {
      if (*s != '{')
        {
          g_string_append_c (out, *s);
          continue;
        }
      const char *close = strchr (s, '}');
      if (close == NULL)
        return FALSE;
      g_autofree char *ref = g_strndup (s + 1, close - s - 1);
      guint layer = index;
      const char *name = ref;
      if (strchr (ref, '.') != NULL && !g_str_has_prefix (ref, "lower."))
        {
          if (!expand_element (p, index, ref, out))
            return FALSE;
          s = close;
          continue;
        }
      if (g_str_has_prefix (ref, "lower."))
        {
          if (index == 0)
            return FALSE;
          layer = index - 1;
          name = ref + strlen ("lower.");
        }
      const CraftLayer *target = craft__packet_layer (p, layer);
      gint field = -1;
      for (guint i = 0; i < target->def->fields->len; i++)
        if (strcmp (craft__layer_field (target, i)->name, name) == 0 && (field < 0 || target->slots[i].present))
          field = (gint) i;
      if (field < 0 || (layer != index && !target->slots[field].present))
        return FALSE;
      craft__packet_format_slot (p, layer, (guint) field, FALSE, out);
      s = close;
    }
  (void) l;
  return TRUE;
}

/* The first of the layer's summaries whose condition holds and whose references resolve. */
static char *
layer_summary (CraftPacket *p, guint index)
{
  const CraftLayer *l = craft__packet_layer (p, index);
  CraftEval ev = { p, index, NULL, 0, NULL, 0 };
  for (guint i = 0; i < l->def->summaries->len; i++)
    {
      const CraftSummary *s = &g_array_index (l->def->summaries, CraftSummary, i);
      if (s->condition != NULL && craft__calc_eval (s->condition, &ev) == 0)
        continue;
      GString *out = g_string_new (NULL);
      if (expand (p, index, s->format, out))
        return g_string_free (out, FALSE);
      g_string_free (out, TRUE);
    }
  return NULL;
}

char *
craft_packet_summary (CraftPacket *packet)
{
  /* Computed values (a source address routed toward dst) are only right
   * once built with the values as they are now. */
  if (!packet->wire_current)
    {
      g_autoptr (GBytes) built = craft_packet_build (packet, NULL);
      (void) built;
    }
  /* As Scapy: the innermost layer with a summary speaks; the others give their names. */
  guint n = packet->layers->len;
  gint speaker = -1;
  g_autofree char *speech = NULL;
  for (guint i = n; i-- > 0 && speech == NULL;)
    if ((speech = layer_summary (packet, i)) != NULL)
      speaker = (gint) i;
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, " / ");
      g_string_append (out, (gint) i == speaker ? speech : craft__packet_layer (packet, i)->def->name);
    }
  return g_string_free (out, FALSE);
}

char *
craft_packet_show (CraftPacket *packet, GError **error)
{
  g_autoptr (GBytes) built = craft_packet_build (packet, error);
  if (built == NULL)
    return NULL;
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < packet->layers->len; i++)
    {
      const CraftLayer *l = craft__packet_layer (packet, i);
      g_autofree char *indent = g_strnfill (i * 3, ' ');
      g_string_append_printf (out, "###[ %s ]###\n", l->def->title);
      for (guint k = 0; k < l->def->fields->len; k++)
        {
          if (!l->slots[k].present)
            continue;
          const char *name = craft__layer_field (l, k)->name;
          g_string_append_printf (out, "%s  %-10s= ", indent, name);
          if (craft__layer_field (l, k)->kind->is_list)
            craft__list_format (packet, i, k, TRUE, indent, out);
          else
            craft__packet_format_slot (packet, i, k, TRUE, out);
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}
