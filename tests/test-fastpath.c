/* Fast paths (issue 8) never change a byte: each is checked against the slow path it replaces. */
#include <craft/craft.h>

#include "json-private.h"

#include <string.h>

static CraftRegistry *registry;

/* Stacks whose fields cover the kinds the built-in definitions use. */
static const char *const stacks[] = {
  "Ether()/IP()/UDP()/Raw(load='abcdefghijklmnopqr')",
  "Ether()/IP(options=b'\\x01\\x01\\x01\\x00')/TCP(options=b'\\x02\\x04\\x05\\xb4')/Raw(load='x')",
  "Ether()/Dot1Q()/IPv6()/UDP(dport=123)/NTPHeader()",
  "Ether()/IPv6()/ICMPv6EchoRequest()",
  "Ether()/ARP()",
  "Ether()/IP()/ICMP()/Raw(load='\"quoted\\\\ \\x01 \\xff')",
  "Ether()/IP()/GRE()/IP()/UDP(dport=4789)/VXLAN()/Ether()/IP()/TCP()",
  "CookedLinux()/IP()/TCP()",
  "Loopback()/IPv6()/TCP()",
};

/* The JSON layers of `packet` both ways: the direct writer and JsonGenerator. */
static void
assert_json_same (CraftPacket *packet)
{
  g_autoptr (GString) fast = g_string_new (NULL), slow = g_string_new (NULL);
  craft__packet_layers_json (packet, TRUE, fast);
  craft__packet_layers_json (packet, FALSE, slow);
  g_assert_cmpstr (fast->str, ==, slow->str);
}

static void
test_json_direct (void)
{
  g_test_summary ("craft read --json's direct writer gives JsonGenerator's exact text, fuzzed packets included.");
  g_autoptr (GRand) rng = g_rand_new_with_seed (8);
  guint checked = 0;
  for (gsize s = 0; s < G_N_ELEMENTS (stacks); s++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (registry, stacks[s], &error);
      if (packet == NULL)
        {
          /* A definition this stack names may not be built in: the others still cover the kinds. */
          g_test_message ("skipping %s: %s", stacks[s], error->message);
          continue;
        }
      for (guint round = 0; round < 200; round++)
        {
          g_autoptr (CraftPacket) fuzzed
            = round == 0 ? craft_packet_ref (packet)
                         : craft_packet_fuzz (packet, rng, round % 2 ? CRAFT_FUZZ_KEEP_COMPUTED
                                                                     : CRAFT_FUZZ_BREAK_LENGTHS
                                                                         | CRAFT_FUZZ_BREAK_CHECKSUMS);
          g_autoptr (GBytes) bytes = craft_packet_build (fuzzed, NULL);
          if (bytes == NULL)
            continue;
          assert_json_same (fuzzed);
          /* And as `craft read` sees it: dissected from the bytes. */
          const char *first = craft_layer_def_get_name (craft_packet_get_layer (fuzzed, 0));
          g_autoptr (CraftPacket) dissected = craft_packet_new_from_bytes (
            registry, first, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
          if (dissected == NULL)
            continue;
          assert_json_same (dissected);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >, 500);
}

static void
test_json_escapes (void)
{
  g_test_summary ("Values that need escapes, and raw bytes cut anywhere, fall back to JsonGenerator.");
  /* Every byte value in a payload, dissected from every length of a frame. */
  guint8 frame[14 + 256];
  memset (frame, 0xff, 12);
  frame[12] = 0x88, frame[13] = 0xb5;  /* a local experimental EtherType: Raw payload */
  for (guint i = 0; i < 256; i++)
    frame[14 + i] = (guint8) i;
  for (gsize len = 0; len <= sizeof frame; len += 7)
    {
      g_autoptr (CraftPacket) packet = craft_packet_new_from_bytes (registry, "Ether", frame, len, NULL);
      if (packet != NULL)
        assert_json_same (packet);
    }
}

static void
test_set_members (void)
{
  g_test_summary ("Every member of a set equals the same packet written with that member's values.");
  struct {
    const char *set, *format;
    guint64 first;
  } cases[] = {
    { "Ether()/IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=(1000,1299),dport=53)/Raw(load='abcdefghijklmnopqr')",
      "Ether()/IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=%" G_GUINT64_FORMAT ",dport=53)/Raw(load='abcdefghijklmnopqr')",
      1000 },
    { "IP(dst='192.0.2.0/24')/TCP(dport=80)", "IP(dst='192.0.2.%" G_GUINT64_FORMAT "')/TCP(dport=80)", 0 },
    { "IPv6()/UDP(dport=(1,300))", "IPv6()/UDP(dport=%" G_GUINT64_FORMAT ")", 1 },
  };
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftPacket) set = craft_packet_new_from_expression (registry, cases[c].set, &error);
      g_assert_no_error (error);
      guint64 n = craft_packet_get_n_members (set);
      for (guint64 m = 0; m < n; m++)
        {
          g_assert_true (craft_packet_select_member (set, m, &error));
          g_autoptr (GBytes) fast = craft_packet_build (set, &error);
          g_assert_no_error (error);
          g_autofree char *expr = g_strdup_printf (cases[c].format, cases[c].first + m);
          g_autoptr (CraftPacket) one = craft_packet_new_from_expression (registry, expr, &error);
          g_assert_no_error (error);
          g_autoptr (GBytes) slow = craft_packet_build (one, &error);
          g_assert_no_error (error);
          g_assert_cmpmem (g_bytes_get_data (fast, NULL), g_bytes_get_size (fast), g_bytes_get_data (slow, NULL),
                           g_bytes_get_size (slow));
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new_default (&error);
  g_assert_no_error (error);
  g_test_add_func ("/fastpath/json/direct", test_json_direct);
  g_test_add_func ("/fastpath/json/escapes", test_json_escapes);
  g_test_add_func ("/fastpath/set/members", test_set_members);
  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
