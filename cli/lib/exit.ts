/**
 * Exiting the CLI without cutting its output. `process.exit` ends the process at once, but writes to
 * a pipe are asynchronous in Node: whatever the reader had not taken yet (anything past the 64 KiB
 * pipe buffer) was lost, so `events list --limit 0 --json | cat` stopped at 65,536 bytes.
 */

/** Exits with `code` once everything written to stdout and stderr has been handed to the OS. */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    // A reader that left early (`| head`) makes the write fail with EPIPE: nothing more to deliver.
    stream.once('error', () => resolve());
    // Writes complete in order, so this callback runs after every earlier write has been flushed.
    stream.write('', () => resolve());
  });
}
