/**
 * Runs once before the test files: checks the integration tier's tools. Under CI=true a missing one
 * fails the run, saying what is missing; elsewhere it prints one line per missing tool (which tests
 * did not run, and how to get it) and the rest of the suite runs.
 */
import { isCi, missingLine, TOOLS, type Tool } from './servers';

export default function setup(): void {
  const missing = (Object.keys(TOOLS) as Tool[]).flatMap((tool) => {
    const what = TOOLS[tool].missing();
    return what === undefined ? [] : [missingLine(tool, what)];
  });
  if (missing.length === 0) return;
  if (isCi()) {
    throw new Error(
      `CI=true requires every integration tool; missing:\n${missing.map((line) => line.replace('skipped', 'would skip')).join('\n')}`,
    );
  }
  for (const line of missing) console.warn(line);
}
