/* Shared by the libFuzzer targets: the registry they dissect with and the checks every packet goes through. */
#pragma once

#include <craft/craft.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The built-in definitions and the examples of proto/examples, loaded once.
 * GLib's criticals and warnings abort, as a crash would: inside libcraft
 * they mean a broken contract. */
static CraftRegistry *
fuzz_registry (void)
{
  static CraftRegistry *reg;
  if (reg == NULL)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      GError *error = NULL;
      reg = craft_registry_new ();
      if (!craft_registry_load_builtin (reg, &error)
          || !craft_registry_load_dir (reg, CRAFT_SOURCE_DIR "/proto/examples", &error))
        {
          fprintf (stderr, "cannot load the definitions: %s\n", error->message);
          abort ();
        }
    }
  return reg;
}

/* Fails the run, naming what broke: libFuzzer saves the input that did it. */
static void
fuzz_fail (const char *what, const guint8 *data, gsize size)
{
  fprintf (stderr, "fuzz check failed: %s (%zu bytes of input)\n", what, size);
  abort ();
}

/* Everything that reads a packet: rebuilding it, which must give back
 * `data` when the packet was dissected from it (pass NULL otherwise), its
 * summary, tree, JSON, findings and verification, and a fuzzed copy. */
static void
fuzz_exercise (CraftPacket *packet, const guint8 *data, gsize size)
{
  g_autoptr (GBytes) rebuilt = craft_packet_build (packet, NULL);
  if (data != NULL)
    {
      /* A dissected packet rebuilds to its bytes, wrong checksums included. */
      if (rebuilt == NULL)
        fuzz_fail ("a dissected packet does not build", data, size);
      if (g_bytes_get_size (rebuilt) != size || (size > 0 && memcmp (g_bytes_get_data (rebuilt, NULL), data, size) != 0))
        fuzz_fail ("a dissected packet rebuilds to other bytes", data, size);
    }
  g_free (craft_packet_summary (packet));
  g_free (craft_packet_show (packet, NULL));
  g_free (craft_packet_to_json (packet, NULL));
  craft_packet_verify (packet);
  gsize total = 0;
  for (guint i = 0; i < craft_packet_get_n_findings (packet); i++)
    total += strlen (craft_packet_get_finding (packet, i)->message);
  (void) total;
  /* Fuzzing it draws from every field's kind and fits its strings. */
  g_autoptr (GRand) rng = g_rand_new_with_seed ((guint32) size);
  for (int flags = 0; flags < 4; flags += 3)
    {
      g_autoptr (CraftPacket) fuzzed = craft_packet_fuzz (packet, rng, flags);
      g_autoptr (GBytes) bytes = craft_packet_build (fuzzed, NULL);
      if (bytes != NULL)
        g_free (craft_packet_summary (fuzzed));
    }
}
