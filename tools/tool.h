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

/* output.c: what build and fuzz share. A stop request (SIGINT, SIGTERM) is
 * noted, not acted on, so the caller can remove an unfinished capture;
 * craft_tool_stopped() returns the signal, or 0. */
void craft_tool_catch_stop (void);
int craft_tool_stopped (void);

/* Prints a packet's bytes as one line of lowercase hex. */
void craft_tool_print_hex (GBytes *bytes);

/* The capture writer for -w FILE: pcapng if FILE ends in .pcapng, the link
 * type bound to the packet's first layer. */
CraftCaptureWriter *craft_tool_open_capture (CraftRegistry *reg, CraftPacket *packet, const char *path,
                                             GError **error);

int craft_cmd_build (int argc, char **argv);
int craft_cmd_show (int argc, char **argv);
int craft_cmd_read (int argc, char **argv);
int craft_cmd_ls (int argc, char **argv);
int craft_cmd_check (int argc, char **argv);
int craft_cmd_fuzz (int argc, char **argv);
int craft_cmd_send (int argc, char **argv);
int craft_cmd_sr (int argc, char **argv);
int craft_cmd_sniff (int argc, char **argv);

/* ---- shared by send, sr and sniff (net-common.c) ---- */

#include <signal.h>

/* Set to the signal number by SIGINT or SIGTERM once
 * craft_tool_catch_interrupts() is called, which also cancels `injector`
 * and `sniffer` (either may be NULL), so a wait in them ends at once. */
extern volatile sig_atomic_t craft_tool_interrupted;
void craft_tool_catch_interrupts (CraftInjector *injector, CraftSniffer *sniffer);

/* Prints libcraft's warnings (an unanswered address resolution) as "craft: warning: ...". */
void craft_tool_show_warnings (void);

/* Seconds since the epoch with six decimals. */
void craft_tool_print_time (gint64 usec);

/* A packet's tree under a line "WHAT N at TIME: LEN bytes", then its findings. */
void craft_tool_print_tree (CraftPacket *packet, const char *what, const CraftCaptureRecord *record);

/* FALSE with a message when -i was not given. */
gboolean craft_tool_need_interface (const char *command, const char *interface);

/* What send and sr start with: the definitions, the packet of `expression`
 * and an injector on `interface` paced by `rate` and `inter`, with
 * interrupts caught. On failure it has reported why and returns FALSE with
 * the exit code in *status; on success the caller owns *reg, *packet and
 * *injector (free *reg last). */
gboolean craft_tool_prepare_injection (const char *expression, const char *interface, double rate, double inter,
                                       CraftRegistry **reg, CraftPacket **packet, CraftInjector **injector,
                                       int *status);
