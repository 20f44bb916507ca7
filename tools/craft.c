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
  { "build", craft_cmd_build, "build packets from an expression: summaries, --hex" },
  { "show", craft_cmd_show, "build, then print the dissected tree with computed values" },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: craft COMMAND [OPTIONS] ...\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'craft COMMAND --help' for a command's options.\n");
}

int
craft_tool_report (GError *error, const char *expression)
{
  int status = craft_error_exit_status (error);
  CraftErrorLocation loc;
  g_autofree char *text = craft_error_format (error);
  fprintf (stderr, "craft: %s\n", text);
  if (expression != NULL && craft_error_get_location (error, &loc) && loc.file == NULL && loc.column > 0
      && strchr (expression, '\n') == NULL)
    fprintf (stderr, "  %s\n  %*s^\n", expression, (int) loc.column - 1, "");
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
      return commands[i].run (argc - 1, argv + 1);
  fprintf (stderr, "craft: unknown command '%s'\n", argv[1]);
  usage (stderr);
  return 2;
}
