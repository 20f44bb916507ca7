/* Helpers every test program shares: running the craft tool, text assertions, temporary folders. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a run of the craft tool printed, and how it ended. */
typedef struct {
  char *out;
  char *err;
  int status;  /* the exit status, or 128 + the signal that ended it */
} Run;

void run_clear (Run *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* The environment the tool runs in: XDG_CONFIG_HOME set to `config_home`
 * (an empty folder, so the user's definitions stay out), CRAFT_PROTO_PATH
 * to `proto_path` (unset when NULL), messages in English. Caller frees
 * with g_strfreev(). */
char **craft_test_environment (const char *config_home, const char *proto_path);

/* Runs the craft tool under test with `args` (NULL-terminated) in folder
 * `cwd` (NULL: this one) and the environment above; fills `run`. */
void craft_test_run_tool (Run *run, const char *cwd, const char *config_home, const char *proto_path,
                          const char *const *args);

/* The number of '\n' in `text`. */
guint craft_test_count_lines (const char *text);

/* Removes `dir` and everything in it. */
void craft_test_remove_tree (const char *dir);

/* Fails the test, showing both, unless `haystack` contains `needle`. */
#define assert_contains(haystack, needle)                                                                    \
  G_STMT_START                                                                                               \
  {                                                                                                          \
    const char *h_ = (haystack), *n_ = (needle);                                                             \
    if (strstr (h_, n_) == NULL)                                                                             \
      g_assertion_message_cmpstr (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, #haystack " contains " #needle, \
                                  h_, "does not contain", n_);                                               \
  }                                                                                                          \
  G_STMT_END

G_END_DECLS
