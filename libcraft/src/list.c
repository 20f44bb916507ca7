/* Lists of elements (IP and TCP options, DNS records): reading, counting and showing them through their element layers. */
#include "packet-private.h"

#include "craft-limits.h"
#include "kinds.h"

#include <stdint.h>
#include <string.h>

/* One walk over a list's bytes. */
typedef struct {
  CraftPacket *outer;          /* the packet holding the list: its findings, registry, depth */
  guint layer, field;
  gboolean report;             /* record findings on `outer` (dissection) */
  GBytes *buffer;              /* the bytes the list lies in */
  gsize name_base;             /* where names' compression pointers count from, in `buffer` */
  void (*fn) (CraftPacket *element, gpointer data);
  gpointer data;
  CraftPacket *scratch;        /* the element packet, reused from element to element (owned) */
} Walk;

static void
report (Walk *w, CraftFindingKind kind, gsize offset, gsize length, const char *format, ...) G_GNUC_PRINTF (5, 6);

static void
report (Walk *w, CraftFindingKind kind, gsize offset, gsize length, const char *format, ...)
{
  if (!w->report)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  craft__packet_add_finding (w->outer, kind, w->layer, (gint) w->field, (guint) offset, (guint) length, "%s",
                             message);
}

/* "LAYER.field", for findings: written only when there is one to report. */
static const char *
list_name (Walk *w, char *buffer, gsize size)
{
  const CraftLayer *l = craft__packet_layer (w->outer, w->layer);
  g_snprintf (buffer, size, "%s.%s", l->def->name, craft__layer_field (l, w->field)->name);
  return buffer;
}

/* A packet of one layer, `def`, read from byte `pos` of the walk's buffer,
 * never past `end`. The walk's scratch packet is reused when nobody else
 * holds it: a packet per element would be most of the cost of reading TCP
 * options. */
static CraftPacket *
element_at (Walk *w, const CraftLayerDef *def, gsize pos, gsize end, gboolean *ok)
{
  CraftPacket *e;
  if (w->scratch != NULL && g_atomic_int_get (&w->scratch->ref_count) == 1)
    {
      e = craft_packet_ref (w->scratch);
      CraftLayer *old = craft__packet_layer (e, 0);
      for (guint i = 0; i < old->def->fields->len; i++)
        g_clear_pointer (&old->slots[i].bytes, g_bytes_unref);
      g_free (old->slots);
      g_array_set_size (e->layers, 0);
      g_array_set_size (e->findings, 0);
    }
  else
    {
      e = craft_packet_new (w->outer->reg);
      e->origin = g_bytes_ref (w->buffer);
      e->wire = g_bytes_ref (w->buffer);
      e->list_depth = w->outer->list_depth + 1;
      e->name_base = (gint) w->name_base;
      if (w->scratch == NULL)
        w->scratch = craft_packet_ref (e);
    }
  craft__packet_append_layer (e, def);
  craft__packet_layer (e, 0)->start = (guint) pos;
  *ok = craft__dissect_layer_fields (e, 0, end);
  return e;
}

/* The element at `pos`, read: as the layer the list names, else as the
 * first element of its group whose test holds (on the bytes, or on the
 * element read as that layer for a late test), else as the group's element
 * without a test (unknown kinds, raw); NULL when the group has none. */
static CraftPacket *
read_element (Walk *w, const char *group, gsize pos, gsize end, gboolean *ok)
{
  CraftRegistry *reg = w->outer->reg;
  const guint8 *buf = g_bytes_get_data (w->buffer, NULL);
  const CraftLayerDef *direct = craft_registry_lookup_layer (reg, group);
  if (direct != NULL)
    return element_at (w, direct, pos, end, ok);
  const CraftLayerDef *last_resort = NULL;
  for (guint i = 0; i < reg->layers->len; i++)
    {
      const CraftLayerDef *def = g_ptr_array_index (reg->layers, i);
      if (def->element_of == NULL || strcmp (def->element_of, group) != 0)
        continue;
      if (def->element_if == NULL)
        {
          if (last_resort == NULL)
            last_resort = def;
          continue;
        }
      if (!def->element_if_late)
        {
          if (craft__element_test_holds (def, buf + pos, end - pos))
            return element_at (w, def, pos, end, ok);
          continue;
        }
      g_autoptr (CraftPacket) e = element_at (w, def, pos, end, ok);
      CraftEval ev = { e, 0, buf, end, NULL, 0 };
      if (*ok && craft__calc_eval (def->element_if, &ev) != 0)
        return g_steal_pointer (&e);
    }
  return last_resort != NULL ? element_at (w, last_resort, pos, end, ok) : NULL;
}

/* Reads elements from [start, end) of the buffer, at most `max_count`;
 * returns the bytes they take and their number in *count. Stops at the
 * first malformed element (a finding says why). */
static gsize
walk (Walk *w, gsize start, gsize end, guint64 max_count, guint64 *count)
{
  gsize buf_len;
  const guint8 *buf = g_bytes_get_data (w->buffer, &buf_len);
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (w->outer, w->layer), w->field);
  char name[128];
  *count = 0;
  end = MIN (end, buf_len);
  if (start > end)
    return 0;
  if (w->outer->list_depth >= CRAFT_MAX_LIST_DEPTH)
    {
      report (w, CRAFT_FINDING_INVALID, start, end - start, "%s: lists nested more than %d deep are not read",
              list_name (w, name, sizeof name), CRAFT_MAX_LIST_DEPTH);
      return 0;
    }
  gsize pos = start;
  while (pos < end && *count < max_count)
    {
      if (*count >= CRAFT_MAX_LIST_ELEMENTS_PER_FIELD)
        {
          report (w, CRAFT_FINDING_INVALID, pos, end - pos, "%s: more than %d elements; the rest is not read",
                  list_name (w, name, sizeof name), CRAFT_MAX_LIST_ELEMENTS_PER_FIELD);
          break;
        }
      gboolean ok = FALSE;
      g_autoptr (CraftPacket) e = read_element (w, f->element_group, pos, end, &ok);
      if (e == NULL)
        {
          report (w, CRAFT_FINDING_INVALID, pos, end - pos, "%s: no element of %s starts with byte 0x%02x",
                  list_name (w, name, sizeof name), f->element_group, buf[pos]);
          break;
        }
      const CraftLayerDef *def = craft__packet_layer (e, 0)->def;
      CraftLayer *el = craft__packet_layer (e, 0);
      gsize size = ok ? el->hdr_len : 0;
      CraftEval ev = { e, 0, buf, end, NULL, 0 };
      guint64 declared;
      if (ok && craft__layer_declared_length (&ev, &declared))
        {
          if (declared < el->hdr_len)
            {
              report (w, CRAFT_FINDING_INVALID, pos, el->hdr_len,
                      "%s: %s at offset %zu says it is %" G_GUINT64_FORMAT " bytes, less than the %u of its fields",
                      list_name (w, name, sizeof name), def->name, pos, declared, el->hdr_len);
              ok = FALSE;
            }
          else if (declared > end - pos)
            {
              report (w, CRAFT_FINDING_TRUNCATED, pos, end - pos,
                      "%s: %s at offset %zu says it is %" G_GUINT64_FORMAT " bytes, past the end of the list (%zu "
                      "left)",
                      list_name (w, name, sizeof name), def->name, pos, declared, end - pos);
              ok = FALSE;
            }
          else
            size = (gsize) declared;
        }
      for (guint i = 0; i < e->findings->len; i++)
        {
          const CraftFinding *inner = &g_array_index (e->findings, CraftFinding, i);
          report (w, inner->kind, inner->offset, inner->length, "%s: %s", list_name (w, name, sizeof name), inner->message);
        }
      /* An element of no bytes would be read forever. */
      if (!ok || size == 0)
        break;
      el->end = (guint) (pos + size);
      for (guint k = 0; k < def->fields->len; k++)
        el->slots[k].generation = e->generation;
      e->wire_current = TRUE;
      if (w->fn != NULL)
        w->fn (e, w->data);
      pos += size;
      (*count)++;
    }
  g_clear_pointer (&w->scratch, craft_packet_unref);
  return pos - start;
}

/* Where compression pointers of fields of `layer` count from, in its packet's bytes. */
static gsize
name_base (CraftPacket *p, guint layer)
{
  return p->list_depth > 0 ? (gsize) p->name_base : craft__packet_layer (p, layer)->start;
}

gsize
craft__dissect_sized_value (CraftPacket *p, guint layer, guint field, const guint8 *data, gsize start, gsize end,
                            gsize size)
{
  CraftLayer *l = craft__packet_layer (p, layer);
  const CraftFieldDef *f = craft__layer_field (l, field);
  if (f->kind->wire_size != NULL)
    {
      const char *problem = NULL;
      gsize n = f->kind->wire_size (data + start, end - start, &problem);
      gsize base = name_base (p, layer);
      if (problem == NULL && f->kind->format_at != NULL && start >= base)
        {
          g_autoptr (GString) scratch = g_string_new (NULL);
          gsize total = g_bytes_get_size (p->origin);
          f->kind->format_at (data + base, total - base, start - base, scratch, &problem);
        }
      if (problem != NULL)
        craft__packet_add_finding (p, CRAFT_FINDING_INVALID, layer, (gint) field, (guint) start, (guint) n,
                                   "%s.%s: %s", l->def->name, f->name, problem);
      return n;
    }
  Walk w = { p, layer, field, TRUE, p->origin, name_base (p, layer), NULL, NULL, NULL };
  guint64 count;
  if (f->size_mode != CRAFT_SIZE_COUNT)
    {
      walk (&w, start, start + size, G_MAXUINT64, &count);
      l->slots[field].elements = (guint32) MIN (count, (guint64) G_MAXUINT32 - 1) + 1;
      return size;
    }
  CraftEval ev = { p, layer, data, end, NULL, 0 };
  guint64 wanted = craft__calc_eval (f->size_calc, &ev);
  guint findings = p->findings->len;
  gsize taken = walk (&w, start, end, wanted, &count);
  l->slots[field].elements = (guint32) MIN (count, (guint64) G_MAXUINT32 - 1) + 1;
  if (count < wanted && p->findings->len == findings)
    craft__packet_add_finding (p, CRAFT_FINDING_TRUNCATED, layer, (gint) field, (guint) start, (guint) taken,
                               "%s.%s: %" G_GUINT64_FORMAT " elements announced, %" G_GUINT64_FORMAT " present",
                               l->def->name, f->name, wanted, count);
  return taken;
}

/* The bytes a field's value lies in now, and where in them it starts:
 * the packet's built or dissected bytes when it is there (so that names can
 * follow pointers to bytes around it), else the value alone. */
static GBytes *
value_buffer (CraftPacket *p, guint layer, guint field, gsize *start, gsize *length, gsize *base)
{
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (p, NULL, layer, field, &num, &data, &len);
  *length = len;
  *base = 0;
  GBytes *candidates[] = { p->wire, p->origin };
  for (guint i = 0; data != NULL && i < G_N_ELEMENTS (candidates); i++)
    {
      if (candidates[i] == NULL)
        continue;
      gsize size;
      const guint8 *b = g_bytes_get_data (candidates[i], &size);
      if (b != NULL && (uintptr_t) data >= (uintptr_t) b && (uintptr_t) data + len <= (uintptr_t) b + size)
        {
          *start = (gsize) (data - b);
          gsize nb = name_base (p, layer);
          *base = nb <= *start ? nb : 0;
          return g_bytes_ref (candidates[i]);
        }
    }
  *start = 0;
  return g_bytes_new (data, len);
}

static void
walk_value (CraftPacket *p, guint layer, guint field, void (*fn) (CraftPacket *, gpointer), gpointer data,
            guint64 *count, gsize *taken, gsize *length)
{
  gsize start, base;
  g_autoptr (GBytes) buffer = value_buffer (p, layer, field, &start, length, &base);
  Walk w = { p, layer, field, FALSE, buffer, base, fn, data, NULL };
  *taken = walk (&w, start, start + *length, G_MAXUINT64, count);
}

guint64
craft__list_count (CraftPacket *p, guint layer, guint field)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  const CraftFieldDef *f = craft__layer_field (l, field);
  if (!f->kind->is_list)
    return 0;
  /* Dissected bytes hold the elements dissection counted: no second walk. */
  if (l->slots[field].state == CRAFT_SLOT_WIRE && l->slots[field].elements != 0)
    return l->slots[field].elements - 1;
  guint64 count;
  gsize taken, length;
  walk_value (p, layer, field, NULL, NULL, &count, &taken, &length);
  return count;
}

void
craft__list_foreach (CraftPacket *p, guint layer, guint field, void (*fn) (CraftPacket *element, gpointer data),
                     gpointer data)
{
  guint64 count;
  gsize taken, length;
  walk_value (p, layer, field, fn, data, &count, &taken, &length);
}

typedef struct {
  GString *out;
  gboolean show;
  const char *indent;
  guint n;
} Format;

static void
format_element (CraftPacket *e, gpointer data)
{
  Format *fmt = data;
  const CraftLayer *l = craft__packet_layer (e, 0);
  if (!fmt->show)
    {
      g_string_append_printf (fmt->out, "%s%s(", fmt->n++ ? ", " : "", l->def->name);
      gboolean first = TRUE;
      for (guint k = 0; k < l->def->fields->len; k++)
        {
          if (!l->slots[k].present)
            continue;
          g_string_append_printf (fmt->out, "%s%s=", first ? "" : ", ", craft__layer_field (l, k)->name);
          craft__packet_format_slot (e, 0, k, FALSE, fmt->out);
          first = FALSE;
        }
      g_string_append_c (fmt->out, ')');
      return;
    }
  g_autofree char *inner = g_strconcat (fmt->indent, "   |", NULL);
  g_string_append_printf (fmt->out, "\n%s###[ %s ]###", inner, l->def->title);
  for (guint k = 0; k < l->def->fields->len; k++)
    {
      const CraftFieldDef *f = craft__layer_field (l, k);
      if (!l->slots[k].present)
        continue;
      g_string_append_printf (fmt->out, "\n%s  %-10s= ", inner, f->name);
      if (f->kind->is_list)
        craft__list_format (e, 0, k, TRUE, inner, fmt->out);
      else
        craft__packet_format_slot (e, 0, k, TRUE, fmt->out);
    }
  fmt->n++;
}

void
craft__list_format (CraftPacket *p, guint layer, guint field, gboolean show, const char *indent, GString *out)
{
  Format fmt = { out, show, indent ? indent : "", 0 };
  guint64 count;
  gsize taken, length;
  if (!show)
    g_string_append_c (out, '[');
  walk_value (p, layer, field, format_element, &fmt, &count, &taken, &length);
  if (taken < length)
    {
      /* Bytes no element reads (padding, or a malformed element and what follows it). */
      gsize start, base;
      g_autoptr (GBytes) buffer = value_buffer (p, layer, field, &start, &length, &base);
      const guint8 *b = g_bytes_get_data (buffer, NULL);
      if (show)
        g_string_append_printf (out, "\n%s   |%s", fmt.indent, "###[ rest ]### ");
      else if (fmt.n > 0)
        g_string_append (out, ", ");
      craft__format_bytes_literal (b + start + taken, length - taken, out);
    }
  if (!show)
    g_string_append_c (out, ']');
  else if (fmt.n == 0 && taken == length)
    g_string_append (out, "[]");
}

void
craft__slot_format_at (CraftPacket *p, guint layer, guint field, GString *out)
{
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (p, layer), field);
  gsize start, length, base;
  g_autoptr (GBytes) buffer = value_buffer (p, layer, field, &start, &length, &base);
  gsize size;
  const guint8 *b = g_bytes_get_data (buffer, &size);
  const char *problem;
  if (b == NULL || length == 0)
    {
      f->kind->format (NULL, 0, out);
      return;
    }
  f->kind->format_at (b + base, size - base, start - base, out, &problem);
}

void
craft__list_random (CraftRegistry *reg, const CraftFieldDef *f, GRand *rng, GByteArray *out)
{
  g_autoptr (GPtrArray) kinds = g_ptr_array_new ();
  const CraftLayerDef *direct = craft_registry_lookup_layer (reg, f->element_group);
  if (direct != NULL)
    g_ptr_array_add (kinds, (gpointer) direct);
  for (guint i = 0; direct == NULL && i < reg->layers->len; i++)
    {
      const CraftLayerDef *def = g_ptr_array_index (reg->layers, i);
      /* Elements chosen by a test keep what the test reads: their defaults. */
      if (def->element_of != NULL && strcmp (def->element_of, f->element_group) == 0 && def->element_if != NULL)
        g_ptr_array_add (kinds, (gpointer) def);
    }
  if (kinds->len == 0)
    return;
  gint32 n = g_rand_int_range (rng, 0, 5);
  for (gint32 i = 0; i < n; i++)
    {
      const CraftLayerDef *def = g_ptr_array_index (kinds, g_rand_int_range (rng, 0, (gint32) kinds->len));
      g_autoptr (CraftPacket) e = craft_packet_new (reg);
      craft__packet_append_layer (e, def);
      CraftLayer *l = craft__packet_layer (e, 0);
      for (guint k = 0; def->element_fields != NULL && k < def->element_fields->len; k++)
        {
          guint index = g_array_index (def->element_fields, guint, k);
          const CraftFieldDef *vf = craft__layer_field (l, index);
          if (!vf->kind->is_integer)
            continue;
          guint64 value;
          vf->kind->random (vf, vf->enumeration, rng, &value, NULL);
          l->slots[index].state = CRAFT_SLOT_USER;
          l->slots[index].num = value;
        }
      g_autoptr (GBytes) bytes = craft_packet_build (e, NULL);
      if (bytes == NULL || out->len + g_bytes_get_size (bytes) > CRAFT_FUZZ_MAX_LIST_BYTES)
        continue;
      g_byte_array_append (out, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
    }
}
