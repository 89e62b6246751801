/** MONGO_CODEMOD_DEBUG=1 prints the time of each phase on stderr, in ms since the process started. */
export function phase(name: string): void {
  if (process.env.MONGO_CODEMOD_DEBUG) process.stderr.write(`[mongo-codemod] ${name}: ${performance.now().toFixed(0)} ms\n`);
}
