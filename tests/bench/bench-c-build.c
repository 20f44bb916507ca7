/* W1 upper bound: a hand-written loop that patches a 60-byte Ether/IP/UDP
 * template (sport) and updates the UDP checksum incrementally (RFC 1624),
 * writing a pcap through a 1 MiB stdio buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static uint16_t
sum16 (const uint8_t *p, size_t n, uint32_t acc)
{
  for (size_t i = 0; i + 1 < n; i += 2)
    acc += (uint32_t) p[i] << 8 | p[i + 1];
  if (n & 1)
    acc += (uint32_t) p[n - 1] << 8;
  while (acc >> 16)
    acc = (acc & 0xffff) + (acc >> 16);
  return (uint16_t) acc;
}

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
  static const uint8_t payload[18] = "abcdefghijklmnopqr";
  uint8_t t[60] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
                    0x45, 0x00, 0x00, 46, 0x00, 0x01, 0x00, 0x00, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 2,
                    0, 0, 0x9c, 0x40, 0, 26, 0, 0 };
  memcpy (t + 42, payload, 18);
  uint16_t ipsum = (uint16_t) ~sum16 (t + 14, 20, 0);
  t[24] = ipsum >> 8, t[25] = ipsum & 0xff;
  /* Pseudo-header + UDP header and payload, with sport = 0. */
  uint8_t pseudo[12] = { 192, 0, 2, 1, 198, 51, 100, 2, 0, 17, 0, 26 };
  uint16_t base = sum16 (t + 34, 26, sum16 (pseudo, 12, 0)); /* one's complement sum without sport */
  FILE *out = fopen (argv[4], "wb");
  if (out == NULL)
    return 1;
  setvbuf (out, NULL, _IOFBF, 1 << 20);
  const uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
  fwrite (gh, 4, 6, out);
  struct timeval tv;
  gettimeofday (&tv, NULL);
  uint32_t rec[4] = { (uint32_t) tv.tv_sec, (uint32_t) tv.tv_usec, 60, 60 };
  for (long r = 0; r < rounds; r++)
    for (unsigned m = 0; m < members; m++)
      {
        uint16_t sport = (uint16_t) (first + m);
        /* RFC 1624: HC' = ~(~HC + ~m + m'); with the old field 0 this is base + m'. */
        uint32_t acc = (uint32_t) base + sport;
        acc = (acc & 0xffff) + (acc >> 16);
        uint16_t ck = (uint16_t) ~acc;
        if (ck == 0)
          ck = 0xffff;
        t[34] = sport >> 8, t[35] = sport & 0xff;
        t[40] = ck >> 8, t[41] = ck & 0xff;
        fwrite (rec, 4, 4, out);
        fwrite (t, 1, 60, out);
      }
  return fclose (out) == 0 ? 0 : 1;
}
