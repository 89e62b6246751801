/** The Python engine as the runner sees it: a light descriptor; web-tree-sitter and the rules load on first use. */
import type { Engine } from '../core/types.js';
import { PYTHON_ENGINE_INFO } from './descriptor.js';
import { prefilterPython } from './prefilter.js';
import { pythonCrossFile, releasePython } from './crossfile.js';

export const pythonEngine: Engine = {
  ...PYTHON_ENGINE_INFO,
  prefilter: prefilterPython,
  process: async (file, options) => (await import('./engine.js')).pythonEngine.process(file, options),
  crossFile: pythonCrossFile,
  release: releasePython,
};
