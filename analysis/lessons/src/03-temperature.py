# %% [markdown]
# # Lesson 3: Temperature and the phase diagram
#
# Real neurons are noisy. In this lesson the neurons of a Hopfield network fire at random with a bias set by their
# field, and a **temperature** $T$ sets how random. Too much noise melts the memories; with many memories the
# network can also freeze into a **spin glass** that resembles none of them. Amit, Gutfreund and Sompolinsky (1985,
# 1987) mapped where each happens: the phase diagram of the Hopfield network.
#
# **Learning goals.** After this lesson you can
#
# 1. state the Glauber (heat-bath) update rule and what the temperature does to it;
# 2. measure a melting curve $m(T)$ and compare it with the replica-symmetric theory;
# 3. draw the phase diagram (retrieval, spin glass, paramagnet) from the lines $T_M$, $T_g$, $T_c$ and place
#    simulations on it;
# 4. explain why slow cooling (annealing) avoids spurious states.
#
# **Time:** about 35 minutes. **You need:** Lessons 1 and 2.

# %% [markdown] teacher
# ## Notes for the teacher
#
# **Plan (35 min).** Section 1 (5 min): the heat-bath rule, with the limits $T \to 0$ and $T \to \infty$ on the
# board. Section 2 (10 min). Section 3 (8 min): stress that frozen is not remembering. Section 4 (12 min): project
# the phase diagram and walk through its regions with the class before the simulations are overlaid.
#
# **Points to make.** Noise is not only harmful: it lets the network escape spurious states (E2, E3), which is why
# annealing works. The three lines answer three different questions (freezing, existence of retrieval states, their
# global stability).
#
# **Common confusions.** $T_M$ and $T_c$ are often mixed up: between them retrieval states exist but are only
# metastable. Short runs near $T_M$ decay slowly, so the simulated melting looks smoother than the theory.
#
# **Exercises.** E1 is a reading exercise for class (3 min); E3 (mixtures melt first) is the best discussion starter;
# E2, E4 and E5 as homework.

# %%
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

import amsim
from amsim.classroom import save_figure, use_style
from amsim.families.hopfield import HopfieldNetwork, HopfieldParams
from amsim.io import param_coordinate
from amsim.patterns import random_patterns
from amsim.plotting import axis_label
from amsim.theory import hopfield_replica as rs

use_style()
rng = np.random.default_rng(11)

# %% [markdown]
# ## 1. Glauber dynamics
#
# At temperature $T$ a neuron visited in a sweep does not simply take the sign of its field $h_i$: it becomes $+1$
# with probability
#
# $$P(s_i = +1) = \frac{1}{1 + e^{-2 h_i / T}},$$
#
# the heat-bath rule of Glauber (1963). At $T = 0$ this is the sign rule of Lessons 1 and 2; at high $T$ the neuron
# ignores its field. The dynamics never stops, so we look at averages over sweeps.

# %%
field = np.linspace(-1.5, 1.5, 301)
fig, ax = plt.subplots(figsize=(4.5, 2.8))
for temperature in (0.05, 0.25, 0.5, 1.0, 2.0):
    ax.plot(field, 1 / (1 + np.exp(-2 * field / temperature)), label=f"T = {temperature}")
ax.set(xlabel="field $h_i$ [coupling units]", ylabel="probability of $s_i = +1$ [1]")
ax.legend(fontsize=7)
save_figure(fig, "03-glauber")

# %% [markdown]
# ## 2. Melting a memory
#
# We store $P = 0.05 N$ patterns in $N = 1000$ neurons, start Glauber dynamics in a stored pattern, and trace the
# overlap $m$ with it for 40 sweeps at several temperatures (`trace=True` adds `overlap_trace` with a `sweep` axis).

# %%
temperatures = np.round(np.arange(0.1, 1.25, 0.1), 2)
settings = {"n_neurons": 1000, "update": "glauber", "max_steps": 40, "trace": True, "cues": 4}


def melting(load):
    """hopfield.retrieval with Glauber dynamics from the stored patterns, for each temperature."""
    runs = [amsim.run("hopfield.retrieval", {**settings, "load": load, "temperature": float(t)}, trials=2, seed=3)
            for t in temperatures]
    return xr.concat(runs, dim=param_coordinate(HopfieldParams, "temperature", temperatures))


low = melting(0.05)
fig, ax = plt.subplots(figsize=(5, 3))
for t in (0.3, 0.5, 0.6, 0.9):
    ax.plot(low.sweep, low.overlap_trace.sel(temperature=t).mean(["trial", "cue"]), label=f"T = {t}")
ax.set(xlabel=axis_label(low.sweep), ylabel=axis_label(low.overlap_trace, 36), title="alpha = 0.05, N = 1000")
ax.legend(fontsize=7)
save_figure(fig, "03-traces")

# %% [markdown]
# After a few sweeps the overlap fluctuates around a stationary value: the thermal average $m(T)$ (just above the
# melting temperature the decay is slow, so 40 sweeps give only a rough value there). We average the trace over
# sweeps 20-40 and compare with the retrieval state of the replica-symmetric theory,
# `rs.rs_finite_temperature(alpha, T)["m"]`, which exists only below the melting temperature $T_M(\alpha)$
# (`rs.retrieval_temperature`).

# %%
high = melting(0.1)
fine = np.linspace(0.01, 1.2, 120)
fig, ax = plt.subplots(figsize=(5, 3))
for load, data in ((0.05, low), (0.1, high)):
    average = data.overlap_trace.isel(sweep=slice(20, None)).mean(["sweep", "cue"])
    ax.errorbar(temperatures, average.mean("trial"), average.std("trial") / np.sqrt(average.sizes["trial"]),
                marker="o", ls="none", label=f"simulation, alpha = {load}")
    ax.plot(fine, rs.rs_finite_temperature(load, fine)["m"], color="black")
    ax.axvline(float(rs.retrieval_temperature(load)), color="black", ls=":")
ax.set(xlabel=axis_label(low["temperature"]), ylabel="time-averaged overlap m [1]",
       title="Melting curves, N = 1000: replica theory (lines), T_M (dotted)")
ax.legend(fontsize=7)
save_figure(fig, "03-melting")

# %% [markdown]
# ## 3. Freezing without remembering: the spin glass
#
# With many stored patterns the crosstalk acts like random couplings. Below $T_g = 1 + \sqrt{\alpha}$ the neurons
# freeze into states that overlap with *no* pattern. The experiment `hopfield.glass` starts from random states,
# runs half of `max_steps` as burn-in and averages each spin over the rest: the Edwards-Anderson order
# $q = \frac{1}{N}\sum_i \langle s_i \rangle^2$ is about 0 in the paramagnet (spins flip at random) and positive when
# they freeze.

# %%
glass_temperatures = np.round(np.arange(0.6, 1.85, 0.2), 2)
glass_settings = {"n_neurons": 1000, "load": 0.1, "update": "glauber", "max_steps": 60, "cues": 4}
glass = xr.concat([amsim.run("hopfield.glass", {**glass_settings, "temperature": float(t)}, trials=2, seed=3)
                   for t in glass_temperatures],
                  dim=param_coordinate(HopfieldParams, "temperature", glass_temperatures))
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(glass_temperatures, glass.edwards_anderson.mean(["trial", "cue"]), "o", label="q, simulation")
ax.plot(glass_temperatures, glass.max_overlap.mean(["trial", "cue"]), "s", label="largest |m|, simulation")
ax.plot(fine + 0.6, rs.rs_spin_glass_state(0.1, fine + 0.6)["q"], color="black", label="q, replica theory")
ax.axvline(float(rs.spin_glass_temperature(0.1)), color="black", ls=":", label="T_g = 1 + sqrt(alpha)")
ax.set(xlabel=axis_label(glass["temperature"]), ylabel="order parameter [1]", title="Random starts, alpha = 0.1")
ax.legend(fontsize=7)
save_figure(fig, "03-spin-glass")

# %% [markdown]
# Below $T_g$ the spins freeze ($q > 0$) while the largest overlap with a stored pattern stays small: frozen, but no
# memory. (Short runs of a finite network put the simulated $q$ a few hundredths above the theory; above $T_g$ that
# bias is all there is.)
#
# ## 4. The phase diagram
#
# The replica theory draws three lines in the (load, temperature) plane:
#
# * $T_g(\alpha) = 1 + \sqrt{\alpha}$: above it the **paramagnet**, below it the spin glass;
# * $T_M(\alpha)$: below it **retrieval states** exist (at first as metastable states, beside the spin glass);
# * $T_c(\alpha)$: below it the retrieval states are the **global** minima of the free energy.
#
# We draw them and place a coarse grid of simulations on top: $N = 500$, Glauber dynamics for 30 sweeps from 8
# stored patterns, this time with the model itself (`HopfieldNetwork.recall`) instead of a registered experiment.

# %%
grid_loads = [0.04, 0.07, 0.10, 0.13, 0.16]
grid_temperatures = np.round(np.arange(0.1, 1.05, 0.15), 2)
grid = np.empty((len(grid_loads), len(grid_temperatures)))
for i, load in enumerate(grid_loads):
    patterns = random_patterns(round(load * 500), 500, rng)
    network = HopfieldNetwork(n_neurons=500, random_state=5).store(patterns)
    for j, temperature in enumerate(grid_temperatures):
        ends = network.recall(patterns[:8], update="glauber", temperature=temperature, max_steps=30).states
        grid[i, j] = network.overlaps(ends).diagonal().mean()       # overlap of each end with its own start

loads = np.linspace(0, 0.17, 86)
line_temperatures = np.linspace(0, 0.99, 25)
fig, ax = plt.subplots(figsize=(5.5, 4))
ax.plot(loads, rs.spin_glass_temperature(loads), color="black", label="T_g")
ax.plot(rs.retrieval_load(line_temperatures), line_temperatures, color="black", ls="--", label="T_M")
ax.plot(rs.global_minimum_load(line_temperatures[::3]), line_temperatures[::3], color="black", ls=":", label="T_c")
points = ax.scatter(np.repeat(grid_loads, len(grid_temperatures)), np.tile(grid_temperatures, len(grid_loads)),
                    c=grid.ravel(), cmap="viridis", vmin=0, vmax=1, edgecolors="black", zorder=3)
fig.colorbar(points, ax=ax, label="overlap after 30 Glauber sweeps [1]")
for x, y, text in ((0.04, 1.3, "paramagnet"), (0.145, 1.15, "spin glass"), (0.018, 0.3, "retrieval\n(global)"),
                   (0.085, 0.175, "retrieval (metastable)")):
    ax.text(x, y, text, fontsize=7, ha="center", va="center", bbox={"facecolor": "white", "alpha": 0.8, "lw": 0})
ax.set(xlabel="load alpha = P / N [1]", ylabel="temperature T [coupling units]", xlim=(0, 0.17), ylim=(0, 1.45),
       title="Hopfield phase diagram: replica theory and simulation")
ax.legend(loc="upper right", fontsize=7)
save_figure(fig, "03-phase-diagram")

# %% [markdown]
# The simulated memories melt where the theory's $T_M$ line says (up to finite-size blur); the committed study
# `analysis/hopfield-phase-diagram` does the same on a fine grid with $N = 2000$.
#
# ## Exercises
#
# **E1. Read the diagram.** At $\alpha = 0.05$ and $T = 0.4$, and at $\alpha = 0.1$ and $T = 0.4$: does the network
# retrieve? Predict from the diagram, then check each with one `amsim.run` (Glauber, started in the patterns).

# %% student
# your code here

# %% teacher
for load in (0.05, 0.1):
    check = amsim.run("hopfield.retrieval", {"n_neurons": 1000, "load": load, "update": "glauber", "temperature": 0.4,
                                             "max_steps": 40, "cues": 4}, trials=2, seed=9)
    print(f"alpha = {load}: T_M = {float(rs.retrieval_temperature(load)):.2f}, "
          f"simulated overlap {float(check.overlap.mean()):.2f}")

# %% [markdown] teacher
# **Answer.** $T_M(0.05) = 0.54 > 0.4$: the memory survives (overlap about 0.95). $T_M(0.1) = 0.32 < 0.4$: it
# melts, the overlap falls to the level of a random state in a frozen or paramagnetic phase (about 0.2).

# %% [markdown]
# **E2. Anneal or quench?** Store $P = 10$ patterns in $N = 500$ neurons. From 40 random states, (a) *quench*:
# recall with `update="async"` (T = 0); (b) *anneal*: recall with `update="glauber", temperature=0.05,
# anneal_from=1.2, max_steps=100`, cooling from T = 1.2. How often does each end near a stored pattern (largest
# |overlap| above 0.9)? Why?

# %% student
# your code here

# %% teacher
ten = random_patterns(10, 500, rng)
small = HopfieldNetwork(n_neurons=500, random_state=1).store(ten)
starts = random_patterns(40, 500, rng)
for name, settled in (("quench", small.recall(starts, update="async")),
                      ("anneal", small.recall(starts, update="glauber", temperature=0.05, anneal_from=1.2,
                                              max_steps=100))):
    near = np.abs(small.overlaps(settled.states)).max(axis=1) > 0.9
    print(f"{name}: {near.mean():.0%} end near a stored pattern")

# %% [markdown] teacher
# **Answer.** Quenching stops in the first minimum it meets, often a mixture or another spurious state; annealing
# finds a stored pattern (or its inverse) almost every time. Spurious states are shallower: they become unstable at
# lower temperatures than the retrieval states (the 3-mixture below $T = 0.46$ at small load, E3), so while the
# network cools through that range, only the retrieval states remain attractive.

# %% [markdown]
# **E3. Mixtures melt first.** Store 5 random patterns in 1000 neurons and start Glauber dynamics (100 sweeps) from
# the 3-mixture $\mathrm{sign}(\xi^1 + \xi^2 + \xi^3)$ at $T = 0.2$ and at $T = 0.55$. Compare the final overlaps
# with the three patterns with `mixture_stability_temperature(3)`.

# %% student
# your code here

# %% teacher
from amsim.theory.hopfield_mixtures import mixture_stability_temperature

five = random_patterns(5, 1000, rng)
lightly = HopfieldNetwork(n_neurons=1000, random_state=1).store(five)
mixed = np.repeat(np.sign(five[:3].sum(axis=0)).astype(np.int8)[None], 10, axis=0)
for temperature in (0.2, 0.55):
    ends = lightly.recall(mixed, update="glauber", temperature=temperature, max_steps=100).states
    print(f"T = {temperature}: |overlaps| with the three, sorted and averaged over 10 runs:",
          np.sort(np.abs(lightly.overlaps(ends)[:, :3]), axis=1).mean(axis=0).round(2))
print(f"the symmetric 3-mixture is stable below T = {mixture_stability_temperature(3):.2f} (alpha -> 0)")

# %% [markdown] teacher
# **Answer.** At $T = 0.2$ the state stays a mixture (three overlaps near 0.5). At $T = 0.55$, above the mixture's
# stability temperature 0.46 but below the pure states' $T_M \approx 0.86$, it falls into one of the three patterns
# (one overlap near 0.9, the others near 0). In a finite network the mixture escapes a little below 0.46 already:
# try $T = 0.3$ and 0.4.

# %% [markdown]
# **E4. Glauber or Metropolis?** Metropolis dynamics (`update="metropolis"`) flips a neuron with probability
# $\min(1, e^{-\Delta E / T})$ instead. Run the melting point $\alpha = 0.05$, $T = 0.45$ with both. Should the
# time-averaged overlaps agree? Do they?

# %% student
# your code here

# %% teacher
for update in ("glauber", "metropolis"):
    both = amsim.run("hopfield.retrieval", {"n_neurons": 500, "load": 0.05, "update": update, "temperature": 0.45,
                                            "max_steps": 60, "trace": True, "cues": 5}, trials=2, seed=4)
    print(f"{update:10s}: overlap averaged over sweeps 30-60: {float(both.overlap_trace[..., 30:].mean()):.3f}")

# %% [markdown] teacher
# **Answer.** They should, and do within the noise (about 0.94 each): both rules satisfy detailed balance with the
# same Boltzmann distribution, so their equilibrium averages are equal. They differ in how fast they get there
# (Metropolis flips more readily), which shows in the traces, not in the averages.

# %% [markdown]
# **E5. Why $1 + \sqrt{\alpha}$?** At $\alpha = 0$ the network freezes below $T = 1$, into a stored pattern. Why does
# more crosstalk raise the freezing temperature $T_g$ rather than lower it?

# %% [markdown] teacher
# **Answer.** Freezing needs strong couplings, not useful ones. The crosstalk from many patterns adds random
# couplings of typical strength $\sqrt{\alpha}$ on top of the stored structure, like the couplings of the
# Sherrington-Kirkpatrick spin glass, which freezes below a temperature equal to their strength. More patterns:
# stronger random couplings, higher freezing temperature, and the frozen states are glassy instead of memories.
