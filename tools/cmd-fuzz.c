/* craft fuzz: Scapy's fuzz() from the command line: random values in every field the expression leaves unset. */
#include "tool.h"

#include <stdio.h>
#include <string.h>

/* "lengths,checksums" into flags; FALSE with a message for anything else. */
static gboolean
parse_break (const char *text, CraftFuzzFlags *flags)
{
  g_auto (GStrv) names = g_strsplit (text, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      if (strcmp (name, "lengths") == 0)
        *flags |= CRAFT_FUZZ_BREAK_LENGTHS;
      else if (strcmp (name, "checksums") == 0)
        *flags |= CRAFT_FUZZ_BREAK_CHECKSUMS;
      else
        {
          fprintf (stderr, "craft fuzz: --break takes lengths, checksums or both (lengths,checksums), not '%s'\n",
                   name);
          return FALSE;
        }
    }
  return TRUE;
}

int
craft_cmd_fuzz (int argc, char **argv)
{
  gboolean hex = FALSE;
  g_autofree char *write_path = NULL, *seed_text = NULL, *break_text = NULL, *interface = NULL;
  gint64 rounds = 1;
  const GOptionEntry entries[] = {
    { "count", 'c', 0, G_OPTION_ARG_INT64, &rounds, "Fuzz every packet of EXPR N times (default 1)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Seed the random values (0 to 4294967295): the same seed gives the same bytes", "S" },
    { "break", 0, 0, G_OPTION_ARG_STRING, &break_text,
      "Randomise computed fields too: lengths, checksums, or lengths,checksums", "WHAT" },
    { "hex", 0, 0, G_OPTION_ARG_NONE, &hex, "Print each packet's bytes as lowercase hex, one per line", NULL },
    { "write", 'w', 0, G_OPTION_ARG_FILENAME, &write_path,
      "Write the packets to a capture (pcapng if FILE ends in .pcapng, each packet commented with the seed and "
      "EXPR)", "FILE" },
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &interface,
      "Send the packets on this interface instead of printing them, as craft send does", "IFACE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("EXPR - build packets with random values");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
    context,
    "Like Scapy's fuzz(): every field EXPR does not set gets a random value drawn from its kind (any value\n"
    "of its width, its names and flags more often; random addresses; byte strings of random length).\n"
    "Fields EXPR sets keep their values. Lengths, checksums and the values bindings give (IP.proto under\n"
    "TCP) stay computed, so the packets stay well-formed, unless --break says otherwise.\n\n"
    "The seed is printed on standard error (seed: S); give it back with --seed to get the same bytes.\n"
    "A set in EXPR (a list, a range, a network) fuzzes each of its packets. -i IFACE sends\n"
    "the fuzzed packets (needs CAP_NET_RAW), as craft send does.\n\n"
    "Example: craft fuzz -c 1000 -w fuzz.pcap 'Ether()/IP(dst=\"192.0.2.1\")/TCP(dport=80)'");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      fprintf (stderr, "craft fuzz: expected one expression (see craft fuzz --help)\n");
      return 2;
    }
  if (rounds < 1)
    {
      fprintf (stderr, "craft fuzz: -c takes a count of 1 or more\n");
      return 2;
    }
  if ((hex && write_path != NULL) || (interface != NULL && (hex || write_path != NULL)))
    {
      fprintf (stderr, "craft fuzz: --hex, -w and -i cannot be used together\n");
      return 2;
    }
  CraftFuzzFlags flags = CRAFT_FUZZ_KEEP_COMPUTED;
  if (break_text != NULL && !parse_break (break_text, &flags))
    return 2;
  guint64 seed;
  if (seed_text == NULL)
    seed = g_random_int ();
  else if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT32, &seed, NULL))
    {
      fprintf (stderr, "craft fuzz: --seed takes a number from 0 to 4294967295, not '%s'\n", seed_text);
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
  /* Before the capture is opened: a stop from then on removes its temporary file. */
  craft_tool_catch_stop ();
  g_autoptr (CraftCaptureWriter) writer = NULL;
  if (write_path != NULL && (writer = craft_tool_open_capture (reg, packet, write_path, &error)) == NULL)
    return craft_tool_report (error, NULL);
  g_autoptr (CraftInjector) injector = NULL;
  if (interface != NULL && (injector = craft_injector_new (reg, interface, &error)) == NULL)
    return craft_tool_report (error, NULL);

  fprintf (stderr, "seed: %" G_GUINT64_FORMAT "\n", seed);
  g_autoptr (GRand) rng = g_rand_new_with_seed ((guint32) seed);
  g_autofree char *comment = g_strdup_printf ("craft fuzz --seed %" G_GUINT64_FORMAT ": %s", seed, expression);
  guint64 members = craft_packet_get_n_members (packet);
  for (gint64 round = 0; round < rounds; round++)
    for (guint64 m = 0; m < members; m++)
      {
        if (craft_tool_stopped ())
          {
            fprintf (stderr, "craft fuzz: interrupted after %" G_GUINT64_FORMAT " packets%s\n",
                     (guint64) round * members + m, writer ? "; no capture written" : "");
            return 128 + craft_tool_stopped ();
          }
        if (!craft_packet_select_member (packet, m, &error))
          return craft_tool_report (error, expression);
        g_autoptr (CraftPacket) fuzzed = craft_packet_fuzz (packet, rng, flags);
        g_autoptr (GBytes) bytes = craft_packet_build (fuzzed, &error);
        if (bytes == NULL)
          return craft_tool_report (error, expression);
        if (injector != NULL)
          {
            if (!craft_injector_send (injector, fuzzed, &error))
              return craft_tool_report (error, expression);
          }
        else if (writer != NULL)
          {
            gsize len;
            const guint8 *data = g_bytes_get_data (bytes, &len);
            if (!craft_capture_writer_add (writer, data, len, g_get_real_time (), comment, &error))
              return craft_tool_report (error, NULL);
          }
        else if (hex)
          craft_tool_print_hex (bytes);
        else
          {
            g_autofree char *summary = craft_packet_summary (fuzzed);
            printf ("%s\n", summary);
          }
        if (ferror (stdout))
          {
            fprintf (stderr, "craft fuzz: cannot write to standard output\n");
            return 1;
          }
      }
  if (writer != NULL && !craft_capture_writer_commit (writer, &error))
    return craft_tool_report (error, NULL);
  if (injector != NULL)
    {
      if (!craft_injector_flush (injector, &error))
        return craft_tool_report (error, NULL);
      printf ("sent %" G_GUINT64_FORMAT " packets\n", craft_injector_get_n_sent (injector));
    }
  return fflush (stdout) == 0 ? 0 : 1;
}
