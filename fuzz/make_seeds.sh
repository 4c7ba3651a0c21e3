#!/usr/bin/env bash
# Writes a few small safetensors files (valid and nearly valid) into folder $1, as
# the fuzzer's starting corpus. Pure bash: no Python on a fresh machine.
set -euo pipefail
dir=$1
mkdir -p "$dir"
# file NAME HEADER DATA_BYTES: 8-byte little-endian header length + header + data
file() {
  local name=$1 header=$2 data=$3 n i
  n=${#header}
  {
    for i in 0 1 2 3 4 5 6 7; do printf "\\x$(printf %02x $(( (n >> (8 * i)) & 255 )))"; done
    printf '%s' "$header"
    head -c "$data" /dev/zero | tr '\0' '\1'
  } > "$dir/$name"
}
file empty '{}' 0
file meta '{"__metadata__":{"format":"pt"}}' 0
file f32 '{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}' 16
file mixed '{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"I64","shape":[1],"data_offsets":[6,14]},"c":{"dtype":"BOOL","shape":[2],"data_offsets":[14,16]}}' 16
file bf16 '{"x":{"dtype":"BF16","shape":[1,2],"data_offsets":[0,4]},"__metadata__":{"k":"v"}}' 4
file zero '{"z":{"dtype":"U8","shape":[0,5],"data_offsets":[0,0]}}' 0
