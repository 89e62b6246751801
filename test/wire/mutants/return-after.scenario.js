export default ({ cb }) => ({
  seed: { 'app.counters': [{ _id: 'orders', seq: 1 }] },
  calls: [['next', 'orders', cb], ['next', 'orders', cb]],
});
