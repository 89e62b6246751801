export default ({ cb }) => ({
  seed: { 'app.users': [{ _id: 1, team: 'red' }, { _id: 2, team: 'red' }] },
  calls: [['deactivate', 'red', cb]],
});
