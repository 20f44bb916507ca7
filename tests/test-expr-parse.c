/* Tests for the packet expression parser: every literal form, the tree's shape and columns, every error. */
#include <string.h>

#include <craft/error.h>

#include "expr-ast.h"

/* ---- Helpers ---- */

static void
append_quoted (GString *out, GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_string_append_c (out, '\'');
  for (gsize i = 0; i < size; i++)
    {
      if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\\' && data[i] != '\'')
        g_string_append_c (out, (char) data[i]);
      else
        g_string_append_printf (out, "\\x%02x", data[i]);
    }
  g_string_append_c (out, '\'');
}

/* Writes a tree back as text in a canonical form, so a test can state the
 * whole expected shape in one string. A layer written without parentheses in
 * the source is dumped without them (its end column says so). */
static void
dump_node (GString *out, const CraftExprNode *node)
{
  switch (node->type)
    {
    case CRAFT_EXPR_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, node->integer);
      break;
    case CRAFT_EXPR_STR:
      append_quoted (out, node->bytes);
      break;
    case CRAFT_EXPR_BYTES:
      g_string_append_c (out, 'b');
      append_quoted (out, node->bytes);
      break;
    case CRAFT_EXPR_NONE:
      g_string_append (out, "None");
      break;
    case CRAFT_EXPR_FLOAT:
      g_string_append_printf (out, "float:%.*s", (int) g_bytes_get_size (node->bytes),
                              (const char *) g_bytes_get_data (node->bytes, NULL));
      break;
    case CRAFT_EXPR_BOOL:
      g_string_append (out, node->integer ? "True" : "False");
      break;
    case CRAFT_EXPR_TUPLE:
    case CRAFT_EXPR_LIST:
      g_string_append_c (out, node->type == CRAFT_EXPR_TUPLE ? '(' : '[');
      for (guint i = 0; i < node->items->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          dump_node (out, node->items->pdata[i]);
        }
      if (node->type == CRAFT_EXPR_TUPLE && node->items->len == 1)
        g_string_append_c (out, ',');
      g_string_append_c (out, node->type == CRAFT_EXPR_TUPLE ? ')' : ']');
      break;
    case CRAFT_EXPR_LAYER:
      g_assert_nonnull (node->items);
      g_assert_nonnull (node->keywords);
      g_string_append (out, node->name);
      if (node->end_column == node->column + strlen (node->name))
        {
          g_assert_cmpuint (node->items->len, ==, 0);
          g_assert_cmpuint (node->keywords->len, ==, 0);
          break;
        }
      g_string_append_c (out, '(');
      for (guint i = 0; i < node->items->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          dump_node (out, node->items->pdata[i]);
        }
      for (guint i = 0; i < node->keywords->len; i++)
        {
          const CraftExprKeyword *keyword = &g_array_index (node->keywords, CraftExprKeyword, i);
          if (i > 0 || node->items->len > 0)
            g_string_append (out, ", ");
          g_string_append_printf (out, "%s=", keyword->name);
          dump_node (out, keyword->value);
        }
      g_string_append_c (out, ')');
      break;
    case CRAFT_EXPR_STACK:
      g_assert_cmpuint (node->items->len, >=, 2);
      for (guint i = 0; i < node->items->len; i++)
        {
          const CraftExprNode *item = node->items->pdata[i];
          /* Stacks are flattened: an operand is never itself a stack. */
          g_assert_cmpint (item->type, !=, CRAFT_EXPR_STACK);
          if (i > 0)
            g_string_append (out, " / ");
          dump_node (out, item);
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

static char *
dump (const CraftExprNode *node)
{
  GString *out = g_string_new (NULL);
  dump_node (out, node);
  return g_string_free (out, FALSE);
}

/* Parses `text`, which must succeed, and checks the tree's canonical form. */
static void
assert_parses_as (const char *text, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftExprNode) node = craft__expr_parse (text, &error);
  if (error != NULL)
    g_test_message ("parsing <%s>: %s", text, error->message);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_autofree char *got = dump (node);
  if (strcmp (got, expected) != 0)
    g_test_message ("parsing <%s>", text);
  g_assert_cmpstr (got, ==, expected);
}

/* Parses `text`, which must fail with a syntax error at `column` whose
 * message contains `message`. */
static void
assert_fails_at (const char *text, guint column, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftExprNode) node = craft__expr_parse (text, &error);
  if (node != NULL)
    {
      g_autofree char *got = dump (node);
      g_test_message ("<%s> parsed as <%s>", text, got);
    }
  g_assert_null (node);
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_SYNTAX);
  CraftErrorLocation location;
  g_assert_true (craft_error_get_location (error, &location));
  g_assert_null (location.file);
  g_assert_cmpuint (location.line, ==, 0);
  if (location.column != column || strstr (error->message, message) == NULL)
    g_test_message ("<%s>: column %u: %s", text, location.column, error->message);
  g_assert_cmpuint (location.column, ==, column);
  g_assert_nonnull (strstr (error->message, message));
}

/* Parses a single value by wrapping it as a keyword argument. */
static void
assert_value_is (const char *value, const char *expected)
{
  g_autofree char *text = g_strdup_printf ("X(v=%s)", value);
  g_autofree char *want = g_strdup_printf ("X(v=%s)", expected);
  assert_parses_as (text, want);
}

static CraftExprNode *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  CraftExprNode *node = craft__expr_parse (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static const CraftExprNode *
keyword_value (const CraftExprNode *layer, guint index)
{
  g_assert_cmpint (layer->type, ==, CRAFT_EXPR_LAYER);
  g_assert_cmpuint (index, <, layer->keywords->len);
  return g_array_index (layer->keywords, CraftExprKeyword, index).value;
}

static void
assert_bytes_eq (GBytes *bytes, const void *data, gsize size)
{
  gsize got_size;
  const void *got = g_bytes_get_data (bytes, &got_size);
  g_assert_cmpmem (got, got_size, data, size);
}

/* ---- Floats (NTP timestamps) ---- */

static void
test_float (void)
{
  g_test_summary ("Decimal fractions and exponents, kept as written for the field to read (NTP timestamps).");
  assert_value_is ("1.5", "float:1.5");
  assert_value_is ("3.", "float:3.");
  assert_value_is ("-2.25", "float:-2.25");
  assert_value_is ("3900000000.000_5", "float:3900000000.0005");
  assert_value_is ("1e9", "float:1e9");
  assert_value_is ("3.9E+09", "float:3.9E+09");
  assert_value_is ("[1.5, 2]", "[float:1.5, 2]");
}

/* ---- Integers ---- */

static void
test_int_decimal (void)
{
  g_test_summary ("Decimal integers, including 0, 00 and 0_0, which Python accepts.");
  assert_value_is ("0", "0");
  assert_value_is ("00", "0");
  assert_value_is ("0_0", "0");
  assert_value_is ("7", "7");
  assert_value_is ("1234567890", "1234567890");
}

static void
test_int_hex (void)
{
  g_test_summary ("Hexadecimal integers with either prefix case and mixed-case digits.");
  assert_value_is ("0x2a", "42");
  assert_value_is ("0X2A", "42");
  assert_value_is ("0xDeadBeef", "3735928559");
  assert_value_is ("0x0", "0");
  assert_value_is ("0x_ff", "255");
}

static void
test_int_octal (void)
{
  g_test_summary ("Octal integers with the 0o prefix.");
  assert_value_is ("0o52", "42");
  assert_value_is ("0O777", "511");
  assert_value_is ("0o_7", "7");
}

static void
test_int_binary (void)
{
  g_test_summary ("Binary integers with the 0b prefix.");
  assert_value_is ("0b101010", "42");
  assert_value_is ("0B1", "1");
  assert_value_is ("0b_1_0", "2");
}

static void
test_int_underscore (void)
{
  g_test_summary ("Single underscores between digits are ignored, as in Python.");
  assert_value_is ("1_000_000", "1000000");
  assert_value_is ("0xff_ff", "65535");
  assert_value_is ("0b1111_0000", "240");
}

static void
test_int_negative (void)
{
  g_test_summary ("A minus sign before an integer, with or without space, negates it.");
  assert_value_is ("-1", "-1");
  assert_value_is ("- 42", "-42");
  assert_value_is ("-0x10", "-16");
  assert_value_is ("-0", "0");
}

static void
test_int_limits (void)
{
  g_test_summary ("The gint64 extremes parse exactly; one beyond either is out of range.");
  assert_value_is ("9223372036854775807", "9223372036854775807");
  assert_value_is ("-9223372036854775808", "-9223372036854775808");
  assert_value_is ("0x7fffffffffffffff", "9223372036854775807");
  assert_fails_at ("X(v=9223372036854775808)", 5, "integer out of range");
  assert_fails_at ("X(v=-9223372036854775809)", 5, "integer out of range");
  assert_fails_at ("X(v=0xffffffffffffffff)", 5, "integer out of range");
  assert_fails_at ("X(v=99999999999999999999999999999)", 5, "integer out of range");
  assert_fails_at ("X(v=-0x1_0000_0000_0000_0000)", 5, "integer out of range");
}

static void
test_int_columns (void)
{
  g_test_summary ("An integer node spans its literal, a negative one from the minus sign.");
  g_autoptr (CraftExprNode) node = parse_ok ("X(a=0x1_0, b= - 5)");
  const CraftExprNode *a = keyword_value (node, 0);
  const CraftExprNode *b = keyword_value (node, 1);
  g_assert_cmpint (a->type, ==, CRAFT_EXPR_INT);
  g_assert_cmpuint (a->column, ==, 5);
  g_assert_cmpuint (a->end_column, ==, 10);
  g_assert_cmpuint (b->column, ==, 15);
  g_assert_cmpuint (b->end_column, ==, 18);
  g_assert_cmpint (b->integer, ==, -5);
}

static void
test_int_errors (void)
{
  g_test_summary ("Malformed integers: leading zeros, bad underscores, empty prefixes, bad digits.");
  assert_fails_at ("X(v=007)", 5, "leading zeros in decimal integer literals are not permitted");
  assert_fails_at ("X(v=0_1)", 5, "leading zeros");
  assert_fails_at ("X(v=1__0)", 5, "invalid decimal literal");
  assert_fails_at ("X(v=1_)", 5, "invalid decimal literal");
  assert_fails_at ("X(v=12abc)", 5, "invalid decimal literal");
  assert_fails_at ("X(v=0x)", 5, "invalid hexadecimal literal");
  assert_fails_at ("X(v=0x_)", 5, "invalid hexadecimal literal");
  assert_fails_at ("X(v=0x1g)", 5, "invalid hexadecimal literal");
  assert_fails_at ("X(v=0x__1)", 5, "invalid hexadecimal literal");
  assert_fails_at ("X(v=0o)", 5, "invalid octal literal");
  assert_fails_at ("X(v=0o8)", 5, "invalid digit '8' in octal literal");
  assert_fails_at ("X(v=0b)", 5, "invalid binary literal");
  assert_fails_at ("X(v=0b102)", 5, "invalid digit '2' in binary literal");
  assert_fails_at ("X(v=0x1.5)", 5, "invalid hexadecimal literal: a fraction is written in decimal");
  assert_fails_at ("X(v=1e)", 5, "invalid decimal literal: an exponent needs digits");
  assert_fails_at ("X(v=1.5.2)", 5, "invalid decimal literal");
  assert_fails_at ("X(v=1.5x)", 5, "invalid decimal literal");
  assert_fails_at ("0x", 1, "invalid hexadecimal literal");
}

/* ---- Strings ---- */

static void
test_str_plain (void)
{
  g_test_summary ("Single- and double-quoted strings, empty ones, and the other quote inside.");
  assert_value_is ("'abc'", "'abc'");
  assert_value_is ("\"abc\"", "'abc'");
  assert_value_is ("''", "''");
  assert_value_is ("\"\"", "''");
  assert_value_is ("\"it's\"", "'it\\x27s'");
  assert_value_is ("'say \"hi\"'", "'say \"hi\"'");
  assert_value_is ("'a/b,c)d]e'", "'a/b,c)d]e'");
  assert_value_is ("u'x'", "'x'");
  assert_value_is ("U\"x\"", "'x'");
}

static void
test_str_escapes (void)
{
  g_test_summary ("Python's single-character escapes in a string.");
  assert_value_is ("'\\\\ \\' \\\" \\n \\r \\t \\a \\b \\f \\v'",
                   "'\\x5c \\x27 \" \\x0a \\x0d \\x09 \\x07 \\x08 \\x0c \\x0b'");
  assert_value_is ("'a\\0b'", "'a\\x00b'");
}

static void
test_str_octal (void)
{
  g_test_summary ("Octal escapes take one to three digits; above \\177 they are code points, UTF-8 encoded.");
  assert_value_is ("'\\1\\12\\101\\1011'", "'\\x01\\x0aAA1'");
  assert_value_is ("'\\377'", "'\\xc3\\xbf'");
  assert_value_is ("'\\08'", "'\\x008'");
  assert_fails_at ("X(v='ab\\777')", 8, "octal escape '\\777' is larger than \\377");
}

static void
test_str_hex (void)
{
  g_test_summary ("\\xHH in a string is U+00HH, so bytes above 0x7f become two bytes of UTF-8.");
  assert_value_is ("'\\x41\\x7f'", "'A\\x7f'");
  assert_value_is ("'\\xff'", "'\\xc3\\xbf'");
  assert_value_is ("'\\xE9t\\xe9'", "'\\xc3\\xa9t\\xc3\\xa9'");
}

static void
test_str_unicode (void)
{
  g_test_summary ("\\uXXXX and \\UXXXXXXXX escapes are encoded as UTF-8.");
  assert_value_is ("'\\u00e9'", "'\\xc3\\xa9'");
  assert_value_is ("'\\u20AC'", "'\\xe2\\x82\\xac'");
  assert_value_is ("'\\U0001F600'", "'\\xf0\\x9f\\x98\\x80'");
  assert_value_is ("'\\U0010FFFF'", "'\\xf4\\x8f\\xbf\\xbf'");
  assert_value_is ("'\\u0041'", "'A'");
}

static void
test_str_utf8_passthrough (void)
{
  g_test_summary ("Non-ASCII text in a string, valid UTF-8 or not, is kept byte for byte.");
  assert_value_is ("'caf\xc3\xa9'", "'caf\\xc3\\xa9'");
  assert_value_is ("'\xff\xfe\x80'", "'\\xff\\xfe\\x80'");
  assert_value_is ("'\t'", "'\\x09'");
}

static void
test_str_raw (void)
{
  g_test_summary ("Raw strings keep backslashes; a backslash still protects the quote after it.");
  assert_value_is ("r'\\n\\x'", "'\\x5cn\\x5cx'");
  assert_value_is ("R\"a\\\"b\"", "'a\\x5c\"b'");
  assert_value_is ("r'\\u12'", "'\\x5cu12'");
  assert_value_is ("r''", "''");
  assert_fails_at ("X(v=r'\\')", 6, "unterminated string");
}

static void
test_str_unknown_escape (void)
{
  g_test_summary ("An unknown escape such as \\q is kept as written, as Python does.");
  assert_value_is ("'\\q\\d\\ '", "'\\x5cq\\x5cd\\x5c '");
  assert_value_is ("'\\\xc3\xa9'", "'\\x5c\\xc3\\xa9'");
}

static void
test_str_line_continuation (void)
{
  g_test_summary ("A backslash before a newline joins the lines; a bare newline ends nothing.");
  assert_value_is ("'ab\\\ncd'", "'abcd'");
  assert_value_is ("'ab\\\r\ncd'", "'abcd'");
  assert_fails_at ("X(v='ab\ncd')", 5, "unterminated string");
}

static void
test_str_triple (void)
{
  g_test_summary ("Triple-quoted strings may hold quotes and newlines.");
  assert_value_is ("'''a'b\"c\nd'''", "'a\\x27b\"c\\x0ad'");
  assert_value_is ("\"\"\"x\"\"y\"\"\"", "'x\"\"y'");
  assert_value_is ("''''''", "''");
  assert_fails_at ("X(v='''abc'')", 5, "unterminated string");
}

static void
test_str_concat (void)
{
  g_test_summary ("Adjacent literals of the same kind concatenate, across whitespace.");
  assert_value_is ("'ab' \"cd\"", "'abcd'");
  assert_value_is ("'a''b'\n 'c'", "'abc'");
  assert_value_is ("b'a' rb'\\x'", "b'a\\x5cx'");
  assert_parses_as ("'GET ' '/'", "'GET /'");

  g_autoptr (CraftExprNode) node = parse_ok ("X(v='ab'  'cd')");
  const CraftExprNode *v = keyword_value (node, 0);
  g_assert_cmpuint (v->column, ==, 5);
  g_assert_cmpuint (v->end_column, ==, 15);
}

static void
test_str_errors (void)
{
  g_test_summary ("Unterminated strings and malformed escapes report the quote or the backslash.");
  assert_fails_at ("X(v='abc", 5, "unterminated string");
  assert_fails_at ("X(v=\"abc')", 5, "unterminated string");
  assert_fails_at ("X(v='abc\\", 5, "unterminated string");
  assert_fails_at ("X(v='abc\\')", 5, "unterminated string");
  assert_fails_at ("IP()/'", 6, "unterminated string");
  assert_fails_at ("X(v='a\\x4')", 7, "truncated \\xXX escape");
  assert_fails_at ("X(v='a\\x')", 7, "truncated \\xXX escape");
  assert_fails_at ("X(v='a\\u12')", 7, "truncated \\u escape");
  assert_fails_at ("X(v='a\\U0001F60')", 7, "truncated \\U escape");
  assert_fails_at ("X(v='\\U00110000')", 6, "illegal Unicode character");
  assert_fails_at ("X(v='\\ud800')", 6, "surrogate '\\ud800' cannot be encoded as UTF-8");
  assert_fails_at ("X(v='\\N{DASH}')", 6, "\\N{...} escapes are not supported");
  assert_fails_at ("X(v='a' b'b')", 9, "cannot concatenate a string and a bytes literal");
  assert_fails_at ("X(v=b'a' 'b')", 10, "cannot concatenate a string and a bytes literal");
  assert_fails_at ("X(v=f'a')", 5, "f-strings are not supported");
  assert_fails_at ("X(v=rf'a')", 5, "f-strings are not supported");
}

/* ---- Bytes ---- */

static void
test_bytes_plain (void)
{
  g_test_summary ("Bytes literals with every prefix spelling.");
  assert_value_is ("b'ab'", "b'ab'");
  assert_value_is ("B\"ab\"", "b'ab'");
  assert_value_is ("b''", "b''");
  assert_value_is ("rb'\\n'", "b'\\x5cn'");
  assert_value_is ("Rb'\\n'", "b'\\x5cn'");
  assert_value_is ("bR'\\n'", "b'\\x5cn'");
  assert_value_is ("BR'\\n'", "b'\\x5cn'");
  assert_value_is ("b'''a\nb'''", "b'a\\x0ab'");
}

static void
test_bytes_escapes (void)
{
  g_test_summary ("Escapes in bytes: \\xHH and octal are single bytes, \\u \\U \\N are kept literally.");
  assert_value_is ("b'\\x00\\xff\\xAb'", "b'\\x00\\xff\\xab'");
  assert_value_is ("b'\\377\\0\\7'", "b'\\xff\\x00\\x07'");
  assert_value_is ("b'\\n\\t\\\\\\''", "b'\\x0a\\x09\\x5c\\x27'");
  assert_value_is ("b'\\u00e9'", "b'\\x5cu00e9'");
  assert_value_is ("b'\\U0001F600'", "b'\\x5cU0001F600'");
  assert_value_is ("b'\\N{DASH}'", "b'\\x5cN{DASH}'");
  assert_value_is ("b'\\q'", "b'\\x5cq'");

  g_autoptr (CraftExprNode) node = parse_ok ("b'\\x00\\x01'");
  g_assert_cmpint (node->type, ==, CRAFT_EXPR_BYTES);
  assert_bytes_eq (node->bytes, "\x00\x01", 2);
}

static void
test_bytes_errors (void)
{
  g_test_summary ("Non-ASCII bytes, unterminated and malformed bytes literals are errors.");
  assert_fails_at ("X(v=b'ab\xc3\xa9')", 9, "bytes can only contain ASCII literal characters");
  assert_fails_at ("X(v=rb'\\\xc3\xa9')", 9, "bytes can only contain ASCII literal characters");
  assert_fails_at ("X(v=b'\\\xff')", 8, "bytes can only contain ASCII literal characters");
  assert_fails_at ("X(v=b'ab", 6, "unterminated bytes literal");
  assert_fails_at ("b\"\\x", 3, "truncated \\xXX escape");
  assert_fails_at ("X(v=b'\\400')", 7, "larger than \\377");
}

/* ---- Other values ---- */

static void
test_value_constants (void)
{
  g_test_summary ("None, True and False are values, with their types.");
  assert_value_is ("None", "None");
  assert_value_is ("True", "True");
  assert_value_is ("False", "False");

  g_autoptr (CraftExprNode) node = parse_ok ("X(a=None, b=True, c=False)");
  g_assert_cmpint (keyword_value (node, 0)->type, ==, CRAFT_EXPR_NONE);
  g_assert_cmpint (keyword_value (node, 1)->type, ==, CRAFT_EXPR_BOOL);
  g_assert_cmpint (keyword_value (node, 1)->integer, ==, 1);
  g_assert_cmpint (keyword_value (node, 2)->integer, ==, 0);
  /* Only the exact words are constants. */
  assert_fails_at ("X(v=none)", 5, "not the bare name 'none'");
}

static void
test_value_tuple (void)
{
  g_test_summary ("Tuples: empty, one element with a comma, several, trailing comma, nested.");
  assert_value_is ("()", "()");
  assert_value_is ("( )", "()");
  assert_value_is ("(1,)", "(1,)");
  assert_value_is ("(1, 2)", "(1, 2)");
  assert_value_is ("(1, 'a', None,)", "(1, 'a', None)");
  assert_value_is ("((1, 2), (3,), ())", "((1, 2), (3,), ())");
  assert_value_is ("(0x10, 0x20)", "(16, 32)");
}

static void
test_value_paren (void)
{
  g_test_summary ("A parenthesised value without a comma is the value itself.");
  assert_value_is ("(1)", "1");
  assert_value_is ("((('a')))", "'a'");
  assert_value_is ("(-5)", "-5");
  assert_value_is ("(A()/B())", "A() / B()");
}

static void
test_value_list (void)
{
  g_test_summary ("Lists: empty, with elements, trailing comma, nested, holding tuples and packets.");
  assert_value_is ("[]", "[]");
  assert_value_is ("[1]", "[1]");
  assert_value_is ("[1, 2, 3,]", "[1, 2, 3]");
  assert_value_is ("[[1], [], (2, 3)]", "[[1], [], (2, 3)]");
  assert_value_is ("[A(), B(x=1)/C()]", "[A(), B(x=1) / C()]");

  g_autoptr (CraftExprNode) node = parse_ok ("X(v=[1, 2])");
  const CraftExprNode *v = keyword_value (node, 0);
  g_assert_cmpint (v->type, ==, CRAFT_EXPR_LIST);
  g_assert_cmpuint (v->column, ==, 5);
  g_assert_cmpuint (v->end_column, ==, 11);
}

static void
test_value_nested_packet (void)
{
  g_test_summary ("A layer call is a value; it may be a stack of layers.");
  assert_parses_as ("DNS(qd=DNSQR(qname=\"x\"))", "DNS(qd=DNSQR(qname='x'))");
  assert_parses_as ("DNS(qd=DNSQR(qname=\"x\")/DNSQR())", "DNS(qd=DNSQR(qname='x') / DNSQR())");
  assert_parses_as ("DNS(qd=DNSQR()/DNSQR()/Raw, id=1)", "DNS(qd=DNSQR() / DNSQR() / Raw, id=1)");
  assert_parses_as ("X(A(B(C())))", "X(A(B(C())))");
  assert_parses_as ("X(v=A()/'payload')", "X(v=A() / 'payload')");

  g_autoptr (CraftExprNode) node = parse_ok ("DNS(qd=DNSQR()/DNSQR())");
  const CraftExprNode *qd = keyword_value (node, 0);
  g_assert_cmpint (qd->type, ==, CRAFT_EXPR_STACK);
  g_assert_cmpuint (qd->items->len, ==, 2);
  g_assert_cmpuint (qd->column, ==, 8);
  g_assert_cmpuint (qd->end_column, ==, 23);
}

/* ---- Layers and arguments ---- */

static void
test_layer_bare (void)
{
  g_test_summary ("A bare layer name is a layer with no arguments, ending at its name.");
  g_autoptr (CraftExprNode) node = parse_ok ("  Raw  ");
  g_assert_cmpint (node->type, ==, CRAFT_EXPR_LAYER);
  g_assert_cmpstr (node->name, ==, "Raw");
  g_assert_cmpuint (node->items->len, ==, 0);
  g_assert_cmpuint (node->keywords->len, ==, 0);
  g_assert_cmpuint (node->column, ==, 3);
  g_assert_cmpuint (node->end_column, ==, 6);
  assert_parses_as ("_private_9", "_private_9");
  /* A name that starts like a string prefix is still a name. */
  assert_parses_as ("b", "b");
  assert_parses_as ("rb", "rb");
  assert_parses_as ("Bx", "Bx");
}

static void
test_layer_call (void)
{
  g_test_summary ("An empty call; space is allowed between the name and '('.");
  g_autoptr (CraftExprNode) node = parse_ok ("IP()");
  g_assert_cmpint (node->type, ==, CRAFT_EXPR_LAYER);
  g_assert_cmpstr (node->name, ==, "IP");
  g_assert_cmpuint (node->column, ==, 1);
  g_assert_cmpuint (node->end_column, ==, 5);
  assert_parses_as ("IP ( )", "IP()");
}

static void
test_layer_keywords (void)
{
  g_test_summary ("Keyword arguments keep their order, names and name columns.");
  g_autoptr (CraftExprNode) node = parse_ok ("IP(dst=\"192.0.2.1\", ttl = 3,flags='DF')");
  g_autofree char *text = dump (node);
  g_assert_cmpstr (text, ==, "IP(dst='192.0.2.1', ttl=3, flags='DF')");
  g_assert_cmpuint (node->keywords->len, ==, 3);
  const CraftExprKeyword *ttl = &g_array_index (node->keywords, CraftExprKeyword, 1);
  g_assert_cmpstr (ttl->name, ==, "ttl");
  g_assert_cmpuint (ttl->column, ==, 21);
  g_assert_cmpuint (ttl->value->column, ==, 27);
  /* Keywords that look like string prefixes or constants' lowercase forms. */
  assert_parses_as ("X(b=1, r=2, none=3)", "X(b=1, r=2, none=3)");
}

static void
test_layer_positional (void)
{
  g_test_summary ("Positional arguments come before keywords, in order.");
  assert_parses_as ("Raw('abc')", "Raw('abc')");
  assert_parses_as ("X(1, 'a', [2], x=3)", "X(1, 'a', [2], x=3)");
  assert_parses_as ("X(A(), B())", "X(A(), B())");
}

static void
test_layer_trailing_comma (void)
{
  g_test_summary ("A trailing comma after the last argument is allowed.");
  assert_parses_as ("X(1,)", "X(1)");
  assert_parses_as ("X(a=1,)", "X(a=1)");
  assert_parses_as ("X(1, a=1 , )", "X(1, a=1)");
}

static void
test_layer_whitespace (void)
{
  g_test_summary ("Spaces, tabs and newlines are allowed between all tokens.");
  assert_parses_as (" \t\nEther ( dst = '00:11:22:33:44:55' )\n/\tIP ( ) \n / TCP( dport = 80 ) \r\n",
                    "Ether(dst='00:11:22:33:44:55') / IP() / TCP(dport=80)");
}

/* ---- Stacks ---- */

static void
test_stack_layers (void)
{
  g_test_summary ("Layers separated by '/' make one flat stack spanning all of them.");
  g_autoptr (CraftExprNode) node = parse_ok ("Ether()/IP(ttl=3)/TCP()");
  g_assert_cmpint (node->type, ==, CRAFT_EXPR_STACK);
  g_assert_cmpuint (node->items->len, ==, 3);
  g_assert_cmpuint (node->column, ==, 1);
  g_assert_cmpuint (node->end_column, ==, 24);
  const CraftExprNode *ip = node->items->pdata[1];
  g_assert_cmpstr (ip->name, ==, "IP");
  g_assert_cmpuint (ip->column, ==, 9);
  g_assert_cmpuint (ip->end_column, ==, 18);
}

static void
test_stack_payload (void)
{
  g_test_summary ("Strings and bytes are payload terms, anywhere in a stack or alone.");
  assert_parses_as ("IP()/UDP()/\"GET /\"", "IP() / UDP() / 'GET /'");
  assert_parses_as ("IP()/b'\\x00\\x01'", "IP() / b'\\x00\\x01'");
  assert_parses_as ("'abc'", "'abc'");
  assert_parses_as ("b'abc' / Raw", "b'abc' / Raw");
  assert_parses_as ("IP()/Raw/Padding", "IP() / Raw / Padding");
}

static void
test_stack_scapy_examples (void)
{
  g_test_summary ("Expressions as Scapy users write them.");
  assert_parses_as ("Ether(dst=\"00:11:22:33:44:55\")/IP(dst=\"192.0.2.1\",ttl=3)/"
                    "TCP(dport=80,flags=\"S\")/\"GET /\"",
                    "Ether(dst='00:11:22:33:44:55') / IP(dst='192.0.2.1', ttl=3) / "
                    "TCP(dport=80, flags='S') / 'GET /'");
  assert_parses_as ("IP(dst='192.0.2.0/30')/TCP(dport=(1, 3), flags=['S', 'A'])",
                    "IP(dst='192.0.2.0/30') / TCP(dport=(1, 3), flags=['S', 'A'])");
  assert_parses_as ("IP()/UDP()/DNS(rd=1,qd=DNSQR(qname=\"www.example.com\"))",
                    "IP() / UDP() / DNS(rd=1, qd=DNSQR(qname='www.example.com'))");
}

/* ---- Errors ---- */

static void
test_error_empty (void)
{
  g_test_summary ("Empty or blank text is an empty expression.");
  assert_fails_at ("", 1, "empty expression");
  assert_fails_at (" \t\n ", 1, "empty expression");
}

static void
test_error_term (void)
{
  g_test_summary ("Something other than a layer or payload where a stack operand is needed.");
  assert_fails_at ("123", 1, "expected a layer name, a string or bytes");
  assert_fails_at ("/", 1, "expected a layer name, a string or bytes");
  assert_fails_at ("None", 1, "expected a layer name, a string or bytes");
  assert_fails_at ("(IP())", 1, "expected a layer name, a string or bytes");
  assert_fails_at ("IP()/", 6, "expected a layer name, a string or bytes after '/'");
  assert_fails_at ("IP()/ /TCP()", 7, "after '/'");
  assert_fails_at ("IP()/True", 6, "after '/'");
  assert_fails_at ("IP()/5", 6, "after '/'");
}

static void
test_error_trailing (void)
{
  g_test_summary ("Tokens after a complete expression are reported by name.");
  assert_fails_at ("IP() x", 6, "unexpected 'x' after the expression");
  assert_fails_at ("IP() TCP()", 6, "unexpected 'TCP' after the expression");
  assert_fails_at ("IP()(", 5, "unexpected '(' after the expression");
  assert_fails_at ("IP() 'a'", 6, "unexpected string after the expression");
  assert_fails_at ("Raw 5", 5, "unexpected '5' after the expression");
  assert_fails_at ("IP()=", 5, "unexpected '=' after the expression");
}

static void
test_error_positional_after_keyword (void)
{
  g_test_summary ("A positional argument after a keyword one is rejected at the positional.");
  assert_fails_at ("X(a=1, 2)", 8, "positional argument follows keyword argument");
  assert_fails_at ("X(a=1, A())", 8, "positional argument follows keyword argument");
  assert_fails_at ("X(1, a=1, b=2, [3])", 16, "positional argument follows keyword argument");
}

static void
test_error_keyword (void)
{
  g_test_summary ("Repeated keywords and constants used as keywords are rejected.");
  assert_fails_at ("IP(ttl=1, ttl=2)", 11, "keyword argument 'ttl' repeated");
  assert_fails_at ("X(None=1)", 3, "'None' cannot be a keyword");
  assert_fails_at ("X(True = 1)", 3, "'True' cannot be a keyword");
}

static void
test_error_expected_value (void)
{
  g_test_summary ("A missing value is reported at whatever stands in its place.");
  assert_fails_at ("X(a=)", 5, "expected a value after '='");
  assert_fails_at ("X(a=,)", 5, "expected a value after '='");
  assert_fails_at ("X(a= /B())", 6, "expected a value after '='");
  assert_fails_at ("X(a=1, b=", 10, "expected a value after '='");
  assert_fails_at ("X(,)", 3, "expected an argument or ')'");
  assert_fails_at ("X(1,,)", 5, "expected an argument or ')'");
  assert_fails_at ("X(v=(,))", 6, "expected a value or ')'");
  assert_fails_at ("X(v=[,])", 6, "expected a value or ']'");
  assert_fails_at ("X(v=[1,,])", 8, "expected a value or ']'");
  assert_fails_at ("X(v=-)", 6, "expected a number after '-'");
  assert_fails_at ("X(v=-'a')", 6, "expected a number after '-'");
  assert_fails_at ("X(v=--1)", 6, "expected a number after '-'");
  assert_fails_at ("X(v=/)", 5, "expected a value after '='");
}

static void
test_error_bare_name_value (void)
{
  g_test_summary ("A bare name as a value suggests quoting it or calling it.");
  assert_fails_at ("TCP(flags=S)", 11,
                   "expected a value after '=', not the bare name 'S' (quote it for a string, "
                   "or add '()' for a layer)");
  assert_fails_at ("X(v=[A, B()])", 6, "not the bare name 'A'");
  assert_fails_at ("X(Raw)", 3, "expected an argument or ')', not the bare name 'Raw'");
}

static void
test_error_expected_separator (void)
{
  g_test_summary ("Two values without a comma between them.");
  assert_fails_at ("X(a=1 b=2)", 7, "expected ')' or ','");
  assert_fails_at ("X(1 2)", 5, "expected ')' or ','");
  assert_fails_at ("X(v=(1 2))", 8, "expected ')' or ','");
  assert_fails_at ("X(v=[1 2])", 8, "expected ']' or ','");
  assert_fails_at ("X(v='a' 5)", 9, "expected ')' or ','");
  assert_fails_at ("X(v=(1)/A())", 8, "expected ')' or ','");
}

static void
test_error_unbalanced (void)
{
  g_test_summary ("A closing bracket with no partner, or the wrong partner, is unbalanced.");
  assert_fails_at ("]", 1, "unbalanced ']'");
  assert_fails_at (")", 1, "unbalanced ')'");
  assert_fails_at ("IP())", 5, "unbalanced ')'");
  assert_fails_at ("IP()]", 5, "unbalanced ']'");
  assert_fails_at ("IP()/]", 6, "unbalanced ']'");
  assert_fails_at ("X(a=1])", 6, "unbalanced ']': '(' at column 2 is not closed");
  assert_fails_at ("X(v=[1, 2)", 10, "unbalanced ')': '[' at column 5 is not closed");
  assert_fails_at ("X(v=(1, 2])", 10, "unbalanced ']': '(' at column 5 is not closed");
  assert_fails_at ("X(v=[)", 6, "unbalanced ')': '[' at column 5 is not closed");
}

static void
test_error_unclosed (void)
{
  g_test_summary ("The end of text inside a bracket names the bracket left open.");
  assert_fails_at ("IP(", 4, "expected an argument or ')' ('(' at column 3 is not closed)");
  assert_fails_at ("IP(ttl=3", 9, "expected ')' or ',' ('(' at column 3 is not closed)");
  assert_fails_at ("IP(ttl=3,", 10, "expected an argument or ')'");
  assert_fails_at ("X(v=[1, (2", 11, "expected ')' or ',' ('(' at column 9 is not closed)");
  assert_fails_at ("X(v=[1", 7, "expected ']' or ',' ('[' at column 5 is not closed)");
  assert_fails_at ("X(v=[", 6, "expected a value or ']'");
  assert_fails_at ("X(v=(", 6, "expected a value or ')'");
}

static void
test_error_unexpected_char (void)
{
  g_test_summary ("Characters outside the grammar, including non-ASCII, are named or shown in hex.");
  assert_fails_at ("IP();", 5, "unexpected character ';'");
  assert_fails_at ("IP().show", 5, "unexpected character '.'");
  assert_fails_at ("IP(ttl=+3)", 8, "unexpected character '+'");
  assert_fails_at ("IP(ttl=#3)", 8, "unexpected character '#'");
  assert_fails_at ("\xc3\xa9t\xc3\xa9", 1, "unexpected character '\xc3\xa9'");
  assert_fails_at ("IP(\xff)", 4, "unexpected byte 0xFF");
  assert_fails_at ("IP(\xc3)", 4, "unexpected byte 0xC3");
  assert_fails_at ("IP(\x01)", 4, "unexpected byte 0x01");
  assert_fails_at ("IP(1\x7f)", 5, "unexpected byte 0x7F");
}

static char *
nested (const char *open, const char *close, guint levels, const char *prefix)
{
  GString *out = g_string_new (prefix);
  for (guint i = 0; i < levels; i++)
    g_string_append (out, open);
  g_string_append (out, "1");
  for (guint i = 0; i < levels; i++)
    g_string_append (out, close);
  g_string_append (out, ")");
  return g_string_free (out, FALSE);
}

static void
test_error_depth (void)
{
  g_test_summary ("Nesting up to CRAFT_EXPR_MAX_DEPTH levels parses; one more is an error at that bracket.");
  /* The layer call's '(' is the first level, so MAX - 1 more fit inside. */
  g_autofree char *lists_ok = nested ("[", "]", CRAFT_EXPR_MAX_DEPTH - 1, "X(");
  g_autofree char *lists_deep = nested ("[", "]", CRAFT_EXPR_MAX_DEPTH, "X(");
  g_autofree char *tuples_deep = nested ("(", ",)", CRAFT_EXPR_MAX_DEPTH, "X(");
  g_autofree char *layers_deep = nested ("A(", ")", CRAFT_EXPR_MAX_DEPTH, "X(");
  g_autofree char *layers_ok = nested ("A(", ")", CRAFT_EXPR_MAX_DEPTH - 1, "X(");
  craft__expr_node_free (parse_ok (lists_ok));
  craft__expr_node_free (parse_ok (layers_ok));
  guint column = 2 + CRAFT_EXPR_MAX_DEPTH; /* the 64th '[' after "X(" */
  assert_fails_at (lists_deep, column, "expression nested too deeply");
  assert_fails_at (tuples_deep, column, "expression nested too deeply");
  assert_fails_at (layers_deep, 2 + 2 * CRAFT_EXPR_MAX_DEPTH, "expression nested too deeply");
}

static void
test_type_name (void)
{
  g_test_summary ("Every node type has a short English name.");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_INT), ==, "integer");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_STR), ==, "string");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_BYTES), ==, "bytes");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_NONE), ==, "None");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_BOOL), ==, "boolean");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_TUPLE), ==, "tuple");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_LIST), ==, "list");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_LAYER), ==, "layer");
  g_assert_cmpstr (craft__expr_type_name (CRAFT_EXPR_STACK), ==, "stack");
  g_assert_cmpstr (craft__expr_type_name ((CraftExprType) 99), ==, "unknown");
}

static void
test_free_null (void)
{
  g_test_summary ("Freeing NULL does nothing, and a NULL GError location is accepted.");
  craft__expr_node_free (NULL);
  g_assert_null (craft__expr_parse ("IP(", NULL));
  CraftExprNode *node = craft__expr_parse ("IP()", NULL);
  g_assert_nonnull (node);
  craft__expr_node_free (node);
}

/* ---- Adversarial inputs ---- */

/* Parses a heap copy of exactly the text's size, so AddressSanitizer sees
 * any read past the terminating NUL, and checks the result is either a tree
 * or a located syntax error. */
static void
check_survives (const char *text)
{
  gsize length = strlen (text);
  g_autofree char *copy = g_memdup2 (text, length + 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftExprNode) node = craft__expr_parse (copy, &error);
  if (node != NULL)
    {
      g_assert_no_error (error);
      g_autofree char *text_form = dump (node); /* walks every node */
      g_assert_nonnull (text_form);
      g_assert_cmpuint (node->column, >=, 1);
      g_assert_cmpuint (node->end_column, <=, length + 1);
      g_assert_cmpuint (node->column, <, node->end_column);
      return;
    }
  g_assert_error (error, CRAFT_ERROR, CRAFT_ERROR_SYNTAX);
  CraftErrorLocation location;
  g_assert_true (craft_error_get_location (error, &location));
  g_assert_cmpuint (location.column, >=, 1);
  g_assert_cmpuint (location.column, <=, length + 1);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_adversarial (void)
{
  g_test_summary ("Hostile and random inputs never crash: a tree, or an error inside the text.");
  static const char *const nasty[] = {
    "'", "\"", "b'", "b\"", "r'", "'''", "'''''", "\"\"\"\"", "'\\", "\"\\", "b\"\\x", "b\"\\x4",
    "'\\u", "'\\u12", "'\\U0010", "'\\N", "'\\N{", "'\\7", "'\\77", "r'\\", "rb'\\", "'\\\r",
    "\\", "IP(", "IP(a", "IP(a=", "IP(a=1", "IP(a=1,", "IP(a=(", "IP(a=[", "IP(a=-",
    "/", "//", "IP()/", "IP()//TCP()", "IP()/)", "0x", "0b", "0o", "0x_", "1__0", "1_", "00x",
    "09", "-", "--", "=", ",", "(", ")", "[", "]", "()", "[]", "X(())", "X([)])", "X(a=1=2)",
    "X(=1)", "X(a==1)", "None", "True()", "X(None)", "X(a=b=c)", "f'", "f", "rf", "u", "ur'x'",
    "bb'x'", "X(v=18446744073709551616)", "X(v=-18446744073709551615)", "\xff", "'\xff",
    "b'\xff", "\xc3", "X(\xc3\xa9=1)", "\x01\x02", "\t\n\r\v\f",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (nasty); i++)
    check_survives (nasty[i]);

  /* Every prefix of valid expressions: each is an error at or before the
   * end, or a shorter valid expression. */
  static const char *const valid[] = {
    "Ether(dst=\"00:11:22:33:44:55\")/IP(dst=\"192.0.2.1\",ttl=3)/TCP(dport=80,flags=\"S\")/\"GET /\"",
    "DNS(qd=DNSQR(qname=\"x\")/DNSQR(), an=[(1, -0x2_0), b'\\x00\\377', r'\\q', '''a\nb'''])",
    "X(1, 'a\\u00e9\\U0001F600\\x41\\101\\n', None, True, False, (), (1,), [0b1, 0o7])",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      gsize length = strlen (valid[i]);
      for (gsize cut = 0; cut <= length; cut++)
        {
          g_autofree char *prefix = g_strndup (valid[i], cut);
          check_survives (prefix);
        }
    }

  g_autoptr (GString) deep = g_string_new (NULL);
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (deep, '(');
  check_survives (deep->str);
  g_string_prepend (deep, "X(v=");
  check_survives (deep->str);
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 1000; i++)
    g_string_append (deep, "A(");
  check_survives (deep->str);
  g_string_truncate (deep, 0);
  g_string_append (deep, "X(v=");
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (deep, ']');
  check_survives (deep->str);
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 1000; i++)
    g_string_append (deep, "A()/");
  g_string_append (deep, "A()");
  check_survives (deep->str);

  /* Random text, half of it drawn from the grammar's own characters so that
   * it gets past the first token often, half from any non-NUL byte. */
  static const char alphabet[] = "IPA()[]/,=-'\"\\bBrRuxXoO0179_ \t\nNoneTrueFalse.#\xc3\xa9\xff";
  for (guint iteration = 0; iteration < 2000; iteration++)
    {
      guint length = (guint) g_test_rand_int_range (0, 48);
      gboolean any_byte = iteration % 2 == 1;
      g_autofree char *text = g_malloc (length + 1);
      for (guint i = 0; i < length; i++)
        text[i] = any_byte ? (char) g_test_rand_int_range (1, 256)
                           : alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      text[length] = '\0';
      check_survives (text);
    }

  /* Single-byte mutations of a valid expression. */
  const char *base = valid[1];
  gsize base_length = strlen (base);
  for (guint iteration = 0; iteration < 2000; iteration++)
    {
      g_autofree char *text = g_strdup (base);
      guint edits = (guint) g_test_rand_int_range (1, 4);
      for (guint e = 0; e < edits; e++)
        text[g_test_rand_int_range (0, (gint32) base_length)]
            = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      check_survives (text);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expr-parse/float", test_float);
  g_test_add_func ("/expr-parse/int/decimal", test_int_decimal);
  g_test_add_func ("/expr-parse/int/hex", test_int_hex);
  g_test_add_func ("/expr-parse/int/octal", test_int_octal);
  g_test_add_func ("/expr-parse/int/binary", test_int_binary);
  g_test_add_func ("/expr-parse/int/underscore", test_int_underscore);
  g_test_add_func ("/expr-parse/int/negative", test_int_negative);
  g_test_add_func ("/expr-parse/int/limits", test_int_limits);
  g_test_add_func ("/expr-parse/int/columns", test_int_columns);
  g_test_add_func ("/expr-parse/int/errors", test_int_errors);

  g_test_add_func ("/expr-parse/str/plain", test_str_plain);
  g_test_add_func ("/expr-parse/str/escapes", test_str_escapes);
  g_test_add_func ("/expr-parse/str/octal", test_str_octal);
  g_test_add_func ("/expr-parse/str/hex", test_str_hex);
  g_test_add_func ("/expr-parse/str/unicode", test_str_unicode);
  g_test_add_func ("/expr-parse/str/utf8-passthrough", test_str_utf8_passthrough);
  g_test_add_func ("/expr-parse/str/raw", test_str_raw);
  g_test_add_func ("/expr-parse/str/unknown-escape", test_str_unknown_escape);
  g_test_add_func ("/expr-parse/str/line-continuation", test_str_line_continuation);
  g_test_add_func ("/expr-parse/str/triple", test_str_triple);
  g_test_add_func ("/expr-parse/str/concat", test_str_concat);
  g_test_add_func ("/expr-parse/str/errors", test_str_errors);

  g_test_add_func ("/expr-parse/bytes/plain", test_bytes_plain);
  g_test_add_func ("/expr-parse/bytes/escapes", test_bytes_escapes);
  g_test_add_func ("/expr-parse/bytes/errors", test_bytes_errors);

  g_test_add_func ("/expr-parse/value/constants", test_value_constants);
  g_test_add_func ("/expr-parse/value/tuple", test_value_tuple);
  g_test_add_func ("/expr-parse/value/paren", test_value_paren);
  g_test_add_func ("/expr-parse/value/list", test_value_list);
  g_test_add_func ("/expr-parse/value/nested-packet", test_value_nested_packet);

  g_test_add_func ("/expr-parse/layer/bare", test_layer_bare);
  g_test_add_func ("/expr-parse/layer/call", test_layer_call);
  g_test_add_func ("/expr-parse/layer/keywords", test_layer_keywords);
  g_test_add_func ("/expr-parse/layer/positional", test_layer_positional);
  g_test_add_func ("/expr-parse/layer/trailing-comma", test_layer_trailing_comma);
  g_test_add_func ("/expr-parse/layer/whitespace", test_layer_whitespace);

  g_test_add_func ("/expr-parse/stack/layers", test_stack_layers);
  g_test_add_func ("/expr-parse/stack/payload", test_stack_payload);
  g_test_add_func ("/expr-parse/stack/scapy-examples", test_stack_scapy_examples);

  g_test_add_func ("/expr-parse/error/empty", test_error_empty);
  g_test_add_func ("/expr-parse/error/term", test_error_term);
  g_test_add_func ("/expr-parse/error/trailing", test_error_trailing);
  g_test_add_func ("/expr-parse/error/positional-after-keyword", test_error_positional_after_keyword);
  g_test_add_func ("/expr-parse/error/keyword", test_error_keyword);
  g_test_add_func ("/expr-parse/error/expected-value", test_error_expected_value);
  g_test_add_func ("/expr-parse/error/bare-name-value", test_error_bare_name_value);
  g_test_add_func ("/expr-parse/error/expected-separator", test_error_expected_separator);
  g_test_add_func ("/expr-parse/error/unbalanced", test_error_unbalanced);
  g_test_add_func ("/expr-parse/error/unclosed", test_error_unclosed);
  g_test_add_func ("/expr-parse/error/unexpected-char", test_error_unexpected_char);
  g_test_add_func ("/expr-parse/error/depth", test_error_depth);

  g_test_add_func ("/expr-parse/type-name", test_type_name);
  g_test_add_func ("/expr-parse/free-null", test_free_null);
  g_test_add_func ("/expr-parse/adversarial", test_adversarial);

  return g_test_run ();
}
