/* Checksum algorithms that definitions name: the Internet checksum (RFC 1071) and CRC-32. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A running Internet checksum over several pieces, as if they were one buffer. */
typedef struct {
  guint64 sum;
  gboolean odd;   /* the bytes so far are an odd count: the next byte is a low byte */
} CraftInetSum;

void craft__inet_sum_add (CraftInetSum *s, const guint8 *data, gsize length);
/* The one's complement of the folded sum, as sent on the wire. */
guint16 craft__inet_sum_finish (const CraftInetSum *s);

/* CRC-32 as in Ethernet and zlib (reflected, polynomial 0xEDB88320). */
guint32 craft__crc32 (guint32 crc, const guint8 *data, gsize length);

G_END_DECLS
