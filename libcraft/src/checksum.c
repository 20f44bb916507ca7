/* The Internet checksum (RFC 1071) over pieces, and CRC-32. */
#include "checksum.h"

void
craft__inet_sum_add (CraftInetSum *s, const guint8 *data, gsize length)
{
  gsize i = 0;
  if (s->odd && length > 0)
    {
      s->sum += data[0];
      i = 1;
      s->odd = FALSE;
    }
  for (; i + 1 < length; i += 2)
    s->sum += (guint32) data[i] << 8 | data[i + 1];
  if (i < length)
    {
      s->sum += (guint32) data[i] << 8;
      s->odd = TRUE;
    }
}

guint16
craft__inet_sum_finish (const CraftInetSum *s)
{
  guint64 sum = s->sum;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

guint32
craft__crc32 (guint32 crc, const guint8 *data, gsize length)
{
  static guint32 table[256];
  static gsize initialised = 0;
  if (g_once_init_enter (&initialised))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;
          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&initialised, 1);
    }
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}
