/* Packet output shared by build and fuzz: hex lines, the -w capture, and stopping cleanly on SIGINT/SIGTERM. */
#include "tool.h"

#include <signal.h>
#include <stdio.h>

static volatile sig_atomic_t stop_signal;

static void
on_stop (int signum)
{
  stop_signal = signum;
}

void
craft_tool_catch_stop (void)
{
  struct sigaction action = { 0 };
  action.sa_handler = on_stop;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
}

int
craft_tool_stopped (void)
{
  return stop_signal;
}

void
craft_tool_print_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  static const char digits[] = "0123456789abcdef";
  g_autofree char *line = g_malloc (len * 2 + 2);
  for (gsize i = 0; i < len; i++)
    {
      line[2 * i] = digits[data[i] >> 4];
      line[2 * i + 1] = digits[data[i] & 15];
    }
  line[2 * len] = '\n';
  fwrite (line, 1, 2 * len + 1, stdout);
}

CraftCaptureWriter *
craft_tool_open_capture (CraftRegistry *reg, CraftPacket *packet, const char *path, GError **error)
{
  const CraftLayerDef *first = craft_packet_get_n_layers (packet) ? craft_packet_get_layer (packet, 0) : NULL;
  int linktype = first ? craft_registry_get_linktype_for (reg, first) : -1;
  if (linktype < 0)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                   "no capture link type carries packets that start with %s (a definition's "
                   "'bind linktype N -> LAYER;' names one)",
                   first ? craft_layer_def_get_name (first) : "nothing");
      return NULL;
    }
  CraftCaptureFormat format = g_str_has_suffix (path, ".pcapng") ? CRAFT_CAPTURE_PCAPNG : CRAFT_CAPTURE_PCAP;
  return craft_capture_writer_new (path, format, linktype, error);
}
