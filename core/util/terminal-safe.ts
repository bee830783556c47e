/**
 * Control characters (C0, DEL, C1) and the Unicode bidirectional overrides: what a
 * terminal would act on instead of showing (ESC starts a sequence that can move the
 * cursor, rewrite lines or set the window title; U+202E reverses the text after it).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// \uNNNN, as JSON writes them: printed JSON stays valid JSON with the same content.
const escapeCharacter = (character: string): string => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text from a log or a config made safe to print: every control character shown as
 * \uNNNN, never sent, so a crafted log cannot rewrite the user's terminal;
 * and, beyond `maxLength` characters, cut with a note of how much was cut.
 */
export function terminalSafe(text: unknown, maxLength = 300): string {
  const escaped = String(text).replace(UNPRINTABLE, escapeCharacter);
  if (escaped.length <= maxLength) return escaped;
  return `${escaped.slice(0, maxLength)}… (${escaped.length - maxLength} more characters cut)`;
}

/**
 * Lines of output made safe as a whole: each line escaped as terminalSafe does, without
 * a length cap; the newlines between them kept. The last guard of every line the CLI
 * prints (console-output.ts), whatever a field-level escape missed.
 */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map((line) => line.replace(UNPRINTABLE, escapeCharacter)).join('\n');
}
