/* W3 peers: hand-written loops that send the same 60-byte Ether/IP/UDP frames as craft send, patching
 * sport and the UDP checksum (RFC 1624) in a template, through sendmmsg() on a packet socket or through
 * libpcap's pcap_inject(). */
/* sendmmsg() */
#define _GNU_SOURCE
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Frames handed to one sendmmsg() call: the batch craft send uses. */
#define BATCH 128
#define FRAME 60

static uint16_t
sum16 (const uint8_t *p, size_t n, uint32_t acc)
{
  for (size_t i = 0; i + 1 < n; i += 2)
    acc += (uint32_t) p[i] << 8 | p[i + 1];
  while (acc >> 16)
    acc = (acc & 0xffff) + (acc >> 16);
  return (uint16_t) acc;
}

static uint8_t template[FRAME] = {
  0x02, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x08, 0x00, /* Ether: B <- A */
  0x45, 0x00, 0x00, 46, 0x00, 0x01, 0x00, 0x00, 64, 17, 0, 0, 198, 51, 100, 1, 198, 51, 100, 2,
  0, 0, 0, 9, 0, 26, 0, 0, /* UDP to port 9, sport and checksum patched */
  'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
};
static uint16_t udp_base; /* one's complement sum of pseudo-header, header and payload without sport */

static void
prepare (void)
{
  uint16_t ipsum = (uint16_t) ~sum16 (template + 14, 20, 0);
  template[24] = ipsum >> 8, template[25] = ipsum & 0xff;
  const uint8_t pseudo[12] = { 198, 51, 100, 1, 198, 51, 100, 2, 0, 17, 0, 26 };
  udp_base = sum16 (template + 34, 26, sum16 (pseudo, 12, 0));
}

static void
make_frame (uint8_t *frame, uint16_t sport)
{
  memcpy (frame, template, FRAME);
  uint32_t acc = (uint32_t) udp_base + sport;
  acc = (acc & 0xffff) + (acc >> 16);
  uint16_t ck = (uint16_t) ~acc;
  if (ck == 0)
    ck = 0xffff;
  frame[34] = sport >> 8, frame[35] = sport & 0xff;
  frame[40] = ck >> 8, frame[41] = ck & 0xff;
}

static int
send_mmsg (const char *interface, unsigned first, unsigned members, long rounds)
{
  int fd = socket (AF_PACKET, SOCK_RAW, 0);
  struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = (int) if_nametoindex (interface) };
  if (fd < 0 || to.sll_ifindex == 0 || bind (fd, (struct sockaddr *) &to, sizeof to) != 0)
    {
      perror (interface);
      return 1;
    }
  static uint8_t frames[BATCH][FRAME];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  memset (msgs, 0, sizeof msgs);
  for (int i = 0; i < BATCH; i++)
    {
      iov[i] = (struct iovec) { frames[i], FRAME };
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
  long total = (long) members * rounds, sent = 0;
  unsigned m = 0;
  while (sent < total)
    {
      int n = total - sent < BATCH ? (int) (total - sent) : BATCH;
      for (int i = 0; i < n; i++)
        {
          make_frame (frames[i], (uint16_t) (first + m));
          m = m + 1 == members ? 0 : m + 1;
        }
      for (int done = 0; done < n;)
        {
          int k = sendmmsg (fd, msgs + done, (unsigned) (n - done), 0);
          if (k <= 0)
            {
              perror ("sendmmsg");
              return 1;
            }
          done += k;
        }
      sent += n;
    }
  printf ("sent %ld\n", sent);
  close (fd);
  return 0;
}

static int
send_pcap (const char *interface, unsigned first, unsigned members, long rounds)
{
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *pcap = pcap_open_live (interface, 64, 0, 100, errbuf);
  if (pcap == NULL)
    {
      fprintf (stderr, "%s\n", errbuf);
      return 1;
    }
  uint8_t frame[FRAME];
  long sent = 0;
  for (long r = 0; r < rounds; r++)
    for (unsigned m = 0; m < members; m++)
      {
        make_frame (frame, (uint16_t) (first + m));
        if (pcap_inject (pcap, frame, FRAME) != FRAME)
          {
            fprintf (stderr, "pcap_inject: %s\n", pcap_geterr (pcap));
            return 1;
          }
        sent++;
      }
  printf ("sent %ld\n", sent);
  pcap_close (pcap);
  return 0;
}

/* The first frames as lowercase hex, one per line, as craft build --hex prints them: the benchmark
 * checks that this loop sends craft's bytes. */
static int
print_hex (unsigned first, unsigned members, long rounds)
{
  uint8_t frame[FRAME];
  for (long i = 0; i < (long) members * rounds; i++)
    {
      make_frame (frame, (uint16_t) (first + (unsigned) (i % members)));
      for (int b = 0; b < FRAME; b++)
        printf ("%02x", frame[b]);
      putchar ('\n');
    }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc != 6 || (strcmp (argv[1], "sendmmsg") != 0 && strcmp (argv[1], "pcap") != 0 && strcmp (argv[1], "hex") != 0))
    {
      fprintf (stderr, "usage: %s sendmmsg|pcap|hex IFACE FIRST_SPORT MEMBERS ROUNDS\n", argv[0]);
      return 2;
    }
  prepare ();
  unsigned first = (unsigned) atoi (argv[3]), members = (unsigned) atoi (argv[4]);
  long rounds = atol (argv[5]);
  if (argv[1][0] == 'h')
    return print_hex (first, members, rounds);
  return argv[1][0] == 's' ? send_mmsg (argv[2], first, members, rounds) : send_pcap (argv[2], first, members, rounds);
}
