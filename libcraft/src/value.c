/* Field values: range checks, parsing what a user types, and formatting for summaries and trees. */
#include "value.h"

#include "kinds.h"

#include <craft/error.h>
#include <string.h>

guint64
craft__field_mask (const CraftFieldDef *field)
{
  return field->bits >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << field->bits) - 1;
}

gboolean
craft__field_normalize_int (const CraftFieldDef *field, guint64 value, guint64 *out, GError **error)
{
  guint64 mask = craft__field_mask (field);
  if (field->kind->is_signed)
    {
      gint64 v = (gint64) value;
      gint64 max = field->bits >= 64 ? G_MAXINT64 : (gint64) (mask >> 1);
      gint64 min = -max - 1;
      if (v < min || v > max)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                       "%" G_GINT64_FORMAT " is out of range for %u-bit signed field '%s' (%" G_GINT64_FORMAT
                       "..%" G_GINT64_FORMAT ")",
                       v, field->bits, field->name, min, max);
          return FALSE;
        }
    }
  else if ((value & ~mask) != 0)
    {
      if ((gint64) value < 0)
        g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                     "%" G_GINT64_FORMAT " is out of range for %u-bit field '%s' (0..%" G_GUINT64_FORMAT ")",
                     (gint64) value, field->bits, field->name, mask);
      else
        g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                     "%" G_GUINT64_FORMAT " is out of range for %u-bit field '%s' (0..%" G_GUINT64_FORMAT ")",
                     value, field->bits, field->name, mask);
      return FALSE;
    }
  *out = value & mask;
  return TRUE;
}

/* Python-style integer text: 42, -1, 0x2a, 0o52, 0b101010. */
static gboolean
parse_number (const char *text, guint64 *out)
{
  const char *p = text;
  gboolean negative = FALSE;
  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  guint base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    base = 16, p += 2;
  else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
    base = 8, p += 2;
  else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
    base = 2, p += 2;
  if (!g_ascii_isxdigit (*p))
    return FALSE;
  guint64 value;
  if (!g_ascii_string_to_unsigned (p, base, 0, G_MAXUINT64, &value, NULL))
    return FALSE;
  *out = negative ? (guint64) - (gint64) value : value;
  return TRUE;
}

static gboolean
parse_flags (const CraftFieldDef *field, const char *text, guint64 *out, GError **error)
{
  guint64 value = 0;
  g_auto (GStrv) names = NULL;
  if (field->single_char_flags)
    {
      names = g_new0 (char *, strlen (text) + 1);
      for (gsize i = 0; text[i] != '\0'; i++)
        names[i] = g_strndup (text + i, 1);
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

gboolean
craft__field_parse_int_text (const CraftFieldDef *field, const char *text, guint64 *out, GError **error)
{
  guint64 value;
  if (field->enumeration != NULL)
    {
      const CraftEnumValue *ev = craft__enum_lookup_name (field->enumeration, text);
      if (ev != NULL)
        return craft__field_normalize_int (field, ev->value, out, error);
    }
  /* Names that depend on another field are accepted whatever it holds, as
   * Scapy does: ICMP(code="port-unreachable") is 3. */
  for (guint i = 0; field->enum_choices != NULL && i < field->enum_choices->len; i++)
    {
      const CraftEnumValue *ev
        = craft__enum_lookup_name (g_array_index (field->enum_choices, CraftEnumChoice, i).enumeration, text);
      if (ev != NULL)
        return craft__field_normalize_int (field, ev->value, out, error);
    }
  if (field->flag_names != NULL && !parse_number (text, &value))
    return parse_flags (field, text, out, error);
  if (parse_number (text, &value))
    return craft__field_normalize_int (field, value, out, error);
  if (field->enumeration != NULL || field->enum_choices != NULL)
    {
      if (field->enumeration == NULL)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "'%s' is not a name for field '%s'", text, field->name);
          return FALSE;
        }
      GString *known = g_string_new (NULL);
      GArray *values = field->enumeration->values;
      for (guint i = 0; i < values->len && i < 12; i++)
        g_string_append_printf (known, "%s%s", i ? ", " : "", g_array_index (values, CraftEnumValue, i).name);
      if (values->len > 12)
        g_string_append (known, ", …");
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "'%s' is not a name for field '%s' (names: %s)", text,
                   field->name, known->str);
      g_string_free (known, TRUE);
      return FALSE;
    }
  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_TYPE, "field '%s' is an integer; '%s' is not a number", field->name,
               text);
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

static void
format_number (const CraftFieldDef *field, guint64 value, GString *out)
{
  if (field->kind->is_signed)
    {
      guint64 sign = G_GUINT64_CONSTANT (1) << (field->bits - 1);
      gint64 v = (value & sign) ? (gint64) (value | ~craft__field_mask (field)) : (gint64) value;
      g_string_append_printf (out, "%" G_GINT64_FORMAT, v);
    }
  else if (field->hex)
    g_string_append_printf (out, "0x%" G_GINT64_MODIFIER "x", value);
  else
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, value);
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
