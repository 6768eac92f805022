# %% [markdown]
# # Lesson 4: Sparse distributed memory and attention
#
# Kanerva's **Sparse Distributed Memory** (SDM, 1988) stores long binary words in many "hard locations" scattered at
# random through the space of addresses. A word is written into every location near its address and read back by
# pooling the locations near a cue. Bricken and Pehlevan (2021) showed that this read is, to a good approximation,
# the **softmax attention** of Transformer networks. In this lesson you build the memory, count the locations that
# two addresses share, measure recall, and compare the read with attention.
#
# **Learning goals.** After this lesson you can
#
# 1. describe an SDM: hard locations, activation radius, counters, write and read;
# 2. compute the overlap of two access circles and check it against the memory;
# 3. measure recall against cue noise and load, and compare with Kanerva's signal-to-noise theory;
# 4. explain why an SDM read is approximately softmax attention, and where the approximation's beta comes from.
#
# **Time:** about 40 minutes. **You need:** Lessons 1-2; binomial distribution; softmax.

# %% [markdown] teacher
# ## Notes for the teacher
#
# **Plan (40 min).** Section 1 (12 min): draw two overlapping circles in Hamming space; the intersection count against
# $M q(d)$ is the key idea of the lesson. Section 2 (13 min). Section 3 (15 min): write softmax attention next to the
# SDM read on the board and match the terms (addresses = keys, words = values, cue = query).
#
# **Points to make.** An SDM is distributed twice: each word is stored in many locations, each location holds many
# words. Its read is a weighted vote, and the weights fall off almost exponentially with the distance: that is why
# it resembles attention, and beta comes from the radius, not from training.
#
# **Common confusions.** The radius is set by the activation probability (1% of locations), not chosen freely. The
# intersection read is the $M \to \infty$ limit, so it is better than the SDM only by sampling noise (E4).
#
# **Exercises.** E1 (attention by hand) fits in class; E2-E4 as homework.

# %%
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

import amsim
from amsim import registry
from amsim.classroom import save_figure, use_style
from amsim.families.sdm import SDMParams, SparseDistributedMemory
from amsim.io import param_coordinate
from amsim.patterns import flip_bits, hamming_distances, random_bits, unpack_bits
from amsim.plotting import axis_label
from amsim.theory import sdm as th

use_style()
rng = np.random.default_rng(3)

# %% [markdown]
# ## 1. Hard locations and the activation radius
#
# The memory has $M = 20{,}000$ hard locations, each with a random address of $N = 256$ bits and one counter per
# data bit. A location is **active** for an address when their Hamming distance is at most the radius $r$. We ask
# for 1% of the locations to be active: the smallest radius that activates at least 1% of random addresses.

# %%
memory = SparseDistributedMemory(address_bits=256, n_locations=20_000, activation_probability=0.01, random_state=1)
radius = memory.params.inclusive_radius
print(f"radius r = {radius} bits: a location is active with probability {th.activation_probability(256, radius):.4f}")
print("active locations for 5 random addresses:", memory.active_counts(random_bits(5, 256, rng)))
print("memory:", memory.nbytes() / 1e6, "MB of packed addresses and int16 counters")

# %% [markdown]
# Two addresses at distance $d$ share the locations in the intersection of their two access circles. Kanerva's
# exact count gives the fraction $q(d)$ of the space in both circles (`th.intersection_fraction`), so on average
# $M q(d)$ locations are shared. We check it on this memory: unpack the hard addresses, compute which locations
# two addresses at distance $d$ activate, and count those they share.

# %%
hard = 2 * unpack_bits(memory.addresses_, 256).astype(np.float32) - 1    # (M, N) of ±1


def activated(addresses):
    """Which hard locations each address (B, N) of 0/1 activates: (B, M) bool."""
    distances = (256 - (2 * addresses.astype(np.float32) - 1) @ hard.T) / 2
    return distances <= radius


distances = np.arange(0, 161, 16)
shared = []
for d in distances:
    first = random_bits(10, 256, rng)
    second = flip_bits(first, d / 256, rng)                                # exactly d bits apart
    shared.append((activated(first) & activated(second)).sum(axis=1).mean())
fine = np.arange(0, 161)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(distances, shared, "o", label="this memory, mean of 10 pairs")
ax.plot(fine, 20_000 * th.intersection_fraction(256, radius, fine), color="black", label="M q(d), exact")
ax.set(xlabel="distance between the two addresses d [bits]", ylabel="shared active locations [locations]",
       title=f"Intersection of two access circles (N = 256, r = {radius})")
ax.legend(fontsize=7)
save_figure(fig, "04-intersection")

# %% [markdown]
# ## 2. Write and read
#
# **Write** a word at an address: add +1 to the counter of each 1 bit and -1 for each 0 bit, in every active
# location. **Read** at a cue: sum the counters of the locations it activates and threshold at zero. Used as an
# autoassociative memory, the word is its own address. The stored word dominates the sum when the cue shares many
# locations with its address; the other words add noise.

# %%
items = random_bits(300, 256, rng)
memory.store(items)                                                      # write each item at its own address
cues = flip_bits(items[:8], 0.15, rng)                                    # 38 of 256 bits flipped
once = memory.read(cues)
print("bits wrong in the cue:      ", hamming_distances(cues, items[:8]))
print("bits wrong after one read:  ", hamming_distances(once, items[:8]))
iterated = memory.recall(cues, max_steps=10)
print("bits wrong after iterating: ", hamming_distances(iterated.states, items[:8]), " reads:", iterated.steps)

# %% [markdown]
# One read cleans up much of the noise; reading again from the result (`recall`) converges to the stored word for
# most cues (300 items with 15% noise is close to what this memory can do).
# The experiment `sdm.recall` does this on fresh memories of the model card `sdm/classroom`, and the registered
# theory `sdm-recall` (`amsim theory sdm-recall n_stored=100,1000 noise=0:0.3:7` in a terminal) gives Kanerva's
# signal-to-noise prediction of one read.

# %%
noises = np.round(np.arange(0, 0.31, 0.05), 2)
stored_counts = [100, 300, 1000]
runs = [[amsim.run("sdm.recall", {"n_stored": t, "noise": float(n), "cues": 40}, card="sdm/classroom", trials=2,
                   seed=1) for n in noises] for t in stored_counts]
recall = xr.combine_nested(runs, concat_dim=[param_coordinate(SDMParams, "n_stored", stored_counts),
                                             param_coordinate(SDMParams, "noise", noises)], combine_attrs="override")
theory = registry.theory("sdm-recall").fn(address_bits=256, n_locations=20_000, activation_probability=0.01,
                                          n_stored=np.array(stored_counts), noise=np.linspace(0, 0.3, 31))
fig, ax = plt.subplots(figsize=(5, 3.2))
for t in stored_counts:
    ax.plot(noises, recall.overlap.sel(n_stored=t).mean(["trial", "cue"]), "o", label=f"simulation, T = {t}")
    ax.plot(theory["noise"], theory.overlap_theory.sel(n_stored=t), color="black", lw=1)
ax.set(xlabel=axis_label(recall["noise"]), ylabel=axis_label(recall.overlap, 36),
       title="One read, N = 256, M = 20,000 (lines: signal-to-noise theory)")
ax.legend(fontsize=7)
save_figure(fig, "04-recall")

# %% [markdown]
# ## 3. From intersections to attention
#
# A read is a weighted vote of the stored words: word $\mu$ enters once for every location its address shares with
# the cue, so its weight is about $M q(d_\mu)$, with $d_\mu$ the distance from the cue to address $\mu$. The
# intersection falls off almost exponentially with the distance. Writing the distance as a cosine similarity of ±1
# vectors, $\cos_\mu = 1 - 2 d_\mu / N$, the weights are approximately $e^{\beta \cos_\mu}$, and normalised they are
# **softmax attention** with keys = addresses, values = words and inverse temperature $\beta$ fitted to $q(d)$
# (`th.fit_attention_beta`).

# %%
rule = th.activation_rule(memory.params)
fit = th.fit_attention_beta(rule)
print(f"fitted beta = {fit.beta:.2f} (weights fall by a factor e every {1 / fit.decay_per_bit:.0f} bits)")
distance_grid = np.arange(0, 2 * radius + 1)
fig, ax = plt.subplots(figsize=(5, 3))
ax.semilogy(distance_grid, rule.intersection(distance_grid)[0], color="black", label="circle intersection q(d)")
ax.semilogy(distance_grid, fit.weights(distance_grid), ls="--", label=f"exp(beta cos), beta = {fit.beta:.2f}")
ax.set(xlabel="distance from cue to address d [bits]", ylabel="weight of the stored word [1]", ylim=(1e-12, 0.1))
ax.legend(fontsize=7)
save_figure(fig, "04-attention-fit")

# %% [markdown]
# The experiment `sdm.attention` reads the same cues three ways on the same stored items: the SDM itself, softmax
# attention with the fitted beta, and the exact intersection weights (an SDM with infinitely many locations).

# %%
attention = xr.concat([amsim.run("sdm.attention", {"n_stored": 500, "noise": float(n), "cues": 40},
                                 card="sdm/classroom", trials=2, seed=1) for n in noises],
                      dim=param_coordinate(SDMParams, "noise", noises))
fig, ax = plt.subplots(figsize=(5, 3.2))
for name, text in (("overlap", "SDM, M = 20,000"), ("overlap_attention", "softmax attention, fitted beta"),
                   ("overlap_intersection", "intersection weights (M -> infinity)")):
    ax.plot(noises, attention[name].mean(["trial", "cue"]), marker="o", label=text)
ax.set(xlabel=axis_label(attention["noise"]), ylabel="overlap with the stored data word [1]",
       title="One read of 500 stored items, three ways")
ax.legend(fontsize=7)
save_figure(fig, "04-attention")
print("fraction of bits where the SDM and attention read alike:",
      attention.agreement.mean(["trial", "cue"]).round(3).values)

# %% [markdown]
# ## Exercises
#
# **E1. Attention by hand.** For the 8 noisy `cues` of section 2 and the 300 `items` stored in `memory`, compute the
# softmax attention read yourself: cosines $1 - 2 d_\mu / N$ to every stored address, weights
# $\mathrm{softmax}(\beta \cos)$, read-out the sign of the weighted sum of the ±1 words. On what fraction of bits
# does it agree with `memory.read(cues)`?

# %% student
# your code here

# %% teacher
keys = 2.0 * items - 1                                                   # ±1 addresses = ±1 words (autoassociative)
cosines = (2.0 * cues - 1) @ keys.T / 256                                # (8, 300) = 1 - 2 d / N
weights = np.exp(fit.beta * (cosines - cosines.max(axis=1, keepdims=True)))
weights /= weights.sum(axis=1, keepdims=True)
by_attention = (weights @ keys >= 0).astype(np.uint8)
print("agreement with the SDM read:", (by_attention == memory.read(cues)).mean().round(3))
print("bits wrong, attention:", hamming_distances(by_attention, items[:8]))

# %% [markdown] teacher
# **Answer.** They agree on about 90% of the bits, but attention leaves more of the 38 flipped bits wrong than the
# SDM does here. Almost all of the 300 stored items lie near distance 128 from the cue, and the exponential weights,
# fitted on distances 0-128, give them about 1.4 times the relative weight that the circle intersections give
# (compare the two curves of section 3 there): more crosstalk. The SDM read is a sampled version of the
# intersection weights (each weight a count of a few hundred random locations), which is why it lies between
# attention and the exact intersection read in the figure of section 3.

# %% [markdown]
# **E2. Radius and beta.** Fit beta for radii 100, 105, 109, 115 and 120 at $N = 256$ (`th.ActivationRule(256,
# "hamming", radius=r)`). How does the radius set the "temperature" of attention? What does a small radius do to the
# read?

# %% student
# your code here

# %% teacher
for r in (100, 105, 109, 115, 120):
    beta = th.fit_attention_beta(th.ActivationRule(256, "hamming", radius=r)).beta
    print(f"r = {r}: activation probability {th.activation_probability(256, r):.4f}, beta = {beta:.2f}")

# %% [markdown] teacher
# **Answer.** A smaller radius gives a larger beta: the circles are smaller, their intersection falls off faster
# with distance, and attention concentrates on the closest stored item (low temperature). Too small a radius
# activates too few locations (0.03% at r = 100, about 6 of the 20,000) and the read becomes noisy; too large a radius
# (small beta) averages many items and blurs them together. Bricken and Pehlevan compare these radii with the
# betas that Transformers learn.

# %% [markdown]
# **E3. Capacity.** Kanerva's estimate of how many items this memory holds, read back from exact cues with
# probability 1/2 per word, is `th.capacity(20_000, rule.probability, 256)`. Using the theory `sdm-recall` (section
# 2), find the number of stored items at which one read from a cue with 10% noise has overlap 0.9 on average.

# %% student
# your code here

# %% teacher
print(f"Kanerva's capacity estimate: {th.capacity(20_000, rule.probability, 256):.0f} items")
counts = np.arange(50, 1001, 10)
curve = registry.theory("sdm-recall").fn(address_bits=256, n_locations=20_000, activation_probability=0.01,
                                         n_stored=counts, noise=0.1)
first_below = counts[np.argmax(curve.overlap_theory.values < 0.9)]
print(f"overlap after one read from 10% noise falls below 0.9 at about {first_below} stored items")

# %% [markdown] teacher
# **Answer.** About 800 items from exact cues, but only about 420 if one read should bring a 10% noisy cue to
# overlap 0.9. Capacity depends on what you demand of the read; iterated reading (`recall`) extends it as long as
# the cue is within the critical distance (`th.critical_distance(rule, 20_000, T)`).

# %% [markdown]
# **E4. Sampling noise.** In section 3 the intersection read (infinitely many locations) does better than the SDM
# with 20,000 locations. Why? What would happen with $M = 200{,}000$ locations and the same activation probability?

# %% [markdown] teacher
# **Answer.** The SDM's weight for a stored word is the number of locations shared by two circles: a random count
# with mean $M q(d)$ and relative fluctuations $1/\sqrt{M q(d)}$, which add noise to every read. With ten times as
# many locations each weight is ten times larger and relatively three times less noisy, so the SDM read approaches
# the intersection read (and so, roughly, attention), at ten times the memory.
