/* craft check: validate definition files, each on top of the built-in set, reporting file:line:column: message. */
#include "tool.h"

#include <stdio.h>

/* Loads `path` into a fresh registry holding the built-in definitions;
 * prints its error, if any, and returns the exit status it calls for: 0,
 * 2 for a wrong definition, 1 for a file that cannot be read. */
static int
check_file (const char *path)
{
  g_autoptr (CraftRegistry) reg = craft_registry_new ();
  g_autoptr (GError) error = NULL;
  if (craft_registry_load_builtin (reg, &error) && craft_registry_load_file (reg, path, &error))
    return 0;
  CraftErrorLocation loc;
  if (craft_error_get_location (error, &loc) && loc.file != NULL)
    {
      g_autofree char *text = craft_error_format (error);
      fprintf (stderr, "%s\n", text);
    }
  else
    fprintf (stderr, "%s: %s\n", path, error->message);
  return craft_error_exit_status (error);
}

int
craft_cmd_check (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE... - validate definition files");
  g_option_context_set_summary (context,
                                "Loads each file on top of the built-in definitions, as craft and the Wireshark "
                                "plugin would,\nand prints file:line:column: message for each that is wrong.");
  g_option_context_set_description (context, "Exit status: 0 when every file is valid, 2 when one is not, 1 when one "
                                             "cannot be read.\n\n"
                                             "Example:\n  craft check ~/.config/craft/proto/*.pdl\n");
  if (!craft_tool_parse_options (context, &argc, &argv))
    return 2;
  if (argc < 2)
    {
      fprintf (stderr, "craft check: expected one or more definition files (see craft check --help)\n");
      return 2;
    }
  int status = 0;
  for (int i = 1; i < argc; i++)
    {
      int file_status = check_file (argv[i]);
      status = MAX (status, file_status);
    }
  if (status != 0)
    return status;
  printf ("%d file%s OK\n", argc - 1, argc == 2 ? "" : "s");
  return fflush (stdout) == 0 ? 0 : 1;
}
