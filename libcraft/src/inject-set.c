/* Sending a whole set, round after round: each member built once, later rounds sending the same bytes again. */
#include "craft-limits.h"
#include "net-private.h"
#include "packet-private.h"

#include <string.h>

/* Kept members' bytes are copied one after the other into chunks this large
 * (or as large as a larger frame): a replay reads memory in order. */
#define KEPT_CHUNK (1u << 20)

/* A member built for the interface, ready to be sent. */
typedef struct {
  const guint8 *data;      /* in the kept chunks, or in `bytes` */
  gsize length;
  GBytes *bytes;           /* the built bytes while they are not kept */
  gboolean network;
  guint8 destination[16];
  gsize destination_length;
} Built;

/* The members kept for the rounds after the first. */
typedef struct {
  GArray *members;         /* Built, in order, their data in `chunks` */
  GPtrArray *chunks;
  gsize chunk_size;        /* the last chunk's size ... */
  gsize chunk_used;        /* ... and how much of it is used */
  gsize memory;            /* what keeping them costs so far */
} Kept;

static void
built_clear (Built *b)
{
  g_clear_pointer (&b->bytes, g_bytes_unref);
}

static void
kept_free (Kept *kept)
{
  if (kept == NULL)
    return;
  g_array_unref (kept->members);
  g_ptr_array_unref (kept->chunks);
  g_free (kept);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Kept, kept_free)

/* Moves `b`'s bytes into the kept chunks and keeps it. FALSE, keeping
 * nothing, when that would pass CRAFT_SEND_REPLAY_MAX_BYTES. */
static gboolean
keep (Kept *kept, Built *b)
{
  kept->memory += b->length + sizeof *b + 64;
  if (kept->memory > CRAFT_SEND_REPLAY_MAX_BYTES)
    return FALSE;
  if (kept->chunks->len == 0 || kept->chunk_used + b->length > kept->chunk_size)
    {
      kept->chunk_size = MAX (KEPT_CHUNK, b->length);
      g_ptr_array_add (kept->chunks, g_malloc (kept->chunk_size));
      kept->chunk_used = 0;
    }
  guint8 *copy = (guint8 *) g_ptr_array_index (kept->chunks, kept->chunks->len - 1) + kept->chunk_used;
  memcpy (copy, b->data, b->length);
  kept->chunk_used += b->length;
  built_clear (b);
  b->data = copy;
  g_array_append_val (kept->members, *b);
  return TRUE;
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

/* Sends `b`: the queue takes a reference to its bytes unless they are kept
 * (kept bytes outlive the queue: it is flushed before they are freed). */
static gboolean
send_built (CraftInjector *injector, const Built *b, CraftSendProgressFunc progress, gpointer user_data,
            GError **error)
{
  if (!craft__injector_send_data (injector, b->data, b->length, b->bytes, b->network, b->destination,
                                  b->destination_length, error))
    return FALSE;
  if (progress != NULL)
    progress (injector, user_data);
  return TRUE;
}

/* Sends the rounds; the caller flushes. */
static gboolean
send_rounds (CraftInjector *injector, CraftPacket *packet, guint64 rounds, Kept **kept,
             CraftSendProgressFunc progress, gpointer user_data, GError **error)
{
  guint64 members = craft_packet_get_n_members (packet);
  for (guint64 round = 0; round < rounds; round++)
    {
      if (round > 0 && *kept != NULL)
        {
          for (guint i = 0; i < (*kept)->members->len; i++)
            if (!send_built (injector, &g_array_index ((*kept)->members, Built, i), progress, user_data, error))
              return FALSE;
          continue;
        }
      for (guint64 m = 0; m < members; m++)
        {
          Built b = { 0 };
          if (!build_member (injector, packet, m, &b, error))
            {
              built_clear (&b);
              return FALSE;
            }
          /* Too many to keep: what is queued leaves before the kept bytes go. */
          if (*kept != NULL && !keep (*kept, &b))
            {
              if (!craft_injector_flush (injector, error))
                {
                  built_clear (&b);
                  return FALSE;
                }
              g_clear_pointer (kept, kept_free);
            }
          const Built *sent = *kept != NULL ? &g_array_index ((*kept)->members, Built, (*kept)->members->len - 1) : &b;
          gboolean ok = send_built (injector, sent, progress, user_data, error);
          built_clear (&b);
          if (!ok)
            return FALSE;
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
  g_autoptr (Kept) kept = NULL;
  if (rounds > 1)
    {
      kept = g_new0 (Kept, 1);
      kept->members = g_array_new (FALSE, FALSE, sizeof (Built));
      kept->chunks = g_ptr_array_new_with_free_func (g_free);
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
