# %% [markdown]
# # Lesson 2: Capacity and the 0.138 limit
#
# A network of $N$ neurons cannot store an unlimited number of patterns. In this lesson you measure how retrieval
# breaks down as the **load** $\alpha = P/N$ grows, and compare the measurements with the replica theory of Amit,
# Gutfreund and Sompolinsky (1985), which predicts a sharp limit at $\alpha_c = 0.138$.
#
# **Learning goals.** After this lesson you can
#
# 1. explain the crosstalk noise of the Hebbian field and estimate the fraction of unstable neurons from it;
# 2. tell "every stored pattern is an exact fixed point" apart from "the network retrieves its patterns";
# 3. run an experiment over a grid of loads and sizes, and read a capacity off it with an error bar;
# 4. compare a simulation with the replica-symmetric theory, and explain the finite-size differences.
#
# **Time:** about 30 minutes. **You need:** Lesson 1; the normal distribution.

# %% [markdown] teacher
# ## Notes for the teacher
#
# **Plan (30 min).** Section 1 (7 min): derive the Gaussian crosstalk on the board ($P N$ terms of size $1/N$) before
# the histogram appears. Section 2 (6 min). Section 3 (12 min): the central figure; ask the class to predict where the
# $N = 200$ curve falls off compared with $N = 1000$. Section 4 (5 min), or skip it when short of time.
#
# **Points to make.** Two different questions have two different answers: "is every stored pattern an exact fixed
# point?" (no, already far below 0.138) and "does the network stay close to the pattern?" (yes, up to
# $\alpha_c \approx 0.138$). The theory is for $N \to \infty$; finite networks blur the transition.
#
# **Common confusions.** "0.138 patterns per neuron" is not a hard wall in small networks (E5). The overlap just
# below $\alpha_c$ is about 0.97, not 1: retrieval tolerates a few percent of wrong neurons.
#
# **Exercises.** E1 and E4 are short calculations for class; E2, E3 and E5 need simulation time and suit homework.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from scipy.special import ndtr

import amsim
from amsim import registry
from amsim.classroom import save_figure, use_style
from amsim.families.hopfield import HopfieldParams
from amsim.io import param_coordinate
from amsim.measures import capacity
from amsim.patterns import random_patterns
from amsim.plotting import axis_label
from amsim.theory import hopfield_replica as rs

use_style()
rng = np.random.default_rng(7)
work = Path(tempfile.mkdtemp())                          # this lesson's files go here

# %% [markdown]
# ## 1. Signal and crosstalk
#
# In Lesson 1 the field on neuron $i$ in stored pattern $\mu$ was a signal of about 1 plus crosstalk from the other
# patterns. For random patterns the crosstalk is a sum of about $P N$ random terms $\pm 1/N$: nearly Gaussian,
# with mean 0 and variance $P/N = \alpha$. A neuron is **unstable** when the crosstalk beats the signal,
# $\xi_i h_i < 0$, which happens with probability about $\Phi(-1/\sqrt{\alpha})$ ($\Phi$ is the standard normal
# distribution function, `scipy.special.ndtr`).

# %%
n = 1000
fig, ax = plt.subplots(figsize=(5, 3))
for alpha in (0.05, 0.138, 0.3):
    xi = random_patterns(round(alpha * n), n, rng).astype(float)
    hebb = xi.T @ xi - len(xi) * np.eye(n)               # Hebb's W with a zero diagonal
    aligned = (xi * (xi @ hebb) / n).ravel()             # xi_i h_i of every pattern and neuron
    ax.hist(aligned, bins=80, density=True, histtype="step", label=f"alpha = {alpha}")
    print(f"alpha = {alpha}: unstable neurons {np.mean(aligned < 0):.4f}, "
          f"Gaussian estimate {ndtr(-1 / np.sqrt(alpha)):.4f}")
ax.axvline(0, color="black", lw=0.8)
ax.set(xlabel="aligned field $\\xi_i h_i$ [coupling units]", ylabel="density [1 / coupling unit]",
       title=f"Signal 1 plus crosstalk of variance alpha (N = {n})")
ax.legend()
save_figure(fig, "02-crosstalk")

# %% [markdown]
# ## 2. Exact fixed points
#
# The experiment `hopfield.stability` stores $P = \alpha N$ random patterns in independent networks (`trials`) and
# counts the stored patterns that are exact fixed points: not a single unstable neuron. `amsim.run` returns an
# xarray Dataset whose variables carry their description and units; we stack the runs along a `load` coordinate
# labelled from the parameter's own declaration (`param_coordinate`).

# %%
loads = np.round(np.arange(0.01, 0.31, 0.02), 2)
stability = xr.concat([amsim.run("hopfield.stability", {"n_neurons": 400, "load": float(a)}, trials=5, seed=1)
                       for a in loads], dim=param_coordinate(HopfieldParams, "load", loads))
print(stability.stable_fraction.attrs, stability["load"].attrs)

fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(loads, stability.stable_fraction.mean("trial"), "o", label="simulation, N = 400")
ax.plot(loads, ndtr(1 / np.sqrt(loads)) ** 400, label="no neuron unstable, independent neurons")
ax.axvline(rs.critical_load()[0], color="black", ls=":", label="alpha_c = 0.138")
ax.set(xlabel=axis_label(stability["load"]), ylabel=axis_label(stability.stable_fraction, 36))
ax.legend(fontsize=7)
save_figure(fig, "02-fixed-points")

# %% [markdown]
# Exact fixed points thin out well before $\alpha = 0.138$: with 400 neurons only about a third of the stored
# patterns are still exact fixed points at $\alpha_c$, and in larger networks even fewer (exercise E2). Yet the
# network still *retrieves*: started from a pattern, it flips its few unstable neurons and settles in a nearby
# state. So we measure retrieval instead.
#
# ## 3. Retrieval against the load, for two sizes
#
# `hopfield.retrieval` starts asynchronous zero-temperature dynamics from stored patterns (`noise = 0`) and records
# the final overlap $m$ with the cued pattern and `success` ($m \ge 0.9$). We run it over a grid of loads for
# $N = 200$ and $N = 1000$, with the settings of the model card `hopfield/ags1985`.

# %%
sizes = [200, 1000]
loads = np.round(np.arange(0.04, 0.25, 0.02), 2)
runs = [[amsim.run("hopfield.retrieval", {"n_neurons": size, "load": float(a), "cues": 5}, card="hopfield/ags1985",
                   trials=6, seed=1) for size in sizes] for a in loads]
axes = [param_coordinate(HopfieldParams, "load", loads), param_coordinate(HopfieldParams, "n_neurons", sizes)]
retrieval = xr.combine_nested(runs, concat_dim=axes, combine_attrs="override")
retrieval

# %% [markdown]
# The replica-symmetric theory gives the overlap of the retrieval state, $m(\alpha)$, up to $\alpha_c$, where the
# retrieval state disappears. In a terminal, `amsim theory hopfield-rs load=0:0.14:57` evaluates this registered
# theory on a grid of loads and saves the Dataset; from Python the registry gives the same function.

# %%
theory = registry.theory("hopfield-rs").fn(load=np.linspace(0, 0.14, 57))
print(theory.overlap_theory.attrs, {k: round(v, 4) for k, v in theory.attrs.items() if k in ("alpha_c", "m_c")})

fig, (top, bottom) = plt.subplots(2, 1, figsize=(5, 5), sharex=True)
mean = retrieval.mean(["trial", "cue"])
error = retrieval.std(["trial", "cue"]) / np.sqrt(retrieval.sizes["trial"] * retrieval.sizes["cue"])
for size in sizes:
    top.errorbar(loads, mean.overlap.sel(n_neurons=size), error.overlap.sel(n_neurons=size), marker="o",
                 ls="none", label=f"simulation, N = {size}")
    bottom.plot(loads, mean.success.sel(n_neurons=size), marker="o", label=f"N = {size}")
top.plot(theory["load"], theory.overlap_theory, color="black", label="replica theory")
alpha_c, m_c = rs.critical_load()
for ax in (top, bottom):
    ax.axvline(alpha_c, color="black", ls=":")
top.set(ylabel=axis_label(retrieval.overlap, 36), ylim=(0.3, 1.02))
bottom.set(xlabel=axis_label(retrieval["load"]), ylabel=axis_label(retrieval.success, 36))
top.legend(fontsize=7)
bottom.legend(fontsize=7)
save_figure(fig, "02-capacity")

# %% [markdown]
# Below $\alpha_c$ the overlap follows the theory: retrieval is nearly perfect, with a small fraction
# $(1 - m)/2$ of wrong neurons. Above it the retrieval state vanishes and the network drifts far from the pattern.
# Small networks blur the transition. `amsim.measures.capacity` finds the load at which half of the retrievals
# fail, with a bootstrap interval over the independent networks:

# %%
found = capacity(retrieval, along="load", var="success")
for size in sizes:
    c = found.sel(n_neurons=size)
    print(f"N = {size:4d}: capacity {float(c.capacity):.3f}  "
          f"[{float(c.capacity_low):.3f}, {float(c.capacity_high):.3f}]")
print(f"replica theory (N -> infinity): alpha_c = {alpha_c:.4f}, m_c = {m_c:.4f}, "
      f"wrong neurons just below alpha_c {float(rs.retrieval_error_fraction(0.1379)):.3f}")

# %% [markdown]
# ## 4. The same grid as a study
#
# A grid like this is a **study**: a small TOML file that `amsim sweep` (or `amsim.sweep` from Python) runs in
# parallel, saving every finished task so that an interrupted sweep can resume. The quickstart study of the
# project, `analysis/hopfield-capacity`, is the grid above with 20 networks per point and four sizes up to
# $N = 2000$ (about a minute on a laptop: run `bash scripts/quickstart.sh` at home). `amsim.load_study` reads and
# checks a study without running it:

# %%
(work / "capacity").mkdir()
(work / "capacity" / "study.toml").write_text("""
experiment = "hopfield.retrieval"
card = "hopfield/ags1985"
title = "Lesson 2: retrieval against the load for two sizes"
seed = 1
trials = 6
theory = "hopfield-rs"

[params]
cues = 5

[axes]
load = { start = 0.04, stop = 0.24, num = 11 }
n_neurons = [200, 1000]
""")
study = amsim.load_study(work / "capacity")
print(study.experiment, "over", list(study.axes), "=", len(study.tasks), "tasks of", study.trials, "networks")

# %% [markdown]
# ## Exercises
#
# **E1. Unstable neurons at the limit.** Use the Gaussian estimate to predict the fraction of unstable neurons of a
# stored pattern at $\alpha = 0.138$, and compare it with the fraction of wrong neurons of the retrieval state that
# the theory gives there (`rs.retrieval_error_fraction`). Which is larger, and why?

# %% student
# your code here

# %% teacher
print(f"unstable in the stored pattern: {ndtr(-1 / np.sqrt(0.138)):.4f}")
print(f"wrong in the retrieval state:   {float(rs.retrieval_error_fraction(0.1379)):.4f}")

# %% [markdown] teacher
# **Answer.** 0.4% of the neurons of a stored pattern are unstable, but the retrieval state has about 1.6% wrong
# neurons. Each flip changes the fields of all other neurons and makes further flips more likely: the errors
# feed back (the replica theory includes this through the order parameter $r$). Near $\alpha_c$ this feedback runs
# away and the retrieval state disappears.

# %% [markdown]
# **E2. When do exact fixed points run out?** Treating the neurons as independent, all $N$ neurons of a pattern are
# stable with probability $\Phi(1/\sqrt{\alpha})^N$. Find the load at which this falls to 1/2 for $N = 400$ and
# for $N = 10^6$. Compare with the figure of section 2. What happens as $N \to \infty$?

# %% student
# your code here

# %% teacher
grid = np.linspace(0.005, 0.3, 30_000)
for size in (400, 10**6):
    half = grid[np.argmax(ndtr(1 / np.sqrt(grid)) ** size < 0.5)]
    print(f"N = {size:>7d}: half of the patterns are exact fixed points up to alpha = {half:.4f}, "
          f"1 / (2 ln N) = {1 / (2 * np.log(size)):.4f}")

# %% [markdown] teacher
# **Answer.** About 0.12 at $N = 400$, close to where the simulated fraction crosses 1/2, and 0.043 at
# $N = 10^6$. The load up to which stored patterns are exact fixed points falls like $1/(2 \ln N)$ (McEliece et al.
# 1987; the estimate approaches it slowly) and goes to zero for large networks, whereas retrieval with a few percent
# of errors works up to 0.138 at any size.

# %% [markdown]
# **E3. Damaged cues.** Repeat the retrieval grid for $N = 200$ with `noise = 0.1` and with `noise = 0.3` (10% or
# 30% of each cue flipped). Does the capacity change? Why only a little for 10%?

# %% student
# your code here

# %% teacher
for noise in (0.1, 0.3):
    noisy = xr.concat([amsim.run("hopfield.retrieval", {"n_neurons": 200, "load": float(a), "cues": 5, "noise": noise},
                                 card="hopfield/ags1985", trials=6, seed=2) for a in loads],
                      dim=param_coordinate(HopfieldParams, "load", loads))
    print(f"N = 200, noise {noise}: capacity {float(capacity(noisy).capacity):.3f} "
          f"(clean cues: {float(found.capacity.sel(n_neurons=200)):.3f})")

# %% [markdown] teacher
# **Answer.** With 10% noise it drops only a little: below $\alpha_c$ the basin of the retrieval state is wide enough to
# hold such a cue, and the capacity is where the retrieval state itself disappears, which does not depend on the
# cue. With 30% noise the basins, which shrink as the load grows, lose the cues well before $\alpha_c$.

# %% [markdown]
# **E4. Bits per synapse.** How many random patterns can a network of $N = 10{,}000$ neurons retrieve? Each neuron
# receives $N - 1$ synapses. How many bits of information does the network store per synapse at capacity?

# %% student
# your code here

# %% teacher
size = 10_000
patterns = alpha_c * size
print(f"about {patterns:.0f} patterns, {patterns * size / (size * (size - 1)):.3f} bits per synapse")

# %% [markdown] teacher
# **Answer.** About 1,380 patterns of 10,000 bits each: $0.138 N^2$ bits in $N(N - 1)$ synapses, 0.14 bits per
# synapse (a little less, since about 1.6% of the retrieved bits are wrong). Gardner (1988) showed that no learning
# rule can store more than $2N$ random patterns, 2 bits per synapse: Hebb's rule is simple and local, not optimal.

# %% [markdown]
# **E5. Finite size.** In section 3 the small network seems to store *more* than 0.138 patterns per neuron. Look at
# `retrieval.overlap` above $\alpha_c$ for $N = 200$: is the retrieval there as good as below $\alpha_c$? Where
# would the two success curves meet as $N$ grows?

# %% [markdown] teacher
# **Answer.** Above $\alpha_c$ the small network still ends near the pattern by chance (overlaps 0.9 and more are
# likely when there are few neurons and the metastable states are close to the pattern), but these are not
# retrieval states of the large-$N$ theory. As $N$ grows the success curves steepen and their crossing points move
# down toward $\alpha_c$: the study `analysis/hopfield-finite-size` extrapolates them to 0.140 [0.139, 0.141] for
# $N \to \infty$.
