/** The `motor-python` preset as the runner and the CLI see it: what it migrates and the modules it claims. */
import type { PresetInfo } from '../core/types.js';

export const MOTOR_PYTHON_PRESET: PresetInfo = {
  name: 'motor-python',
  language: 'python',
  description: 'Motor (motor.motor_asyncio) -> PyMongo native async API (pymongo.AsyncMongoClient, PyMongo >= 4.13).',
  modules: ['motor', 'motor.motor_asyncio', 'motor.core', 'motor.motor_gridfs', 'motor.motor_tornado'],
};
