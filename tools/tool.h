/* Shared pieces of the craft tool: the subcommand table's entry type and error reporting. */
#pragma once

#include <craft/craft.h>

typedef int (*CraftCommandFunc) (int argc, char **argv);

/* Prints `error` to stderr as "craft: message"; an expression error also
 * shows `expression` with a caret under the column. Returns the exit status
 * for the error (1 runtime, 2 bad input). Takes ownership of `error`. */
int craft_tool_report (GError *error, const char *expression);

/* Loads the registry (built-in, CRAFT_PROTO_PATH, user folder); on failure
 * reports and returns NULL with *status set. */
CraftRegistry *craft_tool_load_registry (int *status);

/* Parses options for a subcommand; on failure prints the reason and returns FALSE. */
gboolean craft_tool_parse_options (GOptionContext *context, int *argc, char ***argv);

int craft_cmd_build (int argc, char **argv);
int craft_cmd_show (int argc, char **argv);
int craft_cmd_read (int argc, char **argv);
int craft_cmd_ls (int argc, char **argv);
int craft_cmd_check (int argc, char **argv);
int craft_cmd_fuzz (int argc, char **argv);
