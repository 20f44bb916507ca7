/* What send, sr and sniff share: interrupts that stop a live loop, library warnings, times and trees. */
#include "tool.h"

#include <signal.h>
#include <stdio.h>

volatile sig_atomic_t craft_tool_interrupted;

static CraftInjector *interrupt_injector;
static CraftSniffer *interrupt_sniffer;

static void
on_interrupt (int signum)
{
  craft_tool_interrupted = signum;
  /* Both only set a flag: safe in a signal handler. */
  if (interrupt_injector != NULL)
    craft_injector_cancel (interrupt_injector);
  if (interrupt_sniffer != NULL)
    craft_sniffer_cancel (interrupt_sniffer);
}

void
craft_tool_catch_interrupts (CraftInjector *injector, CraftSniffer *sniffer)
{
  interrupt_injector = injector;
  interrupt_sniffer = sniffer;
  struct sigaction action = { 0 };
  action.sa_handler = on_interrupt;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
}

static void
print_warning (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  fprintf (stderr, "craft: warning: %s\n", message);
}

void
craft_tool_show_warnings (void)
{
  g_log_set_handler ("craft", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, print_warning, NULL);
}

void
craft_tool_print_time (gint64 usec)
{
  guint64 magnitude = usec < 0 ? (guint64) 0 - (guint64) usec : (guint64) usec;
  printf ("%s%" G_GUINT64_FORMAT ".%06u", usec < 0 ? "-" : "", magnitude / G_USEC_PER_SEC,
          (guint) (magnitude % G_USEC_PER_SEC));
}

void
craft_tool_print_tree (CraftPacket *packet, const char *what, const CraftCaptureRecord *record)
{
  printf ("%s %" G_GUINT64_FORMAT " at ", what, record->number);
  craft_tool_print_time (record->time_usec);
  printf (": %u bytes", record->length);
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

gboolean
craft_tool_need_interface (const char *command, const char *interface)
{
  if (interface != NULL)
    return TRUE;
  fprintf (stderr, "craft %s: -i IFACE is required: the interface to use (see craft %s --help)\n", command,
           command);
  return FALSE;
}

gboolean
craft_tool_prepare_injection (const char *expression, const char *interface, double rate, double inter,
                              CraftRegistry **reg, CraftPacket **packet, CraftInjector **injector, int *status)
{
  *packet = NULL;
  *injector = NULL;
  if ((*reg = craft_tool_load_registry (status)) == NULL)
    return FALSE;
  GError *error = NULL;
  if ((*packet = craft_packet_new_from_expression (*reg, expression, &error)) == NULL)
    {
      *status = craft_tool_report (error, expression);
      return FALSE;
    }
  craft_tool_show_warnings ();
  if ((*injector = craft_injector_new (*reg, interface, &error)) == NULL)
    {
      *status = craft_tool_report (error, NULL);
      return FALSE;
    }
  craft_injector_set_rate (*injector, rate);
  craft_injector_set_interval (*injector, inter);
  craft_tool_catch_interrupts (*injector, NULL);
  return TRUE;
}
