/* The definition-language parser: turns .pdl text into compiled layers, enums and bindings. */
#include "kinds.h"
#include "craft-limits.h"
#include "model.h"
#include "value.h"

#include <string.h>

/* Parser state for one file. Everything new stays here until the whole file
 * has parsed and checked, so a bad file adds nothing to the registry. */
typedef struct {
  GScanner *sc;
  const char *origin;
  const char *text;
  gsize length;
  GArray *line_starts;    /* byte offset of each line's first character */
  CraftRegistry *reg;
  GPtrArray *layers;      /* CraftLayerDef*, owned until committed */
  GPtrArray *enums;       /* CraftEnum*, owned until committed */
  GArray *bindings;       /* CraftBinding, owned until committed */
  CraftLayerDef *layer;   /* the layer being parsed */
  guint n_enums_inline;
  GError *error;
} Pdl;

/* The column where the token just read starts. GScanner reports where a
 * token ends, so walk back over its text. */
static guint
token_start_column (Pdl *p, guint *line_out)
{
  guint line = g_scanner_cur_line (p->sc);
  guint end = g_scanner_cur_position (p->sc);
  *line_out = line;
  if (line == 0 || line > p->line_starts->len || end == 0)
    return end ? end : 1;
  gsize base = g_array_index (p->line_starts, gsize, line - 1);
  gsize last = base + end - 1;
  if (last >= p->length)
    return end;
  gsize i = last;
  switch (p->sc->token)
    {
    case G_TOKEN_IDENTIFIER:
    case G_TOKEN_INT:
      while (i > base && (g_ascii_isalnum (p->text[i - 1]) || p->text[i - 1] == '_'))
        i--;
      break;
    case G_TOKEN_STRING:
      while (i > base && !(p->text[i - 1] == '"' && (i - 1 == base || p->text[i - 2] != '\\')))
        i--;
      if (i > base)
        i--;
      break;
    default:
      break;
    }
  return (guint) (i - base) + 1;
}

static gboolean
fail (Pdl *p, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (Pdl *p, const char *format, ...)
{
  if (p->error != NULL)
    return FALSE;
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  guint line;
  guint column = token_start_column (p, &line);
  craft_error_set_at (&p->error, CRAFT_ERROR_SYNTAX, p->origin, line, column, "%s", message);
  return FALSE;
}

/* Like fail(), at a position saved earlier. */
static gboolean
fail_at (Pdl *p, CraftError code, guint line, guint column, const char *format, ...)
  G_GNUC_PRINTF (5, 6);

static gboolean
fail_at (Pdl *p, CraftError code, guint line, guint column, const char *format, ...)
{
  if (p->error != NULL)
    return FALSE;
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  craft_error_set_at (&p->error, code, p->origin, line, column, "%s", message);
  return FALSE;
}

/* What the token just read looks like in an error message. */
static char *
describe_token (Pdl *p)
{
  switch (p->sc->token)
    {
    case G_TOKEN_EOF: return g_strdup ("end of file");
    case G_TOKEN_IDENTIFIER: return g_strdup_printf ("'%s'", p->sc->value.v_identifier);
    case G_TOKEN_INT: return g_strdup_printf ("%" G_GUINT64_FORMAT, p->sc->value.v_int64);
    case G_TOKEN_STRING: return g_strdup_printf ("\"%s\"", p->sc->value.v_string);
    case G_TOKEN_CHAR: return g_strdup_printf ("'%c'", p->sc->value.v_char);
    case G_TOKEN_ERROR: return g_strdup ("an invalid token");
    default:
      if (p->sc->token < G_TOKEN_NONE)
        return g_strdup_printf ("'%c'", (char) p->sc->token);
      return g_strdup ("an unexpected token");
    }
}

static gboolean
expected (Pdl *p, const char *what)
{
  g_autofree char *got = describe_token (p);
  return fail (p, "expected %s, found %s", what, got);
}

static GTokenType
next (Pdl *p)
{
  return g_scanner_get_next_token (p->sc);
}

static GTokenType
peek (Pdl *p)
{
  return g_scanner_peek_next_token (p->sc);
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

static gboolean
expect_int (Pdl *p, const char *what, guint64 *out)
{
  gboolean negative = accept_char (p, '-');
  if (next (p) != G_TOKEN_INT)
    return expected (p, what);
  *out = negative ? (guint64) - (gint64) p->sc->value.v_int64 : p->sc->value.v_int64;
  return TRUE;
}

/* Byte offset in the text just after the token last read. */
static gsize
current_offset (Pdl *p)
{
  guint line = g_scanner_cur_line (p->sc);
  if (line == 0 || line > p->line_starts->len)
    return p->length;
  return MIN (p->length, g_array_index (p->line_starts, gsize, line - 1) + g_scanner_cur_position (p->sc));
}

/* ---- enumerations ---- */

static CraftEnum *
lookup_enum (Pdl *p, const char *name)
{
  for (guint i = p->enums->len; i-- > 0;)
    {
      CraftEnum *e = g_ptr_array_index (p->enums, i);
      if (strcmp (e->name, name) == 0)
        return e;
    }
  return (CraftEnum *) craft__registry_lookup_enum (p->reg, name);
}

/* Parses `{ name = value, ... }` into `e`. */
static gboolean
parse_enum_body (Pdl *p, CraftEnum *e)
{
  if (!expect_char (p, '{', "to open the list of names"))
    return FALSE;
  while (!accept_char (p, '}'))
    {
      CraftEnumValue v;
      GTokenType t = next (p);
      if (t == G_TOKEN_IDENTIFIER)
        v.name = g_strdup (p->sc->value.v_identifier);
      else if (t == G_TOKEN_STRING)
        v.name = g_strdup (p->sc->value.v_string);
      else
        return expected (p, "a name (identifier or string) or '}'");
      if (craft__enum_lookup_name (e, v.name) != NULL)
        {
          fail (p, "name '%s' appears twice in enum '%s'", v.name, e->name);
          g_free (v.name);
          return FALSE;
        }
      if (!expect_char (p, '=', "after the name") || !expect_int (p, "an integer value", &v.value))
        {
          g_free (v.name);
          return FALSE;
        }
      g_array_append_val (e->values, v);
      if (!accept_char (p, ',') && !peek_char (p, '}'))
        {
          next (p);
          return expected (p, "',' or '}'");
        }
    }
  return TRUE;
}

static CraftEnum *
enum_new (const char *name)
{
  CraftEnum *e = g_new0 (CraftEnum, 1);
  e->name = g_strdup (name);
  e->values = g_array_new (FALSE, FALSE, sizeof (CraftEnumValue));
  return e;
}

static gboolean
parse_enum (Pdl *p)
{
  g_autofree char *name = expect_name (p, "the enum's name");
  if (name == NULL)
    return FALSE;
  CraftEnum *e = enum_new (name);
  g_ptr_array_add (p->enums, e);
  return parse_enum_body (p, e);
}

/* ---- expressions ---- */

static CraftCalc *parse_calc (Pdl *p, guint depth);

static CraftCalc *
calc_new (CraftCalcType type)
{
  CraftCalc *c = g_new0 (CraftCalc, 1);
  c->type = type;
  return c;
}

static CraftCalc *
calc_binary (CraftCalcOp op, CraftCalc *a, CraftCalc *b)
{
  CraftCalc *c = calc_new (CRAFT_CALC_BINARY);
  c->op = op;
  c->a = a;
  c->b = b;
  return c;
}

/* A field reference to resolve once the whole layer is known. */
static CraftCalc *
field_ref (Pdl *p, CraftCalcType type, const char *name)
{
  CraftCalc *c = calc_new (type);
  c->name = g_strdup (name);
  c->line = g_scanner_cur_line (p->sc);
  c->column = token_start_column (p, &c->line);
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
  for (gsize i = 0; i < G_N_ELEMENTS (spans); i++)
    if (strcmp (word, spans[i].word) == 0)
      {
        if (spans[i].span == CRAFT_SPAN_PSEUDO && !allow_pseudo)
          {
            fail (p, "len() cannot measure the pseudo-header");
            return NULL;
          }
        CraftCalc *c = calc_new (CRAFT_CALC_LEN);
        c->span = spans[i].span;
        return c;
      }
  CraftCalc *c = field_ref (p, CRAFT_CALC_LEN, word);
  c->span = CRAFT_SPAN_FIELD;
  return c;
}

static CraftCalc *
parse_function (Pdl *p, const char *name, guint depth)
{
  CraftCalc *c = NULL;
  if (strcmp (name, "len") == 0)
    {
      c = parse_span (p, FALSE);
    }
  else if (strcmp (name, "inet_checksum") == 0 || strcmp (name, "crc32") == 0)
    {
      c = calc_new (name[0] == 'i' ? CRAFT_CALC_CHECKSUM : CRAFT_CALC_CRC32);
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
  else if (strcmp (name, "source_ip") == 0)
    {
      g_autofree char *field = expect_name (p, "the field holding the destination");
      if (field == NULL)
        return NULL;
      c = field_ref (p, CRAFT_CALC_SOURCE_IP, field);
    }
  else if (strcmp (name, "bound") == 0)
    {
      g_autofree char *field = expect_name (p, "the field a binding sets");
      if (field == NULL)
        return NULL;
      c = field_ref (p, CRAFT_CALC_BOUND, field);
    }
  else if (strcmp (name, "is_set") == 0)
    {
      g_autofree char *field = expect_name (p, "a field name");
      if (field == NULL)
        return NULL;
      c = field_ref (p, CRAFT_CALC_IS_SET, field);
    }
  else if (strcmp (name, "max") == 0 || strcmp (name, "min") == 0)
    {
      c = calc_new (name[1] == 'a' ? CRAFT_CALC_MAX : CRAFT_CALC_MIN);
      if ((c->a = parse_calc (p, depth + 1)) == NULL || !expect_char (p, ',', "between the two values")
          || (c->b = parse_calc (p, depth + 1)) == NULL)
        goto error;
    }
  else if (strcmp (name, "source_mac") == 0)
    {
      c = calc_new (CRAFT_CALC_SOURCE_MAC);
    }
  else if (strcmp (name, "clock_ms") == 0)
    {
      c = calc_new (CRAFT_CALC_CLOCK_MS);
    }
  else
    {
      fail (p, "unknown function '%s' (known: len, inet_checksum, crc32, source_ip, source_mac, "
            "clock_ms, bound, max, min, is_set)",
            name);
      return NULL;
    }
  if (c == NULL || !expect_char (p, ')', "to close the function's arguments"))
    goto error;
  return c;
error:
  craft__calc_free (c);
  return NULL;
}

static CraftCalc *
parse_primary (Pdl *p, guint depth)
{
  if (depth > CRAFT_MAX_DEFINITION_NESTING)
    {
      next (p);
      fail (p, "expression nested more than %d deep", CRAFT_MAX_DEFINITION_NESTING);
      return NULL;
    }
  GTokenType t = next (p);
  if (t == G_TOKEN_INT)
    {
      CraftCalc *c = calc_new (CRAFT_CALC_CONST);
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
      CraftCalc *operand = parse_primary (p, depth + 1);
      if (operand == NULL)
        return NULL;
      CraftCalc *c = calc_new (t == (GTokenType) '-' ? CRAFT_CALC_NEG : CRAFT_CALC_NOT);
      c->a = operand;
      return c;
    }
  if (t == (GTokenType) '{')
    {
      CraftCalc *c = calc_new (CRAFT_CALC_SET);
      c->items = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__calc_free);
      do
        {
          CraftCalc *item = parse_calc (p, depth + 1);
          if (item == NULL)
            {
              craft__calc_free (c);
              return NULL;
            }
          g_ptr_array_add (c->items, item);
        }
      while (accept_char (p, ','));
      if (!expect_char (p, '}', "to close the set"))
        {
          craft__calc_free (c);
          return NULL;
        }
      return c;
    }
  if (t == G_TOKEN_IDENTIFIER)
    {
      g_autofree char *name = g_strdup (p->sc->value.v_identifier);
      if (accept_char (p, '('))
        return parse_function (p, name, depth);
      return field_ref (p, CRAFT_CALC_FIELD, name);
    }
  expected (p, "a number, a field name, a function or '('");
  return NULL;
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
  { "<", CRAFT_OP_LT, 7 }, { ">", CRAFT_OP_GT, 7 }, { "in", CRAFT_OP_IN, 7 },
  { "+", CRAFT_OP_ADD, 9 }, { "-", CRAFT_OP_SUB, 9 },
  { "*", CRAFT_OP_MUL, 10 }, { "/", CRAFT_OP_DIV, 10 }, { "%", CRAFT_OP_MOD, 10 },
};
#define MAX_LEVEL 10

/* Reads the operator at the next tokens if it is of `level`. A lone '|' or
 * '&' must not swallow the first half of '||' or '&&', and vice versa, so
 * the second character is only taken once the first matched. */
static const BinaryOp *
accept_binary (Pdl *p, guint level)
{
  GTokenType t = peek (p);
  if (t == G_TOKEN_IDENTIFIER)
    {
      if (level == 7 && strcmp (p->sc->next_value.v_identifier, "in") == 0)
        {
          next (p);
          return &binary_ops[14];
        }
      return NULL;
    }
  if (t >= G_TOKEN_NONE)
    return NULL;
  char first = (char) t;
  for (gsize i = 0; i < G_N_ELEMENTS (binary_ops); i++)
    {
      const BinaryOp *op = &binary_ops[i];
      if (op->level != level || op->text[0] != first || strcmp (op->text, "in") == 0)
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
      const BinaryOp *op = accept_binary (p, level);
      if (op == NULL)
        break;
      CraftCalc *right = parse_level (p, level + 1, depth);
      if (right == NULL)
        {
          craft__calc_free (left);
          return NULL;
        }
      if (op->op == CRAFT_OP_IN && right->type != CRAFT_CALC_SET)
        {
          craft__calc_free (left);
          craft__calc_free (right);
          fail (p, "'in' needs a set on its right, like { 3, 4, 5 }");
          return NULL;
        }
      left = calc_binary (op->op, left, right);
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
  CraftCalc *cond = calc_new (CRAFT_CALC_COND);
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
        return fail (p, "integer width must be 1 to 64 bits, not %u", bits);
      f->kind = is_signed ? &craft__kind_int : &craft__kind_uint;
      f->bits = bits;
      return TRUE;
    }
  const CraftKind *kind = craft__kind_lookup (word);
  if (kind == NULL || kind->is_integer)
    return fail (p, "unknown type '%s' (expected u1…u64, s1…s64, mac, ipv4, ipv6 or bytes)", word);
  f->kind = kind;
  f->bits = kind->fixed_bits;
  if (kind != &craft__kind_bytes)
    return TRUE;
  f->size_mode = CRAFT_SIZE_REST;
  if (accept_char (p, '('))
    {
      f->size_calc = parse_calc (p, 0);
      if (f->size_calc == NULL || !expect_char (p, ')', "to close the size"))
        return FALSE;
      if (f->size_calc->type == CRAFT_CALC_CONST)
        {
          if (f->size_calc->num > CRAFT_MAX_FIXED_BYTES)
            return fail (p, "a fixed size is at most %d bytes", CRAFT_MAX_FIXED_BYTES);
          f->size_mode = CRAFT_SIZE_FIXED;
          f->bits = (guint) f->size_calc->num * 8;
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
  while (!accept_char (p, '}'))
    {
      GTokenType t = next (p);
      if (t != G_TOKEN_IDENTIFIER && t != G_TOKEN_STRING)
        return expected (p, "a flag name or '}'");
      const char *name = t == G_TOKEN_STRING ? p->sc->value.v_string : p->sc->value.v_identifier;
      if (f->flag_names->len >= f->bits)
        return fail (p, "more flag names than the field's %u bits", f->bits);
      if (strlen (name) != 1)
        f->single_char_flags = FALSE;
      g_ptr_array_add (f->flag_names, g_strdup (name));
      if (!accept_char (p, ',') && !peek_char (p, '}'))
        {
          next (p);
          return expected (p, "',' or '}'");
        }
    }
  return TRUE;
}

/* `enum by FIELD { value: enum_name, ... }`: names that depend on an earlier field. */
static gboolean
parse_enum_choices (Pdl *p, CraftFieldDef *f)
{
  g_autofree char *selector = expect_name (p, "the field the names depend on");
  if (selector == NULL)
    return FALSE;
  f->enum_selector = craft__layer_def_field_index (p->layer, selector);
  if (f->enum_selector < 0)
    return fail (p, "'%s' is not a field declared before '%s'", selector, f->name);
  f->enum_choices = g_array_new (FALSE, FALSE, sizeof (CraftEnumChoice));
  if (!expect_char (p, '{', "to open the list of value: enum pairs"))
    return FALSE;
  while (!accept_char (p, '}'))
    {
      CraftEnumChoice choice;
      if (!expect_int (p, "a value of the selector", &choice.value) || !expect_char (p, ':', "after the value"))
        return FALSE;
      g_autofree char *name = expect_name (p, "an enum name");
      if (name == NULL)
        return FALSE;
      if ((choice.enumeration = lookup_enum (p, name)) == NULL)
        return fail (p, "no enum named '%s' is defined", name);
      g_array_append_val (f->enum_choices, choice);
      if (!accept_char (p, ',') && !peek_char (p, '}'))
        {
          next (p);
          return expected (p, "',' or '}'");
        }
    }
  if (!f->kind->is_integer)
    return fail (p, "only integer fields can have an enum");
  return TRUE;
}

static gboolean
parse_modifiers (Pdl *p, CraftFieldDef *f)
{
  for (;;)
    {
      if (accept_word (p, "le"))
        f->little_endian = TRUE;
      else if (accept_word (p, "hex"))
        f->hex = TRUE;
      else if (accept_word (p, "enum"))
        {
          if (accept_word (p, "by"))
            {
              if (!parse_enum_choices (p, f))
                return FALSE;
            }
          else if (peek_char (p, '{'))
            {
              g_autofree char *name = g_strdup_printf ("%s.%s#%u", p->layer->name, f->name,
                                                       p->n_enums_inline++);
              CraftEnum *e = enum_new (name);
              g_ptr_array_add (p->enums, e);
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
                return fail (p, "no enum named '%s' is defined", name);
            }
          if (!f->kind->is_integer)
            return fail (p, "only integer fields can have an enum");
        }
      else if (accept_word (p, "flags"))
        {
          if (f->kind != &craft__kind_uint)
            return fail (p, "only unsigned integer fields can be flag sets");
          if (!parse_flag_names (p, f))
            return FALSE;
        }
      else if (accept_word (p, "if"))
        {
          if (f->condition != NULL)
            return fail (p, "a field has at most one condition");
          f->condition = parse_calc (p, 0);
          if (f->condition == NULL)
            return FALSE;
        }
      else if (accept_word (p, "align"))
        {
          guint64 n;
          if (!expect_int (p, "the alignment in bytes", &n))
            return FALSE;
          if (f->kind != &craft__kind_bytes || n < 1 || n > 64)
            return fail (p, "align applies to byte strings, from 1 to 64 bytes");
          f->align = (guint) n;
        }
      else if (peek (p) == G_TOKEN_STRING)
        {
          next (p);
          g_free (f->description);
          f->description = g_strdup (p->sc->value.v_string);
        }
      else
        return TRUE;
    }
}

static gboolean
calc_is_deferred (const CraftCalc *c)
{
  if (c == NULL)
    return FALSE;
  if (c->type == CRAFT_CALC_CHECKSUM || c->type == CRAFT_CALC_CRC32)
    return TRUE;
  if (calc_is_deferred (c->a) || calc_is_deferred (c->b))
    return TRUE;
  if (c->items != NULL)
    for (guint i = 0; i < c->items->len; i++)
      if (calc_is_deferred (g_ptr_array_index (c->items, i)))
        return TRUE;
  return FALSE;
}

static gboolean
calc_uses_host (const CraftCalc *c)
{
  if (c == NULL)
    return FALSE;
  if (c->type == CRAFT_CALC_SOURCE_IP || c->type == CRAFT_CALC_SOURCE_MAC || c->type == CRAFT_CALC_CLOCK_MS)
    return TRUE;
  if (calc_uses_host (c->a) || calc_uses_host (c->b))
    return TRUE;
  if (c->items != NULL)
    for (guint i = 0; i < c->items->len; i++)
      if (calc_uses_host (g_ptr_array_index (c->items, i)))
        return TRUE;
  return FALSE;
}

static gboolean
parse_default (Pdl *p, CraftFieldDef *f)
{
  gsize start = current_offset (p);
  guint line;
  guint column = token_start_column (p, &line);
  if (peek (p) == G_TOKEN_STRING)
    {
      next (p);
      g_autoptr (GError) error = NULL;
      f->default_mode = CRAFT_DEFAULT_CONST;
      if (f->kind->is_integer)
        {
          if (!craft__field_parse_int_text (f, p->sc->value.v_string, &f->default_num, &error))
            return fail_at (p, CRAFT_ERROR_DEFINITION, line, column, "%s", error->message);
        }
      else
        {
          f->default_bytes = craft__field_parse_bytes_text (f, p->sc->value.v_string, &error);
          if (f->default_bytes == NULL)
            return fail_at (p, CRAFT_ERROR_DEFINITION, line, column, "%s", error->message);
        }
    }
  else
    {
      CraftCalc *c = parse_calc (p, 0);
      if (c == NULL)
        return FALSE;
      if (c->type == CRAFT_CALC_CONST || (c->type == CRAFT_CALC_NEG && c->a->type == CRAFT_CALC_CONST))
        {
          guint64 v = c->type == CRAFT_CALC_CONST ? c->num : (guint64) - (gint64) c->a->num;
          craft__calc_free (c);
          g_autoptr (GError) error = NULL;
          if (!f->kind->is_integer)
            return fail_at (p, CRAFT_ERROR_DEFINITION, line, column,
                            "field '%s' is of kind %s: its default is written as a string", f->name,
                            f->kind->name);
          if (!craft__field_check_int (f, v, &error))
            return fail_at (p, CRAFT_ERROR_DEFINITION, line, column, "%s", error->message);
          f->default_mode = CRAFT_DEFAULT_CONST;
          f->default_num = v;
        }
      else
        {
          f->default_mode = CRAFT_DEFAULT_COMPUTED;
          f->default_calc = c;
          f->deferred = calc_is_deferred (c);
          f->derived = !calc_uses_host (c);
          gboolean bytes_result = c->type == CRAFT_CALC_SOURCE_IP || c->type == CRAFT_CALC_SOURCE_MAC;
          if (bytes_result != !f->kind->is_integer)
            return fail_at (p, CRAFT_ERROR_DEFINITION, line, column,
                            bytes_result ? "field '%s' is an integer: source_ip() and source_mac() give addresses"
                                         : "field '%s' is not an integer: its computed default must be an address "
                                           "function (source_ip, source_mac)",
                            f->name);
        }
    }
  gsize end = current_offset (p);
  f->default_text = g_strstrip (g_strndup (p->text + start, end > start ? end - start : 0));
  return TRUE;
}

static gboolean
parse_field (Pdl *p, const char *name)
{
  CraftFieldDef *f = g_new0 (CraftFieldDef, 1);
  f->name = g_strdup (name);
  f->enum_selector = -1;
  g_ptr_array_add (p->layer->fields, f);
  if (p->layer->fields->len > CRAFT_MAX_FIELDS_PER_LAYER)
    return fail (p, "a layer has at most %d fields", CRAFT_MAX_FIELDS_PER_LAYER);
  if (!parse_type (p, f) || !parse_modifiers (p, f))
    return FALSE;
  if (f->little_endian && (!f->kind->is_integer || f->bits % 8 != 0))
    return fail (p, "'le' applies to integers of whole bytes (8, 16, 24… bits)");
  if (accept_char (p, '=') && !parse_default (p, f))
    return FALSE;
  if (f->default_text == NULL)
    f->default_text = g_strdup ("");
  return expect_char (p, ';', "after the field");
}

/* ---- layers ---- */

static gboolean
parse_pseudo (Pdl *p)
{
  CraftLayerDef *l = p->layer;
  if (l->pseudo != NULL)
    return fail (p, "layer '%s' already has a pseudo-header", l->name);
  l->pseudo = g_array_new (FALSE, TRUE, sizeof (CraftPseudoItem));
  do
    {
      CraftPseudoItem item = { .field = -1 };
      g_autofree char *word = expect_name (p, "a field name or an integer like u16(len(payload))");
      if (word == NULL)
        return FALSE;
      gboolean is_signed;
      if (parse_int_type (word, &is_signed, &item.bits))
        {
          if (is_signed || item.bits % 8 != 0 || item.bits == 0 || item.bits > 64)
            return fail (p, "pseudo-header integers are u8, u16, u24 … u64");
          if (!expect_char (p, '(', "after the width"))
            return FALSE;
          item.calc = parse_calc (p, 0);
          if (item.calc == NULL)
            return FALSE;
          g_array_append_val (l->pseudo, item);
          if (!expect_char (p, ')', "to close the value"))
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

/* Checks a summary template's {field} references against the layer. */
static gboolean
check_summary (Pdl *p, CraftLayerDef *l, const char *format, guint line, guint column)
{
  for (const char *s = strchr (format, '{'); s != NULL; s = strchr (s + 1, '{'))
    {
      const char *close = strchr (s, '}');
      if (close == NULL)
        return fail_at (p, CRAFT_ERROR_DEFINITION, line, column, "summary has '{' without '}'");
      g_autofree char *ref = g_strndup (s + 1, close - s - 1);
      if (g_str_has_prefix (ref, "lower."))
        continue;
      if (craft__layer_def_field_index (l, ref) < 0)
        return fail_at (p, CRAFT_ERROR_DEFINITION, line, column,
                        "summary names '%s', which is not a field of layer '%s'", ref, l->name);
    }
  return TRUE;
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
      l->length = parse_calc (p, 0);
      if (l->length == NULL)
        return FALSE;
    }
  else if (strcmp (word, "pseudo") == 0)
    return parse_pseudo (p);
  else if (strcmp (word, "route") == 0)
    {
      g_autofree char *name = expect_name (p, "the field holding the destination address");
      if (name == NULL)
        return FALSE;
      l->route_field = craft__layer_def_field_index (l, name);
      if (l->route_field < 0)
        return fail (p, "'%s' is not a field of layer '%s' declared before this line", name, l->name);
    }
  else if (strcmp (word, "summary") == 0)
    {
      CraftSummary s = { NULL, NULL };
      if (accept_word (p, "if") && (s.condition = parse_calc (p, 0)) == NULL)
        return FALSE;
      if (next (p) != G_TOKEN_STRING)
        {
          craft__calc_free (s.condition);
          return expected (p, "the summary template as a string");
        }
      s.format = g_strdup (p->sc->value.v_string);
      g_array_append_val (l->summaries, s);
      guint line;
      guint column = token_start_column (p, &line);
      if (!check_summary (p, l, s.format, line, column))
        return FALSE;
    }
  else if (strcmp (word, "fallback") == 0)
    l->fallback = TRUE;
  else if (strcmp (word, "trailer") == 0)
    l->trailer = TRUE;
  else
    return fail (p, "expected a field ('name: type') or one of description, length, pseudo, route, "
                    "summary, fallback, trailer; found '%s'", word);
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
        return fail_at (p, CRAFT_ERROR_DEFINITION, c->line, c->column,
                        "'%s' is not a field of layer '%s'", c->name, p->layer->name);
      if ((guint) index >= before)
        return fail_at (p, CRAFT_ERROR_DEFINITION, c->line, c->column,
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

/* Once the layer is complete: resolve names, check widths line up on bytes. */
static gboolean
finish_layer (Pdl *p, guint line, guint column)
{
  CraftLayerDef *l = p->layer;
  guint n = l->fields->len;
  guint bit = 0;           /* bit offset modulo 8 of the next field */
  gboolean bit_known = TRUE;
  for (guint i = 0; i < n; i++)
    {
      CraftFieldDef *f = g_ptr_array_index (l->fields, i);
      if (!resolve_calc (p, f->size_calc, i, "a size") || !resolve_calc (p, f->condition, i, "a condition")
          || !resolve_calc (p, f->default_calc, n, "a default"))
        return FALSE;
      for (guint j = 0; j < i; j++)
        {
          CraftFieldDef *g = g_ptr_array_index (l->fields, j);
          if (strcmp (g->name, f->name) == 0 && (f->condition == NULL || g->condition == NULL))
            return fail_at (p, CRAFT_ERROR_DEFINITION, line, column,
                            "layer '%s' has two fields named '%s' (only conditional fields may share a name)",
                            l->name, f->name);
        }
      gboolean whole_bytes = !f->kind->is_integer || f->little_endian;
      if (whole_bytes && bit_known && bit != 0)
        return fail_at (p, CRAFT_ERROR_DEFINITION, line, column,
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
    return fail_at (p, CRAFT_ERROR_DEFINITION, line, column,
                    "the fields of layer '%s' end %u bits into a byte; a header is a whole number of bytes",
                    l->name, bit);
  if (!resolve_calc (p, l->length, n, "the length"))
    return FALSE;
  for (guint i = 0; i < l->summaries->len; i++)
    if (!resolve_calc (p, g_array_index (l->summaries, CraftSummary, i).condition, n, "a summary"))
      return FALSE;
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
              return fail_at (p, CRAFT_ERROR_DEFINITION, item->calc->line, item->calc->column,
                              "pseudo-header field '%s' must be whole bytes of fixed size", f->name);
            item->field = (gint) item->calc->field;
          }
      }
  return TRUE;
}

static gboolean
parse_layer (Pdl *p)
{
  g_autofree char *name = expect_name (p, "the layer's name");
  if (name == NULL)
    return FALSE;
  guint line;
  guint column = token_start_column (p, &line);
  for (guint i = 0; i < p->layers->len; i++)
    if (strcmp (((CraftLayerDef *) g_ptr_array_index (p->layers, i))->name, name) == 0)
      return fail (p, "layer '%s' is defined twice in this file", name);
  CraftLayerDef *l = g_new0 (CraftLayerDef, 1);
  l->name = g_strdup (name);
  l->file = g_strdup (p->origin);
  l->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  l->summaries = g_array_new (FALSE, FALSE, sizeof (CraftSummary));
  l->route_field = -1;
  g_ptr_array_add (p->layers, l);
  p->layer = l;
  if (peek (p) == G_TOKEN_STRING)
    {
      next (p);
      l->title = g_strdup (p->sc->value.v_string);
    }
  else
    l->title = g_strdup (name);
  l->description = g_strdup (l->title);
  if (!expect_char (p, '{', "to open the layer"))
    return FALSE;
  while (!accept_char (p, '}'))
    {
      if (next (p) != G_TOKEN_IDENTIFIER)
        return expected (p, "a field name, a statement or '}'");
      g_autofree char *word = g_strdup (p->sc->value.v_identifier);
      gboolean ok = accept_char (p, ':') ? parse_field (p, word) : parse_layer_statement (p, word);
      if (!ok)
        return FALSE;
    }
  return finish_layer (p, line, column);
}

/* ---- bindings ---- */

static const CraftLayerDef *
lookup_layer (Pdl *p, const char *name)
{
  for (guint i = 0; i < p->layers->len; i++)
    {
      CraftLayerDef *l = g_ptr_array_index (p->layers, i);
      if (strcmp (l->name, name) == 0)
        return l;
    }
  return craft_registry_lookup_layer (p->reg, name);
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
  b.column = token_start_column (p, &b.line);
  if (strcmp (lower_name, "linktype") == 0)
    {
      if (!expect_int (p, "the link type number (DLT_*)", &b.value))
        goto out;
    }
  else
    {
      lower = lookup_layer (p, lower_name);
      if (lower == NULL)
        {
          fail (p, "no layer named '%s' is loaded (a binding can only name layers defined earlier)",
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
          fail (p, "layer '%s' has no field '%s'", lower_name, b.field_name);
          goto out;
        }
      if (!expect_char (p, '=', "('==')") || !expect_char (p, '=', "('==')"))
        goto out;
      if (!expect_int (p, "the field's value", &b.value))
        goto out;
      g_autoptr (GError) error = NULL;
      const CraftFieldDef *f = g_ptr_array_index (lower->fields, b.field);
      if (!f->kind->is_integer || !craft__field_check_int (f, b.value, &error))
        {
          fail (p, "%s", error ? error->message : "bindings can only test integer fields");
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
      fail (p, "no layer named '%s' is loaded", b.upper_name);
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

static gboolean
parse_file (Pdl *p)
{
  for (;;)
    {
      GTokenType t = next (p);
      if (t == G_TOKEN_EOF)
        return TRUE;
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

gboolean
craft__pdl_load (CraftRegistry *reg, const char *origin, const char *text, gsize length, GError **error)
{
  if (memchr (text, '\0', length) != NULL)
    {
      craft_error_set_at (error, CRAFT_ERROR_SYNTAX, origin, 1, 1, "definition text contains a NUL byte");
      return FALSE;
    }
  if (!g_utf8_validate (text, (gssize) length, NULL))
    {
      craft_error_set_at (error, CRAFT_ERROR_SYNTAX, origin, 1, 1, "definition text is not valid UTF-8");
      return FALSE;
    }
  Pdl p = { 0 };
  p.origin = origin;
  p.text = text;
  p.length = length;
  p.reg = reg;
  p.layers = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__layer_def_free);
  p.enums = g_ptr_array_new_with_free_func ((GDestroyNotify) craft__enum_free);
  p.bindings = g_array_new (FALSE, TRUE, sizeof (CraftBinding));
  g_array_set_clear_func (p.bindings, (GDestroyNotify) binding_clear);
  p.line_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize zero = 0;
  g_array_append_val (p.line_starts, zero);
  for (gsize i = 0; i < length; i++)
    if (text[i] == '\n')
      {
        gsize next_line = i + 1;
        g_array_append_val (p.line_starts, next_line);
      }

  p.sc = g_scanner_new (NULL);
  GScannerConfig *cfg = p.sc->config;
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
  p.sc->msg_handler = scanner_message;
  g_scanner_input_text (p.sc, text, (guint) length);

  gboolean ok = parse_file (&p);
  if (ok)
    {
      /* Commit: the registry takes every new enum, layer and binding. */
      for (guint i = 0; i < p.enums->len; i++)
        craft__registry_add_enum (reg, g_ptr_array_steal_index (p.enums, i--));
      for (guint i = 0; i < p.layers->len; i++)
        craft__registry_add_layer (reg, g_ptr_array_steal_index (p.layers, i--));
      for (guint i = 0; i < p.bindings->len; i++)
        {
          CraftBinding *b = &g_array_index (p.bindings, CraftBinding, i);
          craft__registry_add_binding (reg, b);
          memset (b, 0, sizeof *b);
        }
      ok = craft__registry_link (reg, &p.error);
    }
  if (!ok)
    {
      if (p.error == NULL)
        craft_error_set_at (&p.error, CRAFT_ERROR_SYNTAX, origin, g_scanner_cur_line (p.sc),
                            g_scanner_cur_position (p.sc), "invalid definition");
      g_propagate_error (error, p.error);
    }
  g_scanner_destroy (p.sc);
  g_ptr_array_unref (p.layers);
  g_ptr_array_unref (p.enums);
  g_array_unref (p.bindings);
  g_array_unref (p.line_starts);
  return ok;
}
