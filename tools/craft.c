/* The craft tool's entry point: dispatches to one subcommand per file, from one table. */
#include "tool.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  CraftCommandFunc run;
  const char *summary;
} Command;

static const Command commands[] = {
  { "ls", craft_cmd_ls, "list the loaded layers, or one layer's fields with kinds and defaults" },
  { "build", craft_cmd_build, "build packets from an expression: summaries, --hex" },
  { "show", craft_cmd_show, "build, then print the dissected tree with computed values" },
  { "read", craft_cmd_read, "dissect a pcap or pcapng capture: summaries, -V trees, --json" },
  { "send", craft_cmd_send, "send packets on an interface: -c, --rate, --inter (Scapy's send and sendp)" },
  { "sr", craft_cmd_sr, "send packets and match their answers by the definitions' answer rules (Scapy's sr)" },
  { "sniff", craft_cmd_sniff, "dissect live traffic on an interface: summaries, -V trees, --json, -w" },
  { "fuzz", craft_cmd_fuzz, "build packets with random values in every field left unset (Scapy's fuzz)" },
  { "check", craft_cmd_check, "validate definition files" },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: craft COMMAND [OPTIONS] ...\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'craft COMMAND --help' for a command's options.\n");
}

/* The blanks that put a caret under the byte at `offset` of `line` on a
 * terminal: a tab stays a tab, a UTF-8 character is one cell or two when
 * wide, whatever its length in bytes. */
static char *
caret_indent (const char *line, gsize offset)
{
  GString *out = g_string_new (NULL);
  if (!g_utf8_validate (line, (gssize) offset, NULL))
    {
      g_string_append_printf (out, "%*s", (int) offset, "");
      return g_string_free (out, FALSE);
    }
  for (const char *p = line; p < line + offset; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '\t')
        g_string_append_c (out, '\t');
      else if (g_unichar_iswide (c))
        g_string_append (out, "  ");
      else if (!g_unichar_iszerowidth (c))
        g_string_append_c (out, ' ');
    }
  return g_string_free (out, FALSE);
}

/* Prints an expression error: the message, then the line of the expression
 * it is on with a caret under its column. The library counts the column in
 * bytes from the start of the whole expression; an expression typed on
 * several lines is reported by line and column within it. */
static void
report_in_expression (const GError *error, const char *expression, guint column)
{
  gsize offset = MIN ((gsize) column - 1, strlen (expression));
  const char *line = expression;
  guint line_number = 1;
  for (const char *p = expression; p < expression + offset; p++)
    if (*p == '\n')
      line = p + 1, line_number++;
  gsize line_length = strcspn (line, "\r\n");
  if (line == expression && expression[line_length] == '\0')
    {
      g_autofree char *text = craft_error_format (error);
      fprintf (stderr, "craft: %s\n", text);
    }
  else
    fprintf (stderr, "craft: line %u, column %zu: %s\n", line_number, (gsize) (expression + offset - line) + 1,
             error->message);
  g_autofree char *indent = caret_indent (line, MIN ((gsize) (expression + offset - line), line_length));
  fprintf (stderr, "  %.*s\n  %s^\n", (int) line_length, line, indent);
}

int
craft_tool_report (GError *error, const char *expression)
{
  int status = craft_error_exit_status (error);
  CraftErrorLocation loc;
  if (expression != NULL && craft_error_get_location (error, &loc) && loc.file == NULL && loc.column > 0)
    report_in_expression (error, expression, loc.column);
  else
    {
      g_autofree char *text = craft_error_format (error);
      fprintf (stderr, "craft: %s\n", text);
    }
  g_error_free (error);
  return status;
}

CraftRegistry *
craft_tool_load_registry (int *status)
{
  GError *error = NULL;
  CraftRegistry *reg = craft_registry_new_default (&error);
  if (reg == NULL)
    *status = craft_tool_report (error, NULL);
  return reg;
}

gboolean
craft_tool_parse_options (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  fprintf (stderr, "craft: %s\n", error->message);
  return FALSE;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* GOption's --help starts "Usage: craft build [OPTION…]", not "build". */
        g_autofree char *prgname = g_strdup_printf ("craft %s", commands[i].name);
        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }
  fprintf (stderr, "craft: unknown command '%s'\n", argv[1]);
  usage (stderr);
  return 2;
}
