/* Packets as JSON: the object per packet that `craft read --json` prints, one per line. */
#pragma once

#include <glib.h>
#include <craft/export.h>
#include <craft/capture.h>
#include <craft/packet.h>

G_BEGIN_DECLS

/* The largest integer width written as a JSON number: 53 bits, the integers
 * a double (and so JavaScript, jq 1.6 and many other readers) holds exactly. */
#define CRAFT_JSON_MAX_NUMBER_BITS 53

/* The packet as one JSON object on one line, without a newline:
 *
 *   {"n":1,"time":1700000000.123456,"len":98,"layers":[
 *     {"layer":"IP","fields":{"version":4,...,"ttl":64,"src":"192.0.2.1",...}},...]}
 *
 * `n`, `time` and `len` come from `record`: the packet's number in its
 * capture, its capture time in seconds since the epoch with exactly six
 * decimals (microseconds), and its length on the wire. With `record` NULL,
 * `n` and `time` are left out and `len` is the packet's length in bytes.
 *
 * `layers` holds every layer in order, its name and its fields in the
 * definition's order, each with its value as dissected (or as last built):
 * - integer fields of up to 53 bits are JSON numbers, negative for a signed
 *   field; wider ones (u54…u64, s54…s64) are decimal strings, as Protocol
 *   Buffers' JSON mapping writes 64-bit integers, so that no reader rounds
 *   them;
 * - enumerated and flag fields are numbers too (6, not "tcp"; 18, not "SA"):
 *   the names depend on the definitions loaded, the numbers do not;
 * - MAC, IPv4 and IPv6 addresses are strings in their usual notation
 *   ("00:11:22:33:44:55", "192.0.2.1", "2001:db8::1");
 * - byte strings are lowercase hex strings ("" when empty).
 * A conditional field absent from the packet is left out.
 *
 * Caller frees the string. */
CRAFT_API char *craft_packet_to_json (CraftPacket *packet, const CraftCaptureRecord *record);

G_END_DECLS
