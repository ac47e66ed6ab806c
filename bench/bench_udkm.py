#!/usr/bin/env python
"""Benchmark of nx5d.udkm on a full-size UDKM PXS scan (5,187 frames of 195x487 int32, deflate TIFFs).

(a) raw load into memory: nx5d's `fs_load_data` (eager, and lazy then `.load()`) against the original example's
    sequential loader (pandas manifest, one `tifffile.imread` per frame, `numpy.stack`), same process, warm file cache,
    runs interleaved, medians of `--repeat`; the lazy path is also given as a ratio to the eager one.
(b) cooking at reduce=1: `cook_rsm` (reading the frames itself, lazily) against the bare xrayutilities floor
    (frames already in memory; `Ang2Q.area` + one fixed-range FuzzyGridder2D, chunked), each in its own subprocess,
    wall time and peak RSS of the child.

    PYTHONPATH=. python bench/bench_udkm.py [--data DIR] [--repeat 5] [--skip-load] [--skip-cook]

Without `--data`, the scan is generated into a temporary folder (about 40 MB, removed afterwards). With `--data DIR`
it is generated there once and reused by later runs.
"""
import argparse, json, os, re, resource, statistics, subprocess, sys, tempfile, time, shutil
from pathlib import Path

import numpy as np

from timing import example_scan


def seed_loader(scan_path, reduce=1):
    "The original example's loader: pandas for the manifest, tifffile frame by frame, numpy.stack."
    import pandas, xarray, tifffile
    tab = pandas.read_csv(f'{scan_path}/manifest.dat', sep='\t')
    ds = xarray.Dataset({re.sub('[][%/ ]', '', k): ('index', tab[k]) for k in tab})
    ds['images'] = (('index', 'w', 'h'), np.stack([tifffile.imread(f'{scan_path}/image{i:05d}.tiff')[::reduce, ::reduce]
                                                   for i in range(len(tab))]))
    return ds


def warm(scan):
    "Read every file once so that all runs see a warm page cache."
    n = 0
    for p in sorted(scan.iterdir()): n += len(p.read_bytes())
    return n


def timed(f):
    t = time.perf_counter(); r = f(); dt = time.perf_counter() - t
    shape = r.images.shape; del r
    return dt, shape


def peak_rss_gb():
    "Peak resident memory of this process (VmHWM; unlike ru_maxrss it does not inherit the parent's peak)."
    try:
        for line in open('/proc/self/status'):
            if line.startswith('VmHWM:'): return int(line.split()[1]) / 2**20
    except OSError: pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def child(mode, scan, reduce):
    "Run one cooking variant; print wall time and peak RSS as JSON."
    import xrayutilities as xu  # (both variants pay the import before timing starts)
    from nx5d.udkm import fs_load_data, cook_rsm, rsm_settings, area_geometry, UDKM_RSM_DEFAULTS
    from nx5d.rsm import accumulator_for
    s = rsm_settings(img_center=(90.0, 300.0), img_distance=680.0, grid_size=(80, 150), reduce=reduce, defaults=UDKM_RSM_DEFAULTS)
    out = {'mode': mode}
    if mode == 'cook':
        t = time.perf_counter()
        rsm = cook_rsm(fs_load_data(scan), s, progress=False)
        out['wall'] = time.perf_counter() - t
        out['maps'] = list(rsm.qdata.shape)
    else:
        ds = fs_load_data(scan, reduce=reduce, mode='mean', lazy=False)   # not timed: the floor starts from memory, binned as cooking bins
        frames, theta = ds.images.values, ds.Theta.values
        hxrd = area_geometry(s, frames.shape[1:])
        grid = accumulator_for(ds, rsm_settings(s, reduce=1)).grid     # the engine's grid: the detector's extent over the scan
        g = xu.FuzzyGridder2D(*grid.sizes)
        g.dataRange(*grid.ranges[0], *grid.ranges[1], fixed=True); g.KeepData(True)
        step = 256                                                   # 256 frames -> ~0.55 GB of q's per step
        t = time.perf_counter()
        for a in range(0, len(frames), step):
            _, qy, qz = hxrd.Ang2Q.area(theta[a:a+step], 2 * theta[a:a+step])
            g(qy, qz, frames[a:a+step])
        out['wall'] = time.perf_counter() - t
    out['maxrss_gb'] = peak_rss_gb()
    print(json.dumps(out))


def run_child(mode, scan, reduce):
    env = {**os.environ, 'PYTHONPATH': str(Path(__file__).resolve().parent.parent) + os.pathsep + os.environ.get('PYTHONPATH', '')}
    r = subprocess.run([sys.executable, __file__, '--child', mode, '--scan', str(scan), '--reduce', str(reduce)],
                       capture_output=True, text=True, env=env)
    if r.returncode: sys.exit(f'{mode} child failed:\n{r.stderr}')
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', help='folder for the generated repository (kept and reused)')
    ap.add_argument('--repeat', type=int, default=5, help='load runs per variant (the median is reported)')
    ap.add_argument('--reduce', type=int, default=1, help='binning for the cooking comparison')
    ap.add_argument('--skip-load', action='store_true'); ap.add_argument('--skip-cook', action='store_true')
    ap.add_argument('--child', help=argparse.SUPPRESS); ap.add_argument('--scan', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child: return child(a.child, a.scan, a.reduce)

    from nx5d.udkm import fs_load_data
    tmp = None if a.data else tempfile.mkdtemp(prefix='nx5d-bench-udkm-')
    try:
        scan, gen = example_scan(a.data or tmp)
        nbytes = warm(scan)
        print(f'scan {scan}: {len(os.listdir(scan)) - 2} frames, {nbytes / 2**20:.1f} MiB on disk'
              + (f' (generated in {gen:.1f} s)' if gen else ' (reused)') + f'; {os.cpu_count()} cores, load avg {os.getloadavg()[0]:.2f}')
        if not a.skip_load:
            variants = {'seed sequential loader': lambda: seed_loader(scan),
                        'fs_load_data(lazy=False)': lambda: fs_load_data(scan, lazy=False, progress=False),
                        'fs_load_data().load()': lambda: fs_load_data(scan).load()}
            times = {k: [] for k in variants}
            for _ in range(a.repeat):                      # interleaved, so that all variants see the same conditions
                for k, f in variants.items():
                    dt, shp = timed(f); times[k].append(dt)
            med = {k: statistics.median(ts) for k, ts in times.items()}
            t_seed, t_eager = med['seed sequential loader'], med['fs_load_data(lazy=False)']
            print(f'(a) load {shp} into memory, medians of {a.repeat} interleaved runs (all runs: seconds):')
            for k, ts in times.items():
                ratio = '' if k.startswith('seed') else f'{t_seed / med[k]:5.1f}x faster than the seed'
                if k == 'fs_load_data().load()': ratio += f'; {med[k] / t_eager:.2f}x the eager path'
                print(f'    {k:28s} {med[k]:7.2f} s   {ratio:48s} ({", ".join(f"{t:.2f}" for t in ts)})')
        if not a.skip_cook:
            floor = run_child('floor', scan, a.reduce)
            cook = run_child('cook', scan, a.reduce)
            print(f'(b) cooking at reduce={a.reduce} (separate processes):')
            print(f'    xrayutilities floor (frames in memory, Ang2Q + 1 gridder)  {floor["wall"]:7.2f} s')
            print(f'    cook_rsm (reads the frames itself; {cook["maps"][0]} maps)         {cook["wall"]:7.2f} s   '
                  f'ratio {cook["wall"] / floor["wall"]:.2f}, peak RSS {cook["maxrss_gb"]:.2f} GB')
    finally:
        if tmp: shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
