const { MongoClient } = require('mongodb');
const users = new MongoClient('mongodb://localhost:27017/app').db().collection('users');
function deactivate(team, cb) {
  users.update({ team }, { $set: { active: false } }, cb);
}
module.exports = { deactivate };
