/** What the light engine descriptor (./index.ts) and the engine itself (./engine.ts) share: id, extensions, presets. */
import { presetsOf } from '../presets/index.js';
import { PYTHON_EXTENSIONS } from './prefilter.js';

export const PYTHON_ENGINE_INFO = { id: 'python', extensions: PYTHON_EXTENSIONS, presets: presetsOf('python') } as const;
