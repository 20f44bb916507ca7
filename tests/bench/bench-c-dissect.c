/* W2 upper bound: libpcap and fixed offsets, Ethernet/IPv4 with UDP or TCP ports. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = argc == 2 ? pcap_open_offline (argv[1], err) : NULL;
  if (p == NULL)
    {
      fprintf (stderr, "usage: %s IN.pcap\n", argv[0]);
      return 1;
    }
  struct pcap_pkthdr *h;
  const uint8_t *d;
  uint64_t n = 0, sink = 0;
  while (pcap_next_ex (p, &h, &d) == 1)
    {
      n++;
      if (h->caplen < 34 || d[12] != 0x08 || d[13] != 0x00)
        continue;
      unsigned ihl = (d[14] & 15) * 4u;
      sink += (uint32_t) d[26] << 24 | (uint32_t) d[27] << 16 | d[28] << 8 | d[29];
      sink += (uint32_t) d[30] << 24 | (uint32_t) d[31] << 16 | d[32] << 8 | d[33];
      if ((d[23] == 17 || d[23] == 6) && h->caplen >= 14 + ihl + 4)
        sink += (d[14 + ihl] << 8 | d[15 + ihl]) + (d[16 + ihl] << 8 | d[17 + ihl]);
    }
  pcap_close (p);
  fprintf (stderr, "%llu packets (%llu)\n", (unsigned long long) n, (unsigned long long) sink);
  return 0;
}
