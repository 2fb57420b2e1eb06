/**
 * A command's flags, parsed by `node:util` parseArgs, with the CLI's own one-line message for a flag it does not
 * take or a value that is missing or not expected. parseArgs' own text advises putting a dash-led argument after
 * `--`, which is wrong inside `npm run cli -- …` (npm takes that `--`).
 */
import { parseArgs } from 'node:util';
import { UsageError, type Flags } from '../command';

/**
 * The values and positionals of `args`; a UsageError for an unknown flag, a flag without its value, a value given
 * to an on/off flag, or (with `positionals: false`) any argument that is not a flag. `renamed` maps a flag the
 * command no longer takes to what replaces it, for the message.
 *
 * @example
 * const { values, positionals } = parseFlags(args, { json: { type: 'boolean' }, limit: { type: 'string' } });
 */
export function parseFlags<const F extends Flags>(
  args: readonly string[],
  flags: F,
  { positionals = true, renamed = {} }: { positionals?: boolean; renamed?: Readonly<Record<string, string>> } = {},
) {
  const { tokens } = parseArgs({
    args: [...args],
    options: flags,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'positional' && !positionals) throw new UsageError(`unexpected argument "${token.value}"`);
    if (token.kind !== 'option') continue;
    const flag = flags[token.name];
    if (flag === undefined) {
      const now = renamed[token.name];
      throw new UsageError(now ? `${token.rawName} is now ${now}` : `unknown option ${token.rawName}`);
    }
    // `--port --json`: the next flag is not the value (parseArgs refuses it as ambiguous).
    if (flag.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))))
      throw new UsageError(`${token.rawName} needs a value (one starting with "-" is written ${token.rawName}=-…)`);
    if (flag.type === 'boolean' && token.inlineValue) throw new UsageError(`${token.rawName} takes no value`);
  }
  return parseArgs({ args: [...args], options: flags, allowPositionals: positionals });
}
