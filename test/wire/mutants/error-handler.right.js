const { MongoClient } = require('mongodb');
const orders = new MongoClient('mongodb://localhost:27017/app').db().collection('orders');
function place(order, onError, onDone) {
  orders.insertOne(order).then((r) => {
    onDone(r.insertedId);
  }, (err) => {
    return onError(err);
  });
}
module.exports = { place };
