/* craft's error domain: one list of codes, their names and the tool's exit statuses. */
#pragma once

#include <glib.h>
#include <craft/export.h>

G_BEGIN_DECLS

/* X(code, name, exit status of the craft tool). Status 2 means bad input or
 * usage, status 1 a runtime failure, as in the tool's contract. */
#define CRAFT_ERROR_LIST(X)                                                   \
  X (SYNTAX, "syntax", 2)               /* text that does not parse */         \
  X (DEFINITION, "definition", 2)       /* a definition that parses but is wrong */ \
  X (UNKNOWN_LAYER, "unknown-layer", 2) /* no layer of that name is loaded */  \
  X (UNKNOWN_FIELD, "unknown-field", 2) /* the layer has no such field */      \
  X (VALUE, "value", 2)                 /* a value out of range or malformed */ \
  X (TYPE, "type", 2)                   /* a value of the wrong type for its field */ \
  X (UNSUPPORTED, "unsupported", 2)     /* valid, but not something craft does yet */ \
  X (IO, "io", 1)                       /* reading or writing a file or device */

typedef enum {
#define CRAFT_ERROR_ENUM_(code, name, status) CRAFT_ERROR_##code,
  CRAFT_ERROR_LIST (CRAFT_ERROR_ENUM_)
#undef CRAFT_ERROR_ENUM_
} CraftError;

#define CRAFT_ERROR (craft_error_quark ())
CRAFT_API GQuark craft_error_quark (void);

/* The short name of a code ("syntax", "unknown-field", ...). Static string. */
CRAFT_API const char *craft_error_code_name (CraftError code);

/* The craft tool's exit status for an error of this domain (1 or 2); 1 for
 * errors of other domains. */
CRAFT_API int craft_error_exit_status (const GError *error);

/* Where an error happened. `file` is NULL for an expression; `line` is 0 when
 * the text has a single line; `column` is 1-based, 0 when unknown. */
typedef struct {
  const char *file;
  guint line;
  guint column;
} CraftErrorLocation;

/* Returns TRUE and fills `location` (borrowed strings, valid while `error`
 * lives) if `error` carries a location. */
CRAFT_API gboolean craft_error_get_location (const GError *error, CraftErrorLocation *location);

/* Sets `error` to a CRAFT_ERROR with a location attached. `file` may be NULL.
 * The message is the formatted text alone; callers add the location when
 * printing (see craft_error_format()). */
CRAFT_API void craft_error_set_at (GError **error, CraftError code, const char *file, guint line,
                                   guint column, const char *format, ...) G_GNUC_PRINTF (6, 7);

/* "file:line:column: message" for definition errors, "column N: message" for
 * expression errors, the bare message otherwise. Caller frees. */
CRAFT_API char *craft_error_format (const GError *error);

G_END_DECLS
