import { List } from 'immutable';
import { AsyncIOMotorClient, AsyncIOMotorCollection } from '../lib/motor';

interface Product {
  sku: string;
  title: string;
  price: number;
}

export class Catalog {
  private readonly products: AsyncIOMotorCollection;

  constructor(client: AsyncIOMotorClient) {
    this.products = client.getDatabase('shop').getCollection('products');
  }

  async cheapest(n: number): Promise<Product[]> {
    const docs: Product[] = await this.products.find({}).sort({ price: 1 }).toList(5);
    return docs.slice(0, n);
  }

  // Immutable's toList is not the wrapper's: it stays as it is.
  titles(products: Product[]) {
    return List(products.map((p) => p.title)).toList();
  }
}
