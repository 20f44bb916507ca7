/* Live capture through libpcap: immediate delivery, a BPF filter, waiting with a timeout, cancelling. */
#include "net-private.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* Bytes kept of each captured packet: all of any Ethernet frame, jumbo
 * ones included. In immediate mode the kernel hands over each packet in a
 * block of the ring buffer of its own when the reader is slower than the
 * packets, and a block holds a whole snap length: the smaller the snap
 * length, the more packets wait in the buffer. */
#define SNAPLEN 65535

/* The kernel's buffer for packets not read yet: 16 MiB is 128 blocks of
 * 128 KiB, so 128 packets wait even when each sits alone in a block. */
#define BUFFER_BYTES (16 * 1024 * 1024)

struct _CraftSniffer {
  pcap_t *pcap;
  int fd;
  guint64 count;
  volatile sig_atomic_t cancelled;
};

gboolean
craft__interface_check (const char *interface, GError **error)
{
  if (interface == NULL || *interface == '\0' || strlen (interface) >= IF_NAMESIZE
      || if_nametoindex (interface) == 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: no such interface", interface ? interface : "");
      return FALSE;
    }
  guint flags = 0;
  if (craft__interface_flags (interface, &flags) && (flags & IFF_UP) == 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO,
                   "%s: the interface is down (bring it up with 'ip link set %s up')", interface, interface);
      return FALSE;
    }
  return TRUE;
}

/* libpcap's activation status as an error naming the interface and what to do. */
static void
activation_error (pcap_t *pcap, const char *interface, int status, GError **error)
{
  const char *detail = pcap_geterr (pcap);
  switch (status)
    {
    case PCAP_ERROR_PERM_DENIED:
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO,
                   "%s: permission denied: capturing and sending need CAP_NET_RAW (run as root, or give craft "
                   "the capability: setcap cap_net_raw,cap_net_admin+ep craft)",
                   interface);
      return;
    case PCAP_ERROR_NO_SUCH_DEVICE:
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: no such interface", interface);
      return;
    case PCAP_ERROR_IFACE_NOT_UP:
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: the interface is down", interface);
      return;
    default:
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: cannot capture: %s", interface,
                   detail && *detail ? detail : pcap_statustostr (status));
    }
}

pcap_t *
craft__pcap_open (const char *interface, int snaplen, int buffer_bytes, gboolean promiscuous, GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pcap = pcap_create (interface, errbuf);
  if (pcap == NULL)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: cannot capture: %s", interface, errbuf);
      return NULL;
    }
  pcap_set_snaplen (pcap, snaplen);
  pcap_set_promisc (pcap, promiscuous);
  pcap_set_immediate_mode (pcap, 1);
  pcap_set_buffer_size (pcap, buffer_bytes);
  /* Microsecond time stamps, as CraftCaptureRecord holds them. */
  pcap_set_tstamp_precision (pcap, PCAP_TSTAMP_PRECISION_MICRO);
  int status = pcap_activate (pcap);
  if (status < 0)
    {
      activation_error (pcap, interface, status, error);
      pcap_close (pcap);
      return NULL;
    }
  return pcap;
}

CraftSniffer *
craft_sniffer_new (const char *interface, const char *bpf_filter, CraftSniffFlags flags, GError **error)
{
  if (!craft__interface_check (interface, error))
    return NULL;
  pcap_t *pcap = craft__pcap_open (interface, SNAPLEN, BUFFER_BYTES, (flags & CRAFT_SNIFF_PROMISCUOUS) != 0, error);
  if (pcap == NULL)
    return NULL;
  if ((flags & CRAFT_SNIFF_INBOUND) != 0 && pcap_setdirection (pcap, PCAP_D_IN) != 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: cannot capture only inbound packets: %s", interface,
                   pcap_geterr (pcap));
      pcap_close (pcap);
      return NULL;
    }
  if (bpf_filter != NULL)
    {
      struct bpf_program program;
      if (pcap_compile (pcap, &program, bpf_filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_SYNTAX, "bad filter '%s': %s", bpf_filter, pcap_geterr (pcap));
          pcap_close (pcap);
          return NULL;
        }
      int status = pcap_setfilter (pcap, &program);
      pcap_freecode (&program);
      if (status != 0)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: cannot set the filter: %s", interface,
                       pcap_geterr (pcap));
          pcap_close (pcap);
          return NULL;
        }
    }
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  int fd = pcap_get_selectable_fd (pcap);
  if (fd < 0 || pcap_setnonblock (pcap, 1, errbuf) != 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: cannot wait for packets: %s", interface,
                   *errbuf ? errbuf : "no selectable descriptor");
      pcap_close (pcap);
      return NULL;
    }
  CraftSniffer *sniffer = g_new0 (CraftSniffer, 1);
  sniffer->pcap = pcap;
  sniffer->fd = fd;
  return sniffer;
}

void
craft_sniffer_free (CraftSniffer *sniffer)
{
  if (sniffer == NULL)
    return;
  pcap_close (sniffer->pcap);
  g_free (sniffer);
}

int
craft_sniffer_get_linktype (CraftSniffer *sniffer)
{
  return pcap_datalink (sniffer->pcap);
}

const char *
craft_sniffer_get_linktype_name (CraftSniffer *sniffer)
{
  const char *name = pcap_datalink_val_to_name (pcap_datalink (sniffer->pcap));
  return name != NULL ? name : "unknown";
}

void
craft_sniffer_cancel (CraftSniffer *sniffer)
{
  sniffer->cancelled = 1;
}

gint64
craft_sniffer_get_n_dropped (CraftSniffer *sniffer)
{
  struct pcap_stat stats;
  if (pcap_stats (sniffer->pcap, &stats) != 0)
    return -1;
  return stats.ps_drop;
}

gboolean
craft__sniffer_next_until (CraftSniffer *sniffer, CraftCaptureRecord *record, gint64 deadline_usec,
                           volatile sig_atomic_t *cancelled, GError **error)
{
  for (;;)
    {
      if (sniffer->cancelled || (cancelled != NULL && *cancelled))
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "interrupted");
          return FALSE;
        }
      struct pcap_pkthdr *header;
      const u_char *data;
      int status = pcap_next_ex (sniffer->pcap, &header, &data);
      if (status == 1)
        {
          record->number = ++sniffer->count;
          record->time_usec = (gint64) header->ts.tv_sec * G_USEC_PER_SEC + header->ts.tv_usec;
          record->captured = header->caplen;
          record->length = header->len;
          record->data = data;
          return TRUE;
        }
      if (status < 0)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "capture failed: %s", pcap_geterr (sniffer->pcap));
          return FALSE;
        }
      /* Nothing buffered: wait for the descriptor, at most until the deadline. */
      int wait_ms = -1;
      if (deadline_usec >= 0)
        {
          gint64 left = deadline_usec - g_get_monotonic_time ();
          if (left <= 0)
            return FALSE;
          wait_ms = (int) MIN ((left + 999) / 1000, G_MAXINT);
        }
      struct pollfd pfd = { sniffer->fd, POLLIN, 0 };
      if (poll (&pfd, 1, wait_ms) < 0 && errno != EINTR)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "waiting for packets failed: %s", g_strerror (errno));
          return FALSE;
        }
    }
}

gboolean
craft_sniffer_next (CraftSniffer *sniffer, CraftCaptureRecord *record, gint timeout_ms, GError **error)
{
  gint64 deadline = timeout_ms < 0 ? -1 : timeout_ms == 0 ? 0 : g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  return craft__sniffer_next_until (sniffer, record, deadline, NULL, error);
}

CraftPacket *
craft_packet_new_from_capture (CraftRegistry *reg, int linktype, const guint8 *data, gsize length)
{
  const CraftLayerDef *first = craft_registry_lookup_linktype_for_data (reg, linktype, data, length);
  const char *name = first != NULL ? craft_layer_def_get_name (first) : "Raw";
  CraftPacket *packet = craft_packet_new_from_bytes (reg, name, data, length, NULL);
  if (packet == NULL)
    packet = craft_packet_new (reg);
  return packet;
}
