/* craft sniff: capture live traffic and dissect it as craft read does a file, or write it to a capture. */
#include "tool.h"

#include <stdio.h>

int
craft_cmd_sniff (int argc, char **argv)
{
  g_autofree char *interface = NULL, *filter = NULL, *write_path = NULL;
  gint64 count = -1;
  double timeout = -1;
  gboolean verbose = FALSE, json = FALSE, no_promiscuous = FALSE;
  const GOptionEntry entries[] = {
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &interface, "Capture on this interface (required)", "IFACE" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, "Capture only what this BPF filter matches (tcpdump syntax)",
      "BPF" },
    { "count", 'c', 0, G_OPTION_ARG_INT64, &count, "Stop after N packets", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, "Stop after S seconds", "S" },
    { "write", 'w', 0, G_OPTION_ARG_FILENAME, &write_path,
      "Write the packets to a capture (pcapng if FILE ends in .pcapng) instead of printing them", "FILE" },
    { "verbose", 'V', 0, G_OPTION_ARG_NONE, &verbose, "Print each packet's tree and what is wrong with it", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object per packet, one per line (JSON Lines)", NULL },
    { "no-promiscuous-mode", 'p', 0, G_OPTION_ARG_NONE, &no_promiscuous,
      "Capture only the traffic to and from this host", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- dissect live traffic");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "Prints what craft read prints for a file, packet by packet as it arrives,\n"
                                    "until -c packets, --timeout seconds or Ctrl-C. Capturing needs CAP_NET_RAW.\n\n"
                                    "Examples:\n"
                                    "  craft sniff -i eth0 -f icmp -c 4\n"
                                    "  craft sniff -i eth0 --json -f 'udp port 53' | jq .\n"
                                    "  craft sniff -i eth0 --timeout 60 -w one-minute.pcapng\n");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 1)
    {
      fprintf (stderr, "craft sniff: unexpected argument '%s' (a filter goes after -f)\n", argv[1]);
      return 2;
    }
  if (!craft_tool_need_interface ("sniff", interface))
    return 2;
  if ((verbose && json) || (write_path != NULL && (verbose || json)))
    {
      fprintf (stderr, "craft sniff: -V, --json and -w cannot be used together\n");
      return 2;
    }
  if (count == 0 || count < -1 || (timeout < 0 && timeout != -1))
    {
      fprintf (stderr, "craft sniff: -c takes a positive number of packets, --timeout a number of seconds\n");
      return 2;
    }
  int status = 0;
  g_autoptr (CraftRegistry) reg = craft_tool_load_registry (&status);
  if (reg == NULL)
    return status;
  GError *error = NULL;
  CraftSniffFlags flags = no_promiscuous ? CRAFT_SNIFF_DEFAULT : CRAFT_SNIFF_PROMISCUOUS;
  g_autoptr (CraftSniffer) sniffer = craft_sniffer_new (interface, filter, flags, &error);
  if (sniffer == NULL)
    return craft_tool_report (error, NULL);
  int linktype = craft_sniffer_get_linktype (sniffer);
  g_autoptr (CraftCaptureWriter) writer = NULL;
  if (write_path != NULL)
    {
      CraftCaptureFormat format = g_str_has_suffix (write_path, ".pcapng") ? CRAFT_CAPTURE_PCAPNG : CRAFT_CAPTURE_PCAP;
      if ((writer = craft_capture_writer_new (write_path, format, linktype, &error)) == NULL)
        return craft_tool_report (error, NULL);
    }
  craft_tool_catch_interrupts (NULL, sniffer);
  /* Said once the capture is running, so that whoever waits for it knows. */
  fprintf (stderr, "craft sniff: listening on %s, link type %s (%d)\n", interface,
           craft_sniffer_get_linktype_name (sniffer), linktype);
  fflush (stderr);

  gint64 deadline = timeout >= 0 ? g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC) : -1;
  guint64 done = 0;
  CraftCaptureRecord record;
  while (count < 0 || done < (guint64) count)
    {
      gint wait_ms = -1;
      if (deadline >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();
          if (left <= 0)
            break;
          wait_ms = (gint) MIN ((left + 999) / 1000, G_MAXINT);
        }
      if (!craft_sniffer_next (sniffer, &record, wait_ms, &error))
        {
          if (error == NULL)
            break;
          if (craft_tool_interrupted)
            {
              /* Ctrl-C is how a capture ends: keep what it got. */
              g_clear_error (&error);
              break;
            }
          return craft_tool_report (error, NULL);
        }
      done++;
      if (writer != NULL)
        {
          if (!craft_capture_writer_add (writer, record.data, record.captured, record.time_usec, NULL, &error))
            return craft_tool_report (error, NULL);
          continue;
        }
      g_autoptr (CraftPacket) packet = craft_packet_new_from_capture (reg, linktype, record.data, record.captured);
      if (json)
        {
          g_autofree char *line = craft_packet_to_json (packet, &record);
          puts (line);
        }
      else if (verbose)
        craft_tool_print_tree (packet, "Packet", &record);
      else
        {
          g_autofree char *summary = craft_packet_summary (packet);
          printf ("%" G_GUINT64_FORMAT " ", record.number);
          craft_tool_print_time (record.time_usec);
          printf (" %s\n", summary);
        }
      /* Each packet shows as it arrives, also through a pipe. */
      if (fflush (stdout) != 0)
        {
          fprintf (stderr, "craft sniff: writing the output failed\n");
          return 1;
        }
    }
  if (writer != NULL && !craft_capture_writer_commit (writer, &error))
    return craft_tool_report (error, NULL);
  gint64 dropped = craft_sniffer_get_n_dropped (sniffer);
  fprintf (stderr, "craft sniff: %" G_GUINT64_FORMAT " packet%s captured", done, done == 1 ? "" : "s");
  if (dropped > 0)
    fprintf (stderr, ", %" G_GINT64_FORMAT " dropped by the kernel", dropped);
  fprintf (stderr, "\n");
  return 0;
}
