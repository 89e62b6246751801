import { AsyncIOMotorClient } from './lib/motor.js';

export const client = new AsyncIOMotorClient(process.env.MONGO_URL ?? 'mongodb://localhost:27017/shop');
export const db = client.getDefaultDatabase();

export function collection(name) {
  return db.getCollection(name);
}

export async function closeDb() {
  client.close();
}
