/* craft show: build an expression, then print its tree with every computed value, as Scapy's show2(). */
#include "tool.h"

#include <stdio.h>

int
craft_cmd_show (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("EXPR - show the built packet's fields");
  g_option_context_set_description (context, "Example: craft show 'Ether()/IP(dst=\"192.0.2.1\")/TCP(flags=\"SA\")'");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      fprintf (stderr, "craft show: expected one expression (see craft show --help)\n");
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
  g_autofree char *tree = craft_packet_show (packet, &error);
  if (tree == NULL)
    return craft_tool_report (error, argv[1]);
  fputs (tree, stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}
