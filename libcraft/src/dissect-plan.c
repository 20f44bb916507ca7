/* The dissection plan of a layer: its leading fields at offsets and sizes known when the definition loads. */
#include "model.h"
#include "kinds.h"

/* Whether the dissector may read field `f` at `bit` from the layer's start
 * without evaluating anything: no condition, a fixed size, no kind that
 * measures its own bytes, and whole bytes where the kind needs them (a field
 * that would start mid-byte is left to the general loop, which reports it). */
static gboolean
plannable (const CraftFieldDef *f, guint bit)
{
  if (f->condition != NULL || f->size_mode != CRAFT_SIZE_FIXED || f->bits == 0)
    return FALSE;
  if (f->kind->wire_size != NULL || f->kind->is_list)
    return FALSE;
  if (!f->kind->is_integer && f->bits % 8 != 0)
    return FALSE;
  if ((!f->kind->is_integer || f->little_endian) && bit % 8 != 0)
    return FALSE;
  return TRUE;
}

void
craft__layer_def_plan (CraftLayerDef *layer)
{
  guint bit = 0, n = 0;
  for (; n < layer->fields->len; n++)
    {
      CraftFieldDef *f = g_ptr_array_index (layer->fields, n);
      if (!plannable (f, bit) || bit + f->bits < bit)
        break;
      f->plan_bit = bit;
      bit += f->bits;
    }
  layer->plan_fields = n;
  layer->plan_bits = bit;
}
