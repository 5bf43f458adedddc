#!/usr/bin/env python3
"""Independent reference values for Ocular's training-signal analytics (Tests/OcularAnalyticsTests).

Computes, with numpy and scipy only:
- compute_1d_ot (G²RPO): rank r gets norm.ppf((r - 0.5) / N), ties share the mean of their quantiles;
- the two-stage per-task G²RPO on a small batch of prompt groups;
- GRPO with the population std (numpy ddof=0) and torch's unbiased std (ddof=1), eps = 1e-6; Dr.GRPO;
- scipy.stats.skew / kurtosis (defaults: bias=True, Fisher's excess kurtosis) of advantage vectors;
- unbiased pass@k = 1 - comb(n - c, k) / comb(n, k) with scipy.special.comb (exact=True).

Usage: python3 -m venv /tmp/venv-analytics && /tmp/venv-analytics/bin/pip install numpy scipy
       /tmp/venv-analytics/bin/python scripts/golden/analytics_reference.py
The printed values are copied, with the versions printed first, into
Tests/OcularAnalyticsTests/ReferenceValuesTests.swift.
"""

import numpy as np
import scipy
from scipy.special import comb
from scipy.stats import kurtosis, norm, skew

EPS = 1e-6


def compute_1d_ot(rewards):
    r = np.asarray(rewards, dtype=np.float64)
    n = len(r)
    if n <= 1:
        return np.zeros(n)
    order = np.argsort(r, kind="stable")
    q = norm.ppf((np.arange(1, n + 1) - 0.5) / n)
    out = np.empty(n)
    sorted_r = r[order]
    start = 0
    while start < n:
        end = start + 1
        while end < n and sorted_r[end] == sorted_r[start]:
            end += 1
        out[order[start:end]] = q[start:end].mean()
        start = end
    return out


def grpo(rewards, ddof):
    r = np.asarray(rewards, dtype=np.float64)
    return (r - r.mean()) / (r.std(ddof=ddof) + EPS)


def two_stage(groups):
    stage_one = [compute_1d_ot(g) for g in groups]
    flat = compute_1d_ot(np.concatenate(stage_one))
    result, offset = [], 0
    for g in stage_one:
        result.append(flat[offset : offset + len(g)])
        offset += len(g)
    return result


def pass_at_k(n, c, k):
    return 1.0 - comb(n - c, k, exact=True) / comb(n, k, exact=True)


def fmt(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def main():
    print(f"numpy {np.__version__}, scipy {scipy.__version__}")
    cases = {
        "paper_a": [0, 0, 0, 0, 1],
        "paper_b": [0, 0, 1, 1, 1],
        "paper_c": [0.1, 0.1, 0.1, 0.2, 1.0],
        "paper_d": [0.81, 0.81, 0.82, 0.82, 0.83],
        "paper_n8": [0, 0, 0, 0, 0, 0, 0, 1],
        "all_equal": [1, 1, 1, 1],
        "ties_mixed": [0.5, 0.2, 0.5, 0.9, 0.2, 0.5, 0.0],
        "distinct": [3.0, -1.0, 2.5, 0.0, 7.0, 1.0],
    }
    for name, rewards in cases.items():
        print(f"{name} rewards {fmt(rewards)}")
        print(f"  ot       {fmt(compute_1d_ot(rewards))}")
        print(f"  grpo     {fmt(grpo(rewards, 0))}")
        if len(rewards) > 1 and np.std(rewards) > 0:
            print(f"  grpo_ub  {fmt(grpo(rewards, 1))}")
        print(f"  dr_grpo  {fmt(np.asarray(rewards, dtype=float) - np.mean(rewards))}")

    groups = [[0, 0, 1, 1], [1, 1, 1, 1], [0.2, 0.9, 0.4, 0.4], [0, 0, 0, 1]]
    stage = two_stage(groups)
    print(f"two_stage groups {groups}")
    for g in stage:
        print(f"  {fmt(g)}")
    flat = np.concatenate(stage)
    print(f"  skew {skew(flat)!r} kurtosis {kurtosis(flat)!r} mean {flat.mean()!r} std {flat.std()!r}")
    grpo_flat = np.concatenate([grpo(g, 0) if np.std(g) > 0 else np.zeros(len(g)) for g in groups])
    print(f"  grpo flat skew {skew(grpo_flat)!r} kurtosis {kurtosis(grpo_flat)!r} max|A| {np.abs(grpo_flat).max()!r}")

    sample = [0.3, -1.2, 2.5, 0.0, 0.7, -0.4, 1.9]
    print(f"moments of {sample}: skew {skew(sample)!r} kurtosis {kurtosis(sample)!r}")

    for n, c, k in [(4, 1, 1), (4, 1, 2), (4, 2, 2), (4, 3, 2), (4, 0, 4), (10, 3, 5), (20, 7, 8), (100, 1, 50)]:
        print(f"pass@k n={n} c={c} k={k}: {pass_at_k(n, c, k)!r}")

    for p in [1e-10, 0.001, 0.0625, 0.3, 0.5, 0.9, 0.999999]:
        print(f"ppf({p!r}) = {norm.ppf(p)!r}")


if __name__ == "__main__":
    main()
