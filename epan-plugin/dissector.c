/* The one generic dissector: runs libcraft's dissector and shows each layer's fields at the bytes they came from. */
#include "craft-plugin.h"

#include <epan/exceptions.h>
#include <epan/tap.h>

/* One dissection by libcraft, shared by every layer shown from it. Freed
 * with the packet's memory pool, so an exception thrown anywhere below
 * (a tvb read past the end, a subdissector's) cannot leak it. */
typedef struct {
  CraftPacket *packet;
  gsize length;         /* bytes libcraft dissected */
  gboolean judged;      /* craft_packet_verify() could judge every computed field: no bytes are missing */
  /* When a checksum covers a pseudo-header that a layer below offers but
   * Wireshark dissected (its IP): the whole frame read by libcraft, whose
   * layer `index + delta` is this packet's layer `index`, and verified. */
  CraftPacket *whole;
  guint delta;
  gboolean whole_judged;
} View;

/* The layer the next call through a layer's handle shows, instead of
 * dissecting its bytes again. Each layer above the first is shown by a call
 * through its own protocol's handle, so Wireshark keeps its per-layer
 * bookkeeping: frame.protocols, disabled protocols, which protocol a
 * malformed packet is blamed on. Set only around that call. */
typedef struct {
  View *view;
  guint index;
  guint base;        /* the packet offset of the tvb's first byte */
  tvbuff_t *tvb;
  guint32 frame;
} Continuation;

static Continuation *pending;

static gboolean
release_packet (wmem_allocator_t *allocator, wmem_cb_event_t event, void *data)
{
  craft_packet_unref (data);
  return FALSE;
}

/* The packet of the last frame's dissection, kept for the next one, which
 * sets it from its bytes into the same memory (craft_packet_set_from_bytes).
 * Frames are dissected one at a time, on one thread; a dissection inside
 * another one (a packet carried in an ICMP error) gets a packet of its own. */
static CraftPacket *spare;

static gboolean
recycle_packet (wmem_allocator_t *allocator, wmem_cb_event_t event, void *data)
{
  CraftPacket *packet = data;
  if (spare == NULL && packet->ref_count == 1 && packet->reg == craft_plugin_registry)
    spare = packet;
  else
    craft_packet_unref (packet);
  return FALSE;
}

/* Whether the verdicts on computed fields are wanted: in the tree, or, with
 * none (tshark -r), by an expert info tap (tshark -z expert). They go
 * nowhere else: Wireshark's own dissectors skip such work without a tree. */
static gboolean
verdicts_wanted (proto_tree *tree)
{
  static int expert_tap = -1;
  if (tree != NULL)
    return TRUE;
  if (expert_tap < 0)
    expert_tap = find_tap_id ("expert");
  return expert_tap > 0 && have_tap_listener (expert_tap);
}

static View *
dissect_bytes (CraftPluginLayer *pl, const CraftLayerDef *below, tvbuff_t *tvb, packet_info *pinfo)
{
  guint length = tvb_captured_length (tvb);
  const guint8 *data = length > 0 ? tvb_get_ptr (tvb, 0, (gint) length) : NULL;
  CraftPacket *packet = g_steal_pointer (&spare);
  if (packet == NULL)
    packet = craft_packet_new (craft_plugin_registry);
  craft__packet_set_from_bytes_above (packet, below, pl->def, data, length);
  wmem_register_callback (pinfo->pool, recycle_packet, packet);
  View *view = wmem_new0 (pinfo->pool, View);
  view->packet = packet;
  view->length = length;
  /* Where bytes are missing, lengths and checksums cannot be judged, and
   * libcraft does not judge them. */
  view->judged = TRUE;
  for (guint i = 0; i < craft_packet_get_n_findings (packet); i++)
    {
      CraftFindingKind kind = craft_packet_get_finding (packet, i)->kind;
      if (kind == CRAFT_FINDING_TRUNCATED || kind == CRAFT_FINDING_LENGTH)
        view->judged = FALSE;
    }
  return view;
}

/* What libcraft could read of a layer whose header was cut short, which
 * its dissection leaves as Raw: the fields before the cut, at their bytes. */
static View *
partial_view (const CraftLayerDef *def, const CraftLayerDef *below, tvbuff_t *tvb, packet_info *pinfo)
{
  guint length = tvb_captured_length (tvb);
  const guint8 *data = length > 0 ? tvb_get_ptr (tvb, 0, (gint) length) : NULL;
  CraftPacket *packet = craft__packet_new_partial_above (craft_plugin_registry, below, def, data, length);
  wmem_register_callback (pinfo->pool, release_packet, packet);
  View *view = wmem_new0 (pinfo->pool, View);
  view->packet = packet;
  view->length = length;
  view->judged = FALSE;
  return view;
}

/* The layer above layer `index` that the bindings chose but whose header
 * was cut short (a Raw layer with a truncation finding took its place),
 * when the plugin shows it; else NULL. */
static CraftPluginLayer *
cut_upper (View *view, guint index)
{
  CraftPacket *p = view->packet;
  const CraftLayer *l = craft__packet_layer (p, index);
  guint next = index + 1;
  /* Where show_payload() hands a payload on to the layer above. */
  if (next >= craft_packet_get_n_layers (p) || !craft__packet_layer (p, next)->def->fallback || l->hdr_len == 0
      || craft__packet_layer (p, next)->start != l->start + l->hdr_len || l->end <= l->start + l->hdr_len)
    return NULL;
  gboolean truncated = FALSE;
  for (guint i = 0; i < craft_packet_get_n_findings (p); i++)
    {
      const CraftFinding *f = craft_packet_get_finding (p, i);
      truncated |= f->layer == next && f->kind == CRAFT_FINDING_TRUNCATED;
    }
  const CraftLayerDef *chosen = truncated ? craft__packet_chosen_upper (p, index) : NULL;
  CraftPluginLayer *upl = chosen != NULL ? craft_plugin_layer_lookup (chosen) : NULL;
  if (upl == NULL || (upl->role == CRAFT_PLUGIN_STANDARD && !craft_plugin_standard_layers))
    return NULL;
  return upl;
}

/* Whether an expression reads the pseudo-header a lower layer offers. */
static gboolean
reads_pseudo (const CraftCalc *c)
{
  if (c == NULL)
    return FALSE;
  if (c->items != NULL)
    for (guint i = 0; i < c->items->len; i++)
      {
        const CraftCalc *item = g_ptr_array_index (c->items, i);
        if (((c->type == CRAFT_CALC_CHECKSUM || c->type == CRAFT_CALC_CRC32) && item->span == CRAFT_SPAN_PSEUDO)
            || reads_pseudo (item))
          return TRUE;
      }
  return reads_pseudo (c->a) || reads_pseudo (c->b);
}

/* A computed field that cannot be checked from this packet: its checksum
 * covers a pseudo-header, and the layer that offers one was dissected by
 * Wireshark, not by libcraft (craft.udp over Wireshark's IP). */
static gboolean
needs_lower_pseudo (CraftPacket *p, guint layer, const CraftFieldDef *f)
{
  if (f->default_mode != CRAFT_DEFAULT_COMPUTED || !reads_pseudo (f->default_calc))
    return FALSE;
  for (guint i = 0; i < layer; i++)
    if (craft__packet_layer (p, i)->def->pseudo != NULL)
      return FALSE;
  return TRUE;
}

/* ... and that the whole frame, read by libcraft, cannot check either. */
static gboolean
unverifiable (View *view, guint layer, const CraftFieldDef *f)
{
  return view->whole == NULL && needs_lower_pseudo (view->packet, layer, f);
}

/* Reads the whole frame when a field of the packet needs a lower layer's
 * pseudo-header: the verdicts on those fields are then the whole frame's. */
static void
find_whole_frame (View *view, const CraftPluginLayer *pl, tvbuff_t *tvb, packet_info *pinfo)
{
  CraftPacket *p = view->packet;
  gboolean needed = FALSE;
  for (guint i = 0; i < craft_packet_get_n_layers (p) && !needed; i++)
    {
      const CraftLayer *l = craft__packet_layer (p, i);
      for (guint k = 0; k < l->def->fields->len && !needed; k++)
        needed = l->slots[k].present && needs_lower_pseudo (p, i, craft__layer_field (l, k));
    }
  guint index;
  CraftPacket *whole = needed ? craft_plugin_whole_frame (tvb, pinfo, pl->def, &index) : NULL;
  if (whole == NULL)
    return;
  wmem_register_callback (pinfo->pool, release_packet, whole);
  view->whole = whole;
  view->delta = index;
  view->whole_judged = TRUE;
  for (guint i = 0; i < craft_packet_get_n_findings (whole); i++)
    {
      CraftFindingKind kind = craft_packet_get_finding (whole, i)->kind;
      if (kind == CRAFT_FINDING_TRUNCATED || kind == CRAFT_FINDING_LENGTH)
        view->whole_judged = FALSE;
    }
}

/* The finding of `kind` on a field, or NULL. */
static const CraftFinding *
field_finding (CraftPacket *p, guint layer, guint field, CraftFindingKind kind)
{
  guint n = craft_packet_get_n_findings (p);
  for (guint i = 0; i < n; i++)
    {
      const CraftFinding *f = craft_packet_get_finding (p, i);
      if (f->layer == layer && f->field == (gint) field && f->kind == kind)
        return f;
    }
  return NULL;
}

static gint64
sign_extend (guint64 value, guint bits)
{
  if (bits == 0 || bits >= 64)
    return (gint64) value;
  guint64 sign = G_GUINT64_CONSTANT (1) << (bits - 1);
  return (gint64) ((value ^ sign) - sign);
}

/* A checksum field with Wireshark's checksum status, as libcraft's
 * verification judged it. */
static proto_item *
show_checksum (View *view, guint layer, guint index, const CraftPluginField *wf, tvbuff_t *tvb, guint start,
               guint length, guint64 have, proto_tree *tree, packet_info *pinfo)
{
  CraftPacket *p = view->packet;
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (p, layer), index);
  guint encoding = f->little_endian ? ENC_LITTLE_ENDIAN : ENC_BIG_ENDIAN;
  /* Judged from the whole frame when it needs a pseudo-header from below. */
  gboolean from_whole = view->whole != NULL && needs_lower_pseudo (p, layer, f);
  CraftPacket *judge = from_whole ? view->whole : p;
  guint judge_layer = from_whole ? layer + view->delta : layer;
  gboolean judged = from_whole ? view->whole_judged : view->judged;
  if (field_finding (judge, judge_layer, index, CRAFT_FINDING_CHECKSUM) != NULL)
    {
      /* The finding's text says what it should be. */
      proto_item *item = proto_tree_add_uint (tree, wf->hf, tvb, start, length, (guint32) have);
      proto_item_append_text (item, " [incorrect]");
      proto_item *status = proto_tree_add_uint (tree, wf->hf_status, tvb, start, length, PROTO_CHECKSUM_E_BAD);
      proto_item_set_generated (status);
      return item;
    }
  guint flags = PROTO_CHECKSUM_NO_FLAGS;
  /* libcraft takes a 0 for `x ?: y`, which never computes to 0, as "not
   * computed" (a UDP checksum of 0). */
  gboolean sentinel = have == 0 && f->default_calc->type == CRAFT_CALC_BINARY && f->default_calc->op == CRAFT_OP_ELSE;
  if (sentinel)
    flags = PROTO_CHECKSUM_NOT_PRESENT;
  else if (judged && !unverifiable (view, layer, f))
    flags = PROTO_CHECKSUM_VERIFY;
  return proto_tree_add_checksum (tree, tvb, start, wf->hf, wf->hf_status, NULL, pinfo, (guint32) have, encoding,
                                  flags);
}

/* An integer field, handed over in its registered unit so a bitmask applies. */
static proto_item *
show_integer (View *view, guint layer, guint index, const CraftPluginField *wf, tvbuff_t *tvb, guint start,
              guint length, proto_tree *tree, packet_info *pinfo)
{
  CraftPacket *p = view->packet;
  const CraftFieldDef *f = craft__layer_field (craft__packet_layer (p, layer), index);
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (p, NULL, layer, index, &num, &data, &len);
  if (wf->checksum_item)
    return show_checksum (view, layer, index, wf, tvb, start, length, num, tree, pinfo);

  guint64 unit = wf->masked ? num << wf->shift : num;
  gboolean wide = wf->unit_bits > 32;
  proto_item *item;
  /* Value names are looked up by libcraft (those of ICMP codes depend on the
   * type), so a value without a name shows as a number, not "Unknown". */
  const CraftEnum *names = f->enumeration != NULL || f->enum_choices != NULL ? craft__packet_field_enum (p, layer, index)
                                                                              : NULL;
  const CraftEnumValue *name = names != NULL ? craft__enum_lookup_value (names, num) : NULL;
  if (f->kind->is_signed)
    {
      gint64 value = wf->masked ? (gint64) unit : sign_extend (num, f->bits);
      item = wide ? proto_tree_add_int64 (tree, wf->hf, tvb, start, length, value)
                  : proto_tree_add_int (tree, wf->hf, tvb, start, length, (gint32) value);
    }
  else if (names != NULL)
    {
      char number[32];
      if (f->hex)
        g_snprintf (number, sizeof number, "0x%0*" G_GINT64_MODIFIER "x", (int) (f->bits + 3) / 4, num);
      else
        g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, num);
      if (name != NULL)
        item = wide ? proto_tree_add_uint64_format_value (tree, wf->hf, tvb, start, length, unit, "%s (%s)",
                                                          name->name, number)
                    : proto_tree_add_uint_format_value (tree, wf->hf, tvb, start, length, (guint32) unit, "%s (%s)",
                                                        name->name, number);
      else
        item = wide ? proto_tree_add_uint64_format_value (tree, wf->hf, tvb, start, length, unit, "%s", number)
                    : proto_tree_add_uint_format_value (tree, wf->hf, tvb, start, length, (guint32) unit, "%s",
                                                        number);
    }
  else
    item = wide ? proto_tree_add_uint64 (tree, wf->hf, tvb, start, length, unit)
                : proto_tree_add_uint (tree, wf->hf, tvb, start, length, (guint32) unit);

  if (wf->hf_flags != NULL)
    {
      GString *text = g_string_new (NULL);
      craft__packet_format_slot (p, layer, index, FALSE, text);
      if (num != 0)
        proto_item_append_text (item, " (%s)", text->str);
      g_string_free (text, TRUE);
      proto_tree *bits = proto_item_add_subtree (item, wf->ett_flags);
      guint n = MIN (f->flag_names->len, f->bits);
      for (guint b = 0; b < n; b++)
        proto_tree_add_boolean (bits, wf->hf_flags[b], tvb, start, length,
                                wf->flags_masked ? (guint32) unit : (guint32) ((num >> b) & 1));
    }
  return item;
}

static proto_item *show_field (View *view, guint layer, guint index, const CraftPluginLayer *pl, guint base,
                               tvbuff_t *tvb, proto_tree *tree, packet_info *pinfo);

/* Where the elements of a list field are shown. */
typedef struct {
  const View *view;
  guint base;
  tvbuff_t *tvb;
  proto_tree *tree;
  packet_info *pinfo;
} ElementsShown;

/* One element of a list (an option, a DNS question): a subtree of its
 * layer's protocol with its fields, at the bytes they came from. */
static void
show_element (CraftPacket *element, gpointer data)
{
  const ElementsShown *shown = data;
  const CraftLayer *l = craft__packet_layer (element, 0);
  CraftPluginLayer *pl = craft_plugin_layer_lookup (l->def);
  if (pl == NULL)
    return;
  guint end = l->start;
  for (guint k = 0; k < l->def->fields->len; k++)
    if (l->slots[k].present)
      end = MAX (end, (l->slots[k].bit_off + l->slots[k].bit_len + 7) / 8);
  proto_item *item = proto_tree_add_item (shown->tree, pl->proto, shown->tvb, (gint) (l->start - shown->base),
                                          (gint) (end - l->start), ENC_NA);
  proto_tree *fields = proto_item_add_subtree (item, pl->ett);
  View view = { element, shown->view->length, shown->view->judged, NULL, 0, FALSE };
  for (guint k = 0; k < l->def->fields->len; k++)
    if (l->slots[k].present)
      show_field (&view, 0, k, pl, shown->base, shown->tvb, fields, shown->pinfo);
}

/* Field `index` of a layer, at the bytes it came from. */
static proto_item *
show_field (View *view, guint layer, guint index, const CraftPluginLayer *pl, guint base, tvbuff_t *tvb,
            proto_tree *tree, packet_info *pinfo)
{
  const CraftLayer *l = craft__packet_layer (view->packet, layer);
  const CraftFieldDef *f = craft__layer_field (l, index);
  const CraftSlot *s = &l->slots[index];
  guint first = s->bit_off / 8, end = (s->bit_off + s->bit_len + 7) / 8;
  guint start = first - base, length = end - first;
  if (f->kind->is_integer)
    return show_integer (view, layer, index, &pl->fields[index], tvb, start, length, tree, pinfo);
  /* An empty byte string (IP without options) shows nothing, as in Wireshark. */
  if (length == 0)
    return NULL;
  if (proto_registrar_get_ftype (pl->fields[index].hf) == FT_STRING)
    {
      GString *text = g_string_new (NULL);
      craft__slot_format_at (view->packet, layer, index, text);
      char *value = wmem_strdup (pinfo->pool, text->str);
      g_string_free (text, TRUE);
      return proto_tree_add_string (tree, pl->fields[index].hf, tvb, start, length, value);
    }
  proto_item *item = proto_tree_add_item (tree, pl->fields[index].hf, tvb, start, length, ENC_BIG_ENDIAN);
  if (f->kind->is_list)
    {
      ElementsShown shown = { view, base, tvb, proto_item_add_subtree (item, pl->ett), pinfo };
      craft__list_foreach (view->packet, layer, index, show_element, &shown);
    }
  return item;
}

/* Whether a finding only says that the capture holds fewer bytes than the
 * packet had (its snap length): Wireshark reports that itself, as
 * "Packet size limited during capture", not as a problem of the packet. */
static gboolean
capture_cut (const CraftFinding *f, tvbuff_t *tvb)
{
  return (f->kind == CRAFT_FINDING_TRUNCATED || f->kind == CRAFT_FINDING_LENGTH)
         && tvb_captured_length (tvb) < tvb_reported_length (tvb);
}

/* Turns the findings about a layer into expert infos on its items (`items`
 * NULL without a tree): its own,
 * and those about a layer above it libcraft could not read (kept as Raw, or
 * with no bytes at all).
 * TRUE if one of them says the bytes were cut short. */
static gboolean
show_findings (View *view, guint layer, CraftPluginLayer *pl, proto_item *top, proto_item **items,
               tvbuff_t *tvb, packet_info *pinfo)
{
  CraftPacket *p = view->packet;
  guint n_layers = craft_packet_get_n_layers (p), n_fields = pl->def->fields->len;
  /* A layer above cut short is shown with what it has, and its findings
   * with it. */
  gboolean above_unread = layer + 1 < n_layers && craft__packet_layer (p, layer + 1)->def->fallback
                          && cut_upper (view, layer) == NULL;
  /* A layer libcraft had no bytes left for has the index one past the last. */
  gboolean innermost = TRUE;
  for (guint i = layer + 1; i < n_layers; i++)
    innermost &= craft__packet_layer (p, i)->def->trailer;
  gboolean cut_short = FALSE;
  guint n = craft_packet_get_n_findings (p);
  for (guint i = 0; i < n; i++)
    {
      const CraftFinding *f = craft_packet_get_finding (p, i);
      gboolean own = f->layer == layer;
      if (!own && !(above_unread && f->layer == layer + 1) && !(innermost && f->layer >= n_layers))
        continue;
      proto_item *at = top;
      if (own && f->field >= 0 && (guint) f->field < n_fields)
        {
          /* Judged without the pseudo-header: not a verdict. */
          if (needs_lower_pseudo (p, layer, craft__layer_field (craft__packet_layer (p, layer), (guint) f->field)))
            continue;
          if (items != NULL && items[f->field] != NULL)
            at = items[f->field];
        }
      cut_short |= f->kind == CRAFT_FINDING_TRUNCATED;
      if ((guint) f->kind < CRAFT_PLUGIN_N_EXPERT && !capture_cut (f, tvb))
        expert_add_info_format (pinfo, at, &pl->ei[f->kind], "%s", f->message);
    }
  /* The whole frame's verdicts on the fields that needed it. */
  for (guint i = 0; view->whole != NULL && i < craft_packet_get_n_findings (view->whole); i++)
    {
      const CraftFinding *f = craft_packet_get_finding (view->whole, i);
      if (f->layer != layer + view->delta || f->kind != CRAFT_FINDING_CHECKSUM || f->field < 0
          || (guint) f->field >= n_fields
          || !needs_lower_pseudo (p, layer, craft__layer_field (craft__packet_layer (p, layer), (guint) f->field)))
        continue;
      expert_add_info_format (pinfo, items != NULL && items[f->field] != NULL ? items[f->field] : top,
                              &pl->ei[f->kind], "%s", f->message);
    }
  return cut_short;
}

/* Throws what Wireshark throws for bytes that are not there: BoundsError
 * when the capture was cut short, ReportedBoundsError (a malformed packet)
 * when the packet itself is. */
static void
throw_cut_short (tvbuff_t *tvb)
{
  tvb_ensure_bytes_exist (tvb, 0, (gint) tvb_captured_length (tvb) + 1);
}

typedef struct {
  dissector_table_t table;
  guint32 value;
  gboolean first;   /* the field whose binding chose the layer above */
} Slot;

static int
compare_slots (const void *a, const void *b)
{
  const Slot *x = a, *y = b;
  if (x->first != y->first)
    return x->first ? -1 : 1;
  return x->value < y->value ? -1 : x->value > y->value;
}

/* Offers a payload to the Wireshark tables the layer's fields feed, as
 * Wireshark's own dissector of the layer would: the field whose binding
 * chose the layer above first, then the others, smaller values first (the
 * lower of two ports, as Wireshark's UDP and TCP do). */
static gboolean
try_tables (CraftPacket *p, guint layer, gint preferred, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  /* From the packet's pool: a subdissector below may throw past this frame. */
  Slot *slots = wmem_alloc_array (pinfo->pool, Slot, MAX (l->def->fields->len, 1));
  guint n = 0;
  for (guint k = 0; k < l->def->fields->len; k++)
    {
      const char *name = l->slots[k].present ? craft_plugin_field_table (l->def, k) : NULL;
      dissector_table_t table = name != NULL ? find_dissector_table (name) : NULL;
      guint64 value;
      const guint8 *data;
      gsize len;
      craft__slot_value (p, NULL, layer, k, &value, &data, &len);
      if (table != NULL && value <= G_MAXUINT32)
        slots[n++] = (Slot) { table, (guint32) value, (gint) k == preferred };
    }
  qsort (slots, n, sizeof (Slot), compare_slots);
  for (guint i = 0; i < n; i++)
    if (dissector_try_uint_new (slots[i].table, slots[i].value, tvb, pinfo, tree, TRUE, NULL) > 0)
      return TRUE;
  return FALSE;
}

/* The field of `layer` whose binding chose the layer above, or -1. */
static gint
binding_field (CraftPacket *p, guint layer, const CraftLayerDef *upper)
{
  const CraftLayer *l = craft__packet_layer (p, layer);
  GArray *bindings = p->reg->bindings;
  for (guint i = 0; i < bindings->len; i++)
    {
      const CraftBinding *b = &g_array_index (bindings, CraftBinding, i);
      if (b->lower == l->def && b->upper == upper && b->field >= 0 && l->slots[b->field].present
          && l->slots[b->field].num == b->value)
        return b->field;
    }
  return -1;
}

static int show_layer (View *view, guint index, guint base, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

/* Shows layer `index` of a view through its own protocol's handle. */
static void
show_through (CraftPluginLayer *upl, View *view, guint index, guint base, tvbuff_t *payload, packet_info *pinfo,
              proto_tree *tree)
{
  Continuation c = { view, index, base, payload, pinfo->num };
  pending = &c;
  TRY
    {
      call_dissector_with_data (upl->handle, payload, pinfo, tree, NULL);
    }
  FINALLY
    {
      pending = NULL;
    }
  ENDTRY;
}

/* What the layer carries: shown by craft when it is a layer craft shows,
 * else handed back to Wireshark through the table the binding names. */
static void
show_payload (View *view, guint index, guint base, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
  CraftPacket *p = view->packet;
  const CraftLayer *l = craft__packet_layer (p, index);
  guint start = l->start + l->hdr_len;
  if (l->end <= start)
    return;
  tvbuff_t *payload = l->end >= view->length ? tvb_new_subset_remaining (tvb, (gint) (start - base))
                                             : tvb_new_subset_length (tvb, (gint) (start - base), (gint) (l->end - start));
  guint next = index + 1;
  const CraftLayer *upper = next < craft_packet_get_n_layers (p) ? craft__packet_layer (p, next) : NULL;
  if (upper == NULL || upper->def->trailer || upper->start != start || l->hdr_len == 0)
    {
      call_data_dissector (payload, pinfo, tree);
      return;
    }
  CraftPluginLayer *upl = craft_plugin_layer_lookup (upper->def);
  CraftPluginLayer *cut = upl == NULL ? cut_upper (view, index) : NULL;
  if (cut != NULL)
    {
      show_through (cut, partial_view (cut->def, l->def, payload, pinfo), 0, 0, payload, pinfo, tree);
      return;
    }
  if (upl == NULL)
    {
      /* Bytes no definition claims: Wireshark's dissector for the value the
       * layer's field names, else data. */
      if (!try_tables (p, index, -1, payload, pinfo, tree))
        call_data_dissector (payload, pinfo, tree);
      return;
    }
  if (upl->role == CRAFT_PLUGIN_STANDARD && !craft_plugin_standard_layers)
    {
      /* A layer Wireshark dissects is Wireshark's unless the preference
       * says otherwise. */
      if (try_tables (p, index, binding_field (p, index, upper->def), payload, pinfo, tree))
        return;
      dissector_handle_t own = upl->ws_name != NULL ? find_dissector (upl->ws_name) : NULL;
      if (own != NULL && call_dissector_only (own, payload, pinfo, tree, NULL) > 0)
        return;
    }
  show_through (upl, view, next, start, payload, pinfo, tree);
}

/* The address type of an address kind, AT_NONE for others. */
static address_type
kind_address_type (const CraftFieldDef *f)
{
  if (strcmp (f->kind->name, "mac") == 0)
    return AT_ETHER;
  if (strcmp (f->kind->name, "ipv4") == 0)
    return AT_IPv4;
  if (strcmp (f->kind->name, "ipv6") == 0)
    return AT_IPv6;
  return AT_NONE;
}

/* Sets the packet's source and destination from a layer that carries them,
 * as Wireshark's own dissector of the layer would: its columns, its
 * conversations and upper layers' checksums read them there. */
static void
set_addresses (CraftPacket *p, guint index, guint base, tvbuff_t *tvb, packet_info *pinfo)
{
  const CraftLayer *l = craft__packet_layer (p, index);
  gint fields[2];
  gboolean network;
  if (!craft_plugin_layer_addresses (l->def, &fields[0], &fields[1], &network))
    return;
  address *targets[2][2] = { { network ? &pinfo->net_src : &pinfo->dl_src, &pinfo->src },
                             { network ? &pinfo->net_dst : &pinfo->dl_dst, &pinfo->dst } };
  for (guint i = 0; i < 2; i++)
    {
      const CraftSlot *s = &l->slots[fields[i]];
      address_type type = kind_address_type (craft__layer_field (l, (guint) fields[i]));
      if (!s->present || type == AT_NONE || s->bit_off % 8 != 0)
        continue;
      set_address_tvb (targets[i][0], type, (int) (s->bit_len / 8), tvb, (int) (s->bit_off / 8 - base));
      copy_address_shallow (targets[i][1], targets[i][0]);
    }
}

/* Shows layer `index` of a dissected packet, then what it carries. */
static int
show_layer (View *view, guint index, guint base, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
  CraftPacket *p = view->packet;
  const CraftLayer *l = craft__packet_layer (p, index);
  CraftPluginLayer *pl = craft_plugin_layer_lookup (l->def);
  /* The summary is the Info column and the text of the layer's item: not
   * made when there are neither (tshark -q). It lives as long as the
   * packet's columns, so the column takes it as it is (col_set_str()). */
  const char *summary = tree != NULL || pinfo->cinfo != NULL
                          ? craft_plugin_layer_summary (pl, p, index, pinfo->pool)
                          : NULL;
  col_set_str (pinfo->cinfo, COL_PROTOCOL, l->def->name);
  if (summary != NULL)
    {
      col_clear (pinfo->cinfo, COL_INFO);
      col_set_str (pinfo->cinfo, COL_INFO, summary);
    }
  /* Without a tree (tshark -r), the layer's item and its fields' would all
   * be NULL: their bytes lie in the captured data, so adding them could not
   * throw either. */
  proto_item *top = NULL;
  proto_tree *fields = NULL;
  guint n = l->def->fields->len;
  proto_item **items = NULL;
  if (tree != NULL)
    {
      top = proto_tree_add_item (tree, pl->proto, tvb, (gint) (l->start - base), (gint) l->hdr_len, ENC_NA);
      if (summary != NULL)
        proto_item_append_text (top, ", %s", summary);
      fields = proto_item_add_subtree (top, pl->ett);
      items = wmem_alloc0_array (pinfo->pool, proto_item *, MAX (n, 1));
      for (guint k = 0; k < n; k++)
        if (l->slots[k].present)
          items[k] = show_field (view, index, k, pl, base, tvb, fields, pinfo);
    }
  gboolean cut_short = show_findings (view, index, pl, top, items, tvb, pinfo);
  set_addresses (p, index, base, tvb, pinfo);

  /* Bytes past the end the layer's length gives (libcraft's Padding). */
  for (guint i = index + 1; i < craft_packet_get_n_layers (p); i++)
    {
      const CraftLayer *t = craft__packet_layer (p, i);
      if (t->def->trailer && l->def->length != NULL && t->start == l->end && t->end > t->start)
        proto_tree_add_item (fields, craft_plugin_hf_padding, tvb, (gint) (t->start - base),
                             (gint) (t->end - t->start), ENC_NA);
    }
  show_payload (view, index, base, tvb, pinfo, tree);
  if (cut_short)
    throw_cut_short (tvb);
  return (int) tvb_captured_length (tvb);
}

/* A layer whose header libcraft could not read at all: the findings say why. */
static int
show_unreadable (CraftPluginLayer *pl, View *view, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
  col_set_str (pinfo->cinfo, COL_PROTOCOL, pl->def->name);
  col_clear (pinfo->cinfo, COL_INFO);
  proto_item *top = proto_tree_add_item (tree, pl->proto, tvb, 0, -1, ENC_NA);
  gboolean cut_short = tvb_captured_length (tvb) == 0;
  guint n = craft_packet_get_n_findings (view->packet);
  for (guint i = 0; i < n; i++)
    {
      const CraftFinding *f = craft_packet_get_finding (view->packet, i);
      if ((f->layer != 0 && f->layer < craft_packet_get_n_layers (view->packet))
          || (guint) f->kind >= CRAFT_PLUGIN_N_EXPERT)
        continue;
      cut_short |= f->kind == CRAFT_FINDING_TRUNCATED;
      if (capture_cut (f, tvb))
        continue;
      expert_add_info_format (pinfo, top, &pl->ei[f->kind], "%s", f->message);
      col_add_str (pinfo->cinfo, COL_INFO, f->message);
    }
  if (cut_short)
    throw_cut_short (tvb);
  call_data_dissector (tvb, pinfo, tree);
  return (int) tvb_captured_length (tvb);
}

/* Without a tree or verdicts (tshark -r), a message in order shows only
 * its columns: read in place, with no packet. Whether it was. */
static gboolean
show_quickly (CraftPluginLayer *pl, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
  return tree == NULL && tvb_reported_length (tvb) > 0 && !verdicts_wanted (tree)
         && craft_plugin_show_quickly (pl, tvb, pinfo);
}

/* craft_plugin_dissect_message(), when show_quickly() was tried already. */
static int
dissect_message (CraftPluginLayer *pl, const CraftLayerDef *below, tvbuff_t *tvb, packet_info *pinfo,
                 proto_tree *tree)
{
  if (tvb_reported_length (tvb) == 0)
    return 0;
  View *view = dissect_bytes (pl, below, tvb, pinfo);
  if (verdicts_wanted (tree))
    {
      craft_packet_verify (view->packet);
      find_whole_frame (view, pl, tvb, pinfo);
    }
  if (craft_packet_get_n_layers (view->packet) == 0 || craft_packet_get_layer (view->packet, 0) != pl->def)
    {
      /* A header cut short: the fields before the cut, if any, then the
       * malformed packet. */
      View *partial = partial_view (pl->def, below, tvb, pinfo);
      if (craft__packet_layer (partial->packet, 0)->hdr_len > 0)
        return show_layer (partial, 0, 0, tvb, pinfo, tree);
      return show_unreadable (pl, view, tvb, pinfo, tree);
    }
  return show_layer (view, 0, 0, tvb, pinfo, tree);
}

int
craft_plugin_dissect_message (CraftPluginLayer *pl, const CraftLayerDef *below, tvbuff_t *tvb, packet_info *pinfo,
                              proto_tree *tree)
{
  if (show_quickly (pl, tvb, pinfo, tree))
    return (int) tvb_captured_length (tvb);
  return dissect_message (pl, below, tvb, pinfo, tree);
}

int
craft_plugin_dissect (tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data, void *cb_data)
{
  CraftPluginLayer *pl = cb_data;
  Continuation *c = pending;
  if (c != NULL && c->tvb == tvb && c->frame == pinfo->num
      && craft__packet_layer (c->view->packet, c->index)->def == pl->def)
    {
      pending = NULL;
      return show_layer (c->view, c->index, c->base, tvb, pinfo, tree);
    }
  guint length = tvb_captured_length (tvb);
  pl = craft_plugin_guarded_layer (pl, length > 0 ? tvb_get_ptr (tvb, 0, (gint) length) : NULL, length);
  /* A message with a length in a TCP stream may span segments. */
  gboolean stream = pl->def->length != NULL && pinfo->ptype == PT_TCP;
  /* A message shown quickly needs nothing of the layer below. */
  if (!stream && show_quickly (pl, tvb, pinfo, tree))
    return (int) length;
  /* The layer Wireshark dissected below, for lower_is(): DNS has its
   * length prefix only over TCP. */
  const CraftLayerDef *below = craft_plugin_layer_below (pinfo, pl);
  if (stream)
    return craft_plugin_dissect_tcp (pl, below, tvb, pinfo, tree);
  return dissect_message (pl, below, tvb, pinfo, tree);
}
