/* Internal entry to the JSON writer, for tests of its fast path. */
#pragma once

#include <craft/packet.h>

/* Appends the "layers" array of `packet` to `out`: with `direct`, through
 * the fast writer where it can (the bytes are the same either way); without,
 * always through JsonBuilder and JsonGenerator. */
void craft__packet_layers_json (CraftPacket *packet, gboolean direct, GString *out);
