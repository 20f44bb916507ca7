/* A layer's one-line summary (the Info column), from its definition's templates compiled once per layer. */
#include "craft-plugin.h"

/* How a piece writes its field's value. The common kinds of a summary are
 * written here straight from the dissected value, as libcraft writes them
 * (craft__packet_format_slot(), a summary's repr); any other goes through
 * libcraft, as do values not read from the bytes as they are. */
typedef enum {
  STYLE_GENERIC,      /* craft__packet_format_slot() */
  STYLE_NUMBER,       /* an unsigned integer in decimal, or its name in the field's one enumeration */
  STYLE_IPV4,         /* an IPv4 address, dotted quad */
} Style;

/* One piece of a template: literal text, then the field it names, if any. */
typedef struct {
  const char *text;   /* in the definition's format string */
  gsize text_len;
  char *name;         /* "{name}", "{lower.name}" or "{list.name}": the field's name; NULL after the last field */
  gboolean lower;     /* a field of the layer below */
  char *list;         /* "{list.name}": the list field whose first element's field it is, else NULL */
  GArray *fields;     /* guint: this layer's fields of that name (of `list` when there is one), in order
                       * (not for `lower`) */
  Style style;        /* how the field's value is written, when it is this layer's only field of the name */
} Piece;

/* One of the layer's summaries: its pieces, in order. */
struct _CraftPluginSummary {
  GArray *pieces;     /* Piece */
};

/* The style that writes a field's values as craft__packet_format_slot()
 * does in a summary: an unsigned integer without flags, date or hex hint,
 * whose names (if any) do not depend on another field, is its name or its
 * decimal digits; an IPv4 address is a dotted quad. */
static Style
style_of (const CraftFieldDef *f)
{
  if (f->kind->is_integer && !f->kind->is_list && !f->kind->is_signed && f->flag_names == NULL && !f->ntp_time
      && !f->hex && f->enum_choices == NULL && f->bits > 0 && f->bits <= 64)
    return STYLE_NUMBER;
  if (!f->kind->is_integer && !f->kind->is_list && f->kind->format_at == NULL && strcmp (f->kind->name, "ipv4") == 0
      && f->kind->fixed_bits == 32)
    return STYLE_IPV4;
  return STYLE_GENERIC;
}

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
      Piece piece = { text, (gsize) (s - text), g_strndup (s + 1, (gsize) (close - s - 1)), FALSE, NULL, NULL,
                      STYLE_GENERIC };
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
          if (piece.list == NULL && piece.fields->len == 1)
            piece.style = style_of (g_ptr_array_index (def->fields, g_array_index (piece.fields, guint, 0)));
        }
      g_array_append_val (pieces, piece);
      s = close;
      text = close + 1;
    }
  Piece last = { text, strlen (text), NULL, FALSE, NULL, NULL, STYLE_GENERIC };
  g_array_append_val (pieces, last);
  return pieces;
}

/* Where a summary's fields are read: layer `index` of a packet, or, with
 * no packet, a message of `def` read in place: `spans` says where each of
 * its fields lies in `bytes` (quick.c). */
typedef struct {
  CraftPacket *packet;
  guint index;
  const guint8 *bytes;
  const CraftPluginSpan *spans;
} Source;

/* The field a reference names in layer `layer`: the last present one of
 * that name (a name may have several conditional fields), or -1. */
static gint
present_field (const Source *src, guint layer, const Piece *piece)
{
  gint found = -1;
  if (src->packet == NULL)
    {
      for (guint i = 0; i < piece->fields->len; i++)
        {
          guint k = g_array_index (piece->fields, guint, i);
          if (src->spans[k].present)
            found = (gint) k;
        }
      return found;
    }
  const CraftLayer *l = craft__packet_layer (src->packet, layer);
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

/* The text being written, at most what the Info column holds: Wireshark
 * cuts a longer one there (col_add_str()), and an item's text sooner. */
typedef struct {
  char text[COL_MAX_INFO_LEN];
  gsize len;
} Text;

static inline void
put (Text *t, const char *s, gsize n)
{
  n = MIN (n, sizeof t->text - 1 - t->len);
  memcpy (t->text + t->len, s, n);
  t->len += n;
}

static void
put_decimal (Text *t, guint64 value)
{
  char digits[20];
  gsize n = 0;
  do
    {
      digits[sizeof digits - ++n] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);
  put (t, digits + sizeof digits - n, n);
}

static void
put_ipv4 (Text *t, const guint8 *address)
{
  char quad[16];
  gsize n = 0;
  for (guint i = 0; i < 4; i++)
    {
      guint8 b = address[i];
      if (i > 0)
        quad[n++] = '.';
      if (b >= 100)
        quad[n++] = (char) ('0' + b / 100);
      if (b >= 10)
        quad[n++] = (char) ('0' + b / 10 % 10);
      quad[n++] = (char) ('0' + b % 10);
    }
  put (t, quad, n);
}

/* The bytes field `k` of layer `layer` lies in, and its span in them, in
 * *bit and *bits: in a packet, where craft__slot_value() reads it when the
 * packet is as dissected (or built) and not changed since. NULL when its
 * value must be asked for. */
static inline const guint8 *
value_bits (const Source *src, guint layer, guint k, guint32 *bit, guint32 *bits)
{
  if (src->packet == NULL)
    {
      *bit = src->spans[k].bit;
      *bits = src->spans[k].bits;
      return src->bytes;
    }
  CraftPacket *p = src->packet;
  const CraftSlot *s = &craft__packet_layer (p, layer)->slots[k];
  if (!p->wire_current || !s->present || s->generation != p->generation)
    return NULL;
  gsize size;
  const guint8 *wire = g_bytes_get_data (p->wire, &size);
  *bit = s->bit_off;
  *bits = s->bit_len;
  return ((gsize) s->bit_off + s->bit_len + 7) / 8 <= size ? wire : NULL;
}

/* Writes field `k` of layer `layer` of `def` as a summary shows it. FALSE
 * for a message read in place whose value only libcraft can write. */
static gboolean
put_field (Text *t, const Source *src, const CraftLayerDef *def, guint layer, guint k, Style style,
           GString *scratch)
{
  guint32 bit = 0, bits = 0;
  const guint8 *bytes = style != STYLE_GENERIC ? value_bits (src, layer, k, &bit, &bits) : NULL;
  if (bytes != NULL && style == STYLE_NUMBER && bits <= 64)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, k);
      guint64 value = f->little_endian ? craft__le_read (bytes + bit / 8, bits / 8) : craft__read_be (bytes, bit, bits);
      const CraftEnumValue *name = f->enumeration != NULL ? craft__enum_lookup_value (f->enumeration, value) : NULL;
      if (name != NULL)
        put (t, name->name, strlen (name->name));
      else
        put_decimal (t, value);
      return TRUE;
    }
  if (bytes != NULL && style == STYLE_IPV4 && bits == 32)
    {
      put_ipv4 (t, bytes + bit / 8);
      return TRUE;
    }
  if (src->packet == NULL)
    return FALSE;
  g_string_truncate (scratch, 0);
  craft__packet_format_slot (src->packet, layer, k, FALSE, scratch);
  put (t, scratch->str, scratch->len);
  return TRUE;
}

typedef enum {
  EXPANDED,
  ABSENT,     /* a field it names is not there */
  NOT_HERE,   /* a message read in place has a value only libcraft can write */
} Expansion;

/* Writes a template's text for a layer of `def`. */
static Expansion
expand (const Source *src, const CraftLayerDef *def, const CraftPluginSummary *summary, Text *t, GString *scratch)
{
  guint index = src->index;
  for (guint i = 0; i < summary->pieces->len; i++)
    {
      const Piece *piece = &g_array_index (summary->pieces, Piece, i);
      put (t, piece->text, piece->text_len);
      if (piece->name == NULL)
        break;
      if (piece->lower && index == 0)
        return ABSENT;
      guint layer = piece->lower ? index - 1 : index;
      gint field = present_field (src, layer, piece);
      if (field < 0)
        return ABSENT;
      if (piece->list != NULL)
        {
          g_string_truncate (scratch, 0);
          if (!craft__list_format_first (src->packet, layer, (guint) field, piece->name, scratch))
            return ABSENT;
          put (t, scratch->str, scratch->len);
          continue;
        }
      if (piece->lower)
        {
          g_string_truncate (scratch, 0);
          craft__packet_format_slot (src->packet, layer, (guint) field, FALSE, scratch);
          put (t, scratch->str, scratch->len);
          continue;
        }
      if (!put_field (t, src, def, layer, (guint) field, piece->style, scratch))
        return NOT_HERE;
    }
  return EXPANDED;
}

static void
compile_summaries (CraftPluginLayer *pl)
{
  const CraftLayerDef *def = pl->def;
  if (pl->summaries != NULL || def->summaries->len == 0)
    return;
  pl->summaries = g_new0 (CraftPluginSummary, def->summaries->len);
  for (guint i = 0; i < def->summaries->len; i++)
    pl->summaries[i].pieces = compile (def, g_array_index (def->summaries, CraftSummary, i).format);
}

/* The first of the layer's summaries whose condition holds and whose
 * fields are there, in *summary (NULL if none); FALSE if a message read in
 * place cannot be summarized without a packet. */
static gboolean
summarize (CraftPluginLayer *pl, const Source *src, wmem_allocator_t *pool, const char **summary)
{
  const CraftLayerDef *def = pl->def;
  *summary = NULL;
  compile_summaries (pl);
  /* Dissection runs on one thread. */
  static Text text;
  static GString *scratch;
  if (scratch == NULL)
    scratch = g_string_sized_new (64);
  CraftEval ev = { .packet = src->packet, .layer = src->index };
  for (guint i = 0; i < def->summaries->len; i++)
    {
      const CraftSummary *s = &g_array_index (def->summaries, CraftSummary, i);
      /* (A message read in place has summaries without conditions.) */
      if (s->condition != NULL && craft__calc_eval (s->condition, &ev) == 0)
        continue;
      text.len = 0;
      Expansion done = expand (src, def, &pl->summaries[i], &text, scratch);
      if (done == NOT_HERE)
        return FALSE;
      if (done == EXPANDED)
        {
          char *copy = wmem_alloc (pool, text.len + 1);
          memcpy (copy, text.text, text.len);
          copy[text.len] = '\0';
          *summary = copy;
          return TRUE;
        }
    }
  return TRUE;
}

const char *
craft_plugin_layer_summary (CraftPluginLayer *pl, CraftPacket *p, guint index, wmem_allocator_t *pool)
{
  Source src = { p, index, NULL, NULL };
  const char *summary;
  summarize (pl, &src, pool, &summary);
  return summary;
}

gboolean
craft_plugin_summary_in_place (CraftPluginLayer *pl)
{
  compile_summaries (pl);
  for (guint i = 0; i < pl->def->summaries->len; i++)
    {
      if (g_array_index (pl->def->summaries, CraftSummary, i).condition != NULL)
        return FALSE;
      const CraftPluginSummary *summary = &pl->summaries[i];
      for (guint k = 0; k < summary->pieces->len; k++)
        {
          const Piece *piece = &g_array_index (summary->pieces, Piece, k);
          if (piece->name != NULL && (piece->lower || piece->list != NULL || piece->style == STYLE_GENERIC))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
craft_plugin_layer_summary_from (CraftPluginLayer *pl, const guint8 *bytes, const CraftPluginSpan *spans,
                                 wmem_allocator_t *pool, const char **summary)
{
  Source src = { NULL, 0, bytes, spans };
  return summarize (pl, &src, pool, summary);
}
