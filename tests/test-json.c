/* Tests for packets as JSON (json.c): the shape `craft read --json` prints, number and string rules. */
#include <craft/craft.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

static CraftRegistry *
builtin (void)
{
  g_autoptr (GError) error = NULL;
  CraftRegistry *reg = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (reg, &error));
  g_assert_no_error (error);
  return reg;
}

static CraftPacket *
dissect_hex (CraftRegistry *reg, const char *first, const char *hex)
{
  gsize n = strlen (hex) / 2;
  g_autofree guint8 *data = g_malloc (n + 1);
  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  g_autoptr (GError) error = NULL;
  CraftPacket *packet = craft_packet_new_from_bytes (reg, first, data, n, &error);
  g_assert_no_error (error);
  return packet;
}

/* Parses `text` as JSON; it must be one valid object on one line. */
static JsonNode *
parse (const char *text)
{
  g_assert_null (strchr (text, '\n'));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  JsonNode *root = json_node_copy (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return root;
}

static void
test_shape (void)
{
  g_test_summary ("A dissected packet is DESIGN.md's object: n, time, len, then each layer's name and fields in "
                  "order; integers, enums and flags as numbers, addresses as text, bytes as lowercase hex.");
  g_autoptr (CraftRegistry) reg = builtin ();
  /* Scapy: IP(src="192.0.2.1",dst="192.0.2.2")/UDP(sport=1234,dport=53)/"hi" */
  g_autoptr (CraftPacket) packet
    = dissect_hex (reg, "IP", "4500001e000100004011f6cac0000201c000020204d20035000a0e666869");
  CraftCaptureRecord record = { 7, 1700000000000042, 30, 30, NULL };
  g_autofree char *json = craft_packet_to_json (packet, &record);
  g_assert_cmpstr (json, ==,
                   "{\"n\":7,\"time\":1700000000.000042,\"len\":30,\"layers\":["
                   "{\"layer\":\"IP\",\"fields\":{\"version\":4,\"ihl\":5,\"tos\":0,\"len\":30,\"id\":1,\"flags\":0,"
                   "\"frag\":0,\"ttl\":64,\"proto\":17,\"chksum\":63178,\"src\":\"192.0.2.1\",\"dst\":\"192.0.2.2\","
                   "\"options\":[]}},"
                   "{\"layer\":\"UDP\",\"fields\":{\"sport\":1234,\"dport\":53,\"len\":10,\"chksum\":3686}},"
                   "{\"layer\":\"Raw\",\"fields\":{\"load\":\"6869\"}}]}");
  g_autoptr (JsonNode) root = parse (json);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "n"), ==, 7);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "time"), 1700000000.000042, 1e-6);

  /* The length on the wire, not the bytes captured. */
  CraftCaptureRecord cut = { 1, 0, 30, 1500, NULL };
  g_autofree char *cut_json = craft_packet_to_json (packet, &cut);
  g_assert_true (g_str_has_prefix (cut_json, "{\"n\":1,\"time\":0.000000,\"len\":1500,\"layers\":[{"));
}

static void
test_addresses_flags (void)
{
  g_test_summary ("MAC and IPv6 addresses are strings; TCP flags and the EtherType are numbers.");
  g_autoptr (CraftRegistry) reg = builtin ();
  /* Scapy: Ether(dst="00:11:22:33:44:55",src="66:77:88:99:aa:bb")/IPv6(src="2001:db8::1",dst="2001:db8::2")
   *        /TCP(sport=1,dport=2,flags="S") */
  g_autoptr (CraftPacket) packet
    = dissect_hex (reg, "Ether",
                   "00112233445566778899aabb86dd"
                   "600000000014064020010db800000000000000000000000120010db800000000000000000000000200010002"
                   "000000000000000050022000346b0000");
  g_autofree char *json = craft_packet_to_json (packet, NULL);
  g_autoptr (JsonNode) root = parse (json);
  JsonObject *o = json_node_get_object (root);
  g_assert_false (json_object_has_member (o, "n"));
  g_assert_false (json_object_has_member (o, "time"));
  g_assert_cmpint (json_object_get_int_member (o, "len"), ==, 74);
  JsonArray *layers = json_object_get_array_member (o, "layers");
  g_assert_cmpuint (json_array_get_length (layers), ==, 3);
  JsonObject *ether = json_object_get_object_member (json_array_get_object_element (layers, 0), "fields");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (layers, 0), "layer"), ==, "Ether");
  g_assert_cmpstr (json_object_get_string_member (ether, "dst"), ==, "00:11:22:33:44:55");
  g_assert_cmpstr (json_object_get_string_member (ether, "src"), ==, "66:77:88:99:aa:bb");
  g_assert_cmpint (json_object_get_int_member (ether, "type"), ==, 0x86dd);
  JsonObject *ipv6 = json_object_get_object_member (json_array_get_object_element (layers, 1), "fields");
  g_assert_cmpstr (json_object_get_string_member (ipv6, "src"), ==, "2001:db8::1");
  g_assert_cmpstr (json_object_get_string_member (ipv6, "dst"), ==, "2001:db8::2");
  g_assert_cmpint (json_object_get_int_member (ipv6, "nh"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (ipv6, "plen"), ==, 20);
  JsonObject *tcp = json_object_get_object_member (json_array_get_object_element (layers, 2), "fields");
  g_assert_cmpint (json_object_get_int_member (tcp, "flags"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (tcp, "chksum"), ==, 0x346b);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tcp, "options")), ==, 0);
}

static void
test_conditional (void)
{
  g_test_summary ("A conditional field absent from the packet is left out; a present one is there.");
  g_autoptr (CraftRegistry) reg = builtin ();
  /* Scapy: IP(src="192.0.2.1",dst="192.0.2.2")/ICMP() (echo request: id and seq present, gw absent) */
  g_autoptr (CraftPacket) packet
    = dissect_hex (reg, "IP", "4500001c000100004001f6dcc0000201c00002020800f7ff00000000");
  g_autofree char *json = craft_packet_to_json (packet, NULL);
  g_assert_nonnull (strstr (json, "{\"layer\":\"ICMP\",\"fields\":{\"type\":8,\"code\":0,\"chksum\":63487,\"id\":0,"
                                  "\"seq\":0}}"));
}

static void
test_integers (void)
{
  g_test_summary ("Signed fields are negative numbers; fields of up to 53 bits are numbers, wider ones decimal "
                  "strings, whatever their value.");
  g_autoptr (CraftRegistry) reg = builtin ();
  g_autoptr (GError) error = NULL;
  g_assert_true (craft_registry_load_data (reg, "wide.pdl",
                                           "layer Wide {\n"
                                           "  small: s8;\n"
                                           "  nibble: s4;\n"
                                           "  pad: u4;\n"
                                           "  widest_number: u53;\n"
                                           "  pad2: u3;\n"
                                           "  big: u64;\n"
                                           "  tiny64: u64;\n"
                                           "  negative64: s64;\n"
                                           "  little: u32 le;\n"
                                           "  mac: mac;\n"
                                           "  blob: bytes(3);\n"
                                           "}\n",
                                           -1, &error));
  g_assert_no_error (error);
  g_autoptr (CraftPacket) packet
    = dissect_hex (reg, "Wide",
                   "fe" "9" "0"                 /* small = -2, nibble = -7, pad */
                   "fffffffffffff8"            /* widest_number = 2^53 - 1, pad2 = 0 */
                   "ffffffffffffffff"          /* big = 2^64 - 1 */
                   "0000000000000005"          /* tiny64 = 5 */
                   "fffffffffffffffb"          /* negative64 = -5 */
                   "78563412"                  /* little = 0x12345678 */
                   "0a0b0c0d0e0f"              /* mac */
                   "00ff7f");                  /* blob */
  g_autofree char *json = craft_packet_to_json (packet, NULL);
  g_assert_cmpstr (json, ==,
                   "{\"len\":46,\"layers\":[{\"layer\":\"Wide\",\"fields\":{\"small\":-2,\"nibble\":-7,\"pad\":0,"
                   "\"widest_number\":9007199254740991,\"pad2\":0,\"big\":\"18446744073709551615\","
                   "\"tiny64\":\"5\",\"negative64\":\"-5\",\"little\":305419896,\"mac\":\"0a:0b:0c:0d:0e:0f\","
                   "\"blob\":\"00ff7f\"}}]}");
  g_autoptr (JsonNode) root = parse (json);
  (void) root;
}

static void
test_time (void)
{
  g_test_summary ("Times keep exactly six decimals, before 1970 too.");
  g_autoptr (CraftRegistry) reg = builtin ();
  g_autoptr (CraftPacket) packet = dissect_hex (reg, "Raw", "00");
  static const struct {
    gint64 usec;
    const char *text;
  } times[] = {
    { 0, "0.000000" }, { 1, "0.000001" }, { 1700000000999999, "1700000000.999999" },
    { -1, "-0.000001" }, { -1500000, "-1.500000" }, { G_MININT64, "-9223372036854.775808" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (times); i++)
    {
      CraftCaptureRecord record = { 1, times[i].usec, 1, 1, NULL };
      g_autofree char *json = craft_packet_to_json (packet, &record);
      g_autofree char *expected = g_strdup_printf ("{\"n\":1,\"time\":%s,\"len\":1,", times[i].text);
      g_assert_true (g_str_has_prefix (json, expected));
      g_autoptr (JsonNode) root = parse (json);
      (void) root;
    }
}

static void
test_built (void)
{
  g_test_summary ("A packet built from an expression shows its computed values, built first if needed.");
  g_autoptr (CraftRegistry) reg = builtin ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) packet
    = craft_packet_new_from_expression (
      reg, "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(sport=1234,dport=53)/\"hi\"", &error);
  g_assert_no_error (error);
  g_autofree char *json = craft_packet_to_json (packet, NULL);
  g_assert_nonnull (strstr (json, "\"len\":30,\"id\":1"));
  g_assert_nonnull (strstr (json, "\"chksum\":63178"));
  g_assert_nonnull (
    strstr (json, "{\"layer\":\"UDP\",\"fields\":{\"sport\":1234,\"dport\":53,\"len\":10,\"chksum\":3686}}"));
}

static void
test_escaping (void)
{
  g_test_summary ("Layer and field names go through JsonGenerator: the output stays valid JSON.");
  g_autoptr (CraftRegistry) reg = builtin ();
  g_autoptr (GError) error = NULL;
  /* Names are identifiers, so nothing needs escaping today; the generator would. */
  g_assert_true (craft_registry_load_data (reg, "t.pdl", "layer T_1 { a_b: u8; }\n", -1, &error));
  g_autoptr (CraftPacket) packet = dissect_hex (reg, "T_1", "2a");
  g_autofree char *json = craft_packet_to_json (packet, NULL);
  g_assert_cmpstr (json, ==, "{\"len\":1,\"layers\":[{\"layer\":\"T_1\",\"fields\":{\"a_b\":42}}]}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/shape", test_shape);
  g_test_add_func ("/json/addresses-flags", test_addresses_flags);
  g_test_add_func ("/json/conditional", test_conditional);
  g_test_add_func ("/json/integers", test_integers);
  g_test_add_func ("/json/time", test_time);
  g_test_add_func ("/json/built", test_built);
  g_test_add_func ("/json/escaping", test_escaping);
  return g_test_run ();
}
