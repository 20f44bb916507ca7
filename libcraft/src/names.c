/* The domain-name field kind (RFC 1035 section 3.1): labels encoded, decoded and decompressed safely; and character-strings (TXT). */
#include "kinds.h"

#include "craft-limits.h"

#include <craft/error.h>
#include <string.h>

/* "www.example.com" (a final '.' is optional) as length-prefixed labels
 * ending with the root's empty label, uncompressed, as Scapy 2.5 builds it.
 * "" and "." are the root alone. */
static gboolean
parse_name (const char *text, GByteArray *out, GError **error)
{
  gsize length = strlen (text);
  if (length > 0 && text[length - 1] == '.')
    length--;
  guint before = out->len;
  const char *label = text, *end = text + length;
  while (label < end)
    {
      const char *dot = memchr (label, '.', (gsize) (end - label));
      gsize size = (gsize) ((dot ? dot : end) - label);
      if (size == 0 || size > 63)
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                       "'%s' is not a domain name: a label is 1 to 63 bytes, this one is %zu", text, size);
          return FALSE;
        }
      guint8 prefix = (guint8) size;
      g_byte_array_append (out, &prefix, 1);
      g_byte_array_append (out, (const guint8 *) label, (guint) size);
      label += size + 1;
    }
  guint8 root = 0;
  g_byte_array_append (out, &root, 1);
  if (out->len - before > CRAFT_MAX_NAME_LENGTH)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "'%s' is not a domain name: it encodes to %u bytes, more than %d",
                   text, out->len - before, CRAFT_MAX_NAME_LENGTH);
      return FALSE;
    }
  return TRUE;
}

/* Where the name at `data` ends: after the root label or after a pointer. */
static gsize
name_wire_size (const guint8 *data, gsize room, const char **problem)
{
  gsize pos = 0;
  *problem = NULL;
  while (pos < room)
    {
      guint8 b = data[pos];
      if (b == 0)
        return pos + 1;
      if ((b & 0xc0) == 0xc0)
        {
          if (room - pos < 2)
            break;
          return pos + 2;
        }
      if ((b & 0xc0) != 0)
        {
          *problem = "a label starts with the reserved bits 01 or 10";
          return pos + 1;
        }
      if (b >= room - pos)
        break;
      pos += 1 + (gsize) b;
    }
  *problem = "the name runs past the end of the data";
  return room;
}

/* Appends one label, escaping what would not read back as the same label. */
static void
append_label (const guint8 *label, gsize size, GString *out)
{
  for (gsize i = 0; i < size; i++)
    {
      guint8 c = label[i];
      if (c == '.' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c > 0x20 && c < 0x7f)
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\%03u", c);
    }
}

/* Decodes the name at `offset` of `base`, following compression pointers,
 * each of which must point before the label that holds it (so that no loop
 * is possible), at most CRAFT_MAX_NAME_POINTERS of them, into at most
 * CRAFT_MAX_NAME_LENGTH bytes. Appends "example.com." ("." for the root). */
static gboolean
format_name_at (const guint8 *base, gsize base_len, gsize offset, GString *out, const char **problem)
{
  gsize pos = offset, decoded = 0;
  guint pointers = 0;
  gboolean any = FALSE;
  *problem = NULL;
  for (;;)
    {
      if (pos >= base_len)
        {
          *problem = "the name runs past the end of the data";
          break;
        }
      guint8 b = base[pos];
      if (b == 0)
        {
          if (!any)
            g_string_append_c (out, '.');
          return TRUE;
        }
      if ((b & 0xc0) == 0xc0)
        {
          if (base_len - pos < 2)
            {
              *problem = "a compression pointer is cut short";
              break;
            }
          gsize target = (gsize) (b & 0x3f) << 8 | base[pos + 1];
          if (++pointers > CRAFT_MAX_NAME_POINTERS)
            {
              *problem = "the name follows too many compression pointers";
              break;
            }
          if (target >= pos)
            {
              *problem = target >= base_len ? "a compression pointer points past the end of the data"
                                             : "a compression pointer points forward or at itself (a loop)";
              break;
            }
          pos = target;
          continue;
        }
      if ((b & 0xc0) != 0)
        {
          *problem = "a label starts with the reserved bits 01 or 10";
          break;
        }
      if ((gsize) b >= base_len - pos)
        {
          *problem = "a label runs past the end of the data";
          break;
        }
      decoded += 1 + (gsize) b;
      if (decoded + 1 > CRAFT_MAX_NAME_LENGTH)
        {
          *problem = "the decompressed name is longer than 255 bytes";
          break;
        }
      append_label (base + pos + 1, b, out);
      g_string_append_c (out, '.');
      any = TRUE;
      pos += 1 + (gsize) b;
    }
  g_string_append (out, "<bad name>");
  return FALSE;
}

/* Without the bytes around it, a pointer cannot be followed: the name is
 * decoded up to it. */
static void
format_name (const guint8 *data, gsize length, GString *out)
{
  const char *problem;
  format_name_at (data, length, 0, out, &problem);
}

/* Fuzzing: one to four labels of letters, or now and then random bytes
 * (pointers and bad label lengths included). */
static void
random_name (const CraftFieldDef *field, const CraftEnum *names, GRand *rng, guint64 *num, GByteArray *out)
{
  if (g_rand_int_range (rng, 0, 4) == 0)
    {
      gint32 n = g_rand_int_range (rng, 1, 32);
      for (gint32 i = 0; i < n; i++)
        {
          guint8 b = (guint8) g_rand_int (rng);
          g_byte_array_append (out, &b, 1);
        }
      return;
    }
  gint32 labels = g_rand_int_range (rng, 1, 5);
  for (gint32 i = 0; i < labels; i++)
    {
      guint8 size = (guint8) g_rand_int_range (rng, 1, 16);
      g_byte_array_append (out, &size, 1);
      for (guint k = 0; k < size; k++)
        {
          guint8 c = (guint8) ('a' + g_rand_int_range (rng, 0, 26));
          g_byte_array_append (out, &c, 1);
        }
    }
  guint8 root = 0;
  g_byte_array_append (out, &root, 1);
}

const CraftKind craft__kind_dnsname = {
  "dnsname", FALSE, FALSE, 0, parse_name, format_name, random_name, FALSE, name_wire_size, format_name_at, NULL,
  "a domain name",
};

/* ---- character-strings (RFC 1035 section 3.3): a length byte, then up to 255 bytes ---- */

/* One string, cut into strings of 255 bytes when longer, as Scapy does; ""
 * is no string at all. Any byte may be in it. */
static gboolean
append_charstring (const guint8 *data, gsize length, GByteArray *out, GError **error)
{
  for (gsize i = 0; i < length; i += 255)
    {
      guint8 size = (guint8) MIN (255, length - i);
      g_byte_array_append (out, &size, 1);
      g_byte_array_append (out, data + i, size);
    }
  return TRUE;
}

/* Text as one string. */
static gboolean
parse_charstrings (const char *text, GByteArray *out, GError **error)
{
  return append_charstring ((const guint8 *) text, strlen (text), out, error);
}

/* [b'hello', b'x']; bytes a length runs past end the list as they are. */
static void
format_charstrings (const guint8 *data, gsize length, GString *out)
{
  g_string_append_c (out, '[');
  gsize pos = 0;
  while (pos < length)
    {
      gsize size = MIN ((gsize) data[pos], length - pos - 1);
      if (pos > 0)
        g_string_append (out, ", ");
      craft__format_bytes_literal (data + pos + 1, size, out);
      pos += 1 + size;
    }
  g_string_append_c (out, ']');
}

static void
random_charstrings (const CraftFieldDef *field, const CraftEnum *names, GRand *rng, guint64 *num, GByteArray *out)
{
  guint8 size = (guint8) g_rand_int_range (rng, 0, 32);
  g_byte_array_append (out, &size, 1);
  for (guint i = 0; i < size; i++)
    {
      guint8 c = (guint8) g_rand_int_range (rng, 0x20, 0x7f);
      g_byte_array_append (out, &c, 1);
    }
}

const CraftKind craft__kind_charstrings = {
  "charstrings", FALSE, FALSE, 0, parse_charstrings, format_charstrings, random_charstrings, FALSE, NULL, NULL,
  append_charstring, "character-strings",
};
