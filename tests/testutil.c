/* Helpers every test program shares: running the craft tool, text assertions, temporary folders. */
#include "testutil.h"

#include <glib/gstdio.h>

#include <string.h>
#include <sys/wait.h>

void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

char **
craft_test_environment (const char *config_home, const char *proto_path)
{
  char **envp = g_get_environ ();
  if (config_home != NULL)
    envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config_home, TRUE);
  envp = proto_path != NULL ? g_environ_setenv (envp, "CRAFT_PROTO_PATH", proto_path, TRUE)
                            : g_environ_unsetenv (envp, "CRAFT_PROTO_PATH");
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  return envp;
}

void
craft_test_run_tool (Run *run, const char *cwd, const char *config_home, const char *proto_path,
                     const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) CRAFT_TOOL);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_auto (GStrv) envp = craft_test_environment (config_home, proto_path);
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  run_clear (run);
  gboolean spawned = g_spawn_sync (cwd, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &run->out,
                                   &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (spawned);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
  g_test_message ("craft %s %s -> %d\nstdout: %s\nstderr: %s", args[0] ? args[0] : "",
                  args[0] && args[1] ? args[1] : "", run->status, run->out, run->err);
}

guint
craft_test_count_lines (const char *text)
{
  guint n = 0;
  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

void
craft_test_remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        craft_test_remove_tree (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}
