/* Scapy byte vectors: built, dissected and rebuilt byte for byte; each computed field corrupted, verify names it. */
#include <craft/craft.h>

#include "packet-private.h"
#include "kinds.h"
#include "value.h"

#include <string.h>

typedef struct {
  char *expression;
  char *hex;
  guint line;
} Vector;

static CraftRegistry *registry;

/* Vectors whose wire bytes say something else than their expression, on
 * purpose, without a length field to contradict: the dissector reads what the
 * wire says. Each names a piece of the expression and why. */
static const struct {
  const char *part;
  const char *why;
} reads_otherwise[] = {
  { "ihl=5, options=", "IHL says 5 words, so the option bytes are payload on the wire" },
  { "dataofs=6)/", "the data offset says 6 words, so the first payload bytes are TCP options on the wire" },
};

static gboolean
reads_differently (const char *expression)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reads_otherwise); i++)
    if (strstr (expression, reads_otherwise[i].part) != NULL)
      {
        g_test_message ("fields not compared: %s", reads_otherwise[i].why);
        return TRUE;
      }
  return FALSE;
}

static char *
to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

/* Two consecutive fallback layers (Raw/"cd") dissect as one: no layer-by-layer comparison then. */
static gboolean
has_adjacent_fallbacks (CraftPacket *packet)
{
  for (guint i = 1; i < craft_packet_get_n_layers (packet); i++)
    if (craft_packet_get_layer (packet, i) == craft_packet_get_layer (packet, i - 1)
        && strcmp (craft_layer_def_get_name (craft_packet_get_layer (packet, i)), "Raw") == 0)
      return TRUE;
  return FALSE;
}

static gboolean
assert_same_fields (CraftPacket *built, CraftPacket *dissected, const Vector *v)
{
  guint n = craft_packet_get_n_layers (built);
  g_autofree char *built_summary = craft_packet_summary (built);
  g_autofree char *dissected_summary = craft_packet_summary (dissected);
  /* Bytes the expression calls Raw or Padding may be a known layer on the
   * wire (IP(proto="udp")/Raw(b"<a UDP header>")): layers compare up to there. */
  for (guint i = 0; i < n; i++)
    {
      const char *name = craft_layer_def_get_name (craft_packet_get_layer (built, i));
      if (strcmp (name, "Raw") == 0 || strcmp (name, "Padding") == 0)
        n = i;
    }
  guint matching = craft_packet_get_n_layers (dissected);
  for (guint i = 0; i < n && i < matching; i++)
    if (craft_packet_get_layer (dissected, i) != craft_packet_get_layer (built, i))
      matching = 0;
  if (matching < n)
    {
      g_test_fail_printf ("line %u: %s: built %s, dissected %s", v->line, v->expression, built_summary,
                          dissected_summary);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      const CraftLayerDef *def = craft_packet_get_layer (built, i);
      for (guint k = 0; k < craft_layer_def_get_n_fields (def); k++)
        {
          const char *name = craft_field_def_get_name (craft_layer_def_get_field (def, k));
          gboolean present = craft_packet_has_field (built, i, name);
          g_assert_cmpint (craft_packet_has_field (dissected, i, name), ==, present);
          if (!present)
            continue;
          g_autofree char *want = craft_packet_format_field (built, i, name, NULL);
          g_autofree char *have = craft_packet_format_field (dissected, i, name, NULL);
          if (g_strcmp0 (want, have) != 0)
            {
              g_test_fail_printf ("line %u: %s: layer %u field %s: built %s, dissected %s", v->line, v->expression, i,
                                  name, want, have);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static void
test_vector (gconstpointer data)
{
  const Vector *v = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) built = craft_packet_new_from_expression (registry, v->expression, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (built, &error);
  g_assert_no_error (error);
  g_autofree char *hex = to_hex (bytes);
  if (strcmp (hex, v->hex) != 0)
    {
      g_test_fail_printf ("line %u: %s\n  scapy %s\n  craft %s", v->line, v->expression, v->hex, hex);
      return;
    }

  /* Dissect from the first layer, compare, rebuild. */
  const char *first = craft_layer_def_get_name (craft_packet_get_layer (built, 0));
  gsize len;
  const guint8 *raw = g_bytes_get_data (bytes, &len);
  g_autoptr (CraftPacket) dissected = craft_packet_new_from_bytes (registry, first, raw, len, &error);
  g_assert_no_error (error);
  /* A packet whose fields disagree with each other on purpose (an explicit
   * wrong length) is dissected by what its length fields say, and the
   * dissector must say so; every consistent packet compares field by field. */
  for (guint i = 0; i < craft_packet_get_n_findings (dissected); i++)
    g_test_message ("finding, fields not compared: %s", craft_packet_get_finding (dissected, i)->message);
  if (craft_packet_get_n_findings (dissected) == 0 && !has_adjacent_fallbacks (built)
      && !reads_differently (v->expression) && !assert_same_fields (built, dissected, v))
    return;
  g_autoptr (GBytes) rebuilt = craft_packet_build (dissected, &error);
  g_assert_no_error (error);
  g_autofree char *rehex = to_hex (rebuilt);
  g_assert_cmpstr (rehex, ==, v->hex);
}

static gboolean
any_layer_cut (CraftPacket *packet)
{
  for (guint i = 0; i < packet->layers->len; i++)
    if (craft__packet_layer (packet, i)->cut)
      return TRUE;
  return FALSE;
}

/* The vector's bytes with field `index` of `layer` of `packet` (dissected
 * from them) set to `value`. */
static GBytes *
with_field (CraftPacket *packet, guint layer, guint index, guint64 value)
{
  gsize len;
  const guint8 *wire = g_bytes_get_data (packet->wire, &len);
  guint8 *data = g_memdup2 (wire, len);
  const CraftLayer *l = craft__packet_layer (packet, layer);
  const CraftSlot *s = &l->slots[index];
  if (craft__layer_field (l, index)->little_endian)
    craft__le_write (data + s->bit_off / 8, s->bit_len / 8, value);
  else
    craft__bits_write (data, s->bit_off, s->bit_len, value);
  return g_bytes_new_take (data, len);
}

/* The finding verify gives field `index` of `layer`: "L.f is HAVE, should be WANT". */
static char *
finding_text (CraftPacket *packet, guint layer, guint index, guint64 have, guint64 want)
{
  const CraftLayer *l = craft__packet_layer (packet, layer);
  const CraftFieldDef *f = craft__layer_field (l, index);
  GString *h = g_string_new (NULL), *w = g_string_new (NULL);
  craft__field_format_int (f, NULL, have, CRAFT_FORMAT_REPR, h);
  craft__field_format_int (f, NULL, want, CRAFT_FORMAT_REPR, w);
  char *text = g_strdup_printf ("%s.%s is %s, should be %s", l->def->name, f->name, h->str, w->str);
  g_string_free (h, TRUE);
  g_string_free (w, TRUE);
  return text;
}

/* A computed field of a dissected packet that verify judges. */
static gboolean
judged_field (const CraftLayer *l, guint index)
{
  const CraftFieldDef *f = craft__layer_field (l, index);
  const CraftSlot *s = &l->slots[index];
  return s->present && s->state == CRAFT_SLOT_WIRE && f->default_mode == CRAFT_DEFAULT_COMPUTED && f->derived
         && f->kind->is_integer && s->bit_len > 0;
}

/* A 0 for `x ?: y` is the sender's "not computed" (a UDP checksum of 0): no value to compare. */
static gboolean
none_sentinel (const CraftLayer *l, guint index)
{
  const CraftCalc *calc = craft__layer_field (l, index)->default_calc;
  return l->slots[index].num == 0 && calc->type == CRAFT_CALC_BINARY && calc->op == CRAFT_OP_ELSE;
}

/* What the builder computes for field `index` of `layer` of a dissected
 * packet when every other computed field keeps the value it has there;
 * FALSE when it cannot (a checksum with no pseudo-header). */
static gboolean
builder_value (CraftPacket *packet, guint layer, guint index, guint64 *value)
{
  g_autoptr (CraftPacket) copy = craft_packet_copy (packet);
  const char *name = craft__layer_field (craft__packet_layer (packet, layer), index)->name;
  for (guint j = 0; j < packet->layers->len; j++)
    {
      const CraftLayer *l = craft__packet_layer (packet, j);
      for (guint m = 0; m < l->def->fields->len; m++)
        {
          const char *other = craft__layer_field (l, m)->name;
          if (judged_field (l, m) && !(j == layer && strcmp (other, name) == 0))
            g_assert_true (craft_packet_set_uint (copy, j, other, l->slots[m].num, NULL));
        }
    }
  /* As Scapy recomputes a field: del p.field. */
  g_assert_true (craft_packet_unset (copy, layer, name, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) built = craft_packet_build (copy, &error);
  g_assert_no_error (error);
  g_assert_nonnull (built);
  const guint8 *data;
  gsize len;
  craft__slot_value (copy, NULL, layer, index, value, &data, &len);
  return !craft__packet_layer (copy, layer)->slots[index].unknown;
}

/* Whether two dissections read the same layers, spans and values, but
 * for the computed fields. */
static gboolean
same_dissection (CraftPacket *a, CraftPacket *b)
{
  if (a->layers->len != b->layers->len)
    return FALSE;
  for (guint j = 0; j < a->layers->len; j++)
    {
      const CraftLayer *la = craft__packet_layer (a, j), *lb = craft__packet_layer (b, j);
      if (la->def != lb->def || la->start != lb->start || la->hdr_len != lb->hdr_len || la->end != lb->end)
        return FALSE;
      for (guint m = 0; m < la->def->fields->len; m++)
        {
          if (la->slots[m].present != lb->slots[m].present)
            return FALSE;
          if (!la->slots[m].present || judged_field (la, m))
            continue;
          g_autoptr (GString) va = g_string_new (NULL), vb = g_string_new (NULL);
          craft__packet_format_slot (a, j, m, FALSE, va);
          craft__packet_format_slot (b, j, m, FALSE, vb);
          if (strcmp (va->str, vb->str) != 0)
            return FALSE;
        }
    }
  return TRUE;
}

/* Corrupts each computed field of the vector (checksum, length, count) in
 * turn: verifying the result names that field, with the vector's value as
 * what it should be, which is also what the builder computes for it from
 * the corrupted packet; and the findings are exactly those the builder
 * gives, recomputing each computed field alone with every other one as
 * sent (checksums over the corrupted bytes). Unless the field's layer now runs past the data
 * (cut: nothing is judged) or the bytes dissect into other layers, spans
 * or values (a count that takes an element from the next list). */
static void
test_vector_verify (gconstpointer data)
{
  const Vector *v = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) built = craft_packet_new_from_expression (registry, v->expression, &error);
  g_assert_no_error (error);
  const char *first = craft_layer_def_get_name (craft_packet_get_layer (built, 0));
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  for (gsize i = 0; v->hex[i] != '\0' && v->hex[i + 1] != '\0'; i += 2)
    {
      char pair[3] = { v->hex[i], v->hex[i + 1], '\0' };
      guint8 b = (guint8) g_ascii_strtoull (pair, NULL, 16);
      g_byte_array_append (bytes, &b, 1);
    }
  g_autoptr (CraftPacket) clean = craft_packet_new_from_bytes (registry, first, bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  guint clean_findings = craft_packet_get_n_findings (clean);
  if (craft_packet_verify (clean) != 0 || clean_findings != 0 || any_layer_cut (clean))
    {
      g_test_skip ("the vector's own fields disagree on purpose (or it is cut short): nothing to corrupt");
      return;
    }
  guint judged = 0, skipped = 0;
  for (guint i = 0; i < clean->layers->len; i++)
    {
      const CraftLayer *l = craft__packet_layer (clean, i);
      for (guint k = 0; k < l->def->fields->len; k++)
        {
          const CraftFieldDef *f = craft__layer_field (l, k);
          const CraftSlot *s = &l->slots[k];
          if (!judged_field (l, k))
            continue;
          guint64 mask = s->bit_len >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << s->bit_len) - 1;
          guint64 orig = s->num;
          /* A checksum flipped in its low bits (never 0, which may mean "none"); a length one more. */
          guint64 bad = f->deferred ? (orig ^ 0x5) & mask : (orig + 1) & mask;
          if (bad == 0 || bad == orig)
            bad = (orig ^ 0x3) & mask;
          if (none_sentinel (l, k))
            continue;
          g_autoptr (GBytes) corrupt = with_field (clean, i, k, bad);
          g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (registry, first, g_bytes_get_data (corrupt, NULL),
                                                                   g_bytes_get_size (corrupt), &error);
          g_assert_no_error (error);
          guint before = craft_packet_get_n_findings (p);
          guint added = craft_packet_verify (p);
          if (any_layer_cut (p) || !same_dissection (p, clean))
            {
              g_assert_true (!any_layer_cut (p) || added == 0);
              skipped++;
              continue;
            }
          g_autofree char *want = finding_text (clean, i, k, bad, orig);
          /* The builder, given the corrupted packet, agrees; where it
           * cannot compute the field, verify does not judge it. */
          guint64 rebuilt;
          if (!builder_value (p, i, k, &rebuilt))
            {
              g_assert_cmpuint (added, ==, 0);
              skipped++;
              continue;
            }
          g_assert_cmpuint (rebuilt, ==, orig);
          /* What the builder says of every computed field, each recomputed
           * alone from the bytes as sent: the findings verify must give. */
          g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
          for (guint j = 0; j < p->layers->len; j++)
            {
              const CraftLayer *lj = craft__packet_layer (p, j);
              for (guint m = 0; m < lj->def->fields->len; m++)
                {
                  guint64 have = lj->slots[m].num, should;
                  if (judged_field (lj, m) && !none_sentinel (lj, m) && builder_value (p, j, m, &should)
                      && should != have)
                    g_ptr_array_add (expected, finding_text (p, j, m, have, should));
                }
            }
          guint named = 0, matched = 0;
          for (guint n = before; n < craft_packet_get_n_findings (p); n++)
            {
              const char *message = craft_packet_get_finding (p, n)->message;
              g_test_message ("%s.%s = %" G_GUINT64_FORMAT ": %s", l->def->name, f->name, bad, message);
              named += strcmp (message, want) == 0;
              for (guint e = 0; e < expected->len; e++)
                matched += strcmp (message, g_ptr_array_index (expected, e)) == 0;
            }
          for (guint e = 0; e < expected->len; e++)
            g_test_message ("the builder: %s", (const char *) g_ptr_array_index (expected, e));
          if (named != 1 || matched != added || added != expected->len)
            g_test_fail_printf ("line %u: %s: %s set to %" G_GUINT64_FORMAT ": expected \"%s\" and the findings "
                                "the builder gives (%u findings, %u expected)",
                                v->line, v->expression, f->name, bad, want, added, expected->len);
          judged++;
        }
    }
  g_test_message ("%u fields corrupted and judged, %u that change the dissection or cannot be computed", judged,
                  skipped);
}

static void
vector_free (gpointer data)
{
  Vector *v = data;
  g_free (v->expression);
  g_free (v->hex);
  g_free (v);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new_default (&error);
  g_assert_no_error (error);

  /* layers.tsv: the standard layers; breadth.tsv: NTP, GRE, VXLAN, IPv6
   * extension headers, ICMPv6 and neighbour discovery; lists.tsv: IP and
   * TCP options, DNS and DHCP (lists of elements). */
  static const struct {
    const char *name;
    guint at_least;
  } files[] = { { "layers", 40 }, { "breadth", 80 }, { "lists", 50 } };
  g_autoptr (GPtrArray) vectors = g_ptr_array_new_with_free_func (vector_free);
  for (gsize f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *file = g_strconcat (files[f].name, ".tsv", NULL);
      g_autofree char *path = g_build_filename (CRAFT_SOURCE_DIR, "tests", "vectors", file, NULL);
      g_autofree char *text = NULL;
      if (!g_file_get_contents (path, &text, NULL, &error))
        g_error ("%s", error->message);
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      guint count = 0;
      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *tab = strchr (lines[i], '\t');
          if (lines[i][0] == '\0' || lines[i][0] == '#' || tab == NULL)
            continue;
          Vector *v = g_new0 (Vector, 1);
          v->expression = g_strndup (lines[i], tab - lines[i]);
          v->hex = g_strdup (tab + 1);
          v->line = i + 1;
          g_ptr_array_add (vectors, v);
          count++;
          g_autofree char *name = g_strdup_printf ("/vectors/%s/line-%03u", files[f].name, v->line);
          g_test_add_data_func (name, v, test_vector);
          g_autofree char *verify_name = g_strdup_printf ("/verify/%s/line-%03u", files[f].name, v->line);
          g_test_add_data_func (verify_name, v, test_vector_verify);
        }
      g_assert_cmpuint (count, >=, files[f].at_least);
    }
  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
