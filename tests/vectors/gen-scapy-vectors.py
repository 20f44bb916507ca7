#!/usr/bin/python3
"""Regenerate the Scapy byte-oracle vectors: evaluate each expression of layers.expr with Scapy and write expression<TAB>hex to layers.tsv."""

import ast
import logging
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
USAGE = "usage: /usr/bin/python3 %s [EXPR_FILE [TSV_FILE]]" % sys.argv[0]


SCAPY_MARK = " # scapy: "


def check_syntax(expr):
    """Reject anything outside the restricted expression grammar.

    Allowed: Layer(kw=value, ...) calls (keyword arguments only), '/' stacking,
    bare layer names, int/float/str/bytes literals (floats are NTP timestamps)
    and None, and for list fields lists and tuples of those and layers as
    values.  Anything else ('*', variables used as values, ...) is an error,
    so that the C side can parse every line without a Python interpreter.
    """
    tree = ast.parse(expr, mode="eval")

    def value(node):
        if isinstance(node, ast.Constant) and (
                node.value is None or type(node.value) in (int, float, str, bytes)):
            return
        # List fields (options, DNS sections) take lists and tuples of
        # values and element layers, as one value.
        if isinstance(node, (ast.List, ast.Tuple)):
            for item in node.elts:
                value(item)
            return
        if isinstance(node, (ast.Call, ast.Name, ast.BinOp)):
            layer(node)
            return
        raise ValueError("unsupported value %s" % ast.dump(node))

    def layer(node):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            layer(node.left)
            layer(node.right)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            # One positional argument: bytes to dissect (a DNS message with
            # compressed names, as a server sends it).
            if len(node.args) > 1 or (node.args and not (
                    isinstance(node.args[0], ast.Constant)
                    and type(node.args[0].value) is bytes)):
                raise ValueError("positional arguments to %s" % node.func.id)
            for kw in node.keywords:
                if kw.arg is None:
                    raise ValueError("**kwargs not allowed")
                value(kw.value)
        elif isinstance(node, ast.Name):
            pass
        elif isinstance(node, ast.Constant) and type(node.value) in (str, bytes):
            pass  # bare payload: /"GET /" or /b"\x00"
        else:
            raise ValueError("unsupported construct %s" % ast.dump(node))

    layer(tree.body)


def main(argv):
    if len(argv) > 3 or any(a in ("-h", "--help") for a in argv[1:]):
        print(USAGE, file=sys.stderr)
        return 2
    expr_path = argv[1] if len(argv) > 1 else os.path.join(HERE, "layers.expr")
    tsv_path = argv[2] if len(argv) > 2 else os.path.join(HERE, "layers.tsv")

    # Scapy reads a timestamp's date string as local time: make that UTC,
    # as craft reads it.
    os.environ["TZ"] = "UTC"
    time.tzset()
    # Silence Scapy's import-time and build-time chatter.
    warnings.filterwarnings("ignore")
    logging.getLogger("scapy").setLevel(logging.CRITICAL)
    import scapy.all
    ns = dict(vars(scapy.all))
    from scapy.compat import raw

    out = []
    with open(expr_path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            expr = line.strip()
            if not expr or expr.startswith("#"):
                continue
            if "\t" in expr:
                print("%s:%d: TAB in expression" % (expr_path, lineno),
                      file=sys.stderr)
                return 1
            # "CRAFT_EXPR # scapy: SCAPY_EXPR": where the two spell a value
            # differently (Scapy's address lists are craft's raw bytes),
            # Scapy builds its own spelling and the vector keeps craft's.
            scapy_expr = expr
            if SCAPY_MARK in expr:
                expr, scapy_expr = (part.strip() for part in expr.split(SCAPY_MARK, 1))
            try:
                check_syntax(expr)
                check_syntax(scapy_expr)
                data = raw(eval(scapy_expr, dict(ns)))
            except Exception as e:
                print("%s:%d: %s: %s: %s" % (expr_path, lineno, expr,
                                              type(e).__name__, e),
                      file=sys.stderr)
                return 1
            out.append("%s\t%s\n" % (expr, data.hex()))

    tmp = tsv_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(out)
    os.replace(tmp, tsv_path)
    print("%s: %d vectors" % (tsv_path, len(out)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
