/* The table of field kinds: how each turns text into wire bytes, wire bytes into text, and draws random values. */
#pragma once

#include <glib.h>
#include "model.h"

G_BEGIN_DECLS

struct _CraftKind {
  const char *name;
  gboolean is_integer;  /* value lives in a guint64, width from the field */
  gboolean is_signed;
  guint fixed_bits;     /* width of address kinds; 0 for integers and byte strings */
  /* Byte kinds: parses a user's text ("192.0.2.1") into wire bytes. */
  gboolean (*parse_text) (const char *text, GByteArray *out, GError **error);
  /* Byte kinds: appends the readable form of wire bytes. */
  void (*format) (const guint8 *data, gsize length, GString *out);
  /* Fuzzing: draws a random value for `field` from `rng`. Integer kinds set
   * *num, within the field's width, drawing the names in `names` (the value
   * names that apply now, or NULL) and the field's flags more often than
   * other values; byte kinds append the value to `out`: an address's width,
   * a fixed string's size, else a random length up to CRAFT_FUZZ_MAX_BYTES. */
  void (*random) (const CraftFieldDef *field, const CraftEnum *names, GRand *rng, guint64 *num, GByteArray *out);
  /* Lists of elements (`list(...) of GROUP`): the value is the elements' bytes, read and shown through
   * the element layers (list.c). */
  gboolean is_list;
  /* Kinds whose wire form says where it ends (domain names): the bytes the value at `data` takes,
   * at most `room`; sets *problem (static text) when it does not end properly there. */
  gsize (*wire_size) (const guint8 *data, gsize room, const char **problem);
  /* Kinds whose value may refer to earlier bytes (compressed domain names): appends the value at
   * `offset` of `base`, where references count from; returns FALSE with *problem set when a
   * reference is bad (the text then says so). */
  gboolean (*format_at) (const guint8 *base, gsize base_len, gsize offset, GString *out, const char **problem);
  /* Kinds whose value is a sequence of strings (character-strings): appends the encoding of one string
   * given as bytes, NUL bytes included. A list given to such a field is one value, its strings one
   * after another, as Scapy takes a TXT record's rdata=["abc", "de"]. */
  gboolean (*append_string) (const guint8 *data, gsize length, GByteArray *out, GError **error);
  /* What a value of the kind is, for messages: "an IPv4 address" (integers add their width). */
  const char *noun;
};

/* The kind named `name` ("uint", "int", "mac", "ipv4", "ipv6", "bytes"), or NULL. */
const CraftKind *craft__kind_lookup (const char *name);

extern const CraftKind craft__kind_uint;
extern const CraftKind craft__kind_int;
extern const CraftKind craft__kind_bytes;
extern const CraftKind craft__kind_list;

/* Appends `data` as a Python bytes literal, b'GET /\x00'. */
void craft__format_bytes_literal (const guint8 *data, gsize length, GString *out);

G_END_DECLS
