#!/usr/bin/env bash
# The evaluation sequence every candidate model in the model card went through (v6 onwards).
# usage: bash eval/evaluate_model.sh MODEL_DIR OUT_DIR    (from the repository root, ../shared/data beside it;
# nothing else running: a job beside it slows both several times on 2 cores)
# Writes its choices into MODEL_DIR/contradict.json (temperature, relatedness_full, thresholds).
# 1. calibrate a temperature on the dev task (lingnli_validation), checked on mnli_dev_matched;
# 2. relatedness_full 0.7, as chosen for v5 on ContraDoc's dev half (bench/aggregation_ablation.py);
# 3. pair tasks, thresholds chosen on lingnli_validation; document tasks, thresholds chosen on their dev half;
# 4. the example story's best `must` pair rank.
# Pair and document tasks are also compared with the shipped model on the same rows (--baseline: paired
# bootstrap intervals, McNemar test), the evidence for replacing it or not.
set -euo pipefail
M=$1; O=$2; mkdir -p "$O"
python -c "import sys; from contradict.pipeline.nli import save_model_settings; save_model_settings(sys.argv[1], {'relatedness_full': 0.7})" "$M"
contradict calibrate --model "$M" --task lingnli_validation --check mnli_dev_matched --save > "$O/calibrate.txt" 2>&1
contradict eval lingnli_validation mnli_dev_matched snli_dev anli_r1_dev_NC sick_test_NC nan_nli breaking_nli glue_diagnostic \
  --model "$M" --baseline models/contradict-minilm-l6-nli --save-thresholds --out-dir "$O/pairs" -f json > "$O/pairs.json" 2> "$O/pairs.err"
contradict eval contradoc_dev fnc1_against --model "$M" --baseline models/contradict-minilm-l6-nli --save-thresholds --out-dir "$O/docs" -f json > "$O/docs.json" 2> "$O/docs.err"
python bench/example_story.py --model "$M" --no-cli > "$O/story.txt" 2>&1
