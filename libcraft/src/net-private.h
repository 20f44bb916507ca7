/* Internal pieces shared by injection, capture, answer matching and address resolution. */
#pragma once

#include <glib.h>
#include <craft/craft.h>
#include <craft/net.h>

#include <net/if.h>
#include <pcap/pcap.h>
#include <signal.h>

#include "model.h"

G_BEGIN_DECLS

/* How long address resolution (next_hop_mac()) waits for an answer, and
 * how many times it asks. Scapy's getmacbyip() waits 2 seconds; neighbours
 * on a LAN answer within milliseconds, so 2 × 0.5 s keeps a typo in an
 * address from stalling the send for long. */
#define CRAFT_RESOLVE_TIMEOUT_MS 500
#define CRAFT_RESOLVE_TRIES 2

/* Interface facts (iface.c), FALSE when the kernel does not say: IFF_*
 * flags, the MTU, the 6-byte hardware address of an Ethernet-like one. */
gboolean craft__interface_flags (const char *name, guint *flags);
gboolean craft__interface_mtu (const char *name, guint *mtu);
gboolean craft__interface_hwaddr (const char *name, guint8 mac[6]);

/* The next hop toward `destination` (4 or 16 bytes) through `interface`
 * (NULL: any): the route's gateway, else the destination itself. */
gboolean craft__route_next_hop (const guint8 *destination, gsize length, const char *interface, guint8 *next_hop);

/* The kernel's neighbour table: the link address of `address` on
 * `interface` when it is known. */
gboolean craft__neighbor_lookup (const char *interface, const guint8 *address, gsize length, guint8 mac[6]);

/* Fails with CRAFT_ERROR_IO when `interface` does not exist or is down. */
gboolean craft__interface_check (const char *interface, GError **error);

/* An activated libpcap handle on `interface` (immediate mode, a kernel
 * buffer of `buffer_bytes`), or NULL with CRAFT_ERROR_IO naming the
 * interface and the cause. */
pcap_t *craft__pcap_open (const char *interface, int snaplen, int buffer_bytes, gboolean promiscuous,
                          GError **error);

/* craft_sniffer_next() with a deadline on the monotonic clock (-1: none, 0:
 * do not wait) and a further cancel flag (may be NULL). */
gboolean craft__sniffer_next_until (CraftSniffer *sniffer, CraftCaptureRecord *record, gint64 deadline_usec,
                                    volatile sig_atomic_t *cancelled, GError **error);

/* Sends bytes craft_injector_build() made: a frame, or (`network`) a routed
 * packet to `destination` (4 or 16 bytes), paced and batched as
 * craft_injector_send() does. */
gboolean craft__injector_send_bytes (CraftInjector *inj, GBytes *bytes, gboolean network,
                                     const guint8 *destination, gsize destination_length, GError **error);

/* The address the first layer of a built packet routes to (its `route`
 * field), 4 or 16 bytes. */
gboolean craft__packet_destination (CraftPacket *packet, guint8 destination[16], gsize *length);

/* craft__injector_send_bytes() for bytes that `owner` keeps alive, or,
 * when it is NULL, that the caller keeps until the next flush. */
gboolean craft__injector_send_data (CraftInjector *inj, const guint8 *data, gsize length, GBytes *owner,
                                    gboolean network, const guint8 *destination, gsize destination_length,
                                    GError **error);

CraftRegistry *craft__injector_get_registry (CraftInjector *injector);
volatile sig_atomic_t *craft__injector_cancel_flag (CraftInjector *injector);

/* The first layer whose `resolve` statement takes an address of `length`
 * bytes, or NULL. */
const CraftLayerDef *craft__registry_find_resolver (CraftRegistry *reg, gsize length);

/* The link address of `address` (4 or 16 bytes) on `interface`: the kernel's
 * neighbour table, else a resolution request built from the definitions (a
 * layer with `resolve`, ARP for IPv4) and its answer. Results, failures
 * included, are kept for the life of the process. FALSE when nobody
 * answered; a warning says so once per address. */
gboolean craft__neighbor_resolve (CraftRegistry *reg, const char *interface, const guint8 *address, gsize length,
                                  guint8 mac[6]);

G_END_DECLS
