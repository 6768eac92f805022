# %% [markdown]
# # Lesson 5: Dense associative memory
#
# The Hopfield network of lessons 1-3 holds about $0.138 N$ random patterns, and far fewer letters. Krotov and
# Hopfield (2016) showed that changing one function in its energy, the **interaction function** $F$, lets the same
# $N$ neurons hold many more: about $N^{p-1}$ patterns for $F(x) = x^p$, and exponentially many for $F(x) = e^x$
# (Demircigil et al. 2017). With continuous states the update becomes the **softmax attention** of Transformer
# networks (Ramsauer et al. 2020). In this lesson you overload a network with letters and rescue them, measure
# the one-step error and the capacity against theory, and meet attention from the Hopfield side.
#
# **Learning goals.** After this lesson you can
#
# 1. write the energy $E(s) = -\sum_\mu F(\xi^\mu \cdot s)$ and the update rule of a dense associative memory, and
#    say why $F(x) = x^2$ is the Hopfield network;
# 2. explain, with signal and noise, why a steeper $F$ stores more patterns;
# 3. measure the one-step bit error and the capacity and compare them with $P_{max} \propto N^{p-1}$;
# 4. describe the exponential energy's capacity and the modern Hopfield update as softmax attention.
#
# **Time:** about 35 minutes. **You need:** Lessons 1-2; the normal distribution; softmax.

# %% [markdown] teacher
# ## Notes for the teacher
#
# **Plan (35 min).** Section 1 (6 min): let the class guess how many of the 36 patterns each energy recalls. Section 2
# (10 min): derive signal and noise on the board for $p = 2$ and $p = 3$. Section 3 (8 min). Section 4 (5 min).
# Section 5 (6 min): the link to Transformers is what most students remember; leave time for it.
#
# **Points to make.** Only the interaction function changes, yet the capacity goes from linear to polynomial to
# exponential in $N$. A steeper $F$ buys capacity, not wider basins (E3). The price is computation: every update
# touches every stored pattern.
#
# **Common confusions.** "Dense" means many-body interactions, not dense patterns. The capacity measured in section 3
# is at 2% bit error from clean cues, a different criterion from lesson 2's overlap.
#
# **Exercises.** E1 and E2 fit in class; E3-E5 as homework (E5 prepares a discussion of attention's $\sqrt d$).

# %%
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

import amsim
from amsim import datasets, registry
from amsim.classroom import save_figure, show_patterns, use_style
from amsim.families.dense import DenseAssociativeMemory, DenseParams, ModernHopfield
from amsim.io import param_coordinate
from amsim.patterns import corrupt
from amsim.plotting import MARKERS, OKABE_ITO, axis_label, mean_and_error, theory_line
from amsim.theory import dense as th

use_style()
rng = np.random.default_rng(5)

# %% [markdown]
# ## 1. One function changes everything
#
# A dense associative memory stores ±1 patterns $\xi^1, \dots, \xi^P$ and gives a state $s$ the energy
#
# $$E(s) = -\sum_{\mu=1}^{P} F(\xi^\mu \cdot s), \qquad \xi^\mu \cdot s = \sum_i \xi^\mu_i s_i \text{ (the overlap
# count)}.$$
#
# Neuron $i$ takes the value, +1 or -1, that gives the lower energy with the other neurons held fixed. For
# $F(x) = x^2$ the energy is $-\sum_{ij} s_i (\sum_\mu \xi_i^\mu \xi_j^\mu) s_j$: Hebb's couplings, the Hopfield
# network. A steeper $F$ lets the pattern closest to the state dominate the sum. We store all 26 letters and the
# 10 digits, 36 patterns in 100 neurons (2.6 times Hopfield's $0.138 N$), and cue each with 10% of its pixels
# flipped.

# %%
symbols = datasets.letters()
patterns = np.concatenate([symbols.patterns, datasets.digits().patterns])    # (36, 100) int8
names = symbols.names + datasets.digits().names
cues = corrupt(patterns, 0.1, rng)
energies = {"x^2 (Hopfield)": {"degree": 2}, "x^3": {"degree": 3}, "x^4": {"degree": 4},
            "exp(x)": {"energy": "exponential"}}
recalled = {}
for label, settings in energies.items():
    memory = DenseAssociativeMemory(n_neurons=100, random_state=0, **settings).store(patterns)
    recalled[label] = memory.recall(cues).states
    print(f"F = {label:15s}: {(recalled[label] == patterns).all(axis=1).sum():2d} of 36 recalled exactly")
shown = [names.index(c) for c in "AMSIDE37"]
fig = show_patterns(np.concatenate([cues[shown], *(states[shown] for states in recalled.values())]), (10, 10),
                    [f"cue {names[k]}" for k in shown] + [f"F = {label}" if j == 0 else "" for label in energies
                                                          for j in range(len(shown))],
                    columns=len(shown), title="36 letters and digits in 100 neurons: cues and recalls")
save_figure(fig, "05-letters")

# %% [markdown]
# The Hopfield network recalls none; $x^3$ a few, $x^4$ about half and $e^x$ all of them. Letters are strongly
# correlated (they share much paper), which is the hardest case; random patterns are easier, and for them there
# is a theory.
#
# ## 2. Signal and noise
#
# Start in a stored pattern $\xi^1$. Neuron $i$ keeps its value when the energy gain of keeping it,
# $\sum_\mu [F(\xi^\mu \cdot s\text{ with } s_i = \xi^1_i) - F(\text{same with } s_i = -\xi^1_i)]$, is positive.
# Pattern 1 contributes the **signal** $F(N) - F(N - 2) \approx p N^{p-1}$; every other pattern a random term of
# mean zero whose size is about $p\, N^{(p-1)/2}$ (its overlap with $s$ is of order $\sqrt N$). With $P - 1$ such
# terms the **noise** has standard deviation $\sigma \propto \sqrt{P}\, N^{(p-1)/2}$, and a bit flips with
# probability $\Phi(-\text{signal}/\sigma)$. The signal-to-noise ratio is about $\sqrt{N^{p-1}/P}$: the number of
# patterns the network holds grows like $N^{p-1}$. `amsim.theory.dense.bit_error` computes this probability
# exactly for finite $N$ (the noise variance from the binomial law, the sum taken as Gaussian).
#
# We measure it: the experiment `dense.retrieval` stores random patterns, and with `update="sync"`,
# `max_steps=1` and `noise=0` it gives the fraction of bits wrong after one step from each stored pattern.

# %%
n = 60
loads = {2: np.array([6, 9, 13, 19, 28, 41, 60]), 3: np.array([60, 118, 200, 276, 400, 643, 1000])}
fig, ax = plt.subplots(figsize=(5.5, 3.4))
for k, (degree, counts) in enumerate(loads.items()):
    runs = [amsim.run("dense.retrieval", {"n_neurons": n, "n_patterns": int(count), "degree": degree, "noise": 0.0,
                                          "update": "sync", "max_steps": 1, "cues": 60}, trials=4, seed=1)
            for count in counts]
    mean, error = np.array([mean_and_error(ds.bit_error) for ds in runs]).T     # over trials and cues
    ax.errorbar(counts, mean, yerr=error, fmt=MARKERS[k], color=OKABE_ITO[k], label=f"simulation, p = {degree}")
    fine = np.geomspace(counts[0], counts[-1], 60)
    ax.plot(fine, [th.bit_error(n, count, degree) for count in fine],
            **theory_line(color=OKABE_ITO[k], label=f"theory, p = {degree}"))
ax.set(xscale="log", xlabel=axis_label(runs[0].n_patterns), ylabel=axis_label(runs[0].bit_error, 36),
       title=f"One synchronous step from a stored pattern, N = {n}")
ax.legend()
save_figure(fig, "05-bit-error")

# %% [markdown]
# At the same error the network with $p = 3$ holds about 20 times more patterns than the Hopfield network
# ($N^{p-1}$: 60 times more, less a constant).
#
# ## 3. Capacity grows like $N^{p-1}$
#
# Call the **capacity** the number of patterns at which 2% of the bits flip in one step. The theory gives it
# (`th.capacity`), and for large $N$ it approaches $P_{max} = N^{p-1} / ((2p-3)!!\, z^2)$ with $\Phi(-z) = 0.02$
# (`th.asymptotic_capacity`). We measure it in each trial: the bit error at a few values of $P$ around the
# theory's, and where it crosses 2% (interpolated in $\log P$).

# %%
target = 0.02
sizes = np.array([30, 45, 60, 90])
scales = np.array([0.5, 0.7, 1.0, 1.4, 2.0])              # P around the theory's capacity
measured = {}
for degree in (2, 3):
    found = []
    for size in sizes:
        counts = np.unique(np.round(scales * th.capacity(int(size), degree, target)).astype(int))
        errors = np.array([amsim.run("dense.retrieval", {"n_neurons": int(size), "n_patterns": int(count),
                                                         "degree": degree, "noise": 0.0, "update": "sync",
                                                         "max_steps": 1, "cues": 60}, trials=5, seed=2)
                           .bit_error.mean("cue").values for count in counts])      # (P values, trials)
        found.append([np.exp(np.interp(target, e, np.log(counts))) for e in errors.T])
    measured[degree] = np.array(found)                                             # (sizes, trials)
fig, ax = plt.subplots(figsize=(5.5, 3.4))
fine = np.geomspace(sizes[0], sizes[-1], 40)
for k, (degree, found) in enumerate(measured.items()):
    ax.errorbar(sizes, found.mean(axis=1), yerr=found.std(axis=1, ddof=1) / np.sqrt(found.shape[1]),
                fmt=MARKERS[k], color=OKABE_ITO[k], label=f"simulation, p = {degree}")
    ax.plot(fine, [th.capacity(int(round(s)), degree, target) for s in fine],
            **theory_line(color=OKABE_ITO[k], label=f"theory, p = {degree}"))
    ax.plot(fine, [th.asymptotic_capacity(s, degree, target) for s in fine], color=OKABE_ITO[k], ls=":",
            label=f"N^{degree - 1} / ((2p-3)!! z^2)")
ax.set(xscale="log", yscale="log", xlabel="neurons N [neurons]", ylabel="capacity at 2% bit error [patterns]",
       title="Capacity of dense associative memories")
ax.legend(fontsize=7)
save_figure(fig, "05-capacity")
for degree, found in measured.items():
    slope = np.polyfit(np.log(sizes), np.log(found.mean(axis=1)), 1)[0]
    exact = np.polyfit(np.log(sizes), np.log([th.capacity(int(s), degree, target) for s in sizes]), 1)[0]
    print(f"p = {degree}: measured capacity grows like N^{slope:.2f}; theory at these sizes N^{exact:.2f}, "
          f"for large N N^{degree - 1}")

# %% [markdown]
# ## 4. The exponential energy
#
# With $F(x) = e^x$ the closest pattern outweighs every other one by a factor $e^{2d}$ when it is $d$ bits closer
# to the state. A cue at distance $\rho N$ from its pattern fails only when another of the $P$ random patterns is
# at least as close, so $P$ can grow **exponentially** in $N$: Demircigil et al. (2017) proved that all patterns
# are retrieved from distance $\rho N$ as long as $P < e^{N I(1 - 2\rho)/2}$, with
# $I(x) = \frac{1}{2}[(1 + x)\ln(1 + x) + (1 - x)\ln(1 - x)]$. The theory `dense-exponential-capacity` gives the
# probability that no other pattern is as close to the cue as its own. We store 2,000 random patterns in 40
# neurons: 50 patterns per neuron.

# %%
noises = np.round(np.arange(0.0, 0.31, 0.05), 2)
runs = xr.concat([amsim.run("dense.retrieval", {"n_neurons": 40, "n_patterns": 2000, "energy": "exponential",
                                                "noise": float(rho), "cues": 40, "success_overlap": 1.0},
                            trials=3, seed=3) for rho in noises],
                 dim=param_coordinate(DenseParams, "noise", noises))
theory = registry.theory("dense-exponential-capacity").fn(n_neurons=40, n_patterns=2000,
                                                          noise=np.linspace(0, 0.3, 61))
mean, error = mean_and_error(runs.success)
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.errorbar(noises, mean, yerr=error, fmt="o", label="simulation, exact recall")
ax.plot(theory["noise"], theory.success_theory, **theory_line(label="no other pattern as close (theory)"))
ax.set(xlabel=axis_label(runs.noise), ylabel="cues recalled exactly [fraction]",
       title="Exponential energy: 2,000 patterns in N = 40 neurons")
ax.legend()
save_figure(fig, "05-exponential")

# %% [markdown]
# ## 5. From the Hopfield side to attention
#
# Let the state be a real vector $\xi$ and the patterns real vectors $x_\mu$ (the rows of $X$). The energy
# $E(\xi) = -\beta^{-1} \log \sum_\mu e^{\beta\, x_\mu \cdot \xi} + \frac{1}{2} \xi \cdot \xi$ (Ramsauer et al.
# 2020) is lowered by the update
#
# $$\xi \leftarrow X^\top \mathrm{softmax}(\beta X \xi),$$
#
# one step of which is **softmax attention** with the stored patterns as keys and values and $\xi$ as the query.
# `ModernHopfield` implements it. The inverse temperature $\beta$ decides how sharply the weights pick the closest
# pattern: small $\beta$ averages many patterns (a blend), large $\beta$ retrieves one.

# %%
letters = symbols.patterns.astype(float)                                         # 26 letters as real vectors
query = corrupt(symbols.select("R").patterns, 0.2, rng).astype(float)            # R with 20 pixels flipped
betas = [0.01, 0.05, 0.3]
fig, axes = plt.subplots(1, 2, figsize=(8, 2.8), width_ratios=[3, 1])
states = []
for k, beta in enumerate(betas):
    hopfield = ModernHopfield(n_neurons=100, beta=beta).store(letters)
    weights = hopfield.weights(query)[0]
    axes[0].bar(np.arange(26) + (k - 1) * 0.27, weights, width=0.27, label=f"beta = {beta}")
    states.append(hopfield.recall(query, max_steps=1).states[0])
axes[0].set(xticks=np.arange(26), xticklabels=symbols.names, ylabel="softmax weight [1]",
            title="Attention weights of the query over the 26 letters")
axes[0].legend()
axes[1].imshow(np.concatenate([query[0].reshape(10, 10), *(s.reshape(10, 10) for s in states)], axis=1),
               cmap="gray_r", vmin=-1, vmax=1)
axes[1].set(title="query; one update per beta", xticks=[], yticks=[])
fig.tight_layout()
save_figure(fig, "05-attention")

# the same step, written as attention: softmax(beta Q K^T) V with keys = values = the letters
same = hopfield.attend(query, letters, letters)
print("one update equals attention:", np.allclose(same, states[-1]))

# %% [markdown]
# ## Exercises
#
# **E1. Hopfield as a special case.** Store five letters "ALCXT" in a `DenseAssociativeMemory` with `degree=2` and
# in a `HopfieldNetwork` (lesson 1), with the same `random_state`, and recall the same damaged cues. Compare the
# final states. Why are they the same?

# %% student
# your code here

# %% teacher
from amsim.families.hopfield import HopfieldNetwork  # noqa: E402

five = datasets.letters("ALCXT").patterns
damaged = corrupt(five, 0.3, rng)
dense = DenseAssociativeMemory(n_neurons=100, degree=2, random_state=7).store(five).recall(damaged).states
hebb = HopfieldNetwork(n_neurons=100, random_state=7).store(five).recall(damaged).states
print("same final states:", (dense == hebb).all())

# %% [markdown] teacher
# **Answer.** They are identical. With $F(x) = x^2$ the energy difference that decides neuron $i$ is
# $\sum_\mu [(a_\mu + \xi^\mu_i)^2 - (a_\mu - \xi^\mu_i)^2] = 4 \sum_\mu \xi^\mu_i a_\mu$ with
# $a_\mu = \sum_{j \ne i} \xi^\mu_j s_j$, that is $4 \sum_j W_{ij} s_j$: the sign of the Hebbian field. Both
# models draw their visiting orders the same way from the same `random_state`, so they take the same steps.

# %% [markdown]
# **E2. Signal to noise.** Using `th.bit_error`, find for $N = 100$ the number of patterns at which 1% of the bits
# flip in one step, for $p = 2, 3, 4$. How do the ratios compare with $N^{p-1}$?

# %% student
# your code here

# %% teacher
for degree in (2, 3, 4):
    print(f"p = {degree}: {th.capacity(100, degree, 0.01):8.0f} patterns; N^(p-1) = {100 ** (degree - 1)}")

# %% [markdown] teacher
# **Answer.** About 19, 610 and 12,000 patterns: ratios of 32 and 20, not $N = 100$. Going from $p$ to $p + 1$
# multiplies the capacity by about $N / (2p - 1)$ (33 and 20): the noise variance carries the factor $(2p-3)!!$
# (1, 3, 15 for $p = 2, 3, 4$) from the moments of the overlap counts.

# %% [markdown]
# **E3. Basins.** A steeper $F$ stores more patterns from clean cues. Does it also repair more damage? For $N = 60$,
# $p = 3$ and $P = 100$ patterns, measure the fraction of exact recalls (`success_overlap=1.0`, asynchronous
# dynamics) at cue noise 0.1, 0.2, 0.3 and 0.4, and compare with $p = 2$ at $P = 6$ (each about 40% of its
# capacity of section 3).

# %% student
# your code here

# %% teacher
for degree, count in ((3, 100), (2, 6)):
    exact = [float(amsim.run("dense.retrieval", {"n_neurons": 60, "n_patterns": count, "degree": degree,
                                                 "noise": rho, "cues": 30, "success_overlap": 1.0},
                             trials=3, seed=4).success.mean()) for rho in (0.1, 0.2, 0.3, 0.4)]
    print(f"p = {degree}, P = {count}:", np.round(exact, 2))

# %% [markdown] teacher
# **Answer.** Both repair 10% noise almost always (about 95%). With more damage the memory with $p = 3$ loses its
# cues first (about 30% exact at 30% noise, against about 70% for $p = 2$). A steeper $F$ buys room for many more
# patterns, not wider basins: its field falls off faster with the distance from the pattern, so at the same
# fraction of its capacity its basins are narrower (Krotov & Hopfield discuss this trade-off).

# %% [markdown]
# **E4. How many patterns could 40 neurons hold?** With `theory.capacity_theory` of `dense-exponential-capacity`,
# find the number of patterns at which half the cues at 20% noise succeed, for $N = 40$ and $N = 80$. Compare
# with the Hopfield network ($0.138 N$) and with $p = 3$.

# %% student
# your code here

# %% teacher
for size in (40, 80):
    exponential = float(registry.theory("dense-exponential-capacity").fn(n_neurons=size, noise=0.2).capacity_theory)
    print(f"N = {size}: exponential {exponential:,.0f}; p = 3 {th.capacity(size, 3, 0.02):,.0f}; "
          f"Hopfield {0.138 * size:.0f}")

# %% [markdown] teacher
# **Answer.** About 7,600 patterns at $N = 40$ and 24 million at $N = 80$: 40 more neurons multiply the capacity
# by about 3,000, $e^{40 \times 0.2}$ (exponential growth at the rate $I(0.6) \approx 0.2$ per neuron). The
# polynomial memory with $p = 3$ (about 120 and 500, here from clean cues at 2% bit error) grows like $N^2$, the
# Hopfield network (6 and 11) like $N$. The price: each update touches every stored pattern, so the time per step
# grows with $P$ (the energy no longer reduces to $N^2$ couplings).

# %% [markdown]
# **E5. Temperature of attention.** Find the smallest $\beta$ at which one update of the query in section 5 is
# closer to R than to any other letter (overlap with R larger), and explain why a Transformer divides the scores
# by $\sqrt{d}$.

# %% student
# your code here

# %% teacher
for beta in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5):
    state = ModernHopfield(n_neurons=100, beta=beta).store(letters).recall(query, max_steps=1).states[0]
    overlaps = letters @ state / 100
    print(f"beta = {beta}: closest letter {symbols.names[overlaps.argmax()]}, overlap with R "
          f"{overlaps[symbols.names.index('R')]:.2f}")

# %% [markdown] teacher
# **Answer.** The weights are a softmax of $\beta$ times the overlap counts $x_\mu \cdot \xi$. R and P share most
# of their pixels, so the damaged R's count with R exceeds its count with P by only a few units; R wins only once
# $\beta$ times that gap is a few units, here from about $\beta = 0.1$ (below it the update is a blend closer to P).
# Scores $q \cdot k$ of random $d$-dimensional vectors spread like $\sqrt d$; dividing by
# $\sqrt d$ keeps the softmax from being either uniform or a hard maximum as $d$ changes, the role $\beta$ plays
# here.
