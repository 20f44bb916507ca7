/* Answer matching by the definitions' rules (answer, quotes, identity), and send-and-receive (Scapy's sr). */
#include "net-private.h"
#include "packet-private.h"
#include "template.h"

#include <arpa/inet.h>
#include <string.h>

/* ---- does a reply answer a request? ---- */

static const guint8 *
wire_data (CraftPacket *p, gsize *length)
{
  *length = 0;
  return p != NULL ? craft__packet_wire_data (p, length) : NULL;
}

static gboolean
holds (const CraftCalc *rule, CraftPacket *reply, guint i, CraftPacket *request, guint j, gboolean quoting)
{
  gsize reply_len, request_len;
  const guint8 *reply_data = wire_data (reply, &reply_len);
  const guint8 *request_data = wire_data (request, &request_len);
  CraftEval req = { request, j, request_data, request_len, NULL, 0 };
  CraftEval ev = { reply, i, reply_data, reply_len, NULL, 0 };
  return craft__calc_eval_answer (rule, &ev, request != NULL ? &req : NULL, quoting) != 0;
}

/* The same identity fields in a quoted layer and the request's. */
static gboolean
identity_equal (CraftPacket *quote, guint k, CraftPacket *request, guint j)
{
  const CraftLayerDef *def = craft__packet_layer (quote, k)->def;
  for (guint n = 0; def->identity != NULL && n < def->identity->len; n++)
    {
      const CraftCalc *ref = g_ptr_array_index (def->identity, n);
      gboolean a_present = craft__packet_layer (quote, k)->slots[ref->field].present;
      gboolean b_present = craft__packet_layer (request, j)->slots[ref->field].present;
      if (a_present != b_present)
        return FALSE;
      if (!a_present)
        continue;
      guint64 a_num, b_num;
      const guint8 *a_data, *b_data;
      gsize a_len, b_len;
      craft__slot_value (quote, NULL, k, ref->field, &a_num, &a_data, &a_len);
      craft__slot_value (request, NULL, j, ref->field, &b_num, &b_data, &b_len);
      if (a_num != b_num || a_len != b_len || (a_len > 0 && memcmp (a_data, b_data, a_len) != 0))
        return FALSE;
    }
  return TRUE;
}

/* Quoted bytes the dissector could not read as a layer (a quote cut
 * short): they must be the request's bytes from its layer `j` on, as far
 * as both go. */
static gboolean
raw_quote_equal (CraftPacket *quote, guint k, CraftPacket *request, guint j)
{
  gsize quote_len, request_len;
  const guint8 *quote_data = wire_data (quote, &quote_len);
  const guint8 *request_data = wire_data (request, &request_len);
  const CraftLayer *a = craft__packet_layer (quote, k), *b = craft__packet_layer (request, j);
  if (a->end > quote_len || a->start >= a->end || b->start >= request_len)
    return FALSE;
  gsize n = MIN ((gsize) (a->end - a->start), request_len - b->start);
  return memcmp (quote_data + a->start, request_data + b->start, n) == 0;
}

/* Whether the layers of `reply` from `k` on quote `request`: from the
 * request's first layer of the same definition, each quoted layer has the
 * request's identity fields, until either ends. */
static gboolean
quote_matches (CraftPacket *reply, guint k, CraftPacket *request)
{
  guint nr = reply->layers->len, nq = request->layers->len;
  if (k >= nr)
    return FALSE;
  const CraftLayerDef *first = craft__packet_layer (reply, k)->def;
  guint j = 0;
  while (j < nq && craft__packet_layer (request, j)->def != first)
    j++;
  if (j == nq)
    return FALSE;
  for (; k < nr && j < nq; k++, j++)
    {
      const CraftLayerDef *a = craft__packet_layer (reply, k)->def, *b = craft__packet_layer (request, j)->def;
      if (a->trailer || b->trailer || b->fallback)
        return TRUE;
      if (a->fallback)
        return raw_quote_equal (reply, k, request, j);
      if (a != b || !identity_equal (reply, k, request, j))
        return FALSE;
    }
  return TRUE;
}

gboolean
craft_packet_answers (CraftPacket *reply, CraftPacket *request)
{
  g_return_val_if_fail (reply != NULL && request != NULL, FALSE);
  guint nr = reply->layers->len, nq = request->layers->len;
  if (nr == 0 || nq == 0)
    return FALSE;
  /* Line the two up: a reply captured with its link layer answers a
   * request sent at the network layer. */
  guint i = 0, j = 0;
  while (i < nr && craft__packet_layer (reply, i)->def != craft__packet_layer (request, 0)->def)
    i++;
  if (i == nr)
    {
      i = 0;
      while (j < nq && craft__packet_layer (request, j)->def != craft__packet_layer (reply, 0)->def)
        j++;
      if (j == nq)
        return FALSE;
    }
  /* A layer that quotes the request (an ICMP error) makes the reply an
   * error about it: the layers below answer with quoting() true. */
  guint quote = nr;
  for (guint k = i; k < nr && quote == nr; k++)
    {
      const CraftLayerDef *def = craft__packet_layer (reply, k)->def;
      if (def->quotes != NULL && holds (def->quotes, reply, k, NULL, 0, FALSE))
        quote = k;
    }
  for (; i < nr && j < nq; i++, j++)
    {
      if (i == quote)
        return quote_matches (reply, i + 1, request);
      const CraftLayerDef *a = craft__packet_layer (reply, i)->def, *b = craft__packet_layer (request, j)->def;
      /* What the request carries as bytes (Raw), or past its end (Padding),
       * the reply may carry in any form. */
      if (a->trailer || b->trailer || b->fallback)
        return TRUE;
      /* Same definition, or the one an `answers LAYER` rule names. */
      if (b != (a->answers != NULL ? a->answers : a))
        return FALSE;
      if (a->answer != NULL && !holds (a->answer, reply, i, request, j, quote < nr))
        return FALSE;
      /* A message of a protocol with a definition per message answers as a
       * whole: what follows it (neighbour discovery options) is its own. */
      if (a->answers != NULL)
        break;
    }
  return quote < nr && i <= quote ? quote_matches (reply, quote + 1, request) : TRUE;
}

/* ---- send and receive ---- */

typedef struct {
  GBytes *bytes;
  gboolean network;
  guint8 destination[16];
  gsize destination_length;
  CraftPacket *request;     /* as sent: dissected from `bytes` */
  gint64 sent_usec;
  GPtrArray *answers;       /* CraftPacket* */
  GArray *records;          /* CraftCaptureRecord of each answer, data NULL */
} Exchange;

struct _CraftSrResult {
  GPtrArray *exchanges;     /* Exchange* */
};

static void
exchange_free (Exchange *e)
{
  g_bytes_unref (e->bytes);
  g_clear_pointer (&e->request, craft_packet_unref);
  g_ptr_array_unref (e->answers);
  g_array_unref (e->records);
  g_free (e);
}

void
craft_sr_result_free (CraftSrResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->exchanges);
  g_free (result);
}

guint
craft_sr_result_get_n_requests (CraftSrResult *result)
{
  return result->exchanges->len;
}

CraftPacket *
craft_sr_result_get_request (CraftSrResult *result, guint index, gint64 *time_usec)
{
  g_return_val_if_fail (index < result->exchanges->len, NULL);
  Exchange *e = g_ptr_array_index (result->exchanges, index);
  if (time_usec != NULL)
    *time_usec = e->sent_usec;
  return e->request;
}

guint
craft_sr_result_get_n_answers (CraftSrResult *result, guint index)
{
  g_return_val_if_fail (index < result->exchanges->len, 0);
  return ((Exchange *) g_ptr_array_index (result->exchanges, index))->answers->len;
}

CraftPacket *
craft_sr_result_get_answer (CraftSrResult *result, guint index, guint nth, CraftCaptureRecord *record)
{
  g_return_val_if_fail (index < result->exchanges->len, NULL);
  Exchange *e = g_ptr_array_index (result->exchanges, index);
  g_return_val_if_fail (nth < e->answers->len, NULL);
  if (record != NULL)
    *record = g_array_index (e->records, CraftCaptureRecord, nth);
  return g_ptr_array_index (e->answers, nth);
}

/* The addresses a packet's answers come to: the value of each field whose
 * default is the source address toward its layer's route (IP.src, ARP.psrc). */
static void
add_source_addresses (CraftPacket *p, GPtrArray *sources)
{
  for (guint i = 0; i < p->layers->len; i++)
    {
      const CraftLayerDef *def = craft__packet_layer (p, i)->def;
      if (def->route_field < 0)
        continue;
      for (guint k = 0; k < def->fields->len; k++)
        {
          const CraftFieldDef *f = g_ptr_array_index (def->fields, k);
          if (f->default_calc == NULL || f->default_calc->type != CRAFT_CALC_SOURCE_IP
              || f->default_calc->field != (guint) def->route_field)
            continue;
          guint64 num;
          const guint8 *data;
          gsize len;
          craft__slot_value (p, NULL, i, k, &num, &data, &len);
          char text[INET6_ADDRSTRLEN];
          if ((len != 4 && len != 16) || inet_ntop (len == 4 ? AF_INET : AF_INET6, data, text, sizeof text) == NULL)
            continue;
          gboolean seen = FALSE;
          for (guint n = 0; n < sources->len && !seen; n++)
            seen = strcmp (g_ptr_array_index (sources, n), text) == 0;
          if (!seen)
            g_ptr_array_add (sources, g_strdup (text));
        }
    }
}

/* More distinct addresses than this and the capture takes every inbound
 * packet: a filter that long costs more than matching does. */
#define MAX_FILTER_ADDRESSES 16

/* "dst host A or dst host B": inbound packets to the packets' sources. */
static char *
answer_filter (GPtrArray *sources)
{
  if (sources->len == 0 || sources->len > MAX_FILTER_ADDRESSES)
    return NULL;
  GString *filter = g_string_new (NULL);
  for (guint i = 0; i < sources->len; i++)
    g_string_append_printf (filter, "%sdst host %s", i ? " or " : "", (const char *) g_ptr_array_index (sources, i));
  return g_string_free (filter, FALSE);
}

typedef struct {
  CraftRegistry *reg;
  CraftSniffer *sniffer;
  int linktype;
  GPtrArray *exchanges;
  guint n_sent;             /* exchanges sent at least once */
  guint n_answered;
  gboolean multi;
} Sr;

/* Matches one captured packet against the requests sent so far. */
static void
take_reply (Sr *sr, const CraftCaptureRecord *record)
{
  g_autoptr (CraftPacket) reply = craft_packet_new_from_capture (sr->reg, sr->linktype, record->data, record->captured);
  for (guint i = 0; i < sr->n_sent; i++)
    {
      Exchange *e = g_ptr_array_index (sr->exchanges, i);
      if ((e->answers->len > 0 && !sr->multi) || !craft_packet_answers (reply, e->request))
        continue;
      if (e->answers->len == 0)
        sr->n_answered++;
      g_ptr_array_add (e->answers, craft_packet_ref (reply));
      CraftCaptureRecord kept = *record;
      kept.data = NULL;
      g_array_append_val (e->records, kept);
      return;
    }
}

/* Reads what the capture holds until `deadline` (monotonic; 0: only what
 * is there), stopping early once everything is answered (unless multi). */
static gboolean
collect (Sr *sr, gint64 deadline, volatile sig_atomic_t *cancelled, GError **error)
{
  CraftCaptureRecord record;
  for (;;)
    {
      if (deadline != 0 && !sr->multi && sr->n_answered == sr->exchanges->len)
        return TRUE;
      GError *local = NULL;
      if (!craft__sniffer_next_until (sr->sniffer, &record, deadline, cancelled, &local))
        {
          if (local == NULL)
            return TRUE;
          g_propagate_error (error, local);
          return FALSE;
        }
      take_reply (sr, &record);
    }
}

CraftSrResult *
craft_injector_sr (CraftInjector *injector, CraftPacket *packet, const CraftSrOptions *options, GError **error)
{
  CraftSrOptions defaults = { 2.0, 0, FALSE };
  if (options == NULL)
    options = &defaults;
  CraftRegistry *reg = craft__injector_get_registry (injector);
  const char *interface = craft_injector_get_interface (injector);
  g_autoptr (CraftSrResult) result = g_new0 (CraftSrResult, 1);
  result->exchanges = g_ptr_array_new_with_free_func ((GDestroyNotify) exchange_free);

  /* Build everything first: the capture's filter needs every source address,
   * and must be in place before the first packet leaves. */
  g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  guint64 members = craft_packet_get_n_members (packet);
  for (guint64 m = 0; m < members; m++)
    {
      if (!craft_packet_select_member (packet, m, error))
        return NULL;
      Exchange *e = g_new0 (Exchange, 1);
      e->answers = g_ptr_array_new_with_free_func ((GDestroyNotify) craft_packet_unref);
      e->records = g_array_new (FALSE, FALSE, sizeof (CraftCaptureRecord));
      e->bytes = craft_injector_build (injector, packet, &e->network, error);
      if (e->bytes == NULL)
        {
          exchange_free (e);
          return NULL;
        }
      g_ptr_array_add (result->exchanges, e);
      if (e->network && !craft__packet_destination (packet, e->destination, &e->destination_length))
        {
          g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "%s: the packet has no destination address to send to",
                       interface);
          return NULL;
        }
      gsize len;
      const guint8 *data = g_bytes_get_data (e->bytes, &len);
      e->request = craft_packet_new_from_bytes (reg, craft_layer_def_get_name (craft_packet_get_layer (packet, 0)),
                                                data, len, NULL);
      add_source_addresses (e->request, sources);
    }
  g_autofree char *filter = answer_filter (sources);
  g_autoptr (CraftSniffer) sniffer = craft_sniffer_new (interface, filter, CRAFT_SNIFF_INBOUND, error);
  if (sniffer == NULL)
    return NULL;
  Sr sr = { reg, sniffer, craft_sniffer_get_linktype (sniffer), result->exchanges, 0, 0, options->multi };
  volatile sig_atomic_t *cancelled = craft__injector_cancel_flag (injector);
  for (guint round = 0; round <= options->retry; round++)
    {
      for (guint i = 0; i < result->exchanges->len; i++)
        {
          Exchange *e = g_ptr_array_index (result->exchanges, i);
          if (e->answers->len > 0)
            continue;
          if (!craft__injector_send_bytes (injector, e->bytes, e->network, e->destination, e->destination_length,
                                           error))
            return NULL;
          e->sent_usec = g_get_real_time ();
          sr.n_sent = MAX (sr.n_sent, i + 1);
          /* Answers to the first packets come while later ones are sent. */
          if (!collect (&sr, 0, cancelled, error))
            return NULL;
        }
      if (!craft_injector_flush (injector, error))
        return NULL;
      gint64 deadline = g_get_monotonic_time () + (gint64) (MAX (options->timeout, 0) * G_USEC_PER_SEC);
      if (!collect (&sr, MAX (deadline, 1), cancelled, error))
        return NULL;
      if (sr.n_answered == result->exchanges->len)
        break;
    }
  return g_steal_pointer (&result);
}
