/* W1 with craft's library API: build every member of a set, repeated, into a pcap. */
#include <craft/craft.h>

#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: %s EXPR ROUNDS OUT.pcap\n", argv[0]);
      return 2;
    }
  GError *error = NULL;
  CraftRegistry *reg = craft_registry_new_default (&error);
  CraftPacket *packet = reg ? craft_packet_new_from_expression (reg, argv[1], &error) : NULL;
  if (packet == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  int linktype = craft_registry_get_linktype_for (reg, craft_packet_get_layer (packet, 0));
  CraftCaptureWriter *writer = craft_capture_writer_new (argv[3], CRAFT_CAPTURE_PCAP, linktype, &error);
  if (writer == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  long rounds = strtol (argv[2], NULL, 10);
  guint64 members = craft_packet_get_n_members (packet);
  gint64 now = g_get_real_time ();
  for (long r = 0; r < rounds; r++)
    for (guint64 m = 0; m < members; m++)
      {
        const guint8 *data;
        gsize len;
        if (!craft_packet_select_member (packet, m, &error)
            || (data = craft_packet_build_data (packet, &len, &error)) == NULL
            || !craft_capture_writer_add (writer, data, len, now, NULL, &error))
          {
            fprintf (stderr, "%s\n", error->message);
            return 1;
          }
      }
  if (!craft_capture_writer_commit (writer, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  craft_capture_writer_free (writer);
  craft_packet_unref (packet);
  craft_registry_unref (reg);
  return 0;
}
