/* Set expansion by template patching (issue 8): the members of a set after the first patch the bytes built before. */
#pragma once

#include "packet-private.h"

G_BEGIN_DECLS

/* Builds the packet by patching the bytes of its last build, when only
 * fields that keep the layout changed since (a set's next member): their
 * bytes are rewritten, the computed fields that read them recomputed and
 * the Internet checksums over them updated incrementally (RFC 1624). NULL
 * when that cannot give the full build's bytes: the caller builds in full.
 * Returns a new reference to the packet's new wire bytes. */
GBytes *craft__template_build (CraftPacket *packet);

/* craft__template_build() without a GBytes: the member's bytes stay the
 * template's (valid until the packet is next built, changed or freed), and
 * are the packet's bytes as built (craft__packet_wire_data()) until it is
 * built again. NULL as there. */
const guint8 *craft__template_patch (CraftPacket *packet, gsize *length);

/* The bytes of the packet's last build or dissection: its wire bytes, or
 * the template's when craft__template_patch() left them there. NULL (and
 * *length 0) when it has none. Owned by the packet. */
const guint8 *craft__packet_wire_data (CraftPacket *packet, gsize *length);

/* After a full build of a packet with sets: records what the next members
 * need to be patched, or gives up on templates for this packet when they do
 * not apply (a checksum it cannot update, member after member that moves fields). */
void craft__template_update (CraftPacket *packet);

void craft__template_free (CraftTemplate *t);

/* How many builds of the packet patched a template (for tests). */
guint64 craft__template_get_patched (CraftPacket *packet);

G_END_DECLS
