"""The ``amsim`` command line: each command parses its options and delegates; nothing scientific lives here.

Errors the user can fix print one line ``error: <where>: <what> (got <value>; allowed <...>)`` and exit with
status 2, without a traceback and without writing anything.
"""

from __future__ import annotations

import difflib
import inspect
import math
import re
import sys
from pathlib import Path
from typing import Any

import click
import numpy as np

from amsim.exceptions import AmsimError, ValidationError

BACKEND = click.option("--backend", default="auto", show_default=True,
                       type=click.Choice(["auto", "numpy", "cpu", "cuda"]),
                       help="Compute engine: numpy (reference), cpu (Numba), cuda (GPU); auto picks cuda if a GPU "
                            "is present, else cpu.")
QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bar or chatter; print only the output paths.")


class Group(click.Group):
    """A click group that suggests the closest command for a misspelt one."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(self.list_commands(ctx))
            raise click.UsageError(f"command: unknown command {name!r} ({hint})")
        return super().resolve_command(ctx, args)


def parse_assignments(pairs: tuple[str, ...], where: str) -> dict[str, Any]:
    """``("n_neurons=500", "update=sync")`` -> ``{"n_neurons": 500, "update": "sync"}`` (values read as TOML,
    falling back to plain strings)."""
    from amsim.cards import tomllib

    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise ValidationError(f"{where}: expected NAME=VALUE (got {pair!r}; e.g. n_neurons=500)")
        try:
            values[name.strip()] = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            values[name.strip()] = text
    return values


def parse_grid(text: str) -> Any:
    """``"0.01:0.2:96"`` -> ``{"start": 0.01, "stop": 0.2, "num": 96}``; ``"0.05,0.1"`` -> ``[0.05, 0.1]``."""
    parts = [p.strip() for p in text.split(":")]

    def number(t: str) -> Any:
        try:
            return int(t) if t.lstrip("-").isdigit() else float(t)
        except ValueError:
            return t

    if len(parts) == 3:
        return {"start": number(parts[0]), "stop": number(parts[1]), "num": number(parts[2])}
    return [number(t) for t in text.split(",") if t.strip()]


def parse_bytes(text: str, where: str) -> int:
    """``"4GB"`` -> 4e9, ``"512MiB"`` -> 512 * 2**20, ``"1000"`` -> 1000 bytes."""
    units = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
             "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
    match = re.fullmatch(r"\s*(-?[0-9.]+)\s*([a-zA-Z]*)\s*", text)
    try:
        value = float(match.group(1)) * units[match.group(2).upper()]  # type: ignore[union-attr]
    except (AttributeError, ValueError, KeyError):
        raise ValidationError(f"{where}: must be a size such as 4GB or 512MiB (got {text!r})") from None
    if value <= 0:
        raise ValidationError(f"{where}: must be > 0 (got {text!r})")
    return int(value)


def _print_paths(**paths: Path) -> None:
    for kind, path in paths.items():
        click.echo(f"{kind}: {path}")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="amsim", prog_name="amsim")
def cli() -> None:
    """amsim: simulate associative memories (Hopfield networks and more) and compare them with theory.

    \b
    Start here:
      amsim demo                        a network restores letters from noisy copies
      amsim models                      model cards (published configurations)
      amsim experiments                 what can be run, with every parameter
      amsim run hopfield.retrieval n_neurons=500 load=0.1
      amsim sweep analysis/hopfield-capacity
      amsim plot results/hopfield-capacity.nc
    """


@cli.command()
def models() -> None:
    """List the model cards: presets of published or classroom configurations."""
    from amsim.cards import list_cards, models_dir

    cards = list_cards()
    if not cards:
        click.echo(f"no cards under {models_dir()}")
    for card in cards:
        click.echo(f"{card.name:28s} {card.family:10s} {card.title}")


@cli.command()
@click.argument("name", required=False)
def experiments(name: str | None) -> None:
    """List the experiments and their parameters (defaults and allowed values).

    Give NAME (e.g. hopfield.retrieval) to show one.
    """
    from amsim import registry

    chosen = [registry.experiment(name)] if name else registry.experiments()
    for exp in chosen:
        click.echo(f"{exp.name}: {exp.summary}")
        fields = exp.family.params.constraints()
        width = max(map(len, fields))  # one column for the longest name
        for field, (default, rule) in fields.items():
            units = "" if rule.units == "1" else f" [{rule.units}]"
            click.echo(f"    {field:{width}s} default {default!r:10s} {rule.describe():30s} {rule.doc}{units}")


@cli.command()
@click.argument("experiment")
@click.argument("assignments", nargs=-1, metavar="[NAME=VALUE]...")
@click.option("--card", help="Model card giving the base parameters (name as listed by `amsim models`, or a path).")
@click.option("--trials", default=10, show_default=True, type=int, help="Independent repetitions.")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed (same seed, same numbers).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="NetCDF file to write [default: results/<experiment>.nc].")
@click.option("--overwrite", is_flag=True, help="Replace --out if it exists.")
@BACKEND
@QUIET
def run(experiment: str, assignments: tuple[str, ...], card: str | None, trials: int, seed: int, out: Path | None,
        overwrite: bool, backend: str, quiet: bool) -> None:
    """Run one EXPERIMENT once, with parameters given as NAME=VALUE, and save the dataset.

    \b
    Example:
      amsim run hopfield.retrieval n_neurons=500 load=0.1 noise=0.1 --trials 20
    """
    from amsim.io import check_writable, save_dataset
    from amsim.runner import plan_run

    plan = plan_run(experiment, parse_assignments(assignments, "run"), card=card, trials=trials, seed=seed,
                    backend=backend)
    out = out or Path("results") / f"{experiment}.nc"
    if out.exists() and not overwrite:
        raise ValidationError(f"output: {str(out)!r} exists (use --overwrite or another --out)")
    check_writable(out)
    ds = plan.execute()
    save_dataset(ds, out)
    if not quiet:
        for name, da in ds.data_vars.items():
            if da.dtype.kind in "fiub" and da.size:
                click.echo(f"{da.attrs['long_name']:45s} mean {float(da.mean()):.4g}  ({name})")
    _print_paths(dataset=out)


@cli.command()
@click.argument("study", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Combined NetCDF file [default: results/<study name>.nc]; parts go to <out>.parts/ meanwhile.")
@click.option("--executor", default="processes", show_default=True,
              type=click.Choice(["processes", "serial", "dask"]),
              help="Run tasks in worker processes on this machine, one after another in this process, or on a Dask "
                   "cluster (a local one, or --scheduler).")
@click.option("--workers", type=int, help="Worker processes [default: one per core; with cuda, one per GPU].")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 [default: start a local cluster].")
@click.option("--max-memory", "max_memory", help="Memory one worker may use, e.g. 4GB or 512MiB; tasks estimated "
                                                 "above it are refused before the sweep starts.")
@click.option("--resume", is_flag=True, help="Continue a stopped sweep: finished tasks are not run again.")
@click.option("--format", "fmt", default="netcdf", show_default=True, type=click.Choice(["netcdf", "zarr"]),
              help="Output format; zarr is written task by task, for results larger than memory.")
@click.option("--overwrite", is_flag=True, help="Discard an earlier output and its parts, start again.")
@click.option("--figure", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the result to this PNG (as `amsim plot` would, with the study's [figure] settings).")
@BACKEND
@QUIET
def sweep(study: Path, out: Path | None, executor: str, workers: int | None, scheduler: str | None,
          max_memory: str | None, resume: bool, fmt: str, overwrite: bool, figure: Path | None, backend: str,
          quiet: bool) -> None:
    """Run a STUDY (a folder with study.toml, or the file) over its parameter grid.

    Every grid point is an independent seeded task, saved as soon as it finishes, so an interrupted sweep
    continues with --resume and gives the same numbers as an uninterrupted one.
    """
    from amsim.io import check_writable
    from amsim.sweep import load_study
    from amsim.sweep import sweep as run_sweep

    st = load_study(study)
    out = out or Path("results") / f"{st.name}.{'zarr' if fmt == 'zarr' else 'nc'}"
    if figure:
        check_writable(figure)
    limit = parse_bytes(max_memory, "--max-memory") if max_memory else None
    ds = run_sweep(st, out, executor=executor, workers=workers, scheduler=scheduler, max_memory=limit,
                   resume=resume, overwrite=overwrite, backend=backend, fmt=fmt, quiet=quiet)
    paths = {"dataset": out}
    if figure:
        from amsim.plotting import plot_dataset

        paths["figure"] = plot_dataset(ds, figure, **(st.figure or {}))
    _print_paths(**paths)


@cli.command()
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="PNG file [default: the dataset path with .png].")
@click.option("--x", "x", help="Coordinate on the horizontal axis: a swept axis, or another dimension of the "
                                "variables such as the sweep of a trace; a string axis (rule) is drawn as categories "
                                "[default: the first swept axis].")
@click.option("--y", "y", multiple=True, help="Variable(s) to draw, one panel each [default: overlap and success "
                                              "where present]. Repeat for several.")
@click.option("--overlay", is_flag=True, help="Draw all --y variables in one panel (they must share units).")
def plot(dataset: Path, out: Path | None, x: str | None, y: tuple[str, ...], overlay: bool) -> None:
    """Draw a DATASET (NetCDF written by run or sweep): trial means with error bars, the theory above them.

    The theory a sweep names is evaluated on a fine grid of the x axis, up to where it ends; the legend sits
    outside the axes.

    \b
    Examples:
      amsim plot results/hopfield-capacity.nc --y overlap --y steps
      amsim plot results/sdm-attention.nc --y overlap --y overlap_attention --overlay
      amsim plot results/hopfield-rules.nc --x rule --y stable_fraction       # categories
      amsim plot results/hopfield.retrieval.nc --x sweep --y overlap_trace    # a run with trace=true
    """
    from amsim.io import check_writable, load_dataset
    from amsim.plotting import plot_dataset

    ds = load_dataset(dataset)
    out = out or dataset.with_suffix(".png")
    check_writable(out)
    _print_paths(figure=plot_dataset(ds, out, x=x, y=list(y) or None, overlay=overlay))


def _check_theory_inputs(th: Any, given: list[str], where: str, hint: str = "") -> None:
    """Raise unless ``given`` are inputs of theory ``th`` and include every input it requires (``hint``: what to do
    about a missing one; default: give it a grid)."""
    for key in given:
        if key not in th.inputs:
            raise ValidationError(f"{where}: unknown input {key!r} (got {key!r}; allowed: {', '.join(th.inputs)})")
    required = [p.name for p in inspect.signature(th.fn).parameters.values() if p.default is p.empty]
    missing = [k for k in required if k not in given]
    if missing:
        hint = hint or f"{missing[0]}=START:STOP:NUM or {missing[0]}=V1,V2,..."
        raise ValidationError(f"{where}: missing input {missing[0]!r} (got {', '.join(given) or 'none'}; "
                              f"allowed: {hint})")


@cli.command()
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--var", default="overlap", show_default=True, help="Order parameter whose trial mean falls.")
@click.option("--level", default=0.3, show_default=True, type=float, help="Level that defines the boundary.")
@click.option("--along", default="temperature", show_default=True, help="Swept coordinate to cross.")
@click.option("--boot", default=500, show_default=True, type=click.IntRange(10),
              help="Bootstrap resamples over trials for the 95% interval.")
@click.option("--theory", "theory_name", help="Registered theory on the other axes to print beside it, e.g. "
                                              "hopfield-phases.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="NetCDF file [default: the dataset path with -boundary.nc].")
@click.option("--figure", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the boundary with its interval against the remaining axis, and the --theory beside "
                   "it, to this PNG.")
def boundary(dataset: Path, var: str, level: float, along: str, boot: int, theory_name: str | None,
             out: Path | None, figure: Path | None) -> None:
    """Where the trial mean of VAR falls through LEVEL along a swept axis of DATASET, with a bootstrap interval.

    \b
    Example (the T_M line of the phase diagram, and the T_g line from random starts):
      amsim boundary results/hopfield-phase-diagram.nc --theory hopfield-phases
      amsim boundary results/hopfield-spin-glass.nc --var edwards_anderson --level 0.05 --figure freezing.png
    """
    from amsim import registry
    from amsim.io import check_writable, load_dataset, save_dataset
    from amsim.phase import retrieval_boundary

    ds = load_dataset(dataset)
    out = out or dataset.with_name(dataset.stem + "-boundary.nc")
    check_writable(out)
    if figure:
        check_writable(figure)
    if not math.isfinite(level):
        raise ValidationError(f"boundary: --level must be a finite number (got {level!r})")
    found = retrieval_boundary(ds, along=along, var=var, level=level, n_boot=boot)
    th = None
    if theory_name:
        th = registry.theory(theory_name)
        axes = [str(d) for d in found["boundary"].dims]
        _check_theory_inputs(th, axes, f"boundary: --theory {theory_name}",
                             "a theory whose inputs are the axes left after the crossing")
        found = found.merge(th.fn(**{name: found[name].values for name in axes}))
    if figure:  # drawn before anything is printed or written: a boundary without an axis left cannot be drawn
        from amsim.plotting import boundary_figure, save_figure

        drawn = boundary_figure(found, theory=th)
    table = found.to_dataframe() if found["boundary"].dims else found.to_pandas().to_frame().T
    click.echo(f"{var} falls through {level:g} along {along} (95% bootstrap interval over trials):")
    click.echo(table.round(4).to_string())
    save_dataset(found, out)
    paths = {"dataset": out}
    if figure:
        paths["figure"] = save_figure(drawn, figure)
    _print_paths(**paths)


@cli.command()
@click.argument("name", required=False)
@click.argument("assignments", nargs=-1, metavar="[COORD=START:STOP:NUM | COORD=V1,V2,...]...")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="NetCDF file [default: results/theory-<name>.nc].")
def theory(name: str | None, assignments: tuple[str, ...], out: Path | None) -> None:
    """Compute the theory curve NAME on a grid and save it (no NAME: list the theories).

    \b
    Example:
      amsim theory hopfield-rs load=0.01:0.2:96
    """
    from amsim import registry
    from amsim.io import check_writable, save_dataset
    from amsim.sweep.spec import axis_values

    if name is None:
        for th in registry.theories():
            click.echo(f"{th.name:20s} inputs: {', '.join(th.inputs):20s} {th.summary}")
        return
    th = registry.theory(name)
    grids = {k: np.asarray(axis_values(k, parse_grid(v), f"theory {name}")) for k, v in
             (a.partition("=")[::2] for a in assignments)}
    _check_theory_inputs(th, list(grids), f"theory {name}")
    try:
        ds = th.fn(**grids)
    except ValueError as exc:  # a theory rejects a value (a negative temperature, ...)
        message = str(exc)
        raise ValidationError(message if message.startswith("theory") else f"theory {name}: {message}") from None
    out = out or Path("results") / f"theory-{name}.nc"
    check_writable(out)
    save_dataset(ds, out)
    for key, value in ds.attrs.items():
        if isinstance(value, float):
            click.echo(f"{key} = {value:.6g}")
    _print_paths(dataset=out)


@cli.command()
def info() -> None:
    """Show versions, available backends, threads and memory of this machine."""
    import os
    import platform
    from importlib.metadata import version

    from amsim import backends
    from amsim.resources import format_bytes, physical_memory
    from amsim.version import __version__

    click.echo(f"amsim {__version__}  python {platform.python_version()}  {platform.platform()}")
    for pkg in ("numpy", "numba", "scipy", "xarray", "h5netcdf", "click"):
        click.echo(f"  {pkg:10s} {version(pkg)}")
    click.echo(f"cores: {os.cpu_count()}  numba threads: {backends.set_threads(None)}  "
               f"memory: {format_bytes(physical_memory())}")
    click.echo(f"backends available: {', '.join(backends.available())}  (auto -> {backends.resolve('auto')})")


@cli.command()
@click.option("--repeats", default=5, show_default=True, type=click.IntRange(1),
              help="Timed repetitions per line (the median is shown).")
@click.option("--threads", default="1,2", show_default=True, help="Thread counts to time, comma-separated.")
@click.option("--family", "only", multiple=True, help="Only this family's workloads (repeat for several).")
@click.option("--match", help="Only the workloads whose name contains this text (case-insensitive).")
@click.option("--quick", is_flag=True, help="Small sizes: a smoke test in seconds, not the headline figures.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results as JSON.")
def bench(repeats: int, threads: str, only: tuple[str, ...], match: str | None, quick: bool,
          json_out: Path | None) -> None:
    """Time amsim's kernels against the NumPy reference and plain NumPy baselines (medians and ratios)."""
    from amsim import registry
    from amsim.bench import main as bench_main

    for name in only:
        registry.family(name)
    counts = [int(t) for t in threads.split(",") if t.strip().isdigit() and int(t) > 0]
    if not counts:
        raise ValidationError(f"bench: --threads must list positive integers (got {threads!r}; e.g. 1,2)")
    bench_main(repeats=repeats, threads=counts, quick=quick, only=list(only) or None, json_out=json_out,
               match=match)


@cli.command()
@click.option("--noise", default=0.25, show_default=True, type=click.FloatRange(0, 1),
              help="Fraction of each letter's pixels flipped in the cue.")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed for the noise and update order.")
@click.option("--update", default="async", show_default=True, type=click.Choice(["async", "sync"]),
              help="Dynamics: one neuron at a time (async) or all at once (sync).")
@BACKEND
def demo(noise: float, seed: int, update: str, backend: str) -> None:
    """Watch a Hopfield network restore five letters from noisy copies (a first look, in the terminal)."""
    from amsim.demo import run_demo

    click.echo(run_demo(noise=noise, seed=seed, update=update, backend=backend))


def _fail(message: str, status: int = 2) -> None:
    click.echo("error: " + " ".join(str(message).split()), err=True)
    sys.exit(status)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the click group and turn user errors into one line and exit status 2."""
    from amsim.sweep import SweepFailedError

    try:
        status = cli.main(args=argv, prog_name="amsim", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # plain `amsim`: show the help, not an error
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(0)
    except click.ClickException as exc:
        _fail(exc.format_message())
    except SweepFailedError as exc:  # bad luck or a bug, not bad input: status 1, finished tasks kept
        _fail(str(exc), 1)
    except AmsimError as exc:
        _fail(str(exc))
    except click.Abort:
        _fail("aborted", 130)
    except KeyboardInterrupt:
        _fail("interrupted; finished tasks are saved (rerun a sweep with --resume)", 130)
    sys.exit(status if isinstance(status, int) else 0)
