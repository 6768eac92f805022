"""``amsim demo dendrites``: a dendritic segment recognising a sparse distributed representation (SDR) with a few
synapses (Ahmad & Hawkins 2016): a stored SDR and its segment, a noisy copy that still fires it, a random SDR that
does not; false matches against the threshold (sampled, importance-sampled and exact) and detection under noise
against the exact theory. The GIF moves the stored SDR's active bits away, two a frame, until the segment falls
silent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from amsim.demos.output import Output, frame

OUTPUTS = ("dendrites.png", "dendrites-noise.gif")
N, A, S = 1024, 20, 10  # SDR size, active bits, synapses per segment
THETA = 6  # the segment drawn, and the detection curve in bold
SHAPE = (32, 32)
SEGMENTS, INPUTS = 20, 10_000  # random inputs against every segment: 200,000 pairs
WEIGHTED = 10_000  # importance-sampled inputs per threshold
FAR = (3, 4, 6, 8, 10)  # thresholds importance-sampled
SWAPS = np.round(np.arange(0.0, 0.91, 0.1), 2)
THETAS = (3, 6, 9)
REPEATS = 10  # noisy copies of each stored SDR per swap


def morph(indices: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """An SDR turned into an unrelated one bit by bit: frame k has k of its active bits moved to positions that
    were off, the same k bits as frame k - 1 plus one.

    Parameters
    ----------
    indices : ndarray, (a,) int
        The active positions of the SDR (a <= n / 2).
    n : int
        SDR size.

    Returns
    -------
    ndarray, (a + 1, a) int32
        Frame k's active positions; frame 0 is ``indices``, frame a shares no bit with it.
    """
    a = indices.size
    leaving = rng.permutation(indices)
    arriving = rng.permutation(np.setdiff1d(np.arange(n), indices))[:a]
    return np.array([np.sort(np.concatenate([leaving[k:], arriving[:k]])) for k in range(a + 1)], np.int32)


def run(out: Output, *, seed: int, backend: str) -> list[Path]:
    """Draw the segment with three inputs, the false-match rate against theta and the detected fraction against
    the bits moved, each beside the exact theory (``dendrites.png``), and the stored SDR losing its bits one by one
    before the segment (``dendrites-noise.gif``); print the numbers.

    One population of segments serves every panel, and each count serves every threshold (a segment fires when
    its count reaches theta), so the kernels run a few times only.
    """
    import matplotlib.pyplot as plt

    from amsim import registry
    from amsim.classroom import draw_sdr
    from amsim.families.dendrites import DendriticSegments
    from amsim.families.dendrites.estimate import false_match_importance
    from amsim.patterns import random_sdrs, sdr_bits, swap_active
    from amsim.plotting import MARKERS, OKABE_ITO, STYLE, theory_line
    from amsim.theory import dendrites as th

    rng = np.random.default_rng(seed)
    stored = random_sdrs(SEGMENTS, N, A, rng)
    segments = DendriticSegments(n=N, a=A, s=S, theta=THETA, backend=backend, random_state=rng)
    segments.store(sdr_bits(stored, N))
    noisy = swap_active(stored[:1], N, A // 2, rng)
    random_input = random_sdrs(1, N, A, rng)
    shown = np.concatenate([stored[:1], noisy, random_input])
    counts = segments.overlaps(sdr_bits(shown, N))[:, 0]
    segment_bits = _segment_bits(segments, N)
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(9, 6.2), layout="constrained")
        top = fig.subfigures(2, 1, height_ratios=[1, 1.35])
        axes = top[0].subplots(1, 3)
        verdict = ["fires" if c >= THETA else "silent" for c in counts]
        draw_sdr(shown, N, SHAPE, [f"stored SDR ({A} of {N} bits)\n{counts[0]} of {S} synapses: {verdict[0]}",
                                   f"half its bits moved\n{counts[1]} synapses active: {verdict[1]}",
                                   f"a random SDR\n{counts[2]} synapses active: {verdict[2]}"],
                 reference=segment_bits, axes=axes)
        top[0].suptitle(f"A segment of {S} synapses (vermillion: active, grey: inactive) firing at theta = {THETA}",
                        fontsize=9)
        left, right = top[1].subplots(1, 2)

        pairs = segments.overlaps(sdr_bits(random_sdrs(INPUTS, N, A, rng), N))
        thetas = np.arange(1, S + 1)
        sampled = np.array([(pairs >= t).mean() for t in thetas])
        seen = sampled > 0
        left.plot(thetas[seen], sampled[seen], MARKERS[0], color=OKABE_ITO[0],
                  label=f"random inputs ({pairs.size:,} pairs)")
        far = np.array(FAR)
        weighted = [false_match_importance(N, A, S, int(t), WEIGHTED, rng, backend) for t in far]
        left.errorbar(far, [e.value for e in weighted], yerr=[e.value * e.relative_error for e in weighted],
                      fmt=MARKERS[1], color=OKABE_ITO[1], label=f"importance sampling ({WEIGHTED:,} inputs)")
        exact = [float(th.false_match(N, A, S, int(t))) for t in thetas]
        left.plot(thetas, exact, **theory_line(label="exact (Ahmad & Hawkins eq. 3)"))
        left.set(yscale="log", xlabel="threshold theta [synapses]", ylabel="false-match probability [1]",
                 title="A random SDR fires the segment")
        left.legend(fontsize=7)

        # noisy copies: REPEATS of each stored SDR at each swap, round(swap a) active bits moved (as the theory)
        targets = np.tile(np.arange(SEGMENTS), REPEATS)
        cues = np.concatenate([swap_active(stored[targets], N, th.noise_bits(A, float(swap)), rng) for swap in SWAPS])
        own = segments.overlaps(sdr_bits(cues, N))[np.arange(cues.shape[0]), np.tile(targets, SWAPS.size)]
        own = own.reshape(SWAPS.size, targets.size)
        fine = np.linspace(0, SWAPS[-1], 91)
        for k, theta in enumerate(THETAS):
            mean = (own >= theta).mean(axis=1)
            error = np.sqrt(mean * (1 - mean) / targets.size)
            right.errorbar(SWAPS, mean, yerr=error, fmt=MARKERS[k], color=OKABE_ITO[k], zorder=3,
                           label=f"theta = {theta}")
            theory = registry.theory("dendrites-detection").fn(n=N, a=A, s=S, theta=theta, swap=fine)
            right.plot(fine, theory.detected_theory, **theory_line(color=OKABE_ITO[k]))
            print(f"theta = {theta}: detected " + " ".join(f"{w:.1f}:{m:.2f}" for w, m in zip(SWAPS, mean,
                                                                                              strict=True))
                  + " (fraction of active bits moved: detected)")
        right.plot([], [], **theory_line(label="exact theory"))
        right.set(xlabel="fraction of the active bits moved [1]", ylabel="noisy SDR detected [fraction]",
                  title=f"Its own SDR, corrupted, still fires it ({targets.size} cues a point)")
        right.legend(fontsize=7)
        out.png(fig, OUTPUTS[0])
        _animate(out, segments, stored[0], segment_bits, rng)
    print(f"false matches at theta = {THETA}: exact {exact[THETA - 1]:.1e}, importance sampling "
          f"{weighted[FAR.index(THETA)].value:.1e} (+- {weighted[FAR.index(THETA)].relative_error:.0%}); "
          f"sampling saw {int((pairs >= THETA).sum())} in {pairs.size:,} pairs")
    return out.written


def _animate(out: Output, segments: Any, stored: np.ndarray, segment_bits: np.ndarray,
             rng: np.random.Generator) -> None:
    """The GIF: the stored SDR (a,) morphed away two bits a frame (:func:`morph`) over the first segment, with a
    gauge of its active synapses against theta."""
    import matplotlib.pyplot as plt

    from amsim.classroom import draw_sdr
    from amsim.patterns import sdr_bits
    from amsim.plotting import OKABE_ITO

    frames = morph(stored, N, rng)[::2]
    counts = segments.overlaps(sdr_bits(frames, N))[:, 0]
    pictures = []
    for j, (cue, count) in enumerate(zip(frames, counts, strict=True)):
        moved = 2 * j
        fig, (grid, gauge) = plt.subplots(1, 2, figsize=(4.6, 2.9), width_ratios=[3, 1])
        fig.subplots_adjust(left=0.02, right=0.97, bottom=0.04, top=0.84, wspace=0.35)
        draw_sdr(cue, N, SHAPE, [f"{moved} of {A} active bits moved\nsynapses: vermillion active, grey not"],
                 reference=segment_bits, axes=[grid])
        fires = count >= THETA
        gauge.bar([0], [count], color=OKABE_ITO[1] if fires else "0.6", width=0.6)
        gauge.axhline(THETA, color="black", ls="--", lw=1)
        gauge.text(0.45, THETA + 0.15, f"theta = {THETA}", fontsize=7, ha="right")
        gauge.set(xlim=(-0.6, 0.6), ylim=(0, S), xticks=[], ylabel="active synapses [synapses]",
                  title="fires" if fires else "silent")
        pictures.append(frame(fig))
    out.gif(pictures, OUTPUTS[1], ms=350, hold=6)


def _segment_bits(segments: Any, n: int) -> np.ndarray:
    """The first segment's synapses as a 0/1 bitmap (n,)."""
    from amsim.bits import unpack_bits

    return unpack_bits(segments.segments_[:1], n)[0]
