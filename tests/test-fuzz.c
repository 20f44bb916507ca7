/* Fuzzing: craft_packet_fuzz() and the kinds' random values, craft fuzz, and the limits on hostile input. */
#include <craft/craft.h>

#include "craft-limits.h"
#include "kinds.h"
#include "model.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static CraftRegistry *registry;
static char *tmpdir;

/* The stacks every fuzzed packet of which must come out well-formed. */
static const char *const stacks[] = {
  "Ether()/IP()/TCP()",
  "Ether()/IP()/UDP()",
  "IP()/ICMP()",
  "Ether()/ARP()",
  "Ether()/Dot1Q()/IP()/UDP()",
  "Ether()/Dot1Q()/Dot1Q()/ARP()",
  "Ether()/IPv6()/TCP()",
  "Ether()/IP()/TCP()/\"GET / HTTP/1.0\\r\\n\\r\\n\"",
  "IP()/UDP()/Raw()",
  "Loopback()/IP()/ICMP()",
  "CookedLinux()/IP()/UDP()",
  "Ether()/IP()/UDP()/VXLAN()/Ether()/IP()/TCP()",
  "IP()/GRE()/IP()/UDP()",
  "Ether()/IPv6()/ICMPv6EchoRequest()",
  "IPv6()/ICMPv6ND_NS()/ICMPv6NDOptSrcLLAddr()",
  "IPv6()/ICMPv6ND_RA()/ICMPv6NDOptPrefixInfo()/ICMPv6NDOptMTU()",
  "IP()/UDP()/NTPHeader()",
  "IPv6()/IPv6ExtHdrHopByHop()/IPv6ExtHdrFragment()/UDP()",
  "IPv6()/IPv6ExtHdrRouting()/TCP()",
  "IPv6()/IPv6ExtHdrSegmentRouting(addresses=[\"2001:db8::5\",\"2001:db8::6\"])/UDP()",
  "IP()/UDP(sport=68,dport=67)/BOOTP()/DHCP()",
};

static char *
to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static CraftPacket *
parse (CraftRegistry *reg, const char *expression)
{
  g_autoptr (GError) error = NULL;
  CraftPacket *p = craft_packet_new_from_expression (reg, expression, &error);
  g_assert_no_error (error);
  return p;
}

/* Fuzzes `template` once and builds it; returns the bytes. */
static GBytes *
fuzz_build (CraftPacket *template, GRand *rng, CraftFuzzFlags flags, CraftPacket **fuzzed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_fuzz (template, rng, flags);
  GBytes *bytes = craft_packet_build (p, &error);
  g_assert_no_error (error);
  if (fuzzed != NULL)
    *fuzzed = g_steal_pointer (&p);
  return bytes;
}

/* The hex of `n` packets fuzzed from `expression` with `seed`, one per line. */
static char *
fuzz_hex (const char *expression, guint32 seed, guint n, CraftFuzzFlags flags)
{
  g_autoptr (CraftPacket) template = parse (registry, expression);
  g_autoptr (GRand) rng = g_rand_new_with_seed (seed);
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GBytes) bytes = fuzz_build (template, rng, flags, NULL);
      g_autofree char *hex = to_hex (bytes);
      g_string_append_printf (out, "%s\n", hex);
    }
  return g_string_free (out, FALSE);
}

static void
test_same_seed (void)
{
  g_test_summary ("The same seed gives the same bytes, packet for packet; another seed gives others.");
  for (gsize s = 0; s < G_N_ELEMENTS (stacks); s++)
    for (int flags = 0; flags < 4; flags++)
      {
        g_autofree char *a = fuzz_hex (stacks[s], 12345, 50, flags);
        g_autofree char *b = fuzz_hex (stacks[s], 12345, 50, flags);
        g_autofree char *c = fuzz_hex (stacks[s], 12346, 50, flags);
        g_assert_cmpstr (a, ==, b);
        g_assert_cmpstr (a, !=, c);
      }
}

static void
test_template_untouched (void)
{
  g_test_summary ("Fuzzing returns a copy: the template builds the same bytes before and after.");
  g_autoptr (CraftPacket) template = parse (registry, "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(dport=53)/\"q\"");
  g_autoptr (GBytes) before = craft_packet_build (template, NULL);
  g_autoptr (GRand) rng = g_rand_new_with_seed (1);
  for (int i = 0; i < 20; i++)
    {
      g_autoptr (GBytes) fuzzed = fuzz_build (template, rng, CRAFT_FUZZ_BREAK_LENGTHS, NULL);
      (void) fuzzed;
    }
  g_autoptr (GBytes) after = craft_packet_build (template, NULL);
  g_assert_true (g_bytes_equal (before, after));
}

/* Field values as text, from the dissection of `bytes`. */
static char *
dissected_field (GBytes *bytes, const char *first, const char *layer, const char *field)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (registry, first, data, len, NULL);
  gint index = craft_packet_find_layer (p, layer, 0);
  g_assert_cmpint (index, >=, 0);
  return craft_packet_format_field (p, (guint) index, field, NULL);
}

static void
test_explicit_fields (void)
{
  g_test_summary ("Fields the expression sets never change across 1,000 fuzzed packets, in the bytes as dissected.");
  static const struct {
    const char *layer, *field, *value;
  } kept[] = {
    { "Ether", "dst", "00:11:22:33:44:55" }, { "Ether", "src", "66:77:88:99:aa:bb" },
    { "IP", "src", "192.0.2.1" },            { "IP", "dst", "198.51.100.2" },
    { "IP", "ttl", "3" },                    { "IP", "id", "4660" },
    { "IP", "chksum", "0x1234" },            { "TCP", "sport", "1234" },
    { "TCP", "dport", "http" },              { "TCP", "flags", "SA" },
    { "TCP", "options", "[TCPOption_MSS(kind=MSS, len=4, mss=1460)]" }, { "Raw", "load", "b'hello'" },
  };
  g_autoptr (CraftPacket) template
    = parse (registry, "Ether(dst=\"00:11:22:33:44:55\",src=\"66:77:88:99:aa:bb\")/IP(src=\"192.0.2.1\","
                       "dst=\"198.51.100.2\",ttl=3,id=0x1234,chksum=0x1234)/TCP(sport=1234,dport=80,flags=\"SA\","
                       "options=b\"\\x02\\x04\\x05\\xb4\")/\"hello\"");
  for (int flags = 0; flags < 4; flags++)
    {
      g_autoptr (GRand) rng = g_rand_new_with_seed (42 + flags);
      for (int i = 0; i < 1000 / 4; i++)
        {
          g_autoptr (CraftPacket) fuzzed = NULL;
          g_autoptr (GBytes) bytes = fuzz_build (template, rng, flags, &fuzzed);
          for (gsize k = 0; k < G_N_ELEMENTS (kept); k++)
            {
              gint layer = craft_packet_find_layer (fuzzed, kept[k].layer, 0);
              g_autofree char *built = craft_packet_format_field (fuzzed, (guint) layer, kept[k].field, NULL);
              g_assert_cmpstr (built, ==, kept[k].value);
              /* With lengths broken, the bytes may not dissect back to these layers. */
              if ((flags & CRAFT_FUZZ_BREAK_LENGTHS) == 0)
                {
                  g_autofree char *read = dissected_field (bytes, "Ether", kept[k].layer, kept[k].field);
                  g_assert_cmpstr (read, ==, kept[k].value);
                }
            }
        }
    }
}

/* Dissects `bytes` from the first layer of `template`: no findings, the same
 * layers, nothing verify objects to. */
static void
assert_well_formed (CraftRegistry *reg, CraftPacket *template, GBytes *bytes, const char *expression)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  const char *first = craft_layer_def_get_name (craft_packet_get_layer (template, 0));
  g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (reg, first, data, len, NULL);
  g_autofree char *hex = to_hex (bytes);
  if (craft_packet_get_n_findings (p) > 0)
    g_error ("%s: %s: %s", expression, hex, craft_packet_get_finding (p, 0)->message);
  guint found = craft_packet_verify (p);
  if (found > 0)
    g_error ("%s: %s: %s", expression, hex, craft_packet_get_finding (p, 0)->message);
  /* A Raw the expression asks for may be empty: then dissection has none. */
  guint n = craft_packet_get_n_layers (template);
  guint have = craft_packet_get_n_layers (p);
  if (have == n - 1 && strcmp (craft_layer_def_get_name (craft_packet_get_layer (template, n - 1)), "Raw") == 0)
    n--;
  if (have != n)
    g_error ("%s: %s: %u layers dissected, %u built", expression, hex, have, n);
  for (guint i = 0; i < n; i++)
    if (craft_packet_get_layer (p, i) != craft_packet_get_layer (template, i))
      g_error ("%s: %s: layer %u dissects as %s", expression, hex, i,
               craft_layer_def_get_name (craft_packet_get_layer (p, i)));
  /* And it rebuilds to the same bytes. */
  g_autoptr (GBytes) rebuilt = craft_packet_build (p, NULL);
  g_assert_true (g_bytes_equal (rebuilt, bytes));
}

static void
test_well_formed (void)
{
  g_test_summary ("With lengths and checksums kept, every fuzzed packet dissects as the same layers, without "
                  "findings, and verifies.");
  for (gsize s = 0; s < G_N_ELEMENTS (stacks); s++)
    {
      g_autoptr (CraftPacket) template = parse (registry, stacks[s]);
      g_autoptr (GRand) rng = g_rand_new_with_seed ((guint32) s);
      for (int i = 0; i < 1000; i++)
        {
          g_autoptr (GBytes) bytes = fuzz_build (template, rng, CRAFT_FUZZ_KEEP_COMPUTED, NULL);
          assert_well_formed (registry, template, bytes, stacks[s]);
        }
    }
}

static void
test_examples_well_formed (void)
{
  g_test_summary ("The example protocols fuzz well-formed too: sized strings follow their length fields.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, &error));
  g_assert_true (craft_registry_load_dir (reg, CRAFT_SOURCE_DIR "/proto/examples", &error));
  g_assert_no_error (error);
  static const char *const examples[] = {
    "IP()/UDP()/Telemetry()",
    "IP()/UDP()/Telemetry(urgent=1)",
    "IP()/TCP()/Spindle()/SpindleJob()",
    "IP()/TCP()/Spindle()/SpindleState()",
    "IP()/TCP()/Spindle()",
    "IP()/TCP(dport=7878)/Spindle(traced=1)/SpindleJob(name_len=5)",
  };
  for (gsize s = 0; s < G_N_ELEMENTS (examples); s++)
    {
      g_autoptr (CraftPacket) template = parse (reg, examples[s]);
      g_autoptr (GRand) rng = g_rand_new_with_seed ((guint32) s);
      for (int i = 0; i < 500; i++)
        {
          g_autoptr (GBytes) bytes = fuzz_build (template, rng, CRAFT_FUZZ_KEEP_COMPUTED, NULL);
          assert_well_formed (reg, template, bytes, examples[s]);
        }
    }
}

/* Packets of `expression` fuzzed with `flags` that dissect with findings or fail verification. */
static guint
count_broken (const char *expression, CraftFuzzFlags flags, guint n)
{
  g_autoptr (CraftPacket) template = parse (registry, expression);
  const char *first = craft_layer_def_get_name (craft_packet_get_layer (template, 0));
  g_autoptr (GRand) rng = g_rand_new_with_seed (7);
  guint broken = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GBytes) bytes = fuzz_build (template, rng, flags, NULL);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      g_autoptr (CraftPacket) p = craft_packet_new_from_bytes (registry, first, data, len, NULL);
      broken += craft_packet_get_n_findings (p) > 0 || craft_packet_verify (p) > 0;
    }
  return broken;
}

static void
test_break (void)
{
  g_test_summary ("--break lengths and --break checksums make packets that fail dissection or verification.");
  /* A random 16-bit checksum is right once in 65,536. */
  g_assert_cmpuint (count_broken ("Ether()/IP()/TCP()", CRAFT_FUZZ_BREAK_CHECKSUMS, 200), >=, 195);
  g_assert_cmpuint (count_broken ("IP()/UDP()/\"x\"", CRAFT_FUZZ_BREAK_LENGTHS, 200), >=, 150);
  g_assert_cmpuint (count_broken ("Ether()/IP()/UDP()", CRAFT_FUZZ_BREAK_LENGTHS | CRAFT_FUZZ_BREAK_CHECKSUMS, 200),
                    >=, 195);
  g_assert_cmpuint (count_broken ("Ether()/IP()/UDP()", CRAFT_FUZZ_KEEP_COMPUTED, 200), ==, 0);
}

static void
test_sets (void)
{
  g_test_summary ("Each member of a set is fuzzed with its own values.");
  g_autoptr (CraftPacket) template = parse (registry, "IP(dst=\"192.0.2.0/31\")/UDP(dport=[1,2])");
  g_autoptr (GRand) rng = g_rand_new_with_seed (3);
  static const char *const want[][2] = { { "192.0.2.0", "1" }, { "192.0.2.0", "2" }, { "192.0.2.1", "1" },
                                         { "192.0.2.1", "2" } };
  for (guint m = 0; m < 4; m++)
    {
      g_assert_true (craft_packet_select_member (template, m, NULL));
      g_autoptr (CraftPacket) fuzzed = NULL;
      g_autoptr (GBytes) bytes = fuzz_build (template, rng, CRAFT_FUZZ_KEEP_COMPUTED, &fuzzed);
      (void) bytes;
      g_autofree char *dst = craft_packet_format_field (fuzzed, 0, "dst", NULL);
      g_autofree char *dport = craft_packet_format_field (fuzzed, 1, "dport", NULL);
      g_assert_cmpstr (dst, ==, want[m][0]);
      g_assert_cmpstr (dport, ==, want[m][1]);
    }
}

static void
test_kind_random (void)
{
  g_test_summary ("A kind's random values fit the field, favour its names, and reach the edges of its range.");
  const CraftLayerDef *tcp = craft_registry_lookup_layer (registry, "TCP");
  const CraftLayerDef *ip = craft_registry_lookup_layer (registry, "IP");
  const CraftFieldDef *flags = g_ptr_array_index (tcp->fields, craft__layer_def_field_index (tcp, "flags"));
  const CraftFieldDef *dport = g_ptr_array_index (tcp->fields, craft__layer_def_field_index (tcp, "dport"));
  const CraftFieldDef *dst = g_ptr_array_index (ip->fields, craft__layer_def_field_index (ip, "dst"));
  const CraftFieldDef *options = g_ptr_array_index (ip->fields, craft__layer_def_field_index (ip, "options"));
  g_autoptr (GRand) rng = g_rand_new_with_seed (99);
  guint named = 0, zero = 0, max = 0, long_strings = 0;
  for (int i = 0; i < 10000; i++)
    {
      guint64 v;
      flags->kind->random (flags, NULL, rng, &v, NULL);
      g_assert_cmpuint (v, <, 512);
      dport->kind->random (dport, dport->enumeration, rng, &v, NULL);
      g_assert_cmpuint (v, <, 65536);
      named += craft__enum_lookup_value (dport->enumeration, v) != NULL;
      zero += v == 0;
      max += v == 65535;
      g_autoptr (GByteArray) address = g_byte_array_new ();
      dst->kind->random (dst, NULL, rng, &v, address);
      g_assert_cmpuint (address->len, ==, 4);
      g_autoptr (GByteArray) string = g_byte_array_new ();
      options->kind->random (options, NULL, rng, &v, string);
      g_assert_cmpuint (string->len, <=, CRAFT_FUZZ_MAX_BYTES);
      long_strings += string->len > CRAFT_FUZZ_MAX_BYTES / 8;
    }
  g_assert_cmpuint (named, >, 6000);
  g_assert_cmpuint (zero, >, 100);
  g_assert_cmpuint (max, >, 100);
  g_assert_cmpuint (long_strings, >, 3000);
}

static void
test_bindings_respected (void)
{
  g_test_summary ("A field a binding tests never announces a layer the packet does not have.");
  g_autoptr (GRand) rng = g_rand_new_with_seed (5);
  g_autoptr (CraftPacket) icmp = parse (registry, "IP()/ICMP()");
  g_autoptr (CraftPacket) quote = parse (registry, "IP()/ICMP()/IP()/UDP()");
  g_autoptr (CraftPacket) ether = parse (registry, "Ether()/\"data\"");
  for (int i = 0; i < 2000; i++)
    {
      guint64 type;
      g_autoptr (CraftPacket) a = NULL, b = NULL, c = NULL;
      g_autoptr (GBytes) x = fuzz_build (icmp, rng, 0, &a);
      (void) x;
      g_assert_true (craft_packet_get_uint (a, 1, "type", &type, NULL));
      g_assert_true (type != 3 && type != 4 && type != 5 && type != 11 && type != 12);
      /* An ICMP error quoting an IP packet gets one of the types that do. */
      g_autoptr (GBytes) y = fuzz_build (quote, rng, 0, &b);
      (void) y;
      g_assert_true (craft_packet_get_uint (b, 1, "type", &type, NULL));
      g_assert_true (type == 3 || type == 4 || type == 5 || type == 11 || type == 12);
      g_autoptr (GBytes) z = fuzz_build (ether, rng, 0, &c);
      (void) z;
      g_assert_true (craft_packet_get_uint (c, 0, "type", &type, NULL));
      g_assert_true (type != 0x0800 && type != 0x86dd && type != 0x0806 && type != 0x8100 && type != 0x88a8);
    }
}

static void
test_unbound_layer (void)
{
  g_test_summary ("A layer no binding leads to (NTP on ports other than 123) still gets random values.");
  g_autoptr (GRand) rng = g_rand_new_with_seed (11);
  g_autoptr (CraftPacket) ntp = parse (registry, "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(sport=1000,dport=2000)"
                                                 "/NTPHeader()");
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref,
                                                       NULL);
  for (int i = 0; i < 20; i++)
    {
      g_autoptr (CraftPacket) fuzzed = NULL;
      GBytes *bytes = fuzz_build (ntp, rng, 0, &fuzzed);
      g_assert_cmpuint (craft_packet_get_n_layers (fuzzed), ==, 3);
      g_hash_table_add (seen, bytes);
    }
  g_assert_cmpuint (g_hash_table_size (seen), >, 15);
}

/* ---- the tool ---- */

static int
run_craft (const char *const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) CRAFT_TOOL);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", tmpdir, TRUE);
  env = g_environ_unsetenv (env, "CRAFT_PROTO_PATH");
  int status;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                               &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static void
test_cli_seed (void)
{
  g_test_summary ("craft fuzz prints the seed on stderr; --seed gives the same --hex output again.");
  const char *expr = "Ether()/IP(dst=\"192.0.2.1\")/TCP(dport=80)";
  g_autofree char *out1 = NULL, *err1 = NULL;
  const char *random_args[] = { "fuzz", "--hex", "-c", "20", expr, NULL };
  g_assert_cmpint (run_craft (random_args, &out1, &err1), ==, 0);
  g_assert_cmpuint (craft_test_count_lines (out1), ==, 20);
  g_assert_true (g_str_has_prefix (err1, "seed: "));
  g_autofree char *seed = g_strndup (err1 + 6, strcspn (err1 + 6, "\n"));
  g_assert_true (g_ascii_string_to_unsigned (seed, 10, 0, G_MAXUINT32, NULL, NULL));
  /* The printed seed reproduces the run. */
  g_autofree char *out2 = NULL, *err2 = NULL;
  const char *again[] = { "fuzz", "--hex", "-c", "20", "--seed", seed, expr, NULL };
  g_assert_cmpint (run_craft (again, &out2, &err2), ==, 0);
  g_assert_cmpstr (out2, ==, out1);
  g_autofree char *want_err = g_strdup_printf ("seed: %s\n", seed);
  g_assert_cmpstr (err2, ==, want_err);
  /* As the library does with the same seed. */
  g_autofree char *lib = fuzz_hex (expr, (guint32) g_ascii_strtoull (seed, NULL, 10), 20, 0);
  g_assert_cmpstr (out2, ==, lib);
  /* Summaries by default, one per packet; every member of a set. */
  g_autofree char *out3 = NULL;
  const char *set[] = { "fuzz", "--seed", "1", "-c", "3", "IP(dst=\"192.0.2.0/31\")/UDP(dport=[1,2])", NULL };
  g_assert_cmpint (run_craft (set, &out3, NULL), ==, 0);
  g_assert_cmpuint (craft_test_count_lines (out3), ==, 12);
  g_assert_true (g_str_has_prefix (out3, "IP / UDP "));
  g_assert_nonnull (strstr (out3, " > 192.0.2.1:2\n"));
}

static void
test_cli_break (void)
{
  g_test_summary ("--break lengths,checksums changes computed fields; a bad --break, --seed or -c is refused.");
  const char *expr = "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP()";
  g_autofree char *kept = NULL, *broken = NULL;
  const char *keep_args[] = { "fuzz", "--hex", "--seed", "9", "-c", "50", expr, NULL };
  const char *break_args[] = { "fuzz", "--hex", "--seed", "9", "-c", "50", "--break", "lengths,checksums", expr, NULL };
  g_assert_cmpint (run_craft (keep_args, &kept, NULL), ==, 0);
  g_assert_cmpint (run_craft (break_args, &broken, NULL), ==, 0);
  g_assert_cmpstr (kept, !=, broken);
  const char *bad[][6] = {
    { "fuzz", "--break", "everything", "IP()", NULL },
    { "fuzz", "--seed", "-1", "IP()", NULL },
    { "fuzz", "--seed", "4294967296", "IP()", NULL },
    { "fuzz", "-c", "0", "IP()", NULL },
    { "fuzz", "IP(ttl=300)", NULL },
    { "fuzz", "--hex", "-w", "x.pcap", "IP()", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *err = NULL;
      g_assert_cmpint (run_craft (bad[i], NULL, &err), ==, 2);
      g_assert_cmpstr (err, !=, "");
    }
}

static void
test_cli_write (void)
{
  g_test_summary ("craft fuzz -w writes a capture libpcap reads: the --hex packets, with the link type of the "
                  "first layer.");
  g_autofree char *path = g_build_filename (tmpdir, "fuzz.pcap", NULL);
  const char *expr = "Ether()/IP()/UDP()/\"payload\"";
  const char *args[] = { "fuzz", "--seed", "77", "-c", "30", "-w", path, expr, NULL };
  g_autofree char *out = NULL;
  g_assert_cmpint (run_craft (args, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_autofree char *hex = NULL;
  const char *hex_args[] = { "fuzz", "--seed", "77", "-c", "30", "--hex", expr, NULL };
  g_assert_cmpint (run_craft (hex_args, &hex, NULL), ==, 0);
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline (path, errbuf);
  g_assert_nonnull (p);
  g_assert_cmpint (pcap_datalink (p), ==, DLT_EN10MB);
  GString *written = g_string_new (NULL);
  struct pcap_pkthdr *h;
  const u_char *data;
  while (pcap_next_ex (p, &h, &data) == 1)
    {
      for (guint i = 0; i < h->caplen; i++)
        g_string_append_printf (written, "%02x", data[i]);
      g_string_append_c (written, '\n');
    }
  pcap_close (p);
  g_assert_cmpstr (written->str, ==, hex);
  g_string_free (written, TRUE);
  /* And craft reads it back, one summary per packet. */
  g_autofree char *read = NULL;
  const char *read_args[] = { "read", path, NULL };
  g_assert_cmpint (run_craft (read_args, &read, NULL), ==, 0);
  g_assert_cmpuint (craft_test_count_lines (read), ==, 30);
}

/* ---- limits ---- */

static void
test_limit_list (void)
{
  g_test_summary ("A list longer than CRAFT_MAX_LIST_ELEMENTS is an error at the first value past the limit.");
  GString *expr = g_string_new ("UDP(dport=[");
  guint column = 0;
  for (guint i = 0; i <= CRAFT_MAX_LIST_ELEMENTS; i++)
    {
      if (i == CRAFT_MAX_LIST_ELEMENTS)
        column = (guint) expr->len + 1;
      g_string_append_printf (expr, "%u,", i % 65536);
    }
  g_string_append (expr, "])");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, expr->str, &error);
  g_assert_null (p);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
  g_assert_nonnull (strstr (error->message, "at most"));
  CraftErrorLocation loc;
  g_assert_true (craft_error_get_location (error, &loc));
  g_assert_cmpuint (loc.column, ==, column);
  /* One fewer is fine. */
  g_string_truncate (expr, column - 1);
  g_string_append (expr, "])");
  g_clear_error (&error);
  g_autoptr (CraftPacket) ok = craft_packet_new_from_expression (registry, expr->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_members (ok), ==, CRAFT_MAX_LIST_ELEMENTS);
  g_string_free (expr, TRUE);
}

static void
test_limit_layers (void)
{
  g_test_summary ("An expression of more than CRAFT_MAX_LAYERS layers is an error at the first layer past it; "
                  "dissection stops there with a finding.");
  GString *expr = g_string_new (NULL);
  guint column = 0;
  for (guint i = 0; i <= CRAFT_MAX_LAYERS; i++)
    {
      if (i == CRAFT_MAX_LAYERS)
        column = (guint) expr->len + 2;
      g_string_append (expr, i ? "/IP()" : "IP()");
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, expr->str, &error);
  g_assert_null (p);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
  CraftErrorLocation loc;
  g_assert_true (craft_error_get_location (error, &loc));
  g_assert_cmpuint (loc.column, ==, column);
  /* CRAFT_MAX_LAYERS of them build; dissected, the depth is capped. */
  g_string_truncate (expr, column - 2);
  g_clear_error (&error);
  g_autoptr (CraftPacket) deep = craft_packet_new_from_expression (registry, expr->str, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (deep, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (CraftPacket) back = craft_packet_new_from_bytes (registry, "IP", data, len, &error);
  g_assert_cmpuint (craft_packet_get_n_layers (back), <=, CRAFT_MAX_LAYERS);
  g_assert_cmpuint (craft_packet_get_n_findings (back), >, 0);
  g_string_free (expr, TRUE);
}

static void
test_limit_definition_operators (void)
{
  g_test_summary ("A definition expression of more than CRAFT_MAX_DEFINITION_OPERATORS operators is an error.");
  GString *text = g_string_new ("layer L { a: u8 = 1");
  for (guint i = 0; i <= CRAFT_MAX_DEFINITION_OPERATORS; i++)
    g_string_append (text, "+1");
  g_string_append (text, "; }\n");
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_autoptr (GError) error = NULL;
  g_assert_false (craft_registry_load_data (reg, "ops.pdl", text->str, -1, &error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_SYNTAX);
  g_string_free (text, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new_default (&error);
  g_assert_no_error (error);
  tmpdir = g_dir_make_tmp ("craft-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/fuzz/same-seed", test_same_seed);
  g_test_add_func ("/fuzz/template-untouched", test_template_untouched);
  g_test_add_func ("/fuzz/explicit-fields", test_explicit_fields);
  g_test_add_func ("/fuzz/well-formed", test_well_formed);
  g_test_add_func ("/fuzz/examples-well-formed", test_examples_well_formed);
  g_test_add_func ("/fuzz/break", test_break);
  g_test_add_func ("/fuzz/sets", test_sets);
  g_test_add_func ("/fuzz/kind-random", test_kind_random);
  g_test_add_func ("/fuzz/bindings-respected", test_bindings_respected);
  g_test_add_func ("/fuzz/unbound-layer", test_unbound_layer);
  g_test_add_func ("/fuzz/cli/seed", test_cli_seed);
  g_test_add_func ("/fuzz/cli/break", test_cli_break);
  g_test_add_func ("/fuzz/cli/write", test_cli_write);
  g_test_add_func ("/limits/list", test_limit_list);
  g_test_add_func ("/limits/layers", test_limit_layers);
  g_test_add_func ("/limits/definition-operators", test_limit_definition_operators);
  int status = g_test_run ();
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", tmpdir);
  if (system (rm) != 0)
    status = 1;
  registry = (craft_registry_unref (registry), NULL);
  g_free (tmpdir);
  return status;
}
