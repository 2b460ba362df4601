import { CreateDelivery1764100000000 } from './1764100000000-create-delivery.js';

export const deliveryMigrations = [CreateDelivery1764100000000];
