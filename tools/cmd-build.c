/* craft build: build every packet of an expression's set, printing summaries or hex, or writing a capture. */
#include "tool.h"

#include <stdio.h>
#include <string.h>

int
craft_cmd_build (int argc, char **argv)
{
  gboolean hex = FALSE;
  g_autofree char *write_path = NULL;
  gint64 repeat = 1;
  const GOptionEntry entries[] = {
    { "hex", 0, 0, G_OPTION_ARG_NONE, &hex, "Print each packet's bytes as lowercase hex, one per line", NULL },
    { "write", 'w', 0, G_OPTION_ARG_FILENAME, &write_path,
      "Write the packets to a capture (pcapng if FILE ends in .pcapng, each packet commented with EXPR)", "FILE" },
    { "count", 'c', 0, G_OPTION_ARG_INT64, &repeat, "Repeat the whole set N times", "N" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("EXPR - build packets");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "A field given a list [80,443], a range (1,1024) or a network \"192.0.2.0/30\"\n"
                                    "makes EXPR a set: every combination is built, in Scapy's order.\n\n"
                                    "Example: craft build -w out.pcapng 'IP(dst=\"192.0.2.0/30\")/TCP(dport=[80,443])'");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      fprintf (stderr, "craft build: expected one expression (see craft build --help)\n");
      return 2;
    }
  if (repeat < 1)
    {
      fprintf (stderr, "craft build: -c takes a count of 1 or more\n");
      return 2;
    }
  const char *expression = argv[1];
  int status = 0;
  g_autoptr (CraftRegistry) reg = craft_tool_load_registry (&status);
  if (reg == NULL)
    return status;
  GError *error = NULL;
  g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (reg, expression, &error);
  if (packet == NULL)
    return craft_tool_report (error, expression);
  /* Before the temporary capture exists: a stop that comes while it is
   * being created must still remove it. */
  craft_tool_catch_stop ();
  g_autoptr (CraftCaptureWriter) writer = NULL;
  if (write_path != NULL && (writer = craft_tool_open_capture (reg, packet, write_path, &error)) == NULL)
    return craft_tool_report (error, NULL);

  /* Members are built one at a time: a set of any size streams. */
  guint64 members = craft_packet_get_n_members (packet);
  for (gint64 round = 0; round < repeat; round++)
    for (guint64 m = 0; m < members; m++)
      {
        if (craft_tool_stopped ())
          {
            fprintf (stderr, "craft build: interrupted after %" G_GUINT64_FORMAT " packets%s\n",
                     (guint64) round * members + m, writer ? "; no capture written" : "");
            return 128 + craft_tool_stopped ();
          }
        if (!craft_packet_select_member (packet, m, &error))
          return craft_tool_report (error, expression);
        if (writer != NULL)
          {
            /* The bytes stay the packet's: no copy per member. */
            gsize len;
            const guint8 *data = craft_packet_build_data (packet, &len, &error);
            if (data == NULL)
              return craft_tool_report (error, expression);
            if (!craft_capture_writer_add (writer, data, len, g_get_real_time (), expression, &error))
              return craft_tool_report (error, NULL);
            continue;
          }
        g_autoptr (GBytes) bytes = craft_packet_build (packet, &error);
        if (bytes == NULL)
          return craft_tool_report (error, expression);
        if (hex)
          craft_tool_print_hex (bytes);
        else
          {
            g_autofree char *summary = craft_packet_summary (packet);
            printf ("%s\n", summary);
          }
        if (ferror (stdout))
          {
            fprintf (stderr, "craft build: cannot write to standard output\n");
            return 1;
          }
      }
  if (writer != NULL && !craft_capture_writer_commit (writer, &error))
    return craft_tool_report (error, NULL);
  return fflush (stdout) == 0 ? 0 : 1;
}
