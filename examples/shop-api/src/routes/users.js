// Uses the shared handles of ../db.js: no wrapper import here, yet the calls migrate (cross-file tracking).
import express from 'express';
import { db, collection } from '../db.js';

const router = express.Router();

router.get('/users', async (req, res) => {
  const users = await collection('users').find({}, { projection: { password: 0 } }).toList();
  res.json(users);
});

router.get('/users/:id/sessions', async (req, res) => {
  const sessions = await db.getCollection('sessions').find({ userId: req.params.id }).toList(20);
  res.json(sessions);
});

export default router;
