/* The definition-language parser: turns .pdl text into compiled layers, enums and bindings. */
#include "kinds.h"
#include "craft-limits.h"
#include "model.h"
#include "value.h"

#include <string.h>

/* Where something is in the definition text: 1-based line, 1-based column
 * counted in characters. */
typedef struct {
  guint line;
  guint column;
} Loc;

/* Parser state for one file. Everything new stays here until the whole file
 * has parsed and checked, so a bad file adds nothing to the registry. */
typedef struct {
  GScanner *sc;
  const char *origin;
  const char *text;
  gsize length;
  GArray *line_starts;    /* byte offset of each line's first character, made when first needed */
  gsize loc_offset;       /* the last place loc_at() measured, to go on from there, */
  Loc loc;                /* and its line and column */
  gsize tok_start;        /* byte offsets of the token last read ... */
  gsize tok_end;
  gsize peek_start;       /* ... and of the peeked one, while one is pending */
  CraftRegistry *reg;
  GPtrArray *layers;      /* CraftLayerDef*, owned until committed */
  GArray *layer_locs;     /* Loc of each new layer's name */
  GHashTable *layer_index; /* name → index in layers + 1 */
  GPtrArray *enums;       /* CraftEnum*, owned until committed */
  GHashTable *enum_by_name; /* name → CraftEnum* of this file */
  GArray *bindings;       /* CraftBinding, owned until committed */
  CraftLayerDef *layer;   /* the layer being parsed, and what is checked once it is complete: */
  GArray *field_locs;     /* Loc of each field's name */
  GArray *summary_spans;  /* gsize start, end of each summary's string in the text */
  char *route_name;
  Loc route_loc;
  GPtrArray *pending_names; /* field names that statements named, resolved once the layer is complete: */
  GArray *pending_locs;     /* where each was written (Loc) */
  guint n_enums_inline;
  guint n_operators;      /* binary operators in the expression being parsed */
  gboolean in_answer;     /* parsing an answer rule: request.FIELD and quoting() are allowed */
  gboolean in_heuristic;  /* checking a heuristic condition: a guard that may also use len(layer) */
  gboolean in_pseudo;     /* parsing a pseudo-header: len(upper) and bound(upper) are allowed */
  Loc unchecked_at;       /* where the field being parsed says `unchecked` */
  GError *error;
} Pdl;

/* ---- positions and errors ---- */

/* The line holding byte `offset`, and where it starts: used when loc_at()
 * must go back, which only a few errors do. */
static Loc
line_of (Pdl *p, gsize offset, gsize *line_start)
{
  if (p->line_starts == NULL)
    {
      p->line_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
      gsize start = 0;
      g_array_append_val (p->line_starts, start);
      for (const char *nl = memchr (p->text, '\n', p->length); nl != NULL;
           nl = memchr (nl + 1, '\n', p->length - (gsize) (nl + 1 - p->text)))
        {
          start = (gsize) (nl - p->text) + 1;
          g_array_append_val (p->line_starts, start);
        }
    }
  guint lo = 0, hi = p->line_starts->len;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (p->line_starts, gsize, mid) <= offset)
        lo = mid;
      else
        hi = mid;
    }
  *line_start = g_array_index (p->line_starts, gsize, lo);
  Loc loc = { lo + 1, 1 };
  return loc;
}

/* The line and column of byte `offset`. Parsing moves forward, so this
 * counts on from the last place measured: the whole text costs one pass,
 * however many places are asked for. Columns count characters: the text is
 * valid UTF-8, so every byte that does not continue a character starts one. */
static Loc
loc_at (Pdl *p, gsize offset)
{
  offset = MIN (offset, p->length);
  gsize from = p->loc_offset;
  Loc loc = p->loc;
  if (offset < from)
    loc = line_of (p, offset, &from);
  const char *nl;
  while ((nl = memchr (p->text + from, '\n', offset - from)) != NULL)
    {
      loc.line++;
      loc.column = 1;
      from = (gsize) (nl - p->text) + 1;
    }
  for (const char *c = p->text + from; c < p->text + offset; c++)
    loc.column += (*c & 0xc0) != 0x80;
  p->loc_offset = offset;
  p->loc = loc;
  return loc;
}

static Loc
token_loc (Pdl *p)
{
  return loc_at (p, p->tok_start);
}

static gboolean
fail_at (Pdl *p, CraftError code, Loc loc, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail_at (Pdl *p, CraftError code, Loc loc, const char *format, ...)
{
  if (p->error != NULL)
    return FALSE;
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  craft_error_set_at (&p->error, code, p->origin, loc.line, loc.column, "%s", message);
  return FALSE;
}

/* The text does not follow the language: an error at the token just read. */
#define fail(p, ...) fail_at ((p), CRAFT_ERROR_SYNTAX, token_loc (p), __VA_ARGS__)
/* The text parses but is wrong (an unknown name, a width, a range): an error
 * at the token just read. */
#define invalid(p, ...) fail_at ((p), CRAFT_ERROR_DEFINITION, token_loc (p), __VA_ARGS__)

/* What the token just read looks like in an error message. */
static char *
describe_token (Pdl *p)
{
  GTokenType t = p->sc->token;
  switch (t)
    {
    case G_TOKEN_EOF: return g_strdup ("end of file");
    case G_TOKEN_IDENTIFIER: return g_strdup_printf ("'%s'", p->sc->value.v_identifier);
    case G_TOKEN_INT: return g_strdup_printf ("%" G_GUINT64_FORMAT, p->sc->value.v_int64);
    case G_TOKEN_STRING:
      {
        const char *s = p->sc->value.v_string;
        if (g_utf8_strlen (s, -1) <= 40)
          return g_strdup_printf ("\"%s\"", s);
        g_autofree char *head = g_utf8_substring (s, 0, 40);
        return g_strdup_printf ("\"%s…\"", head);
      }
    case G_TOKEN_ERROR: return g_strdup ("an invalid token");
    default:
      if (t < G_TOKEN_NONE)
        {
          /* Characters come one byte at a time: read the whole one from the text. */
          gunichar c = p->tok_start < p->length ? g_utf8_get_char (p->text + p->tok_start) : (gunichar) t;
          if (c < 0x20 || c == 0x7f)
            return g_strdup_printf ("a control character (U+%04X)", c);
          char utf8[8] = { 0 };
          g_unichar_to_utf8 (c, utf8);
          return g_strdup_printf ("'%s'", utf8);
        }
      return g_strdup ("an unexpected token");
    }
}

static gboolean
expected (Pdl *p, const char *what)
{
  g_autofree char *got = describe_token (p);
  return fail (p, "expected %s, found %s", what, got);
}

/* ---- tokens ---- */

/* Where the next token starts at or after byte `i`: past the characters
 * GScanner skips, '#' comments and C comments. An unterminated C comment
 * starts there. */
static gsize
skip_blank (Pdl *p, gsize i)
{
  const char *t = p->text;
  for (;;)
    {
      while (i < p->length && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
        i++;
      if (i < p->length && t[i] == '#')
        {
          const char *end = memchr (t + i, '\n', p->length - i);
          i = end != NULL ? (gsize) (end - t) : p->length;
          continue;
        }
      if (i + 1 < p->length && t[i] == '/' && t[i + 1] == '*')
        {
          const char *close = g_strstr_len (t + i + 2, (gssize) (p->length - i - 2), "*/");
          if (close == NULL)
            return i;
          i = (gsize) (close - t) + 2;
          continue;
        }
      return i;
    }
}

/* GScanner saturates integers that overflow: read the digits again. */
static gboolean
check_int_token (Pdl *p)
{
  const char *s = p->text + p->tok_start, *end = p->text + p->tok_end;
  guint base = 10;
  if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    s += 2, base = 16;
  /* GScanner took only digits of the base: what remains is the range. */
  guint64 value = 0;
  for (; s < end; s++)
    {
      guint digit = (guint) g_ascii_xdigit_value (*s);
      if (value > (G_MAXUINT64 - digit) / base)
        break;
      value = value * base + digit;
    }
  if (s == end)
    return TRUE;
  g_autofree char *digits = g_strndup (p->text + p->tok_start, p->tok_end - p->tok_start);
  return fail (p, "number %s is too large (at most %" G_GUINT64_FORMAT ")", digits, G_MAXUINT64);
}

/* A string's escapes (\NNN) can make bytes the text itself cannot hold. */
static gboolean
check_string_token (Pdl *p)
{
  const char *s = p->text + p->tok_start + 1;
  const char *end = p->text + p->tok_end - 1;
  while (s < end)
    {
      if (*s++ != '\\' || s >= end)
        continue;
      if (*s < '0' || *s > '7')
        {
          s++;
          continue;
        }
      /* GScanner reads up to three octal digits into one byte. */
      guint value = 0;
      for (guint n = 0; n < 3 && s < end && *s >= '0' && *s <= '7'; n++)
        value = value * 8 + (guint) (*s++ - '0');
      if ((value & 0xff) == 0)
        return fail (p, "a string cannot contain a NUL byte");
    }
  if (!g_utf8_validate (p->sc->value.v_string, -1, NULL))
    return fail (p, "a string's escapes make text that is not valid UTF-8");
  return TRUE;
}

/* Turns a GScanner error token into an error with a message that says why. */
static void
scanner_error (Pdl *p)
{
  const char *start = p->text + p->tok_start;
  switch (p->sc->value.v_error)
    {
    case G_ERR_UNEXP_EOF_IN_STRING:
      fail (p, "unterminated string: no closing '\"' before the end of the file");
      return;
    case G_ERR_UNEXP_EOF_IN_COMMENT:
      fail (p, "unterminated comment: no '*/' before the end of the file");
      return;
    default:
      break;
    }
  if (p->tok_start < p->length && g_ascii_isdigit (*start))
    {
      gsize n = 0;
      while (p->tok_start + n < p->length && (g_ascii_isalnum (start[n]) || start[n] == '_' || start[n] == '.'))
        n++;
      g_autofree char *word = g_strndup (start, n);
      fail (p, "malformed number '%s' (numbers are decimal or 0x hexadecimal)", word);
      return;
    }
  fail (p, "invalid token");
}

/* Where the token after the current one starts, with GScanner set to read
 * it there. skip_blank() finds that place for the token's location anyway,
 * so GScanner need not go over the same blanks and comments again (a third
 * of the text, which it reads one character at a time, each blank a token of
 * its own). Restarting the input forgets the current token and its value,
 * which the parser may still read and GScanner frees on the next token: they
 * are put back. */
static gsize
skip_to_next_token (Pdl *p)
{
  gsize here = (gsize) (p->sc->text - p->text);
  gsize start = skip_blank (p, here);
  if (start > here && start < p->length)
    {
      GTokenType token = p->sc->token;
      GTokenValue value = p->sc->value;
      g_scanner_input_text (p->sc, p->text + start, (guint) (p->length - start));
      p->sc->token = token;
      p->sc->value = value;
    }
  return start;
}

/* Reads the next token and records where it lies. A token GScanner or the
 * checks above reject is returned as G_TOKEN_ERROR with the error set. */
static GTokenType
next (Pdl *p)
{
  gsize start = p->sc->next_token != G_TOKEN_NONE ? p->peek_start : skip_to_next_token (p);
  GTokenType t = g_scanner_get_next_token (p->sc);
  p->tok_start = start;
  p->tok_end = MAX (start, (gsize) (p->sc->text - p->text));
  if (t == G_TOKEN_ERROR)
    scanner_error (p);
  else if (t == G_TOKEN_INT && !check_int_token (p))
    return G_TOKEN_ERROR;
  else if (t == G_TOKEN_STRING && !check_string_token (p))
    return G_TOKEN_ERROR;
  return t;
}

static GTokenType
peek (Pdl *p)
{
  if (p->sc->next_token == G_TOKEN_NONE)
    p->peek_start = skip_to_next_token (p);
  return g_scanner_peek_next_token (p->sc);
}

/* Where the next token starts. */
static Loc
peek_loc (Pdl *p)
{
  peek (p);
  return loc_at (p, p->peek_start);
}

static gboolean
peek_char (Pdl *p, char c)
{
  return peek (p) == (GTokenType) c;
}

static gboolean
accept_char (Pdl *p, char c)
{
  if (!peek_char (p, c))
    return FALSE;
  next (p);
  return TRUE;
}

static gboolean
expect_char (Pdl *p, char c, const char *context)
{
  if (next (p) == (GTokenType) c)
    return TRUE;
  g_autofree char *what = g_strdup_printf ("'%c' %s", c, context);
  return expected (p, what);
}

static gboolean
peek_word (Pdl *p, const char *word)
{
  return peek (p) == G_TOKEN_IDENTIFIER && strcmp (p->sc->next_value.v_identifier, word) == 0;
}

static gboolean
accept_word (Pdl *p, const char *word)
{
  if (!peek_word (p, word))
    return FALSE;
  next (p);
  return TRUE;
}

/* After a list item: ',' or the closing character (left unread). */
static gboolean
list_continues (Pdl *p, char close, gboolean *ok)
{
  *ok = TRUE;
  if (accept_char (p, ','))
    return TRUE;
  if (peek_char (p, close))
    return FALSE;
  next (p);
  g_autofree char *what = g_strdup_printf ("',' or '%c'", close);
  *ok = expected (p, what);
  return FALSE;
}

/* Reads an identifier into a new string, or fails saying what it should name. */
static char *
expect_name (Pdl *p, const char *what)
{
  if (next (p) != G_TOKEN_IDENTIFIER)
    {
      expected (p, what);
      return NULL;
    }
  return g_strdup (p->sc->value.v_identifier);
}

/* An integer, optionally negative (two's complement). The current token then
 * spans the sign and the digits, so errors about the value point at both. */
static gboolean
expect_int (Pdl *p, const char *what, guint64 *out)
{
  gboolean negative = accept_char (p, '-');
  gsize sign = p->tok_start;
  if (next (p) != G_TOKEN_INT)
    return expected (p, what);
  if (negative)
    p->tok_start = sign;
  *out = negative ? (guint64) - (gint64) p->sc->value.v_int64 : p->sc->value.v_int64;
  return TRUE;
}

/* ---- enumerations ---- */

static CraftEnum *
lookup_enum (Pdl *p, const char *name)
{
  CraftEnum *e = g_hash_table_lookup (p->enum_by_name, name);
  return e != NULL ? e : (CraftEnum *) craft__registry_lookup_enum (p->reg, name);
}

/* A new enum of this file (inline ones get names no definition can write). */
static CraftEnum *
enum_new (Pdl *p, const char *name)
{
  CraftEnum *e = g_new0 (CraftEnum, 1);
  e->name = g_strdup (name);
  e->values = g_array_new (FALSE, FALSE, sizeof (CraftEnumValue));
  g_ptr_array_add (p->enums, e);
  g_hash_table_insert (p->enum_by_name, e->name, e);
  return e;
}

/* Parses `{ name = value, ... }` into `e`. */
static gboolean
parse_enum_body (Pdl *p, CraftEnum *e)
{
  if (!expect_char (p, '{', "to open the list of names"))
    return FALSE;
  gboolean ok = TRUE;
  if (accept_char (p, '}'))
    return TRUE;
  /* Names seen so far, so that a long enum is checked in linear time. */
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  do
    {
      CraftEnumValue v;
      GTokenType t = next (p);
      if (t != G_TOKEN_IDENTIFIER && t != G_TOKEN_STRING)
        return expected (p, "a name (identifier or string) or '}'");
      const char *name = t == G_TOKEN_STRING ? p->sc->value.v_string : p->sc->value.v_identifier;
      if (*name == '\0')
        return invalid (p, "an enum name cannot be empty");
      if (g_hash_table_contains (seen, name))
        return invalid (p, "name '%s' appears twice in enum '%s'", name, e->name);
      v.name = g_strdup (name);
      g_hash_table_add (seen, v.name);
      if (!expect_char (p, '=', "after the name") || !expect_int (p, "an integer value", &v.value))
        {
          g_free (v.name);
          return FALSE;
        }
      g_array_append_val (e->values, v);
    }
  while (list_continues (p, '}', &ok) && !peek_char (p, '}'));
  return ok && expect_char (p, '}', "to close the list of names");
}

static gboolean
parse_enum (Pdl *p)
{
  g_autofree char *name = expect_name (p, "the enum's name");
  if (name == NULL)
    return FALSE;
  if (g_hash_table_contains (p->enum_by_name, name))
    return invalid (p, "enum '%s' is defined twice in this file", name);
  return parse_enum_body (p, enum_new (p, name));
}

/* ---- expressions ---- */

static CraftCalc *parse_calc (Pdl *p, guint depth);

/* A node of the expression, placed at the token just read. */
static CraftCalc *
calc_new (Pdl *p, CraftCalcType type)
{
  CraftCalc *c = g_new0 (CraftCalc, 1);
  c->type = type;
  Loc loc = token_loc (p);
  c->line = loc.line;
  c->column = loc.column;
  return c;
}

static CraftCalc *
calc_binary (CraftCalcOp op, CraftCalc *a, CraftCalc *b, Loc loc)
{
  CraftCalc *c = g_new0 (CraftCalc, 1);
  c->type = CRAFT_CALC_BINARY;
  c->op = op;
  c->a = a;
  c->b = b;
  c->line = loc.line;
  c->column = loc.column;
  return c;
}

/* A field reference, at the name just read, to resolve once the whole layer is known. */
static CraftCalc *
field_ref (Pdl *p, CraftCalcType type, const char *name)
{
  CraftCalc *c = calc_new (p, type);
  c->name = g_strdup (name);
  return c;
}

/* header | layer | payload | pseudo | FIELD, as a LEN node. */
static CraftCalc *
parse_span (Pdl *p, gboolean allow_pseudo)
{
  if (next (p) != G_TOKEN_IDENTIFIER)
    {
      expected (p, allow_pseudo ? "header, layer, payload, pseudo or a field name"
                                : "header, layer, payload or a field name");
      return NULL;
    }
  const char *word = p->sc->value.v_identifier;
  static const struct { const char *word; CraftSpan span; } spans[] = {
    { "header", CRAFT_SPAN_HEADER }, { "layer", CRAFT_SPAN_LAYER },
    { "payload", CRAFT_SPAN_PAYLOAD }, { "pseudo", CRAFT_SPAN_PSEUDO },
  };
  if (p->in_pseudo && strcmp (word, "upper") == 0)
    {
      CraftCalc *c = calc_new (p, CRAFT_CALC_LEN);
      c->span = CRAFT_SPAN_UPPER;
      return c;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (spans); i++)
    if (strcmp (word, spans[i].word) == 0)
      {
        if (spans[i].span == CRAFT_SPAN_PSEUDO && !allow_pseudo)
          {
            invalid (p, "len() cannot measure the pseudo-header; only checksums cover it");
            return NULL;
          }
        CraftCalc *c = calc_new (p, CRAFT_CALC_LEN);
        c->span = spans[i].span;
        return c;
      }
  CraftCalc *c = field_ref (p, CRAFT_CALC_LEN, word);
  c->span = CRAFT_SPAN_FIELD;
  return c;
}

/* The arguments of function `name`, whose '(' was just read, and the ')'.
 * `at` is where the name was written. */
static CraftCalc *
parse_function (Pdl *p, const char *name, Loc at, guint depth)
{
  CraftCalc *c = NULL;
  if (strcmp (name, "len") == 0)
    {
      c = parse_span (p, FALSE);
    }
  else if (strcmp (name, "inet_checksum") == 0 || strcmp (name, "crc32") == 0)
    {
      c = calc_new (p, name[0] == 'i' ? CRAFT_CALC_CHECKSUM : CRAFT_CALC_CRC32);
      c->items = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__calc_free);
      do
        {
          CraftCalc *span = parse_span (p, TRUE);
          if (span == NULL)
            goto error;
          g_ptr_array_add (c->items, span);
        }
      while (accept_char (p, ','));
    }
  else if (strcmp (name, "source_ip") == 0 || strcmp (name, "bound") == 0 || strcmp (name, "is_set") == 0)
    {
      g_autofree char *field = expect_name (p, name[0] == 's'   ? "the field holding the destination"
                                               : name[0] == 'b' ? "the field a binding sets"
                                                                : "a field name");
      if (field == NULL)
        return NULL;
      if (p->in_pseudo && name[0] == 'b' && strcmp (field, "upper") == 0)
        {
          c = calc_new (p, CRAFT_CALC_BOUND);
          c->span = CRAFT_SPAN_UPPER;
        }
      else
        c = field_ref (p, name[0] == 's' ? CRAFT_CALC_SOURCE_IP : name[0] == 'b' ? CRAFT_CALC_BOUND : CRAFT_CALC_IS_SET,
                     field);
    }
  else if (strcmp (name, "lower_is") == 0)
    {
      c = calc_new (p, CRAFT_CALC_LOWER_IS);
      if ((c->layer_name = expect_name (p, "a layer's name")) == NULL)
        goto error;
    }
  else if (strcmp (name, "count") == 0)
    {
      g_autofree char *field = expect_name (p, "a list field");
      if (field == NULL)
        return NULL;
      c = field_ref (p, CRAFT_CALC_COUNT, field);
    }
  else if (strcmp (name, "max") == 0 || strcmp (name, "min") == 0)
    {
      c = calc_new (p, name[1] == 'a' ? CRAFT_CALC_MAX : CRAFT_CALC_MIN);
      if ((c->a = parse_calc (p, depth + 1)) == NULL || !expect_char (p, ',', "between the two values")
          || (c->b = parse_calc (p, depth + 1)) == NULL)
        goto error;
    }
  else if (strcmp (name, "source_mac") == 0 || strcmp (name, "clock_ms") == 0 || strcmp (name, "ntp_now") == 0)
    {
      c = calc_new (p, name[0] == 'n'   ? CRAFT_CALC_NTP_NOW
                       : name[1] == 'o' ? CRAFT_CALC_SOURCE_MAC
                                        : CRAFT_CALC_CLOCK_MS);
    }
  else if (strcmp (name, "next_hop_mac") == 0 || strcmp (name, "quoting") == 0)
    {
      if (name[0] == 'q' && !p->in_answer)
        {
          fail_at (p, CRAFT_ERROR_DEFINITION, at, "quoting() can only be used in an answer rule");
          return NULL;
        }
      c = calc_new (p, name[0] == 'n' ? CRAFT_CALC_NEXT_HOP_MAC : CRAFT_CALC_QUOTING);
    }
  else
    {
      fail_at (p, CRAFT_ERROR_DEFINITION, at,
               "unknown function '%s' (known: len, inet_checksum, crc32, source_ip, source_mac, "
               "next_hop_mac, clock_ms, ntp_now, bound, max, min, is_set, quoting, count, lower_is)",
               name);
      return NULL;
    }
  if (c == NULL || !expect_char (p, ')', "to close the function's arguments"))
    goto error;
  /* A name inside keeps its own place, for errors about that name. */
  if (c->name == NULL)
    {
      c->line = at.line;
      c->column = at.column;
    }
  return c;
error:
  craft__calc_free (c);
  return NULL;
}

/* `request.FIELD` or `request.len(SPAN)` in an answer rule, after the word
 * `request` (written at `at`): the request's value. */
static CraftCalc *
parse_request_ref (Pdl *p, Loc at)
{
  if (!p->in_answer)
    {
      fail_at (p, CRAFT_ERROR_DEFINITION, at, "request.FIELD can only be used in an answer rule");
      return NULL;
    }
  next (p); /* the '.' */
  g_autofree char *name = expect_name (p, "a field name or len(...) after 'request.'");
  if (name == NULL)
    return NULL;
  Loc name_at = token_loc (p);
  CraftCalc *c;
  if (accept_char (p, '('))
    {
      if (strcmp (name, "len") != 0)
        {
          fail_at (p, CRAFT_ERROR_DEFINITION, name_at, "the request offers its fields and len(...), not %s()", name);
          return NULL;
        }
      c = parse_span (p, FALSE);
      if (c != NULL && !expect_char (p, ')', "to close the function's arguments"))
        g_clear_pointer (&c, craft__calc_free);
    }
  else
    c = field_ref (p, CRAFT_CALC_FIELD, name);
  if (c != NULL)
    c->request = TRUE;
  return c;
}

static CraftCalc *
parse_primary (Pdl *p, guint depth)
{
  if (depth > CRAFT_MAX_DEFINITION_NESTING)
    {
      fail_at (p, CRAFT_ERROR_SYNTAX, peek_loc (p), "expression nested more than %d deep",
               CRAFT_MAX_DEFINITION_NESTING);
      return NULL;
    }
  GTokenType t = next (p);
  if (t == G_TOKEN_INT)
    {
      CraftCalc *c = calc_new (p, CRAFT_CALC_CONST);
      c->num = p->sc->value.v_int64;
      return c;
    }
  if (t == (GTokenType) '(')
    {
      CraftCalc *c = parse_calc (p, depth + 1);
      if (c != NULL && !expect_char (p, ')', "to close the parenthesis"))
        g_clear_pointer (&c, craft__calc_free);
      return c;
    }
  if (t == (GTokenType) '-' || t == (GTokenType) '!')
    {
      CraftCalc *c = calc_new (p, t == (GTokenType) '-' ? CRAFT_CALC_NEG : CRAFT_CALC_NOT);
      if ((c->a = parse_primary (p, depth + 1)) == NULL)
        g_clear_pointer (&c, craft__calc_free);
      return c;
    }
  if (t == (GTokenType) '{')
    {
      fail (p, "a set { … } can only follow 'in'");
      return NULL;
    }
  if (t == G_TOKEN_IDENTIFIER)
    {
      g_autofree char *name = g_strdup (p->sc->value.v_identifier);
      Loc at = token_loc (p);
      if (strcmp (name, "request") == 0 && peek_char (p, '.'))
        return parse_request_ref (p, at);
      if (accept_char (p, '('))
        return parse_function (p, name, at, depth);
      return field_ref (p, CRAFT_CALC_FIELD, name);
    }
  expected (p, "a number, a field name, a function or '('");
  return NULL;
}

/* `{ a, b, c }` after `in`. */
static CraftCalc *
parse_set (Pdl *p, guint depth)
{
  if (next (p) != (GTokenType) '{')
    {
      fail (p, "'in' needs a set on its right, like { 3, 4, 5 }");
      return NULL;
    }
  CraftCalc *c = calc_new (p, CRAFT_CALC_SET);
  c->items = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__calc_free);
  gboolean ok = TRUE;
  do
    {
      CraftCalc *item = parse_calc (p, depth + 1);
      if (item == NULL)
        {
          ok = FALSE;
          break;
        }
      g_ptr_array_add (c->items, item);
    }
  while (list_continues (p, '}', &ok) && !peek_char (p, '}'));
  if (!ok || !expect_char (p, '}', "to close the set"))
    g_clear_pointer (&c, craft__calc_free);
  return c;
}

/* Binary operators by precedence level, lowest first. Two-character
 * operators are read as two GScanner characters. */
typedef struct {
  const char *text;
  CraftCalcOp op;
  guint level;
} BinaryOp;

static const BinaryOp binary_ops[] = {
  { "?:", CRAFT_OP_ELSE, 0 },
  { "||", CRAFT_OP_LOR, 1 },
  { "&&", CRAFT_OP_LAND, 2 },
  { "|", CRAFT_OP_OR, 3 },
  { "^", CRAFT_OP_XOR, 4 },
  { "&", CRAFT_OP_AND, 5 },
  { "==", CRAFT_OP_EQ, 6 }, { "!=", CRAFT_OP_NE, 6 },
  { "<=", CRAFT_OP_LE, 7 }, { ">=", CRAFT_OP_GE, 7 }, { "<<", CRAFT_OP_SHL, 8 }, { ">>", CRAFT_OP_SHR, 8 },
  { "<", CRAFT_OP_LT, 7 }, { ">", CRAFT_OP_GT, 7 },
  { "+", CRAFT_OP_ADD, 9 }, { "-", CRAFT_OP_SUB, 9 },
  { "*", CRAFT_OP_MUL, 10 }, { "/", CRAFT_OP_DIV, 10 }, { "%", CRAFT_OP_MOD, 10 },
};
#define MAX_LEVEL 10
/* `a in { ... }` binds like the comparisons. */
#define IN_LEVEL 7

/* Reads the operator at the next tokens if it is of `level`. A lone '|' or
 * '&' must not swallow the first half of '||' or '&&', and vice versa, so
 * the second character is only taken once the first matched. */
static const BinaryOp *
accept_binary (Pdl *p, guint level)
{
  GTokenType t = peek (p);
  if (t >= G_TOKEN_NONE)
    return NULL;
  char first = (char) t;
  /* Most tokens after an operand are no operator at all: a quick answer. */
  switch (first)
    {
    case '?': case '|': case '&': case '^': case '=': case '!': case '<': case '>':
    case '+': case '-': case '*': case '/': case '%':
      break;
    default:
      return NULL;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (binary_ops); i++)
    {
      const BinaryOp *op = &binary_ops[i];
      if (op->level != level || op->text[0] != first)
        continue;
      if (op->text[1] == '\0')
        {
          /* One character: refuse when it is the start of a two-character operator. */
          const char *after = p->sc->text;
          while (after < p->sc->text_end && g_ascii_isspace (*after))
            after++;
          gboolean doubled = after < p->sc->text_end
                             && ((first == '|' && *after == '|') || (first == '&' && *after == '&')
                                 || (first == '<' && (*after == '<' || *after == '='))
                                 || (first == '>' && (*after == '>' || *after == '=')));
          if (doubled)
            continue;
          next (p);
          return op;
        }
      const char *after = p->sc->text;
      if (after < p->sc->text_end && *after == op->text[1])
        {
          next (p);
          next (p);
          return op;
        }
    }
  return NULL;
}

static CraftCalc *
parse_level (Pdl *p, guint level, guint depth)
{
  if (level > MAX_LEVEL)
    return parse_primary (p, depth);
  CraftCalc *left = parse_level (p, level + 1, depth);
  while (left != NULL)
    {
      peek (p);
      gsize op_start = p->peek_start;
      CraftCalcOp op;
      CraftCalc *right;
      Loc at;
      if (level == IN_LEVEL && accept_word (p, "in"))
        {
          op = CRAFT_OP_IN;
          at = loc_at (p, op_start);
          right = parse_set (p, depth);
        }
      else
        {
          const BinaryOp *binary = accept_binary (p, level);
          if (binary == NULL)
            break;
          op = binary->op;
          at = loc_at (p, op_start);
          right = parse_level (p, level + 1, depth);
        }
      if (right == NULL)
        {
          craft__calc_free (left);
          return NULL;
        }
      left = calc_binary (op, left, right, at);
      if (++p->n_operators > CRAFT_MAX_DEFINITION_OPERATORS)
        {
          craft__calc_free (left);
          fail_at (p, CRAFT_ERROR_SYNTAX, at, "an expression has at most %d operators",
                   CRAFT_MAX_DEFINITION_OPERATORS);
          return NULL;
        }
    }
  return left;
}

/* calc := level0 [ '?' calc ':' calc ] — the C conditional; '?:' alone is "else". */
static CraftCalc *
parse_calc (Pdl *p, guint depth)
{
  CraftCalc *c = parse_level (p, 0, depth);
  if (c == NULL || !peek_char (p, '?'))
    return c;
  next (p);
  CraftCalc *cond = calc_new (p, CRAFT_CALC_COND);
  cond->a = c;
  cond->items = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__calc_free);
  if ((cond->b = parse_calc (p, depth + 1)) == NULL || !expect_char (p, ':', "between the two branches"))
    {
      craft__calc_free (cond);
      return NULL;
    }
  CraftCalc *otherwise = parse_calc (p, depth + 1);
  if (otherwise == NULL)
    {
      craft__calc_free (cond);
      return NULL;
    }
  g_ptr_array_add (cond->items, otherwise);
  return cond;
}

/* A whole expression: a size, a condition, a default, a length, a pseudo-header value. */
static CraftCalc *
parse_expression (Pdl *p)
{
  p->n_operators = 0;
  return parse_calc (p, 0);
}

/* The first node of `c` for which `pred` holds, or NULL. */
static const CraftCalc *
calc_find (const CraftCalc *c, gboolean (*pred) (const CraftCalc *c))
{
  if (c == NULL)
    return NULL;
  if (pred (c))
    return c;
  const CraftCalc *found = calc_find (c->a, pred);
  if (found == NULL)
    found = calc_find (c->b, pred);
  for (guint i = 0; found == NULL && c->items != NULL && i < c->items->len; i++)
    found = calc_find (g_ptr_array_index (c->items, i), pred);
  return found;
}

static gboolean
is_checksum (const CraftCalc *c)
{
  return c->type == CRAFT_CALC_CHECKSUM || c->type == CRAFT_CALC_CRC32;
}

static gboolean
is_host_value (const CraftCalc *c)
{
  return c->type == CRAFT_CALC_SOURCE_IP || c->type == CRAFT_CALC_SOURCE_MAC || c->type == CRAFT_CALC_CLOCK_MS
         || c->type == CRAFT_CALC_NTP_NOW || c->type == CRAFT_CALC_NEXT_HOP_MAC;
}

static gboolean
is_address (const CraftCalc *c)
{
  return c->type == CRAFT_CALC_SOURCE_IP || c->type == CRAFT_CALC_SOURCE_MAC || c->type == CRAFT_CALC_NEXT_HOP_MAC;
}

/* The name of an address function, for messages. */
static const char *
address_function (const CraftCalc *c)
{
  return c->type == CRAFT_CALC_SOURCE_IP    ? "source_ip"
         : c->type == CRAFT_CALC_SOURCE_MAC ? "source_mac"
                                            : "next_hop_mac";
}

/* What only exists once the layer is laid out: its lengths and checksums. */
static gboolean
needs_layout (const CraftCalc *c)
{
  return is_checksum (c) || is_address (c) || (c->type == CRAFT_CALC_LEN && c->span != CRAFT_SPAN_FIELD);
}

static Loc
calc_loc (const CraftCalc *c)
{
  Loc loc = { c->line, c->column };
  return loc;
}

/* An expression whose value is an integer cannot use the address functions. */
static gboolean
check_integer_calc (Pdl *p, const CraftCalc *c, const char *role)
{
  const CraftCalc *bad = calc_find (c, is_address);
  if (bad == NULL)
    return TRUE;
  return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (bad),
                  "%s is an integer: %s() gives an address", role, address_function (bad));
}

/* Sizes and conditions are evaluated while the fields are read, before the
 * layer's extent and bytes are known. */
static gboolean
check_dissect_calc (Pdl *p, const CraftCalc *c, const char *role)
{
  const CraftCalc *bad = calc_find (c, needs_layout);
  if (bad == NULL)
    return TRUE;
  static const char *const span_names[] = { "header", "layer", "payload", "pseudo", "", "upper" };
  g_autofree char *what = bad->type == CRAFT_CALC_LEN ? g_strdup_printf ("len(%s)", span_names[bad->span])
                          : bad->type == CRAFT_CALC_CHECKSUM ? g_strdup ("inet_checksum()")
                          : bad->type == CRAFT_CALC_CRC32    ? g_strdup ("crc32()")
                                                              : g_strdup_printf ("%s()", address_function (bad));
  return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (bad),
                  "%s is evaluated while the fields are read, before the layer's extent is known: it cannot "
                  "use %s",
                  role, what);
}

/* ---- fields ---- */

static void
field_free (CraftFieldDef *f)
{
  g_free (f->name);
  g_free (f->description);
  craft__calc_free (f->size_calc);
  craft__calc_free (f->condition);
  craft__calc_free (f->default_calc);
  g_clear_pointer (&f->flag_names, g_ptr_array_unref);
  g_clear_pointer (&f->enum_choices, g_array_unref);
  g_clear_pointer (&f->default_bytes, g_bytes_unref);
  g_free (f->default_text);
  g_free (f->wireshark_table);
  g_free (f->element_group);
  g_free (f);
}

/* u8, s32, u13: integer type names. */
static gboolean
parse_int_type (const char *word, gboolean *is_signed, guint *bits)
{
  if ((word[0] != 'u' && word[0] != 's') || !g_ascii_isdigit (word[1]))
    return FALSE;
  char *end;
  guint64 n = g_ascii_strtoull (word + 1, &end, 10);
  if (*end != '\0')
    return FALSE;
  *is_signed = word[0] == 's';
  *bits = n > 1000 ? 1000 : (guint) n;
  return TRUE;
}

/* After `list`: `(SIZE)` bytes, `count(N)` elements, or nothing (to the end
 * of the layer), then `of NAME`: a layer, or a group of element layers. */
static gboolean
parse_list_type (Pdl *p, CraftFieldDef *f)
{
  f->size_mode = CRAFT_SIZE_REST;
  if (accept_word (p, "count"))
    {
      if (!expect_char (p, '(', "after 'count'"))
        return FALSE;
      f->size_mode = CRAFT_SIZE_COUNT;
    }
  else if (accept_char (p, '('))
    f->size_mode = CRAFT_SIZE_EXPR;
  if (f->size_mode != CRAFT_SIZE_REST)
    {
      f->size_calc = parse_expression (p);
      if (f->size_calc == NULL || !expect_char (p, ')', "to close the list's size"))
        return FALSE;
    }
  if (!accept_word (p, "of"))
    {
      next (p);
      return expected (p, "'of' and the elements' layer or group");
    }
  f->element_group = expect_name (p, "the elements' layer or group");
  return f->element_group != NULL;
}

static gboolean
parse_type (Pdl *p, CraftFieldDef *f)
{
  if (next (p) != G_TOKEN_IDENTIFIER)
    return expected (p, "a type (u8, u16, s32, u4…, mac, ipv4, ipv6, bytes)");
  const char *word = p->sc->value.v_identifier;
  gboolean is_signed;
  guint bits;
  if (parse_int_type (word, &is_signed, &bits))
    {
      if (bits < 1 || bits > 64)
        return invalid (p, "integer width must be 1 to 64 bits: '%s'", word);
      f->kind = is_signed ? &craft__kind_int : &craft__kind_uint;
      f->bits = bits;
      return TRUE;
    }
  const CraftKind *kind = craft__kind_lookup (word);
  if (kind == NULL || kind->is_integer)
    return invalid (p, "unknown type '%s' (expected u1…u64, s1…s64, mac, ipv4, ipv6, bytes, dnsname or list)",
                    word);
  f->kind = kind;
  f->bits = kind->fixed_bits;
  if (kind->is_list)
    return parse_list_type (p, f);
  /* Byte strings, and kinds of strings whose size their field gives (charstrings(rdlen)). */
  if (kind->fixed_bits != 0 || kind->wire_size != NULL)
    return TRUE;
  f->size_mode = CRAFT_SIZE_REST;
  if (accept_char (p, '('))
    {
      Loc at = peek_loc (p);
      f->size_calc = parse_expression (p);
      if (f->size_calc == NULL || !expect_char (p, ')', "to close the size"))
        return FALSE;
      const CraftCalc *c = f->size_calc;
      if (c->type == CRAFT_CALC_CONST || (c->type == CRAFT_CALC_NEG && c->a->type == CRAFT_CALC_CONST))
        {
          if (c->type == CRAFT_CALC_NEG || c->num < 1 || c->num > CRAFT_MAX_FIXED_BYTES)
            return fail_at (p, CRAFT_ERROR_DEFINITION, at, "a fixed size is 1 to %d bytes",
                            CRAFT_MAX_FIXED_BYTES);
          f->size_mode = CRAFT_SIZE_FIXED;
          f->bits = (guint) c->num * 8;
          g_clear_pointer (&f->size_calc, craft__calc_free);
        }
      else
        f->size_mode = CRAFT_SIZE_EXPR;
    }
  return TRUE;
}

static gboolean
parse_flag_names (Pdl *p, CraftFieldDef *f)
{
  if (!expect_char (p, '{', "to open the flag names"))
    return FALSE;
  f->flag_names = g_ptr_array_new_with_free_func (g_free);
  f->single_char_flags = TRUE;
  gboolean ok = TRUE;
  if (accept_char (p, '}'))
    return TRUE;
  do
    {
      GTokenType t = next (p);
      if (t != G_TOKEN_IDENTIFIER && t != G_TOKEN_STRING)
        return expected (p, "a flag name or '}'");
      const char *name = t == G_TOKEN_STRING ? p->sc->value.v_string : p->sc->value.v_identifier;
      if (f->flag_names->len >= f->bits)
        return invalid (p, "more flag names than the field's %u bits", f->bits);
      if (*name == '\0' || strchr (name, '+') != NULL)
        return invalid (p, "a flag name cannot be empty or contain '+'");
      for (guint i = 0; i < f->flag_names->len; i++)
        if (strcmp (g_ptr_array_index (f->flag_names, i), name) == 0)
          return invalid (p, "flag '%s' appears twice", name);
      if (g_utf8_strlen (name, -1) != 1)
        f->single_char_flags = FALSE;
      g_ptr_array_add (f->flag_names, g_strdup (name));
    }
  while (list_continues (p, '}', &ok) && !peek_char (p, '}'));
  return ok && expect_char (p, '}', "to close the flag names");
}

/* `enum by FIELD { value: enum_name, ... }`: names that depend on an earlier field. */
static gboolean
parse_enum_choices (Pdl *p, CraftFieldDef *f)
{
  g_autofree char *selector = expect_name (p, "the field the names depend on");
  if (selector == NULL)
    return FALSE;
  f->enum_selector = craft__layer_def_field_index (p->layer, selector);
  if (f->enum_selector < 0 || (guint) f->enum_selector + 1 >= p->layer->fields->len)
    return invalid (p, "'%s' is not a field declared before '%s'", selector, f->name);
  const CraftFieldDef *sel = g_ptr_array_index (p->layer->fields, f->enum_selector);
  if (!sel->kind->is_integer)
    return invalid (p, "the names of '%s' can only depend on an integer field; '%s' is %s", f->name, selector,
                    sel->kind->name);
  f->enum_choices = g_array_new (FALSE, FALSE, sizeof (CraftEnumChoice));
  if (!expect_char (p, '{', "to open the list of value: enum pairs"))
    return FALSE;
  gboolean ok = TRUE;
  if (accept_char (p, '}'))
    return TRUE;
  do
    {
      CraftEnumChoice choice;
      if (!expect_int (p, "a value of the selector", &choice.value) || !expect_char (p, ':', "after the value"))
        return FALSE;
      g_autofree char *name = expect_name (p, "an enum name");
      if (name == NULL)
        return FALSE;
      if ((choice.enumeration = lookup_enum (p, name)) == NULL)
        return invalid (p, "no enum named '%s' is defined", name);
      g_array_append_val (f->enum_choices, choice);
    }
  while (list_continues (p, '}', &ok) && !peek_char (p, '}'));
  return ok && expect_char (p, '}', "to close the list of value: enum pairs");
}

static gboolean
parse_modifiers (Pdl *p, CraftFieldDef *f)
{
  for (;;)
    {
      if (accept_word (p, "le"))
        {
          if (!f->kind->is_integer || f->bits % 8 != 0)
            return invalid (p, "'le' applies to integers of whole bytes (8, 16, 24… bits)");
          f->little_endian = TRUE;
        }
      else if (accept_word (p, "hex"))
        f->hex = TRUE;
      else if (accept_word (p, "unchecked"))
        {
          if (f->unchecked)
            return invalid (p, "'unchecked' is written twice");
          f->unchecked = TRUE;
          p->unchecked_at = token_loc (p);
        }
      else if (accept_word (p, "ntp_time"))
        {
          if (f->kind != &craft__kind_uint || f->bits != 64 || f->little_endian)
            return invalid (p, "'ntp_time' applies to u64 fields (32.32 fixed point seconds since 1900)");
          f->ntp_time = TRUE;
        }
      else if (accept_word (p, "enum"))
        {
          if (!f->kind->is_integer)
            return invalid (p, "only integer fields can have an enum");
          if (f->enumeration != NULL || f->enum_choices != NULL)
            return invalid (p, "a field has at most one enum");
          if (accept_word (p, "by"))
            {
              if (!parse_enum_choices (p, f))
                return FALSE;
            }
          else if (peek_char (p, '{'))
            {
              g_autofree char *name = g_strdup_printf ("%s.%s#%u", p->layer->name, f->name,
                                                       p->n_enums_inline++);
              CraftEnum *e = enum_new (p, name);
              if (!parse_enum_body (p, e))
                return FALSE;
              f->enumeration = e;
            }
          else
            {
              g_autofree char *name = expect_name (p, "an enum name or '{'");
              if (name == NULL)
                return FALSE;
              f->enumeration = lookup_enum (p, name);
              if (f->enumeration == NULL)
                return invalid (p, "no enum named '%s' is defined", name);
            }
        }
      else if (accept_word (p, "flags"))
        {
          if (f->kind != &craft__kind_uint)
            return invalid (p, "only unsigned integer fields can be flag sets");
          if (f->flag_names != NULL)
            return invalid (p, "a field has at most one set of flags");
          if (!parse_flag_names (p, f))
            return FALSE;
        }
      else if (accept_word (p, "if"))
        {
          if (f->condition != NULL)
            return invalid (p, "a field has at most one condition");
          f->condition = parse_expression (p);
          if (f->condition == NULL)
            return FALSE;
        }
      else if (accept_word (p, "align"))
        {
          if ((f->kind != &craft__kind_bytes && !f->kind->is_list) || f->size_mode == CRAFT_SIZE_FIXED)
            return invalid (p, "align applies to byte strings of variable size");
          guint64 n = 0;
          if (!expect_int (p, "the alignment in bytes", &n))
            return FALSE;
          if (n < 1 || n > 64)
            return invalid (p, "an alignment is 1 to 64 bytes");
          f->align = (guint) n;
        }
      else if (peek (p) == G_TOKEN_STRING)
        {
          if (next (p) != G_TOKEN_STRING)
            return FALSE;
          g_free (f->description);
          f->description = g_strdup (p->sc->value.v_string);
        }
      else
        return TRUE;
    }
}

static gboolean
parse_default (Pdl *p, CraftFieldDef *f)
{
  Loc at = peek_loc (p);
  gsize start = p->peek_start;
  if (f->kind->is_list && peek_char (p, '['))
    {
      /* Elements in the expression syntax, `[DNSQR()]`: turned into bytes
       * once the file's layers are loaded (craft__list_resolve_defaults()). */
      guint depth = 0;
      do
        {
          GTokenType t = next (p);
          if (t == G_TOKEN_EOF)
            return fail_at (p, CRAFT_ERROR_DEFINITION, at, "the default list is not closed with ']'");
          if (t == (GTokenType) '[')
            depth++;
          else if (t == (GTokenType) ']')
            depth--;
        }
      while (depth > 0);
      f->default_mode = CRAFT_DEFAULT_CONST;
    }
  else if (peek (p) == G_TOKEN_STRING)
    {
      if (next (p) != G_TOKEN_STRING)
        return FALSE;
      g_autoptr (GError) error = NULL;
      f->default_mode = CRAFT_DEFAULT_CONST;
      if (f->kind->is_integer)
        {
          if (!craft__field_parse_int_text (f, p->sc->value.v_string, &f->default_num, &error))
            return fail_at (p, CRAFT_ERROR_DEFINITION, at, "%s", error->message);
        }
      else
        {
          f->default_bytes = craft__field_parse_bytes_text (f, p->sc->value.v_string, &error);
          if (f->default_bytes == NULL)
            return fail_at (p, CRAFT_ERROR_DEFINITION, at, "%s", error->message);
          gsize size = g_bytes_get_size (f->default_bytes);
          if (f->size_mode == CRAFT_SIZE_FIXED && f->kind == &craft__kind_bytes && size * 8 > f->bits)
            return fail_at (p, CRAFT_ERROR_DEFINITION, at, "the default is %zu bytes; field '%s' holds %u",
                            size, f->name, f->bits / 8);
        }
    }
  else
    {
      CraftCalc *c = parse_expression (p);
      if (c == NULL)
        return FALSE;
      if (c->type == CRAFT_CALC_CONST || (c->type == CRAFT_CALC_NEG && c->a->type == CRAFT_CALC_CONST))
        {
          guint64 v = c->type == CRAFT_CALC_CONST ? c->num : (guint64) - (gint64) c->a->num;
          craft__calc_free (c);
          g_autoptr (GError) error = NULL;
          if (!f->kind->is_integer)
            return fail_at (p, CRAFT_ERROR_DEFINITION, at,
                            "field '%s' is of kind %s: its default is written as a string", f->name,
                            f->kind->name);
          if (!craft__field_check_int (f, v, &error))
            return fail_at (p, CRAFT_ERROR_DEFINITION, at, "%s", error->message);
          f->default_mode = CRAFT_DEFAULT_CONST;
          f->default_num = v;
        }
      else
        {
          f->default_mode = CRAFT_DEFAULT_COMPUTED;
          f->default_calc = c;
          f->deferred = calc_find (c, is_checksum) != NULL;
          f->derived = !f->unchecked && calc_find (c, is_host_value) == NULL;
          if (f->unchecked && f->deferred)
            return fail_at (p, CRAFT_ERROR_DEFINITION, p->unchecked_at,
                            "field '%s' is a checksum, which dissection checks: 'unchecked' applies to "
                            "other computed defaults", f->name);
          if (f->kind->is_integer)
            {
              g_autofree char *role = g_strdup_printf ("field '%s'", f->name);
              if (!check_integer_calc (p, c, role))
                return FALSE;
            }
          else if (f->kind == &craft__kind_bytes)
            return fail_at (p, CRAFT_ERROR_DEFINITION, at,
                            "field '%s' holds bytes: its default is written as a string", f->name);
          else if (f->bits == 48 ? c->type != CRAFT_CALC_SOURCE_MAC && c->type != CRAFT_CALC_NEXT_HOP_MAC
                                 : c->type != CRAFT_CALC_SOURCE_IP)
            return fail_at (p, CRAFT_ERROR_DEFINITION, at,
                            "field '%s' is of kind %s: its computed default must be %s", f->name, f->kind->name,
                            f->bits == 48 ? "source_mac() or next_hop_mac()" : "source_ip(FIELD)");
        }
    }
  f->default_text = g_strndup (p->text + start, p->tok_end > start ? p->tok_end - start : 0);
  f->default_line = at.line;
  f->default_column = at.column;
  return TRUE;
}

/* A field `name: type modifiers [= default];` whose name was written at `at`. */
static gboolean
parse_field (Pdl *p, const char *name, Loc at)
{
  CraftFieldDef *f = g_new0 (CraftFieldDef, 1);
  f->name = g_strdup (name);
  f->enum_selector = -1;
  g_ptr_array_add (p->layer->fields, f);
  g_array_append_val (p->field_locs, at);
  if (p->layer->fields->len > CRAFT_MAX_FIELDS_PER_LAYER)
    return fail_at (p, CRAFT_ERROR_DEFINITION, at, "a layer has at most %d fields", CRAFT_MAX_FIELDS_PER_LAYER);
  if (!parse_type (p, f) || !parse_modifiers (p, f))
    return FALSE;
  for (guint i = 0; i + 1 < p->layer->fields->len; i++)
    {
      const CraftFieldDef *g = g_ptr_array_index (p->layer->fields, i);
      if (strcmp (g->name, f->name) == 0 && (f->condition == NULL || g->condition == NULL))
        return fail_at (p, CRAFT_ERROR_DEFINITION, at,
                        "layer '%s' has two fields named '%s' (only conditional fields may share a name)",
                        p->layer->name, f->name);
    }
  if (accept_char (p, '=') && !parse_default (p, f))
    return FALSE;
  if (f->unchecked && f->default_mode != CRAFT_DEFAULT_COMPUTED)
    return fail_at (p, CRAFT_ERROR_DEFINITION, p->unchecked_at,
                    "'unchecked' applies to a field with a computed default (= EXPR); field '%s' has none",
                    f->name);
  if (f->default_text == NULL)
    f->default_text = g_strdup ("");
  return expect_char (p, ';', "after the field");
}

/* ---- layers ---- */

/* `pseudo ITEM = [tail(|head(]FIELD[)] [if EXPR];` after `pseudo ITEM`. */
static gboolean
parse_pseudo_override (Pdl *p, char *item)
{
  CraftLayerDef *l = p->layer;
  next (p); /* the '=' */
  g_autofree char *word = expect_name (p, "a field name, tail(FIELD) or head(FIELD)");
  if (word == NULL)
    return FALSE;
  CraftPseudoOverride o = { .item = g_strdup (item) };
  if (!l->pseudo_overrides)
    l->pseudo_overrides = g_array_new (FALSE, TRUE, sizeof (CraftPseudoOverride));
  if ((strcmp (word, "tail") == 0 || strcmp (word, "head") == 0) && accept_char (p, '('))
    {
      o.tail = word[0] == 't';
      o.head = !o.tail;
      g_free (word);
      if ((word = expect_name (p, o.tail ? "the field whose last bytes replace the item"
                                         : "the field whose first bytes replace the item")) == NULL)
        {
          g_free (o.item);
          return FALSE;
        }
    }
  o.field = field_ref (p, CRAFT_CALC_FIELD, word);
  /* Owned by the layer from here on, so that a failure below frees it. */
  g_array_append_val (l->pseudo_overrides, o);
  CraftPseudoOverride *added = &g_array_index (l->pseudo_overrides, CraftPseudoOverride, l->pseudo_overrides->len - 1);
  if ((o.tail || o.head) && !expect_char (p, ')', o.tail ? "to close tail(" : "to close head("))
    return FALSE;
  if (accept_word (p, "if") && (added->condition = parse_expression (p)) == NULL)
    return FALSE;
  return expect_char (p, ';', "after the pseudo-header replacement");
}

static gboolean
parse_pseudo (Pdl *p)
{
  CraftLayerDef *l = p->layer;
  Loc at = token_loc (p);
  g_autofree char *first = expect_name (p, "a field name or an integer like u16(len(payload))");
  if (first == NULL)
    return FALSE;
  if (peek_char (p, '='))
    return parse_pseudo_override (p, first);
  if (l->pseudo != NULL)
    return fail_at (p, CRAFT_ERROR_DEFINITION, at, "layer '%s' already has a pseudo-header", l->name);
  l->pseudo = g_array_new (FALSE, TRUE, sizeof (CraftPseudoItem));
  do
    {
      CraftPseudoItem item = { .field = -1 };
      g_autofree char *word = first != NULL ? g_steal_pointer (&first)
                                            : expect_name (p, "a field name or an integer like u16(len(payload))");
      if (word == NULL)
        return FALSE;
      gboolean is_signed;
      if (parse_int_type (word, &is_signed, &item.bits))
        {
          if (is_signed || item.bits % 8 != 0 || item.bits == 0 || item.bits > 64)
            return invalid (p, "pseudo-header integers are u8, u16, u24 … u64, not %s", word);
          if (!expect_char (p, '(', "after the width"))
            return FALSE;
          p->in_pseudo = TRUE;
          item.calc = parse_expression (p);
          p->in_pseudo = FALSE;
          if (item.calc == NULL)
            return FALSE;
          g_array_append_val (l->pseudo, item);
          if (!check_integer_calc (p, item.calc, "a pseudo-header value")
              || !expect_char (p, ')', "to close the value"))
            return FALSE;
        }
      else
        {
          item.calc = field_ref (p, CRAFT_CALC_FIELD, word);
          g_array_append_val (l->pseudo, item);
        }
    }
  while (accept_char (p, ','));
  return expect_char (p, ';', "after the pseudo-header");
}

/* Wireshark aborts on a protocol or table name outside this set. */
static gboolean
valid_filter_name (const char *name)
{
  if (!g_ascii_islower (name[0]) && !g_ascii_isdigit (name[0]))
    return FALSE;
  for (const char *s = name; *s != '\0'; s++)
    if (!g_ascii_islower (*s) && !g_ascii_isdigit (*s) && *s != '_' && *s != '-' && *s != '.')
      return FALSE;
  return TRUE;
}

/* Reads a field name that is resolved when the layer is complete. */
static gboolean
expect_pending_name (Pdl *p, const char *what)
{
  char *name = expect_name (p, what);
  if (name == NULL)
    return FALSE;
  g_ptr_array_add (p->pending_names, name);
  Loc loc = token_loc (p);
  g_array_append_val (p->pending_locs, loc);
  return TRUE;
}

/* Resolves the names `wireshark_table` and `wireshark_addresses` recorded:
 * (field, table) pairs, and (source, destination, NULL) triples. */
static gboolean
resolve_wireshark_names (Pdl *p, CraftLayerDef *l)
{
  GPtrArray *names = p->pending_names;
  for (guint i = 0; i + 1 < names->len; i += 2)
    {
      const char *name = g_ptr_array_index (names, i);
      Loc loc = g_array_index (p->pending_locs, Loc, i);
      gint field = craft__layer_def_field_index (l, name);
      if (field < 0)
        return fail_at (p, CRAFT_ERROR_DEFINITION, loc, "'%s' is not a field of layer '%s'", name, l->name);
      CraftFieldDef *f = g_ptr_array_index (l->fields, field);
      if (i + 2 < names->len && g_ptr_array_index (names, i + 2) == NULL)
        {
          /* An address pair. */
          const char *other = g_ptr_array_index (names, i + 1);
          gint destination = craft__layer_def_field_index (l, other);
          if (destination < 0)
            return fail_at (p, CRAFT_ERROR_DEFINITION, g_array_index (p->pending_locs, Loc, i + 1),
                            "'%s' is not a field of layer '%s'", other, l->name);
          const CraftFieldDef *d = g_ptr_array_index (l->fields, destination);
          if (f->kind->is_integer || f->kind->fixed_bits == 0 || f->kind != d->kind)
            return fail_at (p, CRAFT_ERROR_DEFINITION, loc,
                            "wireshark_addresses needs two address fields of one kind (mac, ipv4, ipv6)");
          l->wireshark_source = field;
          l->wireshark_destination = destination;
          i++;
          continue;
        }
      if (!f->kind->is_integer || f->bits > 32)
        return fail_at (p, CRAFT_ERROR_DEFINITION, loc,
                        "wireshark_table needs an integer field of at most 32 bits; '%s' is not", name);
      g_free (f->wireshark_table);
      f->wireshark_table = g_strdup (g_ptr_array_index (names, i + 1));
    }
  return TRUE;
}

/* ---- answer rules ---- */

static gboolean
is_answer_statement (const char *word)
{
  return strcmp (word, "answer") == 0 || strcmp (word, "answers") == 0 || strcmp (word, "quotes") == 0
         || strcmp (word, "identity") == 0 || strcmp (word, "resolve") == 0;
}

/* A field named in a statement, resolved once the layer is complete. */
static CraftCalc *
expect_field_ref (Pdl *p, const char *what)
{
  g_autofree char *name = expect_name (p, what);
  return name != NULL ? field_ref (p, CRAFT_CALC_FIELD, name) : NULL;
}

/* Resolves `request.FIELD` in an `answers LAYER if ...` rule against that
 * layer's fields; the names are then resolved, and not looked for again. */
static gboolean
resolve_request_refs (Pdl *p, CraftCalc *c, const CraftLayerDef *request)
{
  if (c == NULL)
    return TRUE;
  if (c->request && c->name != NULL)
    {
      gint index = craft__layer_def_field_index (request, c->name);
      if (index < 0)
        return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (c), "'%s' is not a field of layer '%s'", c->name,
                        request->name);
      c->field = (guint) index;
      g_clear_pointer (&c->name, g_free);
    }
  if (!resolve_request_refs (p, c->a, request) || !resolve_request_refs (p, c->b, request))
    return FALSE;
  for (guint i = 0; c->items != NULL && i < c->items->len; i++)
    if (!resolve_request_refs (p, g_ptr_array_index (c->items, i), request))
      return FALSE;
  return TRUE;
}

/* answer EXPR;  answers LAYER if EXPR;  quotes [if EXPR];  identity FIELD, ...;  resolve FIELD -> FIELD; */
static gboolean
parse_answer_statement (Pdl *p, const char *word)
{
  CraftLayerDef *l = p->layer;
  if (strcmp (word, "answer") == 0 || strcmp (word, "answers") == 0)
    {
      if (l->answer != NULL)
        return invalid (p, "layer '%s' already has an answer rule", l->name);
      if (word[6] == 's')
        {
          /* A request of another definition: an echo reply answers an echo request. */
          g_autofree char *name = expect_name (p, "the name of the layer this one answers");
          if (name == NULL)
            return FALSE;
          guint index = GPOINTER_TO_UINT (g_hash_table_lookup (p->layer_index, name));
          l->answers = index > 0 ? g_ptr_array_index (p->layers, index - 1) : craft_registry_lookup_layer (p->reg, name);
          if (l->answers == NULL || l->answers == l)
            return invalid (p, l->answers == l ? "a layer that answers its own kind says 'answer EXPR;'"
                                               : "no layer named '%s' is loaded (answers can only name layers "
                                                 "defined earlier)",
                            name);
          if (!accept_word (p, "if"))
            {
              next (p);
              return expected (p, "'if' and the rule");
            }
        }
      p->in_answer = TRUE;
      l->answer = parse_expression (p);
      p->in_answer = FALSE;
      if (l->answer == NULL || !check_integer_calc (p, l->answer, "an answer rule")
          || (l->answers != NULL && !resolve_request_refs (p, l->answer, l->answers)))
        return FALSE;
    }
  else if (strcmp (word, "quotes") == 0)
    {
      if (l->quotes != NULL)
        return invalid (p, "layer '%s' already says when it quotes", l->name);
      if (accept_word (p, "if"))
        {
          l->quotes = parse_expression (p);
          if (l->quotes == NULL || !check_integer_calc (p, l->quotes, "the quotes condition"))
            return FALSE;
        }
      else
        {
          l->quotes = calc_new (p, CRAFT_CALC_CONST);
          l->quotes->num = 1;
        }
    }
  else if (strcmp (word, "identity") == 0)
    {
      if (l->identity != NULL)
        return invalid (p, "layer '%s' already has its identity fields", l->name);
      l->identity = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__calc_free);
      do
        {
          CraftCalc *ref = expect_field_ref (p, "a field name");
          if (ref == NULL)
            return FALSE;
          g_ptr_array_add (l->identity, ref);
        }
      while (accept_char (p, ','));
    }
  else
    {
      if (l->resolve_target != NULL)
        return invalid (p, "layer '%s' already resolves addresses", l->name);
      if ((l->resolve_target = expect_field_ref (p, "the field holding the address to resolve")) == NULL
          || !expect_char (p, '-', "('->')") || !expect_char (p, '>', "('->')")
          || (l->resolve_answer = expect_field_ref (p, "the answer's field holding the link address")) == NULL)
        return FALSE;
    }
  return expect_char (p, ';', "at the end of the statement");
}

/* heuristic on LAYER, ... if EXPR;  The plugin offers the layer to the
 * Wireshark heuristic list of each layer below (its `wireshark` name: "udp",
 * "tcp"), where it claims a payload when EXPR holds on its first bytes. */
static gboolean
parse_heuristic (Pdl *p)
{
  CraftLayerDef *l = p->layer;
  if (l->heuristic_on != NULL)
    return invalid (p, "layer '%s' already has a heuristic", l->name);
  if (!accept_word (p, "on"))
    {
      next (p);
      return expected (p, "'on' and the layers below ('heuristic on UDP if EXPR;')");
    }
  l->heuristic_on = g_ptr_array_new_with_free_func (g_free);
  do
    {
      char *name = expect_name (p, "the name of a layer below");
      if (name == NULL)
        return FALSE;
      g_ptr_array_add (l->heuristic_on, name);
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (p->layer_index, name));
      const CraftLayerDef *lower = index > 0 ? g_ptr_array_index (p->layers, index - 1)
                                             : craft_registry_lookup_layer (p->reg, name);
      if (lower == NULL || lower == l)
        return invalid (p, lower == l ? "a layer cannot be found by a heuristic on itself"
                                      : "no layer named '%s' is loaded (heuristic can only name layers defined "
                                        "earlier)",
                        name);
      /* Wireshark's heuristic lists are named after the protocols that own them. */
      if (lower->wireshark_name == NULL)
        return invalid (p,
                        "a heuristic is offered to the Wireshark protocol of the layer below, and '%s' names none "
                        "(it has no 'wireshark \"...\";' statement)",
                        name);
    }
  while (accept_char (p, ','));
  /* Every enabled heuristic runs on every payload no port claims: one that
   * tests nothing would claim them all. */
  if (!accept_word (p, "if"))
    {
      next (p);
      return expected (p, "'if' and the condition the first bytes must meet");
    }
  l->heuristic = parse_expression (p);
  if (l->heuristic == NULL || !check_integer_calc (p, l->heuristic, "the heuristic"))
    return FALSE;
  return expect_char (p, ';', "at the end of the statement");
}

/* `element of GROUP ["NAME"] [(FIELD, ...)] [if TEST];`: this layer is an
 * element of the lists `of GROUP`; a ("NAME", value) tuple chooses it and
 * fills the FIELDs, which must be declared before the statement; TEST,
 * checked like a guard, chooses it when dissecting. */
static gboolean
parse_element (Pdl *p)
{
  CraftLayerDef *l = p->layer;
  if (l->element_of != NULL)
    return invalid (p, "layer '%s' is already an element", l->name);
  if (!accept_word (p, "of"))
    {
      next (p);
      return expected (p, "'of' and the group's name");
    }
  if ((l->element_of = expect_name (p, "the group's name")) == NULL)
    return FALSE;
  if (peek (p) == G_TOKEN_STRING)
    {
      next (p);
      l->element_name = g_strdup (p->sc->value.v_string);
    }
  if (accept_char (p, '('))
    {
      l->element_fields = g_array_new (FALSE, FALSE, sizeof (guint));
      gboolean ok = TRUE;
      if (!peek_char (p, ')'))
        do
          {
            g_autofree char *name = expect_name (p, "a field the value fills");
            if (name == NULL)
              return FALSE;
            gint index = craft__layer_def_field_index (l, name);
            if (index < 0)
              return invalid (p, "'%s' is not a field declared before this statement", name);
            guint u = (guint) index;
            g_array_append_val (l->element_fields, u);
          }
        while (list_continues (p, ')', &ok) && !peek_char (p, ')'));
      if (!ok || !expect_char (p, ')', "to close the fields"))
        return FALSE;
    }
  if (accept_word (p, "if"))
    {
      l->element_if = parse_expression (p);
      if (l->element_if == NULL || !check_integer_calc (p, l->element_if, "an element test"))
        return FALSE;
    }
  return expect_char (p, ';', "at the end of the statement");
}

static gboolean
parse_layer_statement (Pdl *p, const char *word)
{
  CraftLayerDef *l = p->layer;
  if (strcmp (word, "description") == 0)
    {
      if (next (p) != G_TOKEN_STRING)
        return expected (p, "the description as a string");
      g_free (l->description);
      l->description = g_strdup (p->sc->value.v_string);
    }
  else if (strcmp (word, "length") == 0)
    {
      if (!expect_char (p, '=', "after 'length'"))
        return FALSE;
      craft__calc_free (l->length);
      l->length = parse_expression (p);
      if (l->length == NULL || !check_integer_calc (p, l->length, "the length"))
        return FALSE;
      g_clear_pointer (&l->length_if, craft__calc_free);
      if (accept_word (p, "if")
          && ((l->length_if = parse_expression (p)) == NULL
              || !check_integer_calc (p, l->length_if, "the length's condition")))
        return FALSE;
    }
  else if (strcmp (word, "pseudo") == 0)
    return parse_pseudo (p);
  else if (strcmp (word, "route") == 0)
    {
      g_free (p->route_name);
      p->route_name = expect_name (p, "the field holding the destination address");
      if (p->route_name == NULL)
        return FALSE;
      p->route_loc = token_loc (p);
    }
  else if (strcmp (word, "summary") == 0)
    {
      CraftSummary s = { NULL, NULL };
      if (accept_word (p, "if")
          && ((s.condition = parse_expression (p)) == NULL || !check_integer_calc (p, s.condition, "a condition")))
        {
          craft__calc_free (s.condition);
          return FALSE;
        }
      if (next (p) != G_TOKEN_STRING)
        {
          craft__calc_free (s.condition);
          return expected (p, "the summary template as a string");
        }
      s.format = g_strdup (p->sc->value.v_string);
      g_array_append_val (l->summaries, s);
      g_array_append_val (p->summary_spans, p->tok_start);
      g_array_append_val (p->summary_spans, p->tok_end);
    }
  else if (strcmp (word, "guard") == 0)
    {
      if (l->guard != NULL)
        return invalid (p, "layer '%s' already has a guard", l->name);
      l->guard = parse_expression (p);
      if (l->guard == NULL || !check_integer_calc (p, l->guard, "the guard"))
        return FALSE;
    }
  else if (strcmp (word, "wireshark") == 0)
    {
      if (next (p) != G_TOKEN_STRING)
        return expected (p, "Wireshark's name for the protocol, as a string like \"ip\"");
      if (!valid_filter_name (p->sc->value.v_string))
        return invalid (p, "'%s' is not a Wireshark protocol name (lower-case letters, digits, '_', '-', '.')",
                        p->sc->value.v_string);
      g_free (l->wireshark_name);
      l->wireshark_name = g_strdup (p->sc->value.v_string);
    }
  else if (strcmp (word, "wireshark_table") == 0)
    {
      if (!expect_pending_name (p, "the field whose value selects the layer above"))
        return FALSE;
      if (next (p) != G_TOKEN_STRING)
        return expected (p, "the Wireshark dissector table, as a string like \"udp.port\"");
      if (!valid_filter_name (p->sc->value.v_string))
        return invalid (p, "'%s' is not a Wireshark table name", p->sc->value.v_string);
      g_ptr_array_add (p->pending_names, g_strdup (p->sc->value.v_string));
      g_array_set_size (p->pending_locs, p->pending_locs->len + 1);
    }
  else if (strcmp (word, "wireshark_addresses") == 0)
    {
      g_autofree char *scope = expect_name (p, "'link' or 'network'");
      if (scope == NULL)
        return FALSE;
      if (strcmp (scope, "link") != 0 && strcmp (scope, "network") != 0)
        return invalid (p, "expected 'link' or 'network', found '%s'", scope);
      l->wireshark_network = scope[0] == 'n';
      /* Marked with two pending names, resolved into the source and destination. */
      if (!expect_pending_name (p, "the source address field") || !expect_pending_name (p, "the destination address field"))
        return FALSE;
      g_ptr_array_add (p->pending_names, NULL);
      g_array_set_size (p->pending_locs, p->pending_locs->len + 1);
    }
  else if (strcmp (word, "element") == 0)
    return parse_element (p);
  else if (strcmp (word, "fallback") == 0)
    l->fallback = TRUE;
  else if (strcmp (word, "trailer") == 0)
    l->trailer = TRUE;
  else if (strcmp (word, "stream") == 0)
    l->stream = TRUE;
  else if (is_answer_statement (word))
    return parse_answer_statement (p, word);
  else if (strcmp (word, "heuristic") == 0)
    return parse_heuristic (p);
  else
    return fail (p, "expected a field ('name: type') or one of description, length, pseudo, route, "
                    "summary, guard, wireshark, wireshark_table, wireshark_addresses, answer, answers, "
                    "quotes, identity, resolve, element, fallback, trailer, stream, heuristic; found '%s'", word);
  return expect_char (p, ';', "at the end of the statement");
}

/* Resolves the field names in `c`; `before` limits them to fields declared
 * before that index (sizes and conditions are read while dissecting). */
static gboolean
resolve_calc (Pdl *p, CraftCalc *c, guint before, const char *role)
{
  if (c == NULL)
    return TRUE;
  if (c->name != NULL)
    {
      gint index = craft__layer_def_field_index (p->layer, c->name);
      if (index < 0)
        return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (c), "'%s' is not a field of layer '%s'", c->name,
                        p->layer->name);
      if ((guint) index >= before)
        return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (c),
                        "%s can only use fields declared before it, and '%s' is not", role, c->name);
      c->field = (guint) index;
    }
  if (!resolve_calc (p, c->a, before, role) || !resolve_calc (p, c->b, before, role))
    return FALSE;
  if (c->items != NULL)
    for (guint i = 0; i < c->items->len; i++)
      if (!resolve_calc (p, g_ptr_array_index (c->items, i), before, role))
        return FALSE;
  return TRUE;
}

/* Checks a summary template's {field} references against the complete
 * layer; the string was written at text[start, end). */
static gboolean
check_summary (Pdl *p, const char *format, gsize start, gsize end)
{
  for (const char *s = strchr (format, '{'); s != NULL; s = strchr (s + 1, '{'))
    {
      const char *close = strchr (s, '}');
      g_autofree char *ref = g_strndup (s + 1, close ? (gsize) (close - s - 1) : strlen (s + 1));
      /* Point at the reference itself when the source shows it as written. */
      g_autofree char *written = g_strdup_printf ("{%s%s", ref, close ? "}" : "");
      const char *found = g_strstr_len (p->text + start, (gssize) (end - start), written);
      Loc at = loc_at (p, found ? (gsize) (found - p->text) : start);
      if (close == NULL)
        return fail_at (p, CRAFT_ERROR_DEFINITION, at, "summary has '{' without '}'");
      if (g_str_has_prefix (ref, "lower."))
        continue;
      /* {LIST.FIELD}: a field of a list's first element, whose layer is known only when read. */
      const char *dot = strchr (ref, '.');
      g_autofree char *list = dot ? g_strndup (ref, (gsize) (dot - ref)) : NULL;
      gint list_index = list ? craft__layer_def_field_index (p->layer, list) : -1;
      if (dot != NULL && list_index >= 0
          && ((const CraftFieldDef *) g_ptr_array_index (p->layer->fields, list_index))->kind->is_list)
        continue;
      if (craft__layer_def_field_index (p->layer, ref) < 0)
        return fail_at (p, CRAFT_ERROR_DEFINITION, at, "summary names '%s', which is not a field of layer '%s'",
                        ref, p->layer->name);
    }
  return TRUE;
}

/* source_ip(FIELD) reads the destination from a field of the same kind. */
static gboolean
check_source_ip (Pdl *p, const CraftFieldDef *f)
{
  const CraftCalc *c = f->default_calc;
  if (c == NULL || c->type != CRAFT_CALC_SOURCE_IP)
    return TRUE;
  const CraftFieldDef *dst = g_ptr_array_index (p->layer->fields, c->field);
  if (dst->kind != f->kind)
    return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (c),
                    "source_ip(%s) fills a field of kind %s from one of kind %s; they must match", dst->name,
                    f->kind->name, dst->kind->name);
  return TRUE;
}

/* A guard is evaluated on the bytes where the layer would start, before
 * anything of it is read and without a packet: it may read only integer
 * fields whose place is fixed (every field before them unconditional and of
 * fixed size), and use no function. Records each field's bit offset in its
 * node and the bytes the guard reads in *bytes. */
static gboolean
check_guard (Pdl *p, CraftCalc *c, guint *bytes)
{
  if (c == NULL)
    return TRUE;
  const CraftLayerDef *l = p->layer;
  const char *what = p->in_heuristic ? "a heuristic" : "a guard";
  /* A heuristic judges the bytes of a payload no binding claimed, and may
   * compare with how many there are (a length field with len(layer)). */
  if (p->in_heuristic && c->type == CRAFT_CALC_LEN && c->span == CRAFT_SPAN_LAYER && !c->request)
    return TRUE;
  static const char *const functions[] = {
    [CRAFT_CALC_LEN] = "len()", [CRAFT_CALC_CHECKSUM] = "inet_checksum()", [CRAFT_CALC_CRC32] = "crc32()",
    [CRAFT_CALC_SOURCE_IP] = "source_ip()", [CRAFT_CALC_SOURCE_MAC] = "source_mac()",
    [CRAFT_CALC_CLOCK_MS] = "clock_ms()", [CRAFT_CALC_NTP_NOW] = "ntp_now()", [CRAFT_CALC_BOUND] = "bound()",
    [CRAFT_CALC_IS_SET] = "is_set()",
  };
  switch (c->type)
    {
    case CRAFT_CALC_CONST:
    case CRAFT_CALC_NEG:
    case CRAFT_CALC_NOT:
    case CRAFT_CALC_BINARY:
    case CRAFT_CALC_SET:
    case CRAFT_CALC_COND:
    case CRAFT_CALC_MAX:
    case CRAFT_CALC_MIN:
      break;
    case CRAFT_CALC_FIELD:
      {
        guint bit = 0;
        for (guint i = 0; i < c->field; i++)
          {
            const CraftFieldDef *g = g_ptr_array_index (l->fields, i);
            if (g->condition != NULL || g->size_mode != CRAFT_SIZE_FIXED || g->bits == 0)
              return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (c),
                              "%s reads only fields at a fixed place: '%s' follows '%s', which is %s", what,
                              c->name, g->name, g->condition != NULL ? "conditional" : "of variable size");
            bit += g->bits;
          }
        const CraftFieldDef *f = g_ptr_array_index (l->fields, c->field);
        if (!f->kind->is_integer)
          return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (c), "%s reads integer fields; '%s' is %s", what,
                          c->name, f->kind->name);
        if (f->condition != NULL)
          return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (c),
                          "%s reads only fields that are always present; '%s' is conditional", what, c->name);
        c->bit = bit;
        *bytes = MAX (*bytes, (bit + f->bits + 7) / 8);
        break;
      }
    default:
      return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (c),
                      "%s is tested on the bytes before the layer is read: it cannot use %s%s", what,
                      (gsize) c->type < G_N_ELEMENTS (functions) && functions[c->type] ? functions[c->type]
                                                                                      : "that function",
                      p->in_heuristic && c->type == CRAFT_CALC_LEN ? " other than len(layer)" : "");
    }
  if (!check_guard (p, c->a, bytes) || !check_guard (p, c->b, bytes))
    return FALSE;
  if (c->items != NULL)
    for (guint i = 0; i < c->items->len; i++)
      if (!check_guard (p, g_ptr_array_index (c->items, i), bytes))
        return FALSE;
  return TRUE;
}

/* Whether every field `c` reads has a fixed place (as a guard needs). */
static gboolean
reads_fixed_fields (const CraftLayerDef *l, const CraftCalc *c)
{
  if (c == NULL)
    return TRUE;
  if (c->type == CRAFT_CALC_FIELD)
    for (guint i = 0; i <= c->field; i++)
      {
        const CraftFieldDef *g = g_ptr_array_index (l->fields, i);
        if (g->condition != NULL || g->size_mode != CRAFT_SIZE_FIXED || g->bits == 0)
          return FALSE;
      }
  if (!reads_fixed_fields (l, c->a) || !reads_fixed_fields (l, c->b))
    return FALSE;
  for (guint i = 0; c->items != NULL && i < c->items->len; i++)
    if (!reads_fixed_fields (l, g_ptr_array_index (c->items, i)))
      return FALSE;
  return TRUE;
}

/* Resolves the names of the answer statements once the layer is complete. */
static gboolean
finish_answer_rules (Pdl *p, CraftLayerDef *l)
{
  guint n = l->fields->len;
  if (!resolve_calc (p, l->answer, n, "an answer rule") || !resolve_calc (p, l->quotes, n, "the quotes condition"))
    return FALSE;
  for (guint i = 0; l->identity != NULL && i < l->identity->len; i++)
    if (!resolve_calc (p, g_ptr_array_index (l->identity, i), n, "identity"))
      return FALSE;
  if (l->resolve_target == NULL)
    return TRUE;
  if (!resolve_calc (p, l->resolve_target, n, "resolve") || !resolve_calc (p, l->resolve_answer, n, "resolve"))
    return FALSE;
  const CraftFieldDef *target = g_ptr_array_index (l->fields, l->resolve_target->field);
  const CraftFieldDef *answer = g_ptr_array_index (l->fields, l->resolve_answer->field);
  if (target->kind->is_integer || (target->bits != 32 && target->bits != 128) || target->kind == &craft__kind_bytes)
    return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (l->resolve_target),
                    "resolve asks about an IPv4 or IPv6 address field; '%s' is %s", target->name,
                    target->kind->name);
  if (answer->kind->is_integer || answer->bits != 48)
    return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (l->resolve_answer),
                    "resolve reads the answer's link address from a mac field; '%s' is %s", answer->name,
                    answer->kind->name);
  return TRUE;
}

/* Once the layer is complete (`at` is its name): resolve names, check widths line up on bytes. */
static gboolean
finish_layer (Pdl *p, Loc at)
{
  CraftLayerDef *l = p->layer;
  guint n = l->fields->len;
  guint bit = 0;           /* bit offset modulo 8 of the next field */
  gboolean bit_known = TRUE;
  for (guint i = 0; i < n; i++)
    {
      CraftFieldDef *f = g_ptr_array_index (l->fields, i);
      if (!resolve_calc (p, f->size_calc, i, "a size") || !check_dissect_calc (p, f->size_calc, "a size")
          || !resolve_calc (p, f->condition, i, "a condition")
          || !check_dissect_calc (p, f->condition, "a condition")
          || !resolve_calc (p, f->default_calc, n, "a default") || !check_source_ip (p, f))
        return FALSE;
      gboolean whole_bytes = !f->kind->is_integer || f->little_endian;
      if (whole_bytes && bit_known && bit != 0)
        return fail_at (p, CRAFT_ERROR_DEFINITION, g_array_index (p->field_locs, Loc, i),
                        "field '%s' of layer '%s' starts %u bits into a byte; addresses, byte strings "
                        "and little-endian integers must start on a byte boundary",
                        f->name, l->name, bit);
      if (f->kind->is_integer)
        {
          if (f->condition != NULL && f->bits % 8 != 0)
            bit_known = FALSE;
          bit = (bit + f->bits) % 8;
        }
    }
  if (bit_known && bit != 0)
    return fail_at (p, CRAFT_ERROR_DEFINITION, at,
                    "the fields of layer '%s' end %u bits into a byte; a header is a whole number of bytes",
                    l->name, bit);
  /* Raw and Padding must take whatever bytes are left, even none, and leave
   * nothing after them: a fixed field could not read a short rest, whose
   * bytes would be lost, and a payload after a trailer would be built before
   * it. */
  if (l->fallback || l->trailer)
    {
      const CraftFieldDef *f = n == 1 ? g_ptr_array_index (l->fields, 0) : NULL;
      if (f == NULL || f->kind != &craft__kind_bytes || f->size_mode != CRAFT_SIZE_REST || f->condition != NULL)
        return fail_at (p, CRAFT_ERROR_DEFINITION, at,
                        "layer '%s' is a %s: its one field is a byte string to its end (load: bytes;)", l->name,
                        l->fallback ? "fallback" : "trailer");
    }
  if (!resolve_calc (p, l->length, n, "the length") || !resolve_calc (p, l->length_if, n, "the length's condition")
      || !resolve_calc (p, l->guard, n, "the guard")
      || !check_guard (p, l->guard, &l->guard_bytes))
    return FALSE;
  p->in_heuristic = TRUE;
  gboolean heuristic_ok = resolve_calc (p, l->heuristic, n, "the heuristic")
                          && check_guard (p, l->heuristic, &l->heuristic_bytes);
  p->in_heuristic = FALSE;
  if (!heuristic_ok)
    return FALSE;
  if (!resolve_calc (p, l->element_if, n, "an element test"))
    return FALSE;
  l->element_if_late = l->element_if != NULL && !reads_fixed_fields (l, l->element_if);
  if (!l->element_if_late && !check_guard (p, l->element_if, &l->element_if_bytes))
    return FALSE;
  for (guint i = 0; i < l->summaries->len; i++)
    {
      CraftSummary *s = &g_array_index (l->summaries, CraftSummary, i);
      if (!resolve_calc (p, s->condition, n, "a summary")
          || !check_summary (p, s->format, g_array_index (p->summary_spans, gsize, 2 * i),
                             g_array_index (p->summary_spans, gsize, 2 * i + 1)))
        return FALSE;
    }
  if (l->pseudo != NULL)
    for (guint i = 0; i < l->pseudo->len; i++)
      {
        CraftPseudoItem *item = &g_array_index (l->pseudo, CraftPseudoItem, i);
        if (!resolve_calc (p, item->calc, n, "the pseudo-header"))
          return FALSE;
        if (item->bits == 0)
          {
            /* A bare field name: its encoded bytes. */
            CraftFieldDef *f = g_ptr_array_index (l->fields, item->calc->field);
            if (f->bits == 0 || f->bits % 8 != 0)
              return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (item->calc),
                              "pseudo-header field '%s' must be whole bytes of fixed size", f->name);
            item->field = (gint) item->calc->field;
          }
      }
  for (guint i = 0; l->pseudo_overrides != NULL && i < l->pseudo_overrides->len; i++)
    {
      CraftPseudoOverride *o = &g_array_index (l->pseudo_overrides, CraftPseudoOverride, i);
      if (!resolve_calc (p, o->field, n, "the pseudo-header") || !resolve_calc (p, o->condition, n, "a condition"))
        return FALSE;
      const CraftFieldDef *f = g_ptr_array_index (l->fields, o->field->field);
      if (f->kind->is_integer)
        return fail_at (p, CRAFT_ERROR_DEFINITION, calc_loc (o->field),
                        "a pseudo-header item is replaced by an address or byte-string field; '%s' is %s", f->name,
                        f->kind->name);
    }
  if (!resolve_wireshark_names (p, l) || !finish_answer_rules (p, l))
    return FALSE;
  if (p->route_name != NULL)
    {
      l->route_field = craft__layer_def_field_index (l, p->route_name);
      if (l->route_field < 0)
        return fail_at (p, CRAFT_ERROR_DEFINITION, p->route_loc, "'%s' is not a field of layer '%s'",
                        p->route_name, l->name);
      const CraftFieldDef *f = g_ptr_array_index (l->fields, l->route_field);
      if (f->kind->is_integer || f->kind == &craft__kind_bytes || f->bits == 48)
        return fail_at (p, CRAFT_ERROR_DEFINITION, p->route_loc,
                        "route needs an IPv4 or IPv6 address field; '%s' is %s", f->name, f->kind->name);
    }
  return TRUE;
}

static gboolean
parse_layer (Pdl *p)
{
  g_autofree char *name = expect_name (p, "the layer's name");
  if (name == NULL)
    return FALSE;
  Loc at = token_loc (p);
  if (g_hash_table_contains (p->layer_index, name))
    return invalid (p, "layer '%s' is defined twice in this file", name);
  CraftLayerDef *l = g_new0 (CraftLayerDef, 1);
  l->name = g_strdup (name);
  l->file = g_strdup (p->origin);
  l->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  l->summaries = g_array_new (FALSE, FALSE, sizeof (CraftSummary));
  l->route_field = -1;
  l->wireshark_source = -1;
  l->wireshark_destination = -1;
  g_ptr_array_add (p->layers, l);
  g_array_append_val (p->layer_locs, at);
  g_hash_table_insert (p->layer_index, l->name, GUINT_TO_POINTER (p->layers->len));
  p->layer = l;
  g_array_set_size (p->field_locs, 0);
  g_array_set_size (p->summary_spans, 0);
  g_clear_pointer (&p->route_name, g_free);
  g_ptr_array_set_size (p->pending_names, 0);
  g_array_set_size (p->pending_locs, 0);
  if (peek (p) == G_TOKEN_STRING)
    {
      if (next (p) != G_TOKEN_STRING)
        return FALSE;
      l->title = g_strdup (p->sc->value.v_string);
    }
  else
    l->title = g_strdup (name);
  l->description = g_strdup (l->title);
  if (!expect_char (p, '{', "to open the layer"))
    return FALSE;
  while (!accept_char (p, '}'))
    {
      GTokenType t = next (p);
      if (t == G_TOKEN_EOF)
        return fail (p, "end of file inside layer '%s' (opened on line %u): expected a field, a statement or '}'",
                     name, at.line);
      if (t != G_TOKEN_IDENTIFIER)
        return expected (p, "a field name, a statement or '}'");
      g_autofree char *word = g_strdup (p->sc->value.v_identifier);
      Loc word_at = token_loc (p);
      gboolean ok = accept_char (p, ':') ? parse_field (p, word, word_at) : parse_layer_statement (p, word);
      if (!ok)
        return FALSE;
    }
  return finish_layer (p, at);
}

/* ---- bindings ---- */

/* The layer a name means now: this file's, else the registry's. */
static const CraftLayerDef *
lookup_layer (Pdl *p, const char *name)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (p->layer_index, name));
  return index > 0 ? g_ptr_array_index (p->layers, index - 1) : craft_registry_lookup_layer (p->reg, name);
}

/* Checks that `value` suits field `index` of `lower`; if not, says why in *why. */
static gboolean
binding_fits (const CraftLayerDef *lower, guint index, guint64 value, char **why)
{
  const CraftFieldDef *f = g_ptr_array_index (lower->fields, index);
  g_autoptr (GError) error = NULL;
  if (!f->kind->is_integer)
    *why = g_strdup_printf ("bindings can only test integer fields; '%s.%s' is %s", lower->name, f->name,
                            f->kind->name);
  else if (!craft__field_check_int (f, value, &error))
    *why = g_strdup (error->message);
  else
    return TRUE;
  return FALSE;
}

static gboolean
parse_bind (Pdl *p)
{
  CraftBinding b = { 0 };
  b.file = g_strdup (p->origin);
  gboolean ok = FALSE;
  const CraftLayerDef *lower = NULL;
  g_autofree char *lower_name = expect_name (p, "'linktype' or the lower layer's name");
  if (lower_name == NULL)
    goto out;
  Loc at = token_loc (p);
  b.line = at.line;
  b.column = at.column;
  if (strcmp (lower_name, "linktype") == 0)
    {
      if (!expect_int (p, "the link type number (DLT_*)", &b.value))
        goto out;
      if (b.value > G_MAXINT)
        {
          invalid (p, "a link type is 0 to %d", G_MAXINT);
          goto out;
        }
    }
  else
    {
      lower = lookup_layer (p, lower_name);
      if (lower == NULL)
        {
          invalid (p, "no layer named '%s' is loaded (a binding can only name layers defined earlier)",
                   lower_name);
          goto out;
        }
      b.lower_name = g_strdup (lower_name);
      if (!expect_char (p, '.', "between the layer and its field"))
        goto out;
      b.field_name = expect_name (p, "the lower layer's field");
      if (b.field_name == NULL)
        goto out;
      b.field = craft__layer_def_field_index (lower, b.field_name);
      if (b.field < 0)
        {
          invalid (p, "layer '%s' has no field '%s'", lower_name, b.field_name);
          goto out;
        }
      if (!expect_char (p, '=', "('==')") || !expect_char (p, '=', "('==')"))
        goto out;
      if (!expect_int (p, "the field's value", &b.value))
        goto out;
      g_autofree char *why = NULL;
      if (!binding_fits (lower, (guint) b.field, b.value, &why))
        {
          invalid (p, "%s", why);
          goto out;
        }
    }
  if (!expect_char (p, '-', "('->')") || !expect_char (p, '>', "('->')"))
    goto out;
  b.upper_name = expect_name (p, "the upper layer's name");
  if (b.upper_name == NULL)
    goto out;
  if (lookup_layer (p, b.upper_name) == NULL)
    {
      invalid (p, "no layer named '%s' is loaded (a binding can only name layers defined earlier)", b.upper_name);
      goto out;
    }
  if (accept_word (p, "for"))
    {
      if (!accept_word (p, "dissect"))
        {
          next (p);
          expected (p, "'dissect' after 'for'");
          goto out;
        }
      b.dissect_only = TRUE;
    }
  ok = expect_char (p, ';', "after the binding");
out:
  g_array_append_val (p->bindings, b);
  return ok;
}

/* Before committing: every binding, old or new, must still fit the layer
 * its lower name will mean once this file's layers replace earlier ones. */
static gboolean
check_binding (Pdl *p, const CraftBinding *b)
{
  guint index = b->lower_name ? GPOINTER_TO_UINT (g_hash_table_lookup (p->layer_index, b->lower_name)) : 0;
  if (index == 0)
    return TRUE; /* not replaced: it was checked when its file loaded */
  const CraftLayerDef *l = g_ptr_array_index (p->layers, index - 1);
  gint field = craft__layer_def_field_index (l, b->field_name);
  g_autofree char *why = NULL;
  if (field < 0)
    why = g_strdup_printf ("it has no field '%s'", b->field_name);
  else if (binding_fits (l, (guint) field, b->value, &why))
    return TRUE;
  return fail_at (p, CRAFT_ERROR_DEFINITION, g_array_index (p->layer_locs, Loc, index - 1),
                  "layer '%s' no longer fits the binding %s.%s == %" G_GUINT64_FORMAT " -> %s (%s:%u:%u): %s", l->name,
                  b->lower_name, b->field_name, b->value, b->upper_name, b->file, b->line, b->column, why);
}

static gboolean
parse_file (Pdl *p)
{
  for (;;)
    {
      GTokenType t = next (p);
      if (t == G_TOKEN_EOF)
        break;
      if (t != G_TOKEN_IDENTIFIER)
        return expected (p, "'layer', 'enum' or 'bind'");
      const char *word = p->sc->value.v_identifier;
      gboolean ok;
      if (strcmp (word, "layer") == 0)
        ok = parse_layer (p);
      else if (strcmp (word, "enum") == 0)
        ok = parse_enum (p);
      else if (strcmp (word, "bind") == 0)
        ok = parse_bind (p);
      else
        ok = expected (p, "'layer', 'enum' or 'bind'");
      if (!ok)
        return FALSE;
    }
  for (guint i = 0; i < p->reg->bindings->len; i++)
    if (!check_binding (p, &g_array_index (p->reg->bindings, CraftBinding, i)))
      return FALSE;
  for (guint i = 0; i < p->bindings->len; i++)
    if (!check_binding (p, &g_array_index (p->bindings, CraftBinding, i)))
      return FALSE;
  return p->error == NULL;
}

static void
scanner_message (GScanner *sc, gchar *message, gboolean is_error)
{
  /* Errors are reported through GError; GScanner's own messages would go to stderr. */
}

static void
binding_clear (CraftBinding *b)
{
  g_free (b->lower_name);
  g_free (b->field_name);
  g_free (b->upper_name);
  g_free (b->file);
}

/* Text that is not valid UTF-8 or holds a NUL byte: an error at that byte. */
static gboolean
check_text (const char *origin, const char *text, gsize length, GError **error)
{
  const char *bad;
  if (g_utf8_validate (text, (gssize) length, &bad))
    return TRUE;
  guint line = 1;
  const char *line_start = text;
  for (const char *s = text; s < bad; s++)
    if (*s == '\n')
      line++, line_start = s + 1;
  guint column = (guint) g_utf8_strlen (line_start, bad - line_start) + 1;
  if (*bad == '\0')
    craft_error_set_at (error, CRAFT_ERROR_SYNTAX, origin, line, column, "definition text contains a NUL byte");
  else
    craft_error_set_at (error, CRAFT_ERROR_SYNTAX, origin, line, column,
                        "definition text is not valid UTF-8 (byte 0x%02x)", (guint8) *bad);
  return FALSE;
}

gboolean
craft__pdl_load (CraftRegistry *reg, const char *origin, const char *text, gsize length, GError **error)
{
  if (!check_text (origin, text, length, error))
    return FALSE;
  if (length > G_MAXUINT)
    {
      craft_error_set_at (error, CRAFT_ERROR_SYNTAX, origin, 1, 1, "definition text is too large");
      return FALSE;
    }
  Pdl p = { 0 };
  p.origin = origin;
  p.text = text;
  p.length = length;
  p.reg = reg;
  p.layers = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__layer_def_free);
  p.layer_locs = g_array_new (FALSE, FALSE, sizeof (Loc));
  p.layer_index = g_hash_table_new (g_str_hash, g_str_equal);
  p.enums = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__enum_free);
  p.enum_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  p.bindings = g_array_new (FALSE, TRUE, sizeof (CraftBinding));
  g_array_set_clear_func (p.bindings, (GDestroyNotify) binding_clear);
  p.field_locs = g_array_new (FALSE, FALSE, sizeof (Loc));
  p.summary_spans = g_array_new (FALSE, FALSE, sizeof (gsize));
  p.pending_names = g_ptr_array_new_with_free_func (g_free);
  p.pending_locs = g_array_new (FALSE, FALSE, sizeof (Loc));
  p.loc.line = 1;
  p.loc.column = 1;

  p.sc = g_scanner_new (NULL);
  GScannerConfig *cfg = p.sc->config;
  cfg->cset_skip_characters = " \t\r\n";
  cfg->cset_identifier_first = G_CSET_a_2_z "_" G_CSET_A_2_Z;
  cfg->cset_identifier_nth = G_CSET_a_2_z "_" G_CSET_A_2_Z "0123456789";
  cfg->cpair_comment_single = "#\n";
  cfg->scan_identifier_1char = TRUE;
  cfg->scan_float = FALSE;
  cfg->scan_octal = FALSE;
  cfg->scan_binary = FALSE;
  cfg->numbers_2_int = TRUE;
  cfg->int_2_float = FALSE;
  cfg->store_int64 = TRUE;
  cfg->scan_string_sq = FALSE;
  cfg->char_2_token = TRUE;
  cfg->scan_symbols = FALSE; /* no symbols are added: do not look each identifier up */
  p.sc->msg_handler = scanner_message;
  g_scanner_input_text (p.sc, text, (guint) length);

  gboolean ok = parse_file (&p);
  if (ok)
    {
      /* What the commit changes, to undo it if the list defaults, which
       * need the committed layers, do not build. */
      g_autoptr (GPtrArray) layers_before = g_ptr_array_copy (reg->layers, NULL, NULL);
      g_autoptr (GPtrArray) shadowed = g_ptr_array_new ();
      for (guint i = 0; i < p.layers->len; i++)
        g_ptr_array_add (shadowed, g_hash_table_lookup (reg->layer_by_name,
                                                        ((CraftLayerDef *) g_ptr_array_index (p.layers, i))->name));
      for (guint i = 0; i < p.enums->len; i++)
        g_ptr_array_add (shadowed, (gpointer) craft__registry_lookup_enum (
                                     reg, ((CraftEnum *) g_ptr_array_index (p.enums, i))->name));
      const CraftLayerDef *fallback_before = reg->fallback, *trailer_before = reg->trailer;
      guint n_enums = p.enums->len, n_layers = p.layers->len, n_bindings = p.bindings->len;
      g_autoptr (GPtrArray) names = g_ptr_array_new ();
      for (guint i = 0; i < n_layers; i++)
        g_ptr_array_add (names, ((CraftLayerDef *) g_ptr_array_index (p.layers, i))->name);
      for (guint i = 0; i < n_enums; i++)
        g_ptr_array_add (names, ((CraftEnum *) g_ptr_array_index (p.enums, i))->name);

      /* Commit: the registry takes every new enum, layer and binding. The
       * bindings go in as one block ahead of earlier files', in the file's
       * order, as craft__registry_add_binding() would put them one by one. */
      for (guint i = 0; i < p.enums->len; i++)
        craft__registry_add_enum (reg, g_ptr_array_index (p.enums, i));
      g_ptr_array_set_free_func (p.enums, NULL);
      for (guint i = 0; i < p.layers->len; i++)
        craft__registry_add_layer (reg, g_ptr_array_index (p.layers, i));
      g_ptr_array_set_free_func (p.layers, NULL);
      if (p.bindings->len > 0)
        {
          g_array_prepend_vals (reg->bindings, p.bindings->data, p.bindings->len);
          memset (p.bindings->data, 0, (gsize) p.bindings->len * sizeof (CraftBinding));
        }
      /* Cannot fail: check_binding() saw every binding against the new layers. */
      ok = craft__registry_link (reg, &p.error);
      if (ok && !craft__list_resolve_defaults (reg, origin, &p.error))
        {
          /* Undone: the earlier definitions are back, names and all. The
           * new layers stay in reg->replaced (owned there, unused) and the
           * new enums are freed. */
          ok = FALSE;
          g_ptr_array_set_size (reg->layers, 0);
          g_ptr_array_extend (reg->layers, layers_before, NULL, NULL);
          for (guint i = 0; i < n_layers + n_enums; i++)
            {
              GHashTable *table = i < n_layers ? reg->layer_by_name : reg->enum_by_name;
              gpointer before = g_ptr_array_index (shadowed, i);
              if (before != NULL)
                g_hash_table_replace (table, i < n_layers ? ((CraftLayerDef *) before)->name
                                                          : ((CraftEnum *) before)->name, before);
              else
                g_hash_table_remove (table, g_ptr_array_index (names, i));
            }
          g_ptr_array_remove_range (reg->enums, reg->enums->len - n_enums, n_enums);
          g_array_remove_range (reg->bindings, 0, n_bindings);
          reg->fallback = fallback_before;
          reg->trailer = trailer_before;
          craft__registry_link (reg, NULL);
        }
    }
  if (!ok)
    {
      if (p.error == NULL)
        {
          Loc at = token_loc (&p);
          craft_error_set_at (&p.error, CRAFT_ERROR_SYNTAX, origin, at.line, at.column, "invalid definition");
        }
      g_propagate_error (error, p.error);
    }
  g_scanner_destroy (p.sc);
  /* The tables borrow names from the layers and enums: drop them first. */
  g_hash_table_unref (p.layer_index);
  g_hash_table_unref (p.enum_by_name);
  g_ptr_array_unref (p.layers);
  g_array_unref (p.layer_locs);
  g_ptr_array_unref (p.enums);
  g_array_unref (p.bindings);
  g_array_unref (p.field_locs);
  g_array_unref (p.summary_spans);
  g_clear_pointer (&p.line_starts, g_array_unref);
  g_free (p.route_name);
  g_ptr_array_unref (p.pending_names);
  g_array_unref (p.pending_locs);
  return ok;
}
