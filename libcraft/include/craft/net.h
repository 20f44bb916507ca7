/* Live networks: injecting packets on an interface, capturing, matching answers (Scapy's send, sr, sniff). */
#pragma once

#include <glib.h>
#include <craft/export.h>
#include <craft/capture.h>
#include <craft/packet.h>
#include <craft/registry.h>

G_BEGIN_DECLS

/* ---- injecting ---- */

typedef struct _CraftInjector CraftInjector;

/* Opens `interface` for sending. A packet whose first layer is the
 * interface's link layer (the layer bound to its pcap link type: Ether on an
 * Ethernet interface) is injected as is through libpcap; a packet that
 * starts at a routed layer (one with a `route` statement: IP, IPv6) goes out
 * through a raw socket bound to the interface, and the kernel routes it and
 * adds the link layer, as Scapy's send() does.
 *
 * Fails with CRAFT_ERROR_IO, the message naming the interface and the cause,
 * when the interface does not exist, is down, or cannot be opened (sending
 * needs CAP_NET_RAW). Nothing is sent. Caller frees. */
CRAFT_API CraftInjector *craft_injector_new (CraftRegistry *reg, const char *interface, GError **error);

CRAFT_API void craft_injector_free (CraftInjector *injector);

/* The interface's name, MTU (bytes above the link layer), pcap link type
 * (DLT_*) and hardware address (NULL and 0 when it has none; borrowed). */
CRAFT_API const char *craft_injector_get_interface (CraftInjector *injector);
CRAFT_API guint craft_injector_get_mtu (CraftInjector *injector);
CRAFT_API int craft_injector_get_linktype (CraftInjector *injector);
CRAFT_API const guint8 *craft_injector_get_hwaddr (CraftInjector *injector, gsize *length);

/* Paces sends: at most `packets_per_second` (0: as fast as possible), and
 * at least `seconds` between two packets (0: no gap). Packet n goes out at
 * the first send's time plus n periods, read from a monotonic clock, so
 * the time spent building and sending does not slow the rate down. */
CRAFT_API void craft_injector_set_rate (CraftInjector *injector, double packets_per_second);
CRAFT_API void craft_injector_set_interval (CraftInjector *injector, double seconds);

/* Builds the member `packet` has selected for this interface: fields left
 * unset that depend on the interface get its values (source_mac() is the
 * interface's address, next_hop_mac() the next hop's, found by address
 * resolution on the interface). Checks that the packet can be sent here: it
 * starts at the interface's link layer or at a routed layer, and is not
 * larger than the MTU (CRAFT_ERROR_IO, naming both sizes). Returns the bytes,
 * which the caller owns, and in *network whether they go through the raw
 * socket (TRUE) or are injected as a frame (FALSE). */
CRAFT_API GBytes *craft_injector_build (CraftInjector *injector, CraftPacket *packet, gboolean *network,
                                        GError **error);

/* Builds (as craft_injector_build()) and sends the member `packet` has
 * selected, after waiting for its time when the injector is paced. Packets
 * are queued and sent in batches with one system call (sendmmsg): up to 128
 * at a time, or, when paced, those whose time has come (one at a time
 * unless the sender is behind its schedule); craft_injector_flush() sends
 * the queue, and the call that sends a batch reports its errors. Errors: those of
 * craft_injector_build(), and CRAFT_ERROR_IO when the kernel refuses the
 * packet (no route, interface gone), naming the interface and the cause. */
CRAFT_API gboolean craft_injector_send (CraftInjector *injector, CraftPacket *packet, GError **error);

/* Sends what is queued. */
CRAFT_API gboolean craft_injector_flush (CraftInjector *injector, GError **error);

/* Called by craft_injector_send_set() after each packet it hands on. */
typedef void (*CraftSendProgressFunc) (CraftInjector *injector, gpointer user_data);

/* Sends every member of `packet`'s set, `rounds` times over, in order, as
 * craft_injector_send() would one by one (paced, batched), then flushes.
 * Each member is built once: later rounds send the same bytes again (as
 * building it again would: values from the host, such as addresses and
 * clock_ms(), are computed once per packet), unless the set is too large to
 * keep (CRAFT_SEND_REPLAY_MAX_BYTES), in which case each round builds afresh.
 * `progress` (may be NULL) is called after each packet. Errors: those of
 * craft_packet_select_member() and craft_injector_send(); the packets before
 * the failing one are sent. */
CRAFT_API gboolean craft_injector_send_set (CraftInjector *injector, CraftPacket *packet, guint64 rounds,
                                            CraftSendProgressFunc progress, gpointer user_data, GError **error);

/* Packets handed to the kernel so far, and the seconds from the first to the
 * last of them. */
CRAFT_API guint64 craft_injector_get_n_sent (CraftInjector *injector);
CRAFT_API double craft_injector_get_elapsed (CraftInjector *injector);

/* Makes the current wait (pacing, or craft_injector_sr() waiting for
 * answers) and every later send or wait fail at once with CRAFT_ERROR_IO
 * "interrupted". Safe to call from a signal handler. */
CRAFT_API void craft_injector_cancel (CraftInjector *injector);

/* ---- capturing ---- */

typedef struct _CraftSniffer CraftSniffer;

typedef enum {
  CRAFT_SNIFF_DEFAULT = 0,
  CRAFT_SNIFF_PROMISCUOUS = 1 << 0, /* every frame on the wire, not only those for this host */
  CRAFT_SNIFF_INBOUND = 1 << 1,     /* only packets the interface receives, none it sends */
} CraftSniffFlags;

/* Starts a live capture on `interface` (libpcap: immediate mode, so each
 * packet is delivered as it arrives), narrowed by the tcpdump-style
 * `bpf_filter` (may be NULL). Packets arriving after this call returns are
 * kept until read. Errors: CRAFT_ERROR_IO (no such interface, down, no
 * permission: capturing needs CAP_NET_RAW), CRAFT_ERROR_SYNTAX (a filter
 * libpcap rejects, with its reason). Caller frees. */
CRAFT_API CraftSniffer *craft_sniffer_new (const char *interface, const char *bpf_filter, CraftSniffFlags flags,
                                           GError **error);

CRAFT_API void craft_sniffer_free (CraftSniffer *sniffer);

/* The capture's link type (DLT_*) and its name ("EN10MB"). */
CRAFT_API int craft_sniffer_get_linktype (CraftSniffer *sniffer);
CRAFT_API const char *craft_sniffer_get_linktype_name (CraftSniffer *sniffer);

/* Waits at most `timeout_ms` (-1: without end, 0: not at all) for the next
 * packet. TRUE with `record` filled (its data is valid until the next call;
 * `number` counts from 1); FALSE with `error` unset when the time ran out,
 * or set (CRAFT_ERROR_IO) when the capture failed or was cancelled. */
CRAFT_API gboolean craft_sniffer_next (CraftSniffer *sniffer, CraftCaptureRecord *record, gint timeout_ms,
                                       GError **error);

/* Packets the kernel dropped because they were not read in time, or -1. */
CRAFT_API gint64 craft_sniffer_get_n_dropped (CraftSniffer *sniffer);

/* Makes the current and later craft_sniffer_next() calls fail at once with
 * CRAFT_ERROR_IO "interrupted". Safe to call from a signal handler. */
CRAFT_API void craft_sniffer_cancel (CraftSniffer *sniffer);

/* Dissects a captured packet from the layer bound to `linktype`, as
 * `craft read` does; Raw when no layer is bound to it. Caller owns. */
CRAFT_API CraftPacket *craft_packet_new_from_capture (CraftRegistry *reg, int linktype, const guint8 *data,
                                                      gsize length);

/* ---- answers ---- */

/* Whether `reply` answers `request`, by the definitions' answer rules. The
 * two are compared layer by layer from the request's first layer (the
 * reply's link layer, when the request has none, is skipped): each pair of
 * layers must be of the same definition and satisfy that layer's `answer`
 * rule, until either packet ends, either reaches Padding, or the request
 * reaches Raw (its payload, which the reply may carry in any form). A reply
 * layer whose `quotes` condition holds (an ICMP error) answers instead when
 * the layers after it are a quote of the request: each quoted layer has the
 * same `identity` fields as the request's layer of the same definition,
 * from the first of that definition on. Both packets are read as they are
 * (dissected, or as last built). */
CRAFT_API gboolean craft_packet_answers (CraftPacket *reply, CraftPacket *request);

/* ---- send and receive ---- */

typedef struct {
  double timeout;   /* seconds to wait for answers after the last packet is sent */
  guint retry;      /* how many more times to send the packets that got no answer */
  gboolean multi;   /* keep listening for more answers to a packet already answered */
} CraftSrOptions;

typedef struct _CraftSrResult CraftSrResult;

/* Scapy's sr(): sends every member of `packet` through `injector` (paced as
 * it is set), and collects the answers by craft_packet_answers(). The
 * capture for the answers is started before the first packet is sent, with
 * a BPF filter for the packets' source addresses when they have some, so no
 * answer is missed. Waits `options->timeout` seconds after the last packet,
 * or less when every packet is answered (and `multi` is not set); then sends
 * the unanswered ones again, `retry` times. Errors: those of
 * craft_injector_send() and craft_sniffer_new(). Caller frees. */
CRAFT_API CraftSrResult *craft_injector_sr (CraftInjector *injector, CraftPacket *packet,
                                            const CraftSrOptions *options, GError **error);

CRAFT_API void craft_sr_result_free (CraftSrResult *result);

/* The packets sent, in order: each as it went out (dissected from its
 * bytes; borrowed), and when it was last sent (microseconds since the
 * epoch). */
CRAFT_API guint craft_sr_result_get_n_requests (CraftSrResult *result);
CRAFT_API CraftPacket *craft_sr_result_get_request (CraftSrResult *result, guint index, gint64 *time_usec);

/* The answers to request `index`, in the order they arrived: at most one
 * unless `multi` was set. Each is borrowed; `record` (may be NULL) gets its
 * capture number, time and length (its data pointer is NULL). */
CRAFT_API guint craft_sr_result_get_n_answers (CraftSrResult *result, guint index);
CRAFT_API CraftPacket *craft_sr_result_get_answer (CraftSrResult *result, guint index, guint nth,
                                                   CraftCaptureRecord *record);

/* ---- interface defaults ---- */

/* Makes the fields of `packet` that depend on an interface take their
 * values from `interface` when built: source_mac() gives its address and
 * next_hop_mac() resolves the next hop on it. NULL goes back to no
 * interface, where source_mac() routes and next_hop_mac() is broadcast.
 * craft_injector_build() sets it. */
CRAFT_API void craft_packet_set_interface (CraftPacket *packet, const char *interface);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CraftInjector, craft_injector_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CraftSniffer, craft_sniffer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CraftSrResult, craft_sr_result_free)

G_END_DECLS
