#!/usr/bin/env python3
"""Golden values for Ocular's statistics (Sources/OcularCore/Statistics/Statistics.swift), computed independently with
numpy and scipy, and for the shard hash (Sources/OcularRunner/Sharding.swift).

Set-up and run (numpy 2.4.6, scipy 1.17.1 when recorded):

    python3 -m venv /tmp/statsvenv && /tmp/statsvenv/bin/pip install numpy scipy
    /tmp/statsvenv/bin/python scripts/golden/statistics.py > scripts/golden/statistics.golden.json

Tests/OcularReportsTests/StatisticsTests.swift and Tests/OcularRunnerTests/ShardingTests.swift read the output.

What is checked, and how each expected value is obtained:
- mean: numpy.average with weights.
- standard error: the cluster-robust (CR1) sandwich of an intercept-only weighted least-squares fit, built from
  numpy matrices (bread (X'WX)^-1, meat sum over clusters of (X_g' W_g e_g)^2, factor G/(G-1)); for unit weights
  and one observation per cluster it is also compared with scipy.stats.sem (ddof=1).
- bootstrap interval: Ocular's resampling scheme (G cluster draws per resample, index = SplitMix64() mod G, clusters
  numbered by first appearance) replayed here, the resampled means computed with numpy, and the interval taken with
  numpy.percentile (linear interpolation). scipy.stats.bootstrap's percentile interval (its own random stream) is
  recorded beside it as a plausibility check.
- McNemar: scipy.stats.binomtest(b, b + c, 0.5).pvalue (exact, two-sided).
- paired bootstrap: the same resampling over pairs, p = (1 + #{|d* - d| >= |d|}) / (B + 1).
"""

import json
import sys

import numpy as np
import scipy
from scipy import stats

MASK = (1 << 64) - 1
REPLICATES = 2000
SEED = 0


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def cluster_ids(clusters):
    order = {}
    for c in clusters:
        if c not in order:
            order[c] = len(order)
    return np.array([order[c] for c in clusters]), len(order)


def draws(groups, replicates=REPLICATES, seed=SEED):
    rng = SplitMix64(seed)
    return np.array([[rng.next() % groups for _ in range(groups)] for _ in range(replicates)], dtype=np.int64)


def sandwich_se(values, weights, clusters):
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ids, groups = cluster_ids(clusters)
    design = np.ones((len(x), 1))
    bread = np.linalg.inv(design.T @ (w[:, None] * design))
    beta = bread @ (design.T @ (w * x))
    residual = x - design @ beta
    meat = np.zeros((1, 1))
    for g in range(groups):
        mask = ids == g
        score = design[mask].T @ (w[mask] * residual[mask])
        meat += np.outer(score, score)
    covariance = groups / (groups - 1) * bread @ meat @ bread
    return float(np.sqrt(covariance[0, 0]))


def bootstrap_interval(values, weights, clusters, seed=SEED):
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ids, groups = cluster_ids(clusters)
    sums = np.bincount(ids, weights=w * x, minlength=groups)
    weight_sums = np.bincount(ids, weights=w, minlength=groups)
    picks = draws(groups, seed=seed)
    means = sums[picks].sum(axis=1) / weight_sums[picks].sum(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def describe(name, values, weights=None, clusters=None):
    n = len(values)
    weights = weights if weights is not None else [1.0] * n
    clusters = clusters if clusters is not None else [str(i) for i in range(n)]
    low, high = bootstrap_interval(values, weights, clusters)
    case = {
        "name": name,
        "values": values,
        "weights": weights,
        "clusters": clusters,
        "mean": float(np.average(values, weights=weights)),
        "se": sandwich_se(values, weights, clusters),
        "ci_lower": low,
        "ci_upper": high,
        "clusters_count": cluster_ids(clusters)[1],
    }
    if len(set(weights)) == 1 and len(set(clusters)) == n:
        case["scipy_sem"] = float(stats.sem(values, ddof=1))
        result = stats.bootstrap(
            (np.asarray(values),), np.mean, n_resamples=REPLICATES, method="percentile",
            random_state=np.random.default_rng(12345))
        case["scipy_bootstrap_lower"] = float(result.confidence_interval.low)
        case["scipy_bootstrap_upper"] = float(result.confidence_interval.high)
    return case


def paired(name, a, b, clusters=None):
    n = len(a)
    clusters = clusters if clusters is not None else [str(i) for i in range(n)]
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    d = b - a
    delta = float(d.mean())
    ids, groups = cluster_ids(clusters)
    sums = np.bincount(ids, weights=d, minlength=groups)
    counts = np.bincount(ids, minlength=groups).astype(float)
    picks = draws(groups)
    deltas = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    low, high = np.percentile(deltas, [2.5, 97.5])
    exceed = int(np.sum(np.abs(deltas - delta) >= abs(delta) - 1e-12))
    case = {
        "name": name,
        "a": a.tolist(),
        "b": b.tolist(),
        "clusters": clusters,
        "delta": delta,
        "ci_lower": float(low),
        "ci_upper": float(high),
        "bootstrap_p": (1 + exceed) / (REPLICATES + 1),
    }
    binary = set(np.unique(np.concatenate([a, b]))) <= {0.0, 1.0}
    if binary and groups == n:
        only_a = int(np.sum((a == 1) & (b == 0)))
        only_b = int(np.sum((a == 0) & (b == 1)))
        case["test"] = "McNemar exact"
        case["p"] = float(stats.binomtest(only_a, only_a + only_b, 0.5).pvalue) if only_a + only_b else 1.0
    else:
        case["test"] = "paired bootstrap"
        case["p"] = case["bootstrap_p"]
    return case


def fnv_shard_hash(suite, sample_id):
    h = 0xCBF29CE484222325
    for byte in suite.encode() + b"\x00" + sample_id.encode():
        h ^= byte
        h = (h * 0x100000001B3) & MASK
    z = h
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def main():
    rng = np.random.default_rng(20260408)
    binary = rng.binomial(1, 0.62, 40).astype(float).tolist()
    anls = np.round(rng.uniform(0, 1, 30), 3)
    anls[rng.choice(30, 8, replace=False)] = 0.0
    anls = anls.tolist()
    # Several questions per document image, as in DocVQA: 30 samples on 12 images.
    images = [f"img{i % 12}" for i in range(30)]
    grounding = rng.binomial(1, 0.55, 25).astype(float).tolist()
    splits = ["val"] * 12 + ["testA"] * 8 + ["testB"] * 5
    sizes = {s: splits.count(s) for s in set(splits)}
    weights = [1.0 / sizes[s] for s in splits]
    grounding_images = [f"g{i // 2}" for i in range(25)]

    a = rng.binomial(1, 0.5, 60)
    flip = rng.uniform(0, 1, 60)
    b = np.where(flip < 0.25, 1 - a, a)
    b[:6] = 1
    cont_a = np.round(rng.uniform(0, 1, 36), 3)
    cont_b = np.clip(np.round(cont_a + rng.normal(0.06, 0.15, 36), 3), 0, 1)
    cont_clusters = [f"doc{i // 3}" for i in range(36)]

    rng64 = SplitMix64(0)
    first = [rng64.next() for _ in range(3)]
    quantile_values = sorted(np.round(rng.uniform(0, 1, 11), 4).tolist())

    document = {
        "generator": "scripts/golden/statistics.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
        "replicates": REPLICATES,
        "seed": SEED,
        "splitmix64_seed0_first": [str(v) for v in first],
        "quantiles": {
            "values": quantile_values,
            "q": [0.0, 0.025, 0.5, 0.975, 1.0],
            "expected": [float(np.percentile(quantile_values, q * 100)) for q in [0.0, 0.025, 0.5, 0.975, 1.0]],
        },
        "estimates": [
            describe("binary, independent", binary),
            describe("anls, clustered by image", anls, clusters=images),
            describe("grounding, mean of split means, clustered", grounding, weights=weights, clusters=grounding_images),
        ],
        "paired": [
            paired("binary pairs", a.astype(float).tolist(), b.astype(float).tolist()),
            paired("continuous pairs, clustered", cont_a.tolist(), cont_b.tolist(), clusters=cont_clusters),
        ],
        "mcnemar": [
            {"b": b_, "c": c_, "p": float(stats.binomtest(b_, b_ + c_, 0.5).pvalue)}
            for b_, c_ in [(0, 5), (3, 9), (12, 12), (130, 170), (1, 0)]
        ],
        "shard_hash": [
            {"suite": s, "id": i, "hash": str(fnv_shard_hash(s, i)), "shard_of_4": fnv_shard_hash(s, i) % 4 + 1}
            for s, i in [("docvqa", "0"), ("mmbench", "1000003"), ("refcoco", "val/17"), ("mmmu", "validation_Art_1"),
                         ("charxiv", "é/ü")]
        ],
    }
    json.dump(document, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
