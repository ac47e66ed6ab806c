#!/usr/bin/env python
"""Benchmark of the reciprocal-space engine (nx5d.rsm) on the full-size UDKM example scan (5,187 frames of 195x487 int32).

(a) cooking frames held in memory, at reduce 1 and 2, in this process, variants run in interleaved rounds:
    - bare xrayutilities: Ang2Q.area once per distinct angle, one fixed-range FuzzyGridder2D per delay, frames in
      memory, each made float with NaN dead pixels as it is gridded, and at reduce 2 binned there too (block means of
      the valid pixels, float64) - the binning is timed: the engine starts from the same raw frames and bins them
      itself, so the baseline must too; ", fast binning" bins all frames at once beforehand with
      nx5d.udkm.bin_frames (float32), also timed);
    - engine, first cook: mapping cache and detector extents emptied first, so it builds its 21 mappings;
    - engine, re-cook: the mappings cached (what a spice change of monitor, mask or corrections costs);
    - engine, re-cook, huge pages: the same with numpy's requests for transparent huge pages left on
      (nx5d.rsm.small_pages made a no-op), as before the engine turned them off for its large arrays;
    - engine, re-cook, without prefetching: the same with the frames kernel compiled without its prefetch hints
      (nx5d.kernel.skip_prefetch in the place of prefetch; compiled before the rounds);
    - engine with gridder='xrayutilities': the same streaming, xrayutilities' gridders (the old cook_rsm's way).
    Medians of the rounds, and per-round ratios against bare xrayutilities (their median). The maps are compared too.
(b) files to maps: cook_rsm(fs_load_data(scan)) - lazy frames, decoded by the tasks that cook them - against just
    decoding, fs_load_data(scan, lazy=False); interleaved rounds, median ratio.
(c) peak RSS (VmHWM) of each variant in a child process of its own; and the first use of the compiled kernel in a fresh
    process (import, numba loading its cached machine code), which the first cook of a Python session pays once.
(d) optional: `--old-tree DIR` runs cook_rsm(fs_load_data(scan)) of another checkout (e.g. main) in child
    processes; `--demo-before CMD` times `CMD demo --out TMP` against this tree's `nx5d demo`.

    PYTHONPATH=. python bench/bench_rsm.py [--data DIR] [--rounds 3] [--reduce 1 2] [--skip-rss]
        [--old-tree /work/main] [--demo-before /work/main/.venv/bin/nx5d]

Without `--data` the scan is generated into a temporary folder (about 40 MB, removed afterwards). The machine's load
average is printed with the figures: on a shared machine, absolute times are noisy; the ratios less so.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time, shutil
from pathlib import Path

import numpy as np

from timing import example_scan, kernel_without_prefetch

SETTINGS = dict(img_center=(90.0, 300.0), img_distance=680.0, grid_size=(80, 150))


def load(): return f'load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)'



def peak_rss_gb():
    "Peak resident memory of this process (VmHWM: unlike ru_maxrss not inherited from the parent)."
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'): return int(line.split()[1]) / 2**20


def variants(scan, reduce):
    "name -> function cooking the scan from frames in memory; plus a reference map for the comparison."
    import xrayutilities as xu
    from nx5d import rsm
    from nx5d.udkm import fs_load_data, bin_frames, UDKM_RSM_DEFAULTS
    raw = fs_load_data(scan, lazy=False, progress=False)
    s = rsm.rsm_settings(SETTINGS, reduce=reduce, defaults=UDKM_RSM_DEFAULTS)
    grid = rsm.accumulator_for(raw, s).grid
    frames, theta, delay = raw.images.values, raw.Theta.values, raw.Delay.values
    geo = rsm.RsmGeometry(s, rsm.Detector.of(raw), grid)
    def frame(i):
        "Frame i as xrayutilities wants it: float, dead pixels NaN; at reduce > 1 binned by the means of each block's valid pixels."
        x = np.where(frames[i] < 0, np.nan, frames[i].astype(np.float64))
        return x if reduce == 1 else bin_frames(x[None], reduce, 'mean', masked=False)[0]
    def bare(f=None):
        "Frames converted (and binned) one by one as they are gridded - part of the timed work - or taken from `f`."
        qs = {t: geo.hxrd.Ang2Q.area(t, 2 * t)[1:] for t in np.unique(theta)}
        out = []
        for d in np.unique(delay):
            g = xu.FuzzyGridder2D(*grid.sizes); g.dataRange(*grid.ranges[0], *grid.ranges[1], fixed=True); g.KeepData(True)
            for i in np.flatnonzero(delay == d):
                g(*qs[theta[i]], frame(i) if f is None else f[i])
            m = g.data; m[g._gnorm == 0] = np.nan; out.append(m)
        return np.array(out)
    def huge(f):
        "Run `f` with the engine's small_pages a no-op (numpy asks for transparent huge pages as it does by default)."
        import contextlib
        keep, rsm.small_pages = rsm.small_pages, contextlib.nullcontext
        try: return f()
        finally: rsm.small_pages = keep
    import nx5d.kernel as K
    plain = kernel_without_prefetch()
    def without_prefetch(f):
        "Run `f` with the frames kernel compiled without its prefetch hints."
        keep, K.frames_kernel = K.frames_kernel, plain
        try: return f()
        finally: K.frames_kernel = keep
    without_prefetch(lambda: rsm.cook(raw.isel(index=slice(0, 64)), s, progress=False))     # compiled now, not in a round
    def first():
        rsm.clear_caches()
        return rsm.cook(raw, s, progress=False).qdata.values
    out = {'bare xrayutilities': bare,
           'engine, first cook': first,
           'engine, re-cook': lambda: rsm.cook(raw, s, progress=False).qdata.values,
           'engine, re-cook, huge pages': lambda: huge(lambda: rsm.cook(raw, s, progress=False).qdata.values),
           'engine, re-cook, without prefetching': lambda: without_prefetch(lambda: rsm.cook(raw, s, progress=False).qdata.values),
           'engine, xrayutilities gridders': lambda: rsm.cook(raw, rsm.rsm_settings(s, gridder='xrayutilities'), progress=False).qdata.values}
    if reduce > 1: out['bare xrayutilities, fast binning'] = lambda: bare(bin_frames(frames, reduce, 'mean'))   # all at once, float32
    return out, raw


def phases(scan, reduce):
    "Where the engine's time goes on a first cook (one run): grid (detector extents), mapping builds, products."
    from nx5d import rsm
    from nx5d.udkm import fs_load_data, UDKM_RSM_DEFAULTS
    raw = fs_load_data(scan, lazy=False, progress=False)
    s = rsm.rsm_settings(SETTINGS, reduce=reduce, defaults=UDKM_RSM_DEFAULTS)
    rsm.clear_caches()
    t0 = time.perf_counter(); acc = rsm.accumulator_for(raw, s)
    t1 = time.perf_counter()
    inp = rsm.frame_inputs(acc, raw); asets, _ = acc.angle_sets(inp['angles'], inp['energy'])
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(min(8, os.cpu_count())) as p: list(p.map(acc.mapping, asets))
    t2 = time.perf_counter(); acc.add_data(raw, progress=False)
    t3 = time.perf_counter(); acc.result()
    t4 = time.perf_counter()
    one = rsm.accumulator_for(raw, s); t5 = time.perf_counter(); one.add_data(raw, progress=False, workers=1); t6 = time.perf_counter()
    return {'grid (detector extents at 21 angles)': t1 - t0, f'{len(asets)} mapping builds': t2 - t1,
            'frames: products and sums': t3 - t2, 'maps (result)': t4 - t3, 'frames on 1 thread': t6 - t5}


def section_a(scan, reduce, rounds):
    fns, raw = variants(scan, reduce)
    times = {k: [] for k in fns}; ratios = {k: [] for k in fns}; maps = {}
    for _ in range(rounds):
        for k, f in fns.items():
            t = time.perf_counter(); maps[k] = f(); times[k].append(time.perf_counter() - t)
        for k in fns: ratios[k].append(times['bare xrayutilities'][-1] / times[k][-1])
    ref = maps['bare xrayutilities']
    print(f'(a) reduce={reduce}: {raw.sizes["index"]} frames in memory, {len(np.unique(raw.Theta))} distinct angles, '
          f'{len(np.unique(raw.Delay))} maps of 80x150; {rounds} interleaved rounds; {load()}')
    for k in fns:
        same = np.isnan(maps[k]).tolist() == np.isnan(ref).tolist()
        dev = float(np.nanmax(np.abs(maps[k] - ref)) / np.nanmax(ref))
        print(f'    {k:38s} {statistics.median(times[k]):7.3f} s  (rounds {", ".join(f"{t:.2f}" for t in times[k])})  '
              f'{statistics.median(ratios[k]):6.1f}x bare   maps: {dev:.1e} of the peak{"" if same else ", EMPTY BINS DIFFER"}')
    ph = phases(scan, reduce)
    print('    engine first cook, by phase: ' + '; '.join(f'{k} {v:.3f} s' for k, v in ph.items()))


def section_b(scan, reduce, rounds):
    from nx5d.udkm import fs_load_data, cook_rsm
    from nx5d import rsm
    decode = lambda: fs_load_data(scan, lazy=False, progress=False)
    s = dict(SETTINGS, reduce=reduce)
    cook = lambda: cook_rsm(fs_load_data(scan), s, progress=False)
    cook(); rsm.mapping_cache.clear()
    td, tc, r = [], [], []
    for _ in range(rounds):
        t = time.perf_counter(); decode(); td.append(time.perf_counter() - t)
        rsm.clear_caches()
        t = time.perf_counter(); cook(); tc.append(time.perf_counter() - t)
        r.append(tc[-1] / td[-1])
    print(f'(b) files to maps at reduce={reduce} (first cook, lazy frames): {statistics.median(tc):.2f} s; decoding alone '
          f'(fs_load_data lazy=False): {statistics.median(td):.2f} s; ratio {statistics.median(r):.2f} '
          f'(rounds {", ".join(f"{x:.2f}" for x in r)}); {load()}')


def first_kernel_call():
    "Import nx5d.kernel and call its frames kernel once on a tiny batch of int32 frames (numba loads its cached code)."
    import scipy.sparse as sp
    from nx5d.kernel import frames_kernel
    F, P = np.zeros((2, 64), np.int32), sp.csr_matrix(np.ones((16, 3)))
    frames_kernel(F, 8, 2, np.array([0, 1]), np.array([0, 2]), np.ones(2), False, True, 1.0, np.empty((1, 64), np.int64),
                  np.empty((1, 16)), np.full(16, 4), np.zeros(4, np.uint8), np.zeros(64, np.uint8), True, np.zeros(0), np.zeros(0),
                  P.indptr, P.indices, P.data, np.zeros((3, 1)), 0, np.zeros(64, np.uint8), np.zeros(65, np.int64))


def child(mode, scan, reduce):
    "One variant in this (child) process: wall time and peak RSS as JSON."
    import xrayutilities  # noqa: F401
    from nx5d.udkm import fs_load_data, cook_rsm
    t = time.perf_counter()
    if mode == 'kernel, first use': first_kernel_call()
    elif mode == 'files to maps': cook_rsm(fs_load_data(scan), dict(SETTINGS, reduce=reduce), progress=False)
    elif mode == 'decode': fs_load_data(scan, lazy=False, progress=False)
    else:
        fns, _ = variants(scan, reduce)
        t = time.perf_counter(); fns[mode]()
    print(json.dumps({'wall': time.perf_counter() - t, 'rss_gb': peak_rss_gb()}))


def run_child(mode, scan, reduce, tree=None):
    root = tree or str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, 'PYTHONPATH': root + os.pathsep + os.environ.get('PYTHONPATH', '')}
    script = __file__ if tree is None else str(Path(__file__).resolve())
    r = subprocess.run([sys.executable, script, '--child', mode, '--scan', str(scan), '--reduce', str(reduce)],
                       capture_output=True, text=True, env=env, cwd=root)
    if r.returncode: sys.exit(f'{mode} child failed:\n{r.stderr[-3000:]}')
    return json.loads(r.stdout.strip().splitlines()[-1])


def section_c(scan, reduce):
    modes = ['kernel, first use', 'decode', 'files to maps', 'bare xrayutilities', 'engine, first cook', 'engine, xrayutilities gridders']
    print(f'(c) peak RSS at reduce={reduce}, each variant in a child process of its own ({load()}):')
    for m in modes:
        r = run_child(m, scan, reduce)
        print(f'    {m:34s} peak RSS {r["rss_gb"]:.2f} GB   (wall {r["wall"]:.2f} s)')


def section_d(scan, old_tree, demo_before, rounds):
    if old_tree:
        for reduce in (1, 2):
            rs = [run_child('files to maps', scan, reduce, old_tree) for _ in range(rounds)]
            new = [run_child('files to maps', scan, reduce) for _ in range(rounds)]
            print(f'(d) cook_rsm(fs_load_data(scan)) at reduce={reduce}, child processes: {old_tree}: '
                  f'{statistics.median([r["wall"] for r in rs]):.2f} s, peak RSS {max(r["rss_gb"] for r in rs):.2f} GB; this tree: '
                  f'{statistics.median([r["wall"] for r in new]):.2f} s, peak RSS {max(r["rss_gb"] for r in new):.2f} GB ({load()})')
    if demo_before:
        after = [sys.executable, '-c', 'import sys; from nx5d.cli import main; sys.exit(main(sys.argv[1:]))']
        times = {'before': [], 'after': []}
        for _ in range(rounds):
            for k, cmd in (('before', [demo_before]), ('after', after)):
                out = tempfile.mkdtemp(prefix='nx5d-demo-')
                env = dict(os.environ)
                if k == 'before': env.pop('PYTHONPATH', None)
                else: env['PYTHONPATH'] = str(Path(__file__).resolve().parent.parent)
                t = time.perf_counter()
                r = subprocess.run(cmd + ['demo', '--out', out], capture_output=True, text=True, env=env)
                times[k].append(time.perf_counter() - t)
                shutil.rmtree(out, ignore_errors=True)
                if r.returncode: sys.exit(f'demo ({k}) failed:\n{r.stderr[-2000:]}')
        print(f'(d) nx5d demo wall time (generates the data, lists, cooks, plots): before {statistics.median(times["before"]):.1f} s, '
              f'after {statistics.median(times["after"]):.1f} s ({load()})')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', help='folder for the generated scan (kept and reused)')
    ap.add_argument('--rounds', type=int, default=3, help='interleaved rounds per comparison')
    ap.add_argument('--reduce', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--skip-rss', action='store_true'); ap.add_argument('--skip-files', action='store_true')
    ap.add_argument('--old-tree', help='checkout whose cook_rsm to time in child processes (e.g. /work/main)')
    ap.add_argument('--demo-before', help='an nx5d command to time `demo` with (e.g. /work/main/.venv/bin/nx5d)')
    ap.add_argument('--child', help=argparse.SUPPRESS); ap.add_argument('--scan', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child: return child(a.child, a.scan, a.reduce[0])
    tmp = None if a.data else tempfile.mkdtemp(prefix='nx5d-bench-rsm-')
    try:
        scan = example_scan(a.data or tmp)[0]
        print(f'scan {scan}; {load()}')
        for r in a.reduce: section_a(scan, r, a.rounds)
        if not a.skip_files:
            for r in a.reduce: section_b(scan, r, a.rounds)
        if not a.skip_rss: section_c(scan, 1)
        section_d(scan, a.old_tree, a.demo_before, a.rounds)
        print(f'done; {load()}')
    finally:
        if tmp: shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
