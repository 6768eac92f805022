# %% [markdown]
# # Lesson 6: Sparse codes and dendrites
#
# The brain's codes are **sparse**: at any moment only a few percent of the neurons in an area are active. A
# **sparse distributed representation** (SDR) is such a code: $a$ active bits out of $n$, with $a \ll n$. Ahmad and
# Hawkins (2016) showed why sparse codes are robust: a dendritic segment that samples only a handful of a pattern's
# active bits recognises it even when much of it is corrupted, and is almost never fooled by a random input.
# Rinkus' Sparsey (2014) goes one step further: it *chooses* the SDR of each new input so that similar inputs get
# similar codes, and learns it in a single trial. In this lesson you count overlaps, compare the error rates of a
# segment with their exact combinatorics, store many patterns on one segment, and watch Sparsey learn.
#
# **Learning goals.** After this lesson you can
#
# 1. define an SDR and compute the overlap of two random SDRs exactly (the hypergeometric law);
# 2. explain how a segment of $s$ synapses with threshold $\theta$ trades false matches against misses, and compute
#    both exactly;
# 3. use the union property: several patterns on one segment, at a computable price in false matches;
# 4. describe Sparsey's familiarity-driven code choice, single-trial learning and crosstalk.
#
# **Time:** about 35 minutes. **You need:** Lesson 1; binomial coefficients; the idea of a threshold neuron.

# %% [markdown] teacher
# ## Notes for the teacher
#
# **Plan (35 min).** Section 1 (6 min): count an overlap on the projected SDR pictures with the class. Section 2
# (8 min): derive the false-match sum on the board (choose $b$ of the $s$ synapses, the other $a - b$ bits outside).
# Sections 3-4 (7 min): the threshold as a trade-off. Section 5 (4 min). Sections 6-8 (10 min): Sparsey.
#
# **Points to make.** Sparse codes make coincidences exponentially rare, so a neuron needs only a handful of synapses
# to recognise a pattern, and can afford to be tolerant of noise. Every number in sections 1-5 is exact
# combinatorics; the simulation checks it, including far below what plain sampling can see (importance sampling).
# Sparsey adds a learning rule: familiarity decides how much of an old code a new input reuses, and one presentation
# suffices.
#
# **Common confusions.** The overlap of two SDRs counts shared *active* bits, not agreeing bits (two random SDRs agree
# on most of their inactive bits). In Sparsey, `encode` retrieves the best-supported units without learning, while
# learning draws winners at random with a familiarity-dependent bias, so a learned variant's code is noisier than a
# retrieved one.
#
# **Exercises.** E1 and E2 fit in class (exact formulas, seconds to run); E3-E5 as homework.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import amsim
from amsim import registry
from amsim.classroom import draw_sdr, save_figure, use_style
from amsim.families.dendrites import DendriticSegments
from amsim.families.dendrites.estimate import false_match_importance
from amsim.families.sparsey import Sparsey
from amsim.patterns import random_sdrs, sdr_bits, swap_active
from amsim.plotting import MARKERS, OKABE_ITO, mean_and_error, theory_line
from amsim.theory import dendrites as th

use_style()
rng = np.random.default_rng(6)

# %% [markdown]
# ## 1. Sparse distributed representations
#
# We use SDRs of $n = 256$ bits with $a = 16$ active (6%), drawn as $16 \times 16$ grids. The **overlap** of two
# SDRs is the number of active bits they share. Below, a stored SDR and three others compared with it: itself with
# 4 of its 16 active bits moved elsewhere (overlap 12), with 8 moved (overlap 8), and a random SDR. Shared bits are
# vermillion, bits active only in the stored SDR grey.

# %%
n, a = 256, 16
stored = random_sdrs(1, n, a, rng)                                   # (1, a) int32: the active positions
others = np.concatenate([stored, swap_active(stored, n, 4, rng), swap_active(stored, n, 8, rng),
                         random_sdrs(1, n, a, rng)])
overlaps = sdr_bits(others, n) @ sdr_bits(stored, n)[0].astype(int)
fig = draw_sdr(others, n, (16, 16), [f"overlap {k}" for k in overlaps], reference=stored[0],
               title="A stored SDR (n = 256, a = 16) and three others")
save_figure(fig, "06-sdrs")

# %% [markdown]
# How large is the overlap of two *random* SDRs? Fix one; the other picks its $a$ active bits among $n$. The
# number of SDRs sharing exactly $b$ bits with a fixed set of $s$ bits is
#
# $$|\Omega(n, a, s, b)| = \binom{s}{b}\binom{n - s}{a - b}$$
#
# (choose the $b$ shared bits inside the set, the other $a - b$ outside), out of $\binom{n}{a}$ SDRs in all: the
# hypergeometric law, with mean $a s / n$. With $s = a = 16$ the mean overlap is 1 bit. We count overlaps of
# 20,000 random pairs and compare with `th.overlap_set_size`.

# %%
first, second = sdr_bits(random_sdrs(20_000, n, a, rng), n), sdr_bits(random_sdrs(20_000, n, a, rng), n)
pair_overlaps = (first & second).sum(axis=1)
b = np.arange(0, 9)
exact = np.array([th.overlap_set_size(n, a, a, int(k)) for k in b]) / math.comb(n, a)
fig, ax = plt.subplots(figsize=(5, 3.1))
ax.bar(b, np.bincount(pair_overlaps, minlength=b.size)[:b.size] / pair_overlaps.size, color=OKABE_ITO[0],
       label="20,000 random pairs")
ax.plot(b, exact, "o", color="black", label="exact: |Omega(n, a, a, b)| / C(n, a)")
ax.set(yscale="log", xlabel="overlap b [bits]", ylabel="fraction of pairs [1]",
       title=f"Overlap of two random SDRs, n = {n}, a = {a}")
ax.legend()
save_figure(fig, "06-overlap")
print(f"mean overlap {pair_overlaps.mean():.3f} bits (theory a^2 / n = {a * a / n:.3f}); "
      f"overlap >= 6 in {np.mean(pair_overlaps >= 6):.1e} of pairs "
      f"(exact {sum(th.overlap_set_size(n, a, a, k) for k in range(6, a + 1)) / math.comb(n, a):.1e})")

# %% [markdown]
# Large overlaps between random SDRs are exponentially rare. That is what makes sparse codes safe to compare:
# a large overlap means "the same thing", almost never a coincidence.
#
# ## 2. A dendritic segment and its false matches
#
# A pyramidal neuron's distal dendrite holds **segments**: clusters of synapses that trigger a local spike (an NMDA
# spike) when at least $\theta$ of them are active together. To recognise a stored SDR, a segment needs synapses
# onto only $s$ of its $a$ active bits. A random SDR fires the segment (a **false match**) when it covers at least
# $\theta$ of the $s$ synapses:
#
# $$P_{\text{false}} = \sum_{b \ge \theta} \frac{|\Omega(n, a, s, b)|}{\binom{n}{a}}.$$
#
# `DendriticSegments` stores SDRs (one segment each, $s$ synapses sampled from its active bits) and counts the
# active synapses of every segment for every input (`overlaps`). We store 20 SDRs with $s = 12$ and show each
# segment 20,000 random SDRs: 400,000 (input, segment) pairs, one count each, so one run gives the false-match rate
# at every threshold. Beyond what 400,000 samples can see, importance sampling
# (`false_match_importance`: inputs drawn with large overlaps on purpose, then reweighted) reaches down to $10^{-17}$.

# %%
s = 12
segments = DendriticSegments(n=n, a=a, s=s, theta=6, random_state=1).store(sdr_bits(random_sdrs(20, n, a, rng), n))
counts = segments.overlaps(sdr_bits(random_sdrs(20_000, n, a, rng), n))     # (inputs, segments) int32
thetas = np.arange(1, s + 1)
sampled = np.array([(counts >= theta).mean() for theta in thetas])
exact = np.array([float(th.false_match(n, a, s, int(theta))) for theta in thetas])
far = thetas[thetas >= 5]
weighted = [false_match_importance(n, a, s, int(theta), 20_000, rng) for theta in far]
fig, ax = plt.subplots(figsize=(5.5, 3.4))
seen = sampled > 0
ax.plot(thetas[seen], sampled[seen], MARKERS[0], color=OKABE_ITO[0], label="random inputs (400,000 pairs)")
ax.errorbar(far, [e.value for e in weighted], yerr=[e.value * e.relative_error for e in weighted], fmt=MARKERS[1],
            color=OKABE_ITO[1], label="importance sampling (20,000 inputs)")
ax.plot(thetas, exact, **theory_line(label="exact (Ahmad & Hawkins eq. 3)"))
ax.set(yscale="log", xlabel="threshold theta [synapses]", ylabel="false-match probability [1]",
       title=f"A segment of s = {s} synapses, n = {n}, a = {a}")
ax.legend()
save_figure(fig, "06-false-match")

# %% [markdown]
# Each synapse more in the threshold divides the false-match rate by 10 to 100. With $\theta = 6$, one random
# input in about 60,000 fires the segment.
#
# ## 3. Sparsity is what makes this work
#
# Keep the segment ($s = 12$, $\theta = 6$) and make the code denser: $a$ active bits of $n = 256$, from 2% to 50%.
# The registered theory `dendrites-false-match` evaluates the exact sum on a grid of inputs. We also let $n$ grow at
# a fixed sparsity of 6%, as a bigger cortical area would.

# %%
actives = np.arange(12, 129, 4)
dense_codes = registry.theory("dendrites-false-match").fn(n=256, a=actives, s=12, theta=6)
sizes = np.array([128, 256, 512, 1024, 2048, 4096])
growing = [float(th.false_match(int(size), int(round(0.0625 * size)), 12, 6)) for size in sizes]
fig, axes = plt.subplots(1, 2, figsize=(8, 3.1))
axes[0].plot(actives / 256, dense_codes.false_match_theory, **theory_line(color=OKABE_ITO[0], label="exact"))
axes[0].set(yscale="log", xlabel="sparsity a / n [1]", ylabel="false-match probability [1]",
            title="n = 256, s = 12, theta = 6: denser codes")
axes[1].plot(sizes, growing, "o-", color=OKABE_ITO[2])
axes[1].set(xscale="log", yscale="log", xticks=sizes, xticklabels=sizes, xlabel="SDR size n [bits]",
            ylabel="false-match probability [1]", title="a / n = 6%, s = 12, theta = 6: larger n")
axes[1].minorticks_off()
fig.tight_layout()
save_figure(fig, "06-sparsity")

# %% [markdown]
# At half the bits active, a random input fires the segment almost every other time: dense codes cannot be
# recognised by a few synapses. At fixed sparsity the rate settles as $n$ grows (the overlap law tends to a
# binomial with mean $s a / n$): what matters is the sparsity, not the size.
#
# ## 4. Robust to noise: the threshold as a trade-off
#
# Now corrupt a stored SDR: move a fraction `swap` of its active bits to places that were off. The segment keeps
# the synapses that sat on bits that did not move; it misses when fewer than $\theta$ remain. The number of lost
# synapses is hypergeometric, so the miss probability is exact too (`dendrites-detection`). The experiment
# `dendrites.recognition` stores SDRs, cues each segment with its noisy SDR and reports `detected`.

# %%
swaps = np.round(np.arange(0.0, 0.81, 0.1), 2)
fine = np.linspace(0, 0.8, 81)
fig, ax = plt.subplots(figsize=(5.5, 3.4))
for k, theta in enumerate((3, 6, 9)):
    runs = [amsim.run("dendrites.recognition", {"n": n, "a": a, "s": s, "theta": theta, "n_stored": 20,
                                                "n_inputs": 1, "swap": float(swap), "cues": 100}, trials=3, seed=2)
            for swap in swaps]
    mean, error = np.array([mean_and_error(ds.detected) for ds in runs]).T
    ax.errorbar(swaps, mean, yerr=error, fmt=MARKERS[k], color=OKABE_ITO[k], label=f"simulation, theta = {theta}")
    theory = registry.theory("dendrites-detection").fn(n=n, a=a, s=s, theta=theta, swap=fine)
    ax.plot(fine, theory.detected_theory, **theory_line(color=OKABE_ITO[k]))
ax.plot([], [], **theory_line(label="exact theory"))
ax.set(xlabel="fraction of the active bits moved [1]", ylabel="noisy SDR detected [fraction]",
       title=f"Detection under noise, s = {s} synapses")
ax.legend(fontsize=7)
save_figure(fig, "06-noise")
for swap in (0.25, 0.5):
    best, error = th.best_theta(n, a, s, th.noise_bits(a, swap))
    print(f"{swap:.0%} of the bits moved: best theta = {best}, misses + false matches = {float(error):.1e}")

# %% [markdown]
# A low threshold tolerates heavy noise but fires on random inputs; a high one is never fooled but misses noisy
# patterns. (The theory moves in steps: `swap` moves a whole number of bits, `round(swap a)`.) `th.best_theta` finds
# the threshold with the fewest errors of both kinds.
#
# ## 5. The union property: many patterns on one segment
#
# Since false matches are so rare, one segment can hold synapses for **several** patterns ($M$ patterns, $s$
# synapses each) and fire for any of them. The price: the segment's synapses are the union of $M$ random sets, and
# a random input covers $\theta$ of them more easily. The exact rate averages the false-match sum over the size of
# the union (`dendrites-union`). `patterns_per_segment` stores $M$ patterns on each segment.

# %%
ms = np.array([1, 2, 4, 8, 16])
runs = [amsim.run("dendrites.recognition", {"n": n, "a": a, "s": s, "theta": 6, "patterns_per_segment": int(m),
                                            "n_stored": 10 * int(m), "n_inputs": 4000, "cues": 40}, trials=3, seed=3)
        for m in ms]
union = registry.theory("dendrites-union").fn(n=n, a=a, s=s, theta=6, n_patterns=np.arange(1, 17))
fig, ax = plt.subplots(figsize=(5.5, 3.4))
rate = np.array([ds.false_matches.sum() / (ds.pairs * ds.sizes["trial"]) for ds in runs], float)
ax.plot(ms[rate > 0], rate[rate > 0], "o", color=OKABE_ITO[0], label="simulation (120,000 pairs each)")
ax.plot(union.n_patterns, union.union_false_match_theory, **theory_line(label="exact theory"))
ax.set(xscale="log", yscale="log", xlabel="patterns per segment M [patterns]", ylabel="false-match probability [1]",
       title=f"One segment, many patterns (theta = 6, s = {s})")
ax.legend()
save_figure(fig, "06-union")
print("every stored pattern still detected:", all(bool(ds.detected.all()) for ds in runs))

# %% [markdown]
# Every stored pattern still fires its segment (its own $s$ synapses are all there). Two patterns per segment cost
# little (one false match in 700), but with 8 patterns a random input fires the segment 4 times in 10: the union
# fills up and stops being selective.
#
# ## 6. Sparsey: choosing the code, learning in one trial
#
# So far the SDRs were random. Sparsey (Rinkus 2014) computes the SDR of each input in a **coding field** of $Q$
# competitive modules (CMs) of $K$ binary units: the code is one winner per CM. Inputs connect to the field by
# binary weights. For a new input the **Code Selection Algorithm** (CSA) measures the input's **familiarity** $G$
# (how well the best unit of each CM is supported, averaged over CMs), then draws the winners: when $G$ is high the
# best-supported units win (the old code returns), when $G$ is low each CM picks at random (a new code). Learning
# is one step: the weights from the active inputs to the winners are set to 1.
#
# We learn 30 random inputs once each ($N = 256$ bits, 26 active; $Q = 32$ CMs of $K = 16$ units), then show the
# field the same inputs, variants with half their active bits moved, and new inputs. A code is drawn as a
# $K \times Q$ grid (one column per CM, the winner filled), compared with the stored input's code.

# %%
field = Sparsey(input_bits=256, modules=32, units=16, random_state=4)
items = random_sdrs(30, 256, 26, rng)
learned = field.learn(sdr_bits(items, 256))                                # (30, Q) winners, one trial each
variants = swap_active(items, 256, 13, rng)
codes = {"stored": field.encode(sdr_bits(items, 256)), "half moved": field.encode(sdr_bits(variants, 256)),
         "new input": field.encode(sdr_bits(random_sdrs(30, 256, 26, rng), 256))}
for label, (retrieved, familiarity) in codes.items():
    print(f"{label:10s}: familiarity G = {familiarity.mean():.2f}, "
          f"winners shared with the stored code {(retrieved == learned).mean():.2f}")


def code_bits(code, units=16):
    """One code (Q,) as a (K, Q) grid of 0/1: unit k of CM q is row k of column q."""
    grid = np.zeros((units, code.size), np.uint8)
    grid[code, np.arange(code.size)] = 1
    return grid.ravel()


shown = [code_bits(codes[label][0][0]) for label in codes]
fig = draw_sdr(np.array(shown), 16 * 32, (16, 32), [f"{label}: G = {codes[label][1][0]:.2f}" for label in codes],
               reference=code_bits(learned[0]), columns=3, size=2.4,
               title="Codes of item 0 (32 CMs x 16 units); vermillion: a winner of the stored code")
save_figure(fig, "06-codes")

# %% [markdown]
# One presentation sufficed: every stored input retrieves its own code (G = 1). A variant with half its bits moved
# keeps most of its code; a new input shares few winners with the stored code, a little more than chance
# (1 CM in 16) because the 30 codes already learned have wired some units to many inputs.
#
# ## 7. Similar inputs, similar codes
#
# Does the code's overlap follow the input's? The experiment `sparsey.similarity` learns 20 inputs, then a variant
# of each with a fraction `swap` of its active bits moved, and measures the fraction of CMs where the variant's
# code keeps the original's winner (`code_intersection`) and the variant's familiarity.

# %%
swaps = np.round(np.linspace(0, 1, 9), 3)
settings = {"input_bits": 256, "modules": 32, "units": 16, "activity": 0.1, "n_stored": 20}
runs = [amsim.run("sparsey.similarity", {**settings, "swap": float(swap)}, trials=3, seed=5) for swap in swaps]
fig, ax = plt.subplots(figsize=(5.5, 3.4))
for k, name in enumerate(("code_intersection", "familiarity")):
    mean, error = np.array([mean_and_error(ds[name]) for ds in runs]).T
    ax.errorbar(1 - swaps, mean, yerr=error, fmt=MARKERS[k] + "-", color=OKABE_ITO[k],
                label=runs[0][name].attrs["long_name"])
ax.axhline(1 / 16, color="0.4", ls=":", lw=1)
ax.text(0.8, 1 / 16 + 0.02, "chance 1/K", fontsize=7, color="0.4")
ax.set(xlabel="active bits shared with the stored input [fraction of a]",
       ylabel="fraction of CMs; familiarity G [1]",
       title="Sparsey: code intersection follows input overlap")
ax.legend(fontsize=7, loc="upper left")
save_figure(fig, "06-similarity")

# %% [markdown]
# The familiarity $G$ falls with the input overlap, and with it the chance that the old winners win: similar inputs
# get similar codes, unrelated ones codes that share only chance winners. Nothing here was trained over many
# epochs: each code was chosen and learned in one step.
#
# ## 8. Crosstalk: how many inputs fit?
#
# Every learned input adds weights. As the field fills up, a *new* input finds well-supported units in many CMs,
# looks familiar, and is given an old code: stored codes start to merge. `sparsey.recall` measures the fraction of
# CMs retrieved right for stored inputs (`code_overlap`) and the familiarity of new random inputs
# (`novel_familiarity`).

# %%
stored_counts = np.array([10, 20, 40, 60, 80, 120, 160])
runs = [amsim.run("sparsey.recall", {**settings, "n_stored": int(count), "cues": 20}, trials=2, seed=6)
        for count in stored_counts]
fig, ax = plt.subplots(figsize=(5.5, 3.4))
for k, name in enumerate(("code_overlap", "novel_familiarity")):
    mean, error = np.array([mean_and_error(ds[name]) for ds in runs]).T
    ax.errorbar(stored_counts, mean, yerr=error, fmt=MARKERS[k] + "-", color=OKABE_ITO[k],
                label=runs[0][name].attrs["long_name"])
ax.axhline(0.9, color="0.4", ls=":", lw=1)
ax.text(stored_counts[0], 0.92, "recognition threshold G = 0.9", fontsize=7, color="0.4")
ax.set(xlabel="inputs learned [items]", ylabel="fraction of CMs; familiarity G [1]",
       title="Sparsey: crosstalk (N = 256, Q = 32, K = 16)")
ax.legend(fontsize=7)
save_figure(fig, "06-crosstalk")

# %% [markdown]
# Up to about 40 inputs the codes come back whole; when new inputs reach the recognition threshold $G = 0.9$
# (about 60 inputs here) the field confuses new with old and the stored codes merge.
#
# ## Exercises
#
# **E1. Overlap by hand.** Two random SDRs have $n = 2048$ bits and $a = 40$ active. What is their mean overlap?
# Compute exactly the probability that they share at least 10 bits (Ahmad & Hawkins' cortical numbers), and
# compare with the same for $n = 256$, $a = 16$, at least 6 bits.

# %% student
# your code here

# %% teacher
print("mean overlap:", 40 * 40 / 2048)
print("n = 2048, a = 40, overlap >= 10:", float(th.false_match(2048, 40, 40, 10)))
print("n = 256, a = 16, overlap >= 6:", float(th.false_match(256, 16, 16, 6)))

# %% [markdown] teacher
# **Answer.** The mean is $a^2 / n = 0.78$ bits. Sharing 10 bits has probability $1.4 \times 10^{-9}$ for the
# cortical sizes (the false-match formula with $s = a$) and $1.2 \times 10^{-4}$ for the small SDRs: a similar
# relative overlap (a quarter to a third of the active bits) is far less likely with more bits, because the tail of
# the hypergeometric law shrinks exponentially with $a$.

# %% [markdown]
# **E2. Choose the threshold.** Your segment ($n = 256$, $a = 16$, $s = 12$) must recognise patterns with half of
# their active bits moved. Which threshold minimises misses plus false matches? Check the miss rate at that
# threshold with `dendrites.recognition`.

# %% student
# your code here

# %% teacher
best, total = th.best_theta(n, a, s, th.noise_bits(a, 0.5))
check = amsim.run("dendrites.recognition", {"n": n, "a": a, "s": s, "theta": best, "n_stored": 20, "n_inputs": 1,
                                            "swap": 0.5, "cues": 200}, trials=5, seed=7)
print(f"best theta {best}: total error {float(total):.2e}; misses exact "
      f"{float(th.false_negative(n, a, s, best, th.noise_bits(a, 0.5))):.4f}, "
      f"measured {1 - float(check.detected.mean()):.3f}; false match {float(th.false_match(n, a, s, best)):.1e}")

# %% [markdown] teacher
# **Answer.** Half of 16 bits is 8. The best threshold is 4: 8 moved bits take at most 8 of the 12 synapses, so the
# segment always keeps 4 and never misses (exactly 0, and none of the 1,000 cues was missed); every error is a false
# match, one random input in about 270. At $\theta = 5$ the false matches fall to $3 \times 10^{-4}$, but 3.8% of
# the noisy patterns are missed (those where all 8 moved bits carried synapses).

# %% [markdown]
# **E3. How many patterns per segment?** With $n = 1024$, $a = 20$, $s = 10$ and $\theta = 6$, how many patterns
# can one segment hold before its false-match rate passes $10^{-3}$? Use `dendrites-union`.

# %% student
# your code here

# %% teacher
counts = np.arange(1, 41)
rates = registry.theory("dendrites-union").fn(n=1024, a=20, s=10, theta=6, n_patterns=counts).union_false_match_theory
print("largest M below 1e-3:", int(counts[rates.values < 1e-3].max()))

# %% [markdown] teacher
# **Answer.** 6 patterns ($5.6 \times 10^{-4}$; 7 give $1.3 \times 10^{-3}$). While the union is small the rate
# grows like the number of ways to pick $\theta$ synapses from it, roughly $M^\theta$, so it climbs steeply at first.
# With larger segments and thresholds (Ahmad and Hawkins' $n = 2048$, $a = 40$) a segment holds many more, and a
# neuron with tens of segments recognises hundreds of patterns.

# %% [markdown]
# **E4. Without familiarity.** Set `eta_max=0` in the `sparsey.similarity` run (the CSA then always picks winners
# at random) and measure the code intersection of variants with 25% of their bits moved. What does the familiarity
# add?

# %% student
# your code here

# %% teacher
for eta in (1000.0, 0.0):
    ds = amsim.run("sparsey.similarity", {**settings, "swap": 0.25, "eta_max": eta}, trials=3, seed=8)
    print(f"eta_max = {eta:6.0f}: code intersection {float(ds.code_intersection.mean()):.2f}")

# %% [markdown] teacher
# **Answer.** With the familiarity-driven sigmoid the variant keeps most of its original's winners (about 0.95);
# without it, only chance ($1/K = 0.06$). The familiarity is what makes the code similarity-preserving: a familiar
# input is steered onto the old units, a novel one spread at random (which also keeps new codes far apart).

# %% [markdown]
# **E5. More units per module.** Repeat section 8 with $K = 8$ and $K = 32$ units per CM at 60 inputs learned.
# Which holds more, and why?

# %% student
# your code here

# %% teacher
for units in (8, 16, 32):
    ds = amsim.run("sparsey.recall", {**settings, "units": units, "n_stored": 60, "cues": 20}, trials=2, seed=9)
    print(f"K = {units:2d}: code overlap {float(ds.code_overlap.mean()):.2f}, "
          f"novel G {float(ds.novel_familiarity.mean()):.2f}")

# %% [markdown] teacher
# **Answer.** $K = 32$ holds the most: with more units per CM each unit wins for fewer inputs, so it is wired to
# fewer input bits and a new input finds less support (lower $G$). Capacity grows with $K$, at the cost of a larger
# field ($Q K$ units) and more weights.
