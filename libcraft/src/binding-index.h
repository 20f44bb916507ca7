/* The index of bindings by (lower layer, field, value): what dissection looks up to choose each upper layer. */
#pragma once

#include "model.h"

G_BEGIN_DECLS

/* reg->bindings_by_value: an open-addressing table of (lower, field, value)
 * keys, each with its run of binding indices in `indices` (a GHashTable
 * lookup cost more than the scan it replaced), built by
 * craft__registry_index_bindings_by_value() (dissect-plan.c). */
typedef struct {
  const CraftLayerDef *lower;  /* NULL: an empty entry */
  guint field;
  guint64 value;
  guint first, count;          /* the run in `indices`, in the registry's order */
  const CraftLayerDef *upper;  /* the layer of the first binding of the run ... */
  gboolean mixed;              /* ... and whether another of the run names another layer */
} CraftBindingKey;

struct _CraftBindingIndex {
  CraftBindingKey *entries;    /* mask + 1 of them */
  gsize mask;
  guint *indices;
};

static inline gsize
craft__binding_hash (const CraftLayerDef *lower, guint field, guint64 value)
{
  /* One multiplication mixes the value (often small: a port, a type) into the high bits taken. */
  guint64 h = ((guint64) (guintptr) lower ^ (guint64) field << 56 ^ value * 0x9e3779b97f4a7c15u) * 0xbf58476d1ce4e5b9u;
  return (gsize) (h >> 32);
}

/* The entry of the key, or the empty entry where it would go (lower NULL, count 0). */
static inline CraftBindingKey *
craft__binding_key (const struct _CraftBindingIndex *index, const CraftLayerDef *lower, guint field, guint64 value)
{
  for (gsize at = craft__binding_hash (lower, field, value) & index->mask;; at = (at + 1) & index->mask)
    {
      CraftBindingKey *e = &index->entries[at];
      if (e->lower == NULL || (e->lower == lower && e->field == field && e->value == value))
        return e;
    }
}

/* Adds what a bound field's value names (`key`, no binding when empty) to
 * the layer the fields before it chose, *upper (NULL: none yet). FALSE when
 * the values name several layers: the registry's order and guards decide. */
static inline gboolean
craft__binding_key_choose (const CraftBindingKey *key, const CraftLayerDef **upper)
{
  if (key->lower == NULL)
    return TRUE;
  if (key->mixed || (*upper != NULL && key->upper != *upper))
    return FALSE;
  *upper = key->upper;
  return TRUE;
}

G_END_DECLS
