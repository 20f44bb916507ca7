/* What the kernel knows about an interface: flags, MTU, hardware address, the next hop of a route, its neighbours. */
#include "net-private.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* An interface request on a throwaway socket: these ioctls need no privilege. */
static gboolean
interface_ioctl (const char *name, unsigned long request, struct ifreq *ifr)
{
  if (name == NULL || strlen (name) >= IFNAMSIZ)
    return FALSE;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  memset (ifr, 0, sizeof *ifr);
  g_strlcpy (ifr->ifr_name, name, IFNAMSIZ);
  gboolean ok = ioctl (fd, request, ifr) == 0;
  close (fd);
  return ok;
}

gboolean
craft__interface_flags (const char *name, guint *flags)
{
  struct ifreq ifr;
  if (!interface_ioctl (name, SIOCGIFFLAGS, &ifr))
    return FALSE;
  *flags = (guint) (unsigned short) ifr.ifr_flags;
  return TRUE;
}

gboolean
craft__interface_mtu (const char *name, guint *mtu)
{
  struct ifreq ifr;
  if (!interface_ioctl (name, SIOCGIFMTU, &ifr) || ifr.ifr_mtu <= 0)
    return FALSE;
  *mtu = (guint) ifr.ifr_mtu;
  return TRUE;
}

gboolean
craft__interface_hwaddr (const char *name, guint8 mac[6])
{
  struct ifreq ifr;
  if (!interface_ioctl (name, SIOCGIFHWADDR, &ifr))
    return FALSE;
  /* Only Ethernet-like interfaces have a 6-byte address to give. */
  if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
    return FALSE;
  memcpy (mac, ifr.ifr_hwaddr.sa_data, 6);
  return TRUE;
}

/* ---- rtnetlink ---- */

/* Appends an attribute to a request built in `buf` of `size` bytes. */
static gboolean
add_attr (struct nlmsghdr *n, gsize size, int type, const void *data, gsize length)
{
  gsize attr_len = RTA_LENGTH (length);
  if (NLMSG_ALIGN (n->nlmsg_len) + RTA_ALIGN (attr_len) > size)
    return FALSE;
  struct rtattr *rta = (struct rtattr *) ((char *) n + NLMSG_ALIGN (n->nlmsg_len));
  rta->rta_type = (unsigned short) type;
  rta->rta_len = (unsigned short) attr_len;
  memcpy (RTA_DATA (rta), data, length);
  n->nlmsg_len = (guint32) (NLMSG_ALIGN (n->nlmsg_len) + RTA_ALIGN (attr_len));
  return TRUE;
}

/* Sends one request and calls `reply` on each message of the answer until
 * NLMSG_DONE (a dump) or the first message (a single answer). */
static gboolean
netlink_query (struct nlmsghdr *request, gboolean dump,
               gboolean (*reply) (const struct nlmsghdr *n, gpointer data), gpointer data)
{
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return FALSE;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  request->nlmsg_seq = 1;
  gboolean ok = sendto (fd, request, request->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) >= 0;
  /* Large enough for a dump's batches (the kernel sends at most a page or
   * two per message), aligned for the headers read from it. */
  static const gsize buffer_size = 32768;
  g_autofree guint32 *buffer = g_malloc (buffer_size);
  gboolean done = !ok;
  gboolean found = FALSE;
  while (!done)
    {
      ssize_t got = recv (fd, buffer, buffer_size, 0);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        break;
      gsize left = (gsize) got;
      for (struct nlmsghdr *n = (struct nlmsghdr *) buffer; NLMSG_OK (n, left); n = NLMSG_NEXT (n, left))
        {
          if (n->nlmsg_type == NLMSG_DONE || n->nlmsg_type == NLMSG_ERROR)
            {
              done = TRUE;
              break;
            }
          if (reply (n, data))
            found = TRUE;
          if (!dump)
            {
              done = TRUE;
              break;
            }
        }
    }
  close (fd);
  return found;
}

typedef struct {
  gsize length;
  guint8 *gateway;
  gboolean has_gateway;
} RouteReply;

static gboolean
route_reply (const struct nlmsghdr *n, gpointer data)
{
  RouteReply *r = data;
  if (n->nlmsg_type != RTM_NEWROUTE || n->nlmsg_len < NLMSG_LENGTH (sizeof (struct rtmsg)))
    return FALSE;
  const struct rtmsg *rtm = NLMSG_DATA (n);
  int left = (int) RTM_PAYLOAD (n);
  for (const struct rtattr *a = RTM_RTA (rtm); RTA_OK (a, left); a = RTA_NEXT (a, left))
    if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD (a) == r->length)
      {
        memcpy (r->gateway, RTA_DATA (a), r->length);
        r->has_gateway = TRUE;
      }
  return TRUE;
}

gboolean
craft__route_next_hop (const guint8 *destination, gsize length, const char *interface, guint8 *next_hop)
{
  struct {
    struct nlmsghdr n;
    struct rtmsg r;
    char attrs[64];
  } req;
  memset (&req, 0, sizeof req);
  req.n.nlmsg_len = NLMSG_LENGTH (sizeof (struct rtmsg));
  req.n.nlmsg_type = RTM_GETROUTE;
  req.n.nlmsg_flags = NLM_F_REQUEST;
  req.r.rtm_family = length == 4 ? AF_INET : AF_INET6;
  req.r.rtm_dst_len = (unsigned char) (length * 8);
  add_attr (&req.n, sizeof req, RTA_DST, destination, length);
  guint32 oif = interface != NULL ? if_nametoindex (interface) : 0;
  if (oif != 0)
    add_attr (&req.n, sizeof req, RTA_OIF, &oif, sizeof oif);
  /* No route, or one without a gateway: the destination is on the link. */
  RouteReply reply = { length, next_hop, FALSE };
  if (!netlink_query (&req.n, FALSE, route_reply, &reply) || !reply.has_gateway)
    memcpy (next_hop, destination, length);
  return TRUE;
}

typedef struct {
  int ifindex;
  const guint8 *address;
  gsize length;
  guint8 *mac;
  gboolean found;
} NeighborReply;

static gboolean
neighbor_reply (const struct nlmsghdr *n, gpointer data)
{
  NeighborReply *r = data;
  if (n->nlmsg_type != RTM_NEWNEIGH || n->nlmsg_len < NLMSG_LENGTH (sizeof (struct ndmsg)))
    return FALSE;
  const struct ndmsg *nd = NLMSG_DATA (n);
  /* Entries whose address is known: not INCOMPLETE or FAILED. */
  const guint usable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;
  if (nd->ndm_ifindex != r->ifindex || (nd->ndm_state & usable) == 0)
    return FALSE;
  int left = (int) (n->nlmsg_len - NLMSG_LENGTH (sizeof (struct ndmsg)));
  const guint8 *dst = NULL, *lladdr = NULL;
  for (const struct rtattr *a = (const struct rtattr *) ((const char *) nd + NLMSG_ALIGN (sizeof (struct ndmsg)));
       RTA_OK (a, left); a = RTA_NEXT (a, left))
    {
      if (a->rta_type == NDA_DST && RTA_PAYLOAD (a) == r->length)
        dst = RTA_DATA (a);
      else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD (a) == 6)
        lladdr = RTA_DATA (a);
    }
  if (dst == NULL || lladdr == NULL || memcmp (dst, r->address, r->length) != 0)
    return FALSE;
  memcpy (r->mac, lladdr, 6);
  r->found = TRUE;
  return TRUE;
}

gboolean
craft__neighbor_lookup (const char *interface, const guint8 *address, gsize length, guint8 mac[6])
{
  struct {
    struct nlmsghdr n;
    struct ndmsg nd;
  } req;
  memset (&req, 0, sizeof req);
  req.n.nlmsg_len = NLMSG_LENGTH (sizeof (struct ndmsg));
  req.n.nlmsg_type = RTM_GETNEIGH;
  req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nd.ndm_family = length == 4 ? AF_INET : AF_INET6;
  NeighborReply reply = { (int) if_nametoindex (interface), address, length, mac, FALSE };
  if (reply.ifindex == 0)
    return FALSE;
  netlink_query (&req.n, TRUE, neighbor_reply, &reply);
  return reply.found;
}
