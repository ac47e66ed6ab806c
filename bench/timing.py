"""Timing helpers shared by the bench scripts (run them as `python bench/bench_x.py`: this folder is on sys.path)."""
import statistics, time


def median_time(fn, repeat):
    "Median wall time of `repeat` calls of `fn`."
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def paired_ratio(fn, base, repeat):
    "(median over rounds of time(fn)/time(base), median time of fn, of base): the two run back to back each round."
    rs, tf, tb = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter(); base(); t1 = time.perf_counter(); fn(); t2 = time.perf_counter()
        rs.append((t2 - t1) / (t1 - t0)); tb.append(t1 - t0); tf.append(t2 - t1)
    return statistics.median(rs), statistics.median(tf), statistics.median(tb)


SCAN = ('20210205', '091726')     # the full-size example delay scan, below a data folder


def example_scan(root):
    "(the full-size example scan's folder below `root`, seconds spent generating it or None when it was there already)."
    import os, shutil
    from pathlib import Path
    from nx5d.example import make_scan, ScanSpec
    scan = Path(root).joinpath(*SCAN)
    if (scan / 'manifest.dat').exists() and len(os.listdir(scan)) == ScanSpec().n_frames + 2: return scan, None
    if scan.exists(): shutil.rmtree(scan)
    t = time.perf_counter()
    make_scan(scan, ScanSpec(), progress=False)
    return scan, time.perf_counter() - t


def kernel_without_prefetch():
    "`nx5d.kernel.frames_kernel` compiled again with `skip_prefetch` in the place of `prefetch` (it compiles at its first call)."
    import types, numba, nx5d.kernel as K
    f = K.frames_kernel.py_func
    return numba.njit(nogil=True)(types.FunctionType(f.__code__, {**f.__globals__, 'prefetch': K.skip_prefetch}, f.__name__))
