/* Sending a whole set, round after round: each member built once, later rounds sending the same bytes again. */
#include "craft-limits.h"
#include "net-private.h"
#include "packet-private.h"

/* A member built for the interface, ready to be sent again. */
typedef struct {
  GBytes *bytes;
  const guint8 *data;      /* the bytes' data and length, read once: a replay touches no GBytes */
  gsize length;
  gboolean network;
  guint8 destination[16];
  gsize destination_length;
} Built;

static void
built_clear (Built *b)
{
  g_clear_pointer (&b->bytes, g_bytes_unref);
}

/* Builds member `index` for the injector's interface, with its destination
 * when it goes through the kernel's routing. */
static gboolean
build_member (CraftInjector *injector, CraftPacket *packet, guint64 index, Built *out, GError **error)
{
  if (!craft_packet_select_member (packet, index, error))
    return FALSE;
  out->bytes = craft_injector_build (injector, packet, &out->network, error);
  if (out->bytes == NULL)
    return FALSE;
  out->data = g_bytes_get_data (out->bytes, &out->length);
  if (out->network && !craft__packet_destination (packet, out->destination, &out->destination_length))
    {
      g_set_error (error, CRAFT_ERROR, CRAFT_ERROR_VALUE, "%s: the packet has no destination address to send to",
                   craft_injector_get_interface (injector));
      return FALSE;
    }
  return TRUE;
}

/* Sends `b`; `kept` says that its bytes outlive the queue (they are sent
 * before the kept members are freed), so the queue needs no reference. */
static gboolean
send_built (CraftInjector *injector, const Built *b, gboolean kept, CraftSendProgressFunc progress,
            gpointer user_data, GError **error)
{
  if (!craft__injector_send_data (injector, b->data, b->length, kept ? NULL : b->bytes, b->network, b->destination,
                                  b->destination_length, error))
    return FALSE;
  if (progress != NULL)
    progress (injector, user_data);
  return TRUE;
}

/* Sends the rounds; the caller flushes. */
static gboolean
send_rounds (CraftInjector *injector, CraftPacket *packet, guint64 rounds, GArray **kept,
             CraftSendProgressFunc progress, gpointer user_data, GError **error)
{
  guint64 members = craft_packet_get_n_members (packet);
  gsize kept_bytes = 0;
  for (guint64 round = 0; round < rounds; round++)
    {
      if (round > 0 && *kept != NULL)
        {
          for (guint i = 0; i < (*kept)->len; i++)
            if (!send_built (injector, &g_array_index (*kept, Built, i), TRUE, progress, user_data, error))
              return FALSE;
          continue;
        }
      for (guint64 m = 0; m < members; m++)
        {
          Built b = { 0 };
          if (!build_member (injector, packet, m, &b, error)
              || !send_built (injector, &b, FALSE, progress, user_data, error))
            {
              built_clear (&b);
              return FALSE;
            }
          if (*kept != NULL)
            {
              kept_bytes += b.length + sizeof b + 64;
              if (kept_bytes > CRAFT_SEND_REPLAY_MAX_BYTES)
                g_clear_pointer (kept, g_array_unref);
            }
          if (*kept != NULL)
            g_array_append_val (*kept, b);
          else
            built_clear (&b);
        }
    }
  return TRUE;
}

gboolean
craft_injector_send_set (CraftInjector *injector, CraftPacket *packet, guint64 rounds, CraftSendProgressFunc progress,
                         gpointer user_data, GError **error)
{
  /* Kept for the rounds after the first, while they fit. Building a member
   * again gives the same bytes: values from the host (addresses, the
   * clock) are computed once per packet and kept. */
  g_autoptr (GArray) kept = NULL;
  if (rounds > 1)
    {
      kept = g_array_new (FALSE, TRUE, sizeof (Built));
      g_array_set_clear_func (kept, (GDestroyNotify) built_clear);
    }
  if (!send_rounds (injector, packet, rounds, &kept, progress, user_data, error))
    {
      /* The queue may point into the kept bytes: what it holds was sent
       * before the failure, and leaves before they are freed. */
      craft_injector_flush (injector, NULL);
      return FALSE;
    }
  return craft_injector_flush (injector, error);
}
