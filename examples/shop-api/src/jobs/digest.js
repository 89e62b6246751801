import { AsyncIOMotorClient } from '../lib/motor.js';

const client = new AsyncIOMotorClient(process.env.MONGO_URL ?? 'mongodb://localhost:27017/shop', {
  maxPoolSize: 5,
  ioLoop: null,
});
const events = client.getDatabase('shop').getCollection('events');

export async function dailyDigest(send) {
  const cursor = events.find({ day: new Date().toISOString().slice(0, 10) });
  while (await cursor.fetchNext) {
    const event = cursor.nextObject();
    await send(event);
  }
}

export function streamAll(onEvent) {
  events.find({}).each((event, err) => {
    if (err) throw err;
    if (event) onEvent(event);
  });
}

process.on('SIGTERM', () => {
  client.close();
});
