#!/usr/bin/env python3
"""Can a learned sentence ranker beat the lead on Chinese (LCSTS)? 5-fold over
the Chinese development set (the only Chinese data here): each fold's
articles are summarized (1 sentence) by a model fitted on the other folds,
over the summarizer's own features and sentence splits. Never in-sample.

Usage (needs rouge-score, scikit-learn, lightgbm, numpy):
  cargo build --release -p summarize --example dump_features
  ./target/release/examples/dump_features ../shared/data/lcsts-zh-dev.jsonl 1 > /tmp/zh.jsonl
  python3 scripts/quality/chinese.py ../shared/data/lcsts-zh-dev.jsonl /tmp/zh.jsonl

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
    if len(sys.argv) != 3:
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
            arts.append({"F": np.array([s["f"] for s in a["sents"]], float), "S": np.array(scores), "chosen": a["chosen"]})
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


if __name__ == "__main__":
    main()
