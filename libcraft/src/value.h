/* Converting field values between what a user types, the stored number or bytes, and readable text. */
#pragma once

#include <glib.h>
#include "model.h"

G_BEGIN_DECLS

/* The mask of a field's width. */
guint64 craft__field_mask (const CraftFieldDef *field);

/* Checks that `value` fits `field` and returns it masked to the width in
 * *out. Signed fields take a two's-complement gint64 cast to guint64. */
gboolean craft__field_normalize_int (const CraftFieldDef *field, guint64 value, guint64 *out, GError **error);

/* The same for a number the user typed as signed (an expression's integer):
 * a negative number never fits an unsigned field, whatever its width. */
gboolean craft__field_normalize_int64 (const CraftFieldDef *field, gint64 value, guint64 *out, GError **error);

static inline gboolean
craft__field_check_int (const CraftFieldDef *field, guint64 value, GError **error)
{
  guint64 ignored;
  return craft__field_normalize_int (field, value, &ignored, error);
}

/* Parses a number (decimal, 0x, 0o, 0b), an enum name, or flag names ("SA",
 * "MF+DF") for an integer field. *out is what craft_packet_set_uint() takes:
 * a signed field's value is a two's-complement gint64 cast to guint64. */
gboolean craft__field_parse_int_text (const CraftFieldDef *field, const char *text, guint64 *out,
                                      GError **error);

/* Parses text for an address or byte-string field into wire bytes. Caller owns. */
GBytes *craft__field_parse_bytes_text (const CraftFieldDef *field, const char *text, GError **error);

/* Wire bytes for a string given to an address or byte-string field, NUL
 * bytes included: as a bytes literal (`bytes_literal`) an address takes
 * bytes of its size as they are; a kind of strings (append_string) encodes
 * any byte; byte strings and lists take them as they are; other kinds read
 * them as text, which holds no NUL. Caller owns. */
GBytes *craft__field_parse_bytes_data (const CraftFieldDef *field, const char *data, gsize length,
                                       gboolean bytes_literal, GError **error);

typedef enum {
  CRAFT_FORMAT_REPR,   /* as Scapy's repr: enum name or number, "SA", "192.0.2.1" */
  CRAFT_FORMAT_SHOW,   /* for trees: names beside numbers, "tcp (6)", "SA (0x12)" */
} CraftFormatStyle;

/* `names` is the enum that applies (see craft__packet_field_enum()), or NULL. */
void craft__field_format_int (const CraftFieldDef *field, const CraftEnum *names, guint64 value,
                              CraftFormatStyle style, GString *out);
void craft__field_format_bytes (const CraftFieldDef *field, const guint8 *data, gsize length, GString *out);

G_END_DECLS
