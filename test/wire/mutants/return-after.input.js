const { MongoClient } = require('mongodb');
const counters = new MongoClient('mongodb://localhost:27017/app').db().collection('counters');
function next(name, cb) {
  counters.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { returnOriginal: false }, (err, r) => {
    if (err) return cb(err);
    cb(null, r.value.seq);
  });
}
module.exports = { next };
