"""``amsim demo sdm``: a sparse distributed memory (model card ``sdm/classroom``: N = 256, 20,000 locations) read
from cues ever farther from the stored address, once and iterated, beside Kanerva's theory and its critical
distance."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amsim.demos.output import Output

OUTPUTS = ("sdm.png",)
CARD = "sdm/classroom"
N_STORED = 300
NOISES = np.round(np.arange(0.0, 0.451, 0.05), 2)
READS = (1, 10)  # one read; reading iterated up to 10 times
TRIALS, CUES = 2, 20


def run(out: Output, *, seed: int, backend: str) -> list[Path]:
    """Run ``sdm.recall`` at each cue distance for one read and for iterated reading, draw the mean overlap with
    standard errors beside the ``sdm-recall`` theory and the critical distance (``sdm.png``), and print it."""
    import matplotlib.pyplot as plt

    import amsim
    from amsim import registry
    from amsim.cards import load_card
    from amsim.plotting import MARKERS, OKABE_ITO, STYLE, mean_and_error, theory_line

    card = load_card(CARD).params
    bits = card["address_bits"]
    fine = np.linspace(0, NOISES[-1], 46)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6, 3.6))
        for k, reads in enumerate(READS):
            settings = {"n_stored": N_STORED, "cues": CUES, "max_steps": reads}
            runs = [amsim.run("sdm.recall", {**settings, "noise": float(noise)}, card=CARD, trials=TRIALS, seed=seed,
                              backend=backend) for noise in NOISES]
            stats = [mean_and_error(ds["overlap"]) for ds in runs]
            means = np.array([float(m) for m, _ in stats])
            ax.errorbar(NOISES * bits, means, yerr=[float(e) for _, e in stats], fmt=MARKERS[k], color=OKABE_ITO[k],
                        zorder=3, label=f"simulation, {'one read' if reads == 1 else f'up to {reads} reads'}")
            theory = registry.theory("sdm-recall").fn(**{**card, "n_stored": N_STORED,
                                                      "max_steps": reads, "noise": fine})
            ax.plot(fine * bits, theory["overlap_theory"], **theory_line(
                color=OKABE_ITO[k], label=f"theory, {'one read' if reads == 1 else 'iterated (mean field)'}"))
            print(f"{'one read' if reads == 1 else f'up to {reads} reads'}: overlap "
                  + " ".join(f"{d:.0f}:{m:.2f}" for d, m in zip(NOISES * bits, means, strict=True))
                  + " (cue distance in bits: mean overlap)")
        critical = float(theory["critical_distance_theory"].values.flat[0])
        ax.axvline(critical, color="0.3", ls=":", lw=1.2)
        ax.text(critical + 2, 0.5, f"critical distance\n{critical:.0f} bits (theory)", fontsize=8, color="0.3")
        ax.set(xlabel="cue distance from the stored address [bits]", ylabel="overlap with the stored word [1]",
               ylim=(-0.05, 1.05),
               title=f"SDM recall, N = {bits}, M = {card['n_locations']:,}, T = {N_STORED} stored words")
        ax.legend(loc="lower left", fontsize=7.5)
        out.png(fig, OUTPUTS[0])
    print(f"critical distance (mean-field theory): {critical:.1f} bits; cues closer than it converge to the "
          "stored word when reading is iterated, farther ones drift away")
    return out.written
