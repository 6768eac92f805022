"""Figures and tables of the dense family's studies: capacity scaling with fitted exponents, the exponential memory's
capacity rate, basins of attraction, and the modern Hopfield network's retrieval error and outlier behaviour.

Each figure is drawn from the sweep's dataset(s) and prints the study README's table (simulation beside the
published law)::

    python -m amsim.families.dense.figures capacity results/dense-capacity.nc analysis/dense-capacity/figure.png
    python -m amsim.families.dense.figures exponential results/dense-exponential-capacity.nc FIGURE.png
    python -m amsim.families.dense.figures basins results/dense-basins.nc results/dense-basins-exponential.nc FIG.png
    python -m amsim.families.dense.figures modern results/modern-hopfield-beta.nc FIGURE.png
    python -m amsim.families.dense.figures outlier results/modern-hopfield-outlier.nc FIGURE.png
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import xarray as xr

from amsim.io import load_dataset
from amsim.plotting import axis_label, pyplot, save_figure
from amsim.scaling import crossings, fit

BOOT = 500  # bootstrap resamples of the trials


def _interval(samples: np.ndarray) -> tuple[float, float]:
    good = samples[np.isfinite(samples)]
    return tuple(np.quantile(good, [0.025, 0.975])) if good.size else (np.nan, np.nan)


def capacity(ds: xr.Dataset, out: str | Path) -> str:
    """P_max(N) per degree (mean one-step bit error reaching ``(1 - success_overlap) / 2``) on log-log axes, the fitted
    ``c N^k`` and the signal-to-noise theory; returns the markdown table."""
    from amsim.theory.dense import asymptotic_capacity
    from amsim.theory.dense import capacity as snr_capacity

    level = 1.0 - float(ds.attrs.get("success_overlap", _param(ds, "success_overlap")))
    level /= 2.0
    found = crossings(ds, along="n_patterns", var="bit_error", level=level, n_boot=BOOT, log_x=True)
    n = ds["n_neurons"].values
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    rows = ["| p | N | P_max simulated [95% CI] | P_max theory (finite N) | N^(p-1)/((2p-3)!! z^2) |",
            "|---|---|---|---|---|"]
    fits = []
    grid = np.unique(np.round(np.geomspace(n.min(), n.max(), 40) / 2) * 2).astype(int)  # even N, as simulated
    for k, degree in enumerate(ds["degree"].values):
        samples = found.sel(degree=degree).transpose("n_neurons", "sample").values
        result = fit(n, samples)
        lows, highs = zip(*(_interval(s[1:]) for s in samples), strict=True)
        colour = f"C{k}"
        ax.errorbar(n, samples[:, 0], yerr=[samples[:, 0] - np.array(lows), np.array(highs) - samples[:, 0]], fmt="o",
                    color=colour, capsize=2, label=f"p = {degree}: simulation, fit N^{result.exponent:.2f}")
        ax.plot(grid, result.prefactor * grid**result.exponent, "-", color=colour, lw=1)
        theory = [snr_capacity(int(v), int(degree), level) for v in grid]
        ax.plot(grid, theory, "--", color="k", lw=1)
        at_sizes = fit(n, np.array([snr_capacity(int(v), int(degree), level) for v in n]))
        fits.append((int(degree), result, at_sizes.exponent))
        for j, size in enumerate(n):
            rows.append(f"| {degree} | {size} | {samples[j, 0]:.4g} [{lows[j]:.4g}, {highs[j]:.4g}] | "
                        f"{snr_capacity(int(size), int(degree), level):.4g} | "
                        f"{asymptotic_capacity(size, int(degree), level):.4g} |")
    ax.plot([], [], "k--", lw=1, label="signal-to-noise theory (finite N)")
    ax.set(xscale="log", yscale="log", xlabel="neurons N", ylabel=f"P_max (one-step bit error {level:.3g}) [patterns]")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    ax.set_title("Dense associative memory: capacity against N", fontsize=10)
    save_figure(fig, out)
    rows += ["", "| p | fitted exponent k [95% CI] | finite-N theory's exponent over the same N | p - 1 |",
             "|---|---|---|---|"]
    rows += [f"| {degree} | {r.exponent:.3f} [{r.low:.3f}, {r.high:.3f}] | {theory_k:.3f} | {degree - 1} |"
             for degree, r, theory_k in fits]
    return "\n".join(rows)


def _param(ds: xr.Dataset, name: str) -> float:
    import json

    return json.loads(ds.attrs["params_json"])[name]


def exponential(ds: xr.Dataset, out: str | Path) -> str:
    """The exponential memory's P_max(N) (success falling through 1/2) on a log axis, the fitted ``c e^(alpha N)``,
    the finite-N nearest-competitor estimate and Demircigil et al.'s ``exp(N I(1 - 2 rho) / 2)``; returns the
    markdown table."""
    from amsim.theory.dense import entropy_rate, exponential_rate, exponential_typical_capacity

    noise = float(_param(ds, "noise"))
    found = crossings(ds, along="n_patterns", var="success", level=0.5, n_boot=BOOT, log_x=True)
    n = ds["n_neurons"].values
    samples = found.transpose("n_neurons", "sample").values
    result = fit(n, samples, law="exponential")
    lows, highs = zip(*(_interval(s[1:]) for s in samples), strict=True)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    ax.errorbar(n, samples[:, 0], yerr=[samples[:, 0] - np.array(lows), np.array(highs) - samples[:, 0]], fmt="o",
                capsize=2, label=f"simulation; fit exp({result.exponent:.3f} N)")
    grid = np.arange(n.min(), n.max() + 1)
    ax.plot(grid, result.prefactor * np.exp(result.exponent * grid), "-", lw=1, color="C0")
    grid = grid[np.isclose(noise * grid, np.round(noise * grid))]  # sizes whose cue distance rho N is whole
    ax.plot(grid, [exponential_typical_capacity(int(v), noise) for v in grid], "k--", lw=1,
            label="nearest-competitor estimate (finite N)")
    ax.plot(grid, np.exp(grid * exponential_rate(noise)), "k:", lw=1,
            label="exp(N I(1-2 rho)/2), Demircigil et al. (all patterns)")
    ax.set(yscale="log", xlabel="neurons N", ylabel="P_max (success 1/2) [patterns]")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    ax.set_title(f"Exponential dense associative memory: capacity against N (cue noise {noise:g})", fontsize=10)
    save_figure(fig, out)
    rows = ["| N | P_max simulated [95% CI] | nearest-competitor estimate | exp(N I(1-2 rho)/2) |", "|---|---|---|---|"]
    rows += [f"| {size} | {samples[j, 0]:.4g} [{lows[j]:.4g}, {highs[j]:.4g}] | "
             f"{exponential_typical_capacity(int(size), noise):.4g} | {np.exp(size * exponential_rate(noise)):.4g} |"
             for j, size in enumerate(n)]
    rows += ["", f"Fitted rate alpha = {result.exponent:.4f} [{result.low:.4f}, {result.high:.4f}] per neuron; "
             f"typical-cue rate I(1 - 2 rho) = {entropy_rate(1 - 2 * noise):.4f}; Demircigil et al.'s all-pattern "
             f"rate I(1 - 2 rho) / 2 = {exponential_rate(noise):.4f}."]
    return "\n".join(rows)


def basins(polynomial: xr.Dataset, exponential_ds: xr.Dataset, out: str | Path) -> str:
    """Success against cue noise for each degree and the exponential energy, one panel, and the noise at which the
    success falls through 1/2, beside the mean-field basin (polynomial) and the nearest-competitor estimate
    (exponential); returns the markdown table."""
    from amsim.theory.dense import basin_radius, exponential_basin_radius

    n, p = int(_param(polynomial, "n_neurons")), int(_param(polynomial, "n_patterns"))
    level = float(_param(polynomial, "success_overlap"))
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    rows = ["| interaction | noise where success falls through 1/2 [95% CI] | theory |", "|---|---|---|"]
    curves = [(f"p = {d}", polynomial.sel(degree=d)) for d in polynomial["degree"].values]
    curves.append(("exponential", exponential_ds))
    for k, (name, ds) in enumerate(curves):
        success = ds["success"].astype(float)
        mean = success.mean(("trial", "cue"))
        error = success.std(("trial", "cue"), ddof=1) / np.sqrt(success.sizes["trial"] * success.sizes["cue"])
        ax.errorbar(ds["noise"].values, mean.values, yerr=error.values, marker="o", ms=3, capsize=2, lw=1,
                    color=f"C{k}", label=name)
        radius = crossings(ds.drop_vars("degree", errors="ignore"), along="noise", var="success", level=0.5,
                           n_boot=BOOT).values.ravel()
        low, high = _interval(radius[1:])
        theory = exponential_basin_radius(n, p) if name == "exponential" else \
            basin_radius(n, p, int(name.split()[-1]), level)
        rows.append(f"| {name} | {radius[0]:.3f} [{low:.3f}, {high:.3f}] | {theory:.3f} |")
    ax.set(xlabel="cue noise (fraction of bits flipped)", ylabel=f"retrieval success (overlap >= {level:g})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"Basins of attraction: N = {n}, P = {p}", fontsize=10)
    save_figure(fig, out)
    return "\n".join(rows)


def modern(ds: xr.Dataset, out: str | Path, along: str = "beta") -> str:
    """One-step retrieval error against ``along`` (beta or n_patterns) per separation, log scale, with Ramsauer et
    al.'s bound at the typical separation; and the off-target weight against the annealed theory. Returns the
    markdown table."""
    plt = pyplot()
    fig, panels = plt.subplots(1, 2, figsize=(11.0, 4.4))
    x = ds[along].values
    rows = [f"| separation | {along} | error (mean) | bound, this instance (mean) | bound, typical separation | "
            "1 - p_i (mean) | annealed 1 - p_i |", "|---|---|---|---|---|---|---|"]
    for k, separation in enumerate(ds["separation"].values):
        sub = ds.sel(separation=separation)
        error = sub["error"].mean(("trial", "cue"))
        off = sub["off_target"].mean(("trial", "cue"))
        for ax, values in zip(panels, (error.values, off.values), strict=True):
            shown = np.where(values > 0, values, np.nan)  # exact retrieval (0) has no place on a log axis
            ax.plot(x, shown, "o-", ms=3, lw=1, color=f"C{k}",
                    label=str(separation) + (" (0 where not drawn)" if (values <= 0).any() else ""))
        bound = sub["error_bound"].mean(("trial", "cue"))
        for j, value in enumerate(x):
            if j % max(1, len(x) // 6) == 0 or j == len(x) - 1:
                rows.append(f"| {separation} | {value:g} | {error.values[j]:.3g} | {bound.values[j]:.3g} | "
                            f"{_at(ds, 'error_bound_theory', along, value):.3g} | {off.values[j]:.3g} | "
                            f"{_at(ds, 'off_target_theory', along, value):.3g} |")
    if "error_bound_theory" in ds:
        panels[0].plot(x, ds["error_bound_theory"].values, "k--", lw=1, label="Ramsauer et al. bound (typical Delta)")
    if "off_target_theory" in ds:
        panels[1].plot(x, ds["off_target_theory"].values, "k--", lw=1, label="annealed theory (softmax)")
    for ax, name in zip(panels, ("error", "off_target"), strict=True):
        ax.set(xscale="log", yscale="log", xlabel=axis_label(ds[along]), ylabel=axis_label(ds[name]))
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle(str(ds.attrs.get("title", "")), fontsize=10)
    fig.tight_layout()
    save_figure(fig, out)
    return "\n".join(rows)


def _at(ds: xr.Dataset, name: str, along: str, value: float) -> float:
    return float(ds[name].sel({along: value})) if name in ds and along in ds[name].dims else float("nan")


def outlier(ds: xr.Dataset, out: str | Path) -> str:
    """What an outlier pattern (norm ``outlier`` M) does to each separation: the weight a normal cue and a null
    query give it, the null query's total weight and output norm, and the normal cues' error. Returns the table."""
    names = ("error", "outlier_weight", "null_outlier_weight", "null_mass", "null_norm")
    plt = pyplot()
    fig, panels = plt.subplots(1, len(names), figsize=(4.0 * len(names), 3.8))
    x = ds["outlier"].values
    rows = ["| separation | outlier norm / M | error | weight on the outlier (cues) | weight on the outlier (null "
            "queries) | null queries' total weight | null output norm / M |", "|---|---|---|---|---|---|---|"]
    for k, separation in enumerate(ds["separation"].values):
        sub = ds.sel(separation=separation)
        means = {name: sub[name].mean(("trial", "cue")).values for name in names}
        for ax, name in zip(panels, names, strict=True):
            ax.plot(x, means[name], "o-", ms=3, lw=1, color=f"C{k}", label=str(separation))
        rows += [f"| {separation} | {v:g} | " + " | ".join(f"{means[name][j]:.3g}" for name in names) + " |"
                 for j, v in enumerate(x)]
    for ax, name in zip(panels, names, strict=True):
        ax.set(xlabel=axis_label(ds["outlier"]), ylabel=axis_label(ds[name], 36))
        ax.grid(alpha=0.3)
    panels[0].legend(fontsize=7)
    fig.suptitle(str(ds.attrs.get("title", "")), fontsize=10)
    fig.tight_layout()
    save_figure(fig, out)
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    """``python -m amsim.families.dense.figures KIND DATASET... FIGURE``: draw the figure, print the table."""
    parser = argparse.ArgumentParser(prog="python -m amsim.families.dense.figures", description=main.__doc__)
    parser.add_argument("kind", choices=("capacity", "exponential", "basins", "modern", "outlier"))
    parser.add_argument("paths", nargs="+", type=Path, help="the dataset(s), then the PNG to write")
    parser.add_argument("--along", default="beta", help="modern: the swept axis (beta or n_patterns)")
    args = parser.parse_args(argv)
    *inputs, figure = args.paths
    datasets = [load_dataset(path) for path in inputs]
    if args.kind == "basins":
        table = basins(*datasets, figure)
    elif args.kind == "modern":
        table = modern(datasets[0], figure, args.along)
    else:
        table = {"capacity": capacity, "exponential": exponential, "outlier": outlier}[args.kind](datasets[0], figure)
    print(table)
    print(f"figure: {figure}")


if __name__ == "__main__":
    main(sys.argv[1:])
