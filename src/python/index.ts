/** The Python engine as the runner sees it: a light descriptor; web-tree-sitter and the rules load on first use. */
import type { Engine } from '../core/types.js';
import { PYTHON_EXTENSIONS, prefilterPython } from './prefilter.js';

export const pythonEngine: Engine = {
  id: 'python',
  extensions: PYTHON_EXTENSIONS,
  presets: [
    {
      name: 'motor-python',
      language: 'python',
      description: 'Motor (motor.motor_asyncio) -> PyMongo native async API (pymongo.AsyncMongoClient, PyMongo >= 4.13).',
      modules: ['motor', 'motor.motor_asyncio', 'motor.core', 'motor.motor_gridfs', 'motor.motor_tornado'],
    },
  ],
  prefilter: prefilterPython,
  process: async (file, options) => (await import('./engine.js')).pythonEngine.process(file, options),
};
