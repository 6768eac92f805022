# %% [markdown]
# # Lesson 1: Hebbian storage and recall
#
# A Hopfield network stores memories in the strengths of the connections between its neurons and recalls a whole
# memory from a damaged part of it. In this lesson you store letters in a network of 100 neurons, damage them,
# watch the network repair them, and then break the network by asking too much of it.
#
# **Learning goals.** After this lesson you can
#
# 1. write down Hebb's rule and compute the couplings it gives;
# 2. say when a stored pattern is a fixed point of the dynamics, and check it;
# 3. follow a recall update by update, and explain why the energy never rises;
# 4. recognise spurious and mixture states, and say why too many, or too similar, memories create them.
#
# **Time:** about 30 minutes. **You need:** NumPy arrays and the matrix product.

# %% [markdown] teacher
# ## Notes for the teacher
#
# **Plan (30 min).** Sections 1-2 (8 min): draw two 3-neuron patterns on the board and compute $W$ by hand before
# running the cell. Section 3 (8 min): let the class guess how many sweeps recall takes before showing the traces; the
# update-by-update figure is the one to project. Section 4 (4 min). Section 5 (10 min): ask "what should happen if
# every letter were a fixed point?" before running it.
#
# **Points to make.** The memory is *in the couplings*, not in any one neuron; recall is a descent in energy, so it
# stops, but not necessarily at the right place. Capacity figures (0.138 N) are about random patterns; letters fail
# much earlier because they are correlated (E3 makes this concrete).
#
# **Common confusions.** Students expect the network to "look up" the closest letter; the spurious states of section 5
# show it does not. Some read $m = 0.5$ as "half recalled": it is the overlap with each of three patterns at once.
#
# **Exercises.** E1 and E2 fit in class (5 min each); E3-E5 as homework. E2's synchronous 2-cycles are a good
# discussion point on why the energy argument needs one neuron at a time.

# %%
import matplotlib.pyplot as plt
import numpy as np

from amsim import datasets
from amsim.classroom import save_figure, show_patterns, use_style
from amsim.families.hopfield import HopfieldNetwork
from amsim.patterns import corrupt, random_patterns
from amsim.theory.hopfield_mixtures import mixture_overlap

use_style()
rng = np.random.default_rng(2024)

# %% [markdown]
# ## 1. The memories
#
# Each letter is a 10 x 10 bitmap: ink is +1, paper is -1. Flattened row by row it is a pattern
# $\xi = (\xi_1, \dots, \xi_N)$ of $N = 100$ values $\pm 1$, one for each neuron of the network.

# %%
letters = datasets.letters()
print(letters.patterns.shape, letters.patterns.dtype)
fig = show_patterns(letters.patterns, letters.shape, letters.names, title="26 letters: patterns of N = 100 pixels")
save_figure(fig, "01-letters")

# %% [markdown]
# ## 2. Hebb's rule
#
# "Neurons that fire together wire together": to store patterns $\xi^1, \dots, \xi^P$, the coupling between
# neurons $i$ and $j$ counts the patterns in which they agree minus those in which they disagree,
#
# $$W_{ij} = \sum_{\mu=1}^{P} \xi_i^\mu \xi_j^\mu \quad (i \ne j), \qquad W_{ii} = 0 .$$
#
# Each neuron feels the field $h_i = \frac{1}{N} \sum_j W_{ij} s_j$ and aligns with it: $s_i \leftarrow
# \mathrm{sign}(h_i)$. A stored pattern is a **fixed point** when every neuron already agrees with its field,
# $\xi_i h_i > 0$ for all $i$. We store five letters (`engine="dense"` keeps the matrix $W$ so that we can look at it).

# %%
stored = datasets.letters("ALCXT")
xi = stored.patterns                                     # (5, 100) int8, +1 ink, -1 paper
net = HopfieldNetwork(n_neurons=100, engine="dense", random_state=0).store(xi)
W = net.weights_                                         # (100, 100) integer counts
print("W:", W.shape, W.dtype, "values from", W.min(), "to", W.max())

fields = xi @ W.astype(float) / 100                      # h for each stored letter, (5, 100)
print("smallest xi_i h_i per letter:", (xi * fields).min(axis=1).round(2))
print("fixed points:", stored.names, net.stable())

fig, ax = plt.subplots(figsize=(3.2, 2.6))
image = ax.imshow(W, cmap="RdBu_r", vmin=-5, vmax=5, interpolation="nearest")
fig.colorbar(image, ax=ax, label="$W_{ij}$ [stored patterns]")
ax.set(title="Hebbian couplings of A, L, C, X, T", xlabel="neuron j", ylabel="neuron i")
save_figure(fig, "01-weights")

# %% [markdown]
# The field of neuron $i$ in stored pattern $\mu$ is $\xi_i^\mu (1 - 1/N)$, the **signal**, plus the **crosstalk**
# $\frac{1}{N}\sum_{\nu \ne \mu} \xi_i^\nu \sum_{j \ne i} \xi_j^\nu \xi_j^\mu$ from the other patterns. The pattern is a
# fixed point as long as the crosstalk never outweighs the signal.
#
# ## 3. Recall from a damaged cue
#
# We flip 30 of the 100 pixels of every letter and let the network run. `update="async"` visits the neurons one at
# a time in random order; one **sweep** visits each of them once. `trace=True` records the overlap
# $m = \frac{1}{N}\sum_i \xi_i s_i$ with the letter (1: perfect, 0: unrelated) and the energy after every sweep.

# %%
cues = corrupt(xi, 0.3, rng)                             # exactly 30 pixels flipped in each letter
result = net.recall(cues, update="async", trace=True, max_steps=5)
print("sweeps that changed the state:", result.steps, " fixed point reached:", result.converged)
fig = show_patterns(np.concatenate([cues, result.states]), stored.shape,
                    [f"cue {n}" for n in stored.names] + ["recalled"] * 5, columns=5,
                    title="30% of the pixels flipped (top), after recall (bottom)")
save_figure(fig, "01-recall")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 2.8))
for name, overlap, energy in zip(stored.names, result.overlap_trace, result.energy_trace, strict=True):
    left.plot(overlap, marker="o", label=name)
    right.plot(energy, marker="o", label=name)
left.set(xlabel="sweep (0: the cue)", ylabel="overlap m with the letter [1]", ylim=(0, 1.05))
right.set(xlabel="sweep (0: the cue)", ylabel="energy per neuron [coupling units]")
left.legend(ncols=5, fontsize=7)
fig.tight_layout()
save_figure(fig, "01-traces")

# %% [markdown]
# One sweep was enough. To see what happens *inside* a sweep, we update the neurons one by one ourselves, exactly as
# `recall` does: a neuron takes the sign of its field, and a field of exactly zero leaves it as it is. We take the
# letter A with 40% of its pixels flipped and keep a snapshot every 20 updates.

# %%
s = corrupt(xi[:1], 0.4, rng)[0].copy()
snapshots, titles = [s.copy()], ["cue"]
for k, i in enumerate(rng.permutation(100), start=1):
    field = W[i] @ s
    if field != 0:
        s[i] = 1 if field > 0 else -1
    if k % 20 == 0:
        snapshots.append(s.copy())
        titles.append(f"{k} updates")
snapshots = np.array(snapshots)
energies = net.energy(snapshots)
fig = show_patterns(snapshots, stored.shape, [f"{t}\nE = {e:.3f}" for t, e in zip(titles, energies, strict=True)],
                    title="One sweep of asynchronous updates, 20 neurons at a time")
save_figure(fig, "01-one-sweep")

# %% [markdown]
# ## 4. How much damage can the network repair?
#
# The set of cues that end in a memory is its **basin of attraction**. We cue each letter 40 times at each level of
# damage and count perfect recalls.

# %%
noise_levels = np.linspace(0, 0.5, 11)
repeated = np.repeat(xi, 40, axis=0)                     # 40 copies of each letter
success = np.array([(net.recall(corrupt(repeated, noise, rng)).states == repeated).all(axis=1).reshape(5, 40)
                    .mean(axis=1) for noise in noise_levels])
fig, ax = plt.subplots(figsize=(4.5, 3))
ax.plot(noise_levels, success, marker="o", label=list(stored.names))
ax.set(xlabel="fraction of pixels flipped in the cue [1]", ylabel="perfect recalls [fraction]")
ax.legend(fontsize=7)
save_figure(fig, "01-basins")

# %% [markdown]
# ## 5. Asking too much: spurious and mixture states
#
# Now we store all 26 letters in the same 100 neurons and start the network *from the undamaged letters*. If
# every letter were a fixed point, nothing would move.

# %%
every = HopfieldNetwork(n_neurons=100, random_state=0).store(letters.patterns)
print(every.stable().sum(), "of 26 letters are fixed points")
final = every.recall(letters.patterns).states
overlaps = every.overlaps(final)                         # (26 starts, 26 letters)
closest = overlaps.argmax(axis=1)
fig = show_patterns(final, letters.shape,
                    [f"{a}: {letters.names[b]} {overlaps[k, b]:.2f}" for k, (a, b) in
                     enumerate(zip(letters.names, closest, strict=True))],
                    title="Started from each letter, 26 stored: where the network ends (closest letter, overlap)")
save_figure(fig, "01-overload")

# %% [markdown]
# Almost every letter slides into a few blobs that are *not* any stored letter: **spurious states**. Letters share
# most of their paper (the mean pixel is -0.1, and O and Q overlap by 0.84), so their crosstalk adds up instead of
# averaging out.
#
# Even random, uncorrelated patterns make spurious states. The best known is the **mixture**
# $\mathrm{sign}(\xi^1 + \xi^2 + \xi^3)$: it agrees with each of the three patterns on 3/4 of the neurons, and
# Amit, Gutfreund and Sompolinsky (1985) showed that it is a fixed point with overlap 1/2 with each of them
# (`amsim.theory.hopfield_mixtures.mixture_overlap(3, 0.0)`).

# %%
patterns = random_patterns(10, 1000, rng)                # 10 random patterns, N = 1000: a light load
big = HopfieldNetwork(n_neurons=1000, random_state=1).store(patterns)
mixture = np.sign(patterns[:3].sum(axis=0)).astype(np.int8)
settled = big.recall(mixture[None]).states
print("overlaps of the settled mixture with the 10 patterns:", big.overlaps(settled).round(2))
print("theory for the three:", float(mixture_overlap(3, 0.0)))

# %% [markdown]
# ## Exercises
#
# **E1. Hebb by hand.** Build $W$ from `xi` with one matrix product (mind the diagonal and the dtype: `xi` is int8)
# and check that it equals `net.weights_`. What does $W_{ij} > 0$ say about pixels $i$ and $j$?

# %% student
# your code here

# %% teacher
hebb = xi.T.astype(int) @ xi
np.fill_diagonal(hebb, 0)
print("equal:", (hebb == net.weights_).all())

# %% [markdown] teacher
# **Answer.** $W_{ij} > 0$: pixels $i$ and $j$ have the same colour in more stored letters than not (both ink or
# both paper), so each pushes the other toward its own colour. Without `astype(int)` the int8 product would
# overflow for more than 127 patterns.

# %% [markdown]
# **E2. The energy.** Check with `result.energy_trace` that the energy never rose during the asynchronous recall.
# Then store 20 random patterns in 100 neurons, start from 100 random states and recall them with `update="sync"`
# (all neurons at once) and with `update="async"`, with `trace=True, max_steps=50`. Does the energy ever rise?
# Does every recall reach a fixed point (`converged`)?

# %% student
# your code here

# %% teacher
print("letters, energy never rose:", (np.diff(result.energy_trace, axis=1) <= 1e-12).all())
crowded = HopfieldNetwork(n_neurons=100, random_state=0).store(random_patterns(20, 100, rng))
starts = random_patterns(100, 100, rng)
for update in ("async", "sync"):
    run = crowded.recall(starts, update=update, trace=True, max_steps=50)
    rose = (np.diff(run.energy_trace, axis=1) > 1e-12).any(axis=1).sum()
    print(f"{update:5s}: energy rose in {rose} of 100 recalls, {(~run.converged).sum()} ended without a fixed point")

# %% [markdown] teacher
# **Answer.** With symmetric couplings and zero self-coupling, one asynchronous update changes the energy by
# $-|h_i|\,|\Delta s_i| / N \le 0$, so $E$ never rises and the dynamics must stop at a fixed point. Synchronous
# updates can raise $E$ and can end in a **2-cycle**, flipping between two states forever (`converged` is False).
# Here a few synchronous recalls do both; no asynchronous one does.

# %% [markdown]
# **E3. How many letters fit?** Store A, then A-B, then A-C, ... and find the first set in which some letter is no
# longer a fixed point (`net.stable()`). For random patterns of 100 pixels that happens at about 12 patterns. Why so
# much earlier for letters?

# %% student
# your code here

# %% teacher
for count in range(1, 27):
    trial = HopfieldNetwork(n_neurons=100).store(letters.patterns[:count])
    if not trial.stable().all():
        broken = [letters.names[k] for k in np.flatnonzero(~trial.stable())]
        print(f"first failure with {count} letters: {broken} are not fixed points")
        break
first = []
for _ in range(20):
    images = datasets.random_set(26, letters.shape, rng).patterns
    first.append(next(c for c in range(1, 27) if not HopfieldNetwork(n_neurons=100).store(images[:c]).stable().all()))
print("random images: first failure after", np.mean(first), "patterns on average")

# %% [markdown] teacher
# **Answer.** Already with four letters (A-D, B, C and D fail). The crosstalk term sums the overlaps of the cued
# letter with the others; for random patterns those overlaps are about $\pm 1/\sqrt{N}$ with random signs and
# cancel, for letters they are large and mostly positive (shared paper, shared vertical strokes) and add up. The
# capacity of a Hopfield network is a statement about *random* patterns.

# %% [markdown]
# **E4. Inverted memories.** Is the negative of a stored letter (paper and ink swapped) a fixed point of `net`?
# Check, and explain why it has to be.

# %% student
# your code here

# %% teacher
print("inverted letters are fixed points:", (net.recall(-xi).states == -xi).all())

# %% [markdown] teacher
# **Answer.** Yes. The field is linear in the state, $h(-\xi) = -h(\xi)$, and the couplings are quadratic in the
# patterns, so flipping every sign changes nothing in $\xi_i h_i$. Every memory comes with its mirror image.

# %% [markdown]
# **E5. Learning a prototype.** `datasets.correlated_set(P, (10, 10), 0.6, rng)` makes P "examples" of one random
# "prototype" (`.parent`), each with 20% of its pixels changed. Store P = 3, 5, 10, 20 examples. When are the
# examples fixed points? Where does recall from each example end: near the example or near the prototype, which was
# never stored?

# %% student
# your code here

# %% teacher
for count in (3, 5, 10, 20):
    examples = datasets.correlated_set(count, (10, 10), 0.6, rng)
    learner = HopfieldNetwork(n_neurons=100, random_state=0).store(examples.patterns)
    ends = learner.recall(examples.patterns).states
    to_parent = (ends.astype(int) @ examples.parent / 100).mean()
    print(f"P = {count:2d}: examples stable {learner.stable().mean():.0%}, recall ends at overlap "
          f"{learner.overlaps(ends).diagonal().mean():.2f} with the example and {to_parent:.2f} with the prototype")

# %% [markdown] teacher
# **Answer.** A few examples stay separate memories. From about five on the examples stop being fixed points and
# every recall flows to (nearly) the prototype: the couplings add up the common part of the examples and the
# differences average out. The network has formed a "concept" it never saw, which is one way to see generalisation
# and also why correlated memories interfere.
