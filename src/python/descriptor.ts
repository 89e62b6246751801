/** What the light engine descriptor (./index.ts) and the engine itself (./engine.ts) share: id, extensions, presets. */
import { MOTOR_PYTHON_PRESET } from '../presets/motor-python.js';
import { PYTHON_EXTENSIONS } from './prefilter.js';

export const PYTHON_ENGINE_INFO = { id: 'python', extensions: PYTHON_EXTENSIONS, presets: [MOTOR_PYTHON_PRESET] } as const;
