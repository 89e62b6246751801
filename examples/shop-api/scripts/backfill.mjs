// node scripts/backfill.mjs: add a `day` field to old events.
import { AsyncIOMotorClient } from '../src/lib/motor.js';

const client = new AsyncIOMotorClient(process.argv[2] ?? 'mongodb://localhost:27017/shop');
const events = client.getDatabase('shop').getCollection('events');

const missing = await events.find({ day: { $exists: false } }).toList();
for (const e of missing) {
  await events.updateOne({ _id: e._id }, { $set: { day: e.ts.toISOString().slice(0, 10) } });
}
console.log(`backfilled ${missing.length} events`);
client.close();
