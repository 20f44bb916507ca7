/* Syntax tree of a Scapy-style packet expression, before layers are looked up. */
#pragma once

#include <glib.h>

#include "craft-limits.h"

G_BEGIN_DECLS

typedef enum {
  CRAFT_EXPR_INT,    /* integer literal: 42, 0x2a, 0o52, 0b101010, -1, 1_000 */
  CRAFT_EXPR_STR,    /* text literal '..' or "..", decoded (UTF-8 bytes) */
  CRAFT_EXPR_BYTES,  /* bytes literal b'..' or b"..", decoded */
  CRAFT_EXPR_NONE,   /* None */
  CRAFT_EXPR_BOOL,   /* True / False, stored in .integer as 1 / 0 */
  CRAFT_EXPR_TUPLE,  /* ( a, b, ... ) : children in .items */
  CRAFT_EXPR_LIST,   /* [ a, b, ... ] : children in .items */
  CRAFT_EXPR_LAYER,  /* Name(args) or bare Name : .name, .items = positional args, .keywords */
  CRAFT_EXPR_STACK,  /* a / b / c : .items holds the operands in order, flattened */
  CRAFT_EXPR_FLOAT,  /* decimal fraction literal: 1.5, -2., 3.9e9 : its text in .bytes (timestamps) */
} CraftExprType;

typedef struct _CraftExprNode CraftExprNode;

/* A keyword argument `name=value` inside a layer call. */
typedef struct {
  char *name;           /* owned */
  guint column;         /* 1-based column of the name in the expression */
  CraftExprNode *value; /* owned */
} CraftExprKeyword;

struct _CraftExprNode {
  CraftExprType type;
  guint column;      /* 1-based column where this node starts */
  guint end_column;  /* 1-based column one past its last character */
  gint64 integer;    /* INT, BOOL; an INT that does not fit gint64 is a parse error */
  GBytes *bytes;     /* STR, BYTES: the decoded contents (owned) */
  char *name;        /* LAYER: the layer name (owned) */
  GPtrArray *items;  /* TUPLE, LIST, STACK, LAYER positional args: CraftExprNode* (owned, freed with the array) */
  GArray *keywords;  /* LAYER: CraftExprKeyword, in source order (owned) */
};

/* Parses `text` (one whole expression, surrounding whitespace allowed) into a tree.
 * Returns a new tree the caller frees with craft__expr_node_free(), or NULL with
 * `error` set to CRAFT_ERROR / CRAFT_ERROR_SYNTAX and the 1-based column attached
 * (see craft_error_get_location()), e.g. "column 14: expected ')' or ','". */
CraftExprNode *craft__expr_parse (const char *text, GError **error);

void craft__expr_node_free (CraftExprNode *node);

/* A short English name for a node type, for error messages ("integer", "string", ...). */
const char *craft__expr_type_name (CraftExprType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CraftExprNode, craft__expr_node_free)

G_END_DECLS
