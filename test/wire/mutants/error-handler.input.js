const { MongoClient } = require('mongodb');
const orders = new MongoClient('mongodb://localhost:27017/app').db().collection('orders');
function place(order, onError, onDone) {
  orders.insertOne(order, (err, r) => {
    if (err) return onError(err);
    onDone(r.insertedId);
  });
}
module.exports = { place };
