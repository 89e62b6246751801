/** Entry of the CLI bundle (dist/bundle/mongo-codemod.cjs): the CLI and the pool worker's task, in one script. */
export { main } from './cli.js';
export { default as runTask } from './runner/worker.js';
