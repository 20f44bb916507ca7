/* Every input a libFuzzer target once crashed on, replayed through the same target code on every build. */
#define CRAFT_FUZZ_REPLAY
#include "fuzz/fuzz-dissect.c"
#include "fuzz/fuzz-expr.c"
#include "fuzz/fuzz-pdl.c"

typedef int (*TargetFunc) (const guint8 *data, gsize size);

typedef struct {
  TargetFunc run;
  char *path;
} Case;

static void
replay (gconstpointer user_data)
{
  const Case *c = user_data;
  g_autofree char *data = NULL;
  gsize size;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (c->path, &data, &size, &error));
  g_assert_no_error (error);
  /* A crash, a sanitizer report or a failed check aborts the test. */
  g_assert_cmpint (c->run ((const guint8 *) data, size), ==, 0);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* One test per file of tests/fuzz/regressions/<target>/, and one over each
 * seed corpus, so that the targets' checks run on every build too. */
static void
add_cases (const char *target, TargetFunc run, const char *folder, const char *kind)
{
  g_autofree char *dir = g_build_filename (CRAFT_SOURCE_DIR, "tests", "fuzz", folder, target, NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = *(const char **) &g_ptr_array_index (names, i);
      Case *c = g_new (Case, 1);
      c->run = run;
      c->path = g_build_filename (dir, file, NULL);
      g_autofree char *path = g_strdup_printf ("/fuzz-%s/%s/%s", kind, target, file);
      g_test_add_data_func_full (path, c, replay, NULL);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const struct {
    const char *target;
    TargetFunc run;
  } targets[] = {
    { "pdl", fuzz_pdl_one },
    { "expr", fuzz_expr_one },
    { "dissect", fuzz_dissect_one },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      add_cases (targets[i].target, targets[i].run, "regressions", "regression");
      add_cases (targets[i].target, targets[i].run, "corpus", "corpus");
    }
  return g_test_run ();
}
