/* Injection: frames through a packet socket, routed packets through a raw socket, paced by a monotonic clock,
 * batched with sendmmsg(). */
/* sendmmsg() */
#define _GNU_SOURCE
#include "net-private.h"
#include "packet-private.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Packets queued for one sendmmsg() call: enough to make the system call's
 * cost small per packet (a veth pair takes ~1 µs a frame, the call itself
 * as much again), few enough that a set's first packets leave at once. */
#define BATCH_MAX 128

/* A packet waiting for the next sendmmsg(): its bytes, kept alive by a
 * reference or by the caller, and, for the raw sockets, its destination. */
typedef struct {
  const guint8 *data;
  gsize length;
  GBytes *owner;
  union {
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
  } to;
  socklen_t to_len;
} Queued;

struct _CraftInjector {
  CraftRegistry *reg;
  char *interface;
  guint mtu;
  int linktype;
  guint8 hwaddr[6];
  gboolean has_hwaddr;
  int frames;              /* the packet socket frames go out on, -1 until first needed */
  int raw4, raw6;          /* raw sockets, -1 until first needed */
  double period;           /* seconds between packets, 0 when unpaced */
  double rate, interval;
  guint64 scheduled;       /* packets given a time so far */
  gint64 start_usec;       /* monotonic time of the first scheduled packet */
  guint64 sent;
  gboolean started;        /* a send was asked for: first_usec is its time */
  gint64 first_usec, last_usec;
  const CraftLayerDef *link_checked;  /* the last first layer is_link_layer() judged ... */
  guint link_generation;              /* ... under this registry generation ... */
  gboolean link_is;                   /* ... and what it said */
  Queued queue[BATCH_MAX]; /* for one socket at a time */
  guint queued;
  int queue_fd;
  volatile sig_atomic_t cancelled;
};

static void
queued_clear (Queued *q)
{
  g_clear_pointer (&q->owner, g_bytes_unref);
}

CraftInjector *
craft_injector_new (CraftRegistry *reg, const char *interface, GError **error)
{
  if (!craft__interface_check (interface, error))
    return NULL;
  /* libpcap says what the interface's link type is, and why it cannot be
   * opened (permissions, no such device) in its words; the handle is closed
   * at once: left open, it would see every frame sent. It needs no bytes of
   * what it would capture, nor room to keep them. */
  pcap_t *pcap = craft__pcap_open (interface, 64, 64 * 1024, FALSE, error);
  if (pcap == NULL)
    return NULL;
  int linktype = pcap_datalink (pcap);
  pcap_close (pcap);
  CraftInjector *inj = g_new0 (CraftInjector, 1);
  inj->reg = craft_registry_ref (reg);
  inj->interface = g_strdup (interface);
  inj->linktype = linktype;
  inj->frames = inj->raw4 = inj->raw6 = inj->queue_fd = -1;
  if (!craft__interface_mtu (interface, &inj->mtu))
    inj->mtu = 1500;
  inj->has_hwaddr = craft__interface_hwaddr (interface, inj->hwaddr);
  return inj;
}

void
craft_injector_free (CraftInjector *injector)
{
  if (injector == NULL)
    return;
  craft_injector_flush (injector, NULL);
  if (injector->frames >= 0)
    close (injector->frames);
  if (injector->raw4 >= 0)
    close (injector->raw4);
  if (injector->raw6 >= 0)
    close (injector->raw6);
  craft_registry_unref (injector->reg);
  g_free (injector->interface);
  g_free (injector);
}

const char *
craft_injector_get_interface (CraftInjector *injector)
{
  return injector->interface;
}

guint
craft_injector_get_mtu (CraftInjector *injector)
{
  return injector->mtu;
}

int
craft_injector_get_linktype (CraftInjector *injector)
{
  return injector->linktype;
}

const guint8 *
craft_injector_get_hwaddr (CraftInjector *injector, gsize *length)
{
  if (length != NULL)
    *length = injector->has_hwaddr ? 6 : 0;
  return injector->has_hwaddr ? injector->hwaddr : NULL;
}

static void
update_period (CraftInjector *inj)
{
  double from_rate = inj->rate > 0 ? 1.0 / inj->rate : 0;
  inj->period = MAX (from_rate, inj->interval);
}

void
craft_injector_set_rate (CraftInjector *injector, double packets_per_second)
{
  injector->rate = packets_per_second > 0 ? packets_per_second : 0;
  update_period (injector);
}

void
craft_injector_set_interval (CraftInjector *injector, double seconds)
{
  injector->interval = seconds > 0 ? seconds : 0;
  update_period (injector);
}

void
craft_injector_cancel (CraftInjector *injector)
{
  injector->cancelled = 1;
}

volatile sig_atomic_t *
craft__injector_cancel_flag (CraftInjector *injector)
{
  return &injector->cancelled;
}

CraftRegistry *
craft__injector_get_registry (CraftInjector *injector)
{
  return injector->reg;
}

guint64
craft_injector_get_n_sent (CraftInjector *injector)
{
  return injector->sent;
}

double
craft_injector_get_elapsed (CraftInjector *injector)
{
  return injector->sent > 0 ? (double) (injector->last_usec - injector->first_usec) / G_USEC_PER_SEC : 0;
}

static gboolean
interrupted (GError **error)
{
  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "interrupted");
  return FALSE;
}

/* When packet n of a paced send is due: the first scheduled packet's time
 * plus one period per packet since, so that a late packet is followed by
 * earlier ones and the rate holds on average. */
static gint64
due_usec (CraftInjector *inj, guint64 n)
{
  return inj->start_usec + (gint64) ((double) n * inj->period * G_USEC_PER_SEC);
}

/* Waits until the next packet's time. What is queued was due before it and
 * leaves first, so a wait never holds a packet back. */
static gboolean
pace (CraftInjector *inj, GError **error)
{
  if (inj->period <= 0)
    return TRUE;
  gint64 now = g_get_monotonic_time ();
  if (inj->scheduled == 0)
    inj->start_usec = now;
  gint64 due = due_usec (inj, inj->scheduled);
  inj->scheduled++;
  if (due <= now)
    return TRUE;
  if (!craft_injector_flush (inj, error))
    return FALSE;
  while (due > g_get_monotonic_time ())
    {
      if (inj->cancelled)
        return interrupted (error);
      /* g_get_monotonic_time() reads CLOCK_MONOTONIC, which the sleep uses. */
      struct timespec when = { (time_t) (due / G_USEC_PER_SEC), (long) (due % G_USEC_PER_SEC) * 1000 };
      int status = clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL);
      if (status != 0 && status != EINTR)
        break;
    }
  return inj->cancelled ? interrupted (error) : TRUE;
}

/* Whether a paced send is behind its schedule: the next packet is due
 * already, so the queue waits for it and they leave in one call. */
static gboolean
behind_schedule (CraftInjector *inj)
{
  return inj->period > 0 && due_usec (inj, inj->scheduled) <= g_get_monotonic_time ();
}

static void
count_sent (CraftInjector *inj, guint n)
{
  inj->last_usec = g_get_monotonic_time ();
  inj->sent += n;
}

static void
socket_error (CraftInjector *inj, int e, const char *what, GError **error)
{
  if (e == EPERM || e == EACCES)
    g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO,
                 "%s: permission denied: sending needs CAP_NET_RAW (run as root, or give craft the "
                 "capability: setcap cap_net_raw,cap_net_admin+ep craft)",
                 inj->interface);
  else
    g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: cannot open %s: %s", inj->interface, what, g_strerror (e));
}

/* The raw socket for `family`, opened and bound to the interface on first use. */
static int
raw_socket (CraftInjector *inj, int family, GError **error)
{
  int *fd = family == AF_INET ? &inj->raw4 : &inj->raw6;
  if (*fd >= 0)
    return *fd;
  /* IPPROTO_RAW: the packet carries its own IP header (IP_HDRINCL). */
  int s = socket (family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (s < 0)
    {
      socket_error (inj, errno, family == AF_INET ? "a raw IPv4 socket" : "a raw IPv6 socket", error);
      return -1;
    }
  /* Through this interface only, as -i asks, whatever the routes prefer. */
  if (setsockopt (s, SOL_SOCKET, SO_BINDTODEVICE, inj->interface, (socklen_t) strlen (inj->interface) + 1) != 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: cannot bind a raw socket to the interface: %s",
                   inj->interface, g_strerror (errno));
      close (s);
      return -1;
    }
  *fd = s;
  return s;
}

/* The packet socket frames go out on, opened and bound to the interface on
 * first use. It takes frames whole, link header included, as libpcap's
 * pcap_inject() does, and sendmmsg() hands it a batch in one call. */
static int
frame_socket (CraftInjector *inj, GError **error)
{
  if (inj->frames >= 0)
    return inj->frames;
  if (inj->linktype == DLT_LINUX_SLL || inj->linktype == DLT_LINUX_SLL2)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO,
                   "%s: sending failed: the interface has no link layer that frames could be sent with (it is "
                   "captured in Linux cooked mode)",
                   inj->interface);
      return -1;
    }
  unsigned index = if_nametoindex (inj->interface);
  if (index == 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: no such interface", inj->interface);
      return -1;
    }
  /* Protocol 0: the socket receives nothing, it only sends. */
  int s = socket (AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (s < 0)
    {
      socket_error (inj, errno, "a packet socket", error);
      return -1;
    }
  struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = 0, .sll_ifindex = (int) index };
  if (bind (s, (struct sockaddr *) &to, sizeof to) != 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: cannot bind a packet socket to the interface: %s",
                   inj->interface, g_strerror (errno));
      close (s);
      return -1;
    }
  inj->frames = s;
  return s;
}

static gboolean
send_error (CraftInjector *inj, int e, GError **error)
{
  const char *hint = e == ENETDOWN ? " (the interface went down)"
                     : e == EMSGSIZE ? " (larger than the path allows)"
                     : e == ENETUNREACH || e == EHOSTUNREACH ? " (no route through this interface)"
                                                              : "";
  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO, "%s: sending failed: %s%s", inj->interface, g_strerror (e), hint);
  return FALSE;
}

/* Empties the queue, dropping its references. */
static void
clear_queue (CraftInjector *inj)
{
  for (guint i = 0; i < inj->queued; i++)
    queued_clear (&inj->queue[i]);
  inj->queued = 0;
}

gboolean
craft_injector_flush (CraftInjector *injector, GError **error)
{
  guint done = 0;
  while (done < injector->queued)
    {
      guint n = injector->queued - done;
      struct mmsghdr msgs[BATCH_MAX];
      struct iovec iov[BATCH_MAX];
      for (guint i = 0; i < n; i++)
        {
          Queued *q = &injector->queue[done + i];
          iov[i] = (struct iovec) { (void *) q->data, q->length };
          msgs[i] = (struct mmsghdr) { .msg_hdr = { .msg_name = q->to_len > 0 ? &q->to : NULL,
                                                    .msg_namelen = q->to_len,
                                                    .msg_iov = &iov[i],
                                                    .msg_iovlen = 1 } };
        }
      int sent = sendmmsg (injector->queue_fd, msgs, n, 0);
      if (sent < 0 && errno == EINTR)
        continue;
      if (sent <= 0)
        {
          int e = sent < 0 ? errno : EIO;
          clear_queue (injector);
          return send_error (injector, e, error);
        }
      count_sent (injector, (guint) sent);
      done += (guint) sent;
    }
  clear_queue (injector);
  return TRUE;
}

/* Whether `first` is the layer the interface's link type carries. The
 * answer is kept: a set's members all ask it of the same layer. */
static gboolean
is_link_layer (CraftInjector *inj, const CraftLayerDef *first)
{
  CraftRegistry *reg = inj->reg;
  if (inj->link_checked == first && inj->link_generation == reg->generation)
    return inj->link_is;
  inj->link_checked = first;
  inj->link_generation = reg->generation;
  inj->link_is = FALSE;
  for (guint i = 0; i < reg->bindings->len && !inj->link_is; i++)
    {
      const CraftBinding *b = &g_array_index (reg->bindings, CraftBinding, i);
      inj->link_is = b->lower_name == NULL && b->value == (guint64) inj->linktype && b->upper == first;
    }
  return inj->link_is;
}

void
craft_packet_set_interface (CraftPacket *packet, const char *interface)
{
  if (g_strcmp0 (packet->interface, interface) == 0)
    return;
  g_free (packet->interface);
  packet->interface = g_strdup (interface);
  /* The values built for the old interface are stale; the next build
   * computes the unset ones afresh (a dissected packet's own values stay). */
  packet->wire_current = FALSE;
}

GBytes *
craft_injector_build (CraftInjector *injector, CraftPacket *packet, gboolean *network, GError **error)
{
  if (craft_packet_get_n_layers (packet) == 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "an empty packet cannot be sent");
      return NULL;
    }
  craft_packet_set_interface (packet, injector->interface);
  g_autoptr (GBytes) bytes = craft_packet_build (packet, error);
  if (bytes == NULL)
    return NULL;
  const CraftLayerDef *first = craft_packet_get_layer (packet, 0);
  gsize size = g_bytes_get_size (bytes);
  guint limit;
  if (is_link_layer (injector, first))
    {
      guint offset, header = 0, length;
      craft_packet_get_layer_span (packet, 0, &offset, &header, &length);
      *network = FALSE;
      limit = injector->mtu + header;
    }
  else if (first->route_field >= 0)
    {
      *network = TRUE;
      limit = injector->mtu;
    }
  else
    {
      const char *name = pcap_datalink_val_to_name (injector->linktype);
      const CraftLayerDef *link = craft_registry_lookup_linktype (injector->reg, injector->linktype);
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                   "%s: a packet starting with %s cannot be sent here: it starts neither with the interface's "
                   "link layer (%s, link type %s) nor with a layer the kernel routes (one with a 'route' "
                   "statement, such as IP)",
                   injector->interface, first->name, link ? link->name : "none is defined",
                   name ? name : "unknown");
      return NULL;
    }
  if (size > limit)
    {
      if (*network)
        g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO,
                     "%s: the packet is %zu bytes, larger than the interface's MTU of %u bytes; it was not sent",
                     injector->interface, size, injector->mtu);
      else
        g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_IO,
                     "%s: the frame is %zu bytes, larger than the interface's MTU of %u bytes plus the %u-byte "
                     "%s header; it was not sent",
                     injector->interface, size, injector->mtu, limit - injector->mtu, first->name);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/* Sends bytes built for this interface: a frame through the packet socket,
 * or a routed packet to `destination` (4 or 16 bytes) through the raw
 * socket. Packets queue for one sendmmsg() until BATCH_MAX wait, a packet
 * for another socket comes, or (paced) the schedule has time to spare. */
gboolean
craft__injector_send_data (CraftInjector *inj, const guint8 *data, gsize length, GBytes *owner, gboolean network,
                           const guint8 *destination, gsize destination_length, GError **error)
{
  if (inj->cancelled)
    return interrupted (error);
  int fd;
  socklen_t to_len = 0;
  if (!network)
    fd = inj->frames >= 0 ? inj->frames : frame_socket (inj, error);
  else
    {
      fd = raw_socket (inj, destination_length == 4 ? AF_INET : AF_INET6, error);
      to_len = destination_length == 4 ? sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6);
    }
  if (fd < 0)
    return FALSE;
  /* Paced from when the socket is open: opening it does not eat into the
   * schedule, so the first packets are not followed by a catch-up burst. */
  if (inj->period > 0 && !pace (inj, error))
    return FALSE;
  if (!inj->started)
    {
      inj->started = TRUE;
      inj->first_usec = g_get_monotonic_time ();
    }
  /* One socket per batch: packets keep their order across sockets. */
  if (inj->queued > 0 && inj->queue_fd != fd && !craft_injector_flush (inj, error))
    return FALSE;
  inj->queue_fd = fd;
  Queued *q = &inj->queue[inj->queued++];
  q->data = data;
  q->length = length;
  q->owner = owner != NULL ? g_bytes_ref (owner) : NULL;
  q->to_len = to_len;
  if (network)
    memset (&q->to, 0, sizeof q->to);
  if (network && destination_length == 4)
    {
      q->to.v4.sin_family = AF_INET;
      memcpy (&q->to.v4.sin_addr, destination, 4);
    }
  else if (network)
    {
      q->to.v6.sin6_family = AF_INET6;
      memcpy (&q->to.v6.sin6_addr, destination, 16);
    }
  /* Paced and on time, the packet leaves now, at its time. */
  if (inj->queued == BATCH_MAX || (inj->period > 0 && !behind_schedule (inj)))
    return craft_injector_flush (inj, error);
  return TRUE;
}

gboolean
craft__injector_send_bytes (CraftInjector *inj, GBytes *bytes, gboolean network, const guint8 *destination,
                            gsize destination_length, GError **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  return craft__injector_send_data (inj, data, length, bytes, network, destination, destination_length, error);
}

gboolean
craft__packet_destination (CraftPacket *packet, guint8 destination[16], gsize *length)
{
  if (craft_packet_get_n_layers (packet) == 0)
    return FALSE;
  const CraftLayerDef *first = craft_packet_get_layer (packet, 0);
  if (first->route_field < 0)
    return FALSE;
  const CraftFieldDef *f = g_ptr_array_index (first->fields, first->route_field);
  g_autoptr (GBytes) value = craft_packet_get_bytes (packet, 0, f->name, NULL);
  gsize len = value != NULL ? g_bytes_get_size (value) : 0;
  if (len != 4 && len != 16)
    return FALSE;
  memcpy (destination, g_bytes_get_data (value, NULL), len);
  *length = len;
  return TRUE;
}

gboolean
craft_injector_send (CraftInjector *injector, CraftPacket *packet, GError **error)
{
  gboolean network = FALSE;
  g_autoptr (GBytes) bytes = craft_injector_build (injector, packet, &network, error);
  if (bytes == NULL)
    return FALSE;
  guint8 destination[16] = { 0 };
  gsize length = 0;
  if (network && !craft__packet_destination (packet, destination, &length))
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "%s: the packet has no destination address to send to",
                   injector->interface);
      return FALSE;
    }
  return craft__injector_send_bytes (injector, bytes, network, destination, length, error);
}
