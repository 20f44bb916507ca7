/* Field kinds: integers, MAC, IPv4 and IPv6 addresses, byte strings, lists of elements, domain names. */
#include "kinds.h"

#include "craft-limits.h"
#include "value.h"

#include <arpa/inet.h>
#include <craft/error.h>
#include <string.h>

/* Six octets of one or two hex digits, all separated by ':' or all by '-':
 * 00:11:22:33:44:55, 00-11-22-33-44-55, and 0:1:2:3:4:5 as ether_ntoa()
 * writes it and Scapy reads it. */
static gboolean
parse_mac (const char *text, GByteArray *out, GError **error)
{
  guint8 mac[6];
  const char *p = text;
  char separator = 0;
  for (guint i = 0; i < 6; i++)
    {
      if (!g_ascii_isxdigit (p[0]))
        goto bad;
      guint octet = (guint) g_ascii_xdigit_value (*p++);
      if (g_ascii_isxdigit (p[0]))
        octet = octet << 4 | (guint) g_ascii_xdigit_value (*p++);
      mac[i] = (guint8) octet;
      if (i == 5)
        break;
      if (separator == 0 && (*p == ':' || *p == '-'))
        separator = *p;
      if (separator == 0 || *p != separator)
        goto bad;
      p++;
    }
  if (*p != '\0')
    goto bad;
  g_byte_array_append (out, mac, sizeof mac);
  return TRUE;
bad:
  g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
               "'%s' is not a MAC address (expected six hex pairs like 00:11:22:33:44:55)", text);
  return FALSE;
}

static void
format_mac (const guint8 *data, gsize length, GString *out)
{
  for (gsize i = 0; i < length; i++)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, "0123456789abcdef"[data[i] >> 4]);
      g_string_append_c (out, "0123456789abcdef"[data[i] & 0xf]);
    }
}

static gboolean
parse_ipv4 (const char *text, GByteArray *out, GError **error)
{
  struct in_addr addr;
  if (inet_pton (AF_INET, text, &addr) != 1)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                   "'%s' is not an IPv4 address (expected dotted quad like 192.0.2.1)", text);
      return FALSE;
    }
  g_byte_array_append (out, (const guint8 *) &addr, 4);
  return TRUE;
}

/* Dotted quad, as inet_ntop() writes it, without its printf. */
static void
format_ipv4 (const guint8 *data, gsize length, GString *out)
{
  if (length != 4)
    return;
  for (guint i = 0; i < 4; i++)
    {
      if (i > 0)
        g_string_append_c (out, '.');
      guint8 b = data[i];
      if (b >= 100)
        g_string_append_c (out, (char) ('0' + b / 100));
      if (b >= 10)
        g_string_append_c (out, (char) ('0' + b / 10 % 10));
      g_string_append_c (out, (char) ('0' + b % 10));
    }
}

static gboolean
parse_ipv6 (const char *text, GByteArray *out, GError **error)
{
  struct in6_addr addr;
  if (inet_pton (AF_INET6, text, &addr) != 1)
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE,
                   "'%s' is not an IPv6 address (expected text like 2001:db8::1)", text);
      return FALSE;
    }
  g_byte_array_append (out, (const guint8 *) &addr, 16);
  return TRUE;
}

static void
format_ipv6 (const guint8 *data, gsize length, GString *out)
{
  char buf[INET6_ADDRSTRLEN];
  if (length == 16 && inet_ntop (AF_INET6, data, buf, sizeof buf) != NULL)
    g_string_append (out, buf);
}

static gboolean
parse_bytes (const char *text, GByteArray *out, GError **error)
{
  g_byte_array_append (out, (const guint8 *) text, strlen (text));
  return TRUE;
}

void
craft__format_bytes_literal (const guint8 *data, gsize length, GString *out)
{
  g_string_append (out, "b'");
  for (gsize i = 0; i < length; i++)
    {
      guint8 c = data[i];
      if (c == '\\' || c == '\'')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  g_string_append_c (out, '\'');
}

/* ---- random values, for fuzzing ---- */

static guint64
random_u64 (GRand *rng)
{
  return (guint64) g_rand_int (rng) << 32 | g_rand_int (rng);
}

/* Integers: in eight draws, six pick one of the value names when there are
 * some (a parser is most likely to branch on those), one an edge of the
 * range (0, 1, the largest value, the sign bit alone: where off-by-one and
 * sign errors hide), the rest any value of the width; a flag set gets only
 * named bits in half its draws. */
static void
random_int (const CraftFieldDef *field, const CraftEnum *names, GRand *rng, guint64 *num, GByteArray *out)
{
  guint64 mask = craft__field_mask (field);
  guint64 value = random_u64 (rng);
  guint choice = (guint) g_rand_int_range (rng, 0, 8);
  if (names != NULL && names->values->len > 0 && choice < 6)
    value = g_array_index (names->values, CraftEnumValue, g_rand_int_range (rng, 0, (gint32) names->values->len))
              .value;
  else if (choice == 7)
    {
      const guint64 edges[] = { 0, 1, mask, (mask >> 1) + 1 };
      value = edges[g_rand_int_range (rng, 0, G_N_ELEMENTS (edges))];
    }
  else if (field->flag_names != NULL && choice < 4 && field->flag_names->len < 64)
    value &= (G_GUINT64_CONSTANT (1) << field->flag_names->len) - 1;
  *num = value & mask;
}

static void
append_random (GRand *rng, gsize length, GByteArray *out)
{
  for (gsize i = 0; i < length; i += 4)
    {
      guint32 r = g_rand_int (rng);
      guint8 bytes[4] = { (guint8) r, (guint8) (r >> 8), (guint8) (r >> 16), (guint8) (r >> 24) };
      g_byte_array_append (out, bytes, (guint) MIN (4, length - i));
    }
}

/* Addresses: any value of their width. */
static void
random_address (const CraftFieldDef *field, const CraftEnum *names, GRand *rng, guint64 *num, GByteArray *out)
{
  append_random (rng, field->kind->fixed_bits / 8, out);
}

/* Byte strings: a fixed one fills its size; a variable one gets a random
 * length, in half the draws at most an eighth of CRAFT_FUZZ_MAX_BYTES, since
 * the spaces for options in real headers are a few dozen bytes. */
static void
random_string (const CraftFieldDef *field, const CraftEnum *names, GRand *rng, guint64 *num, GByteArray *out)
{
  gsize length;
  if (field->size_mode == CRAFT_SIZE_FIXED)
    length = field->bits / 8;
  else
    {
      gint32 bound = g_rand_boolean (rng) ? CRAFT_FUZZ_MAX_BYTES / 8 : CRAFT_FUZZ_MAX_BYTES;
      length = (gsize) g_rand_int_range (rng, 0, bound + 1);
    }
  append_random (rng, length, out);
}

const CraftKind craft__kind_uint
  = { "uint", TRUE, FALSE, 0, NULL, NULL, random_int, FALSE, NULL, NULL, NULL, "integer" };
const CraftKind craft__kind_int
  = { "int", TRUE, TRUE, 0, NULL, NULL, random_int, FALSE, NULL, NULL, NULL, "signed integer" };
const CraftKind craft__kind_bytes = {
  "bytes", FALSE, FALSE, 0, parse_bytes, craft__format_bytes_literal, random_string, FALSE, NULL, NULL, NULL, "bytes",
};
static const CraftKind kind_mac = {
  "mac", FALSE, FALSE, 48, parse_mac, format_mac, random_address, FALSE, NULL, NULL, NULL, "a MAC address",
};
static const CraftKind kind_ipv4 = {
  "ipv4", FALSE, FALSE, 32, parse_ipv4, format_ipv4, random_address, FALSE, NULL, NULL, NULL, "an IPv4 address",
};
static const CraftKind kind_ipv6 = {
  "ipv6", FALSE, FALSE, 128, parse_ipv6, format_ipv6, random_address, FALSE, NULL, NULL, NULL, "an IPv6 address",
};

/* A list's value is its elements' bytes: text given to it is those bytes. */
const CraftKind craft__kind_list = {
  "list", FALSE, FALSE, 0, parse_bytes, craft__format_bytes_literal, random_string, TRUE, NULL, NULL, NULL,
  "a list of elements",
};
extern const CraftKind craft__kind_dnsname;     /* names.c */
extern const CraftKind craft__kind_charstrings; /* names.c */

static const CraftKind *const all_kinds[] = {
  &craft__kind_uint, &craft__kind_int, &kind_mac, &kind_ipv4, &kind_ipv6, &craft__kind_bytes,
  &craft__kind_list, &craft__kind_dnsname, &craft__kind_charstrings,
};

const CraftKind *
craft__kind_lookup (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    if (strcmp (all_kinds[i]->name, name) == 0)
      return all_kinds[i];
  return NULL;
}
