import { InfluxDB } from 'influx';
import { GanpipeError } from '../../core/errors';
import { metricSchema } from './metric-schema';

export interface InfluxTarget {
  url: string;
  database?: string;
  username?: string;
  password?: string;
}

/** The URL without credentials: the only form that reaches logs, events and the console. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Builds a client from a URL (credentials may sit in it, or come from the options, or
 * from INFLUX_USERNAME / INFLUX_PASSWORD). Database: the option, else the URL's path,
 * else INFLUX_DATABASE, else "ganpipe".
 */
export function connectInflux(target: InfluxTarget, where: string): { client: InfluxDB; database: string; displayUrl: string } {
  let parsed: URL;
  try {
    parsed = new URL(target.url);
  } catch {
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', `${where}: "${redactUrl(target.url)}" is not a URL; expected e.g. http://localhost:8086`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', `${where}: ${parsed.protocol} is not supported; use http:// or https://`);
  }
  // URL parsing keeps percent-escapes as written; a malformed one (%zz) cannot be decoded.
  const decode = (part: string, what: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new GanpipeError('GANPIPE_CONFIG_INVALID', `${where}: the URL's ${what} has a malformed %-escape; write a literal % as %25`);
    }
  };
  const [username, password] = [decode(parsed.username, 'user name'), decode(parsed.password, 'password')];
  const database = target.database ?? (decode(parsed.pathname, 'path').replace(/^\//, '') || process.env.INFLUX_DATABASE || 'ganpipe');
  const client = new InfluxDB({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 8086,
    protocol: parsed.protocol === 'https:' ? 'https' : 'http',
    database,
    username: target.username ?? (username || process.env.INFLUX_USERNAME || 'root'),
    password: target.password ?? (password || process.env.INFLUX_PASSWORD || 'root'),
    schema: metricSchema,
  });
  return { client, database, displayUrl: redactUrl(target.url) };
}
