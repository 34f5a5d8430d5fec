from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from contradict.errors import DataError
from contradict.pipeline.nli import Backend, NLIScorer, Precision
from contradict.training import recipe as train_mod
from contradict.training import teacher as teacher_mod
from contradict.training.config import DROP, LABEL_ALIASES, LABELS, UNLABELLED, Example, TrainConfig
from contradict.training.corrupt import change_number, corrupt, flip_negation, prefix_entailment, swap_antonym
from contradict.training.data import build_examples, extend_pairs, hypothesis_pairs, read_pairs
from tests.conftest import build_tiny_model

PAIRS = [
    ("the cat sat on the mat", "the cat sat", "entailment"),
    ("the dog sat on the mat", "the dog is not on the mat", "contradiction"),
    ("the sky is blue today", "it rains today", "neutral"),
    ("there were red cats", "the sky is blue", "not_entailment"),
]


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_pairs(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    return write_jsonl(path, [{"premise": p, "hypothesis": h, "label": y} for p, h, y in rows])


def news_config(tmp_path: Path, bodies: Path, **options: object) -> TrainConfig:
    """A config over the PAIRS pool (``not_entailment`` dropped) and the news bodies file ``bodies``."""
    return TrainConfig(
        data=(write_pairs(tmp_path / "pool.jsonl", PAIRS),),
        out=tmp_path / "out",
        news_bodies=bodies,
        label_map=(("not_entailment", DROP),),
        **options,  # type: ignore[arg-type]
    )


def test_change_number_alters_exactly_one_number() -> None:
    rng = random.Random(0)
    for _ in range(20):
        out = change_number("The ministry said 12 jets hit eight targets in 2015.", rng)
        assert out is not None and out != "The ministry said 12 jets hit eight targets in 2015."
        changed = [
            a
            for a, b in zip(out.split(), "The ministry said 12 jets hit eight targets in 2015.".split(), strict=True)
            if a != b
        ]
        assert len(changed) == 1
    assert change_number("No numbers here at all.", rng) is None


def test_day_of_month_is_not_treated_as_a_count() -> None:
    rng = random.Random(0)
    assert all(change_number("It happened on 30 January.", rng) is None for _ in range(10))


def test_flip_negation_adds_and_removes() -> None:
    rng = random.Random(0)
    assert flip_negation("The raids were aimed at militants.", rng) == "The raids were not aimed at militants."
    assert flip_negation("The raids were not aimed at militants.", rng) == "The raids were aimed at militants."
    assert flip_negation("There were combatants close by.", rng) == "There were no combatants close by."
    assert flip_negation("Russia bombed Homs.", rng) is None


def test_swap_antonym_keeps_capitals() -> None:
    rng = random.Random(0)
    assert swap_antonym("Prices rose sharply.", rng) == "Prices fell sharply."
    assert swap_antonym("Confirmed by the ministry.", rng) == "Denied by the ministry."
    assert swap_antonym("Nothing to swap.", rng) is None


def test_prefix_entailment_needs_a_statement() -> None:
    rng = random.Random(0)
    text = "American jets targeted a meeting of about 30 leaders, held in a bunker."
    assert prefix_entailment(text, rng) == "American jets targeted a meeting of about 30 leaders."
    assert prefix_entailment("If the jets had targeted the meeting of leaders, it would be news.", rng) is None
    assert prefix_entailment("Of course, trees can reach 9,550 years.", rng) is None


def test_corrupt_meets_quotas_with_honest_labels() -> None:
    sentences = [f"The {n} soldiers were sent to the base, officials said on Monday." for n in range(10, 60)]
    sentences += ["Prices rose after the ministry approved the plan, according to the report."] * 20
    made = corrupt(sentences, contradictions=30, entailments=10, rng=random.Random(1))
    rules = [c.rule for c in made]
    assert rules.count("prefix") == 10
    assert len([c for c in made if c.label == "contradiction"]) == 30
    assert {"number", "negation", "antonym"} <= set(rules)
    assert all(c.premise != c.hypothesis for c in made)


def test_label_map_can_drop_rows(tmp_path: Path) -> None:
    path = write_pairs(tmp_path / "p.jsonl", PAIRS)
    rows = read_pairs(path, {**LABEL_ALIASES, "not_entailment": DROP})
    assert [LABELS[r.label] for r in rows] == ["entailment", "contradiction", "neutral"]
    with pytest.raises(DataError, match="unknown label 'not_entailment'"):
        read_pairs(path, dict(LABEL_ALIASES))


def test_build_examples_adds_corruptions_and_both_orders(tmp_path: Path) -> None:
    path = write_pairs(tmp_path / "p.jsonl", PAIRS[:3] * 4)
    config = TrainConfig(
        data=(path,),
        out=tmp_path / "out",
        label_map=(("not_entailment", DROP),),
        corruptions=3,
        both_orders_contradiction=True,
    )
    examples = build_examples(config)
    sources = [e.source for e in examples]
    assert sources.count("p") == 12
    assert sum(s.startswith("corrupt_") for s in sources) >= 1
    swapped = [e for e in examples if e.source.endswith("_swapped")]
    originals = {(e.premise, e.hypothesis) for e in examples if e.label == LABELS.index("contradiction")}
    assert swapped and all((e.hypothesis, e.premise) in originals for e in swapped)


def _weights(path: Path) -> dict[str, object]:
    from safetensors.torch import load_file

    return load_file(str(path / "model.safetensors"))


def test_training_resumes_to_the_same_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    base = build_tiny_model(tmp_path / "base")
    data = write_pairs(tmp_path / "p.jsonl", PAIRS[:3] * 8)

    def config(name: str) -> TrainConfig:
        return TrainConfig(
            data=(data,),
            out=tmp_path / name,
            base_model=str(base),
            batch_size=4,
            epochs=1.0,
            checkpoint_dir=tmp_path / f"ckpt-{name}",
            checkpoint_every=2,
            threads=1,
        )

    straight = train_mod.train(config("straight"))

    real_save = train_mod._save_checkpoint

    def save_then_die(ckpt, model, optimizer, scheduler, step, elapsed):  # type: ignore[no-untyped-def]
        real_save(ckpt, model, optimizer, scheduler, step, elapsed)
        if step == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(train_mod, "_save_checkpoint", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        train_mod.train(config("resumed"))
    monkeypatch.setattr(train_mod, "_save_checkpoint", real_save)
    resumed = train_mod.train(config("resumed"))

    a, b = _weights(straight), _weights(resumed)
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    record = json.loads((resumed / "training_args.json").read_text())
    assert record["steps"] == 6 and record["examples"] == 24
    assert json.loads((resumed / "config.json").read_text())["id2label"] == {str(i): x for i, x in enumerate(LABELS)}
    # the ONNX graph is written beside the weights, and runs them as torch does
    from contradict.pipeline.nli import NLIScorer

    assert (resumed / "model.graph.onnx").is_file()
    pairs = [("the cat sat on the mat", "no cat")]
    onnx_probs = NLIScorer(resumed, backend="onnx").predict(pairs)
    assert onnx_probs == pytest.approx(NLIScorer(resumed, precision="fp32").predict(pairs), abs=1e-4)


def test_extensions_keep_the_label_logic_gives() -> None:
    c, e, n = (LABELS.index(x) for x in ("contradiction", "entailment", "neutral"))
    examples = [
        Example("A man sleeps.", "A man is awake.", c, "toy"),
        Example("A man sleeps in a bed.", "A man sleeps.", e, "toy"),
        Example("A man sleeps.", "The man is tired.", n, "toy"),
    ]
    fillers = ["The city, an industrial hub in the west, has 900,000 people."]
    made = extend_pairs(examples, fillers, 200, random.Random(3))
    assert len(made) == 200
    by_original = {(x.premise, x.hypothesis): x.label for x in examples}
    for x in made:
        if x.source.endswith("_ext_premise"):
            original = next(
                o for o in examples if x.premise.startswith(o.premise.rstrip(".")) and o.hypothesis == x.hypothesis
            )
            assert x.label == original.label and len(x.premise) > len(original.premise)
        else:
            original = next(
                o for o in examples if o.premise == x.premise and x.hypothesis.startswith(o.hypothesis.rstrip("."))
            )
            assert x.label == (c if original.label == c else n)
        assert by_original[(original.premise, original.hypothesis)] != n  # neutral pairs are never extended
    assert {x.source.rsplit("_", 1)[-1] for x in made} == {"premise", "hypothesis"}
    texts = [x.premise + " | " + x.hypothesis for x in made]
    assert any(". The city, an industrial hub" in t for t in texts)  # appended as a second sentence
    assert any(", an industrial hub" in t and "The city" not in t for t in texts)  # as a trailing phrase


def test_swap_contradictions_keeps_the_class_balance(tmp_path: Path) -> None:
    path = write_pairs(tmp_path / "p.jsonl", PAIRS[:3] * 40)
    base = TrainConfig(data=(path,), out=tmp_path / "out", label_map=(("not_entailment", DROP),))
    plain = build_examples(base)
    swapped = build_examples(replace(base, swap_contradictions=0.5))
    assert Counter(e.label for e in plain) == Counter(e.label for e in swapped)
    turned = [e for e in swapped if e.source.endswith("_swapped")]
    originals = {(e.premise, e.hypothesis) for e in plain if e.label == LABELS.index("contradiction")}
    assert turned and all(e.label == LABELS.index("contradiction") for e in turned)
    assert all((e.hypothesis, e.premise) in originals for e in turned)


def test_best_matching_sentence_picks_the_most_shared_words() -> None:
    from contradict.training.data import best_matching_sentence

    sentences = [
        "Officials in the capital met on Tuesday.",
        "The video of the beheading was a hoax, investigators said on Friday.",
        "Weather was mild.",
    ]
    assert best_matching_sentence("Investigators confirm the beheading video is real", sentences) == sentences[1]
    assert best_matching_sentence("Football results from Sunday", sentences) is None


def test_matching_sentences_rank_by_shared_words() -> None:
    from contradict.training.data import matching_sentences

    sentences = ["Rebels held the bridge.", "Rebels held the northern bridge today.", "Rain fell.", "Rebels left."]
    ranked = matching_sentences("Rebels held the northern bridge", sentences, 3)
    assert ranked == sentences[1:2] + sentences[:1]  # "Rebels left." shares one word: below min_shared 2
    assert matching_sentences("Rebels held the northern bridge", sentences, 1) == sentences[1:2]


def test_related_same_article_pairs_join_sentences_sharing_words() -> None:
    from contradict.training.data import _content_words, related_same_article_pairs

    articles = [
        [
            "The ministry said its jets struck militant targets near Homs.",
            "Residents said the jets struck no militant positions near Homs.",
            "The weather was mild on Wednesday.",
        ],
        ["A single sentence article cannot give a pair."],
    ]
    made = related_same_article_pairs(articles, 10, random.Random(0))
    assert 1 <= len(made) <= 3  # only sentences sharing two content words pair up, each pair once
    assert len({frozenset((e.premise, e.hypothesis)) for e in made}) == len(made)
    for e in made:
        assert e.label == UNLABELLED and e.source == "teacher_news_related" and e.premise != e.hypothesis
        assert len(_content_words(e.premise) & _content_words(e.hypothesis)) >= 2
        assert e.premise in articles[0] and e.hypothesis in articles[0]
    assert related_same_article_pairs(articles, 0, random.Random(0)) == []


def test_teacher_news_related_splits_the_same_article_pairs(tmp_path: Path) -> None:
    bodies = write_jsonl(
        tmp_path / "bodies.jsonl",
        [
            {
                "text": "The ministry said its jets struck militant targets near Homs. "
                "Residents said the jets struck no militant positions near Homs. The weather was mild on Wednesday."
            },
            {"text": "Officials opened the bridge on Monday. Traffic on the bridge was light on Monday morning."},
        ],
    )
    config = news_config(tmp_path, bodies, teacher_news_pairs=6, teacher_news_related=0.5)
    sources = Counter(e.source for e in build_examples(config))
    assert sources["teacher_news_same_article"] == 3
    assert 1 <= sources["teacher_news_related"] <= 3  # the fixture has fewer distinct related pairs than asked
    assert "teacher_news_related" not in Counter(
        e.source for e in build_examples(replace(config, teacher_news_related=0.0))
    )


def test_fnc1_pairs_balance_labels_and_leave_held_out_bodies(tmp_path: Path) -> None:
    from contradict.training.data import fnc1_pairs

    stances = tmp_path / "stances.jsonl"
    rows = [
        {"headline": "Hoax video shows beheading of journalist", "body_id": "1", "stance": "disagree"},
        {"headline": "Beheading video of journalist is genuine", "body_id": "2", "stance": "disagree"},
        {"headline": "Journalist beheading video spreads online", "body_id": "1", "stance": "discuss"},
        {"headline": "Journalist beheading video posted", "body_id": "3", "stance": "discuss"},
        {"headline": "Journalist beheading video real", "body_id": "1", "stance": "agree"},
        {"headline": "Cats", "body_id": "1", "stance": "unrelated"},
    ]
    write_jsonl(stances, rows)
    bodies = {
        "1": ["The beheading video of the journalist was examined by experts.", "Nothing else."],
        "2": ["Experts said the journalist video was staged and the beheading never happened."],
        "3": ["The journalist beheading video was posted on a forum."],
    }
    pairs = fnc1_pairs(stances, bodies, held_out={"2"}, repeat=2)
    labels = Counter(LABELS[e.label] for e in pairs)
    assert labels == {"contradiction": 2, "neutral": 2}  # one disagree kept (body 2 held out), one discuss, x2
    assert all(e.premise in bodies["1"] + bodies["3"] for e in pairs)
    assert {e.hypothesis for e in pairs if LABELS[e.label] == "contradiction"} == {rows[0]["headline"]}


def test_cross_article_pairs_join_two_bodies_of_one_story(tmp_path: Path) -> None:
    from contradict.training.data import cross_article_pairs, read_stories

    stances = tmp_path / "stances.jsonl"
    rows = [
        {"headline": "Airline plans to segregate passengers", "body_id": "1", "stance": "agree"},
        {"headline": "Airline plans to segregate passengers", "body_id": "2", "stance": "disagree"},
        {"headline": "Airline plans to segregate passengers", "body_id": "3", "stance": "discuss"},
        {"headline": "Airline plans to segregate passengers", "body_id": "9", "stance": "disagree"},  # held out
        {"headline": "Airline plans to segregate passengers", "body_id": "4", "stance": "unrelated"},
        {"headline": "Cat rescued from tree", "body_id": "5", "stance": "discuss"},  # one body: no pair
    ]
    write_jsonl(stances, rows)
    bodies = {
        "1": ["The airline plans to segregate passengers by gender.", "Tickets went on sale today."],
        "2": ["The airline has no plans to segregate passengers by gender.", "A spokesman spoke on Monday."],
        "3": ["Reports say the airline will segregate passengers on some routes."],
        "4": ["The airline segregate passengers story is unrelated here."],
        "5": ["A cat was rescued from a tall tree."],
        "9": ["The airline never planned to segregate passengers at all."],
    }
    stories = read_stories(stances, held_out={"9"})
    assert stories == [
        {"agree": ["1"], "disagree": ["2"], "discuss": ["3"]},
        {"discuss": ["5"]},
    ]
    made = cross_article_pairs(stories, bodies, 20, random.Random(0))
    owner = {s: b for b, sents in bodies.items() for s in sents}
    assert made and len({frozenset((e.premise, e.hypothesis)) for e in made}) == len(made)  # no pair twice
    for e in made:
        assert e.label == UNLABELLED and e.source == "teacher_news_cross_article"
        assert owner[e.premise] != owner[e.hypothesis]  # two different articles ...
        assert {owner[e.premise], owner[e.hypothesis]} <= {"1", "2", "3"}  # ... of one story, none held out
    pair = frozenset(("The airline plans to segregate passengers by gender.", bodies["2"][0]))
    assert pair in {frozenset((e.premise, e.hypothesis)) for e in made}  # the agree/disagree match
    assert cross_article_pairs(stories, bodies, 0, random.Random(0)) == []


def test_cross_article_pairs_need_stances(tmp_path: Path) -> None:
    config = TrainConfig(data=(), out=tmp_path / "out", teacher_cross_article_pairs=5)
    with pytest.raises(DataError, match="--fnc1-stances"):
        build_examples(config)


def test_stance_rows_keep_related_stances_and_name_a_bad_line(tmp_path: Path) -> None:
    from contradict.training.data import read_stance_rows

    rows = [
        {"headline": "Jets  struck\ttargets", "body_id": 1, "stance": "Agree"},
        {"headline": "Jets struck targets", "body_id": 2, "stance": "unrelated"},
        {"headline": "Jets struck targets", "body_id": 3, "stance": "disagree"},
        {"headline": "Jets struck targets", "body_id": 1, "stance": "agree"},  # repeated rows are kept
    ]
    stances = write_jsonl(tmp_path / "stances.jsonl", rows)
    assert list(read_stance_rows(stances, {"3"})) == [("Jets struck targets", "1", "agree")] * 2
    with stances.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    with pytest.raises(DataError, match=r"stances.jsonl:5: not a JSON line"):
        list(read_stance_rows(stances, set()))
    with pytest.raises(DataError, match="not found"):
        list(read_stance_rows(tmp_path / "missing.jsonl", set()))


def test_only_the_fnc1_eval_file_has_held_out_bodies(tmp_path: Path) -> None:
    from contradict.training.data import fnc1_held_out_bodies

    own = tmp_path / "news" / "stances.jsonl"  # a newsroom's own file: its ids are not FNC-1's
    own.parent.mkdir()
    own.write_text(json.dumps({"headline": "h", "body_id": "1", "stance": "agree"}) + "\n", encoding="utf-8")
    assert fnc1_held_out_bodies(own) == set()


def test_fnc1_eval_bodies_feed_no_news_pair(tmp_path: Path) -> None:
    from contradict.training.data import fnc1_held_out_bodies, read_articles

    news = tmp_path / "data" / "news"  # laid out like ../shared/data, so the eval task reads it
    news.mkdir(parents=True)
    texts = {
        "1": "The ministry said its jets struck eight targets on Wednesday. Residents said no militants were there.",
        "2": "The airline has no plans to segregate its passengers. A spokesman for the airline spoke on Monday.",
        "3": "Officials opened the new bridge on a cold Monday. Traffic on the new bridge was light all morning.",
    }
    bodies = write_jsonl(news / "fnc1_test_bodies.jsonl", [{"body_id": b, "text": t} for b, t in texts.items()])
    stances = write_jsonl(
        news / "fnc1_test_stances.jsonl",
        [
            {"headline": "Jets struck militants", "body_id": "1", "stance": "disagree"},
            {"headline": "Airline to segregate passengers", "body_id": "2", "stance": "agree"},
            {"headline": "Jets struck militants", "body_id": "3", "stance": "unrelated"},  # not in the eval task
        ],
    )
    assert fnc1_held_out_bodies(bodies) == fnc1_held_out_bodies(stances) == {"1", "2"}
    kept = read_articles(bodies, frozenset({"1", "2"}))
    assert kept == [read_articles(bodies)[2]]
    config = news_config(tmp_path, bodies, same_article_pairs=4, corruptions=4)
    eval_sentences = {s for b in ("1", "2") for s in read_articles(bodies)[int(b) - 1]}
    examples = build_examples(config)
    assert sum(e.source == "news_same_article" for e in examples) == 4
    assert not any(e.premise in eval_sentences or e.hypothesis in eval_sentences for e in examples)


def test_fnc1_repeat_zero_groups_stories_without_headline_pairs(tmp_path: Path) -> None:
    stances = tmp_path / "news" / "stances.jsonl"
    stances.parent.mkdir()
    headline = "Airline plans to segregate passengers"
    stance_of = {"x1": "agree", "x2": "disagree", "x3": "discuss"}  # ids no real FNC-1 body (held out or not) has
    rows = [{"headline": headline, "body_id": b, "stance": st} for b, st in stance_of.items()]
    write_jsonl(stances, rows)
    bodies = tmp_path / "news" / "bodies.jsonl"
    texts = {
        "x1": "The airline plans to segregate passengers by gender. Tickets for the new routes went on sale today.",
        "x2": "The airline has no plans to segregate passengers by gender. A spokesman for the airline spoke Monday.",
        "x3": "Reports say the airline will segregate passengers on some routes. The airline would not comment.",
    }
    bodies.write_text("".join(json.dumps({"body_id": b, "text": t}) + "\n" for b, t in texts.items()), "utf-8")
    config = news_config(tmp_path, bodies, fnc1_stances=stances, fnc1_repeat=0, teacher_cross_article_pairs=4)
    examples = build_examples(config)
    sources = Counter(e.source for e in examples)
    assert not any(s.startswith("fnc1_") for s in sources)  # no headline pairs
    assert 1 <= sources["teacher_news_cross_article"] <= 4
    with_headlines = build_examples(replace(config, fnc1_repeat=1, teacher_cross_article_pairs=0))
    assert {e.source for e in with_headlines} >= {"fnc1_contradiction"}


def test_average_checkpoints_is_the_weighted_mean(tmp_path: Path) -> None:
    import numpy as np
    from safetensors.numpy import load_file

    from contradict.training.average import average_checkpoints

    a = build_tiny_model(tmp_path / "a")
    b = tmp_path / "b"
    b.mkdir()
    tensors = load_file(str(a / "model.safetensors"))
    shifted = {k: (v + 1 if np.issubdtype(v.dtype, np.floating) else v) for k, v in tensors.items()}
    from safetensors.numpy import save_file

    save_file(shifted, str(b / "model.safetensors"))
    out = average_checkpoints([a, b], tmp_path / "soup", weights=[0.75, 0.25])
    soup = load_file(str(out / "model.safetensors"))
    name = next(k for k, v in tensors.items() if np.issubdtype(v.dtype, np.floating))
    np.testing.assert_allclose(soup[name].astype(np.float32), tensors[name] + 0.25, atol=2e-3)
    assert (out / "config.json").is_file()
    with pytest.raises(DataError, match="sum"):
        average_checkpoints([a, b], tmp_path / "bad", weights=[0.5, 0.6])


def test_training_works_for_an_encoder_without_segment_ids(tmp_path: Path) -> None:
    """MPNet (all-mpnet-base-v2) and RoBERTa-style encoders take no token_type_ids."""
    from transformers import AutoTokenizer

    base = build_tiny_model(tmp_path / "mpnet", encoder="mpnet")
    assert "token_type_ids" not in AutoTokenizer.from_pretrained(base).model_input_names
    data = write_pairs(tmp_path / "p.jsonl", PAIRS[:3] * 4)
    out = train_mod.train(
        TrainConfig(data=(data,), out=tmp_path / "out", base_model=str(base), batch_size=4, epochs=1.0, threads=1)
    )
    pair = [("the sky is blue", "the sky is not blue")]
    probs = NLIScorer(str(out), precision=Precision.fp32).predict(pair)
    assert probs.shape == (1, 3)
    assert abs(float(probs.sum()) - 1.0) < 1e-4
    assert (out / "model.graph.onnx").is_file()  # exported without a token_type_ids input
    np.testing.assert_allclose(NLIScorer(str(out), backend=Backend.onnx).predict(pair), probs, atol=1e-4)


def test_distillation_loss_mixes_gold_and_teacher() -> None:
    import torch

    logits = torch.tensor([[2.0, 0.0, -1.0], [0.0, 0.5, 1.0]])
    gold = torch.tensor([0, 2])
    ce = torch.nn.functional.cross_entropy(logits, gold)
    assert torch.isclose(teacher_mod.distillation_loss(logits, gold, None, 0.5, 2.0), ce)
    assert torch.isclose(teacher_mod.distillation_loss(logits, gold, torch.log_softmax(logits, -1), 0.0, 2.0), ce)
    # a teacher that agrees with the student exactly adds no KL term
    same = teacher_mod.distillation_loss(logits, gold, torch.log_softmax(logits, -1), 0.5, 2.0)
    assert torch.isclose(same, 0.5 * ce)
    other = torch.log_softmax(torch.tensor([[-1.0, 0.0, 3.0], [3.0, 0.0, -1.0]]), -1)
    assert teacher_mod.distillation_loss(logits, gold, other, 0.5, 2.0) > same


def test_teacher_scoring_resumes_at_the_next_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from contradict.pipeline.nli import NLIScorer

    teacher = build_tiny_model(tmp_path / "teacher")
    data = write_pairs(tmp_path / "p.jsonl", PAIRS[:3] * 4)
    config = TrainConfig(data=(data,), out=tmp_path / "out", teacher=str(teacher), checkpoint_dir=tmp_path / "ckpt")
    examples = build_examples(config)
    monkeypatch.setattr(teacher_mod, "TEACHER_CHUNK", 5)
    real = NLIScorer.predict
    calls: list[int] = []
    dies_at: list[int] = [3]

    def counted(self: NLIScorer, pairs: list[tuple[str, str]], **kw: object) -> np.ndarray:
        calls.append(len(pairs))
        if len(calls) in dies_at:
            raise KeyboardInterrupt  # the run stops
        return real(self, pairs, **kw)

    monkeypatch.setattr(NLIScorer, "predict", counted)
    assert len(examples) == 12
    with pytest.raises(KeyboardInterrupt):
        teacher_mod.teacher_log_probs(config, examples)
    assert len(list((tmp_path / "ckpt").glob("teacher-*.part*.npy"))) == 2
    calls.clear()
    dies_at.clear()
    resumed = teacher_mod.teacher_log_probs(config, examples)
    assert calls == [2]  # only the unscored rest: chunks of 5, 5 and 2
    assert not list((tmp_path / "ckpt").glob("teacher-*.part*.npy"))
    fresh = teacher_mod.teacher_log_probs(replace(config, checkpoint_dir=None), examples)
    np.testing.assert_allclose(resumed, fresh, atol=1e-5)


def _distillation_config(
    tmp_path: Path, teacher: Path, rows: list[tuple[str, str, str]], **options: object
) -> TrainConfig:
    """A tiny training run distilling from ``teacher``, checkpoints (and the teacher cache) in tmp_path/ckpt."""
    return TrainConfig(
        data=(write_pairs(tmp_path / "p.jsonl", rows),),
        out=tmp_path / "out",
        base_model=str(build_tiny_model(tmp_path / "base")),
        batch_size=4,
        threads=1,
        teacher=str(teacher),
        checkpoint_dir=tmp_path / "ckpt",
        **options,  # type: ignore[arg-type]
    )


def test_distillation_trains_from_a_teacher_and_caches_its_scores(tmp_path: Path) -> None:
    teacher = build_tiny_model(tmp_path / "teacher")
    config = _distillation_config(tmp_path, teacher, PAIRS[:3] * 4, distill_alpha=0.7)
    examples = build_examples(config)
    first = teacher_mod.teacher_log_probs(config, examples)
    assert first.shape == (len(examples), 3)
    np.testing.assert_allclose(np.exp(first).sum(axis=1), 1.0, atol=1e-4)
    (cached,) = (tmp_path / "ckpt").glob("teacher-*.npy")
    np.testing.assert_array_equal(np.load(cached), first)
    out = train_mod.train(config)
    record = json.loads((out / "training_args.json").read_text())
    assert record["config"]["teacher"] == str(teacher) and record["config"]["distill_alpha"] == 0.7
    with pytest.raises(DataError, match="alpha"):
        train_mod.train(replace(config, distill_alpha=1.5, out=tmp_path / "bad"))


def test_hypothesis_pairs_join_two_hypotheses_of_one_premise() -> None:
    pool = [
        Example("a dog runs", "an animal moves", 0, "snli"),
        Example("a dog runs", "a cat sleeps", 2, "snli"),
        Example("a dog runs", "the dog is brown", 1, "snli"),
        Example("a dog runs", "an animal moves", 0, "snli"),  # a repeated hypothesis is not paired with itself
        Example("two men talk", "people speak", 0, "snli"),  # one hypothesis only: no pair
    ]
    made = hypothesis_pairs(pool, 10, random.Random(0))
    assert len(made) == 3  # all pairs of the three distinct hypotheses of "a dog runs"
    hyps = {"an animal moves", "a cat sleeps", "the dog is brown"}
    assert {frozenset((e.premise, e.hypothesis)) for e in made} == {
        frozenset(p)
        for p in [
            ("an animal moves", "a cat sleeps"),
            ("an animal moves", "the dog is brown"),
            ("a cat sleeps", "the dog is brown"),
        ]
    }
    assert all(e.premise in hyps and e.hypothesis in hyps and e.label == UNLABELLED for e in made)
    assert len(hypothesis_pairs(pool, 2, random.Random(0))) == 2
    assert hypothesis_pairs(pool, 0, random.Random(0)) == []


def test_unlabelled_rows_learn_from_the_teacher_alone() -> None:
    import torch

    logits = torch.tensor([[2.0, 0.0, -1.0], [0.0, 0.5, 1.0]])
    teacher = torch.log_softmax(torch.tensor([[-1.0, 0.0, 3.0], [3.0, 0.0, -1.0]]), -1)
    labels = torch.tensor([UNLABELLED, UNLABELLED])
    kl = torch.nn.functional.kl_div(
        torch.log_softmax(logits / 2.0, -1), torch.softmax(teacher / 2.0, -1), reduction="batchmean"
    )
    for alpha in (0.0, 0.5, 1.0):  # alpha weighs gold against teacher; an unlabelled row has only the teacher
        assert torch.isclose(teacher_mod.distillation_loss(logits, labels, teacher, alpha, 2.0), 4.0 * kl)
    mixed = teacher_mod.distillation_loss(logits, torch.tensor([0, UNLABELLED]), teacher, 0.0, 2.0)
    ce0 = torch.nn.functional.cross_entropy(logits[:1], torch.tensor([0]))
    kl1 = torch.nn.functional.kl_div(
        torch.log_softmax(logits[1:] / 2.0, -1), torch.softmax(teacher[1:] / 2.0, -1), reduction="batchmean"
    )
    assert torch.isclose(mixed, (ce0 + 4.0 * kl1) / 2)
    with pytest.raises(DataError, match="teacher"):
        teacher_mod.distillation_loss(logits, labels, None, 0.5, 2.0)


def test_teacher_labels_only_the_unlabelled_pairs_when_alpha_is_zero(tmp_path: Path) -> None:
    teacher = build_tiny_model(tmp_path / "teacher")
    rows = [
        ("a dog runs", h, lab)
        for h, lab in [
            ("an animal moves", "entailment"),
            ("a cat sleeps", "contradiction"),
            ("the dog is brown", "neutral"),
        ]
    ]
    config = _distillation_config(tmp_path, teacher, rows + PAIRS[:3], distill_alpha=0.0, teacher_hypothesis_pairs=2)
    examples = build_examples(config)
    assert sum(e.label == UNLABELLED for e in examples) == 2
    out = train_mod.train(config)
    (cached,) = (tmp_path / "ckpt").glob("teacher-*.npy")
    assert np.load(cached).shape == (2, 3)  # the labelled pairs were not sent to the teacher
    assert json.loads((out / "training_args.json").read_text())["label_counts"]["teacher-labelled"] == 2
    with pytest.raises(DataError, match="need --teacher"):
        train_mod.train(replace(config, teacher=None, out=tmp_path / "bad"))
