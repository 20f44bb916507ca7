#!/bin/sh
# Installs the build into a temporary prefix, then builds and runs a program against it with pkg-config.
set -eu
build_dir=$1
source_dir=$2
sanitize_flags=${3:-}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
pc_dir=$(dirname "$(find "$prefix" -name craft.pc)")
test -f "$prefix/include/craft/craft.h"
pc() { PKG_CONFIG_PATH=$pc_dir pkg-config "$@"; }
flags=$(pc --cflags --libs craft)
# shellcheck disable=SC2086
cc $sanitize_flags -o "$prefix/consumer" "$source_dir/tests/install-consumer.c" $flags \
   -Wl,-rpath,"$(pc --variable=libdir craft)"
want=4500001c000100004011f6ccc0000201c000020204d20035000876d3
got=$(XDG_CONFIG_HOME=$prefix CRAFT_PROTO_PATH= "$prefix/consumer")
if [ "$got" != "$want" ]; then
  echo "installed libcraft built $got, expected $want" >&2
  exit 1
fi
echo "1 passed, 0 failed"
