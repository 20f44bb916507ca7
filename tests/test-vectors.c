/* Scapy byte vectors: each expression builds Scapy's bytes, dissects back to the same fields, and rebuilds the same bytes. */
#include <craft/craft.h>

#include "packet-private.h"

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
        }
      g_assert_cmpuint (count, >=, files[f].at_least);
    }
  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
