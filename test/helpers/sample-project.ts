/** A small Motor-style project shared by the CLI, API and package tests: one file to migrate, one flagged. */

/** Migrates cleanly: the wrapper import, construction, getDatabase/getCollection and a toList() loop. */
export const SERVICE = `import { AsyncIOMotorClient } from 'motor';

const client = new AsyncIOMotorClient(process.env.MONGO_URL);
const orders = client.getDatabase('shop').getCollection('orders');

export async function open() {
  const rows = await orders.find({ open: true }).toList();
  return rows;
}
`;

/** Keeps one suppressed finding (an ignore comment) and one reported one. */
export const FLAGGED = `import { AsyncIOMotorClient } from 'motor';

const people = new AsyncIOMotorClient(process.env.MONGO_URL).getDatabase('hr').getCollection('people');

export function each(cb) {
  // mongo-codemod-ignore motor/cursor-each -- kept until the report job is rewritten
  people.find({}).each(cb);
}

export async function none() {
  return people.find({}).toList(0);
}
`;
