"""Timing shared by the PyTorch reference scripts of bench/ (step_time_torch.py,
spatiotemporal_step_time_torch.py): median milliseconds per call of a training step."""
import statistics
import time


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
