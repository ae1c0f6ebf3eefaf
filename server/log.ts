// Structured logs (pino). Tokens never reach a log line: token query params are masked in every URL we log,
// and Authorization headers and token fields are redacted by pino itself as a second line of defence.
import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'outcome-board' },
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'token',
          '*.token',
          'ownerToken',
          'editToken',
          'viewToken',
          '*.ownerToken',
          '*.editToken',
          '*.viewToken',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  )
}

/** A request path with its query, every `token` parameter's value replaced by [redacted]. Keys are compared
 *  decoded, as the router reads them: `?%74oken=T` is a token too. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => (/^\s*token\s*$/i.test(decodeKey(pair)) ? 'token=[redacted]' : pair))
    .join('&')
  return `${url.slice(0, q)}?${query}`
}

function decodeKey(pair: string): string {
  const eq = pair.indexOf('=')
  const key = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ')
  try {
    return decodeURIComponent(key)
  } catch {
    return key
  }
}
