"""Benchmark: SPEC files (nx5d.spec).

1. Listing a SPEC file of 1,000 scans with their summaries (a fresh repository each round: the file is indexed)
   against a plain Python line scan of the same file counting `#S` lines (`grep -c '^#S'`); target within 3x.
2. Opening one scan's raw data without images (a fresh scan each round); target under 50 ms.
3. The frames of a 41-point Pilatus scan (195 x 487 int32, uncompressed, as the detector writes them) loaded as
   `scan.raw.images.values` against `tifffile.imread` of each file in a loop; target at least 3x faster.

Ratios are paired: the two contenders run back to back each round, the median over rounds is printed.

    python bench/bench_spec.py [--scans 1000] [--points 41] [--repeat 20]
"""
import argparse, os, statistics, tempfile, time, shutil, warnings
import numpy as np, tifffile
from nx5d.spec import SpecRepository
from nx5d.testing import spec_file_header, spec_scan, write_pilatus
from nx5d.tiff import TiffStack
from timing import median_time, paired_ratio   # same directory (bench/timing.py)


def write_file(path, scans, points):
    "A SPEC file of `scans` ascans of `points` points each, with the header lines SPEC writes."
    labels = ['Theta', 'H', 'K', 'L', 'Epoch', 'Seconds', 'Monitor', 'pil_sum', 'pil_max', 'Detector']
    rng = np.random.default_rng(0)
    parts = [spec_file_header('/home/specuser/data/bench.spec')]
    for s in range(1, scans + 1):
        th = np.linspace(10, 12, points)
        rows = [(round(t, 4), 0, 0, round(1 + t / 100, 5), 1700000000 + 60 * s + i, 0.1, int(m), int(c) * 100, int(c), int(c))
                for i, (t, m, c) in enumerate(zip(th, rng.poisson(1000, points), rng.poisson(50, points)))]
        parts.append(spec_scan(s, f'ascan  th 10 12 {points - 1} 0.1', labels, rows, epoch=1700000000 + 60 * s))
    with open(path, 'w') as f: f.write(''.join(parts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scans', type=int, default=1000)
    ap.add_argument('--points', type=int, default=41)
    ap.add_argument('--repeat', type=int, default=20)
    a = ap.parse_args()
    root = tempfile.mkdtemp()
    try:
        path = f'{root}/bench.spec'
        write_file(path, a.scans, a.points)
        url = f'file://{root}/{{proposal}}.spec#{{scan}}'
        print(f'load: {os.getloadavg()[0]:.2f} (1 min)')
        print(f'file: {a.scans} scans of {a.points} points, {os.path.getsize(path) / 1e6:.1f} MB')

        def line_scan():
            with open(path) as f: return sum(1 for line in f if line.startswith('#S'))
        def listing(): return SpecRepository(url, spice_url='').bench.rows()
        assert line_scan() == a.scans and len(listing()) == a.scans
        r, tl, tb = paired_ratio(listing, line_scan, a.repeat)
        print(f'1. listing with summaries {tl*1e3:7.1f} ms, line scan {tb*1e3:7.1f} ms: {r:.2f}x   (target: within 3x)')

        p = SpecRepository(url, spice_url='').bench
        p.keys()
        mid = p.keys()[a.scans // 2]
        def raw(): return p[mid].refresh().raw
        t0 = time.perf_counter(); assert len(raw().index) == a.points; t_first = time.perf_counter() - t0
        t = median_time(raw, a.repeat)
        print(f'2. raw of scan {mid} without images: {t*1e3:.1f} ms   (target: under 50 ms); the first in this process {t_first*1e3:.0f} ms (imports xarray)')

        frames = np.random.default_rng(1).poisson(3, (a.points, 195, 487)).astype(np.int32)
        frames[:, :, 160] = -1
        paths = write_pilatus(root, 'bench', int(mid), frames)
        def tifffile_loop(): return np.stack([tifffile.imread(f) for f in paths])
        def opened(): return p[mid].refresh().raw.images.values
        raw = p[mid].refresh().raw
        def images(): return raw.images.values
        stack = TiffStack(paths, frames.shape[1:], frames.dtype)    # what the dask array's task reads
        def reader(): return stack[:]
        for f in (opened, images, reader): assert np.array_equal(f(), tifffile_loop())
        print(f'3. {a.points} Pilatus frames (195 x 487 int32, uncompressed) against tifffile.imread in a loop (target: at least 3x faster):')
        for name, f in [('scan opened, frames loaded: scan.refresh().raw.images.values', opened),
                        ('frames of an opened scan: raw.images.values (read straight into one array)', images),
                        ('the reader behind it: TiffStack[:]', reader)]:
            r, tn, tt = paired_ratio(f, tifffile_loop, a.repeat)
            print(f'   {name:72s} {tn*1e3:6.1f} ms vs {tt*1e3:6.1f} ms: {1/r:.2f}x faster')
        print(f'load: {os.getloadavg()[0]:.2f} (1 min)')
    finally:
        shutil.rmtree(root)


if __name__ == '__main__':
    main()
