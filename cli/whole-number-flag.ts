import { GanpipeError } from '../core/errors';

/** A commander parser for flags that take whole numbers; the error names the flag. */
export function wholeNumberFlag(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new GanpipeError('GANPIPE_CONFIG_INVALID', `${flag}: expected a whole number, got "${value}"`);
    return Number(value);
  };
}
