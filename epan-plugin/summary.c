/* A layer's one-line summary (the Info column), from its definition's templates compiled once per layer. */
#include "craft-plugin.h"

/* One piece of a template: literal text, then the field it names, if any. */
typedef struct {
  const char *text;   /* in the definition's format string */
  gsize text_len;
  char *name;         /* "{name}", "{lower.name}" or "{list.name}": the field's name; NULL after the last field */
  gboolean lower;     /* a field of the layer below */
  char *list;         /* "{list.name}": the list field whose first element's field it is, else NULL */
  GArray *fields;     /* guint: this layer's fields of that name (of `list` when there is one), in order
                       * (not for `lower`) */
} Piece;

/* One of the layer's summaries: its pieces, in order. */
struct _CraftPluginSummary {
  GArray *pieces;     /* Piece */
};

/* Splits a format into pieces: "{ref}" names a field, a "{" with no "}"
 * after it is text. */
static GArray *
compile (const CraftLayerDef *def, const char *format)
{
  GArray *pieces = g_array_new (FALSE, TRUE, sizeof (Piece));
  const char *text = format;
  for (const char *s = format; *s != '\0'; s++)
    {
      const char *close;
      if (*s != '{' || (close = strchr (s, '}')) == NULL)
        continue;
      Piece piece = { text, (gsize) (s - text), g_strndup (s + 1, (gsize) (close - s - 1)), FALSE, NULL, NULL };
      const char *dot = strchr (piece.name, '.');
      if (g_str_has_prefix (piece.name, "lower."))
        {
          piece.lower = TRUE;
          memmove (piece.name, piece.name + strlen ("lower."), strlen (piece.name) - strlen ("lower.") + 1);
        }
      else
        {
          if (dot != NULL)
            {
              /* A field of a list's first element (DNS's "{an.rdata}"). */
              piece.list = g_strndup (piece.name, (gsize) (dot - piece.name));
              memmove (piece.name, dot + 1, strlen (dot + 1) + 1);
            }
          const char *own = piece.list != NULL ? piece.list : piece.name;
          piece.fields = g_array_new (FALSE, FALSE, sizeof (guint));
          for (guint i = 0; i < def->fields->len; i++)
            {
              const CraftFieldDef *f = g_ptr_array_index (def->fields, i);
              if (strcmp (f->name, own) == 0 && (piece.list == NULL || f->kind->is_list))
                g_array_append_val (piece.fields, i);
            }
        }
      g_array_append_val (pieces, piece);
      s = close;
      text = close + 1;
    }
  Piece last = { text, strlen (text), NULL, FALSE, NULL, NULL };
  g_array_append_val (pieces, last);
  return pieces;
}

/* The field a reference names in layer `layer`: the last present one of
 * that name (a name may have several conditional fields), or -1. */
static gint
present_field (CraftPacket *p, guint layer, const Piece *piece)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  gint found = -1;
  if (piece->fields != NULL)
    {
      for (guint i = 0; i < piece->fields->len; i++)
        {
          guint k = g_array_index (piece->fields, guint, i);
          if (l->slots[k].present)
            found = (gint) k;
        }
      return found;
    }
  for (guint k = 0; k < l->def->fields->len; k++)
    if (l->slots[k].present && strcmp (craft__layer_field (l, k)->name, piece->name) == 0)
      found = (gint) k;
  return found;
}

/* Appends a template's text for layer `index`; FALSE if a field it names is not there. */
static gboolean
expand (CraftPacket *p, guint index, const CraftPluginSummary *summary, GString *out)
{
  for (guint i = 0; i < summary->pieces->len; i++)
    {
      const Piece *piece = &g_array_index (summary->pieces, Piece, i);
      g_string_append_len (out, piece->text, (gssize) piece->text_len);
      if (piece->name == NULL)
        break;
      if (piece->lower && index == 0)
        return FALSE;
      guint layer = piece->lower ? index - 1 : index;
      gint field = present_field (p, layer, piece);
      if (field < 0)
        return FALSE;
      if (piece->list != NULL)
        {
          if (!craft__list_format_first (p, layer, (guint) field, piece->name, out))
            return FALSE;
          continue;
        }
      craft__packet_format_slot (p, layer, (guint) field, FALSE, out);
    }
  return TRUE;
}

const char *
craft_plugin_layer_summary (CraftPluginLayer *pl, CraftPacket *p, guint index)
{
  const CraftLayerDef *def = pl->def;
  if (def->summaries->len == 0)
    return NULL;
  if (pl->summaries == NULL)
    {
      pl->summaries = g_new0 (CraftPluginSummary, def->summaries->len);
      for (guint i = 0; i < def->summaries->len; i++)
        pl->summaries[i].pieces = compile (def, g_array_index (def->summaries, CraftSummary, i).format);
    }
  /* Dissection runs on one thread, and the text is used before the next layer's. */
  static GString *out;
  if (out == NULL)
    out = g_string_sized_new (128);
  CraftEval ev = { .packet = p, .layer = index };
  for (guint i = 0; i < def->summaries->len; i++)
    {
      const CraftSummary *s = &g_array_index (def->summaries, CraftSummary, i);
      if (s->condition != NULL && craft__calc_eval (s->condition, &ev) == 0)
        continue;
      g_string_truncate (out, 0);
      if (expand (p, index, &pl->summaries[i], out))
        return out->str;
    }
  return NULL;
}
