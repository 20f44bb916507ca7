/* craft read: dissect a pcap or pcapng capture, printing a summary line, a tree, a JSON object or chosen fields per packet. */
#include "tool.h"

#include <stdio.h>

/* Seconds since the epoch with six decimals, as the JSON output writes them. */
static void
print_time (gint64 usec)
{
  guint64 magnitude = usec < 0 ? (guint64) 0 - (guint64) usec : (guint64) usec;
  printf ("%s%" G_GUINT64_FORMAT ".%06u", usec < 0 ? "-" : "", magnitude / G_USEC_PER_SEC,
          (guint) (magnitude % G_USEC_PER_SEC));
}

/* The tree of one packet, headed by its number, time and lengths, and
 * followed by what dissecting and verifying it found. */
static void
print_tree (CraftPacket *packet, const CraftCaptureRecord *record)
{
  printf ("Packet %" G_GUINT64_FORMAT " at ", record->number);
  print_time (record->time_usec);
  printf (": %u bytes on the wire", record->length);
  if (record->captured != record->length)
    printf (", %u captured", record->captured);
  printf ("\n");
  craft_packet_verify (packet);
  g_autoptr (GError) error = NULL;
  g_autofree char *tree = craft_packet_show (packet, &error);
  if (tree != NULL)
    fputs (tree, stdout);
  for (guint i = 0; i < craft_packet_get_n_findings (packet); i++)
    printf ("!!! %s\n", craft_packet_get_finding (packet, i)->message);
  printf ("\n");
}

/* -e: the chosen fields of every packet, tab-separated, read through an
 * extractor (in place where the layers allow). */
static gboolean
print_fields (CraftRegistry *reg, CraftCaptureReader *reader, char **fields, gint64 count, GError **error)
{
  CraftExtractor *x = craft_extractor_new (reg, (const char *const *) fields, error);
  if (x == NULL)
    return FALSE;
  int linktype = craft_capture_reader_get_linktype (reader);
  g_autoptr (GString) line = g_string_new (NULL);
  CraftCaptureRecord record;
  guint64 done = 0;
  while ((count < 0 || done < (guint64) count) && craft_capture_reader_next (reader, &record, error))
    {
      done++;
      craft_extractor_run_linktype (x, linktype, record.data, record.captured);
      g_string_truncate (line, 0);
      for (guint i = 0; i < craft_extractor_get_n_fields (x); i++)
        {
          if (i > 0)
            g_string_append_c (line, '\t');
          craft_extractor_format (x, i, line);
        }
      g_string_append_c (line, '\n');
      fwrite (line->str, 1, line->len, stdout);
    }
  craft_extractor_free (x);
  return error == NULL || *error == NULL;
}

int
craft_cmd_read (int argc, char **argv)
{
  gboolean verbose = FALSE, json = FALSE;
  g_auto (GStrv) fields = NULL;
  g_autofree char *filter = NULL;
  gint64 count = -1;
  const GOptionEntry entries[] = {
    { "verbose", 'V', 0, G_OPTION_ARG_NONE, &verbose,
      "Print each packet's tree, every field with its value, and what is wrong with it", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object per packet, one per line (JSON Lines)", NULL },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, "Read only the packets this BPF filter matches (tcpdump syntax)",
      "BPF" },
    { "count", 'c', 0, G_OPTION_ARG_INT64, &count, "Stop after N packets", "N" },
    { "field", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &fields,
      "Print this field of each packet (LAYER.field, as IP.src; repeat for more), tab-separated, one line per "
      "packet; empty when the packet has none",
      "FIELD" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE - dissect a pcap or pcapng capture");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Prints one line per packet: its number in the file, its capture time in seconds "
                                "since the epoch,\nand its summary. Packets are dissected from the layer bound to "
                                "the file's link type.");
  g_option_context_set_description (context, "Examples:\n"
                                             "  craft read capture.pcap\n"
                                             "  craft read -V -c 1 capture.pcapng\n"
                                             "  craft read --json -f 'tcp port 80' capture.pcap | jq .\n"
                                             "  craft read -e IP.src -e TCP.dport capture.pcap\n");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      fprintf (stderr, "craft read: expected one capture file (see craft read --help)\n");
      return 2;
    }
  if ((verbose ? 1 : 0) + (json ? 1 : 0) + (fields != NULL ? 1 : 0) > 1)
    {
      fprintf (stderr, "craft read: -V, --json and -e cannot be used together\n");
      return 2;
    }
  if (count == 0 || count < -1)
    {
      fprintf (stderr, "craft read: -c needs a positive number of packets, not %" G_GINT64_FORMAT "\n", count);
      return 2;
    }
  const char *path = argv[1];
  int status = 0;
  g_autoptr (CraftRegistry) reg = craft_tool_load_registry (&status);
  if (reg == NULL)
    return status;
  GError *error = NULL;
  g_autoptr (CraftCaptureReader) reader = craft_capture_reader_open (path, filter, &error);
  if (reader == NULL)
    return craft_tool_report (error, NULL);
  int linktype = craft_capture_reader_get_linktype (reader);
  if (craft_registry_lookup_linktype (reg, linktype) == NULL)
    {
      fprintf (stderr,
               "craft: %s: no definition is bound to link type %s (%d); a definition file can add one with "
               "'bind linktype %d -> LAYER;'\n",
               path, craft_capture_reader_get_linktype_name (reader), linktype, linktype);
      return 2;
    }
  if (fields != NULL)
    {
      gboolean read = print_fields (reg, reader, fields, count, &error);
      gboolean flushed = fflush (stdout) == 0;
      if (!read)
        return craft_tool_report (error, NULL);
      if (!flushed)
        {
          fprintf (stderr, "craft: writing the output failed\n");
          return 1;
        }
      return 0;
    }
  CraftCaptureRecord record;
  guint64 done = 0;
  /* One packet dissects every record in turn, reusing its memory. */
  g_autoptr (CraftPacket) packet = craft_packet_new (reg);
  const CraftLayerDef *raw = craft_registry_lookup_layer (reg, "Raw");
  while ((count < 0 || done < (guint64) count) && craft_capture_reader_next (reader, &record, &error))
    {
      done++;
      const CraftLayerDef *first
        = craft_registry_lookup_linktype_for_data (reg, linktype, record.data, record.captured);
      if (first == NULL && raw == NULL)
        {
          g_set_error (&error, CRAFT_ERROR, CRAFT_ERROR_UNKNOWN_LAYER, "unknown layer 'Raw'");
          break;
        }
      craft_packet_set_from_bytes (packet, first != NULL ? first : raw, record.data, record.captured);
      if (json)
        {
          g_autofree char *line = craft_packet_to_json (packet, &record);
          puts (line);
        }
      else if (verbose)
        print_tree (packet, &record);
      else
        {
          g_autofree char *summary = craft_packet_summary (packet);
          printf ("%" G_GUINT64_FORMAT " ", record.number);
          print_time (record.time_usec);
          printf (" %s\n", summary);
        }
    }
  /* What was read is printed before the damage is reported. */
  gboolean flushed = fflush (stdout) == 0;
  if (error != NULL)
    return craft_tool_report (error, NULL);
  if (!flushed)
    {
      fprintf (stderr, "craft: writing the output failed\n");
      return 1;
    }
  return 0;
}
