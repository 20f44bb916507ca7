/* Evaluating definition expressions against a packet: field values, lengths, checksums, routes. */
#include "packet-private.h"

#include "checksum.h"
#include "kinds.h"
#include "net-private.h"
#include "ntp-time.h"
#include "route.h"
#include "template.h"

#include <string.h>

guint64
craft__bits_read (const guint8 *data, gsize bit, guint bits)
{
  guint64 value = 0;
  if (bit % 8 == 0 && bits % 8 == 0)
    {
      for (guint i = 0; i < bits / 8; i++)
        value = value << 8 | data[bit / 8 + i];
      return value;
    }
  if (bit % 8 + bits <= 64)
    {
      /* The bytes the field touches, then its bits out of them (IP's
       * version, flags and fragment offset), without a loop per bit. */
      guint span = (guint) (bit % 8) + bits;
      for (guint i = 0; i < (span + 7) / 8; i++)
        value = value << 8 | data[bit / 8 + i];
      value >>= (8 - span % 8) % 8;
      return bits == 64 ? value : value & ((G_GUINT64_CONSTANT (1) << bits) - 1);
    }
  for (guint i = 0; i < bits; i++)
    {
      gsize b = bit + i;
      value = value << 1 | ((data[b / 8] >> (7 - b % 8)) & 1);
    }
  return value;
}

void
craft__bits_write (guint8 *data, gsize bit, guint bits, guint64 value)
{
  if (bit % 8 == 0 && bits % 8 == 0)
    {
      for (guint i = bits / 8; i-- > 0;)
        {
          data[bit / 8 + i] = (guint8) value;
          value >>= 8;
        }
      return;
    }
  for (guint i = bits; i-- > 0;)
    {
      gsize b = bit + i;
      guint8 mask = (guint8) (1u << (7 - b % 8));
      data[b / 8] = (guint8) ((value & 1) ? (data[b / 8] | mask) : (data[b / 8] & ~mask));
      value >>= 1;
    }
}

guint64
craft__le_read (const guint8 *data, guint bytes)
{
  guint64 value = 0;
  for (guint i = bytes; i-- > 0;)
    value = value << 8 | data[i];
  return value;
}

void
craft__le_write (guint8 *data, guint bytes, guint64 value)
{
  for (guint i = 0; i < bytes; i++, value >>= 8)
    data[i] = (guint8) value;
}

/* The constant default of a field that has not been written yet. */
static void
default_value (const CraftFieldDef *f, guint64 *num, const guint8 **data, gsize *len)
{
  *num = f->default_mode == CRAFT_DEFAULT_CONST ? f->default_num : 0;
  if (f->default_mode == CRAFT_DEFAULT_CONST && f->default_bytes != NULL)
    *data = g_bytes_get_data (f->default_bytes, len);
}

void
craft__slot_value (CraftPacket *packet, const CraftEval *ev, guint layer, guint field, guint64 *num,
                   const guint8 **data, gsize *len)
{
  CraftLayer *l = craft__packet_layer (packet, layer);
  const CraftFieldDef *f = craft__layer_field (l, field);
  CraftSlot *s = &l->slots[field];
  *num = 0;
  *data = NULL;
  *len = 0;
  if (ev == NULL && packet->wire_current && s->present && s->generation == packet->generation)
    {
      /* The packet as built (or dissected): what is on the wire, padding included. */
      gsize buflen;
      const guint8 *buf = craft__packet_wire_data (packet, &buflen);
      if (buf != NULL && ((gsize) s->bit_off + s->bit_len + 7) / 8 <= buflen)
        {
          if (f->kind->is_integer)
            *num = f->little_endian ? craft__le_read (buf + s->bit_off / 8, s->bit_len / 8)
                                    : craft__bits_read (buf, s->bit_off, s->bit_len);
          else
            *data = buf + s->bit_off / 8, *len = s->bit_len / 8;
          return;
        }
    }
  switch ((CraftSlotState) s->state)
    {
    case CRAFT_SLOT_USER:
      *num = s->num;
      if (s->bytes != NULL)
        *data = g_bytes_get_data (s->bytes, len);
      return;
    case CRAFT_SLOT_WIRE:
      if (s->computed && s->generation == packet->generation)
        break;
      *num = s->num;
      if (!f->kind->is_integer && packet->origin != NULL)
        {
          *data = (const guint8 *) g_bytes_get_data (packet->origin, NULL) + s->orig_off;
          *len = s->orig_len;
        }
      return;
    case CRAFT_SLOT_UNSET:
      break;
    }
  /* Unset or recomputed: the value written by the build in progress or the last one, else the default. */
  const guint8 *buf = NULL;
  gsize buflen = 0;
  if (ev != NULL && s->generation == packet->generation && ev->data != NULL)
    buf = ev->data, buflen = ev->length;
  else if (s->generation == packet->generation)
    buf = craft__packet_wire_data (packet, &buflen);
  if (buf != NULL && s->present && ((gsize) s->bit_off + s->bit_len + 7) / 8 <= buflen)
    {
      if (f->kind->is_integer)
        *num = f->little_endian ? craft__le_read (buf + s->bit_off / 8, s->bit_len / 8)
                                : craft__bits_read (buf, s->bit_off, s->bit_len);
      else
        {
          *data = buf + s->bit_off / 8;
          *len = s->bit_len / 8;
        }
      return;
    }
  default_value (f, num, data, len);
}

/* An integer read of any field; addresses count as big-endian numbers. */
static guint64
field_number (const CraftEval *ev, guint field)
{
  guint64 num;
  const guint8 *data;
  gsize len;
  craft__slot_value (ev->packet, ev, ev->layer, field, &num, &data, &len);
  if (data != NULL)
    for (gsize i = 0; i < len && i < 8; i++)
      num = num << 8 | data[i];
  return num;
}

gboolean
craft__span_range (const CraftLayer *l, const CraftCalc *span, gsize *start, gsize *end)
{
  switch (span->span)
    {
    case CRAFT_SPAN_HEADER: *start = l->start, *end = l->start + l->hdr_len; return TRUE;
    case CRAFT_SPAN_LAYER: *start = l->start, *end = l->end; return TRUE;
    case CRAFT_SPAN_PAYLOAD: *start = l->start + l->hdr_len, *end = l->end; return TRUE;
    case CRAFT_SPAN_FIELD:
      {
        const CraftSlot *s = &l->slots[span->field];
        *start = s->bit_off / 8, *end = (s->bit_off + s->bit_len + 7) / 8;
        return s->present;
      }
    default:
      return FALSE;
    }
}

/* The bytes a span covers in the buffer being built or dissected. */
static gboolean
span_bytes (const CraftEval *ev, const CraftCalc *span, const guint8 **data, gsize *len)
{
  gsize start, end;
  if (!craft__span_range (craft__packet_layer (ev->packet, ev->layer), span, &start, &end) || end < start
      || end > ev->length)
    return FALSE;
  *data = ev->data + start;
  *len = end - start;
  return TRUE;
}

static guint64
span_length (const CraftEval *ev, const CraftCalc *span)
{
  CraftLayer *l = craft__packet_layer (ev->packet, span->span == CRAFT_SPAN_UPPER ? ev->upper : ev->layer);
  switch (span->span)
    {
    case CRAFT_SPAN_HEADER: return l->hdr_len;
    case CRAFT_SPAN_LAYER: return l->end - l->start;
    case CRAFT_SPAN_PAYLOAD: return l->end > l->start + l->hdr_len ? l->end - l->start - l->hdr_len : 0;
    case CRAFT_SPAN_FIELD: return l->slots[span->field].present ? l->slots[span->field].bit_len / 8 : 0;
    case CRAFT_SPAN_UPPER: return ev->upper != 0 ? l->end - l->start : 0;
    case CRAFT_SPAN_PSEUDO: break;
    }
  return 0;
}

/* Checksums over the listed coverage. A coverage that needs a pseudo-header
 * where no lower layer offers one gives 0, as Scapy leaves such fields. */
static guint64
checksum (const CraftCalc *c, const CraftEval *ev)
{
  CraftInetSum sum = { 0, FALSE };
  guint32 crc = 0;
  for (guint i = 0; i < c->items->len; i++)
    {
      const CraftCalc *span = g_ptr_array_index (c->items, i);
      const guint8 *data;
      gsize len;
      g_autoptr (GByteArray) pseudo = NULL;
      if (span->span == CRAFT_SPAN_PSEUDO)
        {
          pseudo = g_byte_array_new ();
          if (!craft__pseudo_header (ev, pseudo))
            {
              if (ev->missing != NULL)
                *ev->missing = TRUE;
              return 0;
            }
          data = pseudo->data, len = pseudo->len;
        }
      else if (!span_bytes (ev, span, &data, &len))
        continue;
      if (c->type == CRAFT_CALC_CHECKSUM)
        craft__inet_sum_add (&sum, data, len);
      else
        crc = craft__crc32 (crc, data, len);
    }
  return c->type == CRAFT_CALC_CHECKSUM ? craft__inet_sum_finish (&sum) : crc;
}

/* The value the binding from this layer's `field` to the layer above gives. */
static gboolean
bound_value (const CraftEval *ev, guint field, guint64 *value)
{
  CraftPacket *p = ev->packet;
  const CraftLayer *l = craft__packet_layer (p, ev->layer);
  for (guint i = ev->layer + 1; i < p->layers->len; i++)
    {
      const CraftLayer *upper = craft__packet_layer (p, i);
      if (upper->def->trailer)
        continue;
      const CraftBinding *b = craft__registry_find_build_binding (p->reg, l->def, field, upper->def);
      if (b == NULL)
        return FALSE;
      *value = b->value;
      return TRUE;
    }
  return FALSE;
}

/* The value of the binding that puts the layer the checksum is for on the
 * layer below it (bound(upper)): UDP over IPv6 or over an extension header
 * 17. Without one, the value the layer below has in a field some binding
 * sets. */
static guint64
upper_bound_value (const CraftEval *ev)
{
  CraftPacket *p = ev->packet;
  if (ev->upper == 0 || ev->upper >= p->layers->len)
    return 0;
  const CraftLayer *upper = craft__packet_layer (p, ev->upper);
  const CraftLayer *below = craft__packet_layer (p, ev->upper - 1);
  gint first_bound = -1;
  for (guint f = 0; f < below->def->fields->len; f++)
    {
      if (!craft__layer_field (below, f)->bound)
        continue;
      const CraftBinding *b = craft__registry_find_build_binding (p->reg, below->def, f, upper->def);
      if (b != NULL)
        return b->value;
      if (first_bound < 0)
        first_bound = (gint) f;
    }
  if (first_bound < 0)
    return 0;
  CraftEval at_below = { p, ev->upper - 1, ev->data, ev->length, ev->missing, 0 };
  return field_number (&at_below, (guint) first_bound);
}

/* While an answer rule is evaluated (craft__calc_eval_answer()): the
 * request's layer that request.FIELD reads, and what quoting() gives. Per
 * thread, so that threads can match answers at once. */
static _Thread_local const CraftEval *answer_request;
static _Thread_local gboolean answer_quoting;

/* `a == b` between two address fields (answer rules: dst == request.src)
 * compares their bytes: as numbers, only an address's first 8 bytes count,
 * and IPv6 addresses of one network share those. */
static gboolean
addresses_compare (const CraftCalc *c, const CraftEval *ev, gboolean *equal)
{
  if (c->a->type != CRAFT_CALC_FIELD || c->b->type != CRAFT_CALC_FIELD)
    return FALSE;
  const CraftEval *ea = c->a->request ? answer_request : ev, *eb = c->b->request ? answer_request : ev;
  if (ea == NULL || eb == NULL)
    return FALSE;
  const CraftFieldDef *fa = craft__layer_field (craft__packet_layer (ea->packet, ea->layer), c->a->field);
  const CraftFieldDef *fb = craft__layer_field (craft__packet_layer (eb->packet, eb->layer), c->b->field);
  if (fa->kind->is_integer || fb->kind->is_integer)
    return FALSE;
  guint64 num;
  const guint8 *da, *db;
  gsize la, lb;
  craft__slot_value (ea->packet, ea, ea->layer, c->a->field, &num, &da, &la);
  craft__slot_value (eb->packet, eb, eb->layer, c->b->field, &num, &db, &lb);
  *equal = la == lb && (la == 0 || memcmp (da, db, la) == 0);
  return TRUE;
}

static gint64
eval_signed (const CraftCalc *c, const CraftEval *ev)
{
  return (gint64) craft__calc_eval (c, ev);
}

guint64
craft__calc_eval (const CraftCalc *c, const CraftEval *ev)
{
  switch (c->type)
    {
    case CRAFT_CALC_CONST:
      return c->num;
    case CRAFT_CALC_FIELD:
      if (c->request)
        return answer_request != NULL ? field_number (answer_request, c->field) : 0;
      return field_number (ev, c->field);
    case CRAFT_CALC_LEN:
      if (c->request)
        return answer_request != NULL ? span_length (answer_request, c) : 0;
      return span_length (ev, c);
    case CRAFT_CALC_QUOTING:
      return answer_quoting;
    case CRAFT_CALC_CHECKSUM:
    case CRAFT_CALC_CRC32:
      return checksum (c, ev);
    case CRAFT_CALC_BOUND:
      {
        if (c->span == CRAFT_SPAN_UPPER)
          return upper_bound_value (ev);
        guint64 v;
        return bound_value (ev, c->field, &v) ? v : field_number (ev, c->field);
      }
    case CRAFT_CALC_CLOCK_MS:
      {
        gint64 now = g_get_real_time () / 1000;
        return (guint64) (now % (24 * 3600 * 1000));
      }
    case CRAFT_CALC_NTP_NOW:
      return craft__ntp_time_now ();
    case CRAFT_CALC_MAX:
      return (guint64) MAX (eval_signed (c->a, ev), eval_signed (c->b, ev));
    case CRAFT_CALC_MIN:
      return (guint64) MIN (eval_signed (c->a, ev), eval_signed (c->b, ev));
    case CRAFT_CALC_LOWER_IS:
      {
        /* The first layer's is the one the packet was dissected above, if any. */
        const CraftLayerDef *below = ev->layer > 0 ? craft__packet_layer (ev->packet, ev->layer - 1)->def
                                                   : ev->packet->below;
        return below != NULL && strcmp (below->name, c->layer_name) == 0;
      }
    case CRAFT_CALC_COUNT:
      return craft__list_count (ev->packet, ev->layer, c->field);
    case CRAFT_CALC_IS_SET:
      {
        /* A dissected value counts as set until an edit makes the builder compute it afresh. */
        const CraftSlot *s = &craft__packet_layer (ev->packet, ev->layer)->slots[c->field];
        return s->state == CRAFT_SLOT_USER || (s->state == CRAFT_SLOT_WIRE && !s->computed);
      }
    case CRAFT_CALC_COND:
      return craft__calc_eval (c->a, ev) != 0 ? craft__calc_eval (c->b, ev)
                                              : craft__calc_eval (g_ptr_array_index (c->items, 0), ev);
    case CRAFT_CALC_SOURCE_IP:
    case CRAFT_CALC_SOURCE_MAC:
    case CRAFT_CALC_NEXT_HOP_MAC:
    case CRAFT_CALC_SET:
      return 0;
    case CRAFT_CALC_NEG:
      /* In unsigned arithmetic: negating the most negative number is not defined for gint64. */
      return (guint64) 0 - craft__calc_eval (c->a, ev);
    case CRAFT_CALC_NOT:
      return craft__calc_eval (c->a, ev) == 0;
    case CRAFT_CALC_BINARY:
      break;
    }
  gint64 a = eval_signed (c->a, ev);
  switch (c->op)
    {
    case CRAFT_OP_LAND: return a != 0 && eval_signed (c->b, ev) != 0;
    case CRAFT_OP_LOR: return a != 0 || eval_signed (c->b, ev) != 0;
    case CRAFT_OP_ELSE: return a != 0 ? (guint64) a : craft__calc_eval (c->b, ev);
    case CRAFT_OP_IN:
      for (guint i = 0; i < c->b->items->len; i++)
        if (eval_signed (g_ptr_array_index (c->b->items, i), ev) == a)
          return 1;
      return 0;
    case CRAFT_OP_EQ:
    case CRAFT_OP_NE:
      {
        gboolean equal;
        if (addresses_compare (c, ev, &equal))
          return (c->op == CRAFT_OP_EQ) == equal;
        break;
      }
    default:
      break;
    }
  gint64 b = eval_signed (c->b, ev);
  guint64 ua = (guint64) a, ub = (guint64) b;
  switch (c->op)
    {
    case CRAFT_OP_ADD: return ua + ub;
    case CRAFT_OP_SUB: return ua - ub;
    case CRAFT_OP_MUL: return ua * ub;
    /* Dividing the most negative number by -1 overflows: it is -a (wrapping) and no remainder. */
    case CRAFT_OP_DIV: return b == 0 ? 0 : b == -1 ? (guint64) 0 - ua : (guint64) (a / b);
    case CRAFT_OP_MOD: return b == 0 || b == -1 ? 0 : (guint64) (a % b);
    case CRAFT_OP_AND: return ua & ub;
    case CRAFT_OP_OR: return ua | ub;
    case CRAFT_OP_XOR: return ua ^ ub;
    case CRAFT_OP_SHL: return ub >= 64 ? 0 : ua << ub;
    case CRAFT_OP_SHR: return ub >= 64 ? 0 : ua >> ub;
    case CRAFT_OP_EQ: return a == b;
    case CRAFT_OP_NE: return a != b;
    case CRAFT_OP_LT: return a < b;
    case CRAFT_OP_LE: return a <= b;
    case CRAFT_OP_GT: return a > b;
    case CRAFT_OP_GE: return a >= b;
    default: return 0;
    }
}

gboolean
craft__layer_declared_length (const CraftEval *ev, guint64 *declared)
{
  const CraftLayerDef *def = craft__packet_layer (ev->packet, ev->layer)->def;
  if (def->length == NULL || (def->length_if != NULL && craft__calc_eval (def->length_if, ev) == 0))
    return FALSE;
  *declared = craft__calc_eval (def->length, ev);
  return TRUE;
}

guint64
craft__calc_eval_answer (const CraftCalc *calc, const CraftEval *ev, const CraftEval *request, gboolean quoting)
{
  const CraftEval *saved_request = answer_request;
  gboolean saved_quoting = answer_quoting;
  answer_request = request;
  answer_quoting = quoting;
  guint64 value = craft__calc_eval (calc, ev);
  answer_request = saved_request;
  answer_quoting = saved_quoting;
  return value;
}

/* The destination address of the packet from `layer` up, for route lookups. */
static gboolean
routed_destination (const CraftEval *ev, guint first, const guint8 **data, gsize *len)
{
  CraftPacket *p = ev->packet;
  for (guint i = first; i < p->layers->len; i++)
    {
      const CraftLayer *l = craft__packet_layer (p, i);
      if (l->def->route_field < 0)
        continue;
      guint64 num;
      craft__slot_value (p, ev, i, (guint) l->def->route_field, &num, data, len);
      return *data != NULL && (*len == 4 || *len == 16);
    }
  return FALSE;
}

void
craft__calc_eval_bytes (const CraftCalc *c, const CraftEval *ev, guint bits, GByteArray *out)
{
  guint8 buf[16] = { 0 };
  gsize want = bits / 8;
  const guint8 *dst = NULL;
  gsize len = 0;
  if (c->type == CRAFT_CALC_SOURCE_IP)
    {
      guint64 num;
      craft__slot_value (ev->packet, ev, ev->layer, c->field, &num, &dst, &len);
      if (dst == NULL || len != want || (len != 4 && len != 16) || !craft__route_source (dst, len, buf))
        memset (buf, 0, sizeof buf);
    }
  else if (c->type == CRAFT_CALC_SOURCE_MAC && ev->packet->interface != NULL)
    {
      /* Sent on an interface: its own address. */
      if (!craft__interface_hwaddr (ev->packet->interface, buf))
        memset (buf, 0, sizeof buf);
    }
  else if (c->type == CRAFT_CALC_SOURCE_MAC)
    {
      /* With nothing above to route by (a bare Ether()), Scapy uses the
       * interface of the default route; routing 0.0.0.0 finds its address. */
      static const guint8 any4[4];
      guint8 src[16];
      if (!routed_destination (ev, ev->layer, &dst, &len))
        dst = any4, len = sizeof any4;
      gboolean routed = craft__route_source (dst, len, src) && craft__route_interface_mac (src, len, buf);
      if (!routed)
        memset (buf, 0, sizeof buf);
    }
  else if (c->type == CRAFT_CALC_NEXT_HOP_MAC)
    {
      /* Broadcast unless the packet is sent on an interface and routes to a
       * destination: then the next hop's address, found by asking. A
       * resolution request itself (ARP) goes to every host. */
      memset (buf, 0xff, 6);
      CraftPacket *p = ev->packet;
      gboolean resolving = FALSE;
      for (guint i = ev->layer + 1; i < p->layers->len && !resolving; i++)
        resolving = craft__packet_layer (p, i)->def->resolve_target != NULL;
      if (p->interface != NULL && !resolving && routed_destination (ev, ev->layer, &dst, &len))
        craft__neighbor_resolve (p->reg, p->interface, dst, len, buf);
    }
  g_byte_array_append (out, buf, MIN (want, sizeof buf));
  for (gsize i = sizeof buf; i < want; i++)
    g_byte_array_append (out, (const guint8 *) "", 1);
}

/* The bytes of a pseudo-header item named `name`, `len` bytes long, that a
 * layer between the checksummed layer and layer `offering` replaces it with
 * (`pseudo dst = tail(addresses) if segleft != 0;`, or head() for the
 * first bytes): the replacement
 * nearest the checksummed layer whose condition holds wins, as in Scapy. */
static const guint8 *
pseudo_override (const CraftEval *ev, guint offering, const char *name, gsize len)
{
  CraftPacket *p = ev->packet;
  for (guint j = ev->layer; j-- > offering + 1;)
    {
      const CraftLayer *l = craft__packet_layer (p, j);
      for (guint k = 0; l->def->pseudo_overrides != NULL && k < l->def->pseudo_overrides->len; k++)
        {
          const CraftPseudoOverride *o = &g_array_index (l->def->pseudo_overrides, CraftPseudoOverride, k);
          if (strcmp (o->item, name) != 0)
            continue;
          CraftEval at = { p, j, ev->data, ev->length, ev->missing, 0 };
          const CraftSlot *s = &l->slots[o->field->field];
          gsize start = s->bit_off / 8, have = s->bit_len / 8;
          if (!s->present || have < len || (!o->tail && !o->head && have != len) || have > ev->length
              || start > ev->length - have)
            continue;
          if (o->condition != NULL && craft__calc_eval (o->condition, &at) == 0)
            continue;
          return ev->data + start + (o->head ? 0 : have - len);
        }
    }
  return NULL;
}

gboolean
craft__pseudo_header (const CraftEval *ev, GByteArray *out)
{
  CraftPacket *p = ev->packet;
  for (guint i = ev->layer; i-- > 0;)
    {
      const CraftLayer *l = craft__packet_layer (p, i);
      if (l->def->pseudo == NULL)
        continue;
      CraftEval lower = { p, i, ev->data, ev->length, ev->missing, ev->layer };
      gboolean ok = TRUE;
      for (guint k = 0; k < l->def->pseudo->len && ok; k++)
        {
          const CraftPseudoItem *item = &g_array_index (l->def->pseudo, CraftPseudoItem, k);
          if (item->field >= 0)
            {
              const CraftSlot *s = &l->slots[item->field];
              gsize start = s->bit_off / 8, len = s->bit_len / 8;
              if (!s->present || start + len > ev->length)
                {
                  ok = FALSE;
                  break;
                }
              const guint8 *bytes = pseudo_override (ev, i, craft__layer_field (l, (guint) item->field)->name, len);
              g_byte_array_append (out, bytes != NULL ? bytes : ev->data + start, (guint) len);
            }
          else
            {
              guint8 bytes[8];
              craft__bits_write (bytes, 0, item->bits, craft__calc_eval (item->calc, &lower));
              g_byte_array_append (out, bytes, item->bits / 8);
            }
        }
      return ok;
    }
  return FALSE;
}
