export default ({ cb }) => ({
  calls: [['place', { _id: 1 }, cb, cb], { fail: 'insert' }, ['place', { _id: 2 }, cb, cb]],
});
