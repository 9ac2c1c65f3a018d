#!/bin/sh
# compile-commands.sh "CC FLAGS" FILE... - write compile_commands.json for editors.
set -eu
cmd=$1; shift
dir=$(pwd)
echo '['
sep=''
for f in "$@"; do
	printf '%s  { "directory": "%s", "file": "%s", "command": "%s -c %s" }' "$sep" "$dir" "$f" "$cmd" "$f"
	sep=',
'
done
echo
echo ']'
