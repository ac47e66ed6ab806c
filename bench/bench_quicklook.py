#!/usr/bin/env python
"""Benchmark: per-frame sum, maximum and centre of mass of a 41-frame Pilatus 100K scan (quick looks).

    PYTHONPATH=. python bench/bench_quicklook.py [--frames 41] [--repeat 5]

Frames in memory (int32, dead pixels -1/-2), so the figures are the computation, not the reading. In the same
process, interleaved rounds, medians, ratio against a plain numpy loop over the frames (the baseline):
`nx5d.quicklook.quicklook` (dask, one vectorised numpy pass per chunk of frames), dask-image's `ndmeasure`
with one label per frame over the stack, and dask-image per frame (the region as the label). All agree.
"""
import argparse, statistics, time
import numpy as np, xarray as xr, dask, dask.array as da
from nx5d.quicklook import quicklook

def numpy_loop(frames):
    out = np.empty((len(frames), 4))
    w, h = np.arange(frames.shape[1]), np.arange(frames.shape[2])
    for i, f in enumerate(frames):
        g = np.where(f >= 0, f, 0)
        s = g.sum()
        out[i] = s, g.max(), (g.sum(1) @ w) / s, (g.sum(0) @ h) / s
    return out

def dask_image_stack(frames):
    from dask_image import ndmeasure
    d = da.from_array(frames, chunks=(8, -1, -1))
    labels = da.where(d >= 0, da.arange(1, len(frames) + 1)[:, None, None], 0)
    idx = np.arange(1, len(frames) + 1)
    s, m, c = ndmeasure.sum_labels(d, labels, idx), ndmeasure.maximum(d, labels, idx), ndmeasure.center_of_mass(d, labels, idx)
    s, m, c = dask.compute(s, m, c)
    return np.column_stack([s, m, c[:, 1], c[:, 2]])

def dask_image_frames(frames):
    from dask_image import ndmeasure
    d = da.from_array(frames, chunks=(8, -1, -1))
    parts = []
    for i in range(len(frames)):
        f = d[i]; lab = (f >= 0).astype(int)
        parts.append((ndmeasure.sum_labels(f, lab, 1), ndmeasure.maximum(f, lab, 1), ndmeasure.center_of_mass(f, lab, 1)))
    got = dask.compute(*parts)
    return np.array([[s, m, *c] for s, m, c in got], float)

def nx5d_quicklook(frames):
    ql = quicklook(xr.Dataset({'images': (('index', 'w', 'h'), da.from_array(frames, chunks=(8, -1, -1)))}))
    ql = ql.compute()
    return np.column_stack([ql['sum'], ql['max'], ql.com_w, ql.com_h])

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--frames', type=int, default=41)
    ap.add_argument('--repeat', type=int, default=5)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    frames = rng.poisson(2.0, (a.frames, 195, 487)).astype(np.int32)
    frames[:, 10, 20], frames[:, 100, 300] = -1, -2
    ref = numpy_loop(frames)
    ways = {'nx5d quicklook (dask, numpy per chunk)': nx5d_quicklook, 'dask-image, one label per frame': dask_image_stack,
            'dask-image, per frame': dask_image_frames}
    for name, fn in ways.items(): np.testing.assert_allclose(fn(frames), ref, rtol=1e-9, err_msg=name)
    times = {k: [] for k in ['numpy loop', *ways]}
    for _ in range(a.repeat):
        for name, fn in [('numpy loop', numpy_loop), *ways.items()]:
            t0 = time.perf_counter(); fn(frames); times[name].append(time.perf_counter() - t0)
    base = statistics.median(times['numpy loop'])
    print(f'{a.frames} frames 195x487 int32, median of {a.repeat} interleaved rounds')
    for name, ts in times.items():
        t = statistics.median(ts)
        print(f'{name:42s} {t * 1e3:9.1f} ms   {t / base:7.2f}x the numpy loop')

if __name__ == '__main__': main()
