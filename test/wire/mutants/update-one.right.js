const { MongoClient } = require('mongodb');
const users = new MongoClient('mongodb://localhost:27017/app').db().collection('users');
function deactivate(team, cb) {
  users.updateOne({ team }, { $set: { active: false } }).then((r) => cb(null, r), (err) => cb(err));
}
module.exports = { deactivate };
