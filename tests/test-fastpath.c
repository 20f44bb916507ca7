/* Fast paths (issue 8) never change a byte: each is checked against the slow path it replaces. */
#include <craft/craft.h>

#include "json-private.h"
#include "template.h"

#include <glib/gstdio.h>
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

/* Builds every member of `expression` twice: through the set (patching the
 * last member's bytes where it can; craft_packet_build() and
 * craft_packet_build_data() in turn) and through a fresh copy selected to
 * that member (a full build); they must be equal. Returns the members patched. */
static guint64
assert_members_like_full_builds (const char *expression, guint64 *members)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) set = craft_packet_new_from_expression (registry, expression, &error);
  g_assert_no_error (error);
  guint64 n = craft_packet_get_n_members (set);
  for (guint64 m = 0; m < n; m++)
    {
      g_assert_true (craft_packet_select_member (set, m, &error));
      g_autoptr (GBytes) fast_bytes = NULL;
      const guint8 *fast;
      gsize fast_length = 0;
      if (m % 3 == 1)
        fast = craft_packet_build_data (set, &fast_length, &error);
      else
        {
          fast_bytes = craft_packet_build (set, &error);
          fast = fast_bytes != NULL ? g_bytes_get_data (fast_bytes, &fast_length) : NULL;
        }
      g_assert_no_error (error);
      g_assert_nonnull (fast);
      g_autoptr (CraftPacket) copy = craft_packet_copy (set);
      g_assert_true (craft_packet_select_member (copy, m, &error));
      g_autoptr (GBytes) slow = craft_packet_build (copy, &error);
      g_assert_no_error (error);
      if (fast_length != g_bytes_get_size (slow) || memcmp (fast, g_bytes_get_data (slow, NULL), fast_length) != 0)
        g_test_message ("%s: member %" G_GUINT64_FORMAT " differs", expression, m);
      g_assert_cmpmem (fast, fast_length, g_bytes_get_data (slow, NULL), g_bytes_get_size (slow));
      /* Values read back from the packet are those of the bytes. */
      g_autofree char *fast_summary = craft_packet_summary (set);
      g_autofree char *slow_summary = craft_packet_summary (copy);
      g_assert_cmpstr (fast_summary, ==, slow_summary);
    }
  *members = n;
  return craft__template_get_patched (set);
}

static void
test_set_patching (void)
{
  g_test_summary ("Members built by patching a template are byte-identical to full builds, whatever varies: "
                  "ports, addresses, ttl, bits at odd offsets, several sets, nested layers, IPv6, lists.");
  static const char *const patched[] = {
    "Ether(dst='00:11:22:33:44:55',src='66:77:88:99:aa:bb')/IP(src='192.0.2.1',dst='198.51.100.2')"
    "/UDP(sport=(1000,1299),dport=53)/Raw(load='abcdefghijklmnopqr')",
    "Ether(dst='00:11:22:33:44:55',src='66:77:88:99:aa:bb')/IP(src='192.0.2.1',dst='198.51.100.2',ttl=(1,255))"
    "/UDP()",
    /* tos is the header's odd byte: the checksum update must swap it. */
    "IP(src='192.0.2.1',dst='198.51.100.2',tos=(0,255))/ICMP()/Raw(load='odd')",
    "IP(src='192.0.2.1',dst='198.51.100.0/26')/TCP(sport=[1,2,65535],dport=80,flags=['S','SA','FPU'])",
    "IP(src='10.0.0.0/28',dst='198.51.100.2')/UDP(dport=(1,20))/Raw(load='x')",
    "IPv6(src='2001:db8::1',dst='2001:db8::2')/UDP(sport=(1,300),dport=53)/Raw(load='abc')",
    "IPv6(src='2001:db8::1',dst='2001:db8::2',hlim=(1,40))/TCP(dport=[22,80])",
    /* The pseudo-header of the layer a checksum is for, past extension headers. */
    "IPv6(src='2001:db8::1',dst='2001:db8::2')/IPv6ExtHdrDestOpt()/UDP(sport=(1,50),dport=53)/Raw(load='abc')",
    "Ether(dst='00:11:22:33:44:55',src='66:77:88:99:aa:bb')/IP(src='192.0.2.1',dst='198.51.100.2')/GRE()"
    "/IP(src='10.0.0.1',dst='10.0.0.2',id=(1,30))/UDP(dport=4789)/VXLAN(vni=(7,9))"
    "/Ether(dst='00:11:22:33:44:55',src='66:77:88:99:aa:bb')/IP(src='10.1.0.1',dst='10.1.0.2')/TCP(sport=(5,9))",
    "IP(src='192.0.2.1',dst='198.51.100.2')/ICMP(type=8,id=(0,3),seq=(65530,65535))",
    /* Addresses from the host's routes (source_ip, source_mac), found again for every member. */
    "Ether()/IP(dst='198.51.100.0/29')/UDP(sport=[1,2,3])",
    "IPv6(dst='::1')/UDP(sport=(1,5))",
    /* Same-length payloads are patched too. */
    "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=1,dport=2)/Raw(load=['abc','abd','xyz',b'\\x00\\x00\\x00'])",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (patched); i++)
    {
      guint64 members;
      guint64 n = assert_members_like_full_builds (patched[i], &members);
      g_test_message ("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " patched", patched[i], n, members);
      /* Every member after the first patches the one before (the checksums' rare ambiguous sums aside). */
      g_assert_cmpuint (n, >=, members - 1 - members / 100);
    }
  /* Where members move fields (payloads of different lengths, a field a
   * condition reads), every member is a full build: still the same bytes.
   * (No ICMP timestamp types: their clock_ms() differs between two builds.) */
  static const char *const moving[] = {
    "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=1,dport=2)/Raw(load=['a','bb','','dddd','eeeee'])",
    "IP(src='192.0.2.1',dst='198.51.100.2')/ICMP(type=[8,12,0,5,3,11],id=1)",
    "IPv6(src='2001:db8::1',dst='2001:db8::2')/IPv6ExtHdrHopByHop()/UDP(sport=1,dport=2)/Raw(load=['','abcdefg'])",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (moving); i++)
    {
      guint64 members;
      assert_members_like_full_builds (moving[i], &members);
    }
}

static void
test_build_data (void)
{
  g_test_summary ("craft_packet_build_data() gives craft_packet_build()'s bytes, or its error, for any packet.");
  g_autoptr (GError) error = NULL;
  static const char *const expressions[] = {
    "Ether(dst='00:11:22:33:44:55',src='66:77:88:99:aa:bb')/IP(src='192.0.2.1',dst='198.51.100.2')/UDP()",
    "IP(src='192.0.2.1',dst='198.51.100.2')/TCP(dport=[22,80,443])",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (expressions); i++)
    {
      g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (registry, expressions[i], &error);
      g_assert_no_error (error);
      g_autoptr (CraftPacket) copy = craft_packet_copy (packet);
      g_autoptr (GBytes) expected = craft_packet_build (copy, &error);
      g_assert_no_error (error);
      gsize length = 0;
      const guint8 *data = craft_packet_build_data (packet, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (data, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
      /* Built again, unchanged: the same bytes. */
      data = craft_packet_build_data (packet, &length, &error);
      g_assert_cmpmem (data, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
    }
  /* Getters after a patched member read that member's values. */
  g_autoptr (CraftPacket) set = craft_packet_new_from_expression (
    registry, "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=(1,20),dport=53)/Raw(load='abc')", &error);
  g_assert_no_error (error);
  for (guint64 m = 0; m < 20; m++)
    {
      g_assert_true (craft_packet_select_member (set, m, &error));
      gsize size;
      const guint8 *bytes = craft_packet_build_data (set, &size, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (size, ==, 31);
      guint64 sport, chksum;
      g_assert_true (craft_packet_get_uint (set, 1, "sport", &sport, &error));
      g_assert_true (craft_packet_get_uint (set, 1, "chksum", &chksum, &error));
      g_assert_cmpuint (sport, ==, m + 1);
      g_assert_cmpuint (chksum, ==, (guint64) bytes[26] << 8 | bytes[27]);
      /* Spans, copies and JSON see the same bytes. */
      guint offset, bits;
      g_assert_true (craft_packet_get_span (set, 1, "chksum", &offset, &bits));
      g_assert_cmpuint (offset, ==, 26 * 8);
      g_autoptr (CraftPacket) copy = craft_packet_copy (set);
      g_autoptr (GBytes) copied = craft_packet_build (copy, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (copied, NULL), g_bytes_get_size (copied), bytes, size);
      g_autofree char *json = craft_packet_to_json (set, NULL);
      g_assert_nonnull (strstr (json, "\"len\":31"));
    }
  g_assert_cmpuint (craft__template_get_patched (set), >=, 18);
  g_autoptr (CraftPacket) empty = craft_packet_new (registry);
  gsize length = 1;
  g_assert_nonnull (craft_packet_build_data (empty, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 0);
  /* A member whose present alternative refuses the value (type 28 is AAAA)
   * fails as craft_packet_build() does. */
  g_autoptr (CraftPacket) refused
    = craft_packet_new_from_expression (registry, "DNSRR(type=(27,29),rdata='1.2.3.4')", &error);
  g_assert_no_error (error);
  g_assert_true (craft_packet_select_member (refused, 0, &error));
  g_assert_nonnull (craft_packet_build_data (refused, &length, &error));
  g_assert_true (craft_packet_select_member (refused, 1, &error));
  g_assert_null (craft_packet_build_data (refused, &length, &error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
}

static void
test_set_checksum_edges (void)
{
  g_test_summary ("Incremental UDP checksums equal full ones where the sum wraps: 0 is sent as 0xffff.");
  const char *base = "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=0,dport=53)/Raw(load='abcdefghijklmnopqr')";
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) zero = craft_packet_new_from_expression (registry, base, &error);
  g_assert_no_error (error);
  guint64 c0;
  g_autoptr (GBytes) built = craft_packet_build (zero, &error);
  (void) built;
  g_assert_true (craft_packet_get_uint (zero, 1, "chksum", &c0, &error));
  /* With sport = 0 the checksum is ~s; the sport that makes the sum 0xffff gives a checksum of 0. */
  guint wrap = 0xffff - (guint) (~c0 & 0xffff);
  guint lo = wrap > 200 ? wrap - 200 : 0, hi = MIN (wrap + 200, 0xffffu);
  g_autofree char *expression = g_strdup_printf (
    "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=(%u,%u),dport=53)/Raw(load='abcdefghijklmnopqr')", lo, hi);
  guint64 members;
  guint64 n = assert_members_like_full_builds (expression, &members);
  g_assert_cmpuint (n, >=, members - 3);
  /* And the member at the wrap has 0xffff, as a full build gives it. */
  g_autoptr (CraftPacket) set = craft_packet_new_from_expression (registry, expression, &error);
  g_assert_no_error (error);
  for (guint64 m = 0; m < members; m++)
    {
      g_assert_true (craft_packet_select_member (set, m, &error));
      g_autoptr (GBytes) bytes = craft_packet_build (set, &error);
      (void) bytes;
      guint64 sport, chksum;
      g_assert_true (craft_packet_get_uint (set, 1, "sport", &sport, &error));
      g_assert_true (craft_packet_get_uint (set, 1, "chksum", &chksum, &error));
      g_assert_cmpuint (chksum, !=, 0);
      if (sport == wrap)
        g_assert_cmpuint (chksum, ==, 0xffff);
    }
}

static void
test_set_edits_between_members (void)
{
  g_test_summary ("An edit between two members (a field, a layer) is never hidden by the template.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) set = craft_packet_new_from_expression (
    registry, "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=(1,10),dport=53)", &error);
  g_assert_no_error (error);
  for (guint64 m = 0; m < 10; m++)
    {
      g_assert_true (craft_packet_select_member (set, m, &error));
      if (m == 3)
        g_assert_true (craft_packet_set_uint (set, 0, "ttl", 7, &error));
      if (m == 5)
        g_assert_true (craft_packet_set_uint (set, 1, "len", 99, &error));
      if (m == 6)
        g_assert_true (craft_packet_push_layer (set, "Raw", &error));
      if (m == 7)
        g_assert_true (craft_packet_set_bytes (set, 2, "load", (const guint8 *) "hello", 5, &error));
      if (m == 8)
        g_assert_true (craft_packet_unset (set, 0, "ttl", &error));
      g_clear_error (&error);
      g_autoptr (GBytes) fast = craft_packet_build (set, &error);
      g_assert_no_error (error);
      g_autoptr (CraftPacket) copy = craft_packet_copy (set);
      g_autoptr (GBytes) slow = craft_packet_build (copy, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (fast, NULL), g_bytes_get_size (fast), g_bytes_get_data (slow, NULL),
                       g_bytes_get_size (slow));
    }
  g_assert_cmpuint (craft__template_get_patched (set), >, 0);
}

static void
test_set_alternatives (void)
{
  g_test_summary ("Sets of a name with conditional alternatives (DNSRR.rdata, ICMP.unused): every member built "
                  "through the set equals a full build of it; a member the present alternative refuses fails "
                  "both ways with the same located error; the template never patches over a refusal.");
  static const char *const sets[] = {
    "DNSRR(type='A', rdata=['192.0.2.1','192.0.2.2','198.51.100.7'])",
    "DNSRR(type='AAAA', rdata=['2001:db8::1','2001:db8::2'])",
    "DNSRR(type=['TXT','NS',99], rdata='abc.')",
    "DNSRR(type='NS', rdata=['a.example.','b.example.'])",
    "DNSRR(rdata='192.0.2.0/30')",
    "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=53,dport=53)/DNS(an=DNSRR(rdata='192.0.2.9'),id=(1,5))",
    "ICMP(type=11, unused=(65530,65535))",
    "ICMP(type=[9,40], unused=[1,70000,0xffffffff])",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      guint64 members;
      assert_members_like_full_builds (sets[i], &members);
      g_assert_cmpuint (members, >, 1);
    }
  /* Type 28 (AAAA), inside the range, refuses the text its ends take. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) set = craft_packet_new_from_expression (registry, "DNSRR(type=(27,29), rdata='1.2.3.4')",
                                                                  &error);
  g_assert_no_error (error);
  for (guint64 m = 0; m < 3; m++)
    {
      g_autoptr (GError) fast_error = NULL, slow_error = NULL;
      g_assert_true (craft_packet_select_member (set, m, &error));
      g_autoptr (GBytes) fast = craft_packet_build (set, &fast_error);
      g_autoptr (CraftPacket) copy = craft_packet_copy (set);
      g_assert_true (craft_packet_select_member (copy, m, &error));
      g_autoptr (GBytes) slow = craft_packet_build (copy, &slow_error);
      g_assert_cmpint (fast == NULL, ==, m == 1);
      g_assert_cmpint (slow == NULL, ==, m == 1);
      if (m != 1)
        {
          g_assert_true (g_bytes_equal (fast, slow));
          continue;
        }
      g_assert_error (fast_error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
      g_assert_error (slow_error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
      g_assert_cmpstr (fast_error->message, ==, slow_error->message);
      g_assert_cmpstr (fast_error->message, ==, "DNSRR.rdata holds an IPv6 address when type is AAAA: '1.2.3.4' is not "
                                                "an IPv6 address (expected text like 2001:db8::1)");
      CraftErrorLocation at;
      g_assert_true (craft_error_get_location (fast_error, &at));
      g_assert_cmpuint (at.column, ==, 27);
      g_assert_true (craft_error_get_location (slow_error, &at));
      g_assert_cmpuint (at.column, ==, 27);
    }
  /* A member the template would patch is built in full, and fails, when a
   * present field refused the value its name was given. */
  g_autoptr (CraftPacket) ports
    = craft_packet_new_from_expression (registry, "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=(1,10))", &error);
  g_assert_no_error (error);
  for (guint64 m = 0; m < 3; m++)
    {
      g_assert_true (craft_packet_select_member (ports, m, &error));
      g_autoptr (GBytes) bytes = craft_packet_build (ports, &error);
      g_assert_no_error (error);
      g_assert_nonnull (bytes);
    }
  guint64 patched = craft__template_get_patched (ports);
  g_assert_cmpuint (patched, ==, 2);
  const CraftLayerDef *ip = craft_packet_get_layer (ports, 0);
  guint ttl = 0;
  while (strcmp (craft_field_def_get_name (craft_layer_def_get_field (ip, ttl)), "ttl") != 0)
    ttl++;
  craft__refusal_note (ports, 0, ttl, "a reason");
  g_assert_true (craft_packet_select_member (ports, 3, &error));
  g_autoptr (GBytes) refused = craft_packet_build (ports, &error);
  g_assert_null (refused);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
  g_assert_cmpstr (error->message, ==, "IP.ttl holds an 8-bit integer here: a reason");
  g_assert_cmpuint (craft__template_get_patched (ports), ==, patched);
}

/* Everything a caller can see of a dissected packet, as text. */
static char *
describe (CraftPacket *packet, const CraftCaptureRecord *record)
{
  GString *out = g_string_new (NULL);
  g_autofree char *json = craft_packet_to_json (packet, record);
  g_autofree char *summary = craft_packet_summary (packet);
  g_autofree char *show = craft_packet_show (packet, NULL);
  g_string_append_printf (out, "%s\n%s\n%s\n", json, summary, show ? show : "(no tree)");
  for (guint i = 0; i < craft_packet_get_n_findings (packet); i++)
    {
      const CraftFinding *f = craft_packet_get_finding (packet, i);
      g_string_append_printf (out, "finding %d %u %d %u %u %s\n", f->kind, f->layer, f->field, f->offset, f->length,
                              f->message);
    }
  for (guint i = 0; i < craft_packet_get_n_layers (packet); i++)
    {
      guint offset, header, length;
      if (craft_packet_get_layer_span (packet, i, &offset, &header, &length))
        g_string_append_printf (out, "layer %u at %u+%u/%u\n", i, offset, header, length);
      /* Borrowed bytes are those the copying getter gives. */
      const CraftLayerDef *def = craft_packet_get_layer (packet, i);
      for (guint k = 0; k < craft_layer_def_get_n_fields (def); k++)
        {
          const char *name = craft_field_def_get_name (craft_layer_def_get_field (def, k));
          gsize len;
          const guint8 *peeked = craft_packet_peek_bytes (packet, i, name, &len);
          g_autoptr (GBytes) copied = craft_packet_get_bytes (packet, i, name, NULL);
          g_assert_true ((peeked == NULL) == (copied == NULL));
          if (peeked != NULL)
            g_assert_cmpmem (peeked, len, g_bytes_get_data (copied, NULL), g_bytes_get_size (copied));
          /* A handle reads what the name reads. */
          CraftFieldHandle handle;
          g_assert_true (craft_field_handle_init (&handle, def, name));
          gsize handle_len;
          const guint8 *by_handle = craft_packet_peek_bytes_by_handle (packet, i, &handle, &handle_len);
          g_assert_true ((by_handle == NULL) == (peeked == NULL));
          if (peeked != NULL)
            g_assert_cmpmem (by_handle, handle_len, peeked, len);
          guint64 by_name_num = 0, by_handle_num = 0;
          gboolean is_uint = craft_packet_get_uint (packet, i, name, &by_name_num, NULL);
          g_assert_cmpint (craft_packet_get_uint_by_handle (packet, i, &handle, &by_handle_num), ==, is_uint);
          g_assert_cmpuint (by_handle_num, ==, by_name_num);
          /* Not through a layer of another definition. */
          if (i > 0 && craft_packet_get_layer (packet, i - 1) != def)
            {
              g_assert_false (craft_packet_get_uint_by_handle (packet, i - 1, &handle, &by_handle_num));
              g_assert_null (craft_packet_peek_bytes_by_handle (packet, i - 1, &handle, &handle_len));
            }
        }
    }
  g_autoptr (GBytes) built = craft_packet_build (packet, NULL);
  if (built != NULL)
    for (gsize i = 0; i < g_bytes_get_size (built); i++)
      g_string_append_printf (out, "%02x", ((const guint8 *) g_bytes_get_data (built, NULL))[i]);
  g_string_append_printf (out, "\nverify %u\n", craft_packet_verify (packet));
  return g_string_free (out, FALSE);
}

static void
test_dissect_reuse (void)
{
  g_test_summary ("A packet reused for a mixed capture (craft_packet_set_from_bytes) shows every record exactly as "
                  "a new packet per record does: fields, findings, spans, JSON, summary, tree, rebuilt bytes.");
  static const char *const mixed[] = {
    "Ether()/IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=1000,dport=53)/Raw(load=b'\\x12\\x34\\x01\\x00')",
    "Ether()/IP(src='192.0.2.1',dst='198.51.100.2',options=b'\\x01\\x01\\x01\\x00')/TCP(flags='S',options=b'\\x02\\x04\\x05\\xb4')/Raw(load='GET /')",
    "Ether()/IP(src='192.0.2.1',dst='198.51.100.2')/ICMP()/Raw(load='ping')",
    "Ether()/Dot1Q(vlan=5)/IPv6(src='2001:db8::1',dst='2001:db8::2')/UDP(dport=123)/NTPHeader()",
    "Ether()/ARP()",
    "Ether()/IP(src='192.0.2.1',dst='198.51.100.2')/UDP()/Raw(load='x')/Padding(load=b'\\x00\\x00\\x00\\x00')",
    "Ether()/IP(src='192.0.2.1',dst='198.51.100.2')/GRE()/IP()/UDP(dport=4789)/VXLAN()/Ether()/IP()/TCP()",
    "Ether()/IPv6()/ICMPv6EchoRequest()",
  };
  g_autoptr (GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GRand) rng = g_rand_new_with_seed (88);
  for (gsize i = 0; i < G_N_ELEMENTS (mixed); i++)
    {
      g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (registry, mixed[i], NULL);
      if (packet == NULL)
        {
          g_test_message ("skipping %s", mixed[i]);
          continue;
        }
      for (guint round = 0; round < 12; round++)
        {
          g_autoptr (CraftPacket) fuzzed
            = round == 0 ? craft_packet_ref (packet)
                         : craft_packet_fuzz (packet, rng, round % 2 ? CRAFT_FUZZ_KEEP_COMPUTED
                                                                     : CRAFT_FUZZ_BREAK_LENGTHS
                                                                         | CRAFT_FUZZ_BREAK_CHECKSUMS);
          GBytes *bytes = craft_packet_build (fuzzed, NULL);
          if (bytes == NULL)
            continue;
          g_ptr_array_add (frames, bytes);
          /* Cut short too: truncation findings, dropped layers. */
          gsize len = g_bytes_get_size (bytes);
          if (round % 3 == 0 && len > 20)
            g_ptr_array_add (frames, g_bytes_new_from_bytes (bytes, 0, len - 1 - g_rand_int_range (rng, 0, 20)));
        }
    }
  static const guint8 junk[] = { 0xff, 0x00, 0x08, 0x00, 0x45 };
  g_ptr_array_add (frames, g_bytes_new_static (junk, sizeof junk));
  g_ptr_array_add (frames, g_bytes_new_static (junk, 0));
  g_assert_cmpuint (frames->len, >, 80);

  /* Through a capture file, read back as `craft read` does. */
  g_autofree char *dir = g_dir_make_tmp ("craft-fastpath-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mixed.pcap", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftCaptureWriter) writer = craft_capture_writer_new (path, CRAFT_CAPTURE_PCAP, 1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < frames->len; i++)
    {
      GBytes *frame = g_ptr_array_index (frames, i);
      g_assert_true (craft_capture_writer_add (writer, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
                                               1000000 + i, NULL, &error));
    }
  g_assert_true (craft_capture_writer_commit (writer, &error));
  g_autoptr (CraftCaptureReader) reader = craft_capture_reader_open (path, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (CraftPacket) reused = craft_packet_new (registry);
  const CraftLayerDef *raw = craft_registry_lookup_layer (registry, "Raw");
  /* The same definitions without dissection plans (dissect-plan.c): every
   * field read by the general loop, which the plans must match exactly ... */
  g_autoptr (CraftRegistry) unplanned = craft_registry_new_default (&error);
  g_assert_no_error (error);
  guint planned = 0, sizes = 0;
  for (guint i = 0; i < craft_registry_get_n_layers (unplanned); i++)
    {
      CraftLayerDef *def = (CraftLayerDef *) craft_registry_get_layer (unplanned, i);
      planned += def->plan_fields;
      def->plan_fields = 0;
      def->plan_bits = 0;
      for (guint k = 0; k < def->fields->len; k++)
        {
          CraftFieldDef *f = g_ptr_array_index (def->fields, k);
          sizes += f->plan_size_field != 0;
          f->plan_size_field = 0;
        }
    }
  g_assert_cmpuint (planned, >, 20);
  g_assert_cmpuint (sizes, >, 0);  /* linear sizes (IP's ihl * 4 - 20) without the evaluator */
  /* ... and choosing upper layers by a scan of each layer's bindings, not by their values. */
  g_assert_nonnull (((CraftRegistry *) unplanned)->bindings_by_value);
  g_clear_pointer (&((CraftRegistry *) unplanned)->bindings_by_value, craft__binding_index_free);
  CraftCaptureRecord record;
  guint n = 0;
  while (craft_capture_reader_next (reader, &record, &error))
    {
      GBytes *frame = g_ptr_array_index (frames, n);
      g_assert_cmpmem (record.data, record.captured, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
      const CraftLayerDef *first = craft_registry_lookup_linktype_for_data (registry, 1, record.data, record.captured);
      g_autoptr (CraftPacket) fresh = craft_packet_new_from_bytes (
        registry, craft_layer_def_get_name (first ? first : raw), record.data, record.captured, &error);
      g_assert_no_error (error);
      craft_packet_set_from_bytes (reused, first ? first : raw, record.data, record.captured);
      g_autofree char *want = describe (fresh, &record);
      g_autofree char *got = describe (reused, &record);
      g_assert_cmpstr (got, ==, want);
      g_autoptr (CraftPacket) general = craft_packet_new_from_bytes (
        unplanned, craft_layer_def_get_name (first ? first : raw), record.data, record.captured, &error);
      g_assert_no_error (error);
      g_autofree char *unplanned_got = describe (general, &record);
      g_assert_cmpstr (unplanned_got, ==, want);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, frames->len);

  /* A reused packet forgets what it was: sets, edits, interface. */
  g_autoptr (CraftPacket) set = craft_packet_new_from_expression (registry, "IP()/UDP(sport=(1,3))", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) member = craft_packet_build (set, &error);
  craft_packet_set_from_bytes (set, raw, (const guint8 *) "abc", 3);
  g_assert_cmpuint (craft_packet_get_n_members (set), ==, 1);
  g_assert_cmpuint (craft_packet_get_n_layers (set), ==, 1);
  g_autoptr (GBytes) again = craft_packet_build (set, &error);
  g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), "abc", 3);
  /* Bytes a caller still holds stay as they were. */
  g_assert_cmpuint (g_bytes_get_size (member), ==, 28);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_getter_names (void)
{
  g_test_summary ("Getters that remember names by pointer still read the field the text names now.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (
    registry, "IP(src='192.0.2.1',dst='198.51.100.2')/UDP(sport=1111,dport=2222)/Raw(load='ab')", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (packet, &error);
  (void) bytes;
  char name[16];
  for (int round = 0; round < 3; round++)
    {
      guint64 value;
      g_strlcpy (name, "sport", sizeof name);
      g_assert_true (craft_packet_get_uint (packet, 1, name, &value, &error));
      g_assert_cmpuint (value, ==, 1111);
      /* The same buffer, other text. */
      g_strlcpy (name, "dport", sizeof name);
      g_assert_true (craft_packet_get_uint (packet, 1, name, &value, &error));
      g_assert_cmpuint (value, ==, 2222);
      g_strlcpy (name, "nope", sizeof name);
      g_assert_false (craft_packet_get_uint (packet, 1, name, &value, &error));
      g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_FIELD);
      g_clear_error (&error);
      gsize len;
      const guint8 *src = craft_packet_peek_bytes (packet, 0, "src", &len);
      g_assert_cmpmem (src, len, "\xc0\x00\x02\x01", 4);
      g_assert_null (craft_packet_peek_bytes (packet, 0, "ttl", &len));
      g_assert_null (craft_packet_peek_bytes (packet, 5, "src", &len));
    }
  /* A name with alternatives (ICMP's 16- and 32-bit "unused") is the one
   * present in each packet, read in turn into one reused packet. */
  static const struct {
    const char *expression;
    guint64 unused;
  } icmp[] = { { "ICMP(type=11,unused=0x1234)", 0x1234 }, { "ICMP(type=42,unused=0x12345678)", 0x12345678 },
               { "ICMP(type=12,unused=7)", 7 }, { "ICMP(type=1,unused=0xfffffffe)", 0xfffffffe } };
  g_autoptr (CraftPacket) reused = craft_packet_new (registry);
  for (gsize i = 0; i < G_N_ELEMENTS (icmp); i++)
    {
      g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, icmp[i].expression, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) b = craft_packet_build (p, &error);
      craft_packet_set_from_bytes (reused, craft_registry_lookup_layer (registry, "ICMP"), g_bytes_get_data (b, NULL),
                                   g_bytes_get_size (b));
      guint64 value;
      g_assert_true (craft_packet_get_uint (reused, 0, "unused", &value, &error));
      g_assert_cmpuint (value, ==, icmp[i].unused);
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
  g_test_add_func ("/fastpath/set/patching", test_set_patching);
  g_test_add_func ("/fastpath/set/checksum-edges", test_set_checksum_edges);
  g_test_add_func ("/fastpath/build-data", test_build_data);
  g_test_add_func ("/fastpath/set/edits-between-members", test_set_edits_between_members);
  g_test_add_func ("/fastpath/set/alternatives", test_set_alternatives);
  g_test_add_func ("/fastpath/dissect/reuse", test_dissect_reuse);
  g_test_add_func ("/fastpath/dissect/getter-names", test_getter_names);
  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
