/* A program outside the tree that uses an installed libcraft through pkg-config. */
#include <craft/craft.h>
#include <stdio.h>

int
main (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftRegistry) reg = craft_registry_new_default (&error);
  if (reg == NULL)
    return fprintf (stderr, "%s\n", error->message), 1;
  g_autoptr (CraftPacket) pkt
    = craft_packet_new_from_expression (reg, "IP(src=\"192.0.2.1\",dst=\"192.0.2.2\")/UDP(sport=1234,dport=53)", &error);
  if (pkt == NULL)
    return fprintf (stderr, "%s\n", error->message), 1;
  g_autoptr (GBytes) bytes = craft_packet_build (pkt, &error);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  for (gsize i = 0; i < len; i++)
    printf ("%02x", data[i]);
  printf ("\n");
  return 0;
}
