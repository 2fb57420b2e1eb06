/**
 * Notices that the process which started this one is gone, so a local stack never outlives its
 * supervisor (an IDE, a process manager, CI, or the `npm start` a script holds the pid of).
 *
 * Why polling `process.ppid`: when a parent dies, the kernel re-parents its children (to init or a
 * subreaper), so the parent pid changes; that is true however the parent died, SIGKILL included,
 * which no signal handler of ours can see. It needs nothing from the parent. The alternatives each
 * depend on the parent: an IPC channel exists only if the parent opens one (npm does not), and stdin
 * is the caller's terminal or pipe, passed through by npm, so its end says nothing about npm's life.
 * `process.ppid` is read live (getppid(2)) and is portable across Linux, macOS and Windows.
 */
export function watchParent(onGone: () => void, options: { parentPid?: number; intervalMs?: number } = {}): () => void {
  const parent = options.parentPid ?? process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? 250);
  // The stack's own servers keep the process alive; this timer must not.
  timer.unref();
  return () => clearInterval(timer);
}
