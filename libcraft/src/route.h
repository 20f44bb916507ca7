/* Host-dependent defaults: the source address and interface MAC the kernel would use for a destination. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fills `source` (4 or 16 bytes, as `length`) with the address the host
 * sends from toward `destination`. No packet is sent: the kernel's route
 * lookup answers. FALSE if there is no route. */
gboolean craft__route_source (const guint8 *destination, gsize length, guint8 *source);

/* Fills `mac` with the hardware address of the interface that owns the
 * local address `source` (4 or 16 bytes). FALSE if none has one. */
gboolean craft__route_interface_mac (const guint8 *source, gsize length, guint8 mac[6]);

G_END_DECLS
