/* Recursive-descent parser turning a Scapy-style packet expression into a syntax tree. */
#include <string.h>

#include <craft/error.h>

#include "expr-ast.h"

/* The lexer works on the raw NUL-terminated text rather than through GScanner
 * because Python's literals (prefixed and escaped strings, '_' in integers,
 * 0o and 0b prefixes) do not fit GScanner's C-like rules. Every look-ahead
 * reads one byte at a time and stops at the first NUL, so no path can read
 * past the end of the text. */

typedef enum {
  TOK_EOF,
  TOK_NAME,
  TOK_INT,
  TOK_FLOAT,             /* a decimal number with a fraction or an exponent: its text is start..end */
  TOK_STR,
  TOK_BYTES,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_LBRACKET,
  TOK_RBRACKET,
  TOK_COMMA,
  TOK_SLASH,
  TOK_EQUALS,
  TOK_MINUS,
} TokenType;

typedef struct {
  TokenType type;
  gsize start;           /* byte offset of the first character */
  gsize end;             /* byte offset one past the last character */
  guint64 magnitude;     /* INT: the value, without sign */
  gboolean overflow;     /* INT: the literal does not fit 64 bits */
  GByteArray *contents;  /* STR, BYTES: the decoded contents (owned until taken) */
} Token;

/* An open bracket, remembered so that errors can say which one is unclosed
 * or mismatched. */
typedef struct {
  char bracket;
  gsize offset;
} OpenBracket;

typedef struct {
  const char *text;
  gsize length;
  Token tok;
  guint depth;
  OpenBracket open[CRAFT_EXPR_MAX_DEPTH];
  GError **error;
} Parser;

static guint
column_of (gsize offset)
{
  /* Columns are guint in the error and the tree; an expression longer than
   * 4 GiB is not a realistic input, but it must not wrap around to 0. */
  return offset >= G_MAXUINT32 ? G_MAXUINT32 : (guint) offset + 1;
}

static void
syntax_error (Parser *p, gsize offset, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
syntax_error (Parser *p, gsize offset, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  craft_error_set_at (p->error, CRAFT_ERROR_SYNTAX, NULL, 0, column_of (offset), "%s", message);
}

static gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
digit_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
is_digit_of_base (char c, guint base)
{
  int v = digit_value (c);
  return v >= 0 && (guint) v < base;
}

static gsize
skip_space (const Parser *p, gsize pos)
{
  while (is_space (p->text[pos]))
    pos++;
  return pos;
}

/* A plain-words description of the byte at `offset`, for "unexpected ..."
 * messages: the character itself when it is printable ASCII or a valid UTF-8
 * sequence, its hexadecimal value otherwise. */
static char *
describe_char (const Parser *p, gsize offset)
{
  guchar c = (guchar) p->text[offset];
  if (c >= 0x20 && c < 0x7f)
    return g_strdup_printf ("character '%c'", c);
  if (c >= 0x80)
    {
      gunichar u = g_utf8_get_char_validated (p->text + offset, (gssize) (p->length - offset));
      if (u != (gunichar) -1 && u != (gunichar) -2)
        {
          const char *next = g_utf8_next_char (p->text + offset);
          return g_strdup_printf ("character '%.*s'", (int) (next - (p->text + offset)),
                                  p->text + offset);
        }
    }
  return g_strdup_printf ("byte 0x%02X", c);
}

/* ---- Lexer: integers ---- */

/* The rest of a decimal float after its integer digits (at `pos`): Python's
 * `1.5`, `2.`, `1e9`, `3.9e+09`. Only NTP timestamps take one. */
static gboolean
lex_float (Parser *p, gsize start, gsize pos)
{
  const char *t = p->text;
  if (t[pos] == '.')
    {
      pos++;
      /* '_' only between two digits, as in Python. */
      while (g_ascii_isdigit (t[pos])
             || (t[pos] == '_' && g_ascii_isdigit (t[pos - 1]) && g_ascii_isdigit (t[pos + 1])))
        pos++;
    }
  if (t[pos] == 'e' || t[pos] == 'E')
    {
      pos++;
      if (t[pos] == '+' || t[pos] == '-')
        pos++;
      if (!g_ascii_isdigit (t[pos]))
        {
          syntax_error (p, start, "invalid decimal literal: an exponent needs digits");
          return FALSE;
        }
      while (g_ascii_isdigit (t[pos]))
        pos++;
    }
  if (is_name_char (t[pos]) || t[pos] == '.')
    {
      syntax_error (p, start, "invalid decimal literal");
      return FALSE;
    }
  p->tok.type = TOK_FLOAT;
  p->tok.end = pos;
  return TRUE;
}

static gboolean
lex_number (Parser *p, gsize start)
{
  const char *t = p->text;
  gsize pos = start;
  guint base = 10;
  const char *kind = "decimal";

  if (t[pos] == '0' && (t[pos + 1] == 'x' || t[pos + 1] == 'X'))
    base = 16, kind = "hexadecimal";
  else if (t[pos] == '0' && (t[pos + 1] == 'o' || t[pos + 1] == 'O'))
    base = 8, kind = "octal";
  else if (t[pos] == '0' && (t[pos + 1] == 'b' || t[pos + 1] == 'B'))
    base = 2, kind = "binary";

  /* Python puts '_' between digits, or between a base prefix and the first
   * digit (0x_ff); never two in a row, never at the end. */
  gboolean underscore_ok = base != 10;
  gboolean nonzero_seen = FALSE;
  guint ndigits = 0;
  guint64 value = 0;
  gboolean overflow = FALSE;
  if (base != 10)
    pos += 2;
  for (;;)
    {
      char c = t[pos];
      if (c == '_' && underscore_ok && is_digit_of_base (t[pos + 1], base))
        {
          pos++;
          continue;
        }
      if (!is_digit_of_base (c, base))
        break;
      guint d = (guint) digit_value (c);
      if (value > (G_MAXUINT64 - d) / base)
        overflow = TRUE;
      else
        value = value * base + d;
      nonzero_seen |= d != 0;
      ndigits++;
      underscore_ok = TRUE;
      pos++;
    }

  if (base == 10 && ndigits > 0 && (t[pos] == '.' || t[pos] == 'e' || t[pos] == 'E'))
    return lex_float (p, start, pos);
  if (ndigits == 0 || is_name_char (t[pos]))
    {
      if ((base == 2 || base == 8) && g_ascii_isdigit (t[pos]))
        syntax_error (p, start, "invalid digit '%c' in %s literal", t[pos], kind);
      else
        syntax_error (p, start, "invalid %s literal", kind);
      return FALSE;
    }
  if (t[pos] == '.')
    {
      syntax_error (p, start, "invalid %s literal: a fraction is written in decimal", kind);
      return FALSE;
    }
  if (base == 10 && t[start] == '0' && nonzero_seen)
    {
      syntax_error (p, start, "leading zeros in decimal integer literals are not permitted; "
                              "use an 0o prefix for octal integers");
      return FALSE;
    }

  p->tok.type = TOK_INT;
  p->tok.end = pos;
  p->tok.magnitude = value;
  p->tok.overflow = overflow;
  return TRUE;
}

/* ---- Lexer: strings and bytes ---- */

static void
append_code_point (GByteArray *out, gunichar u)
{
  char utf8[6];
  int n = g_unichar_to_utf8 (u, utf8);
  g_byte_array_append (out, (const guint8 *) utf8, (guint) n);
}

/* Reads exactly `count` hexadecimal digits at `pos`; stops at the first
 * non-digit, so a NUL ends the scan before anything past it is read. */
static gboolean
read_hex (const char *t, gsize pos, guint count, guint32 *value)
{
  guint32 v = 0;
  for (guint i = 0; i < count; i++)
    {
      int d = digit_value (t[pos + i]);
      if (d < 0)
        return FALSE;
      v = v * 16 + (guint32) d;
    }
  *value = v;
  return TRUE;
}

/* Decodes the escape whose backslash is at `pos` into `out`, and returns the
 * offset where scanning resumes, or 0 on error (0 is never a valid resume
 * point: the opening quote comes first). */
static gsize
lex_escape (Parser *p, gsize pos, gboolean is_bytes, GByteArray *out)
{
  const char *t = p->text;
  char e = t[pos + 1];
  guint8 byte;

  switch (e)
    {
    case '\n':
      return pos + 2; /* a backslash before a newline continues the literal */
    case '\r':
      return t[pos + 2] == '\n' ? pos + 3 : pos + 2;
    case '\\': byte = '\\'; break;
    case '\'': byte = '\''; break;
    case '"': byte = '"'; break;
    case 'a': byte = '\a'; break;
    case 'b': byte = '\b'; break;
    case 'f': byte = '\f'; break;
    case 'n': byte = '\n'; break;
    case 'r': byte = '\r'; break;
    case 't': byte = '\t'; break;
    case 'v': byte = '\v'; break;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
      {
        guint value = 0;
        gsize end = pos + 1;
        while (end < pos + 4 && t[end] >= '0' && t[end] <= '7')
          value = value * 8 + (guint) (t[end++] - '0');
        /* Python still accepts these but deprecates them, and wraps the value
         * to a byte in bytes literals: an error is safer than a silent change. */
        if (value > 0377)
          {
            syntax_error (p, pos, "octal escape '\\%.*s' is larger than \\377",
                          (int) (end - pos - 1), t + pos + 1);
            return 0;
          }
        if (is_bytes)
          {
            byte = (guint8) value;
            g_byte_array_append (out, &byte, 1);
          }
        else
          append_code_point (out, value);
        return end;
      }
    case 'x':
      {
        guint32 value;
        if (!read_hex (t, pos + 2, 2, &value))
          {
            syntax_error (p, pos, "truncated \\xXX escape: '\\x' needs two hexadecimal digits");
            return 0;
          }
        /* In a string \xHH is the code point U+00HH, so it becomes two bytes
         * of UTF-8 when HH >= 0x80; in bytes it is the byte itself. */
        if (is_bytes)
          {
            byte = (guint8) value;
            g_byte_array_append (out, &byte, 1);
          }
        else
          append_code_point (out, value);
        return pos + 4;
      }
    case 'u':
    case 'U':
      {
        if (is_bytes)
          goto keep_backslash; /* not an escape in bytes, as in Python */
        guint count = e == 'u' ? 4 : 8;
        guint32 value;
        if (!read_hex (t, pos + 2, count, &value))
          {
            syntax_error (p, pos, "truncated \\%c escape: '\\%c' needs %u hexadecimal digits", e,
                          e, count);
            return 0;
          }
        if (value > 0x10FFFF)
          {
            syntax_error (p, pos, "illegal Unicode character '\\%c%.*s'", e, (int) count,
                          t + pos + 2);
            return 0;
          }
        /* Python allows lone surrogates in str, but they have no UTF-8 form. */
        if (value >= 0xD800 && value <= 0xDFFF)
          {
            syntax_error (p, pos, "surrogate '\\%c%.*s' cannot be encoded as UTF-8", e,
                          (int) count, t + pos + 2);
            return 0;
          }
        append_code_point (out, value);
        return pos + 2 + count;
      }
    case 'N':
      if (is_bytes)
        goto keep_backslash;
      syntax_error (p, pos, "\\N{...} escapes are not supported; use \\u or \\U");
      return 0;
    default:
      goto keep_backslash;
    }
  g_byte_array_append (out, &byte, 1);
  return pos + 2;

keep_backslash:
  /* Python keeps an unknown escape as written. Only the backslash is taken
   * here: the character after it is scanned normally, so a quote, a newline
   * or the end of text still ends or breaks the literal as anywhere else. */
  g_byte_array_append (out, (const guint8 *) "\\", 1);
  return pos + 1;
}

/* Appends the line break at `pos` as a single '\n' and returns the offset
 * after it: Python reads source with universal newlines, so "\r\n" and "\r"
 * inside a literal mean "\n". */
static gsize
take_newline (const char *t, gsize pos, GByteArray *out)
{
  g_byte_array_append (out, (const guint8 *) "\n", 1);
  if (t[pos] == '\r' && t[pos + 1] == '\n')
    return pos + 2;
  return pos + 1;
}

/* Lexes a string or bytes literal whose opening quote is at `quote`. */
static gboolean
lex_string (Parser *p, gsize quote, gboolean raw, gboolean is_bytes)
{
  const char *t = p->text;
  char q = t[quote];
  gboolean triple = t[quote + 1] == q && t[quote + 2] == q;
  gsize pos = quote + (triple ? 3 : 1);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  for (;;)
    {
      char c = t[pos];
      if (c == '\0' || (!triple && (c == '\n' || c == '\r')))
        {
          syntax_error (p, quote, "unterminated %s", is_bytes ? "bytes literal" : "string");
          return FALSE;
        }
      if (c == q && (!triple || (t[pos + 1] == q && t[pos + 2] == q)))
        {
          pos += triple ? 3 : 1;
          break;
        }
      if (c == '\\' && !raw)
        {
          pos = lex_escape (p, pos, is_bytes, out);
          if (pos == 0)
            return FALSE;
          continue;
        }
      if (c == '\\' && raw && t[pos + 1] != '\0')
        {
          /* In a raw literal a backslash still protects the next character
           * from ending the literal (r"\"" is a backslash and a quote), and
           * both are kept. */
          g_byte_array_append (out, (const guint8 *) "\\", 1);
          c = t[++pos];
        }
      if (c == '\n' || c == '\r')
        {
          pos = take_newline (t, pos, out);
          continue;
        }
      if (is_bytes && (guchar) c >= 0x80)
        {
          syntax_error (p, pos, "bytes can only contain ASCII literal characters");
          return FALSE;
        }
      g_byte_array_append (out, (const guint8 *) &c, 1);
      pos++;
    }

  p->tok.type = is_bytes ? TOK_BYTES : TOK_STR;
  p->tok.end = pos;
  p->tok.contents = g_steal_pointer (&out);
  return TRUE;
}

/* Handles a name that may be a string prefix (b"..", r'..', rb"..", u"..").
 * Returns TRUE with the token filled in, or FALSE with an error set. */
static gboolean
lex_name_or_prefixed_string (Parser *p, gsize start)
{
  const char *t = p->text;
  gsize pos = start;
  while (is_name_char (t[pos]))
    pos++;

  if ((t[pos] == '\'' || t[pos] == '"') && pos - start <= 2)
    {
      gboolean raw = FALSE, is_bytes = FALSE, unicode = FALSE, format = FALSE;
      gboolean valid = TRUE;
      for (gsize i = start; i < pos; i++)
        {
          gboolean *flag;
          switch (g_ascii_tolower (t[i]))
            {
            case 'r': flag = &raw; break;
            case 'b': flag = &is_bytes; break;
            case 'u': flag = &unicode; break;
            case 'f': flag = &format; break;
            default: flag = NULL; break;
            }
          if (flag == NULL || *flag)
            valid = FALSE;
          else
            *flag = TRUE;
        }
      /* Python's prefixes: r, u, b, f and the two-letter br/rb and fr/rf. */
      if (valid && unicode && pos - start > 1)
        valid = FALSE;
      if (valid && is_bytes && format)
        valid = FALSE;
      if (valid && format)
        {
          syntax_error (p, start, "f-strings are not supported");
          return FALSE;
        }
      if (valid)
        return lex_string (p, pos, raw, is_bytes);
    }

  p->tok.type = TOK_NAME;
  p->tok.end = pos;
  return TRUE;
}

/* Moves to the next token, freeing the contents of the current one if the
 * parser did not take them. */
static gboolean
lex_next (Parser *p)
{
  g_clear_pointer (&p->tok.contents, g_byte_array_unref);
  gsize pos = skip_space (p, p->tok.end);
  char c = p->text[pos];

  p->tok.start = pos;
  p->tok.end = pos + 1;
  switch (c)
    {
    case '\0': p->tok.type = TOK_EOF; p->tok.end = pos; return TRUE;
    case '(': p->tok.type = TOK_LPAREN; return TRUE;
    case ')': p->tok.type = TOK_RPAREN; return TRUE;
    case '[': p->tok.type = TOK_LBRACKET; return TRUE;
    case ']': p->tok.type = TOK_RBRACKET; return TRUE;
    case ',': p->tok.type = TOK_COMMA; return TRUE;
    case '/': p->tok.type = TOK_SLASH; return TRUE;
    case '=': p->tok.type = TOK_EQUALS; return TRUE;
    case '-': p->tok.type = TOK_MINUS; return TRUE;
    case '\'':
    case '"':
      return lex_string (p, pos, FALSE, FALSE);
    default:
      break;
    }
  if (g_ascii_isdigit (c))
    return lex_number (p, pos);
  if (is_name_start (c))
    return lex_name_or_prefixed_string (p, pos);

  g_autofree char *what = describe_char (p, pos);
  syntax_error (p, pos, "unexpected %s", what);
  return FALSE;
}

/* ---- Parser ---- */

static gboolean
token_is (const Parser *p, const char *word)
{
  gsize len = strlen (word);
  return p->tok.type == TOK_NAME && p->tok.end - p->tok.start == len
         && memcmp (p->text + p->tok.start, word, len) == 0;
}

static gboolean
token_is_reserved (const Parser *p)
{
  return token_is (p, "None") || token_is (p, "True") || token_is (p, "False");
}

static char *
token_text (const Parser *p)
{
  gsize len = p->tok.end - p->tok.start;
  /* Long names and numbers are cut, so a message stays one readable line. */
  if (len > 24)
    return g_strdup_printf ("'%.*s...'", 20, p->text + p->tok.start);
  return g_strdup_printf ("'%.*s'", (int) len, p->text + p->tok.start);
}

static char *
describe_token (const Parser *p)
{
  switch (p->tok.type)
    {
    case TOK_EOF: return g_strdup ("end of the expression");
    case TOK_STR: return g_strdup ("string");
    case TOK_BYTES: return g_strdup ("bytes literal");
    default: return token_text (p);
    }
}

static char
closing_of (char open)
{
  return open == '(' ? ')' : ']';
}

/* Reports that the current token is not what the grammar allows here. A
 * closing bracket that matches nothing, or the end of text while a bracket is
 * still open, is explained as such, since that is the usual cause. */
static void
error_expected (Parser *p, const char *expected)
{
  const Token *tok = &p->tok;
  if (tok->type == TOK_RPAREN || tok->type == TOK_RBRACKET)
    {
      char close = p->text[tok->start];
      if (p->depth == 0)
        {
          syntax_error (p, tok->start, "unbalanced '%c'", close);
          return;
        }
      const OpenBracket *open = &p->open[p->depth - 1];
      if (closing_of (open->bracket) != close)
        {
          syntax_error (p, tok->start, "unbalanced '%c': '%c' at column %u is not closed", close,
                        open->bracket, column_of (open->offset));
          return;
        }
    }
  if (tok->type == TOK_EOF && p->depth > 0)
    {
      const OpenBracket *open = &p->open[p->depth - 1];
      syntax_error (p, tok->start, "%s ('%c' at column %u is not closed)", expected, open->bracket,
                    column_of (open->offset));
      return;
    }
  syntax_error (p, tok->start, "%s", expected);
}

/* Enters a bracket at the current token; fails when nesting is too deep. */
static gboolean
push_bracket (Parser *p)
{
  if (p->depth >= CRAFT_EXPR_MAX_DEPTH)
    {
      syntax_error (p, p->tok.start, "expression nested too deeply (more than %d levels)",
                    CRAFT_EXPR_MAX_DEPTH);
      return FALSE;
    }
  p->open[p->depth].bracket = p->text[p->tok.start];
  p->open[p->depth].offset = p->tok.start;
  p->depth++;
  return lex_next (p);
}

/* Leaves a bracket: the current token must be its closing one. */
static gboolean
pop_bracket (Parser *p, CraftExprNode *node)
{
  g_assert (p->depth > 0);
  p->depth--;
  node->end_column = column_of (p->tok.end);
  return lex_next (p);
}

static CraftExprNode *
node_new (CraftExprType type, gsize start, gsize end)
{
  CraftExprNode *node = g_new0 (CraftExprNode, 1);
  node->type = type;
  node->column = column_of (start);
  node->end_column = column_of (end);
  return node;
}

static CraftExprNode *
node_new_container (CraftExprType type, gsize start, gsize end)
{
  CraftExprNode *node = node_new (type, start, end);
  node->items = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__expr_node_free);
  return node;
}

static void
keyword_clear (gpointer data)
{
  CraftExprKeyword *keyword = data;
  g_free (keyword->name);
  craft__expr_node_free (keyword->value);
}

static CraftExprNode *parse_value (Parser *p, const char *expected);
static CraftExprNode *parse_stack (Parser *p);

/* One or more adjacent literals of the same kind, concatenated as Python does. */
static CraftExprNode *
parse_literal (Parser *p)
{
  TokenType kind = p->tok.type;
  gsize start = p->tok.start;
  g_autoptr (GByteArray) contents = g_steal_pointer (&p->tok.contents);
  gsize end = p->tok.end;

  if (!lex_next (p))
    return NULL;
  while (p->tok.type == TOK_STR || p->tok.type == TOK_BYTES)
    {
      if (p->tok.type != kind)
        {
          syntax_error (p, p->tok.start, "cannot concatenate a string and a bytes literal");
          return NULL;
        }
      g_byte_array_append (contents, p->tok.contents->data, p->tok.contents->len);
      end = p->tok.end;
      if (!lex_next (p))
        return NULL;
    }

  CraftExprNode *node = node_new (kind == TOK_STR ? CRAFT_EXPR_STR : CRAFT_EXPR_BYTES, start, end);
  node->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&contents));
  return node;
}

/* Whether the name token at the cursor is followed by '=', making it a
 * keyword. The next token is peeked at in the text, which is enough because
 * '=' never starts a longer token. */
static gboolean
name_is_keyword (const Parser *p)
{
  return p->tok.type == TOK_NAME && p->text[skip_space (p, p->tok.end)] == '=';
}

static gboolean
token_starts_value (const Parser *p)
{
  switch (p->tok.type)
    {
    case TOK_NAME:
    case TOK_INT:
    case TOK_FLOAT:
    case TOK_STR:
    case TOK_BYTES:
    case TOK_LPAREN:
    case TOK_LBRACKET:
    case TOK_MINUS:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Parses the arguments of a layer call; the cursor is on its '('. */
static gboolean
parse_arguments (Parser *p, CraftExprNode *layer)
{
  if (!push_bracket (p))
    return FALSE;

  while (p->tok.type != TOK_RPAREN)
    {
      if (name_is_keyword (p))
        {
          if (token_is_reserved (p))
            {
              g_autofree char *text = token_text (p);
              syntax_error (p, p->tok.start, "%s cannot be a keyword", text);
              return FALSE;
            }
          g_autofree char *name = g_strndup (p->text + p->tok.start, p->tok.end - p->tok.start);
          for (guint i = 0; i < layer->keywords->len; i++)
            if (strcmp (g_array_index (layer->keywords, CraftExprKeyword, i).name, name) == 0)
              {
                syntax_error (p, p->tok.start, "keyword argument '%s' repeated", name);
                return FALSE;
              }
          guint column = column_of (p->tok.start);
          if (!lex_next (p) || !lex_next (p)) /* the name, then the '=' */
            return FALSE;
          CraftExprNode *value = parse_value (p, "expected a value after '='");
          if (value == NULL)
            return FALSE;
          CraftExprKeyword keyword = { g_steal_pointer (&name), column, value };
          g_array_append_val (layer->keywords, keyword);
        }
      else
        {
          if (layer->keywords->len > 0 && token_starts_value (p))
            {
              syntax_error (p, p->tok.start, "positional argument follows keyword argument");
              return FALSE;
            }
          CraftExprNode *value = parse_value (p, "expected an argument or ')'");
          if (value == NULL)
            return FALSE;
          g_ptr_array_add (layer->items, value);
        }

      if (p->tok.type == TOK_COMMA)
        {
          if (!lex_next (p))
            return FALSE;
        }
      else if (p->tok.type != TOK_RPAREN)
        {
          error_expected (p, "expected ')' or ','");
          return FALSE;
        }
    }
  return pop_bracket (p, layer);
}

/* A stack operand: a layer, bare or called, or a string or bytes payload. */
static CraftExprNode *
parse_term (Parser *p, const char *expected)
{
  if (p->tok.type == TOK_STR || p->tok.type == TOK_BYTES)
    return parse_literal (p);
  if (p->tok.type != TOK_NAME || token_is_reserved (p))
    {
      error_expected (p, expected);
      return NULL;
    }

  g_autoptr (CraftExprNode) layer = node_new (CRAFT_EXPR_LAYER, p->tok.start, p->tok.end);
  layer->name = g_strndup (p->text + p->tok.start, p->tok.end - p->tok.start);
  layer->items = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__expr_node_free);
  layer->keywords = g_array_new (FALSE, FALSE, sizeof (CraftExprKeyword));
  g_array_set_clear_func (layer->keywords, keyword_clear);
  if (!lex_next (p))
    return NULL;
  if (p->tok.type == TOK_LPAREN && !parse_arguments (p, layer))
    return NULL;
  return g_steal_pointer (&layer);
}

/* term ('/' term)*: one term is returned as itself, more as a STACK. */
static CraftExprNode *
parse_stack (Parser *p)
{
  g_autoptr (CraftExprNode) first = parse_term (p, "expected a layer name, a string or bytes");
  if (first == NULL)
    return NULL;
  if (p->tok.type != TOK_SLASH)
    return g_steal_pointer (&first);

  g_autoptr (CraftExprNode) stack = node_new_container (CRAFT_EXPR_STACK, 0, 0);
  stack->column = first->column;
  g_ptr_array_add (stack->items, g_steal_pointer (&first));
  while (p->tok.type == TOK_SLASH)
    {
      if (!lex_next (p))
        return NULL;
      CraftExprNode *term = parse_term (p, "expected a layer name, a string or bytes after '/'");
      if (term == NULL)
        return NULL;
      stack->end_column = term->end_column;
      g_ptr_array_add (stack->items, term);
    }
  return g_steal_pointer (&stack);
}

static CraftExprNode *
parse_integer (Parser *p)
{
  gsize start = p->tok.start;
  gboolean negative = p->tok.type == TOK_MINUS;

  if (negative && !lex_next (p))
    return NULL;
  if (p->tok.type == TOK_FLOAT)
    {
      /* Kept as written (without '_'), for the field to read. */
      GString *text = g_string_new (negative ? "-" : "");
      for (gsize i = p->tok.start; i < p->tok.end; i++)
        if (p->text[i] != '_')
          g_string_append_c (text, p->text[i]);
      CraftExprNode *node = node_new (CRAFT_EXPR_FLOAT, start, p->tok.end);
      node->bytes = g_string_free_to_bytes (text);
      if (!lex_next (p))
        {
          craft__expr_node_free (node);
          return NULL;
        }
      return node;
    }
  if (p->tok.type != TOK_INT)
    {
      error_expected (p, "expected a number after '-'");
      return NULL;
    }
  /* The magnitude of G_MININT64 is one more than G_MAXINT64. */
  guint64 limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  if (p->tok.overflow || p->tok.magnitude > limit)
    {
      syntax_error (p, start, "integer out of range (a value must fit in 64 bits, signed)");
      return NULL;
    }

  CraftExprNode *node = node_new (CRAFT_EXPR_INT, start, p->tok.end);
  if (!negative)
    node->integer = (gint64) p->tok.magnitude;
  else if (p->tok.magnitude == (guint64) G_MAXINT64 + 1)
    node->integer = G_MININT64;
  else
    node->integer = -(gint64) p->tok.magnitude;
  if (!lex_next (p))
    {
      craft__expr_node_free (node);
      return NULL;
    }
  return node;
}

/* '(' [value (',' value)* [',']] ')' or '[' ... ']'. A parenthesised single
 * value without a comma is the value itself, as in Python. */
static CraftExprNode *
parse_sequence (Parser *p)
{
  gboolean is_list = p->tok.type == TOK_LBRACKET;
  TokenType close = is_list ? TOK_RBRACKET : TOK_RPAREN;
  const char *expected_value = is_list ? "expected a value or ']'" : "expected a value or ')'";
  const char *expected_next = is_list ? "expected ']' or ','" : "expected ')' or ','";
  g_autoptr (CraftExprNode) seq
      = node_new_container (is_list ? CRAFT_EXPR_LIST : CRAFT_EXPR_TUPLE, p->tok.start, p->tok.end);
  gboolean comma_seen = FALSE;

  if (!push_bracket (p))
    return NULL;
  while (p->tok.type != close)
    {
      CraftExprNode *value = parse_value (p, expected_value);
      if (value == NULL)
        return NULL;
      g_ptr_array_add (seq->items, value);
      if (p->tok.type == TOK_COMMA)
        {
          comma_seen = TRUE;
          if (!lex_next (p))
            return NULL;
        }
      else if (p->tok.type != close)
        {
          error_expected (p, expected_next);
          return NULL;
        }
    }
  if (!pop_bracket (p, seq))
    return NULL;

  if (!is_list && !comma_seen && seq->items->len == 1)
    return g_ptr_array_steal_index (seq->items, 0);
  return g_steal_pointer (&seq);
}

/* A field value. `expected` says what the context wants, for the error when
 * the cursor is on something that cannot start a value. */
static CraftExprNode *
parse_value (Parser *p, const char *expected)
{
  switch (p->tok.type)
    {
    case TOK_INT:
    case TOK_FLOAT:
    case TOK_MINUS:
      return parse_integer (p);
    case TOK_STR:
    case TOK_BYTES:
      return parse_literal (p);
    case TOK_LPAREN:
    case TOK_LBRACKET:
      return parse_sequence (p);
    case TOK_NAME:
      {
        CraftExprNode *node = NULL;
        if (token_is (p, "None"))
          node = node_new (CRAFT_EXPR_NONE, p->tok.start, p->tok.end);
        else if (token_is (p, "True") || token_is (p, "False"))
          {
            node = node_new (CRAFT_EXPR_BOOL, p->tok.start, p->tok.end);
            node->integer = token_is (p, "True");
          }
        if (node != NULL)
          {
            if (!lex_next (p))
              {
                craft__expr_node_free (node);
                return NULL;
              }
            return node;
          }
        /* Only a called layer is a value: a bare name is most often a
         * string whose quotes were forgotten (flags=S), so say so. */
        if (p->text[skip_space (p, p->tok.end)] == '(')
          return parse_stack (p);
        g_autofree char *text = token_text (p);
        syntax_error (p, p->tok.start,
                      "%s, not the bare name %s (quote it for a string, or add '()' for a layer)",
                      expected, text);
        return NULL;
      }
    default:
      error_expected (p, expected);
      return NULL;
    }
}

CraftExprNode *
craft__expr_parse (const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  Parser p = { .text = text, .length = strlen (text), .error = error };
  g_autoptr (CraftExprNode) root = NULL;

  if (!lex_next (&p))
    goto out;
  if (p.tok.type == TOK_EOF)
    {
      syntax_error (&p, 0, "empty expression");
      goto out;
    }
  root = parse_stack (&p);
  if (root == NULL)
    goto out;
  if (p.tok.type != TOK_EOF)
    {
      /* Brackets are all closed here, so a closing one has no partner. */
      if (p.tok.type == TOK_RPAREN || p.tok.type == TOK_RBRACKET)
        syntax_error (&p, p.tok.start, "unbalanced '%c'", text[p.tok.start]);
      else
        {
          g_autofree char *what = describe_token (&p);
          syntax_error (&p, p.tok.start, "unexpected %s after the expression", what);
        }
      g_clear_pointer (&root, craft__expr_node_free);
    }

out:
  g_clear_pointer (&p.tok.contents, g_byte_array_unref);
  return g_steal_pointer (&root);
}

void
craft__expr_node_free (CraftExprNode *node)
{
  if (node == NULL)
    return;
  g_clear_pointer (&node->bytes, g_bytes_unref);
  g_free (node->name);
  g_clear_pointer (&node->items, g_ptr_array_unref);
  g_clear_pointer (&node->keywords, g_array_unref);
  g_free (node);
}

const char *
craft__expr_type_name (CraftExprType type)
{
  switch (type)
    {
    case CRAFT_EXPR_INT: return "integer";
    case CRAFT_EXPR_STR: return "string";
    case CRAFT_EXPR_BYTES: return "bytes";
    case CRAFT_EXPR_NONE: return "None";
    case CRAFT_EXPR_BOOL: return "boolean";
    case CRAFT_EXPR_TUPLE: return "tuple";
    case CRAFT_EXPR_LIST: return "list";
    case CRAFT_EXPR_LAYER: return "layer";
    case CRAFT_EXPR_STACK: return "stack";
    case CRAFT_EXPR_FLOAT: return "float";
    }
  return "unknown";
}
