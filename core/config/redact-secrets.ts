const SECRET_KEY = /password|secret|token|apikey|api_key/i;

/**
 * A copy of a config with credentials removed, for run.started (the log outlives the
 * run and gets shared): values of keys that name a secret become "[redacted]", and
 * URLs lose their user:password part.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(entry)]));
  }
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i.test(value)) return value.replace(/:\/\/[^/@\s]*@/, '://[redacted]@');
  return value;
}
