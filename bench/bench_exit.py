#!/usr/bin/env python
"""Benchmark: how long Python takes to exit after a session that made many scan objects and cached their raw data.

    PYTHONPATH=. python bench/bench_exit.py [--scans 20000] [--cached 5000]

A child process makes a proposal of `--scans` scans, reads the raw data of `--cached` of them (cached in nx5d's
shared cache), prints the time and ends. Reported: the time from that print to the end of the process, against the
same child with no scans (the floor: the interpreter's own shutdown), median of 3 each.
"""
import argparse, statistics, subprocess, sys, time

CHILD = '''
import sys, time, numpy as np
from nx5d.repo.base import DataScanBase, DataProposalBase, DataRepoBase
N, M = int(sys.argv[1]), int(sys.argv[2])
class S(DataScanBase):
    def _get_raw(self): return np.zeros(1)
class P(DataProposalBase):
    def all(self): return {f's{i}': f's{i}' for i in range(N)}
    def _scan(self, k): return S(self, k)
class R(DataRepoBase):
    def all(self): return {'p': 'p'}
    def _proposal(self, k): return P(self, k)
scans = list(R('memory', spice_url='').p)
for s in scans[:M]: s.raw
print(time.time(), flush=True)
'''


def exit_time(n, m):
    p = subprocess.run([sys.executable, '-c', CHILD, str(n), str(m)], capture_output=True, text=True, check=True)
    return time.time() - float(p.stdout.split()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scans', type=int, default=20_000)
    ap.add_argument('--cached', type=int, default=5_000)
    a = ap.parse_args()
    floor = statistics.median(exit_time(0, 0) for _ in range(3))
    t = statistics.median(exit_time(a.scans, a.cached) for _ in range(3))
    print(f'exit after {a.scans} scans with {a.cached} cached raw datasets: {t * 1e3:8.1f} ms   {t / floor:.1f}x')
    print(f'exit after no scans (floor)                            {floor * 1e3:8.1f} ms   1.0x')


if __name__ == '__main__':
    main()
