/* craft build: build the packets of an expression and print a summary line, or the bytes as hex, per packet. */
#include "tool.h"

#include <stdio.h>

int
craft_cmd_build (int argc, char **argv)
{
  gboolean hex = FALSE;
  const GOptionEntry entries[] = {
    { "hex", 0, 0, G_OPTION_ARG_NONE, &hex, "Print each packet's bytes as lowercase hex, one per line", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("EXPR - build packets");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, "Example: craft build --hex 'IP(dst=\"192.0.2.1\")/UDP(dport=53)'");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      fprintf (stderr, "craft build: expected one expression (see craft build --help)\n");
      return 2;
    }
  int status = 0;
  g_autoptr (CraftRegistry) reg = craft_tool_load_registry (&status);
  if (reg == NULL)
    return status;
  GError *error = NULL;
  g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (reg, argv[1], &error);
  if (packet == NULL)
    return craft_tool_report (error, argv[1]);
  g_autoptr (GBytes) bytes = craft_packet_build (packet, &error);
  if (bytes == NULL)
    return craft_tool_report (error, argv[1]);
  if (hex)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      for (gsize i = 0; i < len; i++)
        printf ("%02x", data[i]);
      putchar ('\n');
    }
  else
    {
      g_autofree char *summary = craft_packet_summary (packet);
      printf ("%s\n", summary);
    }
  return fflush (stdout) == 0 ? 0 : 1;
}
