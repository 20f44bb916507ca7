/* Packet sets: lists, ranges and networks expand to Scapy's members in Scapy's order. */
#include <craft/craft.h>

#include <string.h>

static CraftRegistry *registry;

static char *
member_hex (CraftPacket *packet, guint64 index)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_packet_select_member (packet, index, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (packet, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static void
test_scapy_order (void)
{
  g_test_summary ("Members come in Scapy's order: outer layers slowest, later fields slower, bytes equal Scapy's.");
  g_autoptr (GError) error = NULL;
  /* /usr/bin/python3: [raw(p).hex() for p in IP(src="192.0.2.1",dst="192.0.2.0/31")/UDP(dport=[1,2])] */
  static const char *const scapy[] = {
    "4500001c000100004011f6cec0000201c00002000035000100087ba6",
    "4500001c000100004011f6cec0000201c00002000035000200087ba5",
    "4500001c000100004011f6cdc0000201c00002010035000100087ba5",
    "4500001c000100004011f6cdc0000201c00002010035000200087ba4",
  };
  g_autoptr (CraftPacket) p
    = craft_packet_new_from_expression (registry, "IP(src=\"192.0.2.1\",dst=\"192.0.2.0/31\")/UDP(dport=[1,2])", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_members (p), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *hex = member_hex (p, i);
      g_assert_cmpstr (hex, ==, scapy[i]);
    }
}

static void
test_field_order (void)
{
  g_test_summary ("Within a layer the field defined first varies fastest, whatever the keyword order.");
  const char *exprs[] = { "TCP(dport=[3,4], sport=[1,2])", "TCP(sport=[1,2], dport=[3,4])" };
  static const guint64 want[4][2] = { { 1, 3 }, { 2, 3 }, { 1, 4 }, { 2, 4 } };
  for (guint e = 0; e < G_N_ELEMENTS (exprs); e++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, exprs[e], &error);
      g_assert_no_error (error);
      for (guint i = 0; i < 4; i++)
        {
          guint64 sport, dport;
          g_assert_true (craft_packet_select_member (p, i, NULL));
          g_assert_true (craft_packet_get_uint (p, 0, "sport", &sport, NULL));
          g_assert_true (craft_packet_get_uint (p, 0, "dport", &dport, NULL));
          g_assert_cmpuint (sport, ==, want[i][0]);
          g_assert_cmpuint (dport, ==, want[i][1]);
        }
    }
}

static void
test_range_and_network (void)
{
  g_test_summary ("A (low, high) range includes both ends; a network includes every address, masked first.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p
    = craft_packet_new_from_expression (registry, "IP(dst=\"198.51.100.7/29\", ttl=(1,3))/TCP(dport=(1,1024))", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_members (p), ==, 8 * 3 * 1024);
  g_assert_true (craft_packet_select_member (p, 8 * 3 * 1024 - 1, &error));
  g_autofree char *dst = craft_packet_format_field (p, 0, "dst", NULL);
  g_assert_cmpstr (dst, ==, "198.51.100.7");
  guint64 ttl, dport;
  craft_packet_get_uint (p, 0, "ttl", &ttl, NULL);
  craft_packet_get_uint (p, 1, "dport", &dport, NULL);
  g_assert_cmpuint (ttl, ==, 3);
  g_assert_cmpuint (dport, ==, 1024);
  g_assert_true (craft_packet_select_member (p, 0, &error));
  g_autofree char *first = craft_packet_format_field (p, 0, "dst", NULL);
  g_assert_cmpstr (first, ==, "198.51.100.0");
  g_assert_false (craft_packet_select_member (p, 8 * 3 * 1024, &error));
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE);
}

static void
test_huge_sets (void)
{
  g_test_summary ("A set of 2^40 members is counted and any member built without expanding the set.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p
    = craft_packet_new_from_expression (registry, "IP(src=\"192.0.2.1\",dst=\"10.0.0.0/8\")/TCP(dport=(1,65535), sport=(0,65535))", &error);
  g_assert_no_error (error);
  guint64 n = craft_packet_get_n_members (p);
  g_assert_cmpuint (n, ==, G_GUINT64_CONSTANT (16777216) * 65535 * 65536);
  g_assert_true (craft_packet_select_member (p, n - 1, &error));
  g_autofree char *dst = craft_packet_format_field (p, 0, "dst", NULL);
  g_assert_cmpstr (dst, ==, "10.255.255.255");
}

static void
test_list_members (void)
{
  g_test_summary ("List members may mix numbers, names and None; a copy keeps the set.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (
    registry, "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/TCP(flags=[\"S\", \"SA\", 0x11, None])", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (craft_packet_get_n_members (p), ==, 4);
  static const char *const want[] = { "S", "SA", "FA", "S" };
  g_autoptr (CraftPacket) copy = craft_packet_copy (p);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_true (craft_packet_select_member (copy, i, NULL));
      g_autoptr (GBytes) b = craft_packet_build (copy, NULL);
      (void) b;
      g_autofree char *flags = craft_packet_format_field (copy, 1, "flags", NULL);
      g_assert_cmpstr (flags, ==, want[i]);
    }
}

static void
test_errors (void)
{
  g_test_summary ("Bad sets are refused at the column of the offending value, with the reason.");
  static const struct {
    const char *expr;
    CraftError code;
    guint column;
    const char *message;
  } cases[] = {
    { "TCP(dport=[])", CRAFT_ERROR_VALUE, 11, "empty list" },
    { "TCP(dport=[80, 70000])", CRAFT_ERROR_VALUE, 16, "70000 is out of range" },
    { "TCP(dport=[80, \"nope\"])", CRAFT_ERROR_VALUE, 16, "not a name" },
    { "TCP(dport=(5, 1))", CRAFT_ERROR_VALUE, 11, "is empty" },
    { "TCP(dport=(1, 70000))", CRAFT_ERROR_VALUE, 15, "out of range" },
    { "TCP(dport=(1, 2, 3))", CRAFT_ERROR_UNSUPPORTED, 11, "range (low, high)" },
    { "IP(dst=(1, 2))", CRAFT_ERROR_UNSUPPORTED, 8, "range (low, high)" },
    { "IP(dst=\"192.0.2.0/33\")", CRAFT_ERROR_VALUE, 8, "not an IPv4 network" },
    { "IP(dst=[\"192.0.2.1\", [1]])", CRAFT_ERROR_UNSUPPORTED, 22, "member of a list" },
    /* A member that suits some alternative of the name, not the one its packet has. */
    { "DNSRR(rdata=['1.2.3.4','abc'])", CRAFT_ERROR_VALUE, 24,
      "DNSRR.rdata holds an IPv4 address when type is A: 'abc' is not an IPv4 address" },
    { "DNSRR(type=['A','AAAA'], rdata='1.2.3.4')", CRAFT_ERROR_VALUE, 32,
      "DNSRR.rdata holds an IPv6 address when type is AAAA: '1.2.3.4' is not an IPv6 address" },
    { "DNSRR(type=['MX','A'], rdata=['a.example.','192.0.2.1'])", CRAFT_ERROR_VALUE, 31,
      "DNSRR.rdata holds an IPv4 address when type is A: 'a.example.' is not an IPv4 address" },
    { "ICMP(type=11, unused=[5, 70000])", CRAFT_ERROR_VALUE, 26,
      "ICMP.unused holds a 16-bit integer when type is time-exceeded: 70000 is out of range" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, cases[i].expr, &error);
      g_assert_null (p);
      g_assert_error (error, CRAFT_ERROR, (gint) cases[i].code);
      CraftErrorLocation loc;
      g_assert_true (craft_error_get_location (error, &loc));
      if (loc.column != cases[i].column || strstr (error->message, cases[i].message) == NULL)
        g_error ("%s: column %u '%s'", cases[i].expr, loc.column, error->message);
    }
}

static void
test_alternatives (void)
{
  g_test_summary ("A set of a name with conditional alternatives (DNSRR.rdata, ICMP.unused), given before or after "
                  "the field that chooses the alternative, or a set of that field: each member is the packet "
                  "written with that member's values.");
  static const struct {
    const char *set;
    const char *members[3];
  } cases[] = {
    { "DNSRR(rdata=['a.example.','b.'], type='NS')",
      { "DNSRR(type='NS', rdata='a.example.')", "DNSRR(type='NS', rdata='b.')" } },
    { "DNSRR(type='A', rdata=['192.0.2.1','192.0.2.2'])",
      { "DNSRR(type='A', rdata='192.0.2.1')", "DNSRR(type='A', rdata='192.0.2.2')" } },
    { "DNSRR(rdata=['2001:db8::1','::2'], type='AAAA')",
      { "DNSRR(type='AAAA', rdata='2001:db8::1')", "DNSRR(type='AAAA', rdata='::2')" } },
    { "DNSRR(type=['TXT','NS',99], rdata='abc.')",
      { "DNSRR(type='TXT', rdata='abc.')", "DNSRR(type='NS', rdata='abc.')", "DNSRR(type=99, rdata=b'abc.')" } },
    { "ICMP(type=[9,11], unused=7)", { "ICMP(type=9, unused=7)", "ICMP(type=11, unused=7)" } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CraftPacket) set = craft_packet_new_from_expression (registry, cases[i].set, &error);
      g_assert_no_error (error);
      guint n = 0;
      while (n < G_N_ELEMENTS (cases[i].members) && cases[i].members[n] != NULL)
        n++;
      g_assert_cmpuint (craft_packet_get_n_members (set), ==, n);
      for (guint m = 0; m < n; m++)
        {
          g_autoptr (CraftPacket) one = craft_packet_new_from_expression (registry, cases[i].members[m], &error);
          g_assert_no_error (error);
          g_autofree char *want = member_hex (one, 0);
          g_autofree char *got = member_hex (set, m);
          if (strcmp (got, want) != 0)
            g_error ("%s member %u: %s, not %s (%s)", cases[i].set, m, got, want, cases[i].members[m]);
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
  g_test_add_func ("/set/scapy-order", test_scapy_order);
  g_test_add_func ("/set/field-order", test_field_order);
  g_test_add_func ("/set/range-and-network", test_range_and_network);
  g_test_add_func ("/set/huge", test_huge_sets);
  g_test_add_func ("/set/list-members", test_list_members);
  g_test_add_func ("/set/errors", test_errors);
  g_test_add_func ("/set/alternatives", test_alternatives);
  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
