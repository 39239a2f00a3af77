#!/bin/bash
# Captures the buffer sizes llama.cpp logs when loading the synthetic 134M model (Q4_K_M and Q8_0)
# with both engines at contexts 512 and 2048. Run from a directory holding m134-q4_k_m.gguf and
# m134-q8_0.gguf (SyntheticModel.withParameterCount(134_000_000) written as F16, then
# llama-quantize <f16> <out> Q4_K_M|Q8_0 2) and InProcessCapture.java.txt copied to IP.java.
# Output: res/b10470/*.log, res/b4916/*.log.
set -e
E=${ENGINE_DIR:-/work/shared/engines/llama.cpp-b10470-linux-x64-cpu}
CP=${INPROCESS_CP:?class path of localllm-backend-llamacpp and its dependencies}
mkdir -p res/b10470 res/b4916
server() { # model ctx name extra...
  m=$1; c=$2; n=$3; shift 3
  $E/llama-server -m $m.gguf -c $c -np 1 -t 2 --port 18771 -lv 4 --no-warmup "$@" > res/b10470/$n.log 2>&1 & pid=$!
  for i in $(seq 1 120); do sleep 0.5; grep -q "listening on\|error" res/b10470/$n.log && break; done
  kill $pid; wait $pid || true
}
for q in q4_k_m q8_0; do
  for c in 512 2048; do
    server m134-$q $c m134-$q-ctx$c
    java -cp "$CP" IP.java m134-$q.gguf $c F16 1 > res/b4916/m134-$q-ctx$c.log 2>&1
  done
done
for c in 512 2048; do server m134-q4_k_m $c m134-q4_k_m-ctx$c-embeddings --embeddings; done
server m134-q4_k_m 2048 m134-q4_k_m-ctx2048-noflash -fa off
