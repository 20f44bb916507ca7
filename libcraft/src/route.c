/* Route lookups for defaults, as Scapy's conf.route gives them: source address and interface MAC. */
#include "route.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The interface of the IPv4 default route, from the kernel's table. */
static gboolean
default_route_interface (char name[IF_NAMESIZE])
{
  g_autofree char *table = NULL;
  if (!g_file_get_contents ("/proc/net/route", &table, NULL, NULL))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char iface[IF_NAMESIZE + 1];
      unsigned int destination, gateway, flags;
      if (sscanf (lines[i], "%16s %x %x %x", iface, &destination, &gateway, &flags) == 4 && destination == 0
          && (flags & 0x1) != 0)
        {
          g_strlcpy (name, iface, IF_NAMESIZE);
          return TRUE;
        }
    }
  return FALSE;
}

/* The first IPv4 address of interface `name`. */
static gboolean
interface_ipv4 (const char *name, guint8 out[4])
{
  struct ifaddrs *list;
  if (getifaddrs (&list) != 0)
    return FALSE;
  gboolean found = FALSE;
  for (struct ifaddrs *a = list; a != NULL && !found; a = a->ifa_next)
    if (a->ifa_addr != NULL && a->ifa_addr->sa_family == AF_INET && strcmp (a->ifa_name, name) == 0)
      {
        memcpy (out, &((struct sockaddr_in *) a->ifa_addr)->sin_addr, 4);
        found = TRUE;
      }
  freeifaddrs (list);
  return found;
}

gboolean
craft__route_source (const guint8 *destination, gsize length, guint8 *source)
{
  static const guint8 any4[4];
  if (length == 4 && memcmp (destination, any4, 4) == 0)
    {
      /* connect() to 0.0.0.0 means "this host"; Scapy routes it by the default route. */
      char name[IF_NAMESIZE];
      return default_route_interface (name) && interface_ipv4 (name, source);
    }
  int family = length == 4 ? AF_INET : AF_INET6;
  int fd = socket (family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  struct sockaddr_storage ss = { 0 };
  socklen_t sslen;
  if (family == AF_INET)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
      sin->sin_family = AF_INET;
      sin->sin_port = htons (9);
      memcpy (&sin->sin_addr, destination, 4);
      sslen = sizeof *sin;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons (9);
      memcpy (&sin6->sin6_addr, destination, 16);
      sslen = sizeof *sin6;
    }
  /* A UDP connect() only asks the routing table; nothing is sent. */
  gboolean ok = connect (fd, (struct sockaddr *) &ss, sslen) == 0 && getsockname (fd, (struct sockaddr *) &ss, &sslen) == 0;
  if (ok)
    memcpy (source,
            family == AF_INET ? (const void *) &((struct sockaddr_in *) &ss)->sin_addr
                              : (const void *) &((struct sockaddr_in6 *) &ss)->sin6_addr,
            length);
  close (fd);
  return ok;
}

gboolean
craft__route_interface_mac (const guint8 *source, gsize length, guint8 mac[6])
{
  struct ifaddrs *list;
  if (getifaddrs (&list) != 0)
    return FALSE;
  const char *owner = NULL;
  for (struct ifaddrs *a = list; a != NULL && owner == NULL; a = a->ifa_next)
    {
      if (a->ifa_addr == NULL)
        continue;
      if (length == 4 && a->ifa_addr->sa_family == AF_INET
          && memcmp (&((struct sockaddr_in *) a->ifa_addr)->sin_addr, source, 4) == 0)
        owner = a->ifa_name;
      else if (length == 16 && a->ifa_addr->sa_family == AF_INET6
               && memcmp (&((struct sockaddr_in6 *) a->ifa_addr)->sin6_addr, source, 16) == 0)
        owner = a->ifa_name;
    }
  gboolean found = FALSE;
  for (struct ifaddrs *a = list; a != NULL && owner != NULL && !found; a = a->ifa_next)
    if (a->ifa_addr != NULL && a->ifa_addr->sa_family == AF_PACKET && strcmp (a->ifa_name, owner) == 0)
      {
        struct sockaddr_ll *ll = (struct sockaddr_ll *) a->ifa_addr;
        memset (mac, 0, 6);
        memcpy (mac, ll->sll_addr, MIN (ll->sll_halen, 6));
        found = TRUE;
      }
  freeifaddrs (list);
  return found;
}
