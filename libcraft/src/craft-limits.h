/* Resource limits that stop hostile definitions, expressions and packets from exhausting the machine. */
#pragma once

/* Nesting of parentheses and sets in a definition expression. Real protocols
 * need a handful; the parser recurses once per level. */
#define CRAFT_MAX_DEFINITION_NESTING 32

/* Fields in one layer. The largest standard headers have a few dozen. */
#define CRAFT_MAX_FIELDS_PER_LAYER 256

/* Size of a fixed-size byte string, bytes(N). */
#define CRAFT_MAX_FIXED_BYTES 65535

/* Layers dissected in one packet. Every layer consumes at least one byte,
 * so this only bounds pathological encapsulation (a chain of tunnels). */
#define CRAFT_MAX_LAYERS 64

/* Bytes in one packet, built or dissected: the largest IPv6 jumbogram we
 * accept. */
#define CRAFT_MAX_PACKET_BYTES (16u * 1024u * 1024u)

/* The deepest nesting of brackets the parser accepts: each '(' or '[' of a
 * tuple, list or layer call is one level. Real packets nest a few levels; the
 * limit keeps the recursive-descent parser's stack use bounded on hostile
 * input (a fuzzer's "((((..." must get an error, not a stack overflow). */
#define CRAFT_EXPR_MAX_DEPTH 64
