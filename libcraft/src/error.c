/* craft's error domain, with the location of the problem attached to each error. */
#include <craft/error.h>

typedef struct {
  char *file;
  guint line;
  guint column;
  gboolean has_location;
} CraftErrorPrivate;

static void
craft_error_private_init (CraftErrorPrivate *priv)
{
  priv->file = NULL;
  priv->has_location = FALSE;
}

static void
craft_error_private_copy (const CraftErrorPrivate *src, CraftErrorPrivate *dest)
{
  *dest = *src;
  dest->file = g_strdup (src->file);
}

static void
craft_error_private_clear (CraftErrorPrivate *priv)
{
  g_clear_pointer (&priv->file, g_free);
}

G_DEFINE_EXTENDED_ERROR (CraftError, craft_error)

const char *
craft_error_code_name (CraftError code)
{
  switch (code)
    {
#define CRAFT_ERROR_NAME_(c, name, status) case CRAFT_ERROR_##c: return name;
      CRAFT_ERROR_LIST (CRAFT_ERROR_NAME_)
#undef CRAFT_ERROR_NAME_
    }
  return "unknown";
}

int
craft_error_exit_status (const GError *error)
{
  if (error == NULL || error->domain != CRAFT_ERROR)
    return 1;
  switch ((CraftError) error->code)
    {
#define CRAFT_ERROR_STATUS_(c, name, status) case CRAFT_ERROR_##c: return status;
      CRAFT_ERROR_LIST (CRAFT_ERROR_STATUS_)
#undef CRAFT_ERROR_STATUS_
    }
  return 1;
}

gboolean
craft_error_get_location (const GError *error, CraftErrorLocation *location)
{
  if (error == NULL || error->domain != CRAFT_ERROR)
    return FALSE;
  CraftErrorPrivate *priv = craft_error_get_private (error);
  if (priv == NULL || !priv->has_location)
    return FALSE;
  location->file = priv->file;
  location->line = priv->line;
  location->column = priv->column;
  return TRUE;
}

void
craft_error_set_at (GError **error, CraftError code, const char *file, guint line, guint column,
                    const char *format, ...)
{
  if (error == NULL)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CRAFT_ERROR, code, message);
  CraftErrorPrivate *priv = craft_error_get_private (*error);
  priv->file = g_strdup (file);
  priv->line = line;
  priv->column = column;
  priv->has_location = TRUE;
}

char *
craft_error_format (const GError *error)
{
  CraftErrorLocation loc;
  if (!craft_error_get_location (error, &loc))
    return g_strdup (error->message);
  if (loc.file != NULL)
    return g_strdup_printf ("%s:%u:%u: %s", loc.file, loc.line, loc.column, error->message);
  return g_strdup_printf ("column %u: %s", loc.column, error->message);
}
