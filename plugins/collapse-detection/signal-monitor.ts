export type SignalTransition = 'suspected' | 'detected' | 'recovered';

/** A monitor as plain JSON, for checkpoints. */
export interface SignalMonitorState {
  signal: string;
  threshold: number;
  direction: 'below' | 'above';
  confirmations: number;
  consecutive: number;
  status: 'healthy' | 'suspected' | 'detected';
  onsetStep?: number;
  detectedStep?: number;
}

/**
 * One signal's state machine. A value past the threshold makes it suspected;
 * `confirmations` consecutive such values make it detected; a value back within the
 * threshold after that is a recovery. Each transition is reported once.
 */
export class SignalMonitor {
  private consecutive = 0;
  private status: 'healthy' | 'suspected' | 'detected' = 'healthy';
  /** Step of the first observation of the current excursion: the onset. */
  onsetStep?: number;
  /** Step at which the current excursion became a detection. */
  detectedStep?: number;

  constructor(
    readonly signal: string,
    readonly threshold: number,
    /** Whether crossing means going below the threshold (diversity) or above it (drift). */
    readonly direction: 'below' | 'above',
    private readonly confirmations: number,
  ) {}

  toJSON(): SignalMonitorState {
    const { signal, threshold, direction, confirmations, consecutive, status, onsetStep, detectedStep } = this;
    return { signal, threshold, direction, confirmations, consecutive, status, onsetStep, detectedStep };
  }

  static fromJSON(state: SignalMonitorState): SignalMonitor {
    const monitor = new SignalMonitor(state.signal, state.threshold, state.direction, state.confirmations);
    monitor.consecutive = state.consecutive;
    monitor.status = state.status;
    monitor.onsetStep = state.onsetStep;
    monitor.detectedStep = state.detectedStep;
    return monitor;
  }

  get state(): 'healthy' | 'suspected' | 'detected' {
    return this.status;
  }

  observe(value: number, step: number): SignalTransition | undefined {
    const crossed = !Number.isFinite(value) || (this.direction === 'below' ? value < this.threshold : value > this.threshold);
    if (crossed) {
      this.consecutive++;
      if (this.status === 'healthy') {
        this.onsetStep = step;
        this.status = this.consecutive >= this.confirmations ? 'detected' : 'suspected';
        if (this.status === 'detected') this.detectedStep = step;
        return this.status;
      }
      if (this.status === 'suspected' && this.consecutive >= this.confirmations) {
        this.status = 'detected';
        this.detectedStep = step;
        return 'detected';
      }
      return undefined;
    }
    this.consecutive = 0;
    if (this.status === 'healthy') return undefined;
    this.status = 'healthy';
    this.onsetStep = undefined;
    this.detectedStep = undefined;
    return 'recovered';
  }
}
