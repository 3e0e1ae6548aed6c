#!/usr/bin/env python3
"""Can a learned sentence ranker beat the lead on Chinese (LCSTS)? 5-fold over
the Chinese development set (the only Chinese data here): each fold's
articles are summarized (1 sentence) by a model fitted on the other folds,
over the summarizer's own features and sentence splits. Never in-sample.

Usage (needs rouge-score, scikit-learn, lightgbm, numpy):
  cargo build --release -p summarize --example dump_features
  ./target/release/examples/dump_features ../shared/data/lcsts-zh-dev.jsonl 1 > /tmp/zh.jsonl
  python3 scripts/quality/chinese.py ../shared/data/lcsts-zh-dev.jsonl /tmp/zh.jsonl [SHUFFLES]

The second part ("leave the lead only when...") models what another sentence
gains over the first one, with character features beside the summarizer's,
and repeats its 5-fold over SHUFFLES (default 10) random orders of the
articles: with 500 articles one split's luck is worth a few tenths.

ROUGE-1/2/L F1 as ../shared/bench/rouge.py computes it for Chinese (each CJK
character a token), on the summarizer's sentences.
"""
import json
import re
import sys

import numpy as np

FURNITURE, HEADING = 14, 15
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
TOKEN = re.compile(f"[{CJK}]|[^\\W_{CJK}]+")


class Tokenizer:
    def tokenize(self, text):
        return TOKEN.findall(text.lower())


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=Tokenizer())
    rows = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows[str(r["id"])] = r
    arts = []
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            r = rows[str(a["id"])]
            raw = r["article"].encode()
            sents = [raw[s["start"] : s["end"]].decode() for s in a["sents"]]
            if not sents:
                continue
            scores = []
            for s in sents:
                d = scorer.score(r["reference"], s)
                scores.append([d[k].fmeasure for k in ("rouge1", "rouge2", "rougeL")])
            arts.append({
                "F": np.array([s["f"] for s in a["sents"]], float),
                "S": np.array(scores),
                "chosen": a["chosen"],
                "sents": sents,
            })
    n = len(arts)

    def report(name, picks):
        m = 100 * np.mean([a["S"][p] for a, p in zip(arts, picks)], axis=0)
        print(f"{name:44} {m[0]:6.2f} / {m[1]:6.2f} / {m[2]:6.2f}")

    def best(a):
        return int(np.argmax(a["S"][:, 0]))

    def allowed(a):
        ok = [i for i in range(len(a["S"])) if a["F"][i][FURNITURE] == 0 and a["F"][i][HEADING] == 0]
        return ok or list(range(len(a["S"])))

    def kfold(fit, k=5):
        picks = [0] * n
        for fold in range(k):
            train = [a for i, a in enumerate(arts) if i % k != fold]
            predict = fit(train)
            for i, a in enumerate(arts):
                if i % k == fold:
                    ok = allowed(a)
                    picks[i] = ok[int(np.argmax(predict(a["F"])[ok]))]
        return picks

    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.preprocessing import StandardScaler

    def stack(train):
        return np.vstack([a["F"] for a in train])

    def ridge(train):
        sc = StandardScaler().fit(stack(train))
        y = np.concatenate([a["S"][:, 0] - a["S"][:, 0].max() for a in train])
        m = Ridge(alpha=1.0).fit(sc.transform(stack(train)), y)
        return lambda F: m.predict(sc.transform(F))

    def logistic(train):
        sc = StandardScaler().fit(stack(train))
        y = np.concatenate([(np.arange(len(a["S"])) == best(a)).astype(float) for a in train])
        m = LogisticRegression(max_iter=2000).fit(sc.transform(stack(train)), y)
        return lambda F: m.decision_function(sc.transform(F))

    def pairwise(train):
        sc = StandardScaler().fit(stack(train))
        diffs = []
        for a in train:
            b, X = best(a), sc.transform(a["F"])
            diffs += [X[b] - X[j] for j in range(len(a["S"])) if a["S"][j, 0] < a["S"][b, 0]]
        d = np.array(diffs)
        m = LogisticRegression(fit_intercept=False, max_iter=2000).fit(
            np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))]
        )
        return lambda F: sc.transform(F) @ m.coef_[0]

    def lambdarank(train):
        import lightgbm as lgb

        y = np.concatenate([(np.arange(len(a["S"])) == best(a)).astype(int) for a in train])
        params = dict(objective="lambdarank", learning_rate=0.05, num_leaves=7, min_data_in_leaf=20, verbose=-1, eval_at=[1])
        m = lgb.train(params, lgb.Dataset(stack(train), y, group=[len(a["S"]) for a in train]), num_boost_round=100)
        return m.predict

    print(f"{n} articles, ROUGE-1 / -2 / -L F1, 1 sentence")
    report("lead-1", [0] * n)
    report("the summarizer's pick (built-in weights)", [a["chosen"][0] if a["chosen"] else 0 for a in arts])
    report("ceiling: the best sentence", [best(a) for a in arts])
    for name, fit in [("ridge on sentence ROUGE-1", ridge), ("logistic, best sentence", logistic),
                      ("pairwise linear (RankNet-like)", pairwise), ("LightGBM lambdarank", lambdarank)]:
        report(f"5-fold {name}", kfold(fit))

    shuffles = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    leave_the_lead(arts, shuffles)


def char_features(sents):
    """Per sentence: its length in tokens (rouge.py's: CJK characters), the
    share of its characters and of its character bigrams found in the other
    sentences, the share of its bigrams found in the first sentence, and
    whether it is a question, holds a colon, opens with a quote, holds a
    digit, is the last sentence, or ends with an ellipsis."""
    from collections import Counter

    toks = [TOKEN.findall(s.lower()) for s in sents]
    grams = [Counter(a + b for a, b in zip(t, t[1:])) for t in toks]
    chars = [Counter(t) for t in toks]
    all_c, all_b = sum(chars, Counter()), sum(grams, Counter())
    out = []
    for j, (s, t) in enumerate(zip(sents, toks)):
        rest_c, rest_b = all_c - chars[j], all_b - grams[j]
        nb = max(1, sum(grams[j].values()))
        out.append([
            len(t),
            np.log1p(len(t)),
            sum(1 for x in t if rest_c[x] > 0) / max(1, len(t)),
            sum(v for k, v in grams[j].items() if rest_b[k] > 0) / nb,
            sum(v for k, v in grams[j].items() if grams[0][k] > 0) / nb if j > 0 else 1.0,
            float(s.rstrip("”’」』）)").endswith(("？", "?", "！", "!"))),
            float("：" in s),
            float(s.startswith(("“", "「"))),
            float(bool(re.search(r"\d", s))),
            float(j == len(sents) - 1),
            float(s.endswith("…")),
        ])
    return np.array(out, float)


def leave_the_lead(arts, shuffles):
    """Models that keep the first sentence unless another one is predicted to
    do better: (a) a regression of another sentence's gain over the first
    (mean of ROUGE-1, -2, -L F1) on both sentences' features, leaving the
    lead when the best predicted gain is above a margin; (b) a rule: leave
    the lead for the most central other sentence when the first one's
    centrality is below a threshold and the other's is higher by a margin
    (feature, threshold and margin chosen on the training folds). Both
    5-fold, repeated over `shuffles` random orders."""
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    for a in arts:
        a["X"] = np.hstack([a["F"], char_features(a["sents"])])
    n = len(arts)
    standing = lambda a, j: a["F"][j][FURNITURE] == 0 and a["F"][j][HEADING] == 0

    def pair(a, j):
        return np.r_[a["X"][j], a["X"][0], a["X"][j] - a["X"][0]]

    def gain_model(make, margin):
        def fit_pick(train, test):
            X = [pair(a, j) for a in train for j in range(1, len(a["S"]))]
            y = [a["S"][j].mean() - a["S"][0].mean() for a in train for j in range(1, len(a["S"]))]
            m = make().fit(np.array(X), np.array(y))
            picks = []
            for a in test:
                cand = [j for j in range(1, len(a["S"])) if standing(a, j)]
                if not cand:
                    picks.append(0)
                    continue
                p = m.predict(np.array([pair(a, j) for j in cand]))
                picks.append(cand[int(np.argmax(p))] if p.max() > margin else 0)
            return picks

        return fit_pick

    # Columns of X: the summarizer's features, then char_features'.
    centrality = 6
    share_chars, share_bigrams = arts[0]["F"].shape[1] + 2, arts[0]["F"].shape[1] + 3

    def rule(a, feat, threshold, margin):
        X = a["X"]
        if len(X) < 2 or X[0][feat] >= threshold:
            return 0
        cand = [j for j in range(1, len(X)) if standing(a, j) and a["F"][j][11] == 0]
        if not cand:
            return 0
        j = max(cand, key=lambda j: X[j][feat])
        return j if X[j][feat] > X[0][feat] + margin else 0

    grid = [(f, t, m) for f in (centrality, share_chars, share_bigrams)
            for t in np.linspace(0.05, 0.9, 18) for m in (0.0, 0.05, 0.1, 0.2)]

    def fit_rule(train, test):
        mean = lambda g: np.mean([a["S"][rule(a, *g)].mean() for a in train])
        best = max(grid, key=lambda g: (mean(g), -g[1]))
        return [rule(a, *best) for a in test]

    trials = [
        ("ridge on the gain, margin 0.02", gain_model(lambda: make_pipeline(StandardScaler(), Ridge(alpha=10)), 0.02)),
        ("boosted trees on the gain, margin 0", gain_model(
            lambda: GradientBoostingRegressor(n_estimators=100, max_depth=2, learning_rate=0.05, subsample=0.8,
                                              random_state=0), 0.0)),
        ("centrality rule, chosen on the training folds", fit_rule),
    ]
    lead = 100 * np.mean([a["S"][0] for a in arts], axis=0)
    print(f"\nLeaving the lead only when another sentence should do better: 5-fold, {shuffles} random orders")
    print(f"{'':44} {'mean R1 / R2 / RL':>24}   {'R1 − lead: lowest, highest':>26}   left the lead in")
    print(f"{'lead-1':44} {lead[0]:6.2f} / {lead[1]:6.2f} / {lead[2]:6.2f}")
    for name, fit_pick in trials:
        runs, switched = [], []
        for seed in range(shuffles):
            order = np.random.RandomState(seed).permutation(n)
            picks = [0] * n
            for fold in range(5):
                train = [arts[i] for k, i in enumerate(order) if k % 5 != fold]
                test = [i for k, i in enumerate(order) if k % 5 == fold]
                for i, p in zip(test, fit_pick(train, [arts[i] for i in test])):
                    picks[i] = p
            runs.append(100 * np.mean([a["S"][p] for a, p in zip(arts, picks)], axis=0))
            switched.append(sum(p > 0 for p in picks))
        m, r1 = np.mean(runs, axis=0), [r[0] - lead[0] for r in runs]
        print(f"{name:44} {m[0]:6.2f} / {m[1]:6.2f} / {m[2]:6.2f}   {min(r1):+6.2f} {max(r1):+6.2f}"
              f"   {np.mean(switched):.0f} of {n}")


if __name__ == "__main__":
    main()
