/* W1 with libnet: build Ether/IPv4/UDP with libnet's ptags (checksums
 * computed by libnet), pull each packet out with libnet_adv_cull_packet()
 * and write it to a pcap through libpcap's dumper. */
#include <libnet.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <sys/time.h>

int
main (int argc, char **argv)
{
  if (argc != 5)
    {
      fprintf (stderr, "usage: %s FIRST_SPORT MEMBERS ROUNDS OUT.pcap\n", argv[0]);
      return 2;
    }
  unsigned first = (unsigned) atoi (argv[1]), members = (unsigned) atoi (argv[2]);
  long rounds = atol (argv[3]);
  char err[LIBNET_ERRBUF_SIZE];
  libnet_t *l = libnet_init (LIBNET_LINK_ADV, "lo", err);
  if (l == NULL)
    {
      fprintf (stderr, "libnet_init: %s\n", err);
      return 1;
    }
  pcap_t *dead = pcap_open_dead (DLT_EN10MB, 65535);
  pcap_dumper_t *dump = pcap_dump_open (dead, argv[4]);
  if (dump == NULL)
    return 1;
  static const uint8_t payload[18] = "abcdefghijklmnopqr";
  uint8_t dst[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, src[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
  uint32_t ipsrc = inet_addr ("192.0.2.1"), ipdst = inet_addr ("198.51.100.2");
  libnet_ptag_t udp = 0, ip = 0, eth = 0;
  struct pcap_pkthdr h;
  gettimeofday (&h.ts, NULL);
  for (long r = 0; r < rounds; r++)
    for (unsigned m = 0; m < members; m++)
      {
        udp = libnet_build_udp ((uint16_t) (first + m), 40000, LIBNET_UDP_H + sizeof payload, 0, payload, sizeof payload,
                                l, udp);
        if (ip == 0)
          ip = libnet_build_ipv4 (LIBNET_IPV4_H + LIBNET_UDP_H + sizeof payload, 0, 1, 0, 64, IPPROTO_UDP, 0, ipsrc,
                                  ipdst, NULL, 0, l, 0);
        if (eth == 0)
          eth = libnet_build_ethernet (dst, src, ETHERTYPE_IP, NULL, 0, l, 0);
        uint8_t *packet;
        uint32_t len;
        if (udp < 0 || ip < 0 || eth < 0 || libnet_adv_cull_packet (l, &packet, &len) < 0)
          {
            fprintf (stderr, "libnet: %s\n", libnet_geterror (l));
            return 1;
          }
        h.caplen = h.len = len;
        pcap_dump ((u_char *) dump, &h, packet);
        libnet_adv_free_packet (l, packet);
      }
  pcap_dump_close (dump);
  libnet_destroy (l);
  return 0;
}
