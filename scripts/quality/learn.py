#!/usr/bin/env python3
"""Exploration for a learned sentence ranker (issue #15): loads feature dumps
of several sets, trains models on some sources and scores summaries on
others, beside the lead and the summarizer's own picks.

Usage (about ten minutes; needs pip install rouge-score lightgbm scikit-learn numpy):
  D=../shared/data
  cargo build --release -p summarize --example dump_features
  ./target/release/examples/dump_features $D/cnndm-gpt4-dev.jsonl > /tmp/dev.jsonl
  ./target/release/examples/dump_features $D/train/cnndm-val-en.jsonl > /tmp/cnnval.jsonl
  ./target/release/examples/dump_features $D/train/bbc-en.jsonl > /tmp/bbc.jsonl
  python3 scripts/quality/learn.py $D /tmp
  python3 scripts/quality/learn.py $D /tmp rank    # pairwise and listwise models only (dev + CNN/DM val)

Scores are ROUGE-1/2 F1 as rouge-score computes them (its tokenizer and
Porter stemmer for English, Unicode words otherwise), on the summarizer's own
splits; the summary is the chosen sentences joined by spaces.
"""
import json
import math
import re
import sys
from collections import Counter

import numpy as np

STOP_EN = set(
    "the a an of to in and or for on at by with from that this is was were be been are it its as he she they "
    "his her their has have had not but said says will would who which i you we our us my me him them".split()
)
STOP_FR = set(
    "le la les de des du un une et à au aux en dans pour par sur avec que qui ne pas est a été il elle ils elles "
    "se sa son ses ce cette ces l d qu n s c j y plus ont sont être avoir".split()
)
NAMES = [
    "first", "second", "third", "near_top", "relative", "para_first", "centrality", "title", "log_len", "short",
    "long", "dependent", "quote", "question", "furniture", "heading",
]


class Tok:
    def __init__(self, english):
        self.english = english
        self.memo = {}
        if english:
            from nltk.stem import porter
            from rouge_score import tokenize

            self.stemmer = porter.PorterStemmer()
            self.tokenize = lambda t: tokenize.tokenize(t, None)
        else:
            cjk = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
            rx = re.compile(f"[{cjk}]|[^\\W_{cjk}]+")
            self.tokenize = lambda t: rx.findall(t.lower())

    def __call__(self, text):
        if not self.english:
            return self.tokenize(text)
        out = []
        for w in self.tokenize(text):
            s = self.memo.get(w)
            if s is None:
                s = self.memo[w] = self.stemmer.stem(w) if len(w) > 3 else w
            out.append(s)
        return out


def load(name, data_path, feat_path, k, limit=None):
    feats = {}
    with open(feat_path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            feats[str(row["id"])] = row
    arts = []
    tok = None
    with open(data_path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            a = feats.get(str(d["id"]))
            if a is None or not a["sents"]:
                continue
            english = d.get("lang", "en") == "en"
            if tok is None:
                tok = Tok(english)
            stop = STOP_EN if english else STOP_FR
            raw = d["article"].encode()
            sents = [raw[s["start"] : s["end"]].decode() for s in a["sents"]]
            stoks = [tok(s) for s in sents]
            arts.append(
                {
                    "set": name,
                    "k": k,
                    "id": str(d["id"]),
                    "sents": sents,
                    "stoks": stoks,
                    "content": [[w for w in t if w not in stop] for t in stoks],
                    "ref": tok(d["reference"]),
                    "F": np.array([s["f"] for s in a["sents"]], float),
                    "X": np.array([s.get("x", []) for s in a["sents"]], float),
                    "chosen": a["chosen"],
                }
            )
            if limit and len(arts) >= limit:
                break
    return arts


def ngrams(t, n):
    return Counter(zip(*[t[i:] for i in range(n)]))


def f1(ov, p, r):
    if ov == 0 or p == 0 or r == 0:
        return 0.0
    pr, rc = ov / p, ov / r
    return 2 * pr * rc / (pr + rc)


def rouge12(pred, ref):
    a = sum((Counter(pred) & Counter(ref)).values())
    b = sum((ngrams(pred, 2) & ngrams(ref, 2)).values())
    return f1(a, len(pred), len(ref)), f1(b, len(pred) - 1, len(ref) - 1)


def lcs(a, b):
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def summary_scores(a, idx, rl=False):
    pred = [w for i in sorted(idx) for w in a["stoks"][i]]
    r1, r2 = rouge12(pred, a["ref"])
    out = [r1, r2]
    if rl:
        out.append(f1(lcs(pred, a["ref"]), len(pred), len(a["ref"])))
    return out


def sentence_label(a, i):
    r1, r2 = rouge12(a["stoks"][i], a["ref"])
    return (r1 + r2) / 2


def greedy_oracle(a, k):
    chosen, best = [], 0.0
    for _ in range(k):
        cands = [(sum(summary_scores(a, chosen + [i])), i) for i in range(len(a["sents"])) if i not in chosen]
        if not cands or max(cands)[0] <= best:
            break
        best, i = max(cands)
        chosen.append(i)
    return set(chosen)


def cos_sets(x, y):
    if not x or not y:
        return 0.0
    return len(x & y) / math.sqrt(len(x) * len(y))


def pick(a, pred, k, penalty=1.0, dep_pen=0.5):
    F = a["F"]
    n = len(pred)
    ok = [i for i in range(n) if F[i][14] == 0 and F[i][15] == 0]
    sets = [set(c) for c in a["content"]]
    chosen = []
    maxsim = [0.0] * n
    while len(chosen) < k:
        best, bi = None, None
        for i in ok:
            if i in chosen or maxsim[i] > 0.8:
                continue
            s = pred[i] - penalty * maxsim[i]
            if F[i][11] > 0 and (i - 1) not in chosen:
                s -= dep_pen
            if best is None or s > best:
                best, bi = s, i
        if bi is None:
            break
        chosen.append(bi)
        for i in ok:
            maxsim[i] = max(maxsim[i], cos_sets(sets[i], sets[bi]))
    if len(chosen) < k:
        for i in range(n):
            if len(chosen) >= k:
                break
            if i not in chosen:
                chosen.append(i)
    return sorted(chosen)


def table(rows, sets):
    # rows: list of (label, {set: [r1, r2]})
    head = "".join(f"{s:>22}" for s in sets)
    print(f"{'':34}{head}")
    for label, d in rows:
        print(f"{label:34}" + "".join(f"{100 * d[s][0]:10.2f}/{100 * d[s][1]:5.2f}      " for s in sets))


def mean_scores(arts, picks):
    by = {}
    for a, p in zip(arts, picks):
        by.setdefault(a["set"], []).append(summary_scores(a, p))
    return {s: np.mean(v, axis=0) for s, v in by.items()}


def base_rows(a):
    return a["F"] if a["X"].size == 0 else np.hstack([a["F"], a["X"]])


def labels(a, kind):
    n = len(a["sents"])
    if kind == "oracle":
        o = a.get("_oracle")
        if o is None:
            o = a["_oracle"] = greedy_oracle(a, a["k"])
        return np.array([1.0 if i in o else 0.0 for i in range(n)])
    if kind == "soft":
        s = a.get("_soft")
        if s is None:
            s = a["_soft"] = np.array([sentence_label(a, i) for i in range(n)])
        return s
    raise ValueError(kind)


def fit(train, model="lgb", label="oracle", rows=base_rows, **kw):
    X = np.vstack([rows(a) for a in train])
    y = np.concatenate([labels(a, label) for a in train])
    if model == "lgb":
        import lightgbm as lgb

        params = dict(objective="binary" if label == "oracle" else "regression", learning_rate=kw.get("lr", 0.05),
                      num_leaves=kw.get("leaves", 15), min_data_in_leaf=kw.get("min_leaf", 50), verbose=-1,
                      feature_fraction=0.9)
        m = lgb.train(params, lgb.Dataset(X, y), num_boost_round=kw.get("rounds", 200))
        return lambda a: m.predict(rows(a))
    if model == "logreg":
        from sklearn.linear_model import LogisticRegression, Ridge
        from sklearn.preprocessing import StandardScaler

        sc = StandardScaler().fit(X)
        if label == "oracle":
            m = LogisticRegression(C=kw.get("C", 1.0), max_iter=2000).fit(sc.transform(X), y)
            return lambda a: m.decision_function(sc.transform(rows(a)))
        m = Ridge(alpha=kw.get("alpha", 1.0)).fit(sc.transform(X), y)
        return lambda a: m.predict(sc.transform(rows(a)))
    raise ValueError(model)


def graded(a):
    """Relevance grades for ranking objectives: 3 for the greedy oracle's
    sentences, then 2 and 1 for the next best by their own ROUGE, 0 below."""
    soft = labels(a, "soft")
    oracle = labels(a, "oracle")
    order = np.argsort(-soft)
    g = np.zeros(len(soft))
    g[order[:6]] = 1
    g[order[:3]] = 2
    g[oracle > 0] = 3
    return g


def fit_rank(train, model="lambdarank", rows=base_rows, **kw):
    """Pairwise and listwise sentence models: LightGBM lambdarank over the
    articles (graded relevance, NDCG at 3), or a linear pairwise model
    (logistic regression on feature differences of a better and a worse
    sentence of one article, as RankNet/RankSVM do)."""
    if model == "lambdarank":
        import lightgbm as lgb

        X = np.vstack([rows(a) for a in train])
        y = np.concatenate([graded(a) for a in train])
        group = [len(a["sents"]) for a in train]
        params = dict(objective="lambdarank", learning_rate=kw.get("lr", 0.05), num_leaves=kw.get("leaves", 15),
                      min_data_in_leaf=kw.get("min_leaf", 50), verbose=-1, feature_fraction=0.9,
                      lambdarank_truncation_level=kw.get("trunc", 10), eval_at=[3])
        ds = lgb.Dataset(X, y, group=group)
        m = lgb.train(params, ds, num_boost_round=kw.get("rounds", 200))
        return lambda a: m.predict(rows(a))
    if model == "pairwise":
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        sc = StandardScaler().fit(np.vstack([rows(a) for a in train]))
        diffs, ys = [], []
        for a in train:
            X = sc.transform(rows(a))
            g = graded(a)
            for i in range(len(g)):
                for j in range(len(g)):
                    if g[i] > g[j] and (i < 12 or g[i] >= 2):
                        diffs.append(X[i] - X[j])
        D = np.array(diffs)
        Xp = np.vstack([D, -D])
        yp = np.concatenate([np.ones(len(D)), np.zeros(len(D))])
        m = LogisticRegression(C=kw.get("C", 1.0), fit_intercept=False, max_iter=2000).fit(Xp, yp)
        return lambda a: sc.transform(rows(a)) @ m.coef_[0]
    raise ValueError(model)


def evaluate(test, scorer, penalty=1.0, dep_pen=0.5):
    picks = [pick(a, scorer(a), a["k"], penalty, dep_pen) for a in test]
    return mean_scores(test, picks)


def lead(test):
    return mean_scores(test, [list(range(min(a["k"], len(a["sents"])))) for a in test])


def current(test):
    return mean_scores(test, [a["chosen"] for a in test])


def kfold(arts, k, fitter=None, **kw):
    """Held-out means: each fold summarized by a model fitted (by `fitter`,
    `fit` by default) on the other folds."""
    fitter = fitter or fit
    out = []
    for fold in range(k):
        train = [a for i, a in enumerate(arts) if i % k != fold]
        test = [a for i, a in enumerate(arts) if i % k == fold]
        scorer = fitter(train, **kw)
        out.extend(zip(test, [pick(a, scorer(a), a["k"], kw.get("penalty", 1.0), kw.get("dep_pen", 0.5)) for a in test]))
    return mean_scores([t for t, _ in out], [p for _, p in out])


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    data, dumps = sys.argv[1], sys.argv[2]
    dev = load("dev", f"{data}/cnndm-gpt4-dev.jsonl", f"{dumps}/dev.jsonl", 3)
    cv = load("cnnval", f"{data}/train/cnndm-val-en.jsonl", f"{dumps}/cnnval.jsonl", 3)
    sets = ["dev", "cnnval"]
    if sys.argv[3:] == ["rank"]:
        # Pairwise and listwise models only, on the two CNN/DailyMail sources.
        rows = [("lead", lead(dev + cv)), ("the summarizer's picks", current(dev + cv))]
        for model in ["pairwise", "lambdarank"]:
            for penalty in [1.0, 2.0]:
                held = kfold(dev + cv, 5, fitter=fit_rank, model=model, penalty=penalty)
                rows.append((f"5-fold {model} red {penalty}", held))
                print(rows[-1][0], {k: np.round(100 * v, 2) for k, v in held.items()}, flush=True)
            r = {}
            r.update(evaluate(cv, fit_rank(dev, model=model)))
            r.update(evaluate(dev, fit_rank(cv, model=model)))
            rows.append((f"across sources {model}", r))
            print(rows[-1][0], {k: np.round(100 * v, 2) for k, v in r.items()}, flush=True)
        table(rows, sets)
        return
    bbc = load("bbc", f"{data}/train/bbc-en.jsonl", f"{dumps}/bbc.jsonl", 3)
    sets.append("bbc")
    rows = [("lead", lead(dev + cv + bbc)), ("the summarizer's picks", current(dev + cv + bbc))]
    for label in ["oracle", "soft"]:
        for model in ["lgb", "logreg"]:
            held = kfold(dev + cv, 5, model=model, label=label) | kfold(bbc, 5, model=model, label=label)
            rows.append((f"5-fold {model} {label}", held))
    table(rows, sets)
    rows = []
    for model in ["lgb", "logreg"]:
        for label in ["oracle", "soft"]:
            r = {}
            r.update(evaluate(cv, fit(dev + bbc, model=model, label=label)))
            r.update(evaluate(dev, fit(cv + bbc, model=model, label=label)))
            r.update(evaluate(bbc, fit(dev + cv, model=model, label=label)))
            rows.append((f"across sources {model} {label}", r))
    table(rows, sets)


if __name__ == "__main__":
    main()
