#!/usr/bin/env python
"""Benchmark: opening a datastack that holds many xarray datasets (what `cook_scans` writes, one per scan).

    PYTHONPATH=. python bench/bench_datastack_open.py [--datasets 300] [--repeat 5]

Times, in the same process (median of `--repeat`): reading the zip index alone (`DatastackStore(f).datapaths()`, the
floor), `DataStack(f)` (datasets are opened when first used), `DataStack(f)` plus reading one dataset, and
`DataStack(f)` plus opening every dataset (what opening cost before datasets were opened lazily).
"""
import argparse, os, shutil, tempfile, time
import numpy as np, xarray as xr
from nx5d.storage import DataStack, DatastackStore, append_dataset
from timing import median_time   # same directory (bench/timing.py)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--datasets', type=int, default=300)
    ap.add_argument('--repeat', type=int, default=5)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='bench_ds_open_')
    try:
        f = os.path.join(tmp, 'maps.datastack')
        rng = np.random.default_rng(0)
        t0 = time.perf_counter()
        for i in range(a.datasets):
            ds = xr.Dataset({'qdata': (('Delay', 'qy', 'qz'), rng.random((4, 8, 16)))},
                            coords={'Delay': np.arange(4.), 'qy': np.linspace(-.1, .1, 8), 'qz': np.linspace(2.5, 2.7, 16)},
                            attrs={'scan': f'{i:06d}'})
            append_dataset(ds, f'scan_{i:06d}', f)
        t_build = time.perf_counter() - t0
        mid = f'scan_{a.datasets // 2:06d}'

        def index(): DatastackStore(f).datapaths()
        def open_only(): DataStack(f).close(verbose=False)
        def open_read():
            with DataStack(f) as s: s.read_dataset(mid)
        def open_all():
            with DataStack(f) as s: [s.datasets[k] for k in s.datasets]
        t_index, t_open, t_read, t_all = (median_time(fn, a.repeat) for fn in (index, open_only, open_read, open_all))
        print(f'{a.datasets} xarray datasets in {os.path.getsize(f) / 2**20:.1f} MiB (written in {t_build:.1f} s); median of {a.repeat}')
        print(f'  zip index only (floor)            {t_index * 1e3:9.1f} ms   1.0x')
        print(f'  DataStack(f)                      {t_open * 1e3:9.1f} ms   {t_open / t_index:.1f}x')
        print(f'  DataStack(f) + read one dataset   {t_read * 1e3:9.1f} ms   {t_read / t_index:.1f}x')
        print(f'  DataStack(f) + open every dataset {t_all * 1e3:9.1f} ms   {t_all / t_index:.1f}x   (the cost of opening before)')
    finally:
        shutil.rmtree(tmp)


if __name__ == '__main__':
    main()
