/* Tests of field extraction: every value read in place equals the one a whole dissection gives, and the fast path is taken. */
#include <craft/craft.h>

#include <string.h>

static CraftRegistry *registry;

static GBytes *
packet_bytes (const char *expression)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, expression, &error);
  g_assert_no_error (error);
  GBytes *bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  return bytes;
}

/* Checks every field of `x` after a run on `data` against a whole
 * dissection of it from `first`, through the packet API. */
static void
assert_same_as_dissection (CraftExtractor *x, const CraftLayerDef *first, const guint8 *data, gsize length,
                           const char *what)
{
  g_autoptr (GError) error = NULL;
  craft_extractor_run (x, first, data, length);
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (registry, craft_layer_def_get_name (first), data, length,
                                                           &error);
  g_assert_no_error (error);
  for (guint i = 0; i < craft_extractor_get_n_fields (x); i++)
    {
      const char *name = craft_extractor_get_field_name (x, i);
      gint layer = craft_packet_find_layer_def (p, craft_extractor_get_layer (x, i), 0);
      guint bit = 0, bits = 0;
      gboolean present = layer >= 0 && craft_packet_get_span (p, (guint) layer, name, &bit, &bits);
      guint64 got = 0, want = 0;
      gsize got_length = 0;
      gboolean got_integer = craft_extractor_get_uint (x, i, &got);
      const guint8 *got_bytes = craft_extractor_peek_bytes (x, i, &got_length);
      /* The values array says the same as the getters. */
      const CraftExtractedValue *v = &craft_extractor_get_values (x)[i];
      g_assert_cmpint (v->present, ==, got_integer || got_bytes != NULL);
      if (got_integer)
        g_assert_true (v->integer && v->num == got);
      else if (got_bytes != NULL)
        g_assert_true (!v->integer && v->length == got_length && (got_length == 0 || v->bytes == got_bytes));
      if (!present)
        {
          if (got_integer || got_bytes != NULL)
            g_error ("%s: %s.%s is absent from the dissection, the extractor has it (%s)", what,
                     craft_layer_def_get_name (craft_extractor_get_layer (x, i)), name,
                     craft_extractor_last_in_place (x) ? "in place" : "whole");
          continue;
        }
      if (craft_packet_get_uint (p, (guint) layer, name, &want, NULL))
        {
          if (!got_integer || got != want)
            g_error ("%s: %s.%s is %" G_GUINT64_FORMAT ", the extractor says %s%" G_GUINT64_FORMAT " (%s)", what,
                     craft_layer_def_get_name (craft_extractor_get_layer (x, i)), name, want,
                     got_integer ? "" : "nothing, ", got, craft_extractor_last_in_place (x) ? "in place" : "whole");
          continue;
        }
      if (got_bytes == NULL || got_length != bits / 8 || memcmp (got_bytes, data + bit / 8, bits / 8) != 0)
        g_error ("%s: %s.%s (%u bytes at %u) differs in the extractor (%s)", what,
                 craft_layer_def_get_name (craft_extractor_get_layer (x, i)), name, bits / 8, bit / 8,
                 craft_extractor_last_in_place (x) ? "in place" : "whole");
    }
}

/* An extractor for every field of `def`, each name once. */
static CraftExtractor *
extractor_for_layer (const CraftLayerDef *def)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < craft_layer_def_get_n_fields (def); k++)
    {
      const char *field = craft_field_def_get_name (craft_layer_def_get_field (def, k));
      g_autofree char *name = g_strdup_printf ("%s.%s", craft_layer_def_get_name (def), field);
      gboolean seen = FALSE;
      for (guint j = 0; j < names->len && !seen; j++)
        seen = strcmp (g_ptr_array_index (names, j), name) == 0;
      if (!seen)
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
  g_ptr_array_add (names, NULL);
  g_autoptr (GError) error = NULL;
  CraftExtractor *x = craft_extractor_new (registry, (const char *const *) names->pdata, &error);
  g_assert_no_error (error);
  return x;
}

typedef struct {
  GHashTable *by_layer;   /* CraftLayerDef* → CraftExtractor* of all its fields */
  CraftExtractor *ports;  /* addresses and ports of IPv4, IPv6, UDP and TCP together */
  guint64 runs, in_place;
} Extractors;

/* Every extractor of a layer the packet has, dissected whole, on `data`. */
static void
check_all (Extractors *e, const CraftLayerDef *first, const guint8 *data, gsize length, const char *what)
{
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (registry, craft_layer_def_get_name (first), data, length,
                                                           NULL);
  g_assert_nonnull (p);
  for (guint i = 0; i <= craft_packet_get_n_layers (p); i++)
    {
      const CraftLayerDef *def = i < craft_packet_get_n_layers (p) ? craft_packet_get_layer (p, i) : NULL;
      CraftExtractor *x = def != NULL ? g_hash_table_lookup (e->by_layer, def) : e->ports;
      if (x == NULL)
        continue;
      assert_same_as_dissection (x, first, data, length, what);
      e->runs++;
      e->in_place += craft_extractor_last_in_place (x);
    }
}

/* Each vector of the Scapy files, cut at every length and with bytes
 * changed at random: the extractor of every layer it has agrees with the
 * dissection. */
static void
test_vectors_agree (void)
{
  Extractors e = { g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) craft_extractor_free), NULL, 0, 0 };
  for (guint i = 0; i < craft_registry_get_n_layers (registry); i++)
    {
      const CraftLayerDef *def = craft_registry_get_layer (registry, i);
      g_hash_table_insert (e.by_layer, (gpointer) def, extractor_for_layer (def));
    }
  static const char *const ports[] = { "IP.src", "IP.dst", "IPv6.src", "IPv6.dst", "UDP.sport", "UDP.dport",
                                       "TCP.sport", "TCP.dport", "ICMP.type", NULL };
  g_autoptr (GError) error = NULL;
  e.ports = craft_extractor_new (registry, ports, &error);
  g_assert_no_error (error);
  g_autoptr (GRand) rng = g_rand_new_with_seed (8);
  guint vectors = 0;
  static const char *const files[] = { "layers.tsv", "breadth.tsv", "lists.tsv" };
  for (gsize f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = g_build_filename (CRAFT_SOURCE_DIR, "tests", "vectors", files[f], NULL);
      g_autofree char *text = NULL;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      for (guint n = 0; lines[n] != NULL; n++)
        {
          char *tab = strchr (lines[n], '\t');
          if (lines[n][0] == '\0' || lines[n][0] == '#' || tab == NULL)
            continue;
          g_autofree char *first_name = g_strndup (lines[n], strcspn (lines[n], "(/\t"));
          const CraftLayerDef *first = craft_registry_lookup_layer (registry, first_name);
          g_assert_nonnull (first);
          gsize length = strlen (tab + 1) / 2;
          g_autofree guint8 *data = g_malloc (length + 1);
          for (gsize k = 0; k < length; k++)
            data[k] = (guint8) (g_ascii_xdigit_value (tab[1 + 2 * k]) << 4 | g_ascii_xdigit_value (tab[2 + 2 * k]));
          g_autofree char *what = g_strdup_printf ("%s line %u", files[f], n + 1);
          for (gsize cut = 0; cut <= length; cut++)
            check_all (&e, first, data, cut, what);
          g_autofree guint8 *changed = g_memdup2 (data, length + 1);
          for (guint round = 0; round < 24 && length > 0; round++)
            {
              memcpy (changed, data, length);
              for (guint k = 0; k < 1 + round % 4; k++)
                changed[g_rand_int_range (rng, 0, (gint32) MIN (length, 80))] = (guint8) g_rand_int (rng);
              check_all (&e, first, changed, length, what);
            }
          vectors++;
        }
    }
  g_test_message ("%u vectors, %" G_GUINT64_FORMAT " runs, %" G_GUINT64_FORMAT " in place", vectors, e.runs,
                  e.in_place);
  g_assert_cmpuint (vectors, >, 350);
  /* Most of them are read in place: the test covers the fast path. */
  g_assert_cmpuint (e.in_place, >, e.runs / 2);
  craft_extractor_free (e.ports);
  g_hash_table_unref (e.by_layer);
}

static CraftExtractor *
extractor (const char *const *fields)
{
  g_autoptr (GError) error = NULL;
  CraftExtractor *x = craft_extractor_new (registry, fields, &error);
  g_assert_no_error (error);
  return x;
}

/* The bytes of the last run_expression(), which its values point into. */
static GBytes *last_bytes;

/* Runs `x` on the packet `expression` builds, from its link type, and
 * checks it against the dissection; returns whether it read in place. */
static gboolean
run_expression (CraftExtractor *x, const char *expression)
{
  g_clear_pointer (&last_bytes, g_bytes_unref);
  GBytes *bytes = last_bytes = packet_bytes (expression);
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  const CraftLayerDef *first = craft_registry_lookup_linktype_for_data (registry, 1, data, length);
  assert_same_as_dissection (x, first, data, length, expression);
  craft_extractor_run_linktype (x, 1, data, length);
  return craft_extractor_last_in_place (x);
}

/* The common headers are read in place, options and ICMP errors included;
 * a DNS field needs the whole dissection, an address below DNS does not. */
static void
test_fast_path_taken (void)
{
  static const char *const fields[] = { "IP.src", "IP.dst", "UDP.sport", "UDP.dport", "TCP.sport", "TCP.dport",
                                        NULL };
  CraftExtractor *x = extractor (fields);
  g_assert_true (run_expression (x, "Ether()/IP(src='192.0.2.1',dst='192.0.2.2')/UDP(sport=7,dport=40000)/'abc'"));
  gsize length;
  const guint8 *src = craft_extractor_peek_bytes (x, 0, &length);
  g_assert_cmpmem (src, length, "\xc0\x00\x02\x01", 4);
  guint64 v;
  g_assert_true (craft_extractor_get_uint (x, 3, &v));
  g_assert_cmpuint (v, ==, 40000);
  g_assert_false (craft_extractor_get_uint (x, 4, &v));
  g_assert_null (craft_extractor_peek_bytes (x, 3, &length)); /* an integer */
  g_assert_true (run_expression (x, "Ether()/IP(options=[IPOption_RR(routers=['192.0.2.9'])])/"
                                    "TCP(sport=1,dport=2,options=[('MSS',1460),('SAckOK',b'')])/'x'"));
  g_assert_true (craft_extractor_get_uint (x, 4, &v));
  g_assert_cmpuint (v, ==, 1);
  /* The first UDP is the one an ICMP error quotes. */
  g_assert_true (run_expression (x, "Ether()/IP()/ICMP(type=3,code=3)/IP(dst='192.0.2.7')/UDP(sport=9,dport=53)"));
  g_assert_true (craft_extractor_get_uint (x, 2, &v));
  g_assert_cmpuint (v, ==, 9);
  g_assert_true (run_expression (x, "Ether()/IP()/UDP(sport=5353,dport=53)/DNS(qd=DNSQR(qname='example.com'))"));
  g_assert_true (run_expression (x, "Ether()/Dot1Q(vlan=5)/IP()/TCP()"));
  g_assert_true (run_expression (x, "Ether()/IPv6()/UDP()"));
  craft_extractor_free (x);

  /* A layer whose length is its own header (ARP), Padding after it. */
  static const char *const arp[] = { "ARP.psrc", "ARP.op", NULL };
  x = extractor (arp);
  g_assert_true (run_expression (x, "Ether()/ARP(op=2,psrc='192.0.2.3',pdst='192.0.2.4')/Padding(load='paddingpaddingpadd')"));
  g_assert_true (craft_extractor_get_uint (x, 1, &v));
  g_assert_cmpuint (v, ==, 2);
  craft_extractor_free (x);

  static const char *const dns[] = { "DNS.id", "UDP.dport", NULL };
  x = extractor (dns);
  g_assert_false (run_expression (x, "Ether()/IP()/UDP(dport=53)/DNS(id=77,qd=DNSQR(qname='example.com'))"));
  g_assert_true (craft_extractor_get_uint (x, 0, &v));
  g_assert_cmpuint (v, ==, 77);
  /* No DNS can follow ICMP echo: nothing to dissect whole. */
  g_assert_true (run_expression (x, "Ether()/IP()/ICMP()/'ping'"));
  g_assert_false (craft_extractor_get_uint (x, 0, &v));
  craft_extractor_free (x);

  /* Raw is wherever no binding claims the bytes: always whole. */
  static const char *const raw[] = { "Raw.load", NULL };
  x = extractor (raw);
  g_assert_false (run_expression (x, "Ether()/IP()/UDP(dport=40000)/'abc'"));
  g_assert_cmpmem (craft_extractor_peek_bytes (x, 0, &length), length, "abc", 3);
  craft_extractor_free (x);
}

/* A capture's link type chooses the first layer; raw IP reads IPv6 too. */
static void
test_linktype (void)
{
  static const char *const fields[] = { "IPv6.hlim", "IP.ttl", NULL };
  CraftExtractor *x = extractor (fields);
  g_autoptr (GBytes) v6 = packet_bytes ("IPv6(hlim=9)/UDP()");
  g_autoptr (GBytes) v4 = packet_bytes ("IP(ttl=3)/UDP()");
  guint64 v;
  for (guint round = 0; round < 2; round++)
    {
      craft_extractor_run_linktype (x, 101, g_bytes_get_data (v6, NULL), g_bytes_get_size (v6));
      g_assert_true (craft_extractor_get_uint (x, 0, &v));
      g_assert_cmpuint (v, ==, 9);
      g_assert_false (craft_extractor_get_uint (x, 1, &v));
      craft_extractor_run_linktype (x, 101, g_bytes_get_data (v4, NULL), g_bytes_get_size (v4));
      g_assert_true (craft_extractor_get_uint (x, 1, &v));
      g_assert_cmpuint (v, ==, 3);
    }
  /* Ethernet's link type with IPv4 bytes: Ether, which they do not fit. */
  craft_extractor_run_linktype (x, 1, g_bytes_get_data (v4, NULL), g_bytes_get_size (v4));
  g_assert_false (craft_extractor_get_uint (x, 1, &v));
  craft_extractor_free (x);
}

/* Definitions loaded after the extractor was made: it reads every packet
 * whole from then on, with the values a dissection now gives. */
static void
test_registry_changed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new_default (&error);
  g_assert_no_error (error);
  static const char *const fields[] = { "IP.src", "UDP.dport", "Raw.load", NULL };
  CraftExtractor *x = craft_extractor_new (reg, fields, &error);
  g_assert_no_error (error);
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (
    reg, "Ether()/IP(src='192.0.2.5')/UDP(dport=40001)/'abcd'", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  const CraftLayerDef *ether = craft_registry_lookup_layer (reg, "Ether");
  craft_extractor_run (x, ether, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  gsize length;
  g_assert_cmpmem (craft_extractor_peek_bytes (x, 2, &length), length, "abcd", 4);
  g_assert_true (craft_registry_load_data (reg, "new.pdl", "layer Four { a: u16; b: u16; }\n"
                                           "bind UDP.dport == 40001 -> Four;\n", -1, &error));
  g_assert_no_error (error);
  craft_extractor_run (x, ether, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_false (craft_extractor_last_in_place (x));
  g_assert_cmpmem (craft_extractor_peek_bytes (x, 0, &length), length, "\xc0\x00\x02\x05", 4);
  /* The payload is Four's now: no Raw. */
  g_assert_null (craft_extractor_peek_bytes (x, 2, &length));
  craft_extractor_free (x);
}

static void
test_bad_fields (void)
{
  static const struct {
    const char *field, *message;
  } cases[] = {
    { "IP", "field 'IP': write it LAYER.field, as IP.src" },
    { "Nope.x", "field 'Nope.x': unknown layer 'Nope'" },
    { "IP.nope", "field 'IP.nope': IP has no field 'nope'" },
    { ".src", "field '.src': write it LAYER.field, as IP.src" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *fields[] = { "UDP.sport", cases[i].field, NULL };
      g_autoptr (GError) error = NULL;
      g_assert_null (craft_extractor_new (registry, fields, &error));
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_test_add_func ("/extract/vectors-agree", test_vectors_agree);
  g_test_add_func ("/extract/fast-path-taken", test_fast_path_taken);
  g_test_add_func ("/extract/linktype", test_linktype);
  g_test_add_func ("/extract/bad-fields", test_bad_fields);
  g_test_add_func ("/extract/registry-changed", test_registry_changed);
  int status = g_test_run ();
  g_clear_pointer (&last_bytes, g_bytes_unref);
  craft_registry_unref (registry);
  return status;
}
