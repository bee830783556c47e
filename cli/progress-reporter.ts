import { SingleBar } from 'cli-progress';
import type { Observable, Subscription } from 'rxjs';
import type { RunEvent } from '../core/events/run-event';

const formatLoss = (value: number | null | undefined) => (value === null || value === undefined ? '–' : value.toFixed(3));

/**
 * Shows a run's progress from its events: a live bar on a terminal (step, steps/s,
 * ETA, latest losses), plain lines every `lineIntervalMs` otherwise (CI logs, pipes).
 */
export function reportProgress(events$: Observable<RunEvent>, totalSteps: number, output: NodeJS.WriteStream = process.stderr, lineIntervalMs = 10_000): Subscription {
  const startedAt = Date.now();
  let discriminatorLoss: number | null = null;
  let generatorLoss: number | null = null;
  let lastLineAt = startedAt;
  const bar = output.isTTY
    ? new SingleBar({
        stream: output,
        format: 'step {value}/{total} |{bar}| {speed} steps/s | ETA {eta_formatted} | D {dLoss} G {gLoss}',
        hideCursor: true,
        etaBuffer: 200,
        fps: 5,
      })
    : undefined;
  const payload = (step: number) => ({
    speed: (step / Math.max((Date.now() - startedAt) / 1000, 1e-3)).toFixed(1),
    dLoss: formatLoss(discriminatorLoss),
    gLoss: formatLoss(generatorLoss),
  });
  bar?.start(totalSteps, 0, payload(0));

  return events$.subscribe({
    next(event) {
      if (event.type === 'discriminator.stepped') discriminatorLoss = event.loss;
      if (event.type === 'generator.stepped') generatorLoss = event.loss;
      if (event.type === 'run.finished' || event.type === 'run.failed') bar?.stop();
      if (event.type !== 'generator.stepped' && event.type !== 'discriminator.stepped') return;
      if (bar) return bar.update(event.step, payload(event.step));
      const now = Date.now();
      if (now - lastLineAt < lineIntervalMs) return;
      lastLineAt = now;
      const { speed, dLoss, gLoss } = payload(event.step);
      const remaining = (totalSteps - event.step) / Math.max(Number(speed), 1e-3);
      output.write(`step ${event.step}/${totalSteps} (${Math.floor((100 * event.step) / totalSteps)}%) ${speed} steps/s, ETA ${Math.ceil(remaining)} s, D ${dLoss} G ${gLoss}\n`);
    },
    complete: () => bar?.stop(),
  });
}
