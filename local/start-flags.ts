/**
 * The flags `npm start` takes, as `node:util` parseArgs reads them: local/main.ts parses them, and test/docs checks
 * every `npm start -- …` line of the docs against them.
 */
export const START_FLAGS = {
  port: { type: 'string' },
  forward: { type: 'string', multiple: true },
  'data-dir': { type: 'string' },
  'in-memory': { type: 'boolean' },
  quiet: { type: 'boolean' },
  'fail-rate': { type: 'string', multiple: true },
  slow: { type: 'string', multiple: true },
  'visibility-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
