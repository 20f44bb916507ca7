/* The export macro: libcraft is built with hidden visibility; only CRAFT_API symbols are public. */
#pragma once

#if defined(CRAFT_COMPILATION)
#define CRAFT_API __attribute__ ((visibility ("default")))
#else
#define CRAFT_API
#endif
