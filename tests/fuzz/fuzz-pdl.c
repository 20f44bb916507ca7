/* libFuzzer target: the definition-language parser and compiler, then building and dissecting every layer it defines. */
#include "fuzz-common.h"

#include "model.h"
#include "packet-private.h"

/* Inputs starting with this line are loaded after the built-in definitions,
 * so that they can bind to Ether, IP, UDP...; the others after Raw and
 * Padding alone, two hundred times faster. */
#define BUILTIN_MARK "#builtin\n"

static const char prelude[] = "layer Raw { load: bytes; fallback; }\n"
                              "layer Padding { load: bytes; trailer; }\n";

/* Layers of one input tried at most: each is built, dissected and fuzzed. */
#define LAYERS_TRIED 8

/* The registries inputs load into: [0] with the prelude, [1] with the
 * built-in set. A load that fails adds nothing, so they serve again; one
 * that succeeds takes its registry with it, and the next input loads anew. */
static CraftRegistry *bases[2];

static CraftRegistry *
base_registry (gboolean builtin, const guint8 *data, gsize size)
{
  if (bases[builtin] == NULL)
    {
      bases[builtin] = craft_registry_new ();
      if (!(builtin ? craft_registry_load_builtin (bases[builtin], NULL)
                    : craft_registry_load_data (bases[builtin], "prelude", prelude, -1, NULL)))
        fuzz_fail ("the prelude does not load", data, size);
    }
  return bases[builtin];
}

static int
fuzz_pdl_one (const guint8 *data, gsize size)
{
  fuzz_registry (); /* makes GLib's criticals fatal */
  gboolean builtin = size >= strlen (BUILTIN_MARK) && memcmp (data, BUILTIN_MARK, strlen (BUILTIN_MARK)) == 0;
  CraftRegistry *base = base_registry (builtin, data, size);
  guint layers = base->layers->len, enums = base->enums->len, bindings = base->bindings->len;
  g_autoptr (GError) error = NULL;
  if (!craft_registry_load_data (base, "input.pdl", (const char *) data, (gssize) size, &error))
    {
      /* A bad definition gets an error with its place, never a crash... */
      CraftErrorLocation loc;
      if (error == NULL || error->message[0] == '\0')
        fuzz_fail ("a definition failed without a message", data, size);
      if (error->code != CRAFT_ERROR_IO && !craft_error_get_location (error, &loc))
        fuzz_fail ("a definition error has no location", data, size);
      /* ... and leaves the registry as it was. */
      if (base->layers->len != layers || base->enums->len != enums || base->bindings->len != bindings)
        fuzz_fail ("a definition that failed to load changed the registry", data, size);
      return 0;
    }
  g_autoptr (CraftRegistry) reg = g_steal_pointer (&bases[builtin]);
  /* The layers the input defines, new or replacing earlier ones. */
  guint tried = 0;
  for (guint i = 0; i < craft_registry_get_n_layers (reg) && tried < LAYERS_TRIED; i++)
    {
      const CraftLayerDef *def = craft_registry_get_layer (reg, i);
      if (strcmp (def->file, "input.pdl") != 0)
        continue;
      tried++;
      g_autoptr (CraftPacket) packet = craft_packet_new (reg);
      if (!craft_packet_push_layer (packet, craft_layer_def_get_name (def), NULL))
        fuzz_fail ("a loaded layer cannot be pushed", data, size);
      g_autoptr (GBytes) bytes = craft_packet_build (packet, NULL);
      fuzz_exercise (packet, NULL, 0);
      if (bytes != NULL)
        {
          gsize len;
          const guint8 *built = g_bytes_get_data (bytes, &len);
          g_autoptr (CraftPacket) back = craft_packet_new_from_bytes (reg, craft_layer_def_get_name (def), built, len, NULL);
          fuzz_exercise (back, built, len);
        }
      /* And the input's own bytes, as a packet of that layer, as the first
       * bytes of a payload its heuristic tests, and as far as its fields go
       * (the Wireshark plugin's view of a header cut short). */
      g_autoptr (CraftPacket) raw = craft_packet_new_from_bytes (reg, craft_layer_def_get_name (def), data, size, NULL);
      fuzz_exercise (raw, data, size);
      craft__layer_heuristic_holds (def, data, size);
      g_autoptr (CraftPacket) partial = craft__packet_new_partial (reg, def, data, size);
      if (craft__packet_layer (partial, 0)->hdr_len > size)
        fuzz_fail ("a partial header is longer than its bytes", data, size);
    }
  return 0;
}

#ifndef CRAFT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_pdl_one (data, size);
}
#endif
