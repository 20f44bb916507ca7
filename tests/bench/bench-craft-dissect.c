/* W2 with craft's library API: read addresses and UDP or TCP ports of every packet of a capture, with an extractor or through one reused packet. */
#include <craft/craft.h>

#include <stdio.h>
#include <string.h>

static guint64 sink;

/* Reads a field of the first layer its handle is for, if the packet has one
 * (FALSE if not). Handles resolve the names once: no name is compared per packet. */
static gboolean
take (CraftPacket *packet, const CraftFieldHandle *field, gboolean bytes)
{
  gint index = craft_packet_find_layer_def (packet, field->layer, 0);
  if (index < 0)
    return FALSE;
  if (bytes)
    {
      gsize len;
      const guint8 *b = craft_packet_peek_bytes_by_handle (packet, (guint) index, field, &len);
      if (b != NULL && len > 0)
        sink += len + b[len - 1];
    }
  else
    {
      guint64 v = 0;
      craft_packet_get_uint_by_handle (packet, (guint) index, field, &v);
      sink += v;
    }
  return TRUE;
}

/* The fields through an extractor: layers read in place where they can be. */
static int
extract (CraftRegistry *reg, CraftCaptureReader *reader, guint64 *n)
{
  static const char *const fields[] = { "IP.src", "IP.dst", "UDP.sport", "UDP.dport", "TCP.sport", "TCP.dport",
                                        NULL };
  GError *error = NULL;
  CraftExtractor *x = craft_extractor_new (reg, fields, &error);
  if (x == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  int linktype = craft_capture_reader_get_linktype (reader);
  CraftCaptureRecord record;
  while (craft_capture_reader_next (reader, &record, &error))
    {
      craft_extractor_run_linktype (x, linktype, record.data, record.captured);
      const CraftExtractedValue *v = craft_extractor_get_values (x);
      for (guint i = 0; i < 2; i++)
        if (v[i].present && !v[i].integer && v[i].length > 0)
          sink += v[i].length + v[i].bytes[v[i].length - 1];
      for (guint i = 2; i < 6; i++)
        if (v[i].present && v[i].integer)
          sink += v[i].num;
      (*n)++;
    }
  craft_extractor_free (x);
  if (error != NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  return 0;
}

/* The fields of one packet that dissects every record in turn, reusing its memory. */
static int
reuse_packet (CraftRegistry *reg, CraftCaptureReader *reader, guint64 *n)
{
  GError *error = NULL;
  int linktype = craft_capture_reader_get_linktype (reader);
  CraftCaptureRecord record;
  CraftPacket *packet = craft_packet_new (reg);
  const CraftLayerDef *raw = craft_registry_lookup_layer (reg, "Raw");
  const CraftLayerDef *ip = craft_registry_lookup_layer (reg, "IP"), *udp = craft_registry_lookup_layer (reg, "UDP");
  const CraftLayerDef *tcp = craft_registry_lookup_layer (reg, "TCP");
  CraftFieldHandle src, dst, sport, dport, tcp_sport, tcp_dport;
  if (raw == NULL || ip == NULL || udp == NULL || tcp == NULL || !craft_field_handle_init (&src, ip, "src")
      || !craft_field_handle_init (&dst, ip, "dst") || !craft_field_handle_init (&sport, udp, "sport")
      || !craft_field_handle_init (&dport, udp, "dport") || !craft_field_handle_init (&tcp_sport, tcp, "sport")
      || !craft_field_handle_init (&tcp_dport, tcp, "dport"))
    {
      fprintf (stderr, "the registry lacks Raw, IP.src, IP.dst or UDP's or TCP's sport or dport\n");
      return 1;
    }
  while (craft_capture_reader_next (reader, &record, &error))
    {
      const CraftLayerDef *first = craft_registry_lookup_linktype_for_data (reg, linktype, record.data, record.captured);
      craft_packet_set_from_bytes (packet, first ? first : raw, record.data, record.captured);
      take (packet, &src, TRUE);
      take (packet, &dst, TRUE);
      if (take (packet, &sport, FALSE))
        take (packet, &dport, FALSE);
      else if (take (packet, &tcp_sport, FALSE))
        take (packet, &tcp_dport, FALSE);
      (*n)++;
    }
  craft_packet_unref (packet);
  if (error != NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  gboolean packet = argc == 3 && strcmp (argv[1], "--packet") == 0;
  if (argc != 2 && !packet)
    {
      fprintf (stderr, "usage: %s [--packet] IN.pcap\n", argv[0]);
      return 2;
    }
  GError *error = NULL;
  CraftRegistry *reg = craft_registry_new_default (&error);
  CraftCaptureReader *reader = reg ? craft_capture_reader_open (argv[argc - 1], NULL, &error) : NULL;
  if (reader == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  guint64 n = 0;
  int status = packet ? reuse_packet (reg, reader, &n) : extract (reg, reader, &n);
  craft_capture_reader_free (reader);
  craft_registry_unref (reg);
  if (status == 0)
    fprintf (stderr, "%" G_GUINT64_FORMAT " packets (%" G_GUINT64_FORMAT ")\n", n, sink);
  return status;
}
