"""Timing shared by the PyTorch reference scripts of bench/ (step_time_torch.py,
spatiotemporal_step_time_torch.py): median milliseconds per call of a training step, and
which BLAS torch runs on."""
import re
import statistics
import time

import torch


def median_ms_per_step(one_step, steps, repetitions, warm_up=5):
    """Runs one_step warm_up times, then `repetitions` timed runs of `steps` calls; the median ms per call."""
    for _ in range(warm_up):
        one_step()
    timings = []
    for _ in range(repetitions):
        started = time.perf_counter()
        for _ in range(steps):
            one_step()
        timings.append((time.perf_counter() - started) * 1000 / steps)
    return statistics.median(timings)


def blas_check():
    """Which BLAS torch runs on: the config's BLAS_INFO and a timed 256x128 . 128x128 matmul."""
    a, b = torch.randn(256, 128), torch.randn(128, 128)
    for _ in range(20):
        a @ b
    started = time.perf_counter()
    for _ in range(200):
        a @ b
    matmul_ms = (time.perf_counter() - started) * 1000 / 200
    found = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return (found.group(1) if found else "unknown"), matmul_ms
