/* libFuzzer target: the expression parser and binder, then building, dissecting back and fuzzing what they make. */
#include "fuzz-common.h"

/* Members of a set tried per input: the first, the last and one between. */
static void
try_member (CraftPacket *packet, guint64 member)
{
  if (!craft_packet_select_member (packet, member, NULL))
    return;
  g_autoptr (GBytes) bytes = craft_packet_build (packet, NULL);
  if (bytes == NULL)
    return;
  fuzz_exercise (packet, NULL, 0);
  /* What was built dissects back, and that rebuilds to the same bytes. */
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  const char *first = craft_packet_get_n_layers (packet) > 0
                        ? craft_layer_def_get_name (craft_packet_get_layer (packet, 0))
                        : "Raw";
  g_autoptr (CraftPacket) back = craft_packet_new_from_bytes (craft_packet_get_registry (packet), first, data, len,
                                                               NULL);
  if (back == NULL)
    fuzz_fail ("built bytes do not dissect", data, len);
  fuzz_exercise (back, data, len);
}

static int
fuzz_expr_one (const guint8 *data, gsize size)
{
  CraftRegistry *reg = fuzz_registry ();
  /* Expressions are text: the input up to its first NUL. */
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (CraftPacket) packet = craft_packet_new_from_expression (reg, text, &error);
  if (packet == NULL)
    {
      /* Every error says something and, for the tool's caret, where. */
      if (error == NULL || error->message[0] == '\0')
        fuzz_fail ("an expression failed without a message", data, size);
      return 0;
    }
  guint64 n = craft_packet_get_n_members (packet);
  try_member (packet, 0);
  if (n > 1)
    try_member (packet, n - 1);
  if (n > 2)
    try_member (packet, n / 2);
  return 0;
}

#ifndef CRAFT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_expr_one (data, size);
}
#endif
