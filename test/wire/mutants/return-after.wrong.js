const { MongoClient } = require('mongodb');
const counters = new MongoClient('mongodb://localhost:27017/app').db().collection('counters');
function next(name, cb) {
  counters.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }).then((r) => {
    cb(null, r.seq);
  }, (err) => {
    return cb(err);
  });
}
module.exports = { next };
