#!/usr/bin/env python
"""Start-up time of the `nx5d` commands that do not compute, against `python -c "import numpy"` in the same run.

    PYTHONPATH=. python bench/bench_startup.py [--rounds 7] [--nx5d PATH]

Writes a small UDKM example repository, a small datastack and one spice record into a temporary folder, then runs,
round after round (interleaved, so that every command sees the same load), each command as a fresh process:
`python -c "import numpy"` (the baseline), `nx5d --help`, `nx5d ls URL`, `nx5d ls URL PROPOSAL`,
`nx5d datastack tree FILE`, `nx5d spice view PROPOSAL SCAN`. Prints the median wall time of each and its ratio to the
baseline's median (target: 3x or less), and the load average.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path


def setup(root):
    "The example data the commands look at; returns the URLs and paths."
    import numpy as np
    from nx5d.example import make_repository
    from nx5d.storage import append
    from nx5d.spice import open_spice
    url = make_repository(Path(root) / 'udkm', 'small', progress=False)['url']
    ds = f'{root}/small.datastack'
    append(np.arange(10), 'a', ds); append(np.ones((3, 4)), 'b', ds)
    spice = f'file://{root}/spice/{{proposal}}'
    open_spice(spice, '20210205').seed('settings', img_distance=680.0)
    return url, ds, spice


def commands(nx5d, url, ds, spice):
    "name -> argv of each timed command."
    return {'python -c "import numpy"': [sys.executable, '-c', 'import numpy'],
            'nx5d --help': [nx5d, '--help'],
            'nx5d ls URL': [nx5d, 'ls', url],
            'nx5d ls URL PROPOSAL': [nx5d, 'ls', url, 'p20210205'],
            'nx5d datastack tree FILE': [nx5d, 'datastack', 'tree', ds],
            'nx5d spice view PROPOSAL SCAN': [nx5d, 'spice', 'view', '20210205', '091726', '--spice', spice]}


def wall(argv):
    "Seconds one run of `argv` takes (it must succeed)."
    t = time.perf_counter()
    r = subprocess.run(argv, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if r.returncode: sys.exit(f'{" ".join(argv)} failed:\n{r.stderr}')
    return dt


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rounds', type=int, default=7, help='interleaved rounds (medians are reported)')
    ap.add_argument('--nx5d', default=str(Path(sys.executable).parent / 'nx5d'), help='the nx5d console script')
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix='nx5d-bench-startup-')
    try:
        cmds = commands(a.nx5d, *setup(root))
        for argv in cmds.values(): wall(argv)                  # warm the page cache and the bytecode caches
        times = {k: [] for k in cmds}
        for _ in range(a.rounds):
            for k, argv in cmds.items(): times[k].append(wall(argv))
        base = statistics.median(times['python -c "import numpy"'])
        print(f'{a.rounds} interleaved rounds, medians; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}')
        for k, ts in times.items():
            m = statistics.median(ts)
            print(f'  {k:32s} {m * 1e3:7.0f} ms   {m / base:4.1f}x   (runs: {", ".join(f"{t * 1e3:.0f}" for t in ts)})')
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    main()
