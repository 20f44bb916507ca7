/* Answer matching: the answer, quotes and identity statements of the definitions, on packets built offline. */
#include <craft/craft.h>

#include <string.h>

static CraftRegistry *registry;

/* The packet an expression builds, dissected back from its bytes from its
 * first layer, as a request is kept after sending or a reply after capture. */
static CraftPacket *
wire (const char *expression)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) built = craft_packet_new_from_expression (registry, expression, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (built, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  CraftPacket *packet = craft_packet_new_from_bytes (
    registry, craft_layer_def_get_name (craft_packet_get_layer (built, 0)), data, len, &error);
  g_assert_no_error (error);
  return packet;
}

static void
assert_answers (const char *reply, const char *request, gboolean expected)
{
  g_autoptr (CraftPacket) a = wire (reply);
  g_autoptr (CraftPacket) q = wire (request);
  if (craft_packet_answers (a, q) != expected)
    g_error ("%s\n  should %sanswer\n%s", reply, expected ? "" : "not ", request);
}

#define ANSWERS(reply, request) assert_answers ((reply), (request), TRUE)
#define DOES_NOT_ANSWER(reply, request) assert_answers ((reply), (request), FALSE)

#define A "198.51.100.1"
#define B "198.51.100.2"

static void
test_icmp_echo (void)
{
  g_test_summary ("An echo reply answers the echo request with its id and sequence, from the address asked.");
  const char *request = "IP(src=\"" A "\",dst=\"" B "\")/ICMP(id=7,seq=3)/\"ping\"";
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=0,id=7,seq=3)/\"ping\"", request);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=0,id=7,seq=4)/\"ping\"", request);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=0,id=8,seq=3)/\"ping\"", request);
  DOES_NOT_ANSWER ("IP(src=\"198.51.100.9\",dst=\"" A "\")/ICMP(type=0,id=7,seq=3)", request);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"198.51.100.9\")/ICMP(type=0,id=7,seq=3)", request);
  /* The request itself, seen going out, is no answer. */
  DOES_NOT_ANSWER (request, request);
  /* Timestamp 13 is answered by 14, information 15 by 16, mask 17 by 18. */
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=14,id=1,seq=2)", "IP(src=\"" A "\",dst=\"" B "\")/ICMP(type=13,id=1,seq=2)");
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=18,id=1)", "IP(src=\"" A "\",dst=\"" B "\")/ICMP(type=17,id=1)");
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=0,id=1)", "IP(src=\"" A "\",dst=\"" B "\")/ICMP(type=13,id=1)");
}

static void
test_link_layer (void)
{
  g_test_summary ("A reply captured with its Ethernet header answers a request sent at the IP layer, and the "
                  "other way round.");
  const char *request = "IP(src=\"" A "\",dst=\"" B "\")/ICMP(id=7,seq=3)";
  const char *reply = "Ether(src=\"02:00:00:00:00:02\",dst=\"02:00:00:00:00:01\")/IP(src=\"" B "\",dst=\"" A
                      "\")/ICMP(type=0,id=7,seq=3)";
  ANSWERS (reply, request);
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=0,id=7,seq=3)",
           "Ether(src=\"02:00:00:00:00:01\",dst=\"02:00:00:00:00:02\")/" "IP(src=\"" A "\",dst=\"" B "\")/ICMP(id=7,seq=3)");
  /* Padding that brings a frame to 60 bytes ends the comparison. */
  ANSWERS ("Ether()/ARP(op=2,psrc=\"" B "\",pdst=\"" A "\")/Padding(load=b\"\\x00\\x00\")",
           "Ether()/ARP(op=1,psrc=\"" A "\",pdst=\"" B "\")");
  DOES_NOT_ANSWER (reply, "IP(src=\"" A "\",dst=\"" B "\")/UDP()");
}

static void
test_tcp (void)
{
  g_test_summary ("TCP: ports swapped; ack is seq plus the payload, plus one for SYN and for FIN; a bare RST "
                  "carries the acknowledged number.");
  const char *syn = "IP(src=\"" A "\",dst=\"" B "\")/TCP(sport=40000,dport=80,seq=1000,flags=\"S\")";
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40000,seq=5,ack=1001,flags=\"SA\")", syn);
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40000,ack=1001,flags=\"RA\")", syn);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40000,ack=1000,flags=\"SA\")", syn);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40001,ack=1001,flags=\"SA\")", syn);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=81,dport=40000,ack=1001,flags=\"SA\")", syn);
  const char *data = "IP(src=\"" A "\",dst=\"" B "\")/TCP(sport=40000,dport=80,seq=1000,ack=77,flags=\"PA\")/\"GET /\"";
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40000,seq=77,ack=1005,flags=\"A\")", data);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40000,seq=77,ack=1001,flags=\"A\")", data);
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40000,seq=77,flags=\"R\")", data);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40000,seq=78,flags=\"R\")", data);
  /* FIN counts one; the sequence space wraps at 2^32. */
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/TCP(sport=80,dport=40000,ack=0,flags=\"FA\")",
           "IP(src=\"" A "\",dst=\"" B "\")/TCP(sport=40000,dport=80,seq=0xffffffff,flags=\"FA\")");
}

static void
test_udp_and_quotes (void)
{
  g_test_summary ("UDP swaps the ports; an ICMP error answers the packet it quotes, by the quoted layers' identity "
                  "fields, even from a router.");
  const char *request = "IP(src=\"" A "\",dst=\"" B "\",ttl=3)/UDP(sport=5000,dport=9)/\"data\"";
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/UDP(sport=9,dport=5000)", request);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/UDP(sport=9,dport=5001)", request);
  /* Port unreachable from the host asked, quoting the datagram (its TTL and checksum as they arrived). */
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=3,code=3)/IP(src=\"" A "\",dst=\"" B
           "\",ttl=1)/UDP(sport=5000,dport=9)/\"data\"",
           request);
  /* Time exceeded from a router on the way: another source, still an answer. */
  ANSWERS ("IP(src=\"203.0.113.1\",dst=\"" A "\")/ICMP(type=11)/IP(src=\"" A "\",dst=\"" B
           "\")/UDP(sport=5000,dport=9)",
           request);
  /* Quotes of another datagram. */
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=3,code=3)/IP(src=\"" A "\",dst=\"" B
                   "\")/UDP(sport=5001,dport=9)",
                   request);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=3,code=3)/IP(src=\"" A "\",dst=\"198.51.100.3\")/UDP("
                   "sport=5000,dport=9)",
                   request);
  /* An error must come back to the sender. */
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"198.51.100.9\")/ICMP(type=3,code=3)/IP(src=\"" A "\",dst=\"" B
                   "\")/UDP(sport=5000,dport=9)",
                   request);
  /* A quote cut after 4 bytes of UDP is raw bytes: they must be the request's. */
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=3,code=3)/IP(src=\"" A "\",dst=\"" B
           "\",len=40,proto=17)/b\"\\x13\\x88\\x00\\x09\"",
           request);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=3,code=3)/IP(src=\"" A "\",dst=\"" B
                   "\",len=40,proto=17)/b\"\\x13\\x89\\x00\\x09\"",
                   request);
  /* An error about an echo request quotes its id and sequence. */
  const char *echo = "IP(src=\"" A "\",dst=\"" B "\")/ICMP(id=7,seq=3)";
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=3,code=1)/IP(src=\"" A "\",dst=\"" B "\")/ICMP(id=7,seq=3)", echo);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/ICMP(type=3,code=1)/IP(src=\"" A "\",dst=\"" B "\")/ICMP(id=7,seq=4)",
                   echo);
}

static void
test_arp_and_ipv6 (void)
{
  g_test_summary ("ARP is-at answers the who-has for its sender's address; IPv6 addresses compare in full.");
  const char *who_has = "Ether()/ARP(op=1,hwsrc=\"02:00:00:00:00:01\",psrc=\"" A "\",pdst=\"" B "\")";
  ANSWERS ("Ether()/ARP(op=2,hwsrc=\"02:00:00:00:00:02\",psrc=\"" B "\",pdst=\"" A "\")", who_has);
  DOES_NOT_ANSWER ("Ether()/ARP(op=2,psrc=\"198.51.100.3\",pdst=\"" A "\")", who_has);
  DOES_NOT_ANSWER ("Ether()/ARP(op=1,psrc=\"" B "\",pdst=\"" A "\")", who_has);
  /* fd00::1 and fd00::3 share their first 8 bytes: only a full comparison tells them apart. */
  const char *request = "IPv6(src=\"fd00::1\",dst=\"fd00::2\")/UDP(sport=5000,dport=53)";
  ANSWERS ("IPv6(src=\"fd00::2\",dst=\"fd00::1\")/UDP(sport=53,dport=5000)", request);
  DOES_NOT_ANSWER ("IPv6(src=\"fd00::3\",dst=\"fd00::1\")/UDP(sport=53,dport=5000)", request);
  DOES_NOT_ANSWER ("IPv6(src=\"fd00::2\",dst=\"fd00::4\")/UDP(sport=53,dport=5000)", request);
  /* Dot1Q tags must agree. */
  ANSWERS ("Ether()/Dot1Q(vlan=5)/IP(src=\"" B "\",dst=\"" A "\")/UDP(sport=9,dport=5000)",
           "Ether()/Dot1Q(vlan=5)/IP(src=\"" A "\",dst=\"" B "\")/UDP(sport=5000,dport=9)");
  DOES_NOT_ANSWER ("Ether()/Dot1Q(vlan=6)/IP(src=\"" B "\",dst=\"" A "\")/UDP(sport=9,dport=5000)",
                   "Ether()/Dot1Q(vlan=5)/IP(src=\"" A "\",dst=\"" B "\")/UDP(sport=5000,dport=9)");
}

#define A6 "2001:db8::1"
#define B6 "2001:db8::2"

static void
test_icmpv6 (void)
{
  g_test_summary ("ICMPv6: an echo reply answers the request of its id , sequence and data, a neighbour advertisement the "
                  "solicitation for its target (sent to a multicast address, options not compared), an error the "
                  "packet it quotes.");
  const char *echo = "IPv6(src=\"" A6 "\",dst=\"" B6 "\")/ICMPv6EchoRequest(id=7,seq=3,data=b\"ping\")";
  ANSWERS ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6EchoReply(id=7,seq=3,data=b\"ping\")", echo);
  ANSWERS ("Ether()/IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6EchoReply(id=7,seq=3,data=b\"ping\")", echo);
  DOES_NOT_ANSWER ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6EchoReply(id=7,seq=3,data=b\"pong\")", echo);
  DOES_NOT_ANSWER ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6EchoReply(id=7,seq=4,data=b\"ping\")", echo);
  DOES_NOT_ANSWER ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6EchoReply(id=8,seq=3,data=b\"ping\")", echo);
  DOES_NOT_ANSWER ("IPv6(src=\"2001:db8::3\",dst=\"" A6 "\")/ICMPv6EchoReply(id=7,seq=3,data=b\"ping\")", echo);
  DOES_NOT_ANSWER ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6EchoRequest(id=7,seq=3)", echo);
  DOES_NOT_ANSWER (echo, echo);
  /* A ping to all nodes is answered from each node's own address. */
  ANSWERS ("IPv6(src=\"fe80::2\",dst=\"fe80::1\")/ICMPv6EchoReply(id=1,seq=1)",
           "IPv6(src=\"fe80::1\",dst=\"ff02::1\")/ICMPv6EchoRequest(id=1,seq=1)");

  /* Neighbour solicitation to the solicited-node address, with the asker's link address. */
  const char *ns = "IPv6(src=\"fe80::1\",dst=\"ff02::1:ff00:2\",hlim=255)/ICMPv6ND_NS(tgt=\"fe80::2\")/"
                   "ICMPv6NDOptSrcLLAddr(lladdr=\"02:00:00:00:00:01\")";
  ANSWERS ("IPv6(src=\"fe80::2\",dst=\"fe80::1\",hlim=255)/ICMPv6ND_NA(tgt=\"fe80::2\",R=0,S=1)/"
           "ICMPv6NDOptDstLLAddr(lladdr=\"02:00:00:00:00:02\")",
           ns);
  ANSWERS ("IPv6(src=\"fe80::2\",dst=\"fe80::1\",hlim=255)/ICMPv6ND_NA(tgt=\"fe80::2\",R=0,S=1)", ns);
  DOES_NOT_ANSWER ("IPv6(src=\"fe80::3\",dst=\"fe80::1\",hlim=255)/ICMPv6ND_NA(tgt=\"fe80::3\",S=1)", ns);
  DOES_NOT_ANSWER ("IPv6(src=\"fe80::2\",dst=\"fe80::9\",hlim=255)/ICMPv6ND_NA(tgt=\"fe80::2\",S=1)", ns);
  DOES_NOT_ANSWER ("IPv6(src=\"fe80::2\",dst=\"fe80::1\",hlim=255)/ICMPv6ND_NS(tgt=\"fe80::2\")", ns);
  /* To a unicast address, the answer must come from it. */
  const char *ns_unicast = "IPv6(src=\"fe80::1\",dst=\"fe80::2\",hlim=255)/ICMPv6ND_NS(tgt=\"fe80::2\")";
  ANSWERS ("IPv6(src=\"fe80::2\",dst=\"fe80::1\",hlim=255)/ICMPv6ND_NA(tgt=\"fe80::2\")", ns_unicast);
  DOES_NOT_ANSWER ("IPv6(src=\"fe80::7\",dst=\"fe80::1\",hlim=255)/ICMPv6ND_NA(tgt=\"fe80::2\")", ns_unicast);

  /* Errors quote the packet: from the host asked or a router on the way. */
  const char *udp = "IPv6(src=\"" A6 "\",dst=\"" B6 "\")/UDP(sport=5000,dport=9)/\"data\"";
  ANSWERS ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6DestUnreach(code=4)/IPv6(src=\"" A6 "\",dst=\"" B6
           "\")/UDP(sport=5000,dport=9)/\"data\"",
           udp);
  ANSWERS ("IPv6(src=\"2001:db8:ffff::1\",dst=\"" A6 "\")/ICMPv6TimeExceeded()/IPv6(src=\"" A6 "\",dst=\"" B6
           "\",hlim=1)/UDP(sport=5000,dport=9)",
           udp);
  ANSWERS ("IPv6(src=\"2001:db8:ffff::1\",dst=\"" A6 "\")/ICMPv6PacketTooBig(mtu=1280)/IPv6(src=\"" A6
           "\",dst=\"" B6 "\")/UDP(sport=5000,dport=9)",
           udp);
  DOES_NOT_ANSWER ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6DestUnreach(code=4)/IPv6(src=\"" A6 "\",dst=\"" B6
                   "\")/UDP(sport=5001,dport=9)",
                   udp);
  DOES_NOT_ANSWER ("IPv6(src=\"" B6 "\",dst=\"2001:db8::9\")/ICMPv6DestUnreach(code=4)/IPv6(src=\"" A6
                   "\",dst=\"" B6 "\")/UDP(sport=5000,dport=9)",
                   udp);
  /* An error about an echo request quotes its id and sequence. */
  ANSWERS ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6ParamProblem()/IPv6(src=\"" A6 "\",dst=\"" B6
           "\")/ICMPv6EchoRequest(id=7,seq=3,data=b\"ping\")",
           echo);
  DOES_NOT_ANSWER ("IPv6(src=\"" B6 "\",dst=\"" A6 "\")/ICMPv6ParamProblem()/IPv6(src=\"" A6 "\",dst=\"" B6
                   "\")/ICMPv6EchoRequest(id=7,seq=9)",
                   echo);
}

/* A made-up request/response protocol over UDP port 7777: its own rules. */
static const char ping_pdl[] = "layer Ping {\n"
                               "  kind: u8 enum { request = 1, reply = 2 } = 1;\n"
                               "  token: u32 = 0;\n"
                               "  answer kind == 2 && request.kind == 1 && token == request.token + 1;\n"
                               "  identity token;\n"
                               "}\n"
                               "bind UDP.dport == 7777 -> Ping;\n"
                               "bind UDP.sport == 7777 -> Ping for dissect;\n"
                               /* One definition per message, as Scapy's ICMPv6 layers are. */
                               "layer Ask { n: u16 = 0; }\n"
                               "layer Tell { m: u16 = 0; answers Ask if m == request.n * 2; }\n"
                               "bind UDP.dport == 7778 -> Ask;\n"
                               "bind UDP.sport == 7778 -> Tell for dissect;\n";

static void
test_own_protocol (void)
{
  g_test_summary ("A protocol defined in a file gets its answer rule from that file, with no C.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) saved = g_steal_pointer (&registry);
  registry = craft_registry_new ();
  g_assert_true (craft_registry_load_builtin (registry, &error));
  g_assert_true (craft_registry_load_data (registry, "ping.pdl", ping_pdl, -1, &error));
  g_assert_no_error (error);
  const char *request = "IP(src=\"" A "\",dst=\"" B "\")/UDP(sport=5000,dport=7777)/Ping(token=41)";
  ANSWERS ("IP(src=\"" B "\",dst=\"" A "\")/UDP(sport=7777,dport=5000)/Ping(kind=2,token=42)", request);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/UDP(sport=7777,dport=5000)/Ping(kind=2,token=41)", request);
  DOES_NOT_ANSWER ("IP(src=\"" B "\",dst=\"" A "\")/UDP(sport=7777,dport=5000)/Ping(kind=1,token=42)", request);
  /* `answers Ask if ...`: a layer of another definition answers. */
  const char *ask = "IP(src=\"" A "\",dst=\"" B "\")/UDP(sport=5000,dport=7778)/Ask(n=21)";
  const char *tell = "IP(src=\"" B "\",dst=\"" A "\")/UDP(sport=7778,dport=5000)/Tell(m=%u)";
  g_autofree char *right = g_strdup_printf (tell, 42);
  g_autofree char *wrong = g_strdup_printf (tell, 41);
  ANSWERS (right, ask);
  DOES_NOT_ANSWER (wrong, ask);
  craft_registry_unref (registry);
  registry = g_steal_pointer (&saved);
}

typedef struct {
  const char *text;
  CraftError code;
  guint line, column;
  const char *message;
} BadRule;

static void
test_bad_rules (void)
{
  g_test_summary ("Mistakes in answer statements are errors at their place.");
  static const BadRule cases[] = {
    { "layer L { a: u8; length = request.a; }", CRAFT_ERROR_DEFINITION, 1, 27,
      "request.FIELD can only be used in an answer rule" },
    { "layer L { a: u8 = quoting(); }", CRAFT_ERROR_DEFINITION, 1, 19, "quoting() can only be used in an answer rule" },
    { "layer L { a: u8; answer request.b == 1; }", CRAFT_ERROR_DEFINITION, 1, 33, "'b' is not a field of layer 'L'" },
    { "layer L { a: u8; answer request.max(a) == 1; }", CRAFT_ERROR_DEFINITION, 1, 33,
      "the request offers its fields and len(...), not max()" },
    { "layer L { a: u8; answer a == 1; answer a == 2; }", CRAFT_ERROR_DEFINITION, 1, 33,
      "layer 'L' already has an answer rule" },
    { "layer L { a: u8; identity a, c; }", CRAFT_ERROR_DEFINITION, 1, 30, "'c' is not a field of layer 'L'" },
    { "layer L { a: u8; m: mac; resolve a -> m; }", CRAFT_ERROR_DEFINITION, 1, 34,
      "resolve asks about an IPv4 or IPv6 address field; 'a' is uint" },
    { "layer L { a: ipv4; m: u8; resolve a -> m; }", CRAFT_ERROR_DEFINITION, 1, 40,
      "resolve reads the answer's link address from a mac field; 'm' is uint" },
    { "layer L { a: ipv4; resolve a m; }", CRAFT_ERROR_SYNTAX, 1, 30, "expected '-' ('->')" },
    { "layer L { a: u8; answer next_hop_mac() == 1; }", CRAFT_ERROR_DEFINITION, 1, 25,
      "an answer rule is an integer: next_hop_mac() gives an address" },
    { "layer L { a: u8; answers L if a == 1; }", CRAFT_ERROR_DEFINITION, 1, 26,
      "a layer that answers its own kind says 'answer EXPR;'" },
    { "layer L { a: u8; answers Nope if a == 1; }", CRAFT_ERROR_DEFINITION, 1, 26,
      "no layer named 'Nope' is loaded" },
    { "layer L { a: u8; answers UDP a == 1; }", CRAFT_ERROR_SYNTAX, 1, 30, "expected 'if' and the rule" },
    { "layer L { a: u8; answers UDP if a == request.a; }", CRAFT_ERROR_DEFINITION, 1, 46,
      "'a' is not a field of layer 'UDP'" },
    { "layer L { a: ipv4 = next_hop_mac(); }", CRAFT_ERROR_DEFINITION, 1, 21,
      "its computed default must be source_ip(FIELD)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CraftRegistry) reg = craft_registry_new ();
      g_autoptr (GError) error = NULL;
      g_assert_true (craft_registry_load_builtin (reg, &error));
      g_assert_false (craft_registry_load_data (reg, "bad.pdl", cases[i].text, -1, &error));
      g_assert_error (error, CRAFT_ERROR, (gint) cases[i].code);
      if (strstr (error->message, cases[i].message) == NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      CraftErrorLocation loc;
      g_assert_true (craft_error_get_location (error, &loc));
      g_test_message ("%s -> %u:%u %s", cases[i].text, loc.line, loc.column, error->message);
      g_assert_cmpuint (loc.line, ==, cases[i].line);
      g_assert_cmpuint (loc.column, ==, cases[i].column);
    }
}

static void
test_next_hop_offline (void)
{
  g_test_summary ("Built without an interface, next_hop_mac() is the broadcast address: craft build sends nothing.");
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) p = craft_packet_new_from_expression (registry, "Ether()/IP(dst=\"" B "\")/ICMP()", &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = craft_packet_build (p, &error);
  (void) bytes;
  g_assert_no_error (error);
  g_autofree char *dst = craft_packet_format_field (p, 0, "dst", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dst, ==, "ff:ff:ff:ff:ff:ff");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  registry = craft_registry_new ();
  if (!craft_registry_load_builtin (registry, &error))
    g_error ("%s", error->message);
  g_test_add_func ("/match/icmp-echo", test_icmp_echo);
  g_test_add_func ("/match/link-layer", test_link_layer);
  g_test_add_func ("/match/tcp", test_tcp);
  g_test_add_func ("/match/udp-and-quotes", test_udp_and_quotes);
  g_test_add_func ("/match/icmpv6", test_icmpv6);
  g_test_add_func ("/match/arp-and-ipv6", test_arp_and_ipv6);
  g_test_add_func ("/match/own-protocol", test_own_protocol);
  g_test_add_func ("/match/bad-rules", test_bad_rules);
  g_test_add_func ("/match/next-hop-offline", test_next_hop_offline);
  int status = g_test_run ();
  craft_registry_unref (registry);
  return status;
}
