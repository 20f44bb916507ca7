/* craft send: inject every packet of an expression's set on an interface, paced, with progress on a terminal. */
#include "tool.h"

#include <stdio.h>
#include <unistd.h>

/* How often the progress line is redrawn. */
#define PROGRESS_USEC (G_USEC_PER_SEC / 5)

/* "sent N packets in T s (R packets/s)": the rate over the gaps between
 * packets, so that 100 packets at --rate 100 read 100, not 101. */
static void
print_rate (FILE *out, CraftInjector *injector, const char *end)
{
  guint64 sent = craft_injector_get_n_sent (injector);
  double elapsed = craft_injector_get_elapsed (injector);
  fprintf (out, "sent %" G_GUINT64_FORMAT " packet%s in %.3f s", sent, sent == 1 ? "" : "s", elapsed);
  if (sent > 1 && elapsed > 0)
    fprintf (out, " (%.1f packets/s)", (double) (sent - 1) / elapsed);
  fputs (end, out);
}

typedef struct {
  gboolean shown;      /* standard error is a terminal */
  gint64 last_usec;    /* when the line was last drawn */
} Progress;

static void
show_progress (CraftInjector *injector, gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();
  if (now - progress->last_usec < PROGRESS_USEC)
    return;
  progress->last_usec = now;
  fprintf (stderr, "\r\033[K");
  print_rate (stderr, injector, "");
  fflush (stderr);
}

int
craft_cmd_send (int argc, char **argv)
{
  g_autofree char *interface = NULL;
  gint64 repeat = 1;
  double rate = 0, inter = 0;
  const GOptionEntry entries[] = {
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &interface, "Send on this interface (required)", "IFACE" },
    { "count", 'c', 0, G_OPTION_ARG_INT64, &repeat, "Send the whole set N times", "N" },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate, "Send at most PPS packets per second", "PPS" },
    { "inter", 0, 0, G_OPTION_ARG_DOUBLE, &inter, "Wait S seconds between packets", "S" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("EXPR - send packets on an interface");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
    context,
    "A packet that starts with the interface's link layer (Ether) is sent as built, as Scapy's sendp();\n"
    "one that starts at IP or IPv6 goes through a raw socket and the kernel's routing, as Scapy's send().\n"
    "Ether's addresses left unset are the interface's and the next hop's (asked for by ARP).\n"
    "A set (lists, ranges, networks) sends every packet; sending needs CAP_NET_RAW.\n\n"
    "Example: craft send -i eth0 -c 10 --rate 100 'IP(dst=\"192.0.2.1\")/UDP(dport=[53,123])'");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      fprintf (stderr, "craft send: expected one expression (see craft send --help)\n");
      return 2;
    }
  if (!craft_tool_need_interface ("send", interface))
    return 2;
  if (repeat < 1 || rate < 0 || inter < 0)
    {
      fprintf (stderr, "craft send: %s\n", repeat < 1 ? "-c takes a count of 1 or more"
                                         : rate < 0  ? "--rate takes a number of packets per second above 0"
                                                     : "--inter takes a number of seconds, 0 or more");
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

  Progress progress = { isatty (STDERR_FILENO), g_get_monotonic_time () };
  if (!craft_injector_send_set (injector, packet, (guint64) repeat, progress.shown ? show_progress : NULL, &progress,
                                &error))
    {
      if (craft_tool_interrupted)
        {
          g_clear_error (&error);
          fprintf (stderr, "%scraft send: interrupted; ", progress.shown ? "\r\033[K" : "");
          print_rate (stderr, injector, "\n");
          return 128 + craft_tool_interrupted;
        }
      if (progress.shown)
        fprintf (stderr, "\r\033[K");
      return craft_tool_report (error, expression);
    }
  if (progress.shown)
    fprintf (stderr, "\r\033[K");
  print_rate (stdout, injector, "\n");
  return fflush (stdout) == 0 ? 0 : 1;
}
