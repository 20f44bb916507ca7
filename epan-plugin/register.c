/* Registration: each definition layer becomes a protocol whose header fields are copies of its compiled field rows. */
#include "craft-plugin.h"

/* Wireshark keeps pointers to everything registered here for the life of
 * the process, so every array and string below is allocated once and never
 * freed. */

static const hf_register_info hf_template = { NULL, { NULL, NULL, FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL } };
static const ei_register_info ei_template = { NULL, { NULL, 0, 0, NULL, EXPFILL } };

/* Expert infos by CraftFindingKind: the last part of the filter name, group, severity, summary. */
static const struct {
  const char *name;
  int group;
  int severity;
  const char *summary;
} expert_kinds[CRAFT_PLUGIN_N_EXPERT] = {
  [CRAFT_FINDING_TRUNCATED] = { "truncated", PI_MALFORMED, PI_ERROR, "A field runs past the end of the data" },
  [CRAFT_FINDING_LENGTH] = { "length", PI_PROTOCOL, PI_WARN, "A length disagrees with the data" },
  [CRAFT_FINDING_CHECKSUM] = { "checksum", PI_CHECKSUM, PI_ERROR, "Bad checksum" },
  [CRAFT_FINDING_INVALID] = { "invalid", PI_MALFORMED, PI_WARN, "Not valid for its definition" },
};

/* A filter-name part: lower case, each character Wireshark does not accept
 * in a filter name replaced by '_' (a bad name aborts Wireshark). */
static char *
name_part (const char *text)
{
  char *s = g_ascii_strdown (text, -1);
  for (char *c = s; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
      *c = '_';
  if (*s == '\0' || g_ascii_isdigit (*s))
    {
      char *prefixed = g_strconcat ("_", s, NULL);
      g_free (s);
      s = prefixed;
    }
  return s;
}

/* `base`, else base_2, base_3...: a filter name that no field, protocol or
 * expert info has yet. */
static const char *
unique_name (GHashTable *used, const char *base)
{
  char *name = g_strdup (base);
  for (guint n = 2; g_hash_table_contains (used, name) || proto_registrar_get_byname (name) != NULL; n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%u", base, n);
    }
  g_hash_table_add (used, name);
  return name;
}

static ftenum_t
integer_type (guint bits, gboolean is_signed)
{
  static const ftenum_t unsigned_types[] = { FT_UINT8, FT_UINT16, FT_UINT24, FT_UINT32,
                                             FT_UINT40, FT_UINT48, FT_UINT56, FT_UINT64 };
  static const ftenum_t signed_types[] = { FT_INT8, FT_INT16, FT_INT24, FT_INT32,
                                           FT_INT40, FT_INT48, FT_INT56, FT_INT64 };
  guint index = CLAMP (bits / 8, 1, 8) - 1;
  return is_signed ? signed_types[index] : unsigned_types[index];
}

/* The field type of a byte kind. Kinds are generic (no protocol in them);
 * anything that is not an address shows as bytes. */
static ftenum_t
bytes_type (const CraftFieldDef *f)
{
  if (strcmp (f->kind->name, "mac") == 0)
    return FT_ETHER;
  if (strcmp (f->kind->name, "ipv4") == 0)
    return FT_IPv4;
  if (strcmp (f->kind->name, "ipv6") == 0)
    return FT_IPv6;
  /* Domain names show as text, their compression pointers followed. */
  if (strcmp (f->kind->name, "dnsname") == 0)
    return FT_STRING;
  return FT_BYTES;
}

/* An enumeration as a value_string (or val64_string for fields wider than 32 bits). */
static const void *
value_names (const CraftEnum *e, gboolean wide)
{
  guint n = e->values->len;
  if (wide)
    {
      val64_string *names = g_new0 (val64_string, n + 1);
      for (guint i = 0; i < n; i++)
        {
          const CraftEnumValue *v = &g_array_index (e->values, CraftEnumValue, i);
          names[i].value = v->value;
          names[i].strptr = v->name;
        }
      return names;
    }
  value_string *names = g_new0 (value_string, n + 1);
  guint k = 0;
  for (guint i = 0; i < n; i++)
    {
      const CraftEnumValue *v = &g_array_index (e->values, CraftEnumValue, i);
      if (v->value > G_MAXUINT32)
        continue;
      names[k].value = (guint32) v->value;
      names[k++].strptr = v->name;
    }
  return names;
}

/* Where an integer field sits: a field that is not whole bytes on a byte
 * boundary gets a bitmask within the smallest run of whole bytes holding it
 * (IP's 3 flag bits and 13 offset bits in a 16-bit unit). The bit position
 * is the one the field has when every conditional field before it is
 * present; the dissector hands values over shifted to this position, so the
 * value shown is right even if a definition moves it. */
static void
place_integer (const CraftFieldDef *f, guint bit, CraftPluginField *wf, guint64 *mask)
{
  guint bits = f->bits;
  guint64 field_mask = bits >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << bits) - 1;
  *mask = 0;
  wf->shift = 0;
  wf->masked = FALSE;
  if (f->little_endian || (bit % 8 == 0 && bits % 8 == 0))
    {
      wf->unit_bits = bits;
      return;
    }
  guint unit = (bit % 8 + bits + 7) / 8;
  if (unit > 8)
    {
      wf->unit_bits = 64;
      return;
    }
  wf->unit_bits = unit * 8;
  wf->shift = wf->unit_bits - bit % 8 - bits;
  wf->masked = TRUE;
  *mask = field_mask << wf->shift;
}

/* The types whose values a display filter compares alike: integers of up
 * to 32 bits, and of more, signed or not; any other type only with itself. */
static ftenum_t
value_class (ftenum_t type)
{
  switch (type)
    {
    case FT_UINT8: case FT_UINT16: case FT_UINT24: case FT_UINT32:
      return FT_UINT32;
    case FT_INT8: case FT_INT16: case FT_INT24: case FT_INT32:
      return FT_INT32;
    case FT_UINT40: case FT_UINT48: case FT_UINT56: case FT_UINT64:
      return FT_UINT64;
    case FT_INT40: case FT_INT48: case FT_INT56: case FT_INT64:
      return FT_INT64;
    default:
      return type;
    }
}

/* The filter name of a field of `type`. Conditional alternatives of one
 * name (ICMP's two "unused") share one, as Wireshark's own dissectors do,
 * when their values compare alike: a filter reads a value as the type of
 * the first field of its name and compares it with every field of that
 * name, so an alternative of another type (DNS rdata: an IPv4 address, an
 * IPv6 one, a name) gets a name of its own, the type after the first's:
 * dnsrr.rdata.ipv6. `abbrevs` maps "name" and "name|class" to the names
 * given so far. */
static const char *
field_abbrev (CraftPluginLayer *pl, const CraftFieldDef *f, ftenum_t type, GHashTable *used, GHashTable *abbrevs)
{
  g_autofree char *key = g_strdup_printf ("%s|%d", f->name, (int) value_class (type));
  const char *abbrev = g_hash_table_lookup (abbrevs, key);
  if (abbrev != NULL)
    return abbrev;
  const char *first = g_hash_table_lookup (abbrevs, f->name);
  g_autofree char *base = NULL;
  if (first == NULL)
    {
      g_autofree char *part = name_part (f->name);
      base = g_strdup_printf ("%s.%s", pl->filter, part);
    }
  else
    {
      /* "FT_IPv6" → "ipv6" */
      g_autofree char *type_part = g_ascii_strdown (ftype_name (value_class (type)) + strlen ("FT_"), -1);
      base = g_strdup_printf ("%s.%s", first, type_part);
    }
  abbrev = unique_name (used, base);
  if (first == NULL)
    g_hash_table_insert (abbrevs, g_strdup (f->name), (gpointer) abbrev);
  g_hash_table_insert (abbrevs, g_steal_pointer (&key), (gpointer) abbrev);
  return abbrev;
}

/* The header fields of one definition field: the field, a checksum status, one boolean per flag. */
static void
field_rows (CraftPluginLayer *pl, guint index, guint bit, GHashTable *used, GHashTable *abbrevs, GArray *hf,
            GPtrArray *ett)
{
  const CraftFieldDef *f = g_ptr_array_index (pl->def->fields, index);
  CraftPluginField *wf = &pl->fields[index];
  hf_register_info row = hf_template;
  wf->hf = -1;
  wf->hf_status = -1;
  wf->ett_flags = -1;
  row.p_id = &wf->hf;
  row.hfinfo.name = f->name;
  row.hfinfo.blurb = f->description != NULL && *f->description != '\0' ? f->description : NULL;

  if (!f->kind->is_integer)
    {
      row.hfinfo.type = bytes_type (f);
      row.hfinfo.abbrev = field_abbrev (pl, f, row.hfinfo.type, used, abbrevs);
      g_array_append_val (hf, row);
      return;
    }

  guint64 mask;
  place_integer (f, bit, wf, &mask);
  gboolean is_signed = f->kind->is_signed;
  row.hfinfo.type = integer_type (wf->unit_bits, is_signed);
  const char *abbrev = field_abbrev (pl, f, row.hfinfo.type, used, abbrevs);
  row.hfinfo.abbrev = abbrev;
  row.hfinfo.bitmask = mask;
  /* Wireshark shows signed fields in decimal only; flag sets read best in hex. */
  row.hfinfo.display = !is_signed && (f->hex || f->flag_names != NULL) ? BASE_HEX : BASE_DEC;
  if (f->enumeration != NULL && f->enum_choices == NULL && !is_signed)
    {
      gboolean wide = wf->unit_bits > 32;
      row.hfinfo.strings = value_names (f->enumeration, wide);
      if (wide)
        row.hfinfo.display |= BASE_VAL64_STRING;
    }
  g_array_append_val (hf, row);

  /* A checksum gets Wireshark's usual status field (telemetry.checksum.status). */
  if (f->deferred)
    {
      wf->checksum_item = !wf->masked && !is_signed && wf->unit_bits <= 32;
      hf_register_info status = hf_template;
      g_autofree char *base = g_strdup_printf ("%s.status", abbrev);
      status.p_id = &wf->hf_status;
      status.hfinfo.name = g_strdup_printf ("%s status", f->name);
      status.hfinfo.abbrev = unique_name (used, base);
      status.hfinfo.type = FT_UINT8;
      status.hfinfo.strings = VALS (proto_checksum_vals);
      status.hfinfo.blurb = "Whether the checksum matches the bytes it covers";
      g_array_append_val (hf, status);
    }

  /* A flag set gets a subtree with one boolean per named bit, bit 0 first. */
  if (f->flag_names != NULL)
    {
      guint n = MIN (f->flag_names->len, f->bits);
      wf->hf_flags = g_new (int, n);
      wf->flags_masked = wf->unit_bits <= 32;
      for (guint b = 0; b < n; b++)
        {
          const char *flag = g_ptr_array_index (f->flag_names, b);
          hf_register_info bit_row = hf_template;
          g_autofree char *part = name_part (flag);
          g_autofree char *base = g_strdup_printf ("%s.%s", abbrev, part);
          wf->hf_flags[b] = -1;
          bit_row.p_id = &wf->hf_flags[b];
          bit_row.hfinfo.name = flag;
          bit_row.hfinfo.abbrev = unique_name (used, base);
          bit_row.hfinfo.type = FT_BOOLEAN;
          if (wf->flags_masked)
            {
              bit_row.hfinfo.display = (int) wf->unit_bits;
              bit_row.hfinfo.bitmask = (G_GUINT64_CONSTANT (1) << b) << wf->shift;
            }
          g_array_append_val (hf, bit_row);
        }
      g_ptr_array_add (ett, &wf->ett_flags);
    }
}

/* The protocol's names: full, short and filter. FALSE if Wireshark already
 * has a protocol by one of them that cannot be avoided. */
static gboolean
protocol_names (CraftPluginLayer *pl, GHashTable *used, char **full, char **short_name)
{
  const CraftLayerDef *def = pl->def;
  const char *title = def->title != NULL && *def->title != '\0' ? def->title : def->name;
  g_autofree char *part = name_part (def->name);
  if (pl->role == CRAFT_PLUGIN_STANDARD)
    {
      pl->filter = g_strconcat ("craft.", part, NULL);
      *full = g_strdup_printf ("%s (craft definition)", title);
      *short_name = g_strconcat ("craft.", def->name, NULL);
    }
  else
    {
      pl->filter = g_steal_pointer (&part);
      *full = g_strdup (title);
      *short_name = g_strdup (def->name);
    }
  if (proto_name_already_registered (*full))
    {
      char *decorated = g_strdup_printf ("%s (craft definition of %s)", *full, def->name);
      g_free (*full);
      *full = decorated;
    }
  if (proto_get_id_by_short_name (*short_name) >= 0)
    {
      char *decorated = g_strdup_printf ("%s (craft)", *short_name);
      g_free (*short_name);
      *short_name = decorated;
    }
  if (proto_get_id_by_filter_name (pl->filter) >= 0 || g_hash_table_contains (used, pl->filter)
      || proto_registrar_get_byname (pl->filter) != NULL || proto_name_already_registered (*full)
      || proto_get_id_by_short_name (*short_name) >= 0)
    return FALSE;
  g_hash_table_add (used, g_strdup (pl->filter));
  return TRUE;
}

CraftPluginLayer *
craft_plugin_register_layer (const CraftLayerDef *def, GHashTable *used)
{
  CraftPluginLayer *pl = g_new0 (CraftPluginLayer, 1);
  pl->def = def;
  pl->role = craft_plugin_layer_role (def, &pl->ws_name);
  char *full = NULL, *short_name = NULL;
  if (!protocol_names (pl, used, &full, &short_name))
    {
      ws_warning ("craft: layer %s (%s) is not shown: its names clash with a protocol Wireshark has (%s)",
                  def->name, def->file, pl->filter);
      g_free (full);
      g_free (short_name);
      g_free (pl->filter);
      g_free (pl->ws_name);
      g_free (pl);
      return NULL;
    }
  pl->proto = proto_register_protocol (full, short_name, pl->filter);

  guint n = def->fields->len;
  pl->fields = g_new0 (CraftPluginField, n);
  pl->ett = -1;
  GArray *hf = g_array_new (FALSE, TRUE, sizeof (hf_register_info));
  GPtrArray *ett = g_ptr_array_new ();
  g_ptr_array_add (ett, &pl->ett);
  g_autoptr (GHashTable) abbrevs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint bit = 0;
  for (guint i = 0; i < n; i++)
    {
      const CraftFieldDef *f = g_ptr_array_index (def->fields, i);
      field_rows (pl, i, bit, used, abbrevs, hf, ett);
      bit += f->bits;
    }
  guint n_hf = hf->len;
  proto_register_field_array (pl->proto, (hf_register_info *) (void *) g_array_free (hf, FALSE), (int) n_hf);
  guint n_ett = ett->len;
  proto_register_subtree_array ((gint *const *) g_ptr_array_free (ett, FALSE), (int) n_ett);

  ei_register_info *ei = g_new (ei_register_info, CRAFT_PLUGIN_N_EXPERT);
  for (guint k = 0; k < CRAFT_PLUGIN_N_EXPERT; k++)
    {
      g_autofree char *base = g_strdup_printf ("%s.expert.%s", pl->filter, expert_kinds[k].name);
      pl->ei[k] = (expert_field) EI_INIT;
      ei[k] = ei_template;
      ei[k].ids = &pl->ei[k];
      ei[k].eiinfo.name = unique_name (used, base);
      ei[k].eiinfo.group = expert_kinds[k].group;
      ei[k].eiinfo.severity = expert_kinds[k].severity;
      ei[k].eiinfo.summary = expert_kinds[k].summary;
    }
  expert_register_field_array (expert_register_protocol (pl->proto), ei, CRAFT_PLUGIN_N_EXPERT);

  /* The dissector is found by its protocol's filter name (Decode As, -d). */
  const char *dissector_name = pl->filter;
  if (find_dissector (dissector_name) != NULL)
    dissector_name = g_strconcat (pl->filter, "_craft", NULL);
  pl->handle = register_dissector_with_data (dissector_name, craft_plugin_dissect, pl->proto, pl);
  pl->fixed_len = craft_plugin_fixed_length (def);
  return pl;
}
