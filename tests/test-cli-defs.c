/* Tests for the tool's definition commands: `craft ls` (layers, one layer's fields) and `craft check`. */
#include <glib.h>
#include <glib/gstdio.h>

#include <string.h>
#include <sys/wait.h>

#include "testutil.h"

static char *tmpdir;
static char *config_home;

static void
run_craft_in (Run *run, const char *proto_path, const char *const *args)
{
  craft_test_run_tool (run, tmpdir, config_home, proto_path, args);
}

#define run_craft(run, ...) run_craft_in (run, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* Writes a definition file in the temporary folder; returns its path. */
static char *
write_file (const char *name, const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* ---- ls ---- */

static void
test_ls_layers (void)
{
  g_test_summary ("craft ls lists every loaded layer, sorted by name, with its description.");
  g_auto (Run) run = { 0 };
  run_craft (&run, "ls");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpstr (run.out, ==,
                   "ARP                                    : Address Resolution Protocol\n"
                   "BOOTP                                  : Bootstrap Protocol\n"
                   "CookedLinux                            : Linux cooked capture (SLL)\n"
                   "CookedLinuxV2                          : Linux cooked capture version 2 (SLL2)\n"
                   "DHCP                                   : Dynamic Host Configuration Protocol\n"
                   "DHCPAddress                            : DHCP option address\n"
                   "DHCPClasslessRoute                     : DHCP classless static route\n"
                   "DHCPOpt_AllSubnetsLocal                : DHCP option All Subnets are Local\n"
                   "DHCPOpt_ARPCacheTimeout                : DHCP option ARP Cache Timeout\n"
                   "DHCPOpt_AssociatedIP                   : DHCP option Associated IP Addresses (RFC 4388)\n"
                   "DHCPOpt_AutoConfig                     : DHCP option Auto-Configure (RFC 2563)\n"
                   "DHCPOpt_BCMSControllerAddress          : DHCP option BCMCS Controller Addresses (RFC 4280)\n"
                   "DHCPOpt_BCMSControllerNames            : DHCP option BCMCS Controller Domain Names (RFC 4280)\n"
                   "DHCPOpt_BootFileName                   : DHCP option Bootfile Name\n"
                   "DHCPOpt_BootSize                       : DHCP option Boot File Size (512-byte blocks)\n"
                   "DHCPOpt_BroadcastAddress               : DHCP option Broadcast Address\n"
                   "DHCPOpt_CAPWAPACV4                     : DHCP option CAPWAP Access Controllers (RFC 5417)\n"
                   "DHCPOpt_ClasslessStaticRoutes          : DHCP option Classless Static Route (RFC 3442)\n"
                   "DHCPOpt_ClientFQDN                     : DHCP option Client FQDN (RFC 4702)\n"
                   "DHCPOpt_ClientId                       : DHCP option Client Identifier\n"
                   "DHCPOpt_ClientLastTransactionTime      : DHCP option Client Last Transaction Time (RFC 4388)\n"
                   "DHCPOpt_CookieServer                   : DHCP option Cookie Server\n"
                   "DHCPOpt_DefaultTTL                     : DHCP option Default IP Time-to-live\n"
                   "DHCPOpt_DefaultURL                     : DHCP option Default URL (RFC 3679)\n"
                   "DHCPOpt_Domain                         : DHCP option Domain Name\n"
                   "DHCPOpt_DumpPath                       : DHCP option Merit Dump File\n"
                   "DHCPOpt_End                            : DHCP option End\n"
                   "DHCPOpt_ErrorMessage                   : DHCP option Message\n"
                   "DHCPOpt_ExtensionsPath                 : DHCP option Extensions Path\n"
                   "DHCPOpt_FingerServer                   : DHCP option Default Finger Server\n"
                   "DHCPOpt_FontServers                    : DHCP option X Window System Font Server\n"
                   "DHCPOpt_Hostname                       : DHCP option Host Name\n"
                   "DHCPOpt_IEEE8023Encapsulation          : DHCP option Ethernet Encapsulation\n"
                   "DHCPOpt_IENNameServer                  : DHCP option IEN 116 Name Server\n"
                   "DHCPOpt_ImpressServers                 : DHCP option Impress Server\n"
                   "DHCPOpt_InterfaceMTU                   : DHCP option Interface MTU\n"
                   "DHCPOpt_IPForwarding                   : DHCP option IP Forwarding Enable/Disable\n"
                   "DHCPOpt_IRCServer                      : DHCP option Default IRC Server\n"
                   "DHCPOpt_LeaseTime                      : DHCP option Lease Time\n"
                   "DHCPOpt_LogServer                      : DHCP option Log Server\n"
                   "DHCPOpt_LPRServer                      : DHCP option LPR Server\n"
                   "DHCPOpt_MaskSupplier                   : DHCP option Mask Supplier\n"
                   "DHCPOpt_MaxDgramReassSize              : DHCP option Maximum Datagram Reassembly Size\n"
                   "DHCPOpt_MaxDHCPSize                    : DHCP option Maximum DHCP Message Size\n"
                   "DHCPOpt_MessageType                    : DHCP option Message Type\n"
                   "DHCPOpt_MobileIPHomeAgent              : DHCP option Mobile IP Home Agent\n"
                   "DHCPOpt_MUDURL                         : DHCP option Manufacturer Usage Description URL (RFC 8520)\n"
                   "DHCPOpt_NameServer                     : DHCP option Domain Name Server\n"
                   "DHCPOpt_NameServiceSearch              : DHCP option Name Service Search (RFC 2937; its first entry)\n"
                   "DHCPOpt_NDSContext                     : DHCP option NDS Context (RFC 2241)\n"
                   "DHCPOpt_NDSServer                      : DHCP option NDS Servers (RFC 2241)\n"
                   "DHCPOpt_NDSTreeName                    : DHCP option NDS Tree Name (RFC 2241)\n"
                   "DHCPOpt_NetBIOSDistServer              : DHCP option NetBIOS over TCP/IP Datagram Distribution Server\n"
                   "DHCPOpt_NetBIOSNodeType                : DHCP option NetBIOS over TCP/IP Node Type\n"
                   "DHCPOpt_NetBIOSScope                   : DHCP option NetBIOS over TCP/IP Scope\n"
                   "DHCPOpt_NetBIOSServer                  : DHCP option NetBIOS over TCP/IP Name Server\n"
                   "DHCPOpt_NetInfoServerAddress           : DHCP option NetInfo Parent Server Address (RFC 3679)\n"
                   "DHCPOpt_NetInfoServerTag               : DHCP option NetInfo Parent Server Tag (RFC 3679)\n"
                   "DHCPOpt_NISDomain                      : DHCP option Network Information Service Domain\n"
                   "DHCPOpt_NISPlusDomain                  : DHCP option NIS+ Domain\n"
                   "DHCPOpt_NISPlusServer                  : DHCP option NIS+ Servers\n"
                   "DHCPOpt_NISServer                      : DHCP option Network Information Servers\n"
                   "DHCPOpt_NNTPServer                     : DHCP option NNTP Server\n"
                   "DHCPOpt_NonLocalSourceRouting          : DHCP option Non-Local Source Routing Enable/Disable\n"
                   "DHCPOpt_NTPServer                      : DHCP option Network Time Protocol Servers\n"
                   "DHCPOpt_NWIPDomainName                 : DHCP option NetWare/IP Domain Name\n"
                   "DHCPOpt_Option6RD                      : DHCP option 6rd (RFC 5969)\n"
                   "DHCPOpt_OptionOverload                 : DHCP option Option Overload\n"
                   "DHCPOpt_Pad                            : DHCP option Pad\n"
                   "DHCPOpt_PANAAgent                      : DHCP option PANA Authentication Agents (RFC 5192)\n"
                   "DHCPOpt_ParamReqList                   : DHCP option Parameter Request List\n"
                   "DHCPOpt_PathMTUPlateauTable            : DHCP option Path MTU Plateau Table (its first entry)\n"
                   "DHCPOpt_PCode                          : DHCP option IEEE 1003.1 TZ string (RFC 4833)\n"
                   "DHCPOpt_PerformMaskDiscovery           : DHCP option Perform Mask Discovery\n"
                   "DHCPOpt_PMTUTimeout                    : DHCP option Path MTU Aging Timeout\n"
                   "DHCPOpt_PolicyFilter                   : DHCP option Policy Filter (address and mask pairs)\n"
                   "DHCPOpt_POP3Server                     : DHCP option POP3 Server\n"
                   "DHCPOpt_PXEClientArchitecture          : DHCP option Client System Architecture (RFC 4578)\n"
                   "DHCPOpt_PXEClientMachineIdentifier     : DHCP option Client Machine Identifier (RFC 4578)\n"
                   "DHCPOpt_PXEClientNetworkInterface      : DHCP option Client Network Interface Identifier (RFC 4578)\n"
                   "DHCPOpt_PXELinuxConfigurationFile      : DHCP option PXELINUX Configuration File (RFC 5071)\n"
                   "DHCPOpt_PXELinuxMagic                  : DHCP option PXELINUX Magic (RFC 5071)\n"
                   "DHCPOpt_PXELinuxPathPrefix             : DHCP option PXELINUX Path Prefix (RFC 5071)\n"
                   "DHCPOpt_PXELinuxRebootTime             : DHCP option PXELINUX Reboot Time (RFC 5071)\n"
                   "DHCPOpt_RDNSSSelection                 : DHCP option RDNSS Selection (RFC 6731)\n"
                   "DHCPOpt_RebindingTime                  : DHCP option Rebinding (T2) Time\n"
                   "DHCPOpt_RelayAgentInformation          : DHCP option Relay Agent Information (RFC 3046)\n"
                   "DHCPOpt_RenewalTime                    : DHCP option Renewal (T1) Time\n"
                   "DHCPOpt_RequestedAddr                  : DHCP option Requested IP Address\n"
                   "DHCPOpt_ResourceLocationServers        : DHCP option Resource Location Server\n"
                   "DHCPOpt_RootDiskPath                   : DHCP option Root Path\n"
                   "DHCPOpt_Router                         : DHCP option Router\n"
                   "DHCPOpt_RouterDiscovery                : DHCP option Perform Router Discovery\n"
                   "DHCPOpt_RouterSolicitationAddress      : DHCP option Router Solicitation Address\n"
                   "DHCPOpt_ServerId                       : DHCP option Server Identifier\n"
                   "DHCPOpt_SIPUAServiceDomains            : DHCP option SIP UA Configuration Service Domains (RFC 6011)\n"
                   "DHCPOpt_SLPServiceAgent                : DHCP option SLP Directory Agent (RFC 2610)\n"
                   "DHCPOpt_SLPServiceScope                : DHCP option SLP Service Scope (RFC 2610)\n"
                   "DHCPOpt_SMTPServer                     : DHCP option SMTP Server\n"
                   "DHCPOpt_StaticRoutes                   : DHCP option Static Route (destination and router pairs)\n"
                   "DHCPOpt_StreetTalkDirAssistance        : DHCP option StreetTalk Directory Assistance Server\n"
                   "DHCPOpt_StreetTalkServer               : DHCP option StreetTalk Server\n"
                   "DHCPOpt_SubnetMask                     : DHCP option Subnet Mask\n"
                   "DHCPOpt_SubnetSelection                : DHCP option Subnet Selection (RFC 3011)\n"
                   "DHCPOpt_SwapServer                     : DHCP option Swap Server\n"
                   "DHCPOpt_TCode                          : DHCP option Reference to the TZ database (RFC 4833)\n"
                   "DHCPOpt_TCPKeepaliveGarbage            : DHCP option TCP Keepalive Garbage\n"
                   "DHCPOpt_TCPKeepaliveInterval           : DHCP option TCP Keepalive Interval\n"
                   "DHCPOpt_TCPTTL                         : DHCP option TCP Default TTL\n"
                   "DHCPOpt_TFTPServerAddress              : DHCP option TFTP Server Address (RFC 5859)\n"
                   "DHCPOpt_TFTPServerIPAddress            : DHCP option TFTP Server IP Address (PXE)\n"
                   "DHCPOpt_TFTPServerName                 : DHCP option TFTP Server Name\n"
                   "DHCPOpt_TimeServer                     : DHCP option Time Server\n"
                   "DHCPOpt_TimeZone                       : DHCP option Time Offset (seconds east of UTC)\n"
                   "DHCPOpt_TrailerEncapsulation           : DHCP option Trailer Encapsulation\n"
                   "DHCPOpt_UAPServers                     : DHCP option User Authentication Protocol servers (RFC 2485)\n"
                   "DHCPOpt_UserClass                      : DHCP option User Class (RFC 3004)\n"
                   "DHCPOpt_V4AccessDomain                 : DHCP option Access Network Domain Name (RFC 5986)\n"
                   "DHCPOpt_V4CaptivePortal                : DHCP option Captive-Portal URI (RFC 8910)\n"
                   "DHCPOpt_V4LoST                         : DHCP option LoST Server domain name (RFC 5223)\n"
                   "DHCPOpt_V4PortParams                   : DHCP option Port Parameters (RFC 7618)\n"
                   "DHCPOpt_VendorClass                    : DHCP option Vendor-Identifying Vendor Class (RFC 3925)\n"
                   "DHCPOpt_VendorClassId                  : DHCP option Vendor Class Identifier\n"
                   "DHCPOpt_VendorSpecific                 : DHCP option Vendor Specific Information\n"
                   "DHCPOpt_VendorSpecificInformation      : DHCP option Vendor-Identifying Vendor-Specific Information (RFC 3925)\n"
                   "DHCPOpt_WWWServer                      : DHCP option Default World Wide Web Server\n"
                   "DHCPOpt_XDisplayManager                : DHCP option X Window System Display Manager\n"
                   "DHCPOption                             : DHCP option\n"
                   "DNS                                    : Domain Name System\n"
                   "DNSQR                                  : DNS Question Record\n"
                   "DNSRR                                  : DNS Resource Record\n"
                   "DNSRRMX                                : DNS MX Resource Record\n"
                   "DNSRRSOA                               : DNS SOA Resource Record\n"
                   "DNSRRSRV                               : DNS SRV Resource Record\n"
                   "Dot1Q                                  : IEEE 802.1Q VLAN tag\n"
                   "Ether                                  : Ethernet II frame\n"
                   "GRE                                    : Generic Routing Encapsulation\n"
                   "ICMP                                   : Internet Control Message Protocol\n"
                   "ICMPv6DestUnreach                      : ICMPv6 destination unreachable\n"
                   "ICMPv6EchoReply                        : ICMPv6 echo reply\n"
                   "ICMPv6EchoRequest                      : ICMPv6 echo request\n"
                   "ICMPv6MLDone                           : MLD multicast listener done (RFC 2710)\n"
                   "ICMPv6MLQuery                          : MLD multicast listener query (RFC 2710)\n"
                   "ICMPv6MLReport                         : MLD multicast listener report (RFC 2710)\n"
                   "ICMPv6ND_NA                            : ICMPv6 neighbor advertisement\n"
                   "ICMPv6ND_NS                            : ICMPv6 neighbor solicitation\n"
                   "ICMPv6ND_RA                            : ICMPv6 router advertisement\n"
                   "ICMPv6ND_Redirect                      : ICMPv6 redirect\n"
                   "ICMPv6ND_RS                            : ICMPv6 router solicitation\n"
                   "ICMPv6NDOptDstLLAddr                   : Neighbor discovery option: target link-layer address\n"
                   "ICMPv6NDOptMTU                         : Neighbor discovery option: MTU\n"
                   "ICMPv6NDOptPrefixInfo                  : Neighbor discovery option: prefix information\n"
                   "ICMPv6NDOptSrcLLAddr                   : Neighbor discovery option: source link-layer address\n"
                   "ICMPv6PacketTooBig                     : ICMPv6 packet too big\n"
                   "ICMPv6ParamProblem                     : ICMPv6 parameter problem\n"
                   "ICMPv6TimeExceeded                     : ICMPv6 time exceeded\n"
                   "ICMPv6Unknown                          : ICMPv6 message of another type\n"
                   "IP                                     : Internet Protocol version 4\n"
                   "IPOption                               : IP Option\n"
                   "IPOption_EOL                           : IP Option End of Options List\n"
                   "IPOption_LSRR                          : IP Option Loose Source and Record Route\n"
                   "IPOption_MTU_Probe                     : IP Option MTU Probe\n"
                   "IPOption_NOP                           : IP Option No Operation\n"
                   "IPOption_Router_Alert                  : IP Option Router Alert\n"
                   "IPOption_RR                            : IP Option Record Route\n"
                   "IPOption_SSRR                          : IP Option Strict Source and Record Route\n"
                   "IPOption_Timestamp                     : IP Option Timestamp\n"
                   "IPOptionAddress                        : IP option address\n"
                   "IPv6                                   : Internet Protocol version 6\n"
                   "IPv6ExtHdrDestOpt                      : IPv6 destination options\n"
                   "IPv6ExtHdrFragment                     : IPv6 fragment header\n"
                   "IPv6ExtHdrHopByHop                     : IPv6 hop-by-hop options\n"
                   "IPv6ExtHdrRouting                      : IPv6 routing header\n"
                   "IPv6ExtHdrSegmentRouting               : IPv6 segment routing header\n"
                   "IPv6ExtHdrSegmentRoutingTLV            : IPv6 Option Header Segment Routing - Generic TLV\n"
                   "IPv6ExtHdrSegmentRoutingTLVEgressNode  : IPv6 Option Header Segment Routing - Egress Node TLV\n"
                   "IPv6ExtHdrSegmentRoutingTLVIngressNode : IPv6 Option Header Segment Routing - Ingress Node TLV\n"
                   "IPv6ExtHdrSegmentRoutingTLVPad1        : IPv6 Option Header Segment Routing - Pad1 TLV\n"
                   "IPv6ExtHdrSegmentRoutingTLVPadN        : IPv6 Option Header Segment Routing - PadN TLV\n"
                   "IPv6SRHSegment                         : IPv6 segment routing header segment\n"
                   "Loopback                               : BSD loopback encapsulation (DLT_NULL)\n"
                   "NTPHeader                              : Network Time Protocol v4 header\n"
                   "Padding                                : Bytes past the end of a layer's length field\n"
                   "Raw                                    : Bytes no definition claims\n"
                   "TCP                                    : Transmission Control Protocol\n"
                   "TCPOption                              : TCP option\n"
                   "TCPOption_EOL                          : TCP option End of List\n"
                   "TCPOption_MSS                          : TCP option Maximum Segment Size\n"
                   "TCPOption_NOP                          : TCP option No-Operation\n"
                   "TCPOption_SAck                         : TCP option SACK\n"
                   "TCPOption_SAckOK                       : TCP option SACK Permitted\n"
                   "TCPOption_Timestamp                    : TCP option Timestamps\n"
                   "TCPOption_UTO                          : TCP option User Timeout\n"
                   "TCPOption_WScale                       : TCP option Window Scale\n"
                   "TCPSAckEdge                            : TCP SACK block edge\n"
                   "UDP                                    : User Datagram Protocol\n"
                   "VXLAN                                  : Virtual eXtensible Local Area Network\n");

  /* A definition on CRAFT_PROTO_PATH shows up, with its description or its title. */
  g_autofree char *dir = g_build_filename (tmpdir, "proto", NULL);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_autofree char *path = g_build_filename (dir, "zeta.pdl", NULL);
  g_assert_true (g_file_set_contents (path, "layer Zeta \"Zeta protocol\" { a: u8; }\n"
                                            "layer Alpha { a: u8; description \"First of all\"; }\n", -1, NULL));
  g_auto (Run) more = { 0 };
  run_craft_in (&more, dir, (const char *const[]){ "ls", NULL });
  g_assert_cmpint (more.status, ==, 0);
  g_assert_true (g_str_has_prefix (more.out, "Alpha                                  : First of all\nARP "));
  g_assert_true (g_str_has_suffix (more.out, "VXLAN                                  : Virtual eXtensible Local Area Network\n"
                                             "Zeta                                   : Zeta protocol\n"));
  g_remove (path);
  g_rmdir (dir);
}

static void
test_ls_layer (void)
{
  g_test_summary ("craft ls LAYER lists its fields in order: name, kind and width, default as written.");
  g_auto (Run) ip = { 0 };
  run_craft (&ip, "ls", "IP");
  g_assert_cmpint (ip.status, ==, 0);
  g_assert_cmpstr (ip.err, ==, "");
  g_assert_cmpstr (ip.out, ==,
                   "version : uint (4 bits)   = 4\n"
                   "ihl     : uint (4 bits)   = len(header) / 4\n"
                   "tos     : uint (8 bits)   = 0\n"
                   "len     : uint (16 bits)  = len(layer)\n"
                   "id      : uint (16 bits)  = 1\n"
                   "flags   : uint (3 bits)   = 0\n"
                   "frag    : uint (13 bits)  = 0\n"
                   "ttl     : uint (8 bits)   = 64\n"
                   "proto   : uint (8 bits)   = 0\n"
                   "chksum  : uint (16 bits)  = inet_checksum(header)\n"
                   "src     : ipv4 (32 bits)  = source_ip(dst)\n"
                   "dst     : ipv4 (32 bits)  = \"127.0.0.1\"\n"
                   "options : list (variable) = []\n");

  g_auto (Run) ether = { 0 };
  run_craft (&ether, "ls", "Ether");
  g_assert_cmpstr (ether.out, ==,
                   "dst  : mac (48 bits)  = next_hop_mac()\n"
                   "src  : mac (48 bits)  = source_mac()\n"
                   "type : uint (16 bits) = 0x9000\n");

  g_auto (Run) sll = { 0 };
  run_craft (&sll, "ls", "CookedLinuxV2");
  g_assert_cmpstr (sll.out, ==,
                   "proto      : uint (16 bits)  = 0x0800\n"
                   "reserved   : uint (16 bits)  = 0\n"
                   "ifindex    : uint (32 bits)  = 0\n"
                   "lladdrtype : uint (16 bits)  = 512\n"
                   "pkttype    : uint (8 bits)   = 0\n"
                   "lladdrlen  : uint (8 bits)   = 0\n"
                   "src        : bytes (8 bytes) = b''\n");

  g_auto (Run) ipv6 = { 0 };
  run_craft (&ipv6, "ls", "IPv6");
  g_assert_cmpstr (ipv6.out, ==,
                   "version : uint (4 bits)   = 6\n"
                   "tc      : uint (8 bits)   = 0\n"
                   "fl      : uint (20 bits)  = 0\n"
                   "plen    : uint (16 bits)  = len(payload)\n"
                   "nh      : uint (8 bits)   = 59\n"
                   "hlim    : uint (8 bits)   = 64\n"
                   "src     : ipv6 (128 bits) = source_ip(dst)\n"
                   "dst     : ipv6 (128 bits) = \"::1\"\n");

  /* Signed, little-endian, one-bit and unset fields of a user's layer. */
  g_autofree char *dir = g_build_filename (tmpdir, "proto-ls", NULL);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_autofree char *path = g_build_filename (dir, "mine.pdl", NULL);
  g_assert_true (g_file_set_contents (path, "layer Mine { a: s16 = -3; b: u1; c: u7; d: u32 le = 0x10; e: ipv6; "
                                            "f: mac; g: ipv4; h: bytes(1); }\n", -1, NULL));
  g_auto (Run) mine = { 0 };
  run_craft_in (&mine, dir, (const char *const[]){ "ls", "Mine", NULL });
  g_assert_cmpstr (mine.out, ==,
                   "a : int (16 bits)   = -3\n"
                   "b : uint (1 bit)    = 0\n"
                   "c : uint (7 bits)   = 0\n"
                   "d : uint (32 bits)  = 0x10\n"
                   "e : ipv6 (128 bits) = ::\n"
                   "f : mac (48 bits)   = 00:00:00:00:00:00\n"
                   "g : ipv4 (32 bits)  = 0.0.0.0\n"
                   "h : bytes (1 byte)  = b''\n");
  g_remove (path);
  g_rmdir (dir);
}

static void
test_ls_errors (void)
{
  g_test_summary ("craft ls of an unknown layer, or of two, exits 2; --help describes it.");
  g_auto (Run) nope = { 0 };
  run_craft (&nope, "ls", "Nope");
  g_assert_cmpint (nope.status, ==, 2);
  g_assert_cmpstr (nope.out, ==, "");
  g_assert_cmpstr (nope.err, ==, "craft: unknown layer 'Nope' (craft ls lists the loaded layers)\n");

  g_auto (Run) two = { 0 };
  run_craft (&two, "ls", "IP", "TCP");
  g_assert_cmpint (two.status, ==, 2);
  assert_contains (two.err, "expected at most one layer name");

  g_auto (Run) help = { 0 };
  run_craft (&help, "ls", "--help");
  g_assert_cmpint (help.status, ==, 0);
  assert_contains (help.out, "craft ls [OPTION");
  assert_contains (help.out, "[LAYER]");
}

/* ---- check ---- */

static void
test_check_good (void)
{
  g_test_summary ("craft check on valid files prints one OK line and exits 0; the examples and the built-in "
                  "files themselves are valid.");
  g_autofree char *a = write_file ("good-a.pdl", "layer GoodA { x: u8; }\nbind UDP.dport == 4000 -> GoodA;\n");
  g_autofree char *b = write_file ("good-b.pdl", "layer GoodB { y: u16 = 7; guard y != 0; }\n");
  g_auto (Run) one = { 0 };
  run_craft (&one, "check", a);
  g_assert_cmpint (one.status, ==, 0);
  g_assert_cmpstr (one.out, ==, "1 file OK\n");
  g_assert_cmpstr (one.err, ==, "");
  g_auto (Run) two = { 0 };
  run_craft (&two, "check", a, b);
  g_assert_cmpint (two.status, ==, 0);
  g_assert_cmpstr (two.out, ==, "2 files OK\n");

  g_autofree char *telemetry = g_build_filename (CRAFT_SOURCE_DIR, "proto", "examples", "telemetry.pdl", NULL);
  g_autofree char *ipv6 = g_build_filename (CRAFT_SOURCE_DIR, "proto", "ipv6.pdl", NULL);
  g_autofree char *sll = g_build_filename (CRAFT_SOURCE_DIR, "proto", "sll.pdl", NULL);
  g_auto (Run) shipped = { 0 };
  run_craft (&shipped, "check", telemetry, ipv6, sll);
  g_assert_cmpint (shipped.status, ==, 0);
  g_assert_cmpstr (shipped.out, ==, "3 files OK\n");
}

static void
test_check_bad (void)
{
  g_test_summary ("craft check prints file:line:column: message for each bad file, nothing for good ones, and "
                  "exits 2; a file it cannot read exits 1.");
  g_autofree char *good = write_file ("fine.pdl", "layer Fine { x: u8; }\n");
  g_autofree char *type = write_file ("type.pdl", "layer Foo {\n    a: u8;\n    b: u7x;\n}\n");
  g_autofree char *value = write_file ("value.pdl", "layer Bar {\n    a: u8 = 300;\n}\n");
  g_autofree char *bind = write_file ("bind.pdl", "bind Nope.x == 1 -> Raw;\n");
  g_autofree char *guard = write_file ("guard.pdl", "layer G {\n  n: u8;\n  v: bytes(n);\n  k: u8;\n"
                                                    "  guard k == 1;\n}\n");
  g_auto (Run) run = { 0 };
  run_craft (&run, "check", good, type, value, bind, guard);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_autofree char *expected = g_strdup_printf (
    "%s:3:8: unknown type 'u7x' (expected u1…u64, s1…s64, mac, ipv4, ipv6, bytes, dnsname or list)\n"
    "%s:2:13: 300 is out of range for 8-bit field 'a' (0..255)\n"
    "%s:1:6: no layer named 'Nope' is loaded (a binding can only name layers defined earlier)\n"
    "%s:5:9: a guard reads only fields at a fixed place: 'k' follows 'v', which is of variable size\n",
    type, value, bind, guard);
  g_assert_cmpstr (run.err, ==, expected);

  /* A list default is read after the file's layers: its error is still at its place. */
  g_autofree char *list = write_file ("list.pdl", "layer E { a: u8 = 1; }\nlayer H {\n  n: u8 = count(items);\n"
                                                  "  items: list count(n) of E = [E(), E()le];\n}\n");
  g_auto (Run) listed = { 0 };
  run_craft (&listed, "check", list);
  g_assert_cmpint (listed.status, ==, 2);
  g_autofree char *list_expected
    = g_strdup_printf ("%s:4:40: the default of H.items, [E(), E()le]: expected ']' or ','\n", list);
  g_assert_cmpstr (listed.err, ==, list_expected);

  /* A relative path is reported as given. */
  g_auto (Run) relative = { 0 };
  run_craft (&relative, "check", "type.pdl");
  g_assert_cmpint (relative.status, ==, 2);
  g_assert_cmpstr (relative.err, ==,
                   "type.pdl:3:8: unknown type 'u7x' (expected u1…u64, s1…s64, mac, ipv4, ipv6, bytes, dnsname or list)\n");

  /* Each file stands alone on the built-in set: a layer from another file is unknown. */
  g_autofree char *uses = write_file ("uses.pdl", "bind Fine.x == 1 -> Raw;\n");
  g_auto (Run) alone = { 0 };
  run_craft (&alone, "check", good, uses);
  g_assert_cmpint (alone.status, ==, 2);
  assert_contains (alone.err, "uses.pdl:1:6: no layer named 'Fine' is loaded");

  g_autofree char *missing = g_build_filename (tmpdir, "missing.pdl", NULL);
  g_auto (Run) gone = { 0 };
  run_craft (&gone, "check", missing);
  g_assert_cmpint (gone.status, ==, 1);
  g_assert_true (g_str_has_prefix (gone.err, missing));
  assert_contains (gone.err, "cannot read definition file");
  g_auto (Run) mixed = { 0 };
  run_craft (&mixed, "check", missing, type);
  g_assert_cmpint (mixed.status, ==, 2);

  g_auto (Run) none = { 0 };
  run_craft_in (&none, NULL, (const char *const[]){ "check", NULL });
  g_assert_cmpint (none.status, ==, 2);
  assert_contains (none.err, "expected one or more definition files");

  g_auto (Run) help = { 0 };
  run_craft (&help, "check", "--help");
  g_assert_cmpint (help.status, ==, 0);
  assert_contains (help.out, "craft check [OPTION");
}

static void
test_top_help (void)
{
  g_test_summary ("craft --help lists ls, read and check with the other commands.");
  g_auto (Run) run = { 0 };
  run_craft (&run, "--help");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "  ls ");
  assert_contains (run.out, "  read ");
  assert_contains (run.out, "  check ");
}

static void
test_man_page (void)
{
  g_test_summary ("The man page documents every subcommand and option of the tool, and groff reads it without "
                  "a warning.");
  g_autofree char *path = g_build_filename (CRAFT_SOURCE_DIR, "tools", "craft.1", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  static const char *const words[] = { ".B craft ls", ".B craft build", ".B craft show", ".B craft read",
                                       ".B craft check", ".B craft fuzz", "\\-\\-seed", "\\-\\-break",
                                       "\\-\\-json", "\\-\\-hex", "\\-\\-filter", "\\-\\-count",
                                       "\\-\\-verbose", ".SH EXIT STATUS", "CRAFT_PROTO_PATH", "guard" };
  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    assert_contains (text, words[i]);
  g_autofree char *groff = g_find_program_in_path ("groff");
  if (groff == NULL)
    return;
  const char *argv[] = { groff, "-man", "-ww", "-z", path, NULL };
  g_autofree char *err = NULL;
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                               &status, NULL));
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  tmpdir = g_dir_make_tmp ("craft-test-cli-defs-XXXXXX", &error);
  g_assert_no_error (error);
  config_home = g_build_filename (tmpdir, "config", NULL);
  g_assert_cmpint (g_mkdir (config_home, 0700), ==, 0);

  g_test_add_func ("/cli-defs/ls/layers", test_ls_layers);
  g_test_add_func ("/cli-defs/ls/layer", test_ls_layer);
  g_test_add_func ("/cli-defs/ls/errors", test_ls_errors);
  g_test_add_func ("/cli-defs/check/good", test_check_good);
  g_test_add_func ("/cli-defs/check/bad", test_check_bad);
  g_test_add_func ("/cli-defs/help", test_top_help);
  g_test_add_func ("/cli-defs/man-page", test_man_page);

  int status = g_test_run ();
  craft_test_remove_tree (tmpdir);
  g_free (config_home);
  g_free (tmpdir);
  return status;
}
