"""The user-facing models of the dense family: the dense associative memory of ±1 neurons and the continuous modern
Hopfield network (with its attention view).

>>> import numpy as np
>>> from amsim.families.dense import DenseAssociativeMemory, ModernHopfield
>>> from amsim.patterns import corrupt, random_patterns
>>> rng = np.random.default_rng(0)
>>> xi = random_patterns(2000, 200, rng)                      # P = 2000 patterns of N = 200: 10 P / N
>>> dam = DenseAssociativeMemory(n_neurons=200, degree=3, backend="cpu", random_state=1).store(xi)
>>> result = dam.recall(corrupt(xi[:5], 0.1, rng))            # async to a fixed point
>>> dam.overlaps(result.states)[np.arange(5), np.arange(5)]   # doctest: +SKIP
array([1., 1., 1., 1., 1.])
>>> x = rng.standard_normal((50, 64)) / 8                      # 50 real patterns of norm about 1
>>> net = ModernHopfield(n_neurons=64, beta=20.0, max_steps=1, backend="cpu").store(x)
>>> net.recall(x[:3] + 0.01 * rng.standard_normal((3, 64))).states.shape
(3, 64)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from amsim import backends
from amsim.bits import pack_bits
from amsim.dynamics import MODES, random_words_bytes, run_sequential, temperatures
from amsim.exceptions import ValidationError
from amsim.families.dense import energies
from amsim.families.dense.params import SEPARATIONS, DenseParams
from amsim.family import Model, Recall
from amsim.kernels import Convergence, Schedule
from amsim.kernels.layout import transposed
from amsim.resources import require_memory

#: Codes of the separation functions in the kernels (``kind``).
SEPARATION_CODES = {name: code for code, name in enumerate(SEPARATIONS)}
#: Columns of the transposed patterns are padded to a multiple of this (the lanes of the field sums).
_PAD = energies.LANES


def dense_bytes(energy: str, n: int, n_patterns: int) -> int:
    """Bytes a dense associative memory holds for P patterns of N neurons: the int8 patterns and their packed
    copy, plus the int8 transposed patterns and the (2N + 1) tables (polynomial and rectified) or a transposed
    packed copy (exponential)."""
    held = n * n_patterns + 8 * n_patterns * -(-n // 64)
    if energy == "exponential":
        held += 8 * n_patterns * -(-n // 64)
    else:
        held += n * -(-n_patterns // _PAD) * _PAD + 16 * (2 * n + 1)
    return held


def recall_bytes(energy: str, n: int, n_patterns: int, n_states: int, sequential: bool, threads: int = 2) -> int:
    """Bytes of one recall beside the memory: the states, one chunk of random words (sequential dynamics) and each
    thread's work arrays (polynomial: overlap counts and field terms, P' int32 + int64 per state; exponential: the
    counts of a block of 8 states and a candidate list, 10 P int32)."""
    width = -(-n_patterns // _PAD) * _PAD
    per_state = 40 * n_patterns if energy == "exponential" else 12 * width
    randomness = random_words_bytes(n_states, n) if sequential else 0
    return 3 * n_states * n + randomness + max(1, min(threads, n_states)) * per_state


class DenseAssociativeMemory(Model):
    """Dense associative memory of ``n_neurons`` ±1 neurons (Krotov & Hopfield 2016; Demircigil et al. 2017).

    Energy ``E(s) = -sum_mu F(xi^mu . s) / Z`` with ``F(x) = x^p`` (``energy="polynomial"``), ``max(x, 0)^p``
    (``"rectified"``), ``Z = p N^(p-1)``, or ``E(s) = -sum_mu exp(xi^mu . s - N)`` (``"exponential"``). Neuron i
    takes the sign of ``sum_mu [F(xi_i^mu + sum_{j != i} xi_j^mu s_j) - F(-xi_i^mu + sum_{j != i} xi_j^mu s_j)]``
    (a zero sum keeps the spin); at p = 2 this is the Hebbian Hopfield network with couplings ``J = W / N``, the same
    states for the same patterns, cues and ``random_state`` (and the same temperature units for ``glauber``).

    The fields come from the overlap counts ``m = Xi s`` (XOR + popcount on packed patterns), kept per state and
    updated after each flip: a visit and a flip each cost O(P); nothing of size N^p exists. Polynomial fields are
    exact int64 sums wherever they fit (see :func:`~amsim.families.dense.energies.exact_int64`; :attr:`exact_`
    says which), so every backend gives the same states; exponential fields are exact up to one float64 rounding,
    identical on every backend (see :mod:`amsim.families.dense.energies`).

    Parameters
    ----------
    params : DenseParams, optional
        Settings; keywords override them. The memory uses ``n_neurons``, ``energy`` and ``degree``; :meth:`recall`
        uses ``update``, ``temperature``, ``order`` and ``max_steps`` unless told otherwise.
    backend : {"auto", "numpy", "cpu", "cuda"}
    random_state : int, numpy.random.Generator or None
        Source of every random word of the dynamics (visiting orders, Glauber's tests).
    **settings
        Fields of :class:`DenseParams`.

    Attributes
    ----------
    patterns_ : ndarray, (P, N) int8
        The stored patterns.
    exact_ : bool
        The fields are exact int64 sums (polynomial and rectified energies within the int64 bound).

    References
    ----------
    D. Krotov & J. J. Hopfield, NeurIPS 2016, arXiv:1606.01164, eqs. (2)-(3). M. Demircigil et al., J. Stat. Phys.
    168, 288 (2017), doi:10.1007/s10955-017-1806-y, the update rule T_i (their eq. 1.4) with F(x) = e^x.
    """

    params_class = DenseParams
    kernel_package = "amsim.families.dense"
    items = "spins"

    @property
    def width(self) -> int:
        """Number of neurons N."""
        return self.params.n_neurons

    def store(self, patterns: np.ndarray) -> DenseAssociativeMemory:
        """Store ±1 patterns (P, N) int8; returns ``self``. The memory is estimated first (see :func:`dense_bytes`)
        and a request that cannot fit raises :class:`~amsim.exceptions.ValidationError`."""
        p = self.params
        patterns = np.ascontiguousarray(patterns, dtype=np.int8)
        if patterns.ndim != 2 or patterns.shape[1] != p.n_neurons or not len(patterns):
            raise ValidationError(f"DenseAssociativeMemory.store: patterns must be (P, n_neurons = {p.n_neurons}) "
                                  f"with P >= 1 (got {patterns.shape})")
        n_patterns = len(patterns)
        require_memory(dense_bytes(p.energy, p.n_neurons, n_patterns),
                       f"DenseAssociativeMemory.store: {n_patterns} patterns of {p.n_neurons} neurons",
                       "store fewer patterns")
        self.backend_  # resolve now: a missing backend fails here, not at the first recall  # noqa: B018
        self.patterns_ = patterns
        self._bits = pack_bits(patterns)
        if p.energy == "exponential":
            self._bits_t = np.ascontiguousarray(self._bits.T)
            self._weights = energies.exponential_weights(n_patterns)
            self.exact_ = False
        else:
            self._patterns_t = transposed(patterns, -(-n_patterns // _PAD) * _PAD)
            self._sums, self._diffs = energies.polynomial_tables(p.energy, p.degree, p.n_neurons, n_patterns)
            self.exact_ = self._sums.dtype == np.int64
        return self

    def recall(self, cues: np.ndarray, *, update: str | None = None, temperature: float | None = None,
               max_steps: int | None = None, order: str | None = None) -> Recall:
        """Run the dynamics from each cue (B, N) int8 and return the final states.

        ``update`` (async, sync, glauber), ``temperature``, ``max_steps`` and ``order`` default to the model's and
        are validated like them. Sequential dynamics draw their random words on the host from :attr:`rng_`, in the
        chunks of :func:`amsim.dynamics.run_sequential`, exactly as the Hopfield network does.
        """
        p = self.settings(update=update, temperature=temperature, max_steps=max_steps, order=order)
        states = np.array(cues, dtype=np.int8, order="C")
        if states.ndim != 2 or states.shape[1] != self.width:
            raise ValidationError(f"DenseAssociativeMemory.recall: cues must be (B, n_neurons = {self.width}) "
                                  f"(got {states.shape})")
        b = len(states)
        steps, converged = np.zeros(b, np.int32), np.zeros(b, np.bool_)
        if p.update == "sync":
            self._sync(states, p.max_steps, Convergence(steps, converged))
        else:
            betas = np.zeros(p.max_steps) if p.update == "async" else 1.0 / temperatures(p.max_steps, p.temperature)
            none = np.zeros((b, 0))
            run_sequential(self._sweeps, states, np.zeros((b, 0), np.int8), MODES[p.update], betas, p.order,
                           self.rng_, steps, converged, none, none, none)
        return Recall(states, steps, converged)

    def _sync(self, states: np.ndarray, max_steps: int, convergence: Convergence) -> None:
        k = self.kernels_
        if self.params.energy == "exponential":
            k.exponential_sync(self._bits_t, self._weights, states, max_steps, convergence)
        else:
            k.polynomial_sync(self._patterns_t, self._bits, self._sums, self._diffs, states, max_steps, convergence)

    def _sweeps(self, states, aux, order_bits, uniform_bits, betas, mode, steps, converged, readout, trace_energy,
                trace_overlap) -> None:
        """The ``sweeps`` of :func:`amsim.dynamics.run_sequential` (no auxiliary state: the kernels count the
        overlaps of each state at the start of a chunk; no traces)."""
        k = self.kernels_
        schedule, convergence = Schedule(order_bits, uniform_bits, betas, mode), Convergence(steps, converged)
        if self.params.energy == "exponential":
            k.exponential_sweeps(self._bits_t, self._weights, states, schedule, convergence)
        else:
            scale = energies.energy_scale(self.params.degree, self.width)
            k.polynomial_sweeps(self._patterns_t, self._bits, self._sums, self._diffs, scale, states, schedule,
                                convergence)

    def counts(self, states: np.ndarray) -> np.ndarray:
        """Overlap counts ``xi^mu . s`` of each state (B, N) with each stored pattern; returns (B, P) int32."""
        states = np.ascontiguousarray(states, dtype=np.int8)
        out = np.empty((len(states), len(self.patterns_)), np.int32)
        backends.kernels("amsim.kernels", self.backend_).overlap_counts(self._bits, states, out)
        return out

    def overlaps(self, states: np.ndarray) -> np.ndarray:
        """Overlaps ``m = xi^mu . s / N`` of each state with each stored pattern; returns (B, P) float64."""
        return self.counts(states) / self.width

    def energy(self, states: np.ndarray) -> np.ndarray:
        """Energy per neuron of each state (B, N); returns (B,) float64 (see
        :func:`~amsim.families.dense.energies.energy_per_neuron`)."""
        p = self.params
        return energies.energy_per_neuron(p.energy, p.degree, self.counts(states), self.width)


class ModernHopfield(Model):
    """Modern Hopfield network with continuous states (Ramsauer et al. 2020) and its attention view.

    Stores real patterns ``x_mu`` (P, d) and updates a state by ``xi <- X^T sep(beta X xi)``: ``sep`` is softmax
    (Ramsauer et al.'s update, eq. 3 of arXiv:2008.02217v3), softmax_1 (Hu et al. 2024), sparsemax or alpha-entmax
    (``separation``, ``alpha``). One step (``max_steps=1``) is the transformer's attention with the stored patterns
    as keys and values; more steps iterate to a fixed point (an update that moves no component by more than
    ``tolerance`` times the largest pattern norm). Stored with ``values``, the network is heteroassociative: one
    step maps each query to ``V^T sep(beta K q)``.

    Parameters
    ----------
    params : DenseParams, optional
        Settings; keywords override them. The network uses ``n_neurons`` (the dimension d), ``beta``,
        ``separation``, ``alpha``, ``max_steps`` and ``tolerance``.
    backend : {"auto", "numpy", "cpu", "cuda"}
    random_state : int, numpy.random.Generator or None
        Unused by the deterministic updates (accepted as every model's).
    **settings
        Fields of :class:`DenseParams`.

    Attributes
    ----------
    patterns_ : ndarray, (P, d) float64
        The stored patterns (the keys).
    values_ : ndarray, (P, d_v) float64
        The values (the patterns themselves unless stored heteroassociatively).

    References
    ----------
    H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021, arXiv:2008.02217, eqs. (2)-(3).
    """

    params_class = DenseParams
    kernel_package = "amsim.families.dense"
    items = "reals"

    @property
    def width(self) -> int:
        """Dimension d of the patterns."""
        return self.params.n_neurons

    def store(self, patterns: np.ndarray, values: np.ndarray | None = None) -> ModernHopfield:
        """Store real patterns (P, d) float64, and optionally the values (P, d_v) they map to; returns ``self``."""
        patterns = np.ascontiguousarray(patterns, dtype=np.float64)
        if patterns.ndim != 2 or patterns.shape[1] != self.width or not len(patterns):
            raise ValidationError(f"ModernHopfield.store: patterns must be (P, n_neurons = {self.width}) with P >= 1 "
                                  f"(got {patterns.shape})")
        if values is not None:
            values = np.ascontiguousarray(values, dtype=np.float64)
            if values.ndim != 2 or len(values) != len(patterns):
                raise ValidationError(f"ModernHopfield.store: values must be (P = {len(patterns)}, d_v) (got "
                                      f"{values.shape})")
        self.backend_  # noqa: B018
        self.patterns_ = patterns
        self.values_ = patterns if values is None else values
        self.hetero_ = values is not None
        self.norm_ = float(np.sqrt((patterns**2).sum(axis=1)).max())
        return self

    def _update(self, states: np.ndarray, p: DenseParams) -> np.ndarray:
        out = np.empty((len(states), self.values_.shape[1]), states.dtype)
        self.kernels_.attend(states, self.patterns_, self.values_, p.beta, SEPARATION_CODES[p.separation], p.alpha,
                             out)
        return out

    def recall(self, cues: np.ndarray, *, beta: float | None = None, separation: str | None = None,
               alpha: float | None = None, max_steps: int | None = None, tolerance: float | None = None) -> Recall:
        """Update each cue (B, d) to a fixed point, or for ``max_steps`` steps; returns the final states.

        ``steps`` counts the updates that moved the state by more than the tolerance; ``converged`` says an update
        moved it by less (the state after that update is returned). Heteroassociative memories take one step
        (``max_steps`` must be 1) and return the values read, (B, d_v).
        """
        p = self.settings(beta=beta, separation=separation, alpha=alpha, max_steps=max_steps, tolerance=tolerance)
        states = np.array(cues, dtype=np.float64, order="C")
        if states.ndim != 2 or states.shape[1] != self.width:
            raise ValidationError(f"ModernHopfield.recall: cues must be (B, n_neurons = {self.width}) (got "
                                  f"{states.shape})")
        b = len(states)
        steps, converged = np.zeros(b, np.int32), np.zeros(b, np.bool_)
        if self.hetero_:
            if p.max_steps != 1:
                raise ValidationError(f"ModernHopfield.recall: max_steps must be 1 for a heteroassociative memory "
                                      f"(got {p.max_steps})")
            read = self._update(states, p)
            steps[:] = 1
            return Recall(read, steps, converged)
        active = np.arange(b)
        for _ in range(p.max_steps):
            new = self._update(states[active], p)
            still = np.abs(new - states[active]).max(axis=1) > p.tolerance * self.norm_
            states[active] = new
            steps[active[still]] += 1
            converged[active[~still]] = True
            active = active[still]
            if not active.size:
                break
        return Recall(states, steps, converged)

    def weights(self, cues: np.ndarray, **settings: Any) -> np.ndarray:
        """The separation weights ``sep(beta X xi)`` of each cue (B, d) over the stored patterns; (B, P) float64.
        ``settings``: ``beta``, ``separation``, ``alpha``."""
        p = self.settings(**settings)
        scores = p.beta * (np.asarray(cues, dtype=np.float64) @ self.patterns_.T)
        out = np.empty_like(scores)
        self.kernels_.separation(scores, SEPARATION_CODES[p.separation], p.alpha, out)
        return out

    def attend(self, queries: np.ndarray, keys: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Attention with the network's ``beta`` and separation: ``sep(beta Q K^T) V``.

        Parameters
        ----------
        queries : ndarray, (B, d) float32 or float64
        keys : ndarray, (P, d)
        values : ndarray, (P, d_v)

        Returns
        -------
        ndarray, (B, d_v), the dtype of the queries
            On the cpu backend softmax and softmax_1 process the keys in chunks with an online softmax: no (B, P)
            score matrix is held (see :mod:`amsim.families.dense._cpu`).
        """
        dtype = np.float32 if np.asarray(queries).dtype == np.float32 else np.float64
        q, k, v = (np.ascontiguousarray(a, dtype=dtype) for a in (queries, keys, values))
        if q.ndim != 2 or k.ndim != 2 or v.ndim != 2 or q.shape[1] != k.shape[1] or len(k) != len(v):
            raise ValidationError(f"ModernHopfield.attend: queries, keys and values must be (B, d), (P, d) and "
                                  f"(P, d_v) (got {q.shape}, {k.shape} and {v.shape})")
        p = self.params
        out = np.empty((len(q), v.shape[1]), dtype)
        self.kernels_.attend(q, k, v, p.beta, SEPARATION_CODES[p.separation], p.alpha, out)
        return out

    def energy(self, states: np.ndarray) -> np.ndarray:
        """Ramsauer et al.'s energy (eq. 2) of each state (B, d): ``-lse(beta, X xi) + xi . xi / 2 + ln(P) / beta
        + M^2 / 2`` with ``lse(beta, z) = ln(sum_mu exp(beta z_mu)) / beta`` and M the largest pattern norm; the
        softmax update never increases it. Returns (B,) float64."""
        states = np.asarray(states, dtype=np.float64)
        z = self.params.beta * (states @ self.patterns_.T)
        top = z.max(axis=1)
        lse = (top + np.log(np.exp(z - top[:, None]).sum(axis=1))) / self.params.beta
        return (-lse + 0.5 * (states**2).sum(axis=1) + np.log(len(self.patterns_)) / self.params.beta
                + 0.5 * self.norm_**2)
