/* craft sr: send every packet of an expression and pair each with its answers, by the definitions' answer rules. */
#include "tool.h"

#include <stdio.h>

/* Exit status when some packet got no answer. */
#define EXIT_UNANSWERED 3

/* The record of a request: its place in the set, when it left, its size. */
static CraftCaptureRecord
request_record (CraftSrResult *result, guint index)
{
  CraftCaptureRecord record = { 0 };
  CraftPacket *request = craft_sr_result_get_request (result, index, &record.time_usec);
  guint offset, header, length = 0;
  if (craft_packet_get_n_layers (request) > 0)
    craft_packet_get_layer_span (request, 0, &offset, &header, &length);
  record.number = index + 1;
  record.captured = record.length = length;
  return record;
}

static void
print_json (CraftSrResult *result, guint index)
{
  CraftCaptureRecord record = request_record (result, index);
  g_autofree char *request = craft_packet_to_json (craft_sr_result_get_request (result, index, NULL), &record);
  printf ("{\"request\":%s,\"answers\":[", request);
  for (guint k = 0; k < craft_sr_result_get_n_answers (result, index); k++)
    {
      CraftCaptureRecord answer_record;
      CraftPacket *answer = craft_sr_result_get_answer (result, index, k, &answer_record);
      g_autofree char *text = craft_packet_to_json (answer, &answer_record);
      printf ("%s%s", k ? "," : "", text);
    }
  printf ("]}\n");
}

static void
print_trees (CraftSrResult *result, guint index)
{
  CraftCaptureRecord record = request_record (result, index);
  craft_tool_print_tree (craft_sr_result_get_request (result, index, NULL), "Sent", &record);
  for (guint k = 0; k < craft_sr_result_get_n_answers (result, index); k++)
    {
      CraftCaptureRecord answer_record;
      CraftPacket *answer = craft_sr_result_get_answer (result, index, k, &answer_record);
      printf ("Answer after %.3f ms, ", (double) (answer_record.time_usec - record.time_usec) / 1000.0);
      craft_tool_print_tree (answer, "captured", &answer_record);
    }
}

int
craft_cmd_sr (int argc, char **argv)
{
  g_autofree char *interface = NULL;
  double timeout = 2, rate = 0, inter = 0;
  gint retry = 0;
  gboolean multi = FALSE, verbose = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &interface, "Send and listen on this interface (required)", "IFACE" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, "Wait S seconds for answers after the last packet (2)", "S" },
    { "retry", 0, 0, G_OPTION_ARG_INT, &retry, "Send unanswered packets N more times", "N" },
    { "multi", 0, 0, G_OPTION_ARG_NONE, &multi, "Keep every answer to a packet, not only the first", NULL },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate, "Send at most PPS packets per second", "PPS" },
    { "inter", 0, 0, G_OPTION_ARG_DOUBLE, &inter, "Wait S seconds between packets", "S" },
    { "verbose", 'V', 0, G_OPTION_ARG_NONE, &verbose, "Print the trees of each packet and its answers", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print one JSON object per packet sent: {\"request\":{...},\"answers\":[...]}", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("EXPR - send packets and match their answers");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
    context,
    "Like Scapy's sr(): every packet of EXPR is sent (as craft send does) and the answers are matched\n"
    "by the answer rules of the definitions: ICMP echo by id and sequence, TCP by ports and\n"
    "acknowledgment, UDP by ports, ARP by address, ICMP errors by the packet they quote.\n"
    "Prints each packet and its answer (REQUEST ==> ANSWER), then the unanswered ones.\n"
    "Exit status: 0 when every packet was answered, 3 when some were not.\n\n"
    "Example: craft sr -i eth0 'IP(dst=\"192.0.2.1\")/TCP(dport=[22,80,443],flags=\"S\")'");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      fprintf (stderr, "craft sr: expected one expression (see craft sr --help)\n");
      return 2;
    }
  if (!craft_tool_need_interface ("sr", interface))
    return 2;
  if (verbose && json)
    {
      fprintf (stderr, "craft sr: -V and --json cannot be used together\n");
      return 2;
    }
  if (timeout < 0 || retry < 0 || rate < 0 || inter < 0)
    {
      fprintf (stderr, "craft sr: --timeout, --retry, --rate and --inter take numbers of 0 or more\n");
      return 2;
    }
  const char *expression = argv[1];
  int status = 0;
  g_autoptr (CraftRegistry) reg = NULL;
  g_autoptr (CraftPacket) packet = NULL;
  g_autoptr (CraftInjector) injector = NULL;
  if (!craft_tool_prepare_injection (expression, interface, rate, inter, &reg, &packet, &injector, &status))
    return status;
  GError *error = NULL;
  CraftSrOptions options = { timeout, (guint) retry, multi };
  g_autoptr (CraftSrResult) result = craft_injector_sr (injector, packet, &options, &error);
  if (result == NULL)
    {
      if (craft_tool_interrupted)
        {
          g_clear_error (&error);
          fprintf (stderr, "craft sr: interrupted\n");
          return 128 + craft_tool_interrupted;
        }
      return craft_tool_report (error, expression);
    }

  guint n = craft_sr_result_get_n_requests (result), answered = 0;
  for (guint i = 0; i < n; i++)
    answered += craft_sr_result_get_n_answers (result, i) > 0;
  /* Answered pairs first, then the unanswered, as Scapy's (ans, unans). */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        guint answers = craft_sr_result_get_n_answers (result, i);
        if ((answers > 0) != (pass == 0))
          continue;
        if (json)
          print_json (result, i);
        else if (verbose)
          print_trees (result, i);
        else
          {
            g_autofree char *request = craft_packet_summary (craft_sr_result_get_request (result, i, NULL));
            if (answers == 0)
              printf ("unanswered: %s\n", request);
            for (guint k = 0; k < answers; k++)
              {
                g_autofree char *answer = craft_packet_summary (craft_sr_result_get_answer (result, i, k, NULL));
                printf ("%s ==> %s\n", request, answer);
              }
          }
      }
  fprintf (stderr, "craft sr: sent %u packet%s, %u answered, %u unanswered\n", n, n == 1 ? "" : "s", answered,
           n - answered);
  if (fflush (stdout) != 0)
    return 1;
  return answered == n ? 0 : EXIT_UNANSWERED;
}
