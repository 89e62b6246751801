import express from 'express';
import { AsyncIOMotorClient, ObjectId } from '../lib/motor.js';

const router = express.Router();
const client = new AsyncIOMotorClient(process.env.MONGO_URL ?? 'mongodb://localhost:27017/shop');
const orders = client.getDatabase('shop').getCollection('orders');

router.get('/orders', async (req, res) => {
  const rows = await orders.find({ customerId: req.query.customer }).sort({ createdAt: -1 }).toList();
  res.json(rows);
});

router.get('/orders/:id', async (req, res) => {
  const order = await orders.findOne({ _id: new ObjectId(req.params.id) });
  if (!order) return res.status(404).json({ error: 'not found' });
  res.json(order);
});

router.get('/orders-by-status', async (req, res) => {
  const totals = await orders.aggregate([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toList();
  res.json(totals);
});

export default router;
