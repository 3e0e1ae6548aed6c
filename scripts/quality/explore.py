#!/usr/bin/env python3
"""Looks for ranking signals the summarizer does not use yet, on an English
development set, outside the summarizer: ceilings of simple strategies and
cross-validated learned models over sentence and summary features.

Usage:
  cargo run --release -p summarize --example dump_features DATA.jsonl > /tmp/features.jsonl
  python3 scripts/quality/explore.py DATA.jsonl /tmp/features.jsonl [EXPERIMENT...]

EXPERIMENTS: ceilings, sentence-model, summary-model, third-pick (default: all).
Needs rouge-score; the two model experiments also need lightgbm and scikit-learn
(pip install rouge-score lightgbm scikit-learn). English only: ROUGE-1 F1 is
computed as ../shared/bench/rouge.py computes it (rouge-score's tokenizer and
Porter stemmer), on the summarizer's own sentence splits, so the summarizer's
row matches rouge.py exactly. Models are scored by 2-fold cross-validation over
articles (train on one half, pick summaries on the other), never in-sample.
"""
import itertools
import json
import math
import sys
from collections import Counter

# Features in the order `dump_features` writes them (summarize::Features).
FIRST, DEPENDENT, QUESTION, FURNITURE, SHORT, CENTRALITY, QUOTE = 0, 11, 13, 14, 9, 6, 12
STOP = set(
    "the a an of to in and or for on at by with from that this is was were be been are it its as he she they "
    "his her their has have had not but said says will would who which i you we our us my me him them".split()
)


def load(data_path, feat_path):
    from nltk.stem import porter
    from rouge_score import tokenize

    stemmer, memo = porter.PorterStemmer(), {}

    def toks(text):
        out = []
        for w in tokenize.tokenize(text, None):
            if w not in memo:
                memo[w] = stemmer.stem(w) if len(w) > 3 else w
            out.append(memo[w])
        return out

    feats = {}
    with open(feat_path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            feats[row["id"]] = row
    arts = []
    with open(data_path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            a = feats.get(d["id"])
            if a is None or not a["sents"]:
                continue
            raw = d["article"].encode()
            sents = [raw[s["start"] : s["end"]].decode() for s in a["sents"]]
            stoks = [toks(s) for s in sents]
            arts.append(
                {
                    "sents": sents,
                    "stoks": stoks,
                    "content": [[w for w in t if w not in STOP] for t in stoks],
                    "ref": toks(d["reference"]),
                    "F": [s["f"] for s in a["sents"]],
                    "chosen": a["chosen"],
                    "kw": [set(toks(k)) for k in a["keywords"][:8]],
                }
            )
    return arts


def r1(pred, ref):
    p, r = Counter(pred), Counter(ref)
    ov = sum((p & r).values())
    if not ov:
        return 0.0
    prec, rec = ov / sum(p.values()), ov / sum(r.values())
    return 2 * prec * rec / (prec + rec)


def score(a, idx):
    return r1([w for i in sorted(idx) for w in a["stoks"][i]], a["ref"])


def cos(x, y):
    if not x or not y:
        return 0.0
    cx, cy = Counter(x), Counter(y)
    num = sum(v * cy[w] for w, v in cx.items() if w in cy)
    return num / math.sqrt(sum(v * v for v in cx.values()) * sum(v * v for v in cy.values()))


def mean(values):
    values = list(values)
    return round(100 * sum(values) / len(values), 2)


def best_with(a, fixed, pool, k):
    pool = [i for i in pool if i not in fixed]
    combos = list(itertools.combinations(pool, min(k, len(pool))))
    return max(score(a, list(fixed) + list(c)) for c in combos)


def ceilings(arts):
    print("first 3 sentences (lead)      ", mean(score(a, range(min(3, len(a["sents"])))) for a in arts))
    print("the summarizer's picks        ", mean(score(a, a["chosen"]) for a in arts))
    print("ceiling: 0, 1 + best third    ", mean(best_with(a, [0, 1], range(len(a["sents"])), 1) for a in arts))
    for k in (4, 5, 6, 8):
        print(f"ceiling: best 3 of first {k}    ", mean(best_with(a, [], range(min(k, len(a["sents"]))), 3) for a in arts))


def greedy_oracle(a, k=3):
    chosen, best = [], 0.0
    for _ in range(k):
        cands = [(score(a, chosen + [i]), i) for i in range(len(a["sents"])) if i not in chosen]
        if not cands or max(cands)[0] <= best:
            break
        best, i = max(cands)
        chosen.append(i)
    return set(chosen)


def sentence_rows(a):
    n, ct, stoks = len(a["sents"]), a["content"], a["stoks"]
    lead = ct[0] + (ct[1] if n > 1 else [])
    tf = Counter(w for t in ct for w in t)
    rows = []
    for i in range(n):
        s = set(stoks[i])
        mass = sum(tf[w] - 1 for w in set(ct[i])) / (1 + len(set(ct[i])))
        prev = a["F"][i - 1] if i else None
        rows.append(
            a["F"][i]
            + [
                min(i, 60),
                n,
                len(stoks[i]),
                len(ct[i]),
                sum(1 for k in a["kw"] if k and k <= s),
                cos(ct[i], ct[0]) if i else 1.0,
                cos(ct[i], lead),
                mass,
                any(ch.isdigit() for ch in a["sents"][i]),
                prev[SHORT] if prev else 1.0,
                prev[FURNITURE] if prev else 1.0,
            ]
        )
    return rows


def pick(a, pred, penalty, k=3):
    chosen = []
    for _ in range(min(k, len(pred))):
        best = max(
            (i for i in range(len(pred)) if i not in chosen),
            key=lambda i: pred[i] - penalty * max((cos(a["content"][i], a["content"][j]) for j in chosen), default=0.0),
        )
        chosen.append(best)
    return chosen


def sentence_model(arts):
    import lightgbm as lgb
    import numpy as np

    X, y, g = [], [], []
    for n, a in enumerate(arts):
        oracle = greedy_oracle(a)
        for i, row in enumerate(sentence_rows(a)):
            X.append(row)
            y.append(1.0 if i in oracle else 0.0)
            g.append(n)
    X, y, g = np.array(X, float), np.array(y), np.array(g)
    pred = np.zeros(len(y))
    params = dict(objective="binary", learning_rate=0.05, num_leaves=15, min_data_in_leaf=50, verbose=-1)
    for fold in range(2):
        test = g % 2 == fold
        model = lgb.train(params, lgb.Dataset(X[~test], y[~test]), num_boost_round=300)
        pred[test] = model.predict(X[test])
    for penalty in (0.0, 0.2, 0.4, 0.8, 1.6):
        s = mean(score(a, pick(a, pred[g == n], penalty)) for n, a in enumerate(arts))
        print(f"sentence model (oracle labels, LightGBM), redundancy {penalty}: {s}")


def summary_rows(a, first=8):
    F, ct, n = a["F"], a["content"], len(a["sents"])
    tf = Counter(w for t in ct for w in t)
    top = [w for w, _ in tf.most_common(10)]
    out = []
    for c in itertools.combinations(range(min(n, first)), min(3, n)):
        toks = [w for i in c for w in a["stoks"][i]]
        words = set(toks)
        cc = Counter(w for i in c for w in ct[i])
        red = sum(len(set(ct[x]) & set(ct[y])) / (1 + min(len(ct[x]), len(ct[y]))) for x, y in itertools.combinations(c, 2))
        total = len(toks)
        row = [
            total,
            math.log(total + 1),
            (total - 70) ** 2 / 1000,
            sum(c),
            c[-1],
            0 in c,
            1 in c,
            2 in c,
            cos(list(cc.elements()), list(tf.elements())),
            sum(1 for w in top if w in words),
            sum(1 for k in a["kw"] if k and k <= words),
            red,
            sum(1 for i in c if F[i][DEPENDENT] > 0 and i - 1 not in c),
            sum(F[i][QUOTE] + F[i][QUESTION] for i in c),
            sum(F[i][FURNITURE] for i in c),
            sum(F[i][CENTRALITY] for i in c),
            n,
        ]
        out.append((row, r1(toks, a["ref"])))
    return out


def summary_model(arts):
    import lightgbm as lgb
    import numpy as np
    from sklearn.linear_model import Ridge

    X, y, g = [], [], []
    for n, a in enumerate(arts):
        for row, r in summary_rows(a):
            X.append(row)
            y.append(r)
            g.append(n)
    X, y, g = np.array(X, float), np.array(y), np.array(g)

    def picked(pred):
        return mean(y[np.where(g == n)[0][np.argmax(pred[g == n])]] for n in range(len(arts)))

    print("summary ceiling (best of the triples of the first 8)", picked(y))
    for name in ("ridge", "lightgbm"):
        pred = np.zeros(len(y))
        for fold in range(2):
            test = g % 2 == fold
            if name == "ridge":
                mu, sd = X[~test].mean(0), X[~test].std(0) + 1e-9
                pred[test] = Ridge(alpha=1.0).fit((X[~test] - mu) / sd, y[~test]).predict((X[test] - mu) / sd)
            else:
                params = dict(objective="regression", learning_rate=0.05, num_leaves=31, min_data_in_leaf=100, verbose=-1)
                pred[test] = lgb.train(params, lgb.Dataset(X[~test], y[~test]), 400).predict(X[test])
        print(f"summary model ({name}): {picked(pred)}")


def third_pick(arts):
    """Keep sentences 0 and 1; choose the third by how much new content it adds."""

    def run(choose):
        total = 0.0
        for n, a in enumerate(arts):
            m = len(a["sents"])
            if m < 3:
                total += score(a, range(m))
                continue
            pool = [i for i in range(2, m) if a["F"][i][FURNITURE] == 0 and a["F"][i][QUESTION] == 0]
            total += score(a, [0, 1, max(pool, key=lambda i: choose(n, a, i)) if pool else 2])
        return round(100 * total / len(arts), 2)

    print("third pick: sentence 2                ", run(lambda n, a, i: -i))
    for position in (0.0, 0.02, 0.05):
        def novelty(n, a, i, position=position):
            tf = Counter(w for t in a["content"] for w in t)
            covered = set(a["content"][0]) | set(a["content"][1])
            new = set(a["content"][i]) - covered
            return sum(tf[w] - 1 for w in new) / (len(a["stoks"][i]) ** 0.5 + 1) - position * i

        print(f"third pick: novelty, position {position:<5}  ", run(novelty))
    # Word importance learned on the other half: P(stem in reference | stem in article).
    halves = []
    for fold in range(2):
        in_art, in_ref = Counter(), Counter()
        for n, a in enumerate(arts):
            if n % 2 != fold:
                words = {w for t in a["stoks"] for w in t}
                in_art.update(words)
                in_ref.update(w for w in words if w in set(a["ref"]))
        halves.append((in_art, in_ref, sum(in_ref.values()) / max(1, sum(in_art.values()))))
    for position in (0.0, 0.02, 0.04):
        def importance(n, a, i, position=position):
            in_art, in_ref, prior = halves[n % 2]
            covered = set(a["stoks"][0]) | set(a["stoks"][1])
            t = a["stoks"][i]
            return sum((in_ref[w] + 5 * prior) / (in_art[w] + 5) for w in t if w not in covered) / (len(t) + 1) - position * i

        print(f"third pick: learned word importance, position {position}", run(importance))


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    arts = load(args[0], args[1])
    print(f"{len(arts)} articles")
    experiments = {
        "ceilings": ceilings,
        "sentence-model": sentence_model,
        "summary-model": summary_model,
        "third-pick": third_pick,
    }
    for name in args[2:] or list(experiments):
        if name not in experiments:
            sys.exit(f"unknown experiment {name!r}; choose from {', '.join(experiments)}")
        print(f"== {name}")
        experiments[name](arts)


if __name__ == "__main__":
    main()
