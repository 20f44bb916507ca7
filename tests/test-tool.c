/* Tests for the craft tool: runs the built binary and checks its output, exit status and error reports. */
#include <glib.h>
#include <glib/gstdio.h>

#include <string.h>
#include <sys/wait.h>

#include "testutil.h"

/* An empty folder for XDG_CONFIG_HOME, so the user's definitions stay out. */
static char *config_home;

/* ---- Helpers ---- */

/* Runs the craft tool with `args` (NULL-terminated) and CRAFT_PROTO_PATH set
 * to `proto_path`, or unset when NULL. */
static void
run_craft_in (Run *run, const char *proto_path, const char *const *args)
{
  craft_test_run_tool (run, NULL, config_home, proto_path, args);
}

#define run_craft(run, ...) run_craft_in (run, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* ---- build ---- */

/* Expressions and Scapy 2.5's bytes(expression).hex() for them. */
static const struct {
  const char *expression;
  const char *hex;
} scapy_hex[] = {
  { "Ether(dst=\"00:00:00:00:00:01\", src=\"00:11:22:33:44:55\")/IP(src=\"10.0.0.1\", dst=\"10.0.0.2\")"
    "/TCP(flags=\"SA\")/\"abc\"",
    "00000000000100112233445508004500002b00010000400666ca0a0000010a00000200140050000000000000000050122000b7060000"
    "616263" },
  { "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\")/UDP(sport=1234, dport=53)/\"hi\"",
    "4500001e000100004011f6cac0000201c000020204d20035000a0e666869" },
  { "ARP(hwtype=1, ptype=0x0800, hwlen=6, plen=4, op=\"is-at\", hwsrc=\"00:11:22:33:44:55\", psrc=\"192.0.2.1\", "
    "hwdst=\"66:77:88:99:aa:bb\", pdst=\"192.0.2.2\")",
    "0001080006040002001122334455c000020166778899aabbc0000202" },
};

static void
test_build_hex (void)
{
  g_test_summary ("craft build --hex prints Scapy's bytes as lowercase hex and nothing else.");
  for (gsize i = 0; i < G_N_ELEMENTS (scapy_hex); i++)
    {
      g_auto (Run) run = { 0 };
      run_craft (&run, "build", "--hex", scapy_hex[i].expression);
      g_assert_cmpint (run.status, ==, 0);
      g_autofree char *expected = g_strconcat (scapy_hex[i].hex, "\n", NULL);
      g_assert_cmpstr (run.out, ==, expected);
      g_assert_cmpstr (run.err, ==, "");
    }
  /* The option may follow the expression. */
  g_auto (Run) after = { 0 };
  run_craft (&after, "build", scapy_hex[1].expression, "--hex");
  g_assert_cmpint (after.status, ==, 0);
  g_assert_true (g_str_has_prefix (after.out, scapy_hex[1].hex));
}

static void
test_build_summary (void)
{
  g_test_summary ("craft build prints Scapy's one-line summary.");
  /* Scapy's summary() of the same packets. */
  g_auto (Run) run = { 0 };
  run_craft (&run, "build", scapy_hex[0].expression);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Ether / IP / TCP 10.0.0.1:ftp_data > 10.0.0.2:http SA / Raw\n");
  g_assert_cmpstr (run.err, ==, "");

  g_auto (Run) udp = { 0 };
  run_craft (&udp, "build", scapy_hex[1].expression);
  g_assert_cmpint (udp.status, ==, 0);
  g_assert_cmpstr (udp.out, ==, "IP / UDP 192.0.2.1:1234 > 192.0.2.2:domain / Raw\n");

  g_auto (Run) arp = { 0 };
  run_craft (&arp, "build", scapy_hex[2].expression);
  g_assert_cmpint (arp.status, ==, 0);
  g_assert_cmpstr (arp.out, ==, "ARP is at 00:11:22:33:44:55 says 192.0.2.1\n");
}

/* ---- show ---- */

static void
test_show_tree (void)
{
  g_test_summary ("craft show prints the show2() tree with computed values.");
  g_auto (Run) run = { 0 };
  run_craft (&run, "show", scapy_hex[1].expression);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  /* Scapy's show2() layout; names beside numbers where a field has them. */
  g_assert_cmpstr (run.out, ==,
                   "###[ IP ]###\n"
                   "  version   = 4\n"
                   "  ihl       = 5\n"
                   "  tos       = 0x0\n"
                   "  len       = 30\n"
                   "  id        = 1\n"
                   "  flags     = 0x0\n"
                   "  frag      = 0\n"
                   "  ttl       = 64\n"
                   "  proto     = udp (17)\n"
                   "  chksum    = 0xf6ca\n"
                   "  src       = 192.0.2.1\n"
                   "  dst       = 192.0.2.2\n"
                   "  options   = []\n"
                   "###[ UDP ]###\n"
                   "     sport     = 1234\n"
                   "     dport     = domain (53)\n"
                   "     len       = 10\n"
                   "     chksum    = 0xe66\n"
                   "###[ Raw ]###\n"
                   "        load      = b'hi'\n");
}

/* ---- Help and usage ---- */

static void
test_help (void)
{
  g_test_summary ("--help for the tool and each subcommand prints usage and exits 0.");
  const char *const help[][2] = { { "--help", NULL }, { "-h", NULL }, { "help", NULL },
                                  { "build", "--help" }, { "show", "--help" }, { "build", "-h" } };
  for (gsize i = 0; i < G_N_ELEMENTS (help); i++)
    {
      g_auto (Run) run = { 0 };
      run_craft_in (&run, NULL, (const char *const[]){ help[i][0], help[i][1], NULL });
      g_assert_cmpint (run.status, ==, 0);
      assert_contains (run.out, "Usage");
      g_assert_cmpstr (run.err, ==, "");
    }
  g_auto (Run) top = { 0 };
  run_craft (&top, "--help");
  assert_contains (top.out, "build");
  assert_contains (top.out, "show");
  g_auto (Run) build = { 0 };
  run_craft (&build, "build", "--help");
  assert_contains (build.out, "craft build");
  assert_contains (build.out, "--hex");
}

static void
test_usage_errors (void)
{
  g_test_summary ("Unknown commands and options and a missing expression exit 2.");
  g_auto (Run) unknown = { 0 };
  run_craft (&unknown, "frob");
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_cmpstr (unknown.out, ==, "");
  assert_contains (unknown.err, "unknown command 'frob'");
  assert_contains (unknown.err, "Usage");

  g_auto (Run) nothing = { 0 };
  run_craft_in (&nothing, NULL, (const char *const[]){ NULL });
  g_assert_cmpint (nothing.status, ==, 2);
  g_assert_cmpstr (nothing.out, ==, "");
  assert_contains (nothing.err, "Usage");

  const char *const missing[][3] = { { "build", NULL, NULL }, { "build", "--hex", NULL }, { "show", NULL, NULL },
                                     { "build", "IP()", "TCP()" }, { "show", "IP()", "x" } };
  for (gsize i = 0; i < G_N_ELEMENTS (missing); i++)
    {
      g_auto (Run) run = { 0 };
      run_craft_in (&run, NULL, (const char *const[]){ missing[i][0], missing[i][1], missing[i][2], NULL });
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      assert_contains (run.err, "expected one expression");
    }

  g_auto (Run) option = { 0 };
  run_craft (&option, "build", "--bogus", "IP()");
  g_assert_cmpint (option.status, ==, 2);
  g_assert_cmpstr (option.out, ==, "");
  assert_contains (option.err, "--bogus");
}

/* ---- Errors in expressions ---- */

/* The tool prints the message, the expression, and a caret under the column. */
static void
test_error_caret (void)
{
  g_test_summary ("A bad expression exits 2 with the message and a caret under its column.");
  static const struct {
    const char *command;
    const char *expression;
    const char *err;
  } cases[] = {
    { "build", "IP(ttl=300)",
      "craft: column 8: 300 is out of range for 8-bit field 'ttl' (0..255)\n"
      "  IP(ttl=300)\n"
      "         ^\n" },
    { "build", "Ether()/IP(tll=3)",
      "craft: column 12: layer IP has no field 'tll' (fields: version, ihl, tos, len, id, flags, frag, ttl, proto, "
      "chksum, src, dst, options)\n"
      "  Ether()/IP(tll=3)\n"
      "             ^\n" },
    { "show", "Ether()/Foo()",
      "craft: column 9: unknown layer 'Foo' (craft ls lists the loaded layers)\n"
      "  Ether()/Foo()\n"
      "          ^\n" },
    { "build", "IP(dst=\"1.2.3\")",
      "craft: column 8: field 'dst': '1.2.3' is not an IPv4 address (expected dotted quad like 192.0.2.1)\n"
      "  IP(dst=\"1.2.3\")\n"
      "         ^\n" },
    { "build", "IP(ttl=5",
      "craft: column 9: expected ')' or ',' ('(' at column 3 is not closed)\n"
      "  IP(ttl=5\n"
      "          ^\n" },
    /* A character of several bytes takes one column on the terminal... */
    { "build", "Raw(\"\xc3\xa9\")/IP(ttl=300)",
      "craft: column 18: 300 is out of range for 8-bit field 'ttl' (0..255)\n"
      "  Raw(\"\xc3\xa9\")/IP(ttl=300)\n"
      "  " "                ^\n" },
    /* ... a wide one two, and a tab stays a tab so the caret lines up. */
    { "build", "Raw(\"\xe6\x97\xa5\")/IP(ttl=300)",
      "craft: column 19: 300 is out of range for 8-bit field 'ttl' (0..255)\n"
      "  Raw(\"\xe6\x97\xa5\")/IP(ttl=300)\n"
      "  " "                 ^\n" },
    { "build", "IP(ttl=5,\ttos=300)",
      "craft: column 15: 300 is out of range for 8-bit field 'tos' (0..255)\n"
      "  IP(ttl=5,\ttos=300)\n"
      "  " "         \t    ^\n" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Run) run = { 0 };
      run_craft (&run, cases[i].command, cases[i].expression);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_cmpstr (run.err, ==, cases[i].err);
    }

  /* --hex changes nothing of the report. */
  g_auto (Run) hex = { 0 };
  run_craft (&hex, "build", "--hex", "TCP(flags=\"SX\")");
  g_assert_cmpint (hex.status, ==, 2);
  g_assert_cmpstr (hex.out, ==, "");
  g_assert_cmpstr (hex.err, ==,
                   "craft: column 11: 'X' is not a flag of field 'flags' (flags: F, S, R, P, A, U, E, C, N)\n"
                   "  TCP(flags=\"SX\")\n"
                   "            ^\n");

  /* An expression on several lines is reported by line, with the caret
   * under the column of that line. */
  g_auto (Run) lines = { 0 };
  run_craft (&lines, "build", "IP(ttl=1,\r\n   tos=300)");
  g_assert_cmpint (lines.status, ==, 2);
  g_assert_cmpstr (lines.err, ==,
                   "craft: line 2, column 8: 300 is out of range for 8-bit field 'tos' (0..255)\n"
                   "     tos=300)\n"
                   "  " "       ^\n");
}

/* ---- Definitions from CRAFT_PROTO_PATH and the user's folder ---- */

static char *
write_definition (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_definition_error (void)
{
  g_test_summary ("A bad definition on CRAFT_PROTO_PATH exits 2 with file:line:column: message.");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("craft-test-tool-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = write_definition (dir, "bad.pdl", "layer Foo {\n    a: u8;\n    b: u7x;\n}\n");

  g_auto (Run) run = { 0 };
  run_craft_in (&run, dir, (const char *const[]){ "build", "--hex", "IP()", NULL });
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_autofree char *expected
    = g_strdup_printf ("craft: %s:3:8: unknown type 'u7x' (expected u1…u64, s1…s64, mac, ipv4, ipv6, bytes, dnsname or list)\n",
                       path);
  g_assert_cmpstr (run.err, ==, expected);

  /* show reports it the same way, and a value error in a default too. */
  g_autofree char *path2 = write_definition (dir, "bad.pdl", "layer Foo {\n    a: u8 = 300;\n}\n");
  g_auto (Run) show = { 0 };
  run_craft_in (&show, dir, (const char *const[]){ "show", "IP()", NULL });
  g_assert_cmpint (show.status, ==, 2);
  g_autofree char *expected2 = g_strdup_printf ("craft: %s:2:13: 300 is out of range for 8-bit field 'a' (0..255)\n",
                                                path2);
  g_assert_cmpstr (show.err, ==, expected2);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_definition_user_layer (void)
{
  g_test_summary ("A definition on CRAFT_PROTO_PATH adds a layer expressions can use.");
  /* A good definition on CRAFT_PROTO_PATH adds a layer the expression can use. */
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("craft-test-tool-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path
    = write_definition (dir, "demo.pdl", "layer Demo {\n    kind: u8 = 7;\n    value: u16 le;\n}\n");
  g_auto (Run) run = { 0 };
  run_craft_in (&run, dir, (const char *const[]){ "build", "--hex", "Demo(value=0x1234)/\"x\"", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "07341278\n");
  g_assert_cmpstr (run.err, ==, "");

  /* Without the path the layer is unknown. */
  g_auto (Run) without = { 0 };
  run_craft (&without, "build", "Demo()");
  g_assert_cmpint (without.status, ==, 2);
  assert_contains (without.err, "unknown layer 'Demo'");

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_autoptr (GError) error = NULL;
  config_home = g_dir_make_tmp ("craft-test-config-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/tool/build/hex", test_build_hex);
  g_test_add_func ("/tool/build/summary", test_build_summary);
  g_test_add_func ("/tool/show/tree", test_show_tree);
  g_test_add_func ("/tool/help", test_help);
  g_test_add_func ("/tool/usage-errors", test_usage_errors);
  g_test_add_func ("/tool/error/caret", test_error_caret);
  g_test_add_func ("/tool/definition/error", test_definition_error);
  g_test_add_func ("/tool/definition/user-layer", test_definition_user_layer);

  int status = g_test_run ();
  g_rmdir (config_home);
  g_free (config_home);
  return status;
}
