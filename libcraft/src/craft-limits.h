/* Resource limits that stop hostile definitions, expressions and packets from exhausting the machine. */
#pragma once

/* Each limit says what it bounds, its default, why that default, and where
 * it is enforced. Crossing one is an error with a location (definitions,
 * expressions) or a finding (packets), never a crash. */

/* ---- definitions (.pdl) ---- */

/* Nesting of parentheses and sets in a definition expression. Real protocols
 * need a handful; the parser recurses once per level. Enforced by the
 * definition parser (pdl-parse.c). */
#define CRAFT_MAX_DEFINITION_NESTING 32

/* Binary operators in one definition expression. Parentheses are bounded by
 * CRAFT_MAX_DEFINITION_NESTING, but `1+1+1+…` builds a tree as deep as it is
 * long, and the compiler and the evaluator walk trees recursively. Real
 * definitions use a dozen. Enforced by the definition parser. */
#define CRAFT_MAX_DEFINITION_OPERATORS 1000

/* Fields in one layer. The largest standard headers have a few dozen.
 * Enforced by the definition parser. */
#define CRAFT_MAX_FIELDS_PER_LAYER 256

/* Size of a fixed-size byte string, bytes(N): the largest an IPv4 or UDP
 * length can describe. Enforced by the definition parser. */
#define CRAFT_MAX_FIXED_BYTES 65535

/* ---- packets ---- */

/* Layers in one packet, dissected or built from an expression: the maximum
 * layer depth. Every dissected layer consumes at least one byte, so this
 * only bounds pathological encapsulation (a chain of tunnels, IP in IP in
 * IP…), whose per-layer work (bindings, pseudo-headers, summaries) would
 * otherwise grow with the square of the depth. Enforced by the dissector
 * (the rest becomes Raw, with a finding) and by the expression binder (an
 * error at the layer that goes past it). */
#define CRAFT_MAX_LAYERS 64

/* Bytes in one packet, built or dissected: the largest IPv6 jumbogram we
 * accept. Enforced by the builder (an error) and the dissector (the rest is
 * left out, with a finding). */
#define CRAFT_MAX_PACKET_BYTES (16u * 1024u * 1024u)

/* Bytes of a domain name once its compression pointers are followed (RFC
 * 1035 section 3.1: 255), and the pointers followed in one name. A hostile
 * name can point back at itself or chain pointers so that a few bytes
 * expand to megabytes; every pointer must point before the pointer itself
 * and the total is capped. Enforced by the dnsname kind (names.c): a name
 * that breaks either is a finding, and shows as "<bad name>". */
#define CRAFT_MAX_NAME_LENGTH 255
#define CRAFT_MAX_NAME_POINTERS 127

/* Elements read from one list field (IP and TCP options, DNS records, DHCP
 * options): a 64 KiB list of one-byte NOPs is 65536 elements, each read as a
 * small packet; real lists have a few dozen. Elements past it are not read
 * (a finding). Enforced by the list walker (list.c). */
#define CRAFT_MAX_LIST_ELEMENTS_PER_FIELD 1024

/* Lists inside elements of lists (an IP option's list of routers is one
 * level): each level is one recursion of the list walker. Deeper lists are
 * left unread, with a finding. Enforced by the list walker (list.c). */
#define CRAFT_MAX_LIST_DEPTH 8

/* ---- expressions ---- */

/* The deepest nesting of brackets the parser accepts: each '(' or '[' of a
 * tuple, list or layer call is one level. Real packets nest a few levels; the
 * limit keeps the recursive-descent parser's stack use bounded on hostile
 * input (a fuzzer's "((((..." must get an error, not a stack overflow).
 * Enforced by the expression parser (expr-parse.c). */
#define CRAFT_EXPR_MAX_DEPTH 64

/* Elements in one list given to a field (dport=[80, 443, ...]): each is
 * kept and checked against the field when the expression is read. 65536
 * holds every port; longer sets are written as ranges, (1, 65535), which
 * take no memory per member. Enforced by craft__set_from_node() (set.c). */
#define CRAFT_MAX_LIST_ELEMENTS 65536

/* ---- fuzzing ---- */

/* The longest random value craft_packet_fuzz() draws for a byte string of
 * variable size. Options spaces hold 40 bytes (IPv4, TCP); payloads of a few
 * hundred bytes cross every length a one-byte field can describe, while a
 * million fuzzed packets still stream at disk speed. */
#define CRAFT_FUZZ_MAX_BYTES 256

/* The most bytes of random elements craft_packet_fuzz() gives a list field:
 * the 40 bytes IPv4 and TCP leave for options, so that the header length
 * still describes them. */
#define CRAFT_FUZZ_MAX_LIST_BYTES 40

/* ---- sending ---- */

/* Bytes of built packets craft_injector_send_set() keeps to send again on
 * later rounds instead of building them afresh (with ~100 bytes of
 * bookkeeping each). 128 MiB holds a set of a million small frames; a
 * larger set is built again each round. Enforced in inject-set.c. */
#define CRAFT_SEND_REPLAY_MAX_BYTES (128u * 1024u * 1024u)
