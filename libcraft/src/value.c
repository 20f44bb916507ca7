/* Field values: range checks, parsing what a user types, and formatting for summaries and trees. */
#include "value.h"

#include "kinds.h"
#include "ntp-time.h"

#include <craft/error.h>
#include <string.h>

guint64
craft__field_mask (const CraftFieldDef *field)
{
  return field->bits >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << field->bits) - 1;
}

/* The range a field holds, as text: "0..255", "-128..127". */
static void
set_range_error (const CraftFieldDef *field, const char *shown, GError **error)
{
  guint64 mask = craft__field_mask (field);
  if (field->kind->is_signed)
    {
      gint64 max = (gint64) (mask >> 1);
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                   "%s is out of range for %u-bit signed field '%s' (%" G_GINT64_FORMAT "..%" G_GINT64_FORMAT ")",
                   shown, field->bits, field->name, -max - 1, max);
    }
  else
    g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                 "%s is out of range for %u-bit field '%s' (0..%" G_GUINT64_FORMAT ")", shown, field->bits,
                 field->name, mask);
}

gboolean
craft__field_normalize_int (const CraftFieldDef *field, guint64 value, guint64 *out, GError **error)
{
  guint64 mask = craft__field_mask (field);
  gboolean fits;
  if (field->kind->is_signed)
    {
      gint64 v = (gint64) value;
      gint64 max = (gint64) (mask >> 1);
      fits = v >= -max - 1 && v <= max;
    }
  else
    fits = (value & ~mask) == 0;
  if (!fits)
    {
      /* A signed field, or an unsigned one given a negative number: show it
       * as the signed number the user wrote. */
      char shown[32];
      if (field->kind->is_signed || (gint64) value < 0)
        g_snprintf (shown, sizeof shown, "%" G_GINT64_FORMAT, (gint64) value);
      else
        g_snprintf (shown, sizeof shown, "%" G_GUINT64_FORMAT, value);
      set_range_error (field, shown, error);
      return FALSE;
    }
  *out = value & mask;
  return TRUE;
}

gboolean
craft__field_normalize_int64 (const CraftFieldDef *field, gint64 value, guint64 *out, GError **error)
{
  if (value < 0 && !field->kind->is_signed)
    {
      /* Without this, -1 would pass as 0xffffffffffffffff in a 64-bit field. */
      char shown[32];
      g_snprintf (shown, sizeof shown, "%" G_GINT64_FORMAT, value);
      set_range_error (field, shown, error);
      return FALSE;
    }
  return craft__field_normalize_int (field, (guint64) value, out, error);
}

/* Checks `value` against the field and gives it in the form
 * craft_packet_set_uint() takes: a signed field's value sign-extended from
 * its width (-1 in an 8-bit field is G_MAXUINT64, which set_uint takes, not
 * 0xff, which it refuses as 255). */
static gboolean
user_value (const CraftFieldDef *field, guint64 value, guint64 *out, GError **error)
{
  guint64 v;
  if (!craft__field_normalize_int (field, value, &v, error))
    return FALSE;
  if (field->kind->is_signed && field->bits < 64 && ((v >> (field->bits - 1)) & 1) != 0)
    v |= ~craft__field_mask (field);
  *out = v;
  return TRUE;
}

/* Python-style integer text: 42, -1, 0x2a, 0o52, 0b101010. The sign and the
 * magnitude come back apart, so that nothing wraps around before the range
 * check: "-1" must not become 0xffffffffffffffff, nor
 * "-18446744073709551615" become 1. */
static gboolean
parse_number (const char *text, gboolean *negative, guint64 *magnitude, gboolean *out_of_range)
{
  const char *p = text;
  *negative = FALSE;
  *out_of_range = FALSE;
  if (*p == '-' || *p == '+')
    *negative = *p++ == '-';
  guint base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    base = 16, p += 2;
  else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
    base = 8, p += 2;
  else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
    base = 2, p += 2;
  /* g_ascii_string_to_unsigned() takes no sign and no space; this check
   * also refuses an empty string. */
  if (!g_ascii_isxdigit (*p))
    return FALSE;
  g_autoptr (GError) error = NULL;
  if (g_ascii_string_to_unsigned (p, base, 0, G_MAXUINT64, magnitude, &error))
    return TRUE;
  /* A number too large for 64 bits is still a number, one no field holds:
   * a range error says more than "not a number". */
  *out_of_range = g_error_matches (error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS);
  return *out_of_range;
}

/* Checks a parsed number against the field and returns it as the field stores it. */
static gboolean
number_to_field (const CraftFieldDef *field, const char *text, gboolean negative, guint64 magnitude,
                 gboolean out_of_range, guint64 *out, GError **error)
{
  guint64 value = magnitude;
  if (out_of_range)
    {
      set_range_error (field, text, error);
      return FALSE;
    }
  if (negative && magnitude != 0)
    {
      if (!field->kind->is_signed || magnitude > (guint64) G_MAXINT64 + 1)
        {
          set_range_error (field, text, error);
          return FALSE;
        }
      value = G_GUINT64_CONSTANT (0) - magnitude;  /* two's complement, without signed overflow */
    }
  else if (field->kind->is_signed && magnitude > (guint64) G_MAXINT64)
    {
      set_range_error (field, text, error);
      return FALSE;
    }
  return user_value (field, value, out, error);
}

static gboolean
parse_flags (const CraftFieldDef *field, const char *text, guint64 *out, GError **error)
{
  guint64 value = 0;
  g_auto (GStrv) names = NULL;
  if (field->single_char_flags)
    {
      /* One name per character; a UTF-8 character is kept whole so that the
       * error names it, not one of its bytes. */
      gboolean utf8 = g_utf8_validate (text, -1, NULL);
      names = g_new0 (char *, strlen (text) + 1);
      guint n = 0;
      for (const char *c = text; *c != '\0'; c = utf8 ? g_utf8_next_char (c) : c + 1)
        names[n++] = g_strndup (c, utf8 ? (gsize) (g_utf8_next_char (c) - c) : 1);
    }
  else
    names = *text ? g_strsplit (text, "+", -1) : g_new0 (char *, 1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      guint bit;
      for (bit = 0; bit < field->flag_names->len; bit++)
        if (strcmp (g_ptr_array_index (field->flag_names, bit), names[i]) == 0)
          break;
      if (bit == field->flag_names->len)
        {
          GString *known = g_string_new (NULL);
          for (guint j = 0; j < field->flag_names->len; j++)
            g_string_append_printf (known, "%s%s", j ? ", " : "", (char *) g_ptr_array_index (field->flag_names, j));
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "'%s' is not a flag of field '%s' (flags: %s)",
                       names[i], field->name, known->str);
          g_string_free (known, TRUE);
          return FALSE;
        }
      value |= G_GUINT64_CONSTANT (1) << bit;
    }
  *out = value;
  return TRUE;
}

/* Names listed in an error, at most; the rest are elided. */
#define KNOWN_NAMES_SHOWN 12

static void
append_known_names (GString *known, const CraftEnum *e, guint *shown)
{
  for (guint i = 0; i < e->values->len; i++)
    {
      const char *name = g_array_index (e->values, CraftEnumValue, i).name;
      if (*shown == KNOWN_NAMES_SHOWN)
        {
          g_string_append (known, ", …");
          (*shown)++;
        }
      if (*shown > KNOWN_NAMES_SHOWN)
        return;
      g_string_append_printf (known, "%s%s", *shown ? ", " : "", name);
      (*shown)++;
    }
}

gboolean
craft__field_parse_int_text (const CraftFieldDef *field, const char *text, guint64 *out, GError **error)
{
  if (field->ntp_time)
    {
      if (craft__ntp_time_parse (text, out, error))
        return TRUE;
      if (error != NULL && *error != NULL)
        g_prefix_error (error, "field '%s': ", field->name);
      return FALSE;
    }
  if (field->enumeration != NULL)
    {
      const CraftEnumValue *ev = craft__enum_lookup_name (field->enumeration, text);
      if (ev != NULL)
        return user_value (field, ev->value, out, error);
    }
  /* Names that depend on another field are accepted whatever it holds, as
   * Scapy does: ICMP(code="port-unreachable") is 3. */
  for (guint i = 0; field->enum_choices != NULL && i < field->enum_choices->len; i++)
    {
      const CraftEnumValue *ev
        = craft__enum_lookup_name (g_array_index (field->enum_choices, CraftEnumChoice, i).enumeration, text);
      if (ev != NULL)
        return user_value (field, ev->value, out, error);
    }
  gboolean negative, out_of_range;
  guint64 magnitude;
  if (parse_number (text, &negative, &magnitude, &out_of_range))
    return number_to_field (field, text, negative, magnitude, out_of_range, out, error);
  if (field->flag_names != NULL)
    return parse_flags (field, text, out, error);
  if (field->enumeration != NULL || field->enum_choices != NULL)
    {
      GString *known = g_string_new (NULL);
      guint shown = 0;
      if (field->enumeration != NULL)
        append_known_names (known, field->enumeration, &shown);
      for (guint i = 0; field->enum_choices != NULL && i < field->enum_choices->len; i++)
        append_known_names (known, g_array_index (field->enum_choices, CraftEnumChoice, i).enumeration, &shown);
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "'%s' is not a name for field '%s' (names: %s)", text,
                   field->name, known->str);
      g_string_free (known, TRUE);
      return FALSE;
    }
  char *end;
  g_ascii_strtod (text, &end);
  if (*text != '\0' && *end == '\0' && strchr (text, '.') != NULL)
    g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' is an integer; '%s' is not a whole number",
                 field->name, text);
  else
    g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' is an integer; '%s' is not a number",
                 field->name, text);
  return FALSE;
}

GBytes *
craft__field_parse_bytes_text (const CraftFieldDef *field, const char *text, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  if (!field->kind->parse_text (text, out, error))
    {
      if (error != NULL && *error != NULL)
        g_prefix_error (error, "field '%s': ", field->name);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
craft__field_parse_bytes_data (const CraftFieldDef *field, const char *data, gsize length, gboolean bytes_literal,
                               GError **error)
{
  const CraftKind *kind = field->kind;
  if (data == NULL)
    data = ""; /* an empty string may have no data pointer at all */
  if ((bytes_literal && kind->fixed_bits != 0) || kind == &craft__kind_bytes || kind->is_list)
    return g_bytes_new (data, length);
  if (kind->append_string != NULL)
    {
      g_autoptr (GByteArray) out = g_byte_array_new ();
      if (!kind->append_string ((const guint8 *) data, length, out, error))
        {
          if (error != NULL && *error != NULL)
            g_prefix_error (error, "field '%s': ", field->name);
          return NULL;
        }
      return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "field '%s': text with a NUL byte", field->name);
      return NULL;
    }
  g_autofree char *text = g_strndup (data, length);
  return craft__field_parse_bytes_text (field, text, error);
}

/* Appends `value` in base 10 or 16 (lowercase), as printf's %llu and %llx
 * would: numbers are formatted for every field shown, so without printf. */
static void
append_unsigned (GString *out, guint64 value, guint base)
{
  char digits[20];
  guint n = 0;
  do
    {
      digits[n++] = "0123456789abcdef"[value % base];
      value /= base;
    }
  while (value != 0);
  gsize at = out->len;
  g_string_set_size (out, at + n);
  for (guint i = 0; i < n; i++)
    out->str[at + i] = digits[n - 1 - i];
}

static void
format_number (const CraftFieldDef *field, guint64 value, GString *out)
{
  if (field->ntp_time)
    craft__ntp_time_format (value, out);
  else if (field->kind->is_signed)
    {
      guint64 sign = G_GUINT64_CONSTANT (1) << (field->bits - 1);
      gint64 v = (value & sign) ? (gint64) (value | ~craft__field_mask (field)) : (gint64) value;
      if (v < 0)
        g_string_append_c (out, '-');
      /* The magnitude, G_MININT64's included. */
      append_unsigned (out, v < 0 ? -(guint64) v : (guint64) v, 10);
    }
  else if (field->hex)
    {
      g_string_append (out, "0x");
      append_unsigned (out, value, 16);
    }
  else
    append_unsigned (out, value, 10);
}

static void
format_flags (const CraftFieldDef *field, guint64 value, GString *out)
{
  gboolean first = TRUE;
  for (guint bit = 0; bit < field->flag_names->len; bit++)
    if (value & (G_GUINT64_CONSTANT (1) << bit))
      {
        if (!first && !field->single_char_flags)
          g_string_append_c (out, '+');
        g_string_append (out, g_ptr_array_index (field->flag_names, bit));
        first = FALSE;
      }
}

void
craft__field_format_int (const CraftFieldDef *field, const CraftEnum *names, guint64 value, CraftFormatStyle style,
                         GString *out)
{
  if (field->flag_names != NULL)
    {
      /* Bits without a name would vanish from "SA": give the number then, so
       * that what is shown reads back as the same value. */
      guint64 named = field->flag_names->len >= 64 ? G_MAXUINT64
                                                   : (G_GUINT64_CONSTANT (1) << field->flag_names->len) - 1;
      if (style == CRAFT_FORMAT_REPR && (value & ~named) != 0)
        {
          g_string_append_printf (out, "0x%" G_GINT64_MODIFIER "x", value);
          return;
        }
      gsize before = out->len;
      format_flags (field, value, out);
      if (style == CRAFT_FORMAT_SHOW)
        g_string_append_printf (out, "%s0x%" G_GINT64_MODIFIER "x%s", out->len > before ? " (" : "", value,
                                out->len > before ? ")" : "");
      return;
    }
  const CraftEnumValue *ev = names ? craft__enum_lookup_value (names, value) : NULL;
  if (ev == NULL)
    {
      format_number (field, value, out);
      return;
    }
  g_string_append (out, ev->name);
  if (style == CRAFT_FORMAT_SHOW)
    {
      g_string_append (out, " (");
      format_number (field, value, out);
      g_string_append_c (out, ')');
    }
}

void
craft__field_format_bytes (const CraftFieldDef *field, const guint8 *data, gsize length, GString *out)
{
  if (field->kind->fixed_bits != 0 && length * 8 != field->kind->fixed_bits)
    craft__format_bytes_literal (data, length, out);
  else
    field->kind->format (data, length, out);
}
