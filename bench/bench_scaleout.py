#!/usr/bin/env python
"""Benchmark of nx5d.scaleout: cooking a batch of UDKM scans serially in this process vs on a 2-worker LocalCluster
(`nx5d.scaleout.local_cluster`, as `cook_scans` starts it).

Both are measured in the same run, interleaved (serial, cluster, serial, cluster, ...), each warm: this process has
cooked a scan before the first serial run, and each worker has cooked one before the first cluster run (imports of
xrayutilities & co. take about 2 s per process and are not part of steady-state throughput). The cold path — a
`cook_scans(..., workers=N)` call that starts its own LocalCluster, imports in the workers and cooks — is measured
once at the end. Both paths store their results in a datastack; the two datastacks are compared.

Reported: wall time per run, the best and median of each, the ratio serial/cluster, the CPU seconds spent (this
process for serial, the workers for the cluster), the median time of one scan's cooking, and the 1-minute load
average before each run — the machine may be shared with other work, which shows up there. For the same reason the
script measures the machine's own ceiling after each pair of runs: how much faster N processes finish N copies of a
fixed pure-Python workload than one process does — what N-fold parallelism can give at that moment.

    PYTHONPATH=. python bench/bench_scaleout.py [--scans 8] [--workers 2] [--loops 2] [--repeat 3] [--data DIR]

Each scan is a full-size (195 x 487 pixels) delay scan of 12 delays x 21 angles x `--loops` loops.
"""
import argparse, os, time, shutil, tempfile, statistics
from pathlib import Path

import numpy as np


def make_data(root, n, loops):
    "A repository with `n` full-detector scans (different seeds and strains); reused if already there."
    from nx5d.example import make_scan, ScanSpec, example_delays
    prop = Path(root) / '20210205'
    keys = [f'{100000 + 1000 * i:06d}' for i in range(n)]
    spec0 = ScanSpec(delays=tuple(example_delays(12, 160.0)), loops=loops, extra=0)
    for i, k in enumerate(keys):
        if (prop / k / 'manifest.dat').exists(): continue
        if (prop / k).exists(): shutil.rmtree(prop / k)
        make_scan(prop / k, ScanSpec(**{**spec0.__dict__, 'seed': i, 'amplitude': 2e-3 + 5e-4 * i}), progress=False)
    return f'file://{Path(root).resolve()}/{{proposal}}/{{scan}}', keys, spec0


def busy(n=6_000_000):
    "A fixed pure-Python workload (about a second of one core)."
    x = 0
    for i in range(n): x += i * i % 7
    return x


def ceiling(nproc):
    "How much faster `nproc` processes finish `nproc` fixed workloads than one process, right now (the machine's ceiling)."
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(nproc) as pool:
        list(pool.map(busy, [1000] * nproc))                      # start the processes
        t = time.perf_counter(); busy(); busy(); one = (time.perf_counter() - t) / 2
        t = time.perf_counter(); list(pool.map(busy, [6_000_000] * nproc)); many = time.perf_counter() - t
    return nproc * one / many


def cpu_here():
    t = os.times(); return t.user + t.system


def cpu_workers(client):
    import psutil
    return sum(client.run(lambda: sum(psutil.Process().cpu_times()[:2])).values())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--scans', type=int, default=8)
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--loops', type=int, default=2, help='loops over the delays per scan (252 frames each)')
    p.add_argument('--repeat', type=int, default=3)
    p.add_argument('--data', default=None, help='folder for the example scans (kept); default: a temporary folder')
    a = p.parse_args(argv)

    from distributed import Client
    from nx5d.udkm import UdkmRepository
    from nx5d.scaleout import cook_scans, local_cluster
    from nx5d.storage import DataStack

    tmp = Path(tempfile.mkdtemp(prefix='nx5d-bench-scaleout-'))
    root = Path(a.data) if a.data else tmp / 'repo'
    t = time.perf_counter()
    url, keys, spec = make_data(root, a.scans, a.loops)
    print(f'data: {a.scans} scans of {spec.n_frames} frames ({spec.shape[0]}x{spec.shape[1]}) in {root} '
          f'(ready in {time.perf_counter() - t:.1f} s)')
    print(f'machine: {os.cpu_count()} cores; load average now {os.getloadavg()[0]:.2f} / {os.getloadavg()[1]:.2f} / '
          f'{os.getloadavg()[2]:.2f} (1/5/15 min)')

    prop = UdkmRepository(url, spice_url='')['20210205']
    prop.spice.seed('settings', img_center=list(spec.center), img_distance=spec.distance, grid_size=[80, 150])
    cook_scans(prop, keys[:1], workers=0)                     # warm this process

    runs, ceilings = {'serial': [], 'cluster': []}, []
    with local_cluster(a.workers) as cluster, Client(cluster, set_as_default=False) as client:
        client.run(lambda: [__import__(m) for m in ('nx5d.udkm', 'nx5d.scaleout', 'xrayutilities')] and None)
        cook_scans(prop, keys[:2 * a.workers], client=client)  # warm the workers
        for i in range(a.repeat):
            for mode in ('serial', 'cluster'):
                out = tmp / f'{mode}-{i}.datastack'
                load = os.getloadavg()[0]
                c0 = cpu_here() if mode == 'serial' else cpu_workers(client)
                t = time.perf_counter()
                rep = cook_scans(prop, keys, out, workers=0) if mode == 'serial' else cook_scans(prop, keys, out, client=client)
                dt = time.perf_counter() - t
                cpu = (cpu_here() if mode == 'serial' else cpu_workers(client)) - c0
                assert rep.ok, rep
                per_scan = statistics.median(r.seconds for r in rep)
                runs[mode].append({'seconds': dt, 'cpu': cpu, 'load': load, 'out': out, 'scan': per_scan})
                print(f'run {i + 1} {mode:7s}: {dt:6.2f} s wall, {cpu:6.2f} s CPU, median {per_scan:.2f} s per scan '
                      f'while cooking, load average before {load:.2f}')
            c = ceiling(a.workers)
            ceilings.append(c)
            print(f'        machine ceiling for {a.workers} processes right now: {c:.2f}x')

    # the cold path: cook_scans starts (and stops) its own cluster
    load = os.getloadavg()[0]
    t = time.perf_counter()
    rep = cook_scans(prop, keys, tmp / 'cold.datastack', workers=a.workers)
    cold = time.perf_counter() - t
    assert rep.ok, rep
    print(f'cold   cluster: {cold:6.2f} s wall (LocalCluster start, imports in the workers, cooking, shutdown), '
          f'load average before {load:.2f}')

    # same results either way
    s, c = DataStack(runs['serial'][0]['out']), DataStack(runs['cluster'][0]['out'])
    worst = 0.0
    for dp in s.datapath_list:
        x, y = s.read_dataset(dp).qdata.values, c.read_dataset(dp).qdata.values
        assert np.array_equal(np.isnan(x), np.isnan(y)), dp
        worst = max(worst, float(np.nanmax(np.abs(x - y) / np.maximum(np.abs(x), 1e-300))))

    best = {m: min(r['seconds'] for r in v) for m, v in runs.items()}
    med = {m: statistics.median(r['seconds'] for r in v) for m, v in runs.items()}
    cpu = {m: statistics.median(r['cpu'] for r in v) for m, v in runs.items()}
    print()
    print(f'{a.scans} scans, serial (this process) vs {a.workers}-worker LocalCluster, {a.repeat} interleaved runs each:')
    print(f'  serial : best {best["serial"]:6.2f} s, median {med["serial"]:6.2f} s, '
          f'{best["serial"] / a.scans:.2f} s per scan, CPU/wall {cpu["serial"] / med["serial"]:.2f}')
    print(f'  cluster: best {best["cluster"]:6.2f} s, median {med["cluster"]:6.2f} s, '
          f'{best["cluster"] / a.scans:.2f} s per scan, CPU/wall {cpu["cluster"] / med["cluster"]:.2f}')
    print(f'  speed-up serial/cluster: best {best["serial"] / best["cluster"]:.2f}x, median {med["serial"] / med["cluster"]:.2f}x '
          f'(ideal {a.workers}x); cold cluster incl. start-up: {med["serial"] / cold:.2f}x')
    print(f'  a scan took {statistics.median(r["scan"] for r in runs["cluster"]) / statistics.median(r["scan"] for r in runs["serial"]):.2f}x '
          f'as long on a worker as in the serial run (median of the per-scan times)')
    print(f'  machine ceiling for {a.workers} processes (fixed pure-Python work, measured after each pair of runs): '
          f'{min(ceilings):.2f}x .. {max(ceilings):.2f}x')
    print(f'  largest relative difference between the serial and cluster maps: {worst:.1e}')
    print(f'  load average during the runs: {min(r["load"] for v in runs.values() for r in v):.2f} .. '
          f'{max(r["load"] for v in runs.values() for r in v):.2f} (1 min; {os.cpu_count()} cores)')
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
